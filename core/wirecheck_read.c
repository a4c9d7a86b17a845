/*
 * mcscope core: what the wire cross-check's captures read (wirecheck.h)
 * — each frame classified: incoming UDP counted through the host, MLD and
 * IGMP messages kept in the reports list and logged, malformed frames
 * logged; wire events within MC_MON_WIRE_EVENTS_PER_S a second.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecheck_priv.h"

void mc__wc_event(struct mc_wirecheck *wc, const struct mc_event *ev)
{
    wc->ops.event(wc->arg, ev);
}

/* ---- what the captures read ---- */

/* The monotonic time of a frame's stamp (CLOCK_REALTIME), never later
 * than now. */
static int64_t frame_mono(const struct mc_wire_clock *clk,
                          const struct timespec *ts)
{
    return mc__real_to_mono(mc__timespec_ns(ts), clk->real_now, clk->mono_now);
}

/* A wire event, within MC_MON_WIRE_EVENTS_PER_S a tick. */
static void wire_event(struct mc_wirecheck *wc, const struct mc_event *ev)
{
    if (wc->wire_ev_sec >= MC_MON_WIRE_EVENTS_PER_S) {
        wc->c.events_unlogged++;
        wc->wire_ev_pending++;
        return;
    }
    wc->wire_ev_sec++;
    mc__wc_event(wc, ev);
}

/* At the tick: say how many wire events were not logged, start anew. */
void mc_wirecheck_tick(struct mc_wirecheck *wc)
{
    if (wc->wire_ev_pending > 0)
        mc__wc_event(wc,
                     &(struct mc_event){.kind = MC_EV_INFO,
                                        .type = MC_ET_WIRE_UNLOGGED,
                                        .count = wc->wire_ev_pending,
                                        .count2 = MC_MON_WIRE_EVENTS_PER_S});
    wc->wire_ev_pending = 0;
    wc->wire_ev_sec = 0;
}

#define WIRE_TEXT_MAX 1024

/* The event of a frame on (ifindex, ifname): direction and sender. */
static struct mc_event frame_event(const struct mc__wc_frame_ctx *x,
                                   const struct mc_wire_pkt *p,
                                   enum mc_event_type type)
{
    struct mc_event ev = {.kind = MC_EV_INFO, .type = type, .dir = p->dir};

    snprintf(ev.ifname, sizeof ev.ifname, "%s", x->ifname);
    if (p->dir != MC_WIRE_DIR_OUT)
        ev.source = p->src;
    return ev;
}

/* The event of a message of the reports list. */
static struct mc_event msg_event(const struct mc_wiremsg_view *w)
{
    struct mc_event ev = {
        .kind = MC_EV_INFO,
        .type = MC_ET_WIRE_MSG,
        .dir = w->dir,
        .proto = w->proto,
        .detail = w->text,
    };

    memcpy(ev.ifname, w->ifname, sizeof ev.ifname);
    if (w->dir != MC_WIRE_DIR_OUT)
        ev.source = w->src;
    return ev;
}

const char *mc_wiremsg_format(const struct mc_wiremsg_view *w, char *buf,
                              size_t len, unsigned flags)
{
    struct mc_event ev = msg_event(w);

    return mc_event_format(&ev, buf, len, flags);
}

static void wmsg_free(struct wmsg *w)
{
    free(w->text);
    free(w->recs);
    free(w->addrs);
    memset(w, 0, sizeof *w);
}

/* Copy the records and sources of p's message into w. */
static int wmsg_copy(struct wmsg *w, const struct mc_wire_msg *msg)
{
    struct mc_wire_rec_iter it;
    struct mc_wire_rec r;
    size_t nrec = 0, naddr = msg->nsources, a = 0;

    mc_wire_rec_begin(msg, &it);
    while (mc_wire_rec_next(&it, &r)) {
        nrec++;
        naddr += r.nsources;
    }
    w->recs = nrec > 0 ? calloc(nrec, sizeof *w->recs) : NULL;
    w->addrs = naddr > 0 ? calloc(naddr, sizeof *w->addrs) : NULL;
    if ((nrec > 0 && w->recs == NULL) || (naddr > 0 && w->addrs == NULL))
        return -ENOMEM;
    for (size_t i = 0; i < msg->nsources; i++)
        mc_wire_query_source(msg, i, &w->addrs[a++]);
    w->v.nsources = msg->nsources;
    w->v.sources = msg->nsources > 0 ? w->addrs : NULL;
    mc_wire_rec_begin(msg, &it);
    for (size_t i = 0; i < nrec && mc_wire_rec_next(&it, &r); i++) {
        w->recs[i].type = r.type;
        w->recs[i].group = r.group;
        w->recs[i].nsources = r.nsources;
        w->recs[i].sources = r.nsources > 0 ? &w->addrs[a] : NULL;
        for (size_t k = 0; k < r.nsources; k++)
            mc_wire_rec_source(&r, k, &w->addrs[a++]);
    }
    w->v.nrecords = nrec;
    w->v.records = w->recs;
    return 0;
}

static bool has_records(const struct mc_wire_msg *msg)
{
    return msg->type == MC_MSG_REPORT &&
           (msg->proto == MC_PROTO_MLDV2 || msg->proto == MC_PROTO_IGMPV3);
}

