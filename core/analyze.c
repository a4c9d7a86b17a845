/*
 * mcscope core: the payload analysers behind one interface, and the
 * detection that chooses one per flow.  See mcscope/analyze.h.
 */
#include <stdlib.h>
#include <string.h>

#include "mcscope/analyze.h"
#include "mcscope/probe.h"

/* ---- probe ---- */

static void probe_init(union mc_an_state *st, const struct mc_analyze_cfg *c)
{
    (void)c;
    mc_seq_init(&st->seq);
}

static int probe_packet(union mc_an_state *st, const struct mc_analyze_cfg *c,
                        const struct mc_an_pkt *p)
{
    struct mc_probe pr;
    enum mc_seq_verdict v;

    (void)c;
    if (mc_probe_decode(p->data, p->len, &pr) != 0)
        return 0;
    v = mc_seq_feed(&st->seq, pr.sender_id, pr.seq, pr.send_ns, p->real_ns);
    return v == MC_SEQ_RESTART || v == MC_SEQ_RESYNC ? MC_AN_RESTART : 0;
}

static void seq_snapshot(const union mc_an_state *st,
                         const struct mc_analyze_cfg *c,
                         struct mc_an_report *out)
{
    (void)c;
    mc_seq_get(&st->seq, &out->seq);
    out->seq_known = out->seq.known;
}

/* ---- RTP, with TS inside when the payload is TS ---- */

static void rtp_init(union mc_an_state *st, const struct mc_analyze_cfg *c)
{
    mc_rtp_init(&st->rtp.rtp, c->rtp_clock_hz);
    st->rtp.ts_inside = false;
    mc_mpegts_init(&st->rtp.ts);
}

static int rtp_feed(union mc_an_state *st, const struct mc_rtp_hdr *h,
                    const uint8_t *data, int64_t real_ns)
{
    int f = mc_rtp_feed(&st->rtp.rtp, h, real_ns);
    const uint8_t *pl = data + h->hdrlen;

    if (!st->rtp.ts_inside && st->rtp.ts.packets == 0)
        st->rtp.ts_inside = mc_mpegts_detect(pl, h->payload_len);
    if (st->rtp.ts_inside)
        mc_mpegts_feed(&st->rtp.ts, pl, h->payload_len, real_ns);
    return f & MC_RTP_SSRC_CHANGE ? MC_AN_SSRC_CHANGE : 0;
}

static int rtp_packet(union mc_an_state *st, const struct mc_analyze_cfg *c,
                      const struct mc_an_pkt *p)
{
    struct mc_rtp_hdr h;

    (void)c;
    if (mc_rtp_parse(p->data, p->len, &h) != 0)
        return 0;
    return rtp_feed(st, &h, p->data, p->real_ns);
}

static void rtp_snapshot(const union mc_an_state *st,
                         const struct mc_analyze_cfg *c,
                         struct mc_an_report *out)
{
    (void)c;
    mc_rtp_get(&st->rtp.rtp, &out->rtp);
    out->rtp_known = out->rtp.known;
    out->seq = out->rtp.seq;
    out->seq_known = out->rtp.known;
    if (st->rtp.ts_inside) {
        mc_mpegts_get(&st->rtp.ts, &out->ts);
        out->ts_known = out->ts.known;
        out->ts_state = &st->rtp.ts;
    }
}

/* ---- MPEG-TS over UDP ---- */

static void ts_init(union mc_an_state *st, const struct mc_analyze_cfg *c)
{
    (void)c;
    mc_mpegts_init(&st->ts);
}

static int ts_packet(union mc_an_state *st, const struct mc_analyze_cfg *c,
                     const struct mc_an_pkt *p)
{
    (void)c;
    mc_mpegts_feed(&st->ts, p->data, p->len, p->real_ns);
    return 0;
}

static void ts_snapshot(const union mc_an_state *st,
                        const struct mc_analyze_cfg *c,
                        struct mc_an_report *out)
{
    (void)c;
    mc_mpegts_get(&st->ts, &out->ts);
    out->ts_known = out->ts.known;
    out->ts_state = &st->ts;
}

/* ---- a sequence field of the user's ---- */

static void field_init(union mc_an_state *st, const struct mc_analyze_cfg *c)
{
    mc_seq_init_width(&st->seq, c->seq_width);
}

static int field_packet(union mc_an_state *st, const struct mc_analyze_cfg *c,
                        const struct mc_an_pkt *p)
{
    unsigned n = c->seq_width / 8;
    uint64_t v = 0;

    if (n == 0 || n > 8 || p->len < (size_t)c->seq_offset + n)
        return 0; /* too short to carry the field: not counted */
    for (unsigned i = 0; i < n; i++) {
        unsigned at = c->seq_le ? n - 1 - i : i;

        v = v << 8 | p->data[c->seq_offset + at];
    }
    mc_seq_count(&st->seq, 0, v);
    return 0;
}

/* ---- raw: nothing beyond what every flow gets ---- */

static void raw_init(union mc_an_state *st, const struct mc_analyze_cfg *c)
{
    (void)st;
    (void)c;
}

static int raw_packet(union mc_an_state *st, const struct mc_analyze_cfg *c,
                      const struct mc_an_pkt *p)
{
    (void)st;
    (void)c;
    (void)p;
    return 0;
}

static void raw_snapshot(const union mc_an_state *st,
                         const struct mc_analyze_cfg *c,
                         struct mc_an_report *out)
{
    (void)st;
    (void)c;
    (void)out;
}

