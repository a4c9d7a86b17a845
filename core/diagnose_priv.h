/*
 * mcscope core, private: what the files of diagnosis share.
 *
 *   diagnose.c         the check table, the kernel's checks, the verdict
 *   diagnose_link.c    the checks that judge the link (MLD/IGMP on the
 *                      wire, the stream's packets and its life)
 *   diagnose_route.c   the checks of the way back: rp_filter, route,
 *                      hoplimit
 *   diagnose_kernel.c  reading: sysctls, /proc/net/snmp(6), netstat,
 *                      the route (netlink)
 *   diagnose_fw.c      reading: the firewall's rules (nft, iptables-save)
 *
 * diagnose.c calls diagnose_link.c and diagnose_route.c through the table; the
 * readers call neither.
 */
#ifndef MCSCOPE_DIAGNOSE_PRIV_H
#define MCSCOPE_DIAGNOSE_PRIV_H

#include "mcscope/diagnose.h"

/* ---- diagnose.c ---- */

/* Set r's status, fix (NULL: none) and evidence (printf). */
void mc__diag_say(struct mc_diag_result *r, enum mc_diag_status s,
                  const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Seconds from t to ev->now_ns. */
double mc__diag_age_s(const struct mc_diag_evidence *ev, int64_t t);
const char *mc__diag_addr(const struct mc_addr *a, char *buf, size_t len);
/* MLDv1, IGMPv1, IGMPv2: no sources. */
bool mc__diag_v1_proto(enum mc_wire_proto p);
/* The source named, else the one the wire saw sending most; NULL. */
const struct mc_addr *mc__diag_source(const struct mc_diag_evidence *ev);
/* The group is in the SSM range or a source was named. */
bool mc__diag_ssm(const struct mc_diag_evidence *ev);
/* The tool that listed the rules, and when when not now. */
const char *mc__diag_fw_tool(const struct mc_diag_fw *fw, char *buf,
                             size_t len);
/* Why the firewall's rules could not be read; NULL when they were. */
const char *mc__diag_fw_unknown(const struct mc_diag_fw *fw);

/* ---- diagnose_route.c (reached through the table) ---- */

void mc__diag_rp_filter(const struct mc_diag_evidence *ev,
                        struct mc_diag_result *r);
void mc__diag_route(const struct mc_diag_evidence *ev,
                    struct mc_diag_result *r);
void mc__diag_hoplimit(const struct mc_diag_evidence *ev,
                       struct mc_diag_result *r);

/* ---- diagnose_link.c (reached through the table) ---- */

void mc__diag_reports_sent(const struct mc_diag_evidence *ev,
                           struct mc_diag_result *r);
void mc__diag_querier(const struct mc_diag_evidence *ev,
                      struct mc_diag_result *r);
void mc__diag_reports_blocked(const struct mc_diag_evidence *ev,
                              struct mc_diag_result *r);
void mc__diag_wire(const struct mc_diag_evidence *ev, struct mc_diag_result *r);
void mc__diag_stopped(const struct mc_diag_evidence *ev,
                      struct mc_diag_result *r);

/* ---- diagnose_kernel.c ---- */

/* One counter of a /proc/net file: "Udp6RcvbufErrors" (snmp6) or
 * "Udp:RcvbufErrors" (snmp, netstat).  0 and *v, or a negative errno. */
int mc__diag_proc_counter(const char *path, const char *name, uint64_t *v);
/* The counters of ev's family into .now (and .base when base). */
void mc__diag_read_counters(struct mc_diag_evidence *ev, bool base);
/* force_*_version and rp_filter of all and ev->t.ifname. */
void mc__diag_read_sysctls(struct mc_diag_evidence *ev);
/* RTM_GETROUTE to: 0 with the output interface and gateway (family 0 when
 * on-link), or a negative errno (-ENETUNREACH ...). */
int mc__diag_route_get(const struct mc_addr *to, unsigned *oif,
                       struct mc_addr *gw);
/* The route back to mc__diag_source(ev). */
void mc__diag_read_route(struct mc_diag_evidence *ev);

/* ---- diagnose_fw.c ---- */

/* The rules as the tools print them: nft's (both families), else
 * iptables-save's and ip6tables-save's; state says whether they were read. */
struct mc__diag_fw_text {
    enum mc_diag_fw_state state;
    char *nft, *ipt4, *ipt6;
};
/* List the rules now (runs nft, else iptables-save and ip6tables-save). */
void mc__diag_fw_list(struct mc__diag_fw_text *out);
void mc__diag_fw_text_free(struct mc__diag_fw_text *t);
/* The rules of txt that matter to t (family AF_INET or AF_INET6). */
void mc__diag_fw_scan(const struct mc__diag_fw_text *txt,
                      const struct mc_diag_target *t, int family,
                      struct mc_diag_fw *fw);

#endif
