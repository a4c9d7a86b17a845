/*
 * mcscope core, private: the wire cross-check's state, shared by
 * wirecheck.c (the capture manager) and wirecheck_read.c (what the
 * captures read).  Not installed.
 */
#ifndef MCSCOPE_WIRECHECK_PRIV_H
#define MCSCOPE_WIRECHECK_PRIV_H

#include <stdarg.h>

#include "mcscope/wirecheck.h"
#include "util.h"

struct wcap; /* wirecheck.c */

/* One MLD/IGMP message of the reports list; the view points into the
 * allocations next to it. */
struct wmsg {
    struct mc_wiremsg_view v;
    char *text;
    struct mc_wiremsg_rec *recs;
    struct mc_addr *addrs;
};

struct mc_wirecheck {
    struct mc_wirecheck_ops ops;
    void *arg;
    struct wcap *v; /* the interfaces, in the order first opened */
    size_t n, cap;
    uint64_t gen;        /* captures opened or closed */
    bool pcap_auto;      /* pcap on: every interface with groups */
    char *pcap_file;     /* --write-pcap; NULL: none */
    unsigned pcap_files; /* files opened so far */
    struct wmsg *wm;     /* the reports list, a ring */
    size_t wmhead, wmcount, wmmax;
    uint64_t wmseq;
    unsigned wire_ev_sec;     /* wire events logged since the tick */
    uint64_t wire_ev_pending; /* not logged since the tick */
    struct mc_wirecheck_counters c;
};

/* wirecheck_read.c */
void mc__wc_event(struct mc_wirecheck *wc, const struct mc_event *ev);
/* mc_capture_fn for a capture of (ifindex, ifname): arg is a
 * struct mc__wc_frame_ctx. */
struct mc__wc_frame_ctx {
    struct mc_wirecheck *wc;
    unsigned ifindex;
    const char *ifname;
    const struct mc_wire_clock *clk;
};
void mc__wc_on_frame(const struct mc_capture_frame *f,
                     const struct mc_wire_pkt *p, void *arg);
void mc__wc_msgs_free(struct mc_wirecheck *wc);

#endif
