/*
 * mcscope core: the wire cross-check (wirecheck.h) — the capture manager
 * (which interfaces are captured, when they open and close, the pcap
 * files) and the analysis of what the captures read (wire counts through
 * the host, the reports list, wire events within their rate).
 */
#include "mcscope/wirecheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mcscope/priv.h"
#include "wirecheck_priv.h"

/*
 * One interface of the wire cross-check.  The record stays when its
 * capture closes (its counts do), and serves the next open.
 */
struct wcap {
    char ifname[IF_NAMESIZE];
    unsigned ifindex;
    /* [0]: both directions, or incoming when split; [1]: outgoing when
     * split.  NULL while closed. */
    struct mc_capture *c[2];
    bool split;
    bool named;     /* pcap on dev IFACE */
    bool skip;      /* pcap off dev IFACE while pcap on: not for its joins */
    bool failed;    /* pcap on's open failed: not retried until pcap on */
    char *file;     /* its pcap file; NULL: none */
    bool file_done; /* the file was closed: never written again */
    struct mc_capture_stats past; /* of its captures closed before */
    int64_t opened_ns, closed_ns;
    int64_t linger_ns; /* close then (no group left on it); 0: none */
};

/* An event about the capture of ifname. */
static struct mc_event cap_event(enum mc_event_kind kind,
                                 enum mc_event_type type, const char *ifname)
{
    struct mc_event ev = {.kind = kind, .type = type};

    snprintf(ev.ifname, sizeof ev.ifname, "%s", ifname);
    return ev;
}

/* ---- captures ---- */
static void stats_add(struct mc_capture_stats *sum,
                      const struct mc_capture_stats *s)
{
    sum->received += s->received;
    sum->dropped += s->dropped;
    sum->if_dropped += s->if_dropped;
    sum->frames += s->frames;
    sum->malformed += s->malformed;
    sum->not_ip += s->not_ip;
    sum->dumped += s->dumped;
}

static bool wcap_open(const struct wcap *w)
{
    return w->c[0] != NULL;
}

/* w's counters: its closed captures' and its open ones' now. */
static void wcap_stats(const struct wcap *w, struct mc_capture_stats *out)
{
    struct mc_capture_stats s;

    *out = w->past;
    for (int k = 0; k < 2; k++)
        if (w->c[k] != NULL && mc_capture_stats(w->c[k], &s, NULL) == 0)
            stats_add(out, &s);
}

static struct wcap *find_wcap(struct mc_wirecheck *wc, unsigned ifindex)
{
    for (size_t i = 0; i < wc->n; i++)
        if (wc->v[i].ifindex == ifindex)
            return &wc->v[i];
    return NULL;
}

static struct wcap *find_wcap_name(struct mc_wirecheck *wc, const char *ifname)
{
    for (size_t i = 0; i < wc->n; i++)
        if (strcmp(wc->v[i].ifname, ifname) == 0)
            return &wc->v[i];
    return NULL;
}

/* The record of ifindex, made when missing (NULL: out of memory).  The
 * array may move: pointers into it from before are stale. */
static struct wcap *ensure_wcap(struct mc_wirecheck *wc, unsigned ifindex,
                                const char *ifname)
{
    struct wcap *w = find_wcap(wc, ifindex);

    if (w == NULL) {
        w = mc__grown(wc->v, &wc->cap, wc->n, sizeof *wc->v);
        if (w == NULL)
            return NULL;
        wc->v = w;
        w = &wc->v[wc->n++];
        memset(w, 0, sizeof *w);
        w->ifindex = ifindex;
    }
    snprintf(w->ifname, sizeof w->ifname, "%s", ifname);
    return w;
}

static size_t captures_open(const struct mc_wirecheck *wc)
{
    size_t n = 0;

    for (size_t i = 0; i < wc->n; i++)
        n += wcap_open(&wc->v[i]);
    return n;
}