static const struct mc_analyzer analyzers[] = {
    [MC_ANALYZE_PROBE] = {"probe", MC_PAYLOAD_PROBE, probe_init, probe_packet,
                          seq_snapshot},
    [MC_ANALYZE_RTP] = {"rtp", MC_PAYLOAD_RTP, rtp_init, rtp_packet,
                        rtp_snapshot},
    [MC_ANALYZE_MPEGTS] = {"mpegts", MC_PAYLOAD_MPEGTS, ts_init, ts_packet,
                           ts_snapshot},
    [MC_ANALYZE_SEQ] = {"seq", MC_PAYLOAD_RAW, field_init, field_packet,
                        seq_snapshot},
    [MC_ANALYZE_NONE] = {"raw", MC_PAYLOAD_RAW, raw_init, raw_packet,
                         raw_snapshot},
};

/* ---- detection ---- */

/* Analyser m, its state made when it keeps one; raw (no analysis) when
 * out of memory for it. */
static void choose(struct mc_analysis *a, enum mc_analyze_mode m)
{
    if (m != MC_ANALYZE_NONE && a->st == NULL) {
        a->st = malloc(sizeof *a->st);
        if (a->st == NULL)
            m = MC_ANALYZE_NONE;
    }
    a->an = &analyzers[m];
    if (a->st != NULL)
        a->an->init(a->st, &a->cfg);
}

void mc_analysis_init(struct mc_analysis *a, const struct mc_analyze_cfg *cfg)
{
    memset(a, 0, sizeof *a);
    a->cfg = *cfg;
    if (cfg->mode != MC_ANALYZE_AUTO)
        choose(a, cfg->mode);
}

void mc_analysis_free(struct mc_analysis *a)
{
    free(a->st);
    a->st = NULL;
    a->an = NULL;
}

uint32_t mc_analysis_ssrc(const struct mc_analysis *a, bool *have)
{
    bool rtp = a->st != NULL && a->an == &analyzers[MC_ANALYZE_RTP];

    if (have != NULL)
        *have = rtp && a->st->rtp.rtp.have;
    return rtp ? a->st->rtp.rtp.ssrc : 0;
}

/* mode auto, undecided: look at p; returns flags, *done when it was
 * analysed already. */
static int detect(struct mc_analysis *a, const struct mc_an_pkt *p, bool *done)
{
    struct mc_probe pr;
    struct mc_rtp_hdr h;

    *done = false;
    a->looked++;
    if (mc_probe_decode(p->data, p->len, &pr) == 0) {
        choose(a, MC_ANALYZE_PROBE);
        return MC_AN_DETECTED;
    }
    if (mc_mpegts_detect(p->data, p->len)) {
        choose(a, MC_ANALYZE_MPEGTS);
        return MC_AN_DETECTED;
    }
    if (mc_rtp_parse(p->data, p->len, &h) == 0) {
        if (mc_mpegts_detect(p->data + h.hdrlen, h.payload_len)) {
            choose(a, MC_ANALYZE_RTP); /* RTP carrying TS: no doubt */
            return MC_AN_DETECTED;
        }
        if (a->have_cand && h.ssrc == a->cand.ssrc &&
            h.seq == (uint16_t)(a->cand.seq + 1)) {
            struct mc_rtp_hdr first = a->cand;
            int64_t first_ns = a->cand_ns;

            choose(a, MC_ANALYZE_RTP);
            /* the first packet's payload is gone: its header counts */
            first.payload_len = 0;
            if (a->st != NULL) /* else out of memory: raw */
                mc_rtp_feed(&a->st->rtp.rtp, &first, first_ns);
            return MC_AN_DETECTED;
        }
        a->have_cand = true;
        a->cand = h;
        a->cand_ns = p->real_ns;
    } else {
        a->have_cand = false;
    }
    if (a->looked >= MC_DETECT_PACKETS) {
        choose(a, MC_ANALYZE_NONE);
        *done = true; /* raw: nothing to analyse */
        return MC_AN_DETECTED;
    }
    *done = true;
    return 0;
}

int mc_analysis_packet(struct mc_analysis *a, const struct mc_an_pkt *p)
{
    int flags = 0;

    if (a->an == NULL) {
        bool done;

        flags = detect(a, p, &done);
        if (done)
            return flags;
    }
    return flags | a->an->packet(a->st, &a->cfg, p);
}

void mc_analysis_get(const struct mc_analysis *a, struct mc_an_report *out)
{
    memset(out, 0, sizeof *out);
    if (a->an == NULL) {
        out->payload = MC_PAYLOAD_UNKNOWN;
        return;
    }
    out->payload = a->an->payload;
    a->an->snapshot(a->st, &a->cfg, out);
}

const char *mc_payload_name(enum mc_payload p)
{
    static const char *const names[] = {
        [MC_PAYLOAD_UNKNOWN] = "?",     [MC_PAYLOAD_RAW] = "raw",
        [MC_PAYLOAD_PROBE] = "probe",   [MC_PAYLOAD_RTP] = "rtp",
        [MC_PAYLOAD_MPEGTS] = "mpegts",
    };

    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

static const char *const mode_names[] = {
    [MC_ANALYZE_AUTO] = "auto", [MC_ANALYZE_PROBE] = "probe",
    [MC_ANALYZE_RTP] = "rtp",   [MC_ANALYZE_MPEGTS] = "mpegts",
    [MC_ANALYZE_SEQ] = "seq",   [MC_ANALYZE_NONE] = "none",
};

const char *mc_analyze_mode_name(enum mc_analyze_mode m)
{
    return (unsigned)m < sizeof mode_names / sizeof mode_names[0]
               ? mode_names[m]
               : "?";
}

int mc_analyze_mode_parse(const char *word)
{
    for (unsigned i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
        if (strcmp(word, mode_names[i]) == 0)
            return (int)i;
    return -1;
}
