/*
 * mcscope core: the command language (see cmd.h for the grammar).
 *
 * The parser reads the line left to right with a cursor: a verb, its
 * positional words, then options in any order.  Nothing is copied except
 * the few words that go to mc_addr_parse, so a line may be of any length.
 * Every refusal goes through fail(), which writes one line starting with
 * the words at fault: the verb and the positional words read so far (the
 * context, ps->ctx) for a positional word, or KEYWORD VALUE for an option.
 */
#include "mcscope/cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mcscope/cmsg.h"

/* User text quoted in a message is cut to this many bytes, plus "...". */
#define QUOTE_MAX 40
#define QUOTE_BUF (QUOTE_MAX + 4)
/* The context: the verb and up to three more words, each quoted. */
#define CTX_MAX (16 + 4 * QUOTE_BUF)
/* Longest word handed to mc_addr_parse (ADDR%IFACE fits in 62). */
#define ADDR_WORD_MAX 128
/* Words longer than this get no "did you mean" suggestion. */
#define SUGGEST_MAX 32

#define NSEC_PER_SEC 1000000000ull

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STR_(x) #x
#define STR(x) STR_(x)

/* ---- words and messages ---- */

/* A word of the line: not NUL-terminated. */
struct word {
    const char *s;
    size_t len;
};

struct verb_impl;

struct parser {
    const char *line; /* the start, for column numbers */
    const char *p;    /* the next byte to read */
    const char *end;  /* the end, trailing CR and LF excluded */
    struct mc_err *err;
    const struct mc_cmd_verb *verb;
    const struct verb_impl *impl;
    char ctx[CTX_MAX];     /* "VERB WORD..." read so far, quoted */
    char gword[QUOTE_BUF]; /* the GROUP word as written, quoted */
};

static const char *quote(const char *s, size_t n, char out[QUOTE_BUF])
{
    return mc_err_quote(s, n, QUOTE_MAX, out);
}

static const char *qword(const struct word *w, char out[QUOTE_BUF])
{
    return quote(w->s, w->len, out);
}

static bool word_is(const struct word *w, const char *s)
{
    return strlen(s) == w->len && memcmp(w->s, s, w->len) == 0;
}

