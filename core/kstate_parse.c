/*
 * mcscope core: the text of the kernel's multicast files in /proc/net,
 * parsed: pure functions of the text (fuzzed by tests/fuzz/fuzz_kstate.c);
 * kstate.c reads the live files.
 *
 * The formats are the seq_printf calls of net/ipv4/igmp.c
 * (igmp_mc_seq_show, igmp_mcf_seq_show) and net/ipv6/mcast.c
 * (igmp6_mc_seq_show, igmp6_mcf_seq_show); SOCKET-API.md §2.5:
 *
 *   /proc/net/igmp      "Idx\tDevice    :\tCount Querier\tGroup    Users ..."
 *                       "%d\t%-10s: %5d %7s"         per device
 *                       "\t\t\t\t%08X %5d %d:%08lX\t\t%d"  per group
 *   /proc/net/igmp6     "%-4d %-15s %pi6 %5d %08X %ld" (no header)
 *   /proc/net/mcfilter  header, "%3d %6.6s 0x%08x 0x%08x %6lu %6lu"
 *   /proc/net/mcfilter6 header, "%3d %6.6s %pi6 %pi6 %6lu %6lu"
 *
 * The parsers never trust the text: every field is checked, a line that
 * does not fit is counted in *bad and skipped.
 */
#include "mcscope/kstate.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- small text helpers ---- */

/* A piece of the text: not NUL-terminated. */
struct span {
    const char *p;
    size_t n;
};

