/*
 * mcscope core: MPEG-TS analysis (TR 101 290 1.2, 1.4, 2.3; RFC 4445
 * MDI).  See mcscope/mpegts.h.
 */
#include <string.h>

#include "mcscope/mpegts.h"
#include "util.h"

bool mc_mpegts_detect(const uint8_t *buf, size_t len)
{
    if (buf == NULL || len < MC_TS_PKTLEN || len % MC_TS_PKTLEN != 0)
        return false;
    for (size_t off = 0; off < len; off += MC_TS_PKTLEN)
        if (buf[off] != MC_TS_SYNC)
            return false;
    return true;
}

void mc_mpegts_init(struct mc_mpegts *t)
{
    memset(t, 0, sizeof *t);
    t->pcr_pid = -1;
}

static struct mc_ts_pid *pid_row(struct mc_mpegts *t, uint16_t pid)
{
    struct mc_ts_pid *p;

    for (unsigned i = 0; i < t->npids; i++)
        if (t->pids[i].pid == pid)
            return &t->pids[i];
    if (t->npids == MC_TS_MAX_PIDS)
        return NULL;
    p = &t->pids[t->npids++];
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->cc = -1;
    p->sec = -1;
    return p;
}

/* TR 101 290 1.4 for one packet; the counters skipped, in *skipped. */
static bool cc_wrong(struct mc_ts_pid *p, unsigned cc, bool payload,
                     bool discontinuity, unsigned *skipped)
{
    int prev = p->cc;

    p->cc = (int8_t)cc;
    *skipped = 0;
    if (prev < 0 || discontinuity) {
        p->repeats = 0;
        return false;
    }
    if (!payload) /* adaptation only: the counter does not advance */
        return (unsigned)prev != cc;
    if ((unsigned)prev == cc) /* one repeat allowed (a duplicate) */
        return ++p->repeats > 1;
    p->repeats = 0;
    if (cc == (((unsigned)prev + 1) & 0xf))
        return false;
    *skipped = (cc - (unsigned)prev - 1) & 0xf;
    return true;
}

static void note_rate(struct mc_ts_pid *p, int64_t arrival_ns)
{
    int64_t sec = arrival_ns / MC_NS_PER_S;

    if (sec != p->sec) {
        p->last_sec = sec == p->sec + 1 ? p->sec_packets : 0;
        p->sec = sec;
        p->sec_packets = 0;
    }
    p->sec_packets++;
}

/* A section starting in this packet's payload (PUSI set), or NULL. */
static const uint8_t *section(const uint8_t *pl, size_t n, size_t *len)
{
    size_t at, slen;

    if (n < 1)
        return NULL;
    at = 1 + (size_t)pl[0]; /* pointer_field */
    if (at + 3 > n)
        return NULL;
    slen = 3 + ((size_t)(pl[at + 1] & 0x0f) << 8 | pl[at + 2]);
    if (at + slen > n)
        return NULL; /* spans packets: not followed */
    *len = slen;
    return pl + at;
}

static void parse_pat(struct mc_mpegts *t, const uint8_t *s, size_t len)
{
    if (len < 12 || s[0] != 0x00)
        return;
    t->pat_seen = true;
    /* programs from byte 8 to the CRC (4 bytes) */
    for (size_t i = 8; i + 4 <= len - 4; i += 4) {
        unsigned prog = (unsigned)s[i] << 8 | s[i + 1];
        uint16_t pid = (uint16_t)((s[i + 2] & 0x1f) << 8 | s[i + 3]);
        bool known = false;

        if (prog == 0)
            continue; /* the network PID */
        for (unsigned k = 0; k < t->npmts; k++)
            known |= t->pmt_pids[k] == pid;
        if (!known && t->npmts < MC_TS_MAX_PMTS)
            t->pmt_pids[t->npmts++] = pid;
    }
}

static void parse_pmt(struct mc_mpegts *t, unsigned k, const uint8_t *s,
                      size_t len)
{
    if (len < 16 || s[0] != 0x02)
        return;
    t->pmts_seen |= 1u << k;
    if (t->pcr_pid < 0)
        t->pcr_pid = (s[8] & 0x1f) << 8 | s[9];
}