static int fail(struct parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record the refusal; always returns -EINVAL. */
static int fail(struct parser *ps, const char *fmt, ...)
{
    va_list ap;

    if (ps->err == NULL)
        return -EINVAL;
    ps->err->code = -EINVAL;
    va_start(ap, fmt);
    vsnprintf(ps->err->msg, sizeof ps->err->msg, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* Append " WORD" (quoted) to the context. */
static void ctx_add(struct parser *ps, const struct word *w)
{
    char q[QUOTE_BUF];
    size_t n = strlen(ps->ctx);

    snprintf(ps->ctx + n, sizeof ps->ctx - n, " %s", qword(w, q));
}

/* ---- the lexer ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_control(char c)
{
    unsigned char u = (unsigned char)c;

    return (u < 0x20 && !is_blank(c)) || u == 0x7f;
}

static int fail_control(struct parser *ps, const char *at)
{
    return fail(ps,
                "column %zu: control character 0x%02x: a line holds one "
                "command in printable text",
                (size_t)(at - ps->line) + 1, (unsigned char)*at);
}

/*
 * Read the next word into *w.  Returns 1 for a word, 0 at the end of the
 * line or at a comment, or -EINVAL for a control character.
 */
static int next_word(struct parser *ps, struct word *w)
{
    const char *p = ps->p;

    while (p < ps->end && is_blank(*p))
        p++;
    if (p < ps->end && is_control(*p)) {
        ps->p = p;
        return fail_control(ps, p);
    }
    if (p == ps->end || *p == '#') {
        ps->p = ps->end;
        return 0;
    }
    w->s = p;
    while (p < ps->end && !is_blank(*p)) {
        if (is_control(*p)) {
            ps->p = p;
            return fail_control(ps, p);
        }
        p++;
    }
    w->len = (size_t)(p - w->s);
    ps->p = p;
    return 1;
}

/* ---- suggestions ---- */

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/*
 * Edit distance with adjacent transpositions (optimal string alignment),
 * ignoring case; both strings at most SUGGEST_MAX bytes.
 */
static size_t distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
    size_t i, j;

    for (i = 0; i <= n; i++)
        d[i][0] = i;
    for (j = 0; j <= m; j++)
        d[0][j] = j;
    for (i = 1; i <= n; i++) {
        for (j = 1; j <= m; j++) {
            size_t cost = lower(a[i - 1]) != lower(b[j - 1]);
            size_t v = d[i - 1][j - 1] + cost;

            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[n][m];
}

/*
 * The candidate a mistyped word most likely meant, or NULL: the only
 * candidate it begins (two bytes or more), else the first nearest one
 * within 1 edit (words of up to 4 bytes) or 2 edits (longer words).
 */
static const char *suggest(const struct word *w, const char *const *cand,
                           size_t ncand)
{
    const char *best = NULL;
    size_t i, bestd = w->len <= 4 ? 1 : 2, nprefix = 0;

    if (w->len > SUGGEST_MAX)
        return NULL;
    for (i = 0; i < ncand; i++) {
        if (w->len >= 2 && strlen(cand[i]) > w->len &&
            strncmp(cand[i], w->s, w->len) == 0) {
            best = cand[i];
            nprefix++;
        }
    }
    if (nprefix == 1)
        return best;
    best = NULL;
    for (i = 0; i < ncand; i++) {
        size_t m = strlen(cand[i]);
        size_t d;

        if (m > SUGGEST_MAX)
            continue;
        d = distance(w->s, w->len, cand[i], m);
        if (d <= bestd && (best == NULL || d < bestd)) {
            best = cand[i];
            bestd = d;
        }
    }
    return best;
}

/* ---- numbers ---- */

/* A range of a number and the words that explain it. */
struct numspec {
    const char *what; /* "the port must be" */
    unsigned long min, max;
    const char *tail; /* after "MIN..MAX" */
    bool hex;         /* 0x... accepted */
};

static const struct numspec num_port = {"the port must be", 1, 65535, "",
                                        false};
static const struct numspec num_rate = {
    "the rate must be", 1, MC_CMD_SEND_RATE_MAX, " packets per second", false};
static const struct numspec num_count = {"count is", 0, UINT32_MAX,
                                         " packets (0: until stopped)", false};
static const struct numspec num_size = {
    "the size must be", MC_CMD_SEND_SIZE_MIN, MC_CMD_SEND_SIZE_MAX,
    " bytes (the probe header takes " STR(MC_PROBE_HDRLEN) ")", false};
static const struct numspec num_tclass = {"traffic class is", 0, 255,
                                          " (e.g. 0x28 for AF11)", true};
static const struct numspec num_tos = {"TOS is", 0, 255,
                                       " (e.g. 0x28 for AF11)", true};
static const struct numspec num_hoplimit = {"the hop limit is", 0, 255, "",
                                            false};
static const struct numspec num_ttl = {"the TTL is", 0, 255, "", false};
static const struct numspec num_mhoplimit = {"the multicast hop limit is", 0,
                                             255, "", false};

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/*
 * Read an unsigned decimal (or 0x hex) number.  Returns 0 with *v set
 * (saturated to a value above any range on overflow), or -1 when w is not
 * a number.
 */
static int read_number(const struct word *w, bool hex, unsigned long long *v)
{
    const unsigned long long cap = 1ull << 40;
    unsigned base = 10;
    size_t i = 0;

    *v = 0;
    if (hex && w->len > 2 && w->s[0] == '0' && lower(w->s[1]) == 'x') {
        base = 16;
        i = 2;
    }
    if (i == w->len)
        return -1;
    for (; i < w->len; i++) {
        int d = base == 16
                    ? hexval(w->s[i])
                    : (w->s[i] >= '0' && w->s[i] <= '9' ? w->s[i] - '0' : -1);

        if (d < 0)
            return -1;
        if (*v < cap)
            *v = *v * base + (unsigned)d;
    }
    return 0;
}

/* Parse w as a number in the range of ns; prefix names the keyword(s). */
static int parse_number(struct parser *ps, const char *prefix,
                        const struct word *w, const struct numspec *ns,
                        unsigned long *out)
{
    unsigned long long v;
    char q[QUOTE_BUF];

    if (read_number(w, ns->hex, &v) != 0)
        return fail(ps, "%s %s: '%s' is not a number: %s %lu..%lu%s", prefix,
                    qword(w, q), q, ns->what, ns->min, ns->max, ns->tail);
    if (v < ns->min || v > ns->max)
        return fail(ps, "%s %s: %s %lu..%lu%s", prefix, qword(w, q), ns->what,
                    ns->min, ns->max, ns->tail);
    *out = (unsigned long)v;
    return 0;
}

/* on or off; prefix names the keyword(s). */
static int parse_onoff(struct parser *ps, const char *prefix,
                       const struct word *w, bool *on)
{
    char q[QUOTE_BUF];

    if (word_is(w, "on")) {
        *on = true;
        return 0;
    }
    if (word_is(w, "off")) {
        *on = false;
        return 0;
    }
    return fail(ps, "%s %s: use on or off", prefix, qword(w, q));
}

/*
 * Seconds for wait: DIGITS[.DIGITS] (or .DIGITS), at most 9 decimals,
 * 0 < s <= MC_CMD_WAIT_MAX.  Read as whole nanoseconds, so no locale or
 * rounding of strtod is involved and formatting gives the same text back.
 */
static int parse_seconds(struct parser *ps, const struct word *w, double *s)
{
    unsigned long long whole = 0, frac = 0;
    size_t i = 0, ndig = 0, nfrac = 0;
    bool too_fine = false;
    char q[QUOTE_BUF];

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
        return fail(ps,
                    "wait %s: '%s' is not a number of seconds: write e.g. "
                    "2 or 0.5",
                    qword(w, q), q);
    if (too_fine)
        return fail(ps, "wait %s: at most 9 decimals (nanoseconds)",
                    qword(w, q));
    for (; nfrac < 9; nfrac++)
        frac *= 10;
    if ((whole == 0 && frac == 0) || whole > MC_CMD_WAIT_MAX ||
        (whole == MC_CMD_WAIT_MAX && frac > 0))
        return fail(ps, "wait %s: wait takes 0 < SECONDS <= %d", qword(w, q),
                    MC_CMD_WAIT_MAX);
    *s = (double)(whole * NSEC_PER_SEC + frac) / (double)NSEC_PER_SEC;
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
static int parse_ifname(struct parser *ps, const char *prefix,
                        const struct word *w, char ifname[IF_NAMESIZE])
{
    char q[QUOTE_BUF];

    switch (check_ifname(w->s, w->len)) {
    case 0:
        break;
    case -ENAMETOOLONG:
        return fail(ps,
                    "%s %s: interface names are at most %d characters: "
                    "list them with 'ip link'",
                    prefix, qword(w, q), IF_NAMESIZE - 1);
    default:
        return fail(ps,
                    "%s %s: '%s' is not an interface name (no '/', ':' or "
                    "'%%'): list them with 'ip link'",
                    prefix, qword(w, q), q);
    }
    memcpy(ifname, w->s, w->len);
    ifname[w->len] = '\0';
    return 0;
}

/*
 * mc_addr_parse on a word.  With ifname non-NULL, ADDR%IFACE is accepted.
 * A message starts with prefix, which names the word.
 */
static int parse_addr_word(struct parser *ps, const char *prefix,
                           const struct word *w, struct mc_addr *a,
                           char *ifname)
{
    size_t iflen = ifname != NULL ? IF_NAMESIZE : 0;
    char buf[ADDR_WORD_MAX];
    struct mc_err e;
    char q[QUOTE_BUF];

    if (w->len >= sizeof buf)
        return fail(ps,
                    "%s: '%s' is not an IPv4 or IPv6 address: write e.g. "
                    "239.1.2.3 or ff3e::1234",
                    prefix, qword(w, q));
    memcpy(buf, w->s, w->len);
    buf[w->len] = '\0';
    mc_err_clear(&e);
    if (mc_addr_parse(buf, a, ifname, iflen, &e) != 0)
        return fail(ps, "%s: %s", prefix, e.msg);
    return 0;
}

/* Refuse an address that is not a multicast group (context: the word). */
static int check_group(struct parser *ps, const struct word *w,
                       const struct mc_addr *g, struct mc_group_info *info)
{
    const char *pct = memchr(w->s, '%', w->len);
    char q[QUOTE_BUF];

    mc_group_classify(g, info);
    if (!info->multicast)
        return fail(
            ps,
            "%s: '%s' is not a multicast group: groups are "
            "224.0.0.0/4 or ff00::/8",
            ps->ctx,
            quote(w->s, pct != NULL ? (size_t)(pct - w->s) : w->len, q));
    return 0;
}

static const char *family_name(int family)
{
    return family == AF_INET ? "IPv4" : "IPv6";
}

/*
 * A SOURCE for group g: no %IFACE, same family, unicast.  prefix is what
 * the message starts with (the context, or "source ADDR").
 */
static int check_source(struct parser *ps, const char *prefix,
                        const struct word *w, const struct mc_addr *g,
                        struct mc_addr *s)
{
    int r;

    if (memchr(w->s, '%', w->len) != NULL)
        return fail(ps,
                    "%s: a SOURCE takes no %%IFACE: name the interface with "
                    "GROUP%%IFACE or dev IFACE",
                    prefix);
    r = parse_addr_word(ps, prefix, w, s, NULL);
    if (r != 0)
        return r;
    if (s->family != g->family)
        return fail(ps, "%s: the source is %s but the group is %s", prefix,
                    family_name(s->family), family_name(g->family));
    if (mc_addr_is_multicast(s) || mc_addr_is_unspecified(s))
        return fail(ps, "%s: the source must be a unicast address", prefix);
    return 0;
}

/* ---- options ---- */

enum kw {
    KW_DEV,
    KW_PORT,
    KW_RATE,
    KW_COUNT,
    KW_SIZE,
    KW_TCLASS,
    KW_HOPLIMIT,
    KW_SOURCE,
};

#define KWB(k) (1u << (k))

struct kw_word {
    const char *name;
    enum kw kw;
    const char *value; /* what follows it, for "missing ..." */
    const struct numspec *num;
};

/* ttl and tos are the IPv4 words for hoplimit and tclass. */
static const struct kw_word kw_words[] = {
    {"dev", KW_DEV, "IFACE", NULL},
    {"port", KW_PORT, "N", &num_port},
    {"rate", KW_RATE, "PPS", &num_rate},
    {"count", KW_COUNT, "N", &num_count},
    {"size", KW_SIZE, "BYTES", &num_size},
    {"tclass", KW_TCLASS, "N", &num_tclass},
    {"tos", KW_TCLASS, "N", &num_tos},
    {"hoplimit", KW_HOPLIMIT, "N", &num_hoplimit},
    {"ttl", KW_HOPLIMIT, "N", &num_ttl},
    {"source", KW_SOURCE, "ADDR", NULL},
};

/* What a verb's options gave; defaults filled by opts_init. */
struct opts {
    unsigned allowed; /* KWB() of the keywords this verb takes */
    unsigned seen;
    const struct mc_addr *group; /* for the source's family */
    bool iface_from_group;       /* ifname came from GROUP%IFACE */
    char ifname[IF_NAMESIZE];
    unsigned long port, rate, count, size, tclass, hoplimit;
    struct mc_addr source;
};

static void opts_init(struct opts *o, unsigned allowed,
                      const struct mc_addr *group, const char *ifname)
{
    memset(o, 0, sizeof *o);
    o->allowed = allowed;
    o->group = group;
    o->port = MC_CMD_DEFAULT_PORT;
    o->rate = MC_CMD_SEND_RATE_DEFAULT;
    o->size = MC_CMD_SEND_SIZE_DEFAULT;
    if (ifname != NULL && ifname[0] != '\0') {
        o->iface_from_group = true;
        snprintf(o->ifname, sizeof o->ifname, "%s", ifname);
    }
}

/* The option keyword w names among those allowed, or NULL. */
static const struct kw_word *find_kw(const struct word *w, unsigned allowed)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(kw_words); i++)
        if ((allowed & KWB(kw_words[i].kw)) && word_is(w, kw_words[i].name))
            return &kw_words[i];
    return NULL;
}

/* dev IFACE: at most once, and agreeing with GROUP%IFACE. */
static int opt_dev(struct parser *ps, struct opts *o, const struct word *v)
{
    char ifname[IF_NAMESIZE];
    char q[QUOTE_BUF];
    int r = parse_ifname(ps, "dev", v, ifname);

    if (r != 0)
        return r;
    if (o->iface_from_group && !(o->seen & KWB(KW_DEV))) {
        if (strcmp(ifname, o->ifname) != 0)
            return fail(ps, "dev %s: %s already names interface %s",
                        qword(v, q), ps->gword, o->ifname);
    }
    memcpy(o->ifname, ifname, sizeof ifname);
    return 0;
}

/* Where the value of a numeric keyword goes. */
static unsigned long *num_slot(struct opts *o, enum kw kw)
{
    switch (kw) {
    case KW_PORT:
        return &o->port;
    case KW_RATE:
        return &o->rate;
    case KW_COUNT:
        return &o->count;
    case KW_SIZE:
        return &o->size;
    case KW_TCLASS:
        return &o->tclass;
    default:
        return &o->hoplimit;
    }
}

/* One KEYWORD VALUE pair; k is the keyword. */
static int parse_option(struct parser *ps, struct opts *o,
                        const struct kw_word *k)
{
    unsigned long v = 0;
    struct word val;
    char q[QUOTE_BUF];
    int r;

    r = next_word(ps, &val);
    if (r < 0)
        return r;
    if (r == 0)
        return k->num != NULL ? fail(ps, "%s: missing %s: %s %lu..%lu%s",
                                     k->name, k->value, k->num->what,
                                     k->num->min, k->num->max, k->num->tail)
                              : fail(ps, "%s: missing %s: %s %s", k->name,
                                     k->value, k->name, k->value);
    if (o->seen & KWB(k->kw)) {
        const char *canon = kw_words[0].name;
        size_t i;

        for (i = 0; i < ARRAY_SIZE(kw_words); i++)
            if (kw_words[i].kw == k->kw) {
                canon = kw_words[i].name;
                break;
            }
        return fail(ps, "%s %s: %s given twice", k->name, qword(&val, q),
                    canon);
    }
    switch (k->kw) {
    case KW_DEV:
        r = opt_dev(ps, o, &val);
        break;
    case KW_SOURCE: {
        char prefix[8 + QUOTE_BUF];

        snprintf(prefix, sizeof prefix, "source %s", qword(&val, q));
        r = check_source(ps, prefix, &val, o->group, &o->source);
        break;
    }
    default:
        r = parse_number(ps, k->name, &val, k->num, &v);
        if (r == 0)
            *num_slot(o, k->kw) = v;
        break;
    }
    if (r == 0)
        o->seen |= KWB(k->kw);
    return r;
}

static int fail_unexpected(struct parser *ps, const struct word *w);

/* Options up to the end of the line. */
static int parse_options(struct parser *ps, struct opts *o)
{
    struct word w;
    int r;

    while ((r = next_word(ps, &w)) > 0) {
        const struct kw_word *k = find_kw(&w, o->allowed);

        if (k == NULL)
            return fail_unexpected(ps, &w);
        r = parse_option(ps, o, k);
        if (r != 0)
            return r;
    }
    return r;
}

/* ---- verbs ---- */

typedef int (*parse_fn)(struct parser *ps, struct mc_cmd *out);

struct verb_impl {
    parse_fn parse;
    enum mc_member_op op;    /* MC_CMD_MEMBER only */
    bool has_source;         /* MC_CMD_MEMBER: GROUP SOURCE */
    const char *with_source; /* join, leave: the verb that takes SOURCE */
    unsigned options;        /* KWB() of the keywords it takes */
};

/*
 * A word where none was expected: an option this verb does not take (with
 * a suggestion when one is close), or an address given to join or leave.
 */
static int fail_unexpected(struct parser *ps, const struct word *w)
{
    const char *cand[ARRAY_SIZE(kw_words)];
    const char *hint;
    size_t i, n = 0;
    char q[QUOTE_BUF];

    ctx_add(ps, w);
    if (ps->impl->with_source != NULL) {
        struct mc_addr a;
        char buf[ADDR_WORD_MAX];

        if (w->len < sizeof buf) {
            memcpy(buf, w->s, w->len);
            buf[w->len] = '\0';
            if (mc_addr_parse(buf, &a, NULL, 0, NULL) == 0)
                return fail(ps, "%s: %s takes no SOURCE: use %s %s %s", ps->ctx,
                            ps->verb->name, ps->impl->with_source, ps->gword,
                            qword(w, q));
        }
    }
    if (ps->impl->options == 0)
        return fail(ps, "%s: unexpected '%s': %s", ps->ctx, qword(w, q),
                    ps->verb->usage);
    for (i = 0; i < ARRAY_SIZE(kw_words); i++)
        if (ps->impl->options & KWB(kw_words[i].kw))
            cand[n++] = kw_words[i].name;
    hint = suggest(w, cand, n);
    if (hint != NULL)
        return fail(ps, "%s: unknown option '%s': did you mean '%s'?", ps->ctx,
                    qword(w, q), hint);
    return fail(ps, "%s: unknown option '%s': %s", ps->ctx, qword(w, q),
                ps->verb->usage);
}

/* The line must end here. */
static int expect_end(struct parser *ps)
{
    struct word w;
    int r = next_word(ps, &w);

    if (r <= 0)
        return r;
    return fail_unexpected(ps, &w);
}

/*
 * A positional word (what: "GROUP"), added to the context.  A missing
 * word, or an option keyword in its place, is refused with the usage.
 */
static int need_word(struct parser *ps, const char *what, struct word *w)
{
    int r = next_word(ps, w);

    if (r < 0)
        return r;
    if (r == 0 || find_kw(w, ps->impl->options) != NULL)
        return fail(ps, "%s: missing %s: %s", ps->ctx, what, ps->verb->usage);
    ctx_add(ps, w);
    return 0;
}

/* GROUP or GROUP%IFACE, multicast; remembers the word for messages. */
static int need_group(struct parser *ps, struct mc_addr *g, char *ifname,
                      struct mc_group_info *info)
{
    struct word w;
    int r = need_word(ps, "GROUP", &w);

    if (r != 0)
        return r;
    qword(&w, ps->gword);
    r = parse_addr_word(ps, ps->ctx, &w, g, ifname);
    if (r != 0)
        return r;
    return check_group(ps, &w, g, info);
}

static const char *ssm_range(int family)
{
    return family == AF_INET ? "232.0.0.0/8" : "ff3x::/96";
}

/* The SSM range takes no any-source join and so no exclude mode. */
static int check_ssm(struct parser *ps, enum mc_member_op op,
                     const struct mc_addr *g, const struct mc_group_info *info)
{
    char a[MC_ADDR_STRLEN];

    if (!info->ssm)
        return 0;
    mc_addr_format(g, a, sizeof a);
    if (op == MC_OP_JOIN)
        return fail(ps,
                    "%s: %s is in the SSM range %s, where any-source joins "
                    "are refused (RFC 4607): use join-source %s SOURCE",
                    ps->ctx, a, ssm_range(g->family), ps->gword);
    if (op == MC_OP_EXCLUDE_SOURCE || op == MC_OP_INCLUDE_SOURCE)
        return fail(ps,
                    "%s: %s is in the SSM range %s, which has no exclude "
                    "mode (RFC 4607, RFC 4604): use join-source or "
                    "leave-source",
                    ps->ctx, a, ssm_range(g->family));
    return 0;
}

/* Interface- and link-local groups need an interface to join on. */
static int check_scope(struct parser *ps, const struct mc_addr *g,
                       const struct mc_group_info *info, const char *ifname)
{
    char a[MC_ADDR_STRLEN];

    if (!info->link_local || ifname[0] != '\0')
        return 0;
    mc_addr_format(g, a, sizeof a);
    return fail(
        ps, "%s: %s is %s: name an interface (%s%%IFACE or dev IFACE)", ps->ctx,
        a, info->scope == MC_SCOPE_INTERFACE ? "interface-local" : "link-local",
        a);
}

static int parse_member(struct parser *ps, struct mc_cmd *out)
{
    struct mc_cmd_member *m = &out->member;
    struct mc_group_info info;
    struct opts o;
    struct word w;
    int r;

    out->kind = MC_CMD_MEMBER;
    m->op = ps->impl->op;
    r = need_group(ps, &m->group, m->ifname, &info);
    if (r == 0)
        r = check_ssm(ps, m->op, &m->group, &info);
    if (r == 0 && ps->impl->has_source) {
        r = need_word(ps, "SOURCE", &w);
        if (r == 0)
            r = check_source(ps, ps->ctx, &w, &m->group, &m->source);
    }
    if (r != 0)
        return r;
    opts_init(&o, ps->impl->options, &m->group, m->ifname);
    r = parse_options(ps, &o);
    if (r != 0)
        return r;
    memcpy(m->ifname, o.ifname, sizeof m->ifname);
    m->port = (uint16_t)o.port;
    m->port_given = o.seen & KWB(KW_PORT);
    return check_scope(ps, &m->group, &info, m->ifname);
}

/* ---- set ---- */

struct set_word {
    const char *name;
    enum mc_cmd_opt opt;
    const struct numspec *num; /* NULL: on|off or an interface */
};

/* In the order of the usage text. */
static const struct set_word set_words[] = {
    {"hoplimit", MC_OPT_HOPLIMIT, &num_hoplimit},
    {"mcast-hoplimit", MC_OPT_MCAST_HOPLIMIT, &num_mhoplimit},
    {"tclass", MC_OPT_TCLASS, &num_tclass},
    {"ttl", MC_OPT_HOPLIMIT, &num_ttl},
    {"tos", MC_OPT_TCLASS, &num_tos},
    {"loopback", MC_OPT_LOOPBACK, NULL},
    {"mcast-if", MC_OPT_MCAST_IF, NULL},
    {"multicast-all", MC_OPT_MULTICAST_ALL, NULL},
};

/* An unknown word among names: suggest one, or list them all. */
static int fail_unknown(struct parser *ps, const struct word *w,
                        const char *what, const char *const *names, size_t n)
{
    const char *hint = suggest(w, names, n);
    char list[256];
    char q[QUOTE_BUF];
    size_t i, used = 0;

    if (hint != NULL)
        return fail(ps, "%s: unknown %s '%s': did you mean '%s'?", ps->ctx,
                    what, qword(w, q), hint);
    list[0] = '\0';
    for (i = 0; i < n && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                 i == 0 ? "" : (i + 1 == n ? " or " : ", "),
                                 names[i]);
    return fail(ps, "%s: unknown %s '%s': use %s", ps->ctx, what, qword(w, q),
                list);
}

/* The value of set OPTION. */
static int parse_set_value(struct parser *ps, const struct set_word *sw,
                           const struct word *v, struct mc_cmd_set *s)
{
    unsigned long n = 0;
    bool on = false;
    int r;

    if (sw->num != NULL) {
        r = parse_number(ps, ps->ctx, v, sw->num, &n);
        s->value = (int)n;
        return r;
    }
    if (sw->opt != MC_OPT_MCAST_IF) {
        r = parse_onoff(ps, ps->ctx, v, &on);
        s->value = on;
        return r;
    }
    if (word_is(v, "none"))
        return 0;
    return parse_ifname(ps, ps->ctx, v, s->ifname);
}

static int parse_set(struct parser *ps, struct mc_cmd *out)
{
    const char *names[ARRAY_SIZE(set_words)];
    const struct set_word *sw = NULL;
    struct word w, v;
    size_t i;
    int r;

    out->kind = MC_CMD_SET;
    r = need_word(ps, "OPTION", &w);
    if (r != 0)
        return r;
    for (i = 0; i < ARRAY_SIZE(set_words); i++) {
        names[i] = set_words[i].name;
        if (word_is(&w, set_words[i].name))
            sw = &set_words[i];
    }
    if (sw == NULL)
        return fail_unknown(ps, &w, "option", names, ARRAY_SIZE(names));
    out->set.opt = sw->opt;
    r = next_word(ps, &v);
    if (r < 0)
        return r;
    if (r == 0) {
        if (sw->num != NULL)
            return fail(ps, "%s: missing VALUE: %s %lu..%lu%s", ps->ctx,
                        sw->num->what, sw->num->min, sw->num->max,
                        sw->num->tail);
        return fail(ps, "%s: missing VALUE: %s", ps->ctx,
                    sw->opt == MC_OPT_MCAST_IF
                        ? "name an interface, or none to clear it"
                        : "use on or off");
    }
    r = parse_set_value(ps, sw, &v, &out->set);
    if (r != 0)
        return r;
    ctx_add(ps, &v);
    return expect_end(ps);
}

/* ---- cmsg, pcap ---- */

static const char *const cmsg_words[] = {
    "tclass", "hoplimit", "src", "dst", "iface", "pathmtu", "ttl", "tos",
};

static int parse_cmsg(struct parser *ps, struct mc_cmd *out)
{
    char buf[SUGGEST_MAX + 1];
    struct word w, v;
    int r;

    out->kind = MC_CMD_CMSG;
    r = need_word(ps, "FLAG", &w);
    if (r != 0)
        return r;
    if (w.len < sizeof buf) {
        memcpy(buf, w.s, w.len);
        buf[w.len] = '\0';
    }
    if (w.len >= sizeof buf ||
        mc_cm_flag_parse(buf, &out->cmsg.flag, NULL) != 0)
        return fail_unknown(ps, &w, "flag", cmsg_words, ARRAY_SIZE(cmsg_words));
    r = next_word(ps, &v);
    if (r < 0)
        return r;
    if (r == 0)
        return fail(ps, "%s: missing on|off: cmsg FLAG on|off", ps->ctx);
    r = parse_onoff(ps, ps->ctx, &v, &out->cmsg.on);
    if (r != 0)
        return r;
    ctx_add(ps, &v);
    return expect_end(ps);
}

static int parse_pcap(struct parser *ps, struct mc_cmd *out)
{
    struct opts o;
    struct word w;
    int r;

    out->kind = MC_CMD_PCAP;
    r = need_word(ps, "on|off", &w);
    if (r == 0)
        r = parse_onoff(ps, ps->verb->name, &w, &out->pcap.on);
    if (r != 0)
        return r;
    opts_init(&o, ps->impl->options, NULL, NULL);
    r = parse_options(ps, &o);
    if (r == 0)
        memcpy(out->pcap.ifname, o.ifname, sizeof o.ifname);
    return r;
}

/* ---- send, stop-send ---- */

static int parse_send(struct parser *ps, struct mc_cmd *out)
{
    struct mc_cmd_send *s = &out->send;
    struct mc_group_info info;
    struct opts o;
    int r;

    out->kind = MC_CMD_SEND;
    r = need_group(ps, &s->group, s->ifname, &info);
    if (r != 0)
        return r;
    opts_init(&o, ps->impl->options, &s->group, s->ifname);
    r = parse_options(ps, &o);
    if (r != 0)
        return r;
    memcpy(s->ifname, o.ifname, sizeof s->ifname);
    s->port = (uint16_t)o.port;
    s->port_given = o.seen & KWB(KW_PORT);
    s->rate = (unsigned)o.rate;
    s->count = (uint32_t)o.count;
    s->size = (unsigned)o.size;
    s->tclass = (int)o.tclass;
    s->tclass_given = o.seen & KWB(KW_TCLASS);
    s->hoplimit = (int)o.hoplimit;
    s->hoplimit_given = o.seen & KWB(KW_HOPLIMIT);
    s->source = o.source;
    return 0;
}

static int parse_stop_send(struct parser *ps, struct mc_cmd *out)
{
    struct mc_group_info info;
    struct word w;
    int r;

    out->kind = MC_CMD_STOP_SEND;
    r = next_word(ps, &w);
    if (r <= 0)
        return r;
    ctx_add(ps, &w);
    if (memchr(w.s, '%', w.len) != NULL)
        return fail(ps,
                    "%s: stop-send takes a GROUP without %%IFACE: it stops "
                    "every sender to that group",
                    ps->ctx);
    r = parse_addr_word(ps, ps->ctx, &w, &out->stop.group, NULL);
    if (r == 0)
        r = check_group(ps, &w, &out->stop.group, &info);
    return r != 0 ? r : expect_end(ps);
}

/* ---- wait, echo ---- */

static int parse_wait(struct parser *ps, struct mc_cmd *out)
{
    struct word w;
    int r;

    out->kind = MC_CMD_WAIT;
    r = need_word(ps, "SECONDS", &w);
    if (r == 0)
        r = parse_seconds(ps, &w, &out->wait_s);
    return r != 0 ? r : expect_end(ps);
}

/* The rest of the line after one blank, up to a comment; see cmd.h. */
static int parse_echo(struct parser *ps, struct mc_cmd *out)
{
    const char *p = ps->p, *end;

    out->kind = MC_CMD_ECHO;
    if (p < ps->end)
        p++; /* the one blank after the verb */
    for (end = p; end < ps->end; end++) {
        if (*end == '#' && is_blank(end[-1]))
            break;
        if (is_control(*end))
            return fail_control(ps, end);
    }
    while (end > p && is_blank(end[-1]))
        end--;
    if ((size_t)(end - p) > MC_CMD_ECHO_MAX - 1)
        return fail(ps,
                    "echo: the text is %zu bytes, more than %d: split it "
                    "over several echo lines",
                    (size_t)(end - p), MC_CMD_ECHO_MAX - 1);
    memcpy(out->echo, p, (size_t)(end - p));
    out->echo[end - p] = '\0';
    ps->p = ps->end;
    return 0;
}

/* ---- the verb table ---- */

#define MEMBER_OPTS (KWB(KW_DEV) | KWB(KW_PORT))
#define SEND_OPTS                                                              \
    (KWB(KW_DEV) | KWB(KW_PORT) | KWB(KW_RATE) | KWB(KW_COUNT) |               \
     KWB(KW_SIZE) | KWB(KW_TCLASS) | KWB(KW_HOPLIMIT) | KWB(KW_SOURCE))

/* The verbs, in help order; verb_impls[] runs in parallel. */
static const struct mc_cmd_verb verbs[] = {
    {"join", "join GROUP [dev IFACE] [port N]",
     "any-source join (JoinGroup); not for the SSM range 232/8, ff3x::/96",
     MC_CMD_MEMBER},
    {"leave", "leave GROUP [dev IFACE] [port N]",
     "leave the group and drop its source filter (LeaveGroup)", MC_CMD_MEMBER},
    {"join-source", "join-source GROUP SOURCE [dev IFACE] [port N]",
     "SSM include: receive GROUP from SOURCE (JoinSourceSpecificGroup)",
     MC_CMD_MEMBER},
    {"leave-source", "leave-source GROUP SOURCE [dev IFACE] [port N]",
     "SSM include: stop receiving from SOURCE (LeaveSourceSpecificGroup)",
     MC_CMD_MEMBER},
    {"exclude-source", "exclude-source GROUP SOURCE [dev IFACE] [port N]",
     "exclude mode: block SOURCE (ExcludeSourceSpecificGroup)", MC_CMD_MEMBER},
    {"include-source", "include-source GROUP SOURCE [dev IFACE] [port N]",
     "exclude mode: unblock SOURCE (IncludeSourceSpecificGroup)",
     MC_CMD_MEMBER},
    {"set",
     "set hoplimit|mcast-hoplimit|tclass|ttl|tos|loopback|mcast-if|"
     "multicast-all VALUE",
     "change a socket option: hop limits 0..255, tclass 0..255, on|off, "
     "IFACE",
     MC_CMD_SET},
    {"cmsg", "cmsg tclass|hoplimit|src|dst|iface|pathmtu|ttl|tos on|off",
     "turn a control message on receive on or off (pathmtu: IPv6)",
     MC_CMD_CMSG},
    {"pcap", "pcap on|off [dev IFACE]",
     "the wire cross-check: capture with libpcap next to the socket",
     MC_CMD_PCAP},
    {"send",
     "send GROUP [dev IFACE] [port N] [rate PPS] [count N] [size BYTES] "
     "[tclass N] [hoplimit N] [source ADDR]",
     "send probes to GROUP: 10 pps, 64 bytes, count 0 = until stopped",
     MC_CMD_SEND},
    {"stop-send", "stop-send [GROUP]",
     "stop the senders to GROUP, or every sender", MC_CMD_STOP_SEND},
    {"wait", "wait SECONDS", "let time pass (scripts), e.g. wait 2.5",
     MC_CMD_WAIT},
    {"echo", "echo TEXT", "show a line of narration (scripts, lessons)",
     MC_CMD_ECHO},
};

static const struct verb_impl verb_impls[] = {
    {parse_member, MC_OP_JOIN, false, "join-source", MEMBER_OPTS},
    {parse_member, MC_OP_LEAVE, false, "leave-source", MEMBER_OPTS},
    {parse_member, MC_OP_JOIN_SOURCE, true, NULL, MEMBER_OPTS},
    {parse_member, MC_OP_LEAVE_SOURCE, true, NULL, MEMBER_OPTS},
    {parse_member, MC_OP_EXCLUDE_SOURCE, true, NULL, MEMBER_OPTS},
    {parse_member, MC_OP_INCLUDE_SOURCE, true, NULL, MEMBER_OPTS},
    {parse_set, 0, false, NULL, 0},
    {parse_cmsg, 0, false, NULL, 0},
    {parse_pcap, 0, false, NULL, KWB(KW_DEV)},
    {parse_send, 0, false, NULL, SEND_OPTS},
    {parse_stop_send, 0, false, NULL, 0},
    {parse_wait, 0, false, NULL, 0},
    {parse_echo, 0, false, NULL, 0},
};

_Static_assert(ARRAY_SIZE(verbs) == ARRAY_SIZE(verb_impls),
               "verbs and verb_impls run in parallel");

const struct mc_cmd_verb *mc_cmd_verbs(size_t *n)
{
    if (n != NULL)
        *n = ARRAY_SIZE(verbs);
    return verbs;
}

static int fail_unknown_verb(struct parser *ps, const struct word *w)
{
    const char *names[ARRAY_SIZE(verbs)];
    size_t i;

    for (i = 0; i < ARRAY_SIZE(verbs); i++)
        names[i] = verbs[i].name;
    return fail_unknown(ps, w, "command", names, ARRAY_SIZE(names));
}

int mc_cmd_parse(const char *line, struct mc_cmd *out, struct mc_err *err)
{
    struct parser ps;
    struct mc_cmd tmp;
    struct word w;
    size_t i;
    int r;

    mc_err_clear(err);
    if (out == NULL)
        out = &tmp;
    memset(out, 0, sizeof *out);
    memset(&ps, 0, sizeof ps);
    ps.err = err;
    if (line == NULL)
        return fail(&ps, "no command line given");
    ps.line = ps.p = line;
    ps.end = line + strlen(line);
    while (ps.end > line && (ps.end[-1] == '\n' || ps.end[-1] == '\r'))
        ps.end--;
    r = next_word(&ps, &w);
    if (r <= 0)
        return r;
    for (i = 0; i < ARRAY_SIZE(verbs); i++)
        if (word_is(&w, verbs[i].name))
            break;
    if (i == ARRAY_SIZE(verbs)) {
        qword(&w, ps.ctx);
        r = fail_unknown_verb(&ps, &w);
    } else {
        ps.verb = &verbs[i];
        ps.impl = &verb_impls[i];
        snprintf(ps.ctx, sizeof ps.ctx, "%s", ps.verb->name);
        r = ps.impl->parse(&ps, out);
    }
    if (r != 0)
        memset(out, 0, sizeof *out);
    return r;
}

/* ---- names ---- */

const char *mc_cmd_kind_name(enum mc_cmd_kind kind)
{
    static const char *const names[] = {
        [MC_CMD_NONE] = "none",
        [MC_CMD_MEMBER] = "member",
        [MC_CMD_SET] = "set",
        [MC_CMD_CMSG] = "cmsg",
        [MC_CMD_PCAP] = "pcap",
        [MC_CMD_SEND] = "send",
        [MC_CMD_STOP_SEND] = "stop-send",
        [MC_CMD_WAIT] = "wait",
        [MC_CMD_ECHO] = "echo",
    };

    if ((unsigned)kind >= ARRAY_SIZE(names))
        return "unknown";
    return names[kind];
}

const char *mc_cmd_verb_name(const struct mc_cmd *c)
{
    size_t i;

    if (c == NULL || c->kind == MC_CMD_NONE)
        return "";
    for (i = 0; i < ARRAY_SIZE(verbs); i++)
        if (verbs[i].kind == c->kind &&
            (c->kind != MC_CMD_MEMBER || verb_impls[i].op == c->member.op))
            return verbs[i].name;
    return "unknown";
}

const char *mc_cmd_opt_name(enum mc_cmd_opt opt)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(set_words); i++)
        if (set_words[i].opt == opt)
            return set_words[i].name;
    return "?";
}

/* ---- format ---- */

/* Text being written by mc_cmd_format; put() stops at the end. */
struct out {
    char *buf;
    size_t len, n;
};

static void put(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = vsnprintf(o->n < o->len ? o->buf + o->n : NULL,
                  o->n < o->len ? o->len - o->n : 0, fmt, ap);
    va_end(ap);
    if (r > 0)
        o->n += (size_t)r;
}

static void put_addr(struct out *o, const char *before, const struct mc_addr *a)
{
    char s[MC_ADDR_STRLEN];

    put(o, "%s%s", before, mc_addr_format(a, s, sizeof s));
}

static bool family_ok(const struct mc_addr *a)
{
    return a->family == AF_INET || a->family == AF_INET6;
}

static void put_dev_port(struct out *o, const char *ifname, uint16_t port,
                         bool port_given)
{
    if (ifname[0] != '\0')
        put(o, " dev %.*s", IF_NAMESIZE - 1, ifname);
    if (port_given)
        put(o, " port %u", (unsigned)port);
}

static int format_member(struct out *o, const struct mc_cmd *c)
{
    const struct mc_cmd_member *m = &c->member;
    const char *verb = mc_cmd_verb_name(c);
    bool source = m->op != MC_OP_JOIN && m->op != MC_OP_LEAVE;

    if (strcmp(verb, "unknown") == 0 || !family_ok(&m->group) ||
        (source && !family_ok(&m->source)))
        return -EINVAL;
    put(o, "%s", verb);
    put_addr(o, " ", &m->group);
    if (source)
        put_addr(o, " ", &m->source);
    put_dev_port(o, m->ifname, m->port, m->port_given);
    return 0;
}

static int format_set(struct out *o, const struct mc_cmd_set *s)
{
    const char *name = mc_cmd_opt_name(s->opt);

    if (strcmp(name, "?") == 0)
        return -EINVAL;
    put(o, "set %s ", name);
    switch (s->opt) {
    case MC_OPT_TCLASS:
        put(o, "0x%02x", (unsigned)s->value);
        break;
    case MC_OPT_LOOPBACK:
    case MC_OPT_MULTICAST_ALL:
        put(o, "%s", s->value ? "on" : "off");
        break;
    case MC_OPT_MCAST_IF:
        put(o, "%.*s", IF_NAMESIZE - 1,
            s->ifname[0] != '\0' ? s->ifname : "none");
        break;
    default:
        put(o, "%d", s->value);
        break;
    }
    return 0;
}

static int format_send(struct out *o, const struct mc_cmd_send *s)
{
    if (!family_ok(&s->group))
        return -EINVAL;
    put_addr(o, "send ", &s->group);
    put_dev_port(o, s->ifname, s->port, s->port_given);
    if (s->rate != MC_CMD_SEND_RATE_DEFAULT)
        put(o, " rate %u", s->rate);
    if (s->count != 0)
        put(o, " count %lu", (unsigned long)s->count);
    if (s->size != MC_CMD_SEND_SIZE_DEFAULT)
        put(o, " size %u", s->size);
    if (s->tclass_given)
        put(o, " tclass 0x%02x", (unsigned)s->tclass);
    if (s->hoplimit_given)
        put(o, " hoplimit %d", s->hoplimit);
    if (family_ok(&s->source))
        put_addr(o, " source ", &s->source);
    return 0;
}

/* Seconds as whole nanoseconds: "2", "0.5", "0.000000001". */
static int format_wait(struct out *o, double s)
{
    unsigned long long ns, whole, frac;
    char digits[10];
    int i;

    if (!(s > 0 && s <= MC_CMD_WAIT_MAX))
        return -EINVAL;
    ns = (unsigned long long)(s * (double)NSEC_PER_SEC + 0.5);
    whole = ns / NSEC_PER_SEC;
    frac = ns % NSEC_PER_SEC;
    if (ns == 0)
        return -EINVAL;
    if (frac == 0) {
        put(o, "wait %llu", whole);
        return 0;
    }
    snprintf(digits, sizeof digits, "%09llu", frac);
    for (i = 8; i > 0 && digits[i] == '0'; i--)
        digits[i] = '\0';
    put(o, "wait %llu.%s", whole, digits);
    return 0;
}

int mc_cmd_format(const struct mc_cmd *c, char *buf, size_t len)
{
    struct out o = {buf, buf != NULL ? len : 0, 0};
    int r = 0;

    if (buf != NULL && len > 0)
        buf[0] = '\0';
    if (c == NULL)
        return -EINVAL;
    switch (c->kind) {
    case MC_CMD_NONE:
        break;
    case MC_CMD_MEMBER:
        r = format_member(&o, c);
        break;
    case MC_CMD_SET:
        r = format_set(&o, &c->set);
        break;
    case MC_CMD_CMSG: {
        const char *name = mc_cm_flag_name(c->cmsg.flag, AF_INET6);

        if (strcmp(name, "?") == 0)
            return -EINVAL;
        put(&o, "cmsg %s %s", name, c->cmsg.on ? "on" : "off");
        break;
    }
    case MC_CMD_PCAP:
        put(&o, "pcap %s", c->pcap.on ? "on" : "off");
        put_dev_port(&o, c->pcap.ifname, 0, false);
        break;
    case MC_CMD_SEND:
        r = format_send(&o, &c->send);
        break;
    case MC_CMD_STOP_SEND:
        put(&o, "stop-send");
        if (family_ok(&c->stop.group))
            put_addr(&o, " ", &c->stop.group);
        break;
    case MC_CMD_WAIT:
        r = format_wait(&o, c->wait_s);
        break;
    case MC_CMD_ECHO:
        put(&o, "echo%s%.*s", c->echo[0] != '\0' ? " " : "",
            MC_CMD_ECHO_MAX - 1, c->echo);
        break;
    default:
        return -EINVAL;
    }
    if (r != 0) {
        if (buf != NULL && len > 0)
            buf[0] = '\0';
        return r;
    }
    if (o.n >= o.len)
        return -ENOSPC;
    return (int)o.n;
}

/* ---- equality ---- */

static bool addr_eq(const struct mc_addr *a, const struct mc_addr *b)
{
    if (a->family != b->family)
        return false;
    if (a->family == AF_INET)
        return a->u.v4.s_addr == b->u.v4.s_addr;
    if (a->family == AF_INET6)
        return memcmp(&a->u.v6, &b->u.v6, sizeof a->u.v6) == 0;
    return true;
}

static bool ifname_eq(const char *a, const char *b)
{
    return strncmp(a, b, IF_NAMESIZE) == 0;
}

static bool member_eq(const struct mc_cmd_member *a,
                      const struct mc_cmd_member *b)
{
    return a->op == b->op && addr_eq(&a->group, &b->group) &&
           addr_eq(&a->source, &b->source) && ifname_eq(a->ifname, b->ifname) &&
           a->port == b->port && a->port_given == b->port_given;
}

static bool send_eq(const struct mc_cmd_send *a, const struct mc_cmd_send *b)
{
    return addr_eq(&a->group, &b->group) && ifname_eq(a->ifname, b->ifname) &&
           a->port == b->port && a->port_given == b->port_given &&
           a->rate == b->rate && a->count == b->count && a->size == b->size &&
           a->tclass_given == b->tclass_given &&
           (!a->tclass_given || a->tclass == b->tclass) &&
           a->hoplimit_given == b->hoplimit_given &&
           (!a->hoplimit_given || a->hoplimit == b->hoplimit) &&
           addr_eq(&a->source, &b->source);
}

bool mc_cmd_equal(const struct mc_cmd *a, const struct mc_cmd *b)
{
    if (a == NULL || b == NULL || a->kind != b->kind)
        return false;
    switch (a->kind) {
    case MC_CMD_NONE:
        return true;
    case MC_CMD_MEMBER:
        return member_eq(&a->member, &b->member);
    case MC_CMD_SET:
        return a->set.opt == b->set.opt && a->set.value == b->set.value &&
               ifname_eq(a->set.ifname, b->set.ifname);
    case MC_CMD_CMSG:
        return a->cmsg.flag == b->cmsg.flag && a->cmsg.on == b->cmsg.on;
    case MC_CMD_PCAP:
        return a->pcap.on == b->pcap.on &&
               ifname_eq(a->pcap.ifname, b->pcap.ifname);
    case MC_CMD_SEND:
        return send_eq(&a->send, &b->send);
    case MC_CMD_STOP_SEND:
        return addr_eq(&a->stop.group, &b->stop.group);
    case MC_CMD_WAIT:
        return a->wait_s == b->wait_s;
    case MC_CMD_ECHO:
        return strncmp(a->echo, b->echo, MC_CMD_ECHO_MAX) == 0;
    default:
        return false;
    }
}
