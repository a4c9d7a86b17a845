/*
 * libFuzzer target: arbitrary text into the four /proc/net parsers of
 * core/kstate_parse.c (igmp, igmp6, mcfilter, mcfilter6).  They must never
 * crash, read out of bounds or leak, and every row they return must be sane.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *       -Icore/include tests/fuzz/fuzz_kstate.c core/kstate_parse.c \
 *       core/util.c core/addr*.c core/err.c -o fuzz_kstate
 *   ./fuzz_kstate -max_total_time=20
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/kstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_groups(const struct mc_kgroups *g)
{
    size_t i;

    for (i = 0; i < g->n; i++) {
        const struct mc_kgroup *k = &g->v[i];

        if (k->group.family != AF_INET && k->group.family != AF_INET6)
            abort();
        if (memchr(k->ifname, '\0', sizeof k->ifname) == NULL ||
            k->ifname[0] == '\0')
            abort();
        if (memchr(k->querier, '\0', sizeof k->querier) == NULL)
            abort();
    }
}

static void check_sources(const struct mc_ksources *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        const struct mc_ksource *k = &s->v[i];

        if (k->group.family != k->source.family)
            abort();
        if (memchr(k->ifname, '\0', sizeof k->ifname) == NULL)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_kgroups g = {0};
    struct mc_ksources s = {0};
    char *text = malloc(size + 1);
    size_t bad = 0;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0'; /* the files are text: stop at the first NUL */

    mc_kstate_parse_igmp(text, &g, &bad);
    mc_kstate_parse_igmp6(text, &g, &bad);
    check_groups(&g);
    mc_kstate_parse_mcfilter(text, &s, &bad);
    mc_kstate_parse_mcfilter6(text, &s, NULL);
    check_sources(&s);
    /* Appending to what is there must work as well. */
    mc_kstate_parse_igmp(text, &g, NULL);
    check_groups(&g);

    mc_kgroups_free(&g);
    mc_ksources_free(&s);
    free(text);
    return 0;
}