/* The next line of *text (without its '\n'); false at the end. */
static bool next_line(const char **text, struct span *line)
{
    const char *s = *text, *nl;

    if (*s == '\0')
        return false;
    nl = strchr(s, '\n');
    line->p = s;
    line->n = nl != NULL ? (size_t)(nl - s) : strlen(s);
    *text = nl != NULL ? nl + 1 : s + line->n;
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool span_blank(struct span s)
{
    size_t i;

    for (i = 0; i < s.n; i++)
        if (!is_blank(s.p[i]))
            return false;
    return true;
}

/* Split into at most max words; returns the count, or max + 1 when there
 * are more. */
static size_t split(struct span s, struct span *w, size_t max)
{
    size_t i = 0, n = 0;

    while (i < s.n) {
        while (i < s.n && is_blank(s.p[i]))
            i++;
        if (i == s.n)
            break;
        if (n == max)
            return max + 1;
        w[n].p = s.p + i;
        while (i < s.n && !is_blank(s.p[i]))
            i++;
        w[n].n = (size_t)(s.p + i - w[n].p);
        n++;
    }
    return n;
}

static bool span_is(struct span s, const char *word)
{
    return s.n == strlen(word) && memcmp(s.p, word, s.n) == 0;
}

/* A decimal number no larger than max. */
static bool parse_dec(struct span s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    size_t i;

    if (s.n == 0)
        return false;
    for (i = 0; i < s.n; i++) {
        unsigned d;

        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        d = (unsigned)(s.p[i] - '0');
        if (d > max || v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static bool parse_uint(struct span s, unsigned *out)
{
    unsigned long v;

    if (!parse_dec(s, UINT_MAX, &v))
        return false;
    *out = (unsigned)v;
    return true;
}

/* Exactly `digits` hex digits (1..16) into a number. */
static bool parse_hex_fixed(struct span s, size_t digits, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (s.n != digits || digits == 0 || digits > 16)
        return false;
    for (i = 0; i < s.n; i++) {
        int d = mc__hex_digit(s.p[i]);

        if (d < 0)
            return false;
        v = v << 4 | (unsigned)d;
    }
    *out = v;
    return true;
}

/* 1..16 hex digits, as printed by %lX / %X without a fixed width. */
static bool parse_hex_var(struct span s, uint64_t *out)
{
    return s.n >= 1 && s.n <= 16 && parse_hex_fixed(s, s.n, out);
}

/* An interface name as the kernel prints it: 1..IF_NAMESIZE-1 bytes, no
 * blank, no ':' or '/' (dev_valid_name). */
static bool parse_ifname(struct span s, char *out)
{
    size_t i;

    if (s.n == 0 || s.n >= IF_NAMESIZE)
        return false;
    for (i = 0; i < s.n; i++)
        if (s.p[i] == ':' || s.p[i] == '/' || s.p[i] == '\0' ||
            is_blank(s.p[i]))
            return false;
    memcpy(out, s.p, s.n);
    out[s.n] = '\0';
    return true;
}

/* An IPv6 address as %pi6 prints it: 32 hex digits, no colons. */
static bool parse_in6_hex(struct span s, struct mc_addr *a)
{
    size_t i;

    if (s.n != 32)
        return false;
    memset(a, 0, sizeof *a);
    a->family = AF_INET6;
    for (i = 0; i < 16; i++) {
        int hi = mc__hex_digit(s.p[2 * i]), lo = mc__hex_digit(s.p[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return false;
        a->u.v6.s6_addr[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* An IPv4 address printed "0x%08x" of its host-order value (mcfilter). */
static bool parse_in4_0x(struct span s, struct mc_addr *a)
{
    uint64_t v;
    struct span digits = {s.p + 2, s.n >= 2 ? s.n - 2 : 0};

    if (s.n != 10 || s.p[0] != '0' || (s.p[1] != 'x' && s.p[1] != 'X'))
        return false;
    if (!parse_hex_fixed(digits, 8, &v))
        return false;
    memset(a, 0, sizeof *a);
    a->family = AF_INET;
    a->u.v4.s_addr = htonl((uint32_t)v);
    return true;
}

/*
 * An IPv4 group in /proc/net/igmp: the __be32 itself printed with %08X,
 * i.e. the address's bytes read as a host-order integer.  Storing that
 * integer back gives the bytes on either byte order (239.2.0.1 shows as
 * 010002EF on little endian, EF020001 on big endian).
 */
static bool parse_in4_raw(struct span s, struct mc_addr *a)
{
    uint64_t v;
    uint32_t raw;

    if (!parse_hex_fixed(s, 8, &v))
        return false;
    raw = (uint32_t)v;
    memset(a, 0, sizeof *a);
    a->family = AF_INET;
    memcpy(&a->u.v4.s_addr, &raw, sizeof raw);
    return true;
}

static bool is_header(struct span line)
{
    struct span w[1];

    return split(line, w, 1) >= 1 && span_is(w[0], "Idx");
}

/* ---- result arrays ---- */

static int kgroups_push(struct mc_kgroups *out, const struct mc_kgroup *g,
                        size_t *cap)
{
    struct mc_kgroup *v = mc__grown(out->v, cap, out->n, sizeof *out->v);

    if (v == NULL)
        return -ENOMEM;
    out->v = v;
    out->v[out->n++] = *g;
    return 0;
}

static int ksources_push(struct mc_ksources *out, const struct mc_ksource *s,
                         size_t *cap)
{
    struct mc_ksource *v = mc__grown(out->v, cap, out->n, sizeof *out->v);

    if (v == NULL)
        return -ENOMEM;
    out->v = v;
    out->v[out->n++] = *s;
    return 0;
}

/* Appending to a caller's array: we do not know its capacity, so start
 * from its size (realloc keeps the contents). */
#define START_CAP(out) ((out)->n)

void mc_kgroups_free(struct mc_kgroups *g)
{
    if (g == NULL)
        return;
    free(g->v);
    g->v = NULL;
    g->n = 0;
}

void mc_ksources_free(struct mc_ksources *s)
{
    if (s == NULL)
        return;
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static void count_bad(size_t *bad)
{
    if (bad != NULL)
        (*bad)++;
}

/* ---- /proc/net/igmp6 ---- */

/* "%-4d %-15s %pi6 %5d %08X %ld": ifindex dev group users flags timer. */
static bool igmp6_line(struct span line, struct mc_kgroup *g)
{
    struct span w[7];
    unsigned long timer;
    uint64_t flags;

    if (split(line, w, 6) != 6)
        return false;
    memset(g, 0, sizeof *g);
    if (!parse_uint(w[0], &g->ifindex) || !parse_ifname(w[1], g->ifname) ||
        !parse_in6_hex(w[2], &g->group) || !parse_uint(w[3], &g->users) ||
        !parse_hex_fixed(w[4], 8, &flags))
        return false;
    g->flags = (unsigned)flags;
    /* The timer is a clock_t delta and may print negative when due. */
    if (w[5].n > 1 && w[5].p[0] == '-') {
        struct span rest = {w[5].p + 1, w[5].n - 1};

        if (!parse_dec(rest, ULONG_MAX, &timer))
            return false;
        timer = 0;
    } else if (!parse_dec(w[5], ULONG_MAX, &timer)) {
        return false;
    }
    g->timer = timer;
    return true;
}

int mc_kstate_parse_igmp6(const char *text, struct mc_kgroups *out, size_t *bad)
{
    size_t cap;
    struct mc_kgroup g;
    struct span line;

    if (out == NULL)
        return -EINVAL;
    if (text == NULL)
        return 0;
    cap = START_CAP(out);
    while (next_line(&text, &line)) {
        if (span_blank(line))
            continue;
        if (!igmp6_line(line, &g)) {
            count_bad(bad);
            continue;
        }
        if (kgroups_push(out, &g, &cap) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* ---- /proc/net/igmp ---- */

/* The device a group row belongs to. */
struct igmp_dev {
    bool valid;
    unsigned ifindex;
    char ifname[IF_NAMESIZE];
    char querier[4];
};

/* "%d\t%-10s: %5d %7s": index, name, group count, querier V1..V3.  A name
 * of ten or more characters runs into the ':'. */
static bool igmp_dev_line(struct span line, struct igmp_dev *d)
{
    const char *colon = memchr(line.p, ':', line.n);
    struct span left, right, w[3];
    unsigned count;

    if (colon == NULL)
        return false;
    left.p = line.p;
    left.n = (size_t)(colon - line.p);
    right.p = colon + 1;
    right.n = line.n - left.n - 1;
    memset(d, 0, sizeof *d);
    if (split(left, w, 2) != 2 || !parse_uint(w[0], &d->ifindex) ||
        !parse_ifname(w[1], d->ifname))
        return false;
    if (split(right, w, 2) != 2 || !parse_uint(w[0], &count))
        return false;
    if (!span_is(w[1], "V1") && !span_is(w[1], "V2") && !span_is(w[1], "V3"))
        return false;
    memcpy(d->querier, w[1].p, 2);
    d->querier[2] = '\0';
    d->valid = true;
    return true;
}

/* "\t\t\t\t%08X %5d %d:%08lX\t\t%d": group users running:timer reporter. */
static bool igmp_group_line(struct span line, const struct igmp_dev *d,
                            struct mc_kgroup *g)
{
    struct span w[5], running, timer;
    const char *colon;
    unsigned long ignored;
    uint64_t t;
    unsigned reporter;

    if (split(line, w, 4) != 4)
        return false;
    memset(g, 0, sizeof *g);
    if (!parse_in4_raw(w[0], &g->group) || !parse_uint(w[1], &g->users))
        return false;
    colon = memchr(w[2].p, ':', w[2].n);
    if (colon == NULL)
        return false;
    running.p = w[2].p;
    running.n = (size_t)(colon - w[2].p);
    timer.p = colon + 1;
    timer.n = w[2].n - running.n - 1;
    if (!parse_dec(running, 1, &ignored) || !parse_hex_var(timer, &t))
        return false;
    if (!parse_uint(w[3], &reporter) || reporter > 1)
        return false;
    g->timer = (unsigned long)t;
    g->flags = reporter;
    g->ifindex = d->ifindex;
    memcpy(g->ifname, d->ifname, sizeof g->ifname);
    memcpy(g->querier, d->querier, sizeof g->querier);
    return true;
}

int mc_kstate_parse_igmp(const char *text, struct mc_kgroups *out, size_t *bad)
{
    size_t cap;
    struct igmp_dev dev = {0};
    struct mc_kgroup g;
    struct span line;

    if (out == NULL)
        return -EINVAL;
    if (text == NULL)
        return 0;
    cap = START_CAP(out);
    while (next_line(&text, &line)) {
        if (span_blank(line) || is_header(line))
            continue;
        if (!is_blank(line.p[0])) {
            /* A device line; a bad one also spoils its group rows. */
            if (!igmp_dev_line(line, &dev)) {
                dev.valid = false;
                count_bad(bad);
            }
            continue;
        }
        if (!dev.valid || !igmp_group_line(line, &dev, &g)) {
            count_bad(bad);
            continue;
        }
        if (kgroups_push(out, &g, &cap) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* ---- /proc/net/mcfilter and /proc/net/mcfilter6 ---- */

typedef bool (*addr_parser)(struct span s, struct mc_addr *a);

/* "%3d %6.6s MCA SRC %6lu %6lu".  The name is cut to six characters. */
static bool mcfilter_line(struct span line, addr_parser parse,
                          struct mc_ksource *s)
{
    struct span w[7];

    if (split(line, w, 6) != 6)
        return false;
    memset(s, 0, sizeof *s);
    return parse_uint(w[0], &s->ifindex) && parse_ifname(w[1], s->ifname) &&
           parse(w[2], &s->group) && parse(w[3], &s->source) &&
           parse_uint(w[4], &s->inc) && parse_uint(w[5], &s->exc);
}

static int parse_mcfilter(const char *text, addr_parser parse,
                          struct mc_ksources *out, size_t *bad)
{
    size_t cap;
    struct mc_ksource s;
    struct span line;

    if (out == NULL)
        return -EINVAL;
    if (text == NULL)
        return 0;
    cap = START_CAP(out);
    while (next_line(&text, &line)) {
        if (span_blank(line) || is_header(line))
            continue;
        if (!mcfilter_line(line, parse, &s)) {
            count_bad(bad);
            continue;
        }
        if (ksources_push(out, &s, &cap) < 0)
            return -ENOMEM;
    }
    return 0;
}

int mc_kstate_parse_mcfilter6(const char *text, struct mc_ksources *out,
                              size_t *bad)
{
    return parse_mcfilter(text, parse_in6_hex, out, bad);
}

int mc_kstate_parse_mcfilter(const char *text, struct mc_ksources *out,
                             size_t *bad)
{
    return parse_mcfilter(text, parse_in4_0x, out, bad);
}

/* ifindex 0 matches the group on any interface. */
const struct mc_kgroup *mc_kgroups_find(const struct mc_kgroups *g,
                                        unsigned ifindex,
                                        const struct mc_addr *group)
{
    size_t i;

    if (g == NULL || group == NULL)
        return NULL;
    for (i = 0; i < g->n; i++) {
        if (ifindex != 0 && g->v[i].ifindex != ifindex)
            continue;
        if (mc_addr_equal(&g->v[i].group, group))
            return &g->v[i];
    }
    return NULL;
}
