/*
 * mcscope core: the Prometheus text exposition of a monitor (DESIGN.md
 * "Many hosts"), built from the monitor's read-only views.
 *
 * Names follow the Prometheus conventions: base units in the name
 * (seconds, bytes), _total on counters, _info for a constant 1 with
 * labels.  Labels are bounded: a group is one (group, iface, port) the
 * monitor joined, and `source` comes from the group's capped source table
 * (mc_monitor_opts.max_sources); packets from sources past the cap count
 * under source="other".  A left group keeps its counters (they never go
 * back) and loses its mcscope_membership_info line.
 *
 * Per source (labels group, iface, port, source):
 *   mcscope_packets_total, mcscope_bytes_total      what the socket delivered
 *   mcscope_wire_packets_total                      what the capture saw
 *                                                   (when one covered it)
 *   mcscope_lost_packets_total, mcscope_duplicate_packets_total,
 *   mcscope_reordered_packets_total                 from probe sequences,
 *                                                   else the flows' (RTP,
 *                                                   analyze seq), as the
 *                                                   JSON report
 *   mcscope_jitter_seconds                          RTP jitter (RFC 3550),
 *                                                   else probe delay jitter
 *   mcscope_interarrival_max_seconds                the longest time
 *                                                   between two packets of
 *                                                   one of its flows
 *   mcscope_gaps_total                              silences over the gap
 *                                                   threshold (flow.h)
 *   mcscope_last_packet_age_seconds                 since the last packet
 *   mcscope_mpegts_cc_errors_total (and pid)        continuity errors per
 *                                                   MPEG-TS PID
 * Monitor-wide: mcscope_socket_drops_total (SO_RXQ_OVFL);
 * mcscope_membership_info{group,iface,port,mode} 1 per joined group;
 * mcscope_build_info{version} 1.
 *
 * Nothing here prints: the text is returned in a buffer.
 */
#ifndef MCSCOPE_METRICS_H
#define MCSCOPE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "mcscope/monitor.h"

/* The Content-Type of the text: the exposition format 0.0.4. */
#define MC_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/*
 * The exposition of m as at now_ns (CLOCK_MONOTONIC, for ages), with
 * version in mcscope_build_info.  Returns a malloc'd NUL-terminated text
 * (its length in *len when len is not NULL), or NULL when out of memory.
 */
char *mc_metrics_text(const struct mc_monitor *m, int64_t now_ns,
                      const char *version, size_t *len);

#endif