static bool is_loopback(const char *ifname)
{
    unsigned flags;

    return mc_if_flags(ifname, &flags) == 0 && (flags & IFF_LOOPBACK) != 0;
}

/* Whether c's frames say their direction: Linux cooked headers do, and
 * Ethernet does by the interface's own source MAC (wire.h) — except on
 * loopback, where every frame carries the same zero MAC. */
static bool says_direction(const struct mc_capture *c, const char *ifname)
{
    int lt = mc_capture_linktype(c);

    if (lt == MC_LINK_LINUX_SLL || lt == MC_LINK_LINUX_SLL2)
        return true;
    return lt == MC_LINK_EN10MB && !is_loopback(ifname);
}

/* The captures of one interface before they are installed. */
struct capset {
    struct mc_capture *c[2];
    bool split;
    char *file; /* the pcap file opened on c[0]; NULL: none */
};

static void capset_close(struct capset *cs, bool unlink_file)
{
    mc_capture_close(cs->c[0]);
    mc_capture_close(cs->c[1]);
    if (unlink_file && cs->file != NULL)
        unlink(cs->file);
    free(cs->file);
    memset(cs, 0, sizeof *cs);
}

/* --write-pcap's name for the nth file: the path, then path with
 * ".IFACE" before a final ".pcap" (or after it).  NULL: no memory. */
static char *pcap_path(const char *base, const char *ifname, unsigned nth)
{
    size_t n = strlen(base);
    char *p;

    if (nth == 0)
        return strdup(base);
    if (n > 5 && strcmp(base + n - 5, ".pcap") == 0) {
        if (asprintf(&p, "%.*s.%s.pcap", (int)(n - 5), base, ifname) < 0)
            return NULL;
    } else if (asprintf(&p, "%s.%s", base, ifname) < 0) {
        return NULL;
    }
    return p;
}

/* Open the pcap file of an interface's captures, as --write-pcap asks.
 * nth: files opened before this one (committed or pending). */
