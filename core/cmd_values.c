/*
 * mcscope core: the command language's values: numbers, on|off, seconds,
 * interface names, groups and sources.
 */
#include "cmd_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* ---- numbers ---- */

/*
 * Read an unsigned decimal (or 0x hex) number.  Returns 0 with *v set
 * (saturated to a value above any range on overflow), or -1 when w is not
 * a number.
 */
static int read_number(const struct mc__word *w, bool hex,
                       unsigned long long *v)
{
    const unsigned long long cap = 1ull << 40;
    unsigned base = 10;
    size_t i = 0;

    *v = 0;
    if (hex && w->len > 2 && w->s[0] == '0' &&
        (w->s[1] == 'x' || w->s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == w->len)
        return -1;
    for (; i < w->len; i++) {
        int d = base == 16
                    ? mc__hex_digit(w->s[i])
                    : (w->s[i] >= '0' && w->s[i] <= '9' ? w->s[i] - '0' : -1);

        if (d < 0)
            return -1;
        if (*v < cap)
            *v = *v * base + (unsigned)d;
    }
    return 0;
}

/* Parse w as a number in the range of ns; prefix names the keyword(s). */
int mc__cmd_parse_number(struct mc__parser *ps, const char *prefix,
                         const struct mc__word *w, const struct mc__numspec *ns,
                         unsigned long *out)
{
    unsigned long long v;
    char q[MC__CMD_QUOTE_BUF];

    if (read_number(w, ns->hex, &v) != 0)
        return mc__cmd_fail(ps, "%s %s: '%s' is not a number: %s %lu..%lu%s",
                            prefix, mc__cmd_qword(w, q), q, ns->what, ns->min,
                            ns->max, ns->tail);
    if (v < ns->min || v > ns->max)
        return mc__cmd_fail(ps, "%s %s: %s %lu..%lu%s", prefix,
                            mc__cmd_qword(w, q), ns->what, ns->min, ns->max,
                            ns->tail);
    *out = (unsigned long)v;
    return 0;
}

void mc__cmd_sockopt_numspec(const struct mc_sockopt *o, bool alias,
                             struct mc__numspec *ns)
{
    ns->what = alias && o->alias_what != NULL ? o->alias_what : o->what;
    ns->min = (unsigned long)o->min;
    ns->max = (unsigned long)o->max;
    ns->tail = o->tail;
    ns->hex = o->hex;
}

/* on or off; prefix names the keyword(s). */
int mc__cmd_parse_onoff(struct mc__parser *ps, const char *prefix,
                        const struct mc__word *w, bool *on)
{
    char q[MC__CMD_QUOTE_BUF];

    if (mc__cmd_word_is(w, "on")) {
        *on = true;
        return 0;
    }
    if (mc__cmd_word_is(w, "off")) {
        *on = false;
        return 0;
    }
    return mc__cmd_fail(ps, "%s %s: use on or off", prefix,
                        mc__cmd_qword(w, q));
}

/*
 * Seconds for wait: DIGITS[.DIGITS] (or .DIGITS), at most 9 decimals,
 * 0 < s <= MC_CMD_WAIT_MAX.  Read as whole nanoseconds, so no locale or
 * rounding of strtod is involved and formatting gives the same text back.
 */
int mc__cmd_parse_seconds(struct mc__parser *ps, const struct mc__word *w,
                          double *s)
{
    unsigned long long whole = 0, frac = 0;
    size_t i = 0, ndig = 0, nfrac = 0;
    bool too_fine = false;
    char q[MC__CMD_QUOTE_BUF];

    for (; i < w->len && w->s[i] >= '0' && w->s[i] <= '9'; i++, ndig++)
        if (whole <= MC_CMD_WAIT_MAX)
            whole = whole * 10 + (unsigned)(w->s[i] - '0');
    if (i < w->len && w->s[i] == '.') {
        for (i++; i < w->len && w->s[i] >= '0' && w->s[i] <= '9'; i++) {
            unsigned d = (unsigned)(w->s[i] - '0');

            if (nfrac < 9) {
                frac = frac * 10 + d;
                nfrac++;
            } else if (d != 0) {
                too_fine = true;
            }
            ndig++;
        }
    }
    if (i != w->len || ndig == 0)
        return mc__cmd_fail(
            ps,
            "wait %s: '%s' is not a number of seconds: write e.g. "
            "2 or 0.5",
            mc__cmd_qword(w, q), q);
    if (too_fine)
        return mc__cmd_fail(ps, "wait %s: at most 9 decimals (nanoseconds)",
                            mc__cmd_qword(w, q));
    for (; nfrac < 9; nfrac++)
        frac *= 10;
    if ((whole == 0 && frac == 0) || whole > MC_CMD_WAIT_MAX ||
        (whole == MC_CMD_WAIT_MAX && frac > 0))
        return mc__cmd_fail(ps, "wait %s: wait takes 0 < SECONDS <= %d",
                            mc__cmd_qword(w, q), MC_CMD_WAIT_MAX);
    *s = (double)(whole * MC_NS_PER_S + frac) / (double)MC_NS_PER_S;
    return 0;
}

/* ---- addresses and interfaces ---- */

/* Whether s is an interface name by Linux's rules (dev_valid_name):
 * 1..15 bytes, not "." or "..", no '/', ':' or blank; '%' makes a
 * template ("eth%d"), so it is refused too.  Returns 0, -ENAMETOOLONG
 * or -EINVAL. */
static int check_ifname(const char *s, size_t n)
{
    size_t i;

    if (n > IF_NAMESIZE - 1)
        return -ENAMETOOLONG;
    if (n == 0 || (n == 1 && s[0] == '.') ||
        (n == 2 && s[0] == '.' && s[1] == '.'))
        return -EINVAL;
    for (i = 0; i < n; i++)
        if (s[i] == '/' || s[i] == ':' || s[i] == '%')
            return -EINVAL;
    return 0;
}

/* Check and copy an interface name; prefix names the keyword(s). */
int mc__cmd_parse_ifname(struct mc__parser *ps, const char *prefix,
                         const struct mc__word *w, char ifname[IF_NAMESIZE])
{
    char q[MC__CMD_QUOTE_BUF];

    switch (check_ifname(w->s, w->len)) {
    case 0:
        break;
    case -ENAMETOOLONG:
        return mc__cmd_fail(ps,
                            "%s %s: interface names are at most %d characters: "
                            "list them with 'ip link'",
                            prefix, mc__cmd_qword(w, q), IF_NAMESIZE - 1);
    default:
        return mc__cmd_fail(
            ps,
            "%s %s: '%s' is not an interface name (no '/', ':' or "
            "'%%'): list them with 'ip link'",
            prefix, mc__cmd_qword(w, q), q);
    }
    memcpy(ifname, w->s, w->len);
    ifname[w->len] = '\0';
    return 0;
}

/*
 * mc_addr_parse on a word.  With ifname non-NULL, ADDR%IFACE is accepted.
 * A message starts with prefix, which names the word.
 */
int mc__cmd_parse_addr_word(struct mc__parser *ps, const char *prefix,
                            const struct mc__word *w, struct mc_addr *a,
                            char *ifname)
{
    size_t iflen = ifname != NULL ? IF_NAMESIZE : 0;
    char buf[MC__CMD_ADDR_WORD_MAX];
    struct mc_err e;
    char q[MC__CMD_QUOTE_BUF];

    if (w->len >= sizeof buf)
        return mc__cmd_fail(
            ps,
            "%s: '%s' is not an IPv4 or IPv6 address: write e.g. "
            "239.1.2.3 or ff3e::1234",
            prefix, mc__cmd_qword(w, q));
    memcpy(buf, w->s, w->len);
    buf[w->len] = '\0';
    mc_err_clear(&e);
    if (mc_addr_parse(buf, a, ifname, iflen, &e) != 0)
        return mc__cmd_fail(ps, "%s: %s", prefix, e.msg);
    return 0;
}

/* Refuse an address that is not a multicast group (context: the word). */
int mc__cmd_check_group(struct mc__parser *ps, const struct mc__word *w,
                        const struct mc_addr *g, struct mc_group_info *info)
{
    const char *pct = memchr(w->s, '%', w->len);
    char q[MC__CMD_QUOTE_BUF];

    mc_group_classify(g, info);
    if (!info->multicast)
        return mc__cmd_fail(
            ps,
            "%s: '%s' is not a multicast group: groups are "
            "224.0.0.0/4 or ff00::/8",
            ps->ctx,
            mc__cmd_quote(w->s, pct != NULL ? (size_t)(pct - w->s) : w->len,
                          q));
    return 0;
}

/*
 * A SOURCE for group g: no %IFACE, same family, unicast.  prefix is what
 * the message starts with (the context, or "source ADDR").
 */
int mc__cmd_check_source(struct mc__parser *ps, const char *prefix,
                         const struct mc__word *w, const struct mc_addr *g,
                         struct mc_addr *s)
{
    int r;

    if (memchr(w->s, '%', w->len) != NULL)
        return mc__cmd_fail(
            ps,
            "%s: a SOURCE takes no %%IFACE: name the interface with "
            "GROUP%%IFACE or dev IFACE",
            prefix);
    r = mc__cmd_parse_addr_word(ps, prefix, w, s, NULL);
    if (r != 0)
        return r;
    if (s->family != g->family)
        return mc__cmd_fail(ps, "%s: the source is %s but the group is %s",
                            prefix, mc_family_name(s->family),
                            mc_family_name(g->family));
    if (mc_addr_is_multicast(s) || mc_addr_is_unspecified(s))
        return mc__cmd_fail(ps, "%s: the source must be a unicast address",
                            prefix);
    return 0;
}
