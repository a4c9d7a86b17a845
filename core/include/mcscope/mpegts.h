/*
 * mcscope core: MPEG transport stream (ISO/IEC 13818-1) analysis of one
 * flow — the checks of ETSI TR 101 290 that a receiver of UDP can make,
 * and RFC 4445's media delivery index.
 *
 * A datagram carries whole 188-byte TS packets (over UDP, or as the RTP
 * payload).  Per TS packet:
 *
 *   - sync byte (TR 101 290 1.2): not 0x47 is a sync error and the packet
 *     is skipped; a partial packet at the end of a datagram is one too.
 *   - continuity counter (1.4), per PID except the null PID 0x1FFF: a
 *     packet with payload must carry the previous counter + 1 (mod 16);
 *     the same counter once more is a duplicate and allowed, a second
 *     repeat is an error; a packet without payload (adaptation only) must
 *     repeat the previous counter; the discontinuity indicator of the
 *     adaptation field makes any counter right.  Each wrong counter is
 *     one cc error; the counters skipped add to the media loss.
 *   - PAT (PID 0) and the PMTs it names are noted as seen; the PMT's
 *     PCR_PID is the PCR PID, and the largest interval between two
 *     consecutive PCR values on it (2.3, by the PCR values, the
 *     discontinuity indicator starting over) is kept; over 40 ms is an
 *     error (pcr_over_40ms counts them).
 *   - RFC 4445 MDI over intervals of one second of arrival time: the
 *     delay factor DF = (max VB - min VB) / drain rate, VB being the bytes
 *     received minus those drained at the previous interval's mean rate,
 *     and the media loss rate MLR = TS packets lost (counters skipped) per
 *     second.  Both are of the last complete interval (the first interval
 *     has no drain rate: DF unknown).
 *
 * At most MC_TS_MAX_PIDS PIDs get their own row; packets of further PIDs
 * are counted in other_pid_packets (and still checked for sync).
 * Nothing here reads a clock, allocates or prints.
 */
#ifndef MCSCOPE_MPEGTS_H
#define MCSCOPE_MPEGTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MC_TS_PKTLEN 188
#define MC_TS_SYNC 0x47
#define MC_TS_NULL_PID 0x1fff
#define MC_TS_MAX_PIDS 64
#define MC_TS_MAX_PMTS 8
#define MC_TS_PCR_LIMIT_NS 40000000LL /* TR 101 290 2.3 */

struct mc_ts_pid {
    uint16_t pid;
    int8_t cc;       /* last continuity counter, -1 before the first */
    uint8_t repeats; /* times the last counter came again */
    uint64_t packets, cc_errors;
    int64_t sec;                    /* second of arrival of sec_packets */
    uint64_t sec_packets, last_sec; /* this second's, the last whole one */
};

struct mc_mpegts {
    uint64_t packets, sync_errors, cc_errors, cc_skipped;
    uint64_t other_pid_packets;
    unsigned npids;
    struct mc_ts_pid pids[MC_TS_MAX_PIDS];
    bool pat_seen;
    unsigned npmts, pmts_seen;
    uint16_t pmt_pids[MC_TS_MAX_PMTS];
    int pcr_pid; /* -1: unknown */
    bool have_pcr;
    uint64_t last_pcr; /* 27 MHz */
    int64_t max_pcr_interval_ns;
    uint64_t pcr_over_40ms;
    /* MDI */
    bool mdi_open;
    int64_t mdi_start_ns;
    uint64_t mdi_bytes, mdi_skipped;
    double drain_bps; /* bytes per second of the last interval, 0: none */
    double vb_min, vb_max;
    bool df_known;
    double df_ms, mlr;
};

struct mc_ts_pid_stats {
    uint16_t pid;
    uint64_t packets, cc_errors;
    double pps; /* packets in the last whole second */
};

struct mc_mpegts_stats {
    bool known; /* one TS packet seen */
    uint64_t packets, sync_errors, cc_errors, other_pid_packets;
    bool pat_seen, pmt_seen;
    int pcr_pid; /* -1: unknown */
    bool pcr_known;
    double max_pcr_interval_ms;
    uint64_t pcr_over_40ms;
    bool df_known;
    double mdi_df_ms, mdi_mlr;
    unsigned npids;
};

/* Whether a payload looks like TS: whole 188-byte packets, each starting
 * with the sync byte. */
bool mc_mpegts_detect(const uint8_t *buf, size_t len);

void mc_mpegts_init(struct mc_mpegts *t);
/* The TS packets of one datagram's payload (or RTP payload), arrived at
 * arrival_ns (the kernel stamp).  Returns the cc errors it found. */
uint64_t mc_mpegts_feed(struct mc_mpegts *t, const uint8_t *buf, size_t len,
                        int64_t arrival_ns);
void mc_mpegts_get(const struct mc_mpegts *t, struct mc_mpegts_stats *out);
/* PID row i (0 .. npids - 1) in order of first appearance; false beyond.
 * now_ns: for the rate (0 once its second is over two seconds ago). */
bool mc_mpegts_pid(const struct mc_mpegts *t, unsigned i, int64_t now_ns,
                   struct mc_ts_pid_stats *out);

/*
 * A small synthetic transport stream, for the sender: one program, the
 * PAT (PID 0) and the PMT (PID MC_TS_GEN_PMT) in the first two packets of
 * every MC_TS_GEN_TABLES-th datagram, else packets of PID MC_TS_GEN_PID
 * (stream type 0x06, private data) whose first in each datagram carries
 * the PCR.  Counters advance per PID as TR 101 290 wants.
 */
#define MC_TS_GEN_PMT 0x1000
#define MC_TS_GEN_PID 0x0100
#define MC_TS_GEN_TABLES 10

struct mc_ts_gen {
    uint8_t cc_pat, cc_pmt, cc_es;
    uint64_t datagrams;
};

void mc_ts_gen_init(struct mc_ts_gen *g);
/* Set the state to where it is before datagram n of a stream of
 * datagrams of len bytes: a sender that refills a datagram the kernel
 * did not take sends the same counters again. */
void mc_ts_gen_seek(struct mc_ts_gen *g, size_t len, uint64_t n);
/*
 * Fill buf with len / 188 TS packets (the rest zeroed), the PCR being
 * pcr_27mhz (27 MHz units, modulo 2^33 * 300).  Returns the bytes of
 * whole packets written (0 when len < 188).
 */
size_t mc_ts_gen_fill(struct mc_ts_gen *g, uint8_t *buf, size_t len,
                      uint64_t pcr_27mhz);

#endif
