/*
 * mcscope core: reports of a monitor's state — the JSON of DESIGN.md
 * ("The JSON report") and a readable text table, for --batch.
 *
 * JSON (json-c builds and escapes it).  The keys of DESIGN.md are stable;
 * keys are added, never renamed:
 *
 *   elapsed_s        seconds since the monitor was made (3 decimals)
 *   groups[]         every group joined during the run, in join order:
 *     group, iface, port, family ("ipv6"|"ipv4"),
 *     mode             "asm" | "include" | "exclude"; "none" once left
 *     filter[]         the include or exclude sources, as asked
 *     joined           false once left (its counts stay)
 *     packets, bytes   what the socket delivered (bytes: UDP payload)
 *     truncated        delivered cut short (longer than the receive slot)
 *     pps, bps         (packets - 1) / (last - first): the rate while
 *                      packets came; absent with fewer than 2 packets
 *     first_s, last_s  first and last packet, seconds after the start;
 *                      absent without packets
 *     lost, duplicates, reordered   summed over the sources that sent
 *                      probes; absent when none did
 *     other_sources    {packets, bytes} beyond the per-group source cap;
 *                      present when it counted something
 *     by_source[]      per source, in the order first seen:
 *       source, packets, bytes, truncated, pps, bps, first_s, last_s,
 *       lost, duplicates, reordered, probes, too_old, runs  (the probe
 *                      keys only when probes came from that source)
 *       delay_us {min, avg, max}  one-way delay (shared clock only)
 *       jitter_us      RFC 3550 interarrival jitter
 *       hoplimit, tclass  of the last packet, when the control messages
 *                      carried them (cmsg hoplimit / tclass on)
 *     (wire_packets comes with the wire cross-check, not built yet)
 *   reports[]        MLD/IGMP reports seen on the wire: [] until the
 *                    capture module exists
 *   errors[]         texts of refused commands and errors, oldest first
 *                    (those still in the event log)
 *   unattributed     {packets, bytes} for no group of ours
 *   socket_drops     packets the receive sockets dropped (SO_RXQ_OVFL)
 *   truncated        packets longer than the receive slot
 *   senders[]        group, iface, port, rate, count, size, sent,
 *                    running, sender_id (16 hex digits), error (when one
 *                    ended it)
 *   settings         ipv6/ipv4 {hoplimit, mcast_hoplimit, tclass,
 *                    loopback, mcast_if}, multicast_all, cmsg[] (the
 *                    user's flags), rcvbuf
 *
 * Text: one row per group and one per source under it, aligned columns
 * GROUP IFACE PORT MODE SRC PACKETS BYTES PPS LOSS DUP REORD HL TC, then
 * the monitor's counters, the senders and the errors.  A value that
 * cannot be known (loss without probes) is "—", never 0.
 *
 * Both read the monitor only.  The FILE* functions write where the caller
 * says (core never prints on its own); the _string functions return a
 * malloc'd text the caller frees (NULL when out of memory).
 */
#ifndef MCSCOPE_REPORT_H
#define MCSCOPE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "mcscope/err.h"
#include "mcscope/monitor.h"

#define MC_REPORT_PRETTY 0x1 /* JSON: indented, one key a line */

/* now_ns: the report's time (CLOCK_MONOTONIC); 0: the time now. */
int mc_report_json(const struct mc_monitor *m, int64_t now_ns, unsigned flags,
                   FILE *out, struct mc_err *err);
char *mc_report_json_string(const struct mc_monitor *m, int64_t now_ns,
                            unsigned flags);

int mc_report_text(const struct mc_monitor *m, int64_t now_ns, FILE *out,
                   struct mc_err *err);
char *mc_report_text_string(const struct mc_monitor *m, int64_t now_ns);

#endif