/* Keep a message in the reports list (the oldest goes when full). */
static void wmsg_add(struct mc_wirecheck *wc, const char *ifname,
                     const struct mc_wire_pkt *p, int64_t mono,
                     const char *text)
{
    struct wmsg w;

    memset(&w, 0, sizeof w);
    w.text = strdup(text);
    if (w.text == NULL || wmsg_copy(&w, &p->msg) < 0) {
        wmsg_free(&w);
        return; /* out of memory: the list loses it, the log has it */
    }
    w.v.seq = ++wc->wmseq;
    w.v.mono_ns = mono;
    w.v.dir = p->dir;
    snprintf(w.v.ifname, sizeof w.v.ifname, "%s", ifname);
    w.v.proto = p->msg.proto;
    w.v.type = p->msg.type;
    w.v.src = p->src;
    w.v.dst = p->dst;
    if (!has_records(&p->msg))
        w.v.group = p->msg.group;
    w.v.max_resp_ms = p->msg.type == MC_MSG_QUERY ? p->msg.max_resp_ms : 0;
    w.v.text = w.text;
    if (wc->wmcount == wc->wmmax) {
        wmsg_free(&wc->wm[wc->wmhead]);
        wc->wmhead = (wc->wmhead + 1) % wc->wmmax;
        wc->wmcount--;
    }
    wc->wm[(wc->wmhead + wc->wmcount++) % wc->wmmax] = w;
}

/* Incoming UDP to one of our groups (on this interface, or joined
 * without one): the wire's count per source. */
static void wire_udp(struct mc__wc_frame_ctx *x,
                     const struct mc_capture_frame *f,
                     const struct mc_wire_pkt *p)
{
    struct mc_wirecheck *wc = x->wc;
    void *g;

    if (p->dir != MC_WIRE_DIR_IN)
        return; /* the host's own: never counted on the wire */
    g = wc->ops.find_group(wc->arg, x->ifindex, &p->dst, p->udp.dport);
    if (g == NULL) {
        wc->c.udp_other++;
        return;
    }
    wc->c.udp++;
    if (wc->ops.count(wc->arg, g, &p->src, p->udp.len,
                      frame_mono(x->clk, &f->ts)))
        mc__wc_event(wc, &(struct mc_event){.kind = MC_EV_INFO,
                                            .type = MC_ET_NEW_SOURCE,
                                            .group = p->dst,
                                            .port = p->udp.dport,
                                            .source = p->src,
                                            .flags = MC_EVF_WIRE});
}

static void wire_msg(struct mc__wc_frame_ctx *x,
                     const struct mc_capture_frame *f,
                     const struct mc_wire_pkt *p)
{
    char text[WIRE_TEXT_MAX];
    struct mc_event ev = frame_event(x, p, MC_ET_WIRE_MSG);

    x->wc->c.msgs++;
    mc_wire_format(p, text, sizeof text);
    wmsg_add(x->wc, x->ifname, p, frame_mono(x->clk, &f->ts), text);
    ev.proto = p->msg.proto;
    ev.detail = text;
    wire_event(x->wc, &ev);
}

static void wire_malformed(struct mc__wc_frame_ctx *x,
                           const struct mc_wire_pkt *p)
{
    struct mc_event ev = frame_event(x, p, MC_ET_WIRE_MALFORMED);

    x->wc->c.malformed++;
    ev.why = p->reason;
    wire_event(x->wc, &ev);
}

/* mc_capture_fn: one frame of one of the monitor's captures. */
void mc__wc_on_frame(const struct mc_capture_frame *f,
                     const struct mc_wire_pkt *p, void *arg)
{
    struct mc__wc_frame_ctx *x = arg;

    x->wc->c.frames++;
    if (p->status == MC_WIRE_MALFORMED) {
        wire_malformed(x, p);
        return;
    }
    if (p->status != MC_WIRE_OK) {
        x->wc->c.not_ip++;
        return;
    }
    if (p->kind == MC_WIRE_KIND_UDP)
        wire_udp(x, f, p);
    else if (p->kind == MC_WIRE_KIND_MLD || p->kind == MC_WIRE_KIND_IGMP)
        wire_msg(x, f, p);
}

void mc_wirecheck_feed(struct mc_wirecheck *wc, unsigned ifindex,
                       const char *ifname, const struct mc_capture_frame *f,
                       const struct mc_wire_pkt *p,
                       const struct mc_wire_clock *clk)
{
    struct mc__wc_frame_ctx x = {wc, ifindex, ifname, clk};

    mc__wc_on_frame(f, p, &x);
}

size_t mc_wirecheck_nmsgs(const struct mc_wirecheck *wc)
{
    return wc->wmcount;
}

int mc_wirecheck_msg(const struct mc_wirecheck *wc, size_t i,
                     struct mc_wiremsg_view *out)
{
    if (i >= wc->wmcount)
        return -ENOENT;
    *out = wc->wm[(wc->wmhead + i) % wc->wmmax].v;
    return 0;
}

void mc__wc_msgs_free(struct mc_wirecheck *wc)
{
    for (size_t i = 0; i < wc->wmcount; i++)
        wmsg_free(&wc->wm[(wc->wmhead + i) % wc->wmmax]);
    free(wc->wm);
}