static int capset_dump(struct capset *cs, const char *base, const char *ifname,
                       unsigned nth, struct mc_err *err)
{
    int rc;

    cs->file = pcap_path(base, ifname, nth);
    if (cs->file == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a file name");
    rc = mc_capture_dump_open(cs->c[0], cs->file, err);
    if (rc < 0) {
        free(cs->file);
        cs->file = NULL;
    }
    return rc;
}

/*
 * Open the captures of ifname: one in both directions when its frames
 * say the direction, else one incoming and one outgoing.  With dump (a
 * --write-pcap base) the first also writes the nth file.
 */
static int capset_open(const char *ifname, const char *dump, unsigned nth,
                       struct capset *cs, struct mc_err *err)
{
    int rc;

    memset(cs, 0, sizeof *cs);
    rc = mc_capture_open(ifname, MC_CAPTURE_BOTH, 0, 0, NULL, &cs->c[0], err);
    if (rc < 0)
        return rc;
    if (!says_direction(cs->c[0], ifname)) {
        mc_capture_close(cs->c[0]);
        cs->c[0] = NULL;
        cs->split = true;
        rc = mc_capture_open(ifname, MC_CAPTURE_IN, 0, 0, NULL, &cs->c[0], err);
        if (rc == 0)
            rc = mc_capture_open(ifname, MC_CAPTURE_OUT, 0, 0, NULL, &cs->c[1],
                                 err);
    }
    if (rc == 0 && dump != NULL)
        rc = capset_dump(cs, dump, ifname, nth, err);
    if (rc < 0)
        capset_close(cs, false);
    return rc;
}

/* The file w would write when opened now: the --write-pcap base, unless w wrote
 * its file already (never overwritten). */
static const char *dump_for(const struct mc_wirecheck *wc, const struct wcap *w)
{
    return w != NULL && w->file_done ? NULL : wc->pcap_file;
}

/* Make cs w's captures, and say so. */
static void wcap_install(struct mc_wirecheck *wc, struct wcap *w,
                         struct capset *cs)
{
    struct mc_event ev;

    w->c[0] = cs->c[0];
    w->c[1] = cs->c[1];
    w->split = cs->split;
    if (cs->file != NULL) {
        free(w->file);
        w->file = cs->file;
        wc->pcap_files++;
    }
    memset(cs, 0, sizeof *cs);
    w->opened_ns = mc__clock_ns(CLOCK_MONOTONIC);
    w->closed_ns = 0;
    w->linger_ns = 0;
    w->failed = false;
    ev = cap_event(MC_EV_INFO, MC_ET_CAPTURE_OPEN, w->ifname);
    ev.flags = w->split ? MC_EVF_SPLIT : 0;
    ev.detail = w->file != NULL && !w->file_done ? w->file : NULL;
    mc__wc_event(wc, &ev);
    if (wc->pcap_file != NULL && w->file_done) {
        ev = cap_event(MC_EV_INFO, MC_ET_CAPTURE_NOT_SAVED, w->ifname);
        ev.detail = w->file;
        mc__wc_event(wc, &ev);
    }
    wc->gen++;
}

/* Close w's captures (and file), keeping their counts. */
static void wcap_stop(struct mc_wirecheck *wc, struct wcap *w, const char *why)
{
    struct mc_capture_stats s;
    struct mc_event ev;
    struct mc_err err;

    if (!wcap_open(w))
        return;
    if (w->file != NULL && !w->file_done) {
        if (mc_capture_dump_close(w->c[0], &err) < 0) {
            wc->c.errors++;
            ev = cap_event(MC_EV_ERROR, MC_ET_CAPTURE_FAILED, w->ifname);
            ev.detail = w->file;
            ev.why = err.msg;
            mc__wc_event(wc, &ev);
        }
        w->file_done = true;
    }
    for (int k = 0; k < 2; k++) {
        if (w->c[k] == NULL)
            continue;
        if (mc_capture_stats(w->c[k], &s, NULL) == 0)
            stats_add(&w->past, &s);
        mc_capture_close(w->c[k]);
        w->c[k] = NULL;
    }
    w->closed_ns = mc__clock_ns(CLOCK_MONOTONIC);
    w->linger_ns = 0;
    wc->gen++;
    ev = cap_event(MC_EV_INFO, MC_ET_CAPTURE_CLOSED, w->ifname);
    ev.detail = why;
    ev.count = w->past.frames;
    ev.count2 = w->past.dropped;
    mc__wc_event(wc, &ev);
}

/* Append the rest of the message to a capture refusal. */
static int wire_off_err(int rc, struct mc_err *err)
{
    char why[MC_ERR_MSG_MAX];

    if (err == NULL)
        return rc;
    snprintf(why, sizeof why, "%s", err->msg);
    return mc_err_set(err, rc,
                      "%s; the wire cross-check stays off, everything else "
                      "works",
                      why);
}

/* An interface pcap on has to open, gathered before any is installed. */
struct pending {
    unsigned ifindex;
    char ifname[IF_NAMESIZE];
    struct capset cs;
};

static bool pending_has(const struct pending *p, size_t n, unsigned ifindex)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].ifindex == ifindex)
            return true;
    return false;
}

/* Open every interface with joined groups and no capture, all or none. */
static int open_pending(struct mc_wirecheck *wc,
                        const struct mc_wire_iface *in_use, size_t nuse,
                        struct pending **out, size_t *np, struct mc_err *err)
{
    struct pending *p = NULL;
    size_t n = 0, cap = 0;
    unsigned files = wc->pcap_files;
    int rc = 0;

