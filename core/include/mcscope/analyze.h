/*
 * mcscope core: payload analysis of one flow — one interface that every
 * payload analyser implements (mcscope's probe, RTP, MPEG-TS, a sequence
 * field of the user's, raw), and the detection that picks one.
 *
 * Detection (mode auto), on the flow's packets in order:
 *   - a probe (mcscope/probe.h) decodes: probe;
 *   - whole 188-byte packets starting 0x47: mpegts;
 *   - an RTP version 2 packet whose payload is TS packets: rtp at once
 *     (the TS inside analysed too);
 *   - two consecutive packets that parse as RTP version 2 with the same
 *     SSRC and a sequence number one up: rtp (the first of the two is
 *     then analysed too, its header: no packet is missed in the counts);
 *   - none of these within MC_DETECT_PACKETS packets: raw.
 * A mode other than auto takes the analyser without looking.
 *
 * Nothing here reads a clock, allocates or prints.
 */
#ifndef MCSCOPE_ANALYZE_H
#define MCSCOPE_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/mpegts.h"
#include "mcscope/rtp.h"
#include "mcscope/seq.h"

#define MC_DETECT_PACKETS 16

/* What a flow carries, as reports name it. */
enum mc_payload {
    MC_PAYLOAD_UNKNOWN, /* not decided yet */
    MC_PAYLOAD_RAW,
    MC_PAYLOAD_PROBE,
    MC_PAYLOAD_RTP,
    MC_PAYLOAD_MPEGTS,
};

/* `analyze GROUP … MODE` */
enum mc_analyze_mode {
    MC_ANALYZE_AUTO,
    MC_ANALYZE_PROBE,
    MC_ANALYZE_RTP,
    MC_ANALYZE_MPEGTS,
    MC_ANALYZE_SEQ, /* `analyze … seq OFFSET WIDTH [be|le]` */
    MC_ANALYZE_NONE,
};

struct mc_analyze_cfg {
    enum mc_analyze_mode mode;
    unsigned rtp_clock_hz; /* 0: by payload type (RFC 3551) */
    unsigned seq_offset;   /* bytes into the UDP payload */
    unsigned seq_width;    /* bits: 8, 16, 24, 32, 40, 48, 56 or 64 */
    bool seq_le;           /* little-endian field */
};

/* One packet as the analysers see it. */
struct mc_an_pkt {
    const uint8_t *data;
    size_t len;      /* bytes in data (the UDP payload, maybe truncated) */
    int64_t real_ns; /* receive time, CLOCK_REALTIME (the kernel stamp) */
};

/* What a packet did, for the event log: */
#define MC_AN_RESTART 0x1     /* probe sender restarted or resynced */
#define MC_AN_SSRC_CHANGE 0x2 /* RTP SSRC changed */
#define MC_AN_DETECTED 0x4    /* the payload was decided with this packet */

/* A snapshot of a flow's analysis. */
struct mc_an_report {
    enum mc_payload payload;
    bool seq_known; /* a sequence is carried: seq valid */
    struct mc_seq_stats seq;
    bool rtp_known;
    struct mc_rtp_stats rtp;
    bool ts_known;
    struct mc_mpegts_stats ts;
    const struct mc_mpegts *ts_state; /* for mc_mpegts_pid, or NULL */
};

union mc_an_state {
    struct mc_seq seq; /* probe, seq */
    struct {
        struct mc_rtp rtp;
        bool ts_inside;
        struct mc_mpegts ts;
    } rtp;
    struct mc_mpegts ts;
};

/* The interface every analyser implements. */
struct mc_analyzer {
    const char *name; /* "probe", "rtp", "mpegts", "seq", "raw" */
    enum mc_payload payload;
    void (*init)(union mc_an_state *st, const struct mc_analyze_cfg *cfg);
    /* one packet; returns MC_AN_* flags */
    int (*packet)(union mc_an_state *st, const struct mc_analyze_cfg *cfg,
                  const struct mc_an_pkt *p);
    void (*snapshot)(const union mc_an_state *st,
                     const struct mc_analyze_cfg *cfg,
                     struct mc_an_report *out);
};

/* A flow's analysis: the analyser chosen (or detection under way) and
 * its state, made when an analyser that keeps one is chosen (about
 * 4 KiB; none while undecided nor for raw payloads). */
struct mc_analysis {
    const struct mc_analyzer *an; /* NULL while undecided */
    struct mc_analyze_cfg cfg;
    unsigned looked; /* packets looked at while undecided */
    bool have_cand;  /* a first RTP-looking packet */
    struct mc_rtp_hdr cand;
    int64_t cand_ns;
    union mc_an_state *st; /* NULL: none (undecided, raw, out of memory) */
};

/* mc_analysis_init forgets everything but does not free: call
 * mc_analysis_free first on an analysis that was used. */
void mc_analysis_init(struct mc_analysis *a, const struct mc_analyze_cfg *cfg);
void mc_analysis_free(struct mc_analysis *a);
/* The SSRC the RTP analyser follows (0: none, or not RTP). */
uint32_t mc_analysis_ssrc(const struct mc_analysis *a, bool *have);
/* One packet of the flow; returns MC_AN_* flags. */
int mc_analysis_packet(struct mc_analysis *a, const struct mc_an_pkt *p);
void mc_analysis_get(const struct mc_analysis *a, struct mc_an_report *out);

/* "raw", "probe", "rtp", "mpegts" ("?" while undecided). */
const char *mc_payload_name(enum mc_payload p);
/* "auto", "probe", "rtp", "mpegts", "seq", "none"; and back (-1: not one). */
const char *mc_analyze_mode_name(enum mc_analyze_mode m);
int mc_analyze_mode_parse(const char *word);

#endif
