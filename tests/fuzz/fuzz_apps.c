/*
 * libFuzzer target: arbitrary text into mc_udp_parse_line (core/apps.c),
 * as an IPv4 and an IPv6 line.  It must never crash or read out of
 * bounds, and a line it accepts must be sane.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *       -Icore/include tests/fuzz/fuzz_apps.c core/apps.c core/util.c \
 *       core/addr*.c core/err.c -o fuzz_apps
 *   ./fuzz_apps -max_total_time=20
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/apps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int fam[] = {AF_INET, AF_INET6};
    struct mc_udp_sock s;
    char *line = malloc(size + 1);

    if (line == NULL)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    for (int i = 0; i < 2; i++) {
        int rc = mc_udp_parse_line(line, fam[i], &s);

        if (rc == 0 && (s.family != fam[i] || s.local.family != fam[i] ||
                        s.remote.family != fam[i]))
            abort();
        if (rc != 0 && rc != 1 && rc != -22)
            abort();
        if (rc != 0 && s.inode != 0)
            abort(); /* a refused line leaves out cleared */
    }
    free(line);
    return 0;
}
