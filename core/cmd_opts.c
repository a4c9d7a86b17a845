/*
 * mcscope core: the command language's options (KEYWORD VALUE, in any
 * order, each at most once) and positional words.
 */
#include "cmd_priv.h"

#include <stdio.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* ---- options ---- */

static const struct mc__numspec num_port = {"the port must be", 1, 65535, "",
                                            false};
static const struct mc__numspec num_rate = {
    "the rate must be", 1, MC_CMD_SEND_RATE_MAX, " packets per second", false};
static const struct mc__numspec num_count = {
    "count is", 0, UINT32_MAX, " packets (0: until stopped)", false};
static const struct mc__numspec num_size = {
    "the size must be", MC_CMD_SEND_SIZE_MIN, MC_CMD_SEND_SIZE_MAX,
    " bytes (the probe header takes " STR(MC_PROBE_HDRLEN) ")", false};
static const struct mc__numspec num_gap = {"the gap threshold must be", 1,
                                           MC_CMD_GAP_MAX_MS, " ms", false};
struct kw_word {
    const char *name;
    enum mc__kw kw;
    const char *value; /* what follows it, for "missing ..." */
    const struct mc__numspec *num;
    int sockopt; /* -1, or the `set` option whose range it has */
    bool alias;  /* ... spelt with the option's alias */
};

/* ttl and tos are the IPv4 words for hoplimit and tclass. */
static const struct kw_word kw_words[] = {
    {"dev", KW_DEV, "IFACE", NULL, -1, false},
    {"port", KW_PORT, "N", &num_port, -1, false},
    {"rate", KW_RATE, "PPS", &num_rate, -1, false},
    {"count", KW_COUNT, "N", &num_count, -1, false},
    {"size", KW_SIZE, "BYTES", &num_size, -1, false},
    {"tclass", KW_TCLASS, "N", NULL, MC_OPT_TCLASS, false},
    {"tos", KW_TCLASS, "N", NULL, MC_OPT_TCLASS, true},
    {"hoplimit", KW_HOPLIMIT, "N", NULL, MC_OPT_HOPLIMIT, false},
    {"ttl", KW_HOPLIMIT, "N", NULL, MC_OPT_HOPLIMIT, true},
    {"source", KW_SOURCE, "ADDR", NULL, -1, false},
    {"bind", KW_BIND, "group|any|wire", NULL, -1, false},
    {"gap", KW_GAP, "MS", &num_gap, -1, false},
    {"payload", KW_PAYLOAD, "probe|rtp|mpegts", NULL, -1, false},
    {"sap", KW_SAP, NULL, NULL, -1, false},           /* a flag */
    {"force", KW_FORCE, NULL, NULL, -1, false},       /* a flag */
    {"dontfrag", KW_DONTFRAG, NULL, NULL, -1, false}, /* a flag */
};

/* send ... payload WORD, in enum mc_send_payload's order */
static const char *const payload_words[] = {"probe", "rtp", "mpegts"};

static int opt_payload(struct mc__parser *ps, struct mc__opts *o,
                       const struct mc__word *v)
{
    for (size_t i = 0; i < MC__ARRAY_SIZE(payload_words); i++)
        if (mc__cmd_word_is(v, payload_words[i])) {
            o->payload = i;
            return 0;
        }
    snprintf(ps->ctx, sizeof ps->ctx, "payload");
    return mc__cmd_fail_unknown(ps, v, "payload", payload_words,
                                MC__ARRAY_SIZE(payload_words));
}

