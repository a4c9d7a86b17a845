/*
 * mcscope core: the analyze verb —
 *   analyze GROUP MODE [dev IFACE] [port N] [gap MS]
 * with MODE one of auto, probe, rtp [clock HZ], mpegts, seq OFFSET WIDTH
 * [be|le], none (mcscope/analyze.h says what each reads).
 */
#include "cmd_priv.h"

#include <stdio.h>
#include <string.h>

static const struct mc__numspec num_clock = {
    "the RTP clock rate must be", 1, MC_CMD_RTP_CLOCK_MAX, " Hz", false};
static const struct mc__numspec num_offset = {
    "the offset must be", 0, MC_CMD_SEQ_OFFSET_MAX,
    " bytes into the UDP payload", false};
static const struct mc__numspec num_width = {"the width must be", 8, 64,
                                             " bits, a multiple of 8", false};

/* A positional number (what: "HZ"): the refusal names the words before it
 * and the number. */
static int need_number(struct mc__parser *ps, const char *what,
                       const struct mc__numspec *ns, unsigned long *v)
{
    char prefix[MC__CMD_CTX_MAX];
    struct mc__word w;
    int r;

    snprintf(prefix, sizeof prefix, "%s", ps->ctx);
    r = mc__cmd_need_word(ps, what, &w);
    if (r == 0)
        r = mc__cmd_parse_number(ps, prefix, &w, ns, v);
    return r;
}

/* The next word if it is exactly s (consumed), else nothing read. */
static bool take(struct mc__parser *ps, const char *s, struct mc__word *w)
{
    const char *save = ps->p;

    if (mc__cmd_next_word(ps, w) > 0 && mc__cmd_word_is(w, s))
        return true;
    ps->p = save;
    return false;
}

static int parse_rtp(struct mc__parser *ps, struct mc_analyze_cfg *c)
{
    struct mc__word w;
    unsigned long hz;
    int r;

    if (!take(ps, "clock", &w))
        return 0;
    mc__cmd_ctx_add(ps, &w);
    r = need_number(ps, "HZ", &num_clock, &hz);
    if (r == 0)
        c->rtp_clock_hz = (unsigned)hz;
    return r;
}

static int parse_seq(struct mc__parser *ps, struct mc_analyze_cfg *c)
{
    struct mc__word w;
    unsigned long v;
    int r;

    r = need_number(ps, "OFFSET", &num_offset, &v);
    if (r != 0)
        return r;
    c->seq_offset = (unsigned)v;
    r = need_number(ps, "WIDTH", &num_width, &v);
    if (r != 0)
        return r;
    if (v % 8 != 0)
        return mc__cmd_fail(ps,
                            "%s: the width must be a whole number of bytes: "
                            "8, 16, 24, 32, 40, 48, 56 or 64 bits",
                            ps->ctx);
    c->seq_width = (unsigned)v;
    if (take(ps, "le", &w))
        c->seq_le = true;
    else
        (void)take(ps, "be", &w);
    return 0;
}

int mc__cmd_parse_analyze(struct mc__parser *ps, struct mc_cmd *out)
{
    static const char *const modes[] = {"auto",   "probe", "rtp",
                                        "mpegts", "seq",   "none"};
    struct mc_cmd_analyze *a = &out->analyze;
    struct mc_group_info info;
    struct mc__opts o;
    struct mc__word w;
    int mode, r;

    out->kind = MC_CMD_ANALYZE;
    r = mc__cmd_need_group(ps, &a->group, a->ifname, &info);
    if (r != 0)
        return r;
    r = mc__cmd_next_word(ps, &w);
    if (r < 0)
        return r;
    if (r == 0)
        return mc__cmd_fail(ps,
                            "%s: missing MODE: auto, probe, rtp, mpegts, "
                            "seq OFFSET WIDTH or none",
                            ps->ctx);
    mode = -1;
    for (size_t i = 0; i < MC__ARRAY_SIZE(modes); i++)
        if (mc__cmd_word_is(&w, modes[i]))
            mode = mc_analyze_mode_parse(modes[i]);
    if (mode < 0)
        return mc__cmd_fail_unknown(ps, &w, "mode", modes,
                                    MC__ARRAY_SIZE(modes));
    mc__cmd_ctx_add(ps, &w);
    a->cfg.mode = (enum mc_analyze_mode)mode;
    r = 0;
    if (mode == MC_ANALYZE_RTP)
        r = parse_rtp(ps, &a->cfg);
    else if (mode == MC_ANALYZE_SEQ)
        r = parse_seq(ps, &a->cfg);
    else if (take(ps, "clock", &w))
        r = mc__cmd_fail(ps,
                         "%s clock: a clock rate is for RTP: analyze %s rtp "
                         "clock HZ",
                         ps->ctx, ps->gword);
    if (r != 0)
        return r;
    mc__cmd_opts_init(&o, ps->impl->options, &a->group, a->ifname);
    r = mc__cmd_parse_options(ps, &o);
    if (r != 0)
        return r;
    memcpy(a->ifname, o.ifname, sizeof a->ifname);
    a->port = (uint16_t)o.port;
    a->port_given = o.seen & KWB(KW_PORT);
    a->gap_ms = (unsigned)o.gap;
    a->gap_given = o.seen & KWB(KW_GAP);
    return 0;
}