static void tables(struct mc_mpegts *t, uint16_t pid, const uint8_t *pl,
                   size_t n)
{
    const uint8_t *s;
    size_t len;

    if (pid != 0 && t->npmts == 0)
        return;
    s = section(pl, n, &len);
    if (s == NULL)
        return;
    if (pid == 0) {
        parse_pat(t, s, len);
        return;
    }
    for (unsigned k = 0; k < t->npmts; k++)
        if (t->pmt_pids[k] == pid)
            parse_pmt(t, k, s, len);
}

/* The PCR of an adaptation field af of n bytes (after its length). */
static void pcr(struct mc_mpegts *t, const uint8_t *af, size_t n, bool disc)
{
    uint64_t base, ext, v, d;

    if (n < 7 || !(af[0] & 0x10))
        return;
    base = (uint64_t)af[1] << 25 | (uint64_t)af[2] << 17 |
           (uint64_t)af[3] << 9 | (uint64_t)af[4] << 1 | af[5] >> 7;
    ext = (uint64_t)(af[5] & 1) << 8 | af[6];
    v = base * 300 + ext;
    if (t->have_pcr && !disc) {
        /* modulo 2^33 * 300 */
        d = (v + ((uint64_t)300 << 33) - t->last_pcr) % ((uint64_t)300 << 33);
        int64_t ns = (int64_t)(d * 1000 / 27);

        if (ns > t->max_pcr_interval_ns)
            t->max_pcr_interval_ns = ns;
        if (ns > MC_TS_PCR_LIMIT_NS)
            t->pcr_over_40ms++;
    }
    t->have_pcr = true;
    t->last_pcr = v;
}

static void packet(struct mc_mpegts *t, const uint8_t *b, int64_t arrival_ns)
{
    uint16_t pid = (uint16_t)((b[1] & 0x1f) << 8 | b[2]);
    unsigned afc = (b[3] >> 4) & 3, cc = b[3] & 0xf, skipped;
    bool pusi = b[1] & 0x40, disc = false;
    size_t at = 4;
    struct mc_ts_pid *p = pid_row(t, pid);

    if (afc & 2) { /* adaptation field */
        size_t aflen = b[4];

        at = 5 + aflen;
        if (at > MC_TS_PKTLEN)
            at = MC_TS_PKTLEN;
        if (aflen > 0) {
            disc = b[5] & 0x80;
            if ((int)pid == t->pcr_pid)
                pcr(t, b + 5, at - 5, disc);
        }
    }
    if (p == NULL) {
        t->other_pid_packets++;
        return;
    }
    p->packets++;
    note_rate(p, arrival_ns);
    if (pid != MC_TS_NULL_PID && cc_wrong(p, cc, afc & 1, disc, &skipped)) {
        p->cc_errors++;
        t->cc_errors++;
        t->cc_skipped += skipped;
        t->mdi_skipped += skipped;
    }
    if (pusi && (afc & 1) && at < MC_TS_PKTLEN)
        tables(t, pid, b + at, MC_TS_PKTLEN - at);
}

/* RFC 4445: close the interval at arrival_ns when a second is over. */
static void mdi(struct mc_mpegts *t, size_t len, int64_t arrival_ns)
{
    int64_t el;
    double vb;

    if (!t->mdi_open) {
        t->mdi_open = true;
        t->mdi_start_ns = arrival_ns;
        t->mdi_bytes = 0;
        t->mdi_skipped = 0;
        t->vb_min = t->vb_max = 0;
    }
    el = arrival_ns - t->mdi_start_ns;
    if (el >= MC_NS_PER_S) {
        t->df_known = t->drain_bps > 0;
        if (t->df_known)
            t->df_ms = (t->vb_max - t->vb_min) / t->drain_bps * 1e3;
        t->mlr = (double)t->mdi_skipped * 1e9 / (double)el;
        t->drain_bps = (double)t->mdi_bytes * 1e9 / (double)el;
        t->mdi_start_ns = arrival_ns;
        t->mdi_bytes = 0;
        t->mdi_skipped = 0;
        t->vb_min = t->vb_max = 0;
        el = 0;
    }
    vb = (double)t->mdi_bytes - t->drain_bps * (double)el / 1e9;
    if (vb < t->vb_min)
        t->vb_min = vb;
    vb += (double)len;
    if (vb > t->vb_max)
        t->vb_max = vb;
    t->mdi_bytes += len;
}