void mc__cmd_opts_init(struct mc__opts *o, unsigned allowed,
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
static const struct kw_word *find_kw(const struct mc__word *w, unsigned allowed)
{
    size_t i;

    for (i = 0; i < MC__ARRAY_SIZE(kw_words); i++)
        if ((allowed & KWB(kw_words[i].kw)) &&
            mc__cmd_word_is(w, kw_words[i].name))
            return &kw_words[i];
    return NULL;
}

/* dev IFACE: at most once, and agreeing with GROUP%IFACE. */
static int opt_dev(struct mc__parser *ps, struct mc__opts *o,
                   const struct mc__word *v)
{
    char ifname[IF_NAMESIZE];
    char q[MC__CMD_QUOTE_BUF];
    int r = mc__cmd_parse_ifname(ps, "dev", v, ifname);

    if (r != 0)
        return r;
    if (o->iface_from_group && !(o->seen & KWB(KW_DEV))) {
        if (strcmp(ifname, o->ifname) != 0)
            return mc__cmd_fail(ps, "dev %s: %s already names interface %s",
                                mc__cmd_qword(v, q), ps->gword, o->ifname);
    }
    memcpy(o->ifname, ifname, sizeof ifname);
    return 0;
}

/* bind any|group: the address the receive socket is bound to. */
static int opt_bind(struct mc__parser *ps, struct mc__opts *o,
                    const struct mc__word *v)
{
    char q[MC__CMD_QUOTE_BUF];

    static const char *const words[] = {"group", "any", "wire"};

    for (size_t i = 0; i < MC__ARRAY_SIZE(words); i++)
        if (mc__cmd_word_is(v, words[i])) {
            o->bind = (enum mc_cmd_bind)i;
            return 0;
        }
    return mc__cmd_fail(ps,
                        "bind %s: bind takes group, any or wire: group (the "
                        "default) binds the group address, so mcscope takes "
                        "no datagram from another receiver on the port; any "
                        "binds the wildcard, shared with the other listeners "
                        "of the port, and also takes its unicast; wire binds "
                        "nothing on the port (an application may bind it "
                        "later without SO_REUSEADDR) and counts the group on "
                        "the wire",
                        mc__cmd_qword(v, q));
}

/* Where the value of a numeric keyword goes. */
static unsigned long *num_slot(struct mc__opts *o, enum mc__kw kw)
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
    case KW_GAP:
        return &o->gap;
    default:
        return &o->hoplimit;
    }
}

/* The range of a numeric keyword (its own, or its `set` option's); NULL
 * for a keyword that takes no number. */
static const struct mc__numspec *kw_num(const struct kw_word *k,
                                        struct mc__numspec *buf)
{
    if (k->sockopt < 0)
        return k->num;
    mc__cmd_sockopt_numspec(mc_sockopt_get((enum mc_cmd_opt)k->sockopt),
                            k->alias, buf);
    return buf;
}

/* One KEYWORD VALUE pair; k is the keyword. */
static int parse_option(struct mc__parser *ps, struct mc__opts *o,
                        const struct kw_word *k)
{
    struct mc__numspec buf;
    const struct mc__numspec *num = kw_num(k, &buf);
    unsigned long v = 0;
    struct mc__word val;
    char q[MC__CMD_QUOTE_BUF];
    int r;

    if (k->value == NULL) { /* a flag */
        if (o->seen & KWB(k->kw))
            return mc__cmd_fail(ps, "%s: given twice", k->name);
        o->seen |= KWB(k->kw);
        if (k->kw == KW_SAP)
            o->sap = true;
        else if (k->kw == KW_DONTFRAG)
            o->dontfrag = true;
        else
            o->force = true;
        return 0;
    }
    r = mc__cmd_next_word(ps, &val);
    if (r < 0)
        return r;
    if (r == 0)
        return num != NULL ? mc__cmd_fail(ps, "%s: missing %s: %s %lu..%lu%s",
                                          k->name, k->value, num->what,
                                          num->min, num->max, num->tail)
                           : mc__cmd_fail(ps, "%s: missing %s: %s %s", k->name,
                                          k->value, k->name, k->value);
    if (o->seen & KWB(k->kw)) {
        const char *canon = kw_words[0].name;
        size_t i;

        for (i = 0; i < MC__ARRAY_SIZE(kw_words); i++)
            if (kw_words[i].kw == k->kw) {
                canon = kw_words[i].name;
                break;
            }
        return mc__cmd_fail(ps, "%s %s: %s given twice", k->name,
                            mc__cmd_qword(&val, q), canon);
    }
    switch (k->kw) {
    case KW_DEV:
        r = opt_dev(ps, o, &val);
        break;
    case KW_PAYLOAD:
        r = opt_payload(ps, o, &val);
        break;
    case KW_SOURCE: {
        char prefix[8 + MC__CMD_QUOTE_BUF];

        snprintf(prefix, sizeof prefix, "source %s", mc__cmd_qword(&val, q));
        r = mc__cmd_check_source(ps, prefix, &val, o->group, &o->source);
        break;
    }
    case KW_BIND:
        r = opt_bind(ps, o, &val);
        break;
    default:
        r = mc__cmd_parse_number(ps, k->name, &val, num, &v);
        if (r == 0)
            *num_slot(o, k->kw) = v;
        break;
    }
    if (r == 0)
        o->seen |= KWB(k->kw);
    return r;
}

