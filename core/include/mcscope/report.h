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
 *       wire_packets   what the capture saw from the source (incoming):
 *                      present when a capture covered the group's
 *                      interface (a source only the wire saw has an
 *                      entry with packets 0)
 *       wire_note      why wire and socket differ (mc_wire_note_text:
 *                      "filtered by the kernel: SSM exclude", ...);
 *                      absent when they agree
 *       wire_filtered  {excluded, not_included, not_joined}: wire packets
 *                      that came while the filter as asked kept the
 *                      source out; present when one is not 0
 *     wire_packets, wire_bytes  the group's, when a capture covered it
 *     socket_drops     SO_RXQ_OVFL drops on the group's port; when not 0
 *     kernel           the kernel's side (mc_monitor_group_kernel):
 *       mode, sources[]  the filter the socket holds (MCAST_MSFILTER)
 *       proc           the interface's /proc/net/igmp6|igmp row, when it
 *                      holds the group: iface, users, flags, querier
 *                      (IPv4), sources[] {source, inc, exc} (mcfilter6 /
 *                      mcfilter)
 *       mismatch       true when that is not what mcscope asked;
 *                      mismatch_text then says how
 *   reports[]        every MLD/IGMP message the captures decoded, oldest
 *                    first (the newest opts.max_reports):
 *     t                seconds after the start (the frame's time)
 *     dir              "out" (the host's own) | "in"
 *     iface, proto     "mldv1" | "mldv2" | "igmpv1" | "igmpv2" | "igmpv3"
 *     type             "report" | "query" | "leave" (MLDv1 done too)
 *     src              the sender's address
 *     records[]        {type (RFC 3810/3376 name), group, sources[]}:
 *                      v2/v3 reports; [] for every other message, which
 *                      carries its group in:
 *     group            v1/v2 reports and leaves; queries (:: or 0.0.0.0
 *                      for a general query)
 *     sources[], max_resp_ms   queries
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
 *                    user's flags), rcvbuf, capabilities (the process's,
 *                    as libcap writes them: "=" for none)
 *   wire             the wire cross-check: pcap (pcap on in force),
 *                    captures[] {iface, open, directions ("both" |
 *                    "in+out"), frames, received, dropped (libpcap had no
 *                    room), if_dropped, malformed, opened_s, file and
 *                    written (with --write-pcap)}, and the monitor's
 *                    frames, malformed, not_ip, messages, udp,
 *                    udp_unattributed, pcap_dropped, events_not_logged
 *   listeners[]      the link's listeners (listeners on; listeners.h), in
 *                    the order of their first report: iface, host, group,
 *                    mode ("include" | "exclude"), sources[], own (this
 *                    host's: its reports went out), proto (of
 *                    the last report), last_report_s (seconds after the
 *                    start), age_s, expires_in_s (when it ages out)
 *   discovered[]     the link's streams (discover on; discover.h): iface,
 *                    group, source, port, packets, bytes, pps (absent
 *                    below 2 packets), joined (this host joined the group
 *                    and port)
 *   sessions[]       SAP sessions (sap on; sap.h): name (s=), origin (o=),
 *                    announcer (the SAP originating source), group, port,
 *                    sources[] and filter ("incl" | "excl", RFC 4570),
 *                    media, iface, announcements, expires_in_s, join (the
 *                    command the session's join key runs)
 *   diagnosis[]      one per `diagnose` (diagnose.h), in the order given:
 *                    group, iface, port, source (null when none named),
 *                    verdict ("ok" | "warn" | "fail"), fail, warn (how
 *                    many checks), checks[] {id, status ("ok" | "warn" |
 *                    "fail" | "unknown"), evidence, fix}, every check of
 *                    the table in its order
 *
 * Text: one row per group and one per source under it, aligned columns
 * GROUP IFACE PORT MODE SRC PACKETS BYTES PPS LOSS DUP REORD HL TC (and
 * WIRE NOTE when a capture covered a group), then the monitor's counters,
 * the captures, groups whose kernel state does not match, the senders,
 * the MLD/IGMP messages seen, the errors, and each diagnosis: the verdict,
 * then a line per check (failures first) with its evidence and fix.  A value
 * that cannot be known (loss without probes) is "—", never 0.
 *
 * Both read the monitor only, and /proc/net for the kernel's side: in
 * the calling thread's network namespace, so make reports where the
 * monitor was made.  The FILE* functions write where the caller
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

/* The window of the current rates (pps, bps) in the reports, seconds. */
#define MC_REPORT_RATE_WINDOW 5

/* now_ns: the report's time (CLOCK_MONOTONIC); 0: the time now. */
int mc_report_json(const struct mc_monitor *m, int64_t now_ns, unsigned flags,
                   FILE *out, struct mc_err *err);
char *mc_report_json_string(const struct mc_monitor *m, int64_t now_ns,
                            unsigned flags);
/* The same report as a json-c object (the caller puts it), for a document
 * that holds reports (a lesson's stages); NULL when out of memory. */
struct json_object;
struct json_object *mc_report_json_object(const struct mc_monitor *m,
                                          int64_t now_ns);

int mc_report_text(const struct mc_monitor *m, int64_t now_ns, FILE *out,
                   struct mc_err *err);
char *mc_report_text_string(const struct mc_monitor *m, int64_t now_ns);

#endif