    for (size_t i = 0; i < nuse && rc == 0; i++) {
        const struct mc_wire_iface *g = &in_use[i];
        struct wcap *w = find_wcap(wc, g->ifindex);
        const char *dump;
        struct pending *q;

        if (g->ifindex == 0 || (w != NULL && wcap_open(w)) ||
            pending_has(p, n, g->ifindex))
            continue;
        q = mc__grown(p, &cap, n, sizeof *p);
        if (q == NULL) {
            rc = mc_err_set(err, -ENOMEM, "out of memory for a capture");
            break;
        }
        p = q;
        memset(&p[n], 0, sizeof p[n]);
        p[n].ifindex = g->ifindex;
        snprintf(p[n].ifname, sizeof p[n].ifname, "%s", g->ifname);
        dump = dump_for(wc, w);
        rc = capset_open(g->ifname, dump, files, &p[n].cs, err);
        if (rc == 0) {
            files += dump != NULL;
            n++;
        }
    }
    if (rc < 0) {
        for (size_t i = 0; i < n; i++)
            capset_close(&p[i].cs, true);
        free(p);
        return rc;
    }
    *out = p;
    *np = n;
    return 0;
}

/* pcap on: every interface with joined groups now and later. */
int mc_wirecheck_pcap_on(struct mc_wirecheck *wc,
                         const struct mc_wire_iface *in_use, size_t nuse,
                         struct mc_err *err)
{
    struct pending *p = NULL;
    size_t n = 0;
    int rc;

    rc = open_pending(wc, in_use, nuse, &p, &n, err);
    if (rc < 0)
        return wire_off_err(rc, err);
    if (n == 0 && captures_open(wc) == 0 && !mc_priv_have_net_raw())
        return mc_err_set(err, -EPERM,
                          "capturing needs CAP_NET_RAW: %s; the wire "
                          "cross-check stays off, everything else works",
                          MC_PRIV_HOWTO);
    for (size_t i = 0; i < n; i++) {
        struct wcap *w = ensure_wcap(wc, p[i].ifindex, p[i].ifname);

        if (w == NULL)
            capset_close(&p[i].cs, true); /* out of memory: not counted */
        else
            wcap_install(wc, w, &p[i].cs);
    }
    free(p);
    wc->pcap_auto = true;
    for (size_t i = 0; i < wc->n; i++)
        wc->v[i].skip = wc->v[i].failed = false;
    if (captures_open(wc) == 0)
        mc__wc_event(wc, &(struct mc_event){.kind = MC_EV_INFO,
                                            .type = MC_ET_PCAP_WAITING});
    return 0;
}

/* pcap on dev IFACE: that interface until pcap off. */
int mc_wirecheck_pcap_on_dev(struct mc_wirecheck *wc, const char *ifname,
                             struct mc_err *err)
{
    struct capset cs;
    struct wcap *w;
    unsigned ifindex;
    int rc;

    if (strcmp(ifname, "any") == 0)
        return mc_err_set(err, -EINVAL,
                          "dev any: mcscope captures interfaces one by one: "
                          "pcap on dev IFACE, or pcap on for every "
                          "interface with joined groups");
    rc = mc_ifindex(ifname, &ifindex, err);
    if (rc < 0)
        return rc;
    w = find_wcap(wc, ifindex);
    if (w != NULL && wcap_open(w)) {
        w->named = true;
        w->skip = false;
        w->linger_ns = 0;
        return 0;
    }
    rc = capset_open(ifname, dump_for(wc, w), wc->pcap_files, &cs, err);
    if (rc < 0)
        return wire_off_err(rc, err);
    w = ensure_wcap(wc, ifindex, ifname);
    if (w == NULL) {
        capset_close(&cs, true);
        return mc_err_set(err, -ENOMEM, "out of memory for a capture");
    }
    w->named = true;
    w->skip = false;
    wcap_install(wc, w, &cs);
    return 0;
}

int mc_wirecheck_pcap_off(struct mc_wirecheck *wc, const char *ifname,
                          struct mc_err *err)
{
    struct wcap *w;
    char q[IF_NAMESIZE + 4];

