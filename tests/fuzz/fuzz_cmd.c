/*
 * libFuzzer target: the command parser (mc_cmd_parse) and its canonical
 * text (mc_cmd_format).  Besides the sanitizers' checks it asserts:
 * - a refusal is -EINVAL with a non-empty one-line printable message and a
 *   cleared command;
 * - an accepted line formats to a text that fits MC_CMD_TEXT_MAX and parses
 *   back to an equal command, whose text is the same again;
 * - a short buffer gets -ENOSPC and the beginning of the same text.
 *
 * Build and run (from the repository root; ctest -L fuzz runs it too):
 *   cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DMCSCOPE_FUZZ=ON
 *   cmake --build build/fuzz --target fuzz_cmd
 *   build/fuzz/tests/fuzz_cmd -max_total_time=30 -max_len=4096
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

/* A message is one non-empty line of printable text. */
static void check_line(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    size_t i;

    CHECK(n > 0 && n < max);
    for (i = 0; i < n; i++)
        CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f);
}

static void check_refusal(const struct mc_cmd *c, const struct mc_err *err)
{
    struct mc_cmd none;

    memset(&none, 0, sizeof none);
    CHECK(err->code == -EINVAL);
    check_line(err->msg, sizeof err->msg);
    CHECK(c->kind == MC_CMD_NONE);
    CHECK(mc_cmd_equal(c, &none));
}

static void check_round_trip(const struct mc_cmd *c)
{
    char text[MC_CMD_TEXT_MAX], again[MC_CMD_TEXT_MAX], small[16];
    struct mc_cmd back;
    struct mc_err err;
    int n, m;

    n = mc_cmd_format(c, text, sizeof text);
    CHECK(n >= 0 && (size_t)n == strlen(text));
    CHECK(mc_cmd_parse(text, &back, &err) == 0);
    CHECK(err.code == 0);
    CHECK(mc_cmd_equal(c, &back));
    m = mc_cmd_format(&back, again, sizeof again);
    CHECK(m == n && strcmp(text, again) == 0);

    m = mc_cmd_format(c, small, sizeof small);
    if ((size_t)n < sizeof small) {
        CHECK(m == n && strcmp(small, text) == 0);
    } else {
        CHECK(m == -ENOSPC);
        CHECK(strlen(small) == sizeof small - 1);
        CHECK(strncmp(small, text, sizeof small - 1) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_cmd c;
    struct mc_err err;
    char *line = malloc(size + 1);
    int r;

    if (line == NULL)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    r = mc_cmd_parse(line, &c, &err);
    if (r != 0) {
        CHECK(r == -EINVAL);
        check_refusal(&c, &err);
    } else {
        CHECK(err.code == 0 && err.msg[0] == '\0');
        check_round_trip(&c);
    }
    free(line);
    return 0;
}