uint64_t mc_mpegts_feed(struct mc_mpegts *t, const uint8_t *buf, size_t len,
                        int64_t arrival_ns)
{
    uint64_t before = t->cc_errors;
    size_t off;

    mdi(t, len, arrival_ns);
    for (off = 0; off + MC_TS_PKTLEN <= len; off += MC_TS_PKTLEN) {
        t->packets++;
        if (buf[off] != MC_TS_SYNC) {
            t->sync_errors++;
            continue;
        }
        packet(t, buf + off, arrival_ns);
    }
    if (off < len) /* a partial packet */
        t->sync_errors++;
    return t->cc_errors - before;
}

void mc_mpegts_get(const struct mc_mpegts *t, struct mc_mpegts_stats *out)
{
    memset(out, 0, sizeof *out);
    out->known = t->packets > 0;
    out->packets = t->packets;
    out->sync_errors = t->sync_errors;
    out->cc_errors = t->cc_errors;
    out->other_pid_packets = t->other_pid_packets;
    out->pat_seen = t->pat_seen;
    out->pmt_seen = t->pmts_seen != 0;
    out->pcr_pid = t->pcr_pid;
    out->pcr_known = t->max_pcr_interval_ns > 0;
    out->max_pcr_interval_ms = (double)t->max_pcr_interval_ns / 1e6;
    out->pcr_over_40ms = t->pcr_over_40ms;
    out->df_known = t->df_known;
    out->mdi_df_ms = t->df_ms;
    out->mdi_mlr = t->mlr;
    out->npids = t->npids;
}

bool mc_mpegts_pid(const struct mc_mpegts *t, unsigned i, int64_t now_ns,
                   struct mc_ts_pid_stats *out)
{
    const struct mc_ts_pid *p;
    int64_t sec = now_ns / MC_NS_PER_S;

    if (i >= t->npids)
        return false;
    p = &t->pids[i];
    out->pid = p->pid;
    out->packets = p->packets;
    out->cc_errors = p->cc_errors;
    if (p->sec == sec)
        out->pps = (double)p->last_sec;
    else if (p->sec == sec - 1)
        out->pps = (double)p->sec_packets;
    else
        out->pps = 0;
    return true;
}

/* ---- the generator ---- */

void mc_ts_gen_init(struct mc_ts_gen *g)
{
    memset(g, 0, sizeof *g);
}

void mc_ts_gen_seek(struct mc_ts_gen *g, size_t len, uint64_t n)
{
    uint64_t npk = len / MC_TS_PKTLEN;
    uint64_t tables = (n + MC_TS_GEN_TABLES - 1) / MC_TS_GEN_TABLES;
    uint64_t per_table = npk > 1 ? 2 : npk;

    g->datagrams = n;
    g->cc_pat = (uint8_t)(tables & 0xf);
    g->cc_pmt = (uint8_t)((npk > 1 ? tables : 0) & 0xf);
    g->cc_es = (uint8_t)((n * npk - tables * per_table) & 0xf);
}

/* CRC-32/MPEG-2 of a section (polynomial 0x04c11db7, no reflection). */
static uint32_t crc32_mpeg(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;

    for (size_t i = 0; i < n; i++) {
        crc ^= (uint32_t)p[i] << 24;
        for (int k = 0; k < 8; k++)
            crc = crc & 0x80000000u ? crc << 1 ^ 0x04c11db7u : crc << 1;
    }
    return crc;
}