    if (ifname[0] == '\0') {
        for (size_t i = 0; i < wc->n; i++) {
            wcap_stop(wc, &wc->v[i], "pcap off");
            wc->v[i].named = wc->v[i].skip = wc->v[i].failed = false;
        }
        wc->pcap_auto = false;
        return 0;
    }
    w = find_wcap_name(wc, ifname);
    if (w == NULL || !wcap_open(w))
        return mc_err_set(err, -ESRCH,
                          "no capture is running on %s (pcap off without "
                          "dev stops every capture)",
                          mc_err_quote(ifname, strlen(ifname), IF_NAMESIZE, q));
    wcap_stop(wc, w, "pcap off");
    w->named = false;
    w->skip = wc->pcap_auto;
    return 0;
}

/* Open the capture pcap on asks for on an interface of a join; a failure
 * is logged and not retried until the next pcap on.  Returns whether it
 * opened one now. */
static bool sync_open(struct mc_wirecheck *wc, unsigned ifindex,
                      const char *ifname)
{
    struct wcap *w = find_wcap(wc, ifindex);
    struct mc_event ev;
    struct capset cs;
    struct mc_err err;
    int rc;

    if (w != NULL && (wcap_open(w) || w->skip || w->failed))
        return false;
    rc = capset_open(ifname, dump_for(wc, w), wc->pcap_files, &cs, &err);
    w = ensure_wcap(wc, ifindex, ifname);
    if (rc == 0 && w != NULL) {
        wcap_install(wc, w, &cs);
        return true;
    }
    if (rc == 0) {
        capset_close(&cs, true);
        mc_err_set(&err, -ENOMEM, "out of memory for a capture");
    }
    if (w != NULL)
        w->failed = true;
    wc->c.errors++;
    ev = cap_event(MC_EV_ERROR, MC_ET_CAPTURE_FAILED, ifname);
    ev.flags = MC_EVF_OPEN;
    ev.why = err.msg;
    mc__wc_event(wc, &ev);
    return false;
}

static bool in_use_has(const struct mc_wire_iface *in_use, size_t n,
                       unsigned ifindex)
{
    for (size_t i = 0; i < n; i++)
        if (in_use[i].ifindex == ifindex)
            return true;
    return false;
}

bool mc_wirecheck_before_join(struct mc_wirecheck *wc, unsigned ifindex,
                              const char *ifname)
{
    return wc->pcap_auto && ifindex != 0 && sync_open(wc, ifindex, ifname);
}

void mc_wirecheck_join_failed(struct mc_wirecheck *wc, bool opened,
                              unsigned ifindex, bool in_use)
{
    struct wcap *w = find_wcap(wc, ifindex);

    if (opened && w != NULL && !in_use && (w->file == NULL || w->file_done))
        wcap_stop(wc, w, "the join failed");
}

void mc_wirecheck_sync(struct mc_wirecheck *wc,
                       const struct mc_wire_iface *in_use, size_t n,
                       int64_t now)
{
    for (size_t i = 0; wc->pcap_auto && i < n; i++)
        if (in_use[i].ifindex != 0)
            sync_open(wc, in_use[i].ifindex, in_use[i].ifname);
    for (size_t i = 0; i < wc->n; i++) {
        struct wcap *w = &wc->v[i];

        if (!wcap_open(w) || w->named || (w->file && !w->file_done))
            continue;
        if (in_use_has(in_use, n, w->ifindex))
            w->linger_ns = 0;
        else if (w->linger_ns == 0)
            w->linger_ns = now + MC_MON_PCAP_LINGER_NS;
    }
}

/* Close the captures whose linger ran out. */
void mc_wirecheck_linger(struct mc_wirecheck *wc, int64_t now)
{
    for (size_t i = 0; i < wc->n; i++) {
        struct wcap *w = &wc->v[i];

        if (w->linger_ns != 0 && now >= w->linger_ns)
            wcap_stop(wc, w, "no group joined there any more");
    }
}

int mc_wirecheck_write_pcap(struct mc_wirecheck *wc, const char *path,
                            struct mc_err *err)
{
    struct mc_err local;
    size_t i;
    int rc = 0;