static int fail_unexpected(struct mc__parser *ps, const struct mc__word *w);

/* Options up to the end of the line. */
int mc__cmd_parse_options(struct mc__parser *ps, struct mc__opts *o)
{
    struct mc__word w;
    int r;

    while ((r = mc__cmd_next_word(ps, &w)) > 0) {
        const struct kw_word *k = find_kw(&w, o->allowed);

        if (k == NULL)
            return fail_unexpected(ps, &w);
        r = parse_option(ps, o, k);
        if (r != 0)
            return r;
    }
    return r;
}

/*
 * A word where none was expected: an option this verb does not take (with
 * a suggestion when one is close), or an address given to join or leave.
 */
static int fail_unexpected(struct mc__parser *ps, const struct mc__word *w)
{
    const char *cand[MC__ARRAY_SIZE(kw_words)];
    const char *hint;
    size_t i, n = 0;
    char q[MC__CMD_QUOTE_BUF];

    mc__cmd_ctx_add(ps, w);
    if (ps->impl->with_source != NULL) {
        struct mc_addr a;
        char buf[MC__CMD_ADDR_WORD_MAX];

        if (w->len < sizeof buf) {
            memcpy(buf, w->s, w->len);
            buf[w->len] = '\0';
            if (mc_addr_parse(buf, &a, NULL, 0, NULL) == 0)
                return mc__cmd_fail(ps, "%s: %s takes no SOURCE: use %s %s %s",
                                    ps->ctx, ps->verb->name,
                                    ps->impl->with_source, ps->gword,
                                    mc__cmd_qword(w, q));
        }
    }
    if (ps->impl->options == 0)
        return mc__cmd_fail(ps, "%s: unexpected '%s': %s", ps->ctx,
                            mc__cmd_qword(w, q), ps->verb->usage);
    for (i = 0; i < MC__ARRAY_SIZE(kw_words); i++)
        if (ps->impl->options & KWB(kw_words[i].kw))
            cand[n++] = kw_words[i].name;
    hint = mc__cmd_suggest(w, cand, n);
    if (hint != NULL)
        return mc__cmd_fail(ps, "%s: unknown option '%s': did you mean '%s'?",
                            ps->ctx, mc__cmd_qword(w, q), hint);
    return mc__cmd_fail(ps, "%s: unknown option '%s': %s", ps->ctx,
                        mc__cmd_qword(w, q), ps->verb->usage);
}

/* The line must end here. */
int mc__cmd_expect_end(struct mc__parser *ps)
{
    struct mc__word w;
    int r = mc__cmd_next_word(ps, &w);

    if (r <= 0)
        return r;
    return fail_unexpected(ps, &w);
}

/*
 * A positional word (what: "GROUP"), added to the context.  A missing
 * word, or an option keyword in its place, is refused with the usage.
 */
int mc__cmd_need_word(struct mc__parser *ps, const char *what,
                      struct mc__word *w)
{
    int r = mc__cmd_next_word(ps, w);

    if (r < 0)
        return r;
    if (r == 0 || find_kw(w, ps->impl->options) != NULL)
        return mc__cmd_fail(ps, "%s: missing %s: %s", ps->ctx, what,
                            ps->verb->usage);
    mc__cmd_ctx_add(ps, w);
    return 0;
}

/* GROUP or GROUP%IFACE, multicast; remembers the word for messages. */
int mc__cmd_need_group(struct mc__parser *ps, struct mc_addr *g, char *ifname,
                       struct mc_group_info *info)
{
    struct mc__word w;
    int r = mc__cmd_need_word(ps, "GROUP", &w);

    if (r != 0)
        return r;
    mc__cmd_qword(&w, ps->gword);
    r = mc__cmd_parse_addr_word(ps, ps->ctx, &w, g, ifname);
    if (r != 0)
        return r;
    return mc__cmd_check_group(ps, &w, g, info);
}