static void ts_header(uint8_t *b, uint16_t pid, bool pusi, unsigned afc,
                      uint8_t *cc)
{
    memset(b, 0xff, MC_TS_PKTLEN);
    b[0] = MC_TS_SYNC;
    b[1] = (uint8_t)((pusi ? 0x40 : 0) | (pid >> 8 & 0x1f));
    b[2] = (uint8_t)pid;
    b[3] = (uint8_t)(afc << 4 | (*cc & 0xf));
    *cc = (uint8_t)((*cc + 1) & 0xf);
}

/* A section (without CRC, sec[1..2] giving its length) into a packet. */
static void put_section(uint8_t *b, uint8_t *sec, size_t n)
{
    uint32_t crc;

    sec[1] = (uint8_t)(0xb0 | ((n + 4 - 3) >> 8));
    sec[2] = (uint8_t)(n + 4 - 3);
    crc = crc32_mpeg(sec, n);
    for (int i = 0; i < 4; i++)
        sec[n + (size_t)i] = (uint8_t)(crc >> (24 - 8 * i));
    b[4] = 0; /* pointer_field */
    memcpy(b + 5, sec, n + 4);
}

static void gen_pat(struct mc_ts_gen *g, uint8_t *b)
{
    uint8_t sec[16] = {0x00,
                       0,
                       0,
                       0x00,
                       0x01,
                       0xc1,
                       0,
                       0,
                       0x00,
                       0x01,
                       (uint8_t)(0xe0 | MC_TS_GEN_PMT >> 8),
                       (uint8_t)MC_TS_GEN_PMT};

    ts_header(b, 0, true, 1, &g->cc_pat);
    put_section(b, sec, 12);
}

static void gen_pmt(struct mc_ts_gen *g, uint8_t *b)
{
    uint8_t sec[24] = {0x02,
                       0,
                       0,
                       0x00,
                       0x01,
                       0xc1,
                       0,
                       0,
                       (uint8_t)(0xe0 | MC_TS_GEN_PID >> 8),
                       (uint8_t)MC_TS_GEN_PID,
                       0xf0,
                       0x00,
                       0x06,
                       (uint8_t)(0xe0 | MC_TS_GEN_PID >> 8),
                       (uint8_t)MC_TS_GEN_PID,
                       0xf0,
                       0x00};

    ts_header(b, MC_TS_GEN_PMT, true, 1, &g->cc_pmt);
    put_section(b, sec, 17);
}

static void gen_pcr(struct mc_ts_gen *g, uint8_t *b, uint64_t pcr)
{
    uint64_t base = pcr / 300 % ((uint64_t)1 << 33), ext = pcr % 300;

    ts_header(b, MC_TS_GEN_PID, false, 3, &g->cc_es);
    b[4] = 7;    /* adaptation field length */
    b[5] = 0x10; /* PCR flag */
    b[6] = (uint8_t)(base >> 25);
    b[7] = (uint8_t)(base >> 17);
    b[8] = (uint8_t)(base >> 9);
    b[9] = (uint8_t)(base >> 1);
    b[10] = (uint8_t)((base & 1) << 7 | 0x7e | (ext >> 8));
    b[11] = (uint8_t)ext;
}

size_t mc_ts_gen_fill(struct mc_ts_gen *g, uint8_t *buf, size_t len,
                      uint64_t pcr_27mhz)
{
    size_t n = len / MC_TS_PKTLEN, i = 0;

    if (n == 0)
        return 0;
    memset(buf + n * MC_TS_PKTLEN, 0, len - n * MC_TS_PKTLEN);
    if (g->datagrams % MC_TS_GEN_TABLES == 0) {
        gen_pat(g, buf);
        if (n > 1)
            gen_pmt(g, buf + MC_TS_PKTLEN);
        i = n > 1 ? 2 : 1;
    }
    if (i < n)
        gen_pcr(g, buf + i++ * MC_TS_PKTLEN, pcr_27mhz);
    for (; i < n; i++)
        ts_header(buf + i * MC_TS_PKTLEN, MC_TS_GEN_PID, false, 1, &g->cc_es);
    g->datagrams++;
    return n * MC_TS_PKTLEN;
}