    if (err == NULL)
        err = &local;
    mc_err_clear(err);
    if (path == NULL || path[0] == '\0')
        return mc_err_set(err, -EINVAL, "--write-pcap needs a file name");
    if (wc->pcap_file != NULL)
        return mc_err_set(err, -EBUSY, "the capture is written to %s already",
                          wc->pcap_file);
    wc->pcap_file = strdup(path);
    if (wc->pcap_file == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory");
    for (i = 0; i < wc->n && rc == 0; i++) {
        struct wcap *w = &wc->v[i];
        struct capset cs = {{w->c[0], NULL}, false, NULL};

        if (!wcap_open(w) || w->file_done)
            continue;
        rc = capset_dump(&cs, path, w->ifname, wc->pcap_files, err);
        if (rc == 0) {
            w->file = cs.file;
            wc->pcap_files++;
            struct mc_event ev =
                cap_event(MC_EV_INFO, MC_ET_CAPTURE_WRITING, w->ifname);

            ev.detail = w->file;
            mc__wc_event(wc, &ev);
        }
    }
    if (rc < 0) {
        while (i-- > 0) {
            struct wcap *w = &wc->v[i];

            if (w->file == NULL || w->file_done)
                continue;
            mc_capture_dump_close(w->c[0], NULL);
            unlink(w->file);
            free(w->file);
            w->file = NULL;
        }
        wc->pcap_files = 0;
        free(wc->pcap_file);
        wc->pcap_file = NULL;
    }
    return rc;
}
/* Read what capture k of w holds.  A capture that fails is closed (the
 * interface went away, or libpcap gave up) and the error logged. */
static uint64_t wcap_drain(struct mc_wirecheck *wc, struct wcap *w, int k,
                           const struct mc_wire_clock *clk)
{
    struct mc__wc_frame_ctx x = {wc, w->ifindex, w->ifname, clk};
    struct mc_event ev;
    struct mc_err err;
    int n;

    if (w->c[k] == NULL)
        return 0;
    n = mc_capture_dispatch(w->c[k], mc__wc_on_frame, &x, &err);
    if (n >= 0)
        return (uint64_t)n;
    wc->c.errors++;
    ev = cap_event(MC_EV_ERROR, MC_ET_CAPTURE_FAILED, w->ifname);
    ev.why = err.msg;
    mc__wc_event(wc, &ev);
    wcap_stop(wc, w, "it failed");
    return 0;
}

uint64_t mc_wirecheck_drain(struct mc_wirecheck *wc, unsigned handle,
                            const struct mc_wire_clock *clk)
{
    if (handle / 2 >= wc->n)
        return 0;
    return wcap_drain(wc, &wc->v[handle / 2], (int)(handle % 2), clk);
}

uint64_t mc_wirecheck_drain_all(struct mc_wirecheck *wc,
                                const struct mc_wire_clock *clk)
{
    uint64_t got = 0;

    for (size_t i = 0; i < wc->n; i++)
        for (int k = 0; k < 2; k++)
            got += wcap_drain(wc, &wc->v[i], k, clk);
    return got;
}
/* ---- making, freeing, views ---- */

int mc_wirecheck_new(const struct mc_wirecheck_opts *o,
                     const struct mc_wirecheck_ops *ops, void *arg,
                     struct mc_wirecheck **out)
{
    struct mc_wirecheck *wc = calloc(1, sizeof *wc);

    *out = NULL;
    if (wc == NULL)
        return -ENOMEM;
    wc->ops = *ops;
    wc->arg = arg;
    wc->wmmax = o != NULL && o->max_reports != 0 ? o->max_reports
                                                 : MC_MON_DEFAULT_REPORTS;
    wc->wm = calloc(wc->wmmax, sizeof *wc->wm);
    if (wc->wm == NULL) {
        free(wc);
        return -ENOMEM;
    }
    *out = wc;
    return 0;
}

void mc_wirecheck_free(struct mc_wirecheck *wc)
{
    if (wc == NULL)
        return;
    for (size_t i = 0; i < wc->n; i++) {
        if (wc->v[i].file != NULL && !wc->v[i].file_done)
            mc_capture_dump_close(wc->v[i].c[0], NULL);
        mc_capture_close(wc->v[i].c[0]);
        mc_capture_close(wc->v[i].c[1]);
        free(wc->v[i].file);
    }
    free(wc->v);
    mc__wc_msgs_free(wc);
    free(wc->pcap_file);
    free(wc);
}

bool mc_wirecheck_auto(const struct mc_wirecheck *wc)
{
    return wc->pcap_auto;
}

bool mc_wirecheck_covers(const struct mc_wirecheck *wc, unsigned ifindex)
{
    for (size_t i = 0; i < wc->n; i++)
        if (wcap_open(&wc->v[i]) &&
            (ifindex == 0 || wc->v[i].ifindex == ifindex))
            return true;
    return false;
}

int64_t mc_wirecheck_next_ns(const struct mc_wirecheck *wc)
{
    int64_t t = INT64_MAX;

    for (size_t i = 0; i < wc->n; i++)
        if (wc->v[i].linger_ns != 0 && wc->v[i].linger_ns < t)
            t = wc->v[i].linger_ns;
    return t;
}

size_t mc_wirecheck_pollfds(const struct mc_wirecheck *wc, struct pollfd *fds,
                            unsigned *handles, size_t cap)
{
    size_t k = 0;

    for (size_t i = 0; i < wc->n; i++) {
        for (int j = 0; j < 2; j++) {
            int fd = wc->v[i].c[j] != NULL ? mc_capture_fd(wc->v[i].c[j]) : -1;

            if (fd < 0)
                continue;
            if (k < cap) {
                fds[k].fd = fd;
                fds[k].events = POLLIN;
                fds[k].revents = 0;
                if (handles != NULL)
                    handles[k] = (unsigned)(i * 2 + (size_t)j);
            }
            k++;
        }
    }
    return k;
}

uint64_t mc_wirecheck_generation(const struct mc_wirecheck *wc)
{
    return wc->gen;
}

void mc_wirecheck_counters(const struct mc_wirecheck *wc,
                           struct mc_wirecheck_counters *out)
{
    struct mc_capture_stats s;

    *out = wc->c;
    out->dropped = 0;
    for (size_t i = 0; i < wc->n; i++) {
        wcap_stats(&wc->v[i], &s);
        out->dropped += s.dropped;
    }
}

size_t mc_wirecheck_captures_open(const struct mc_wirecheck *wc)
{
    return captures_open(wc);
}

const char *mc_wirecheck_pcap_file(const struct mc_wirecheck *wc)
{
    return wc->pcap_file;
}

size_t mc_wirecheck_ncaptures(const struct mc_wirecheck *wc)
{
    size_t n = 0;

    for (size_t i = 0; i < wc->n; i++)
        n += wc->v[i].opened_ns != 0;
    return n;
}

int mc_wirecheck_capture(const struct mc_wirecheck *wc, size_t i,
                         struct mc_capture_view *out)
{
    const struct wcap *w = NULL;

    for (size_t k = 0, seen = 0; k < wc->n && w == NULL; k++)
        if (wc->v[k].opened_ns != 0 && seen++ == i)
            w = &wc->v[k];
    if (w == NULL)
        return -ENOENT;
    memset(out, 0, sizeof *out);
    memcpy(out->ifname, w->ifname, sizeof out->ifname);
    out->ifindex = w->ifindex;
    out->open = wcap_open(w);
    out->named = w->named;
    out->split = w->split;
    out->file = w->file;
    wcap_stats(w, &out->stats);
    out->opened_ns = w->opened_ns;
    out->closed_ns = w->closed_ns;
    return 0;
}
