/*
 * mcscope core: the text report (see report.h).
 */
#include "mcscope/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/cmsg.h"
#include "mcscope/priv.h"
#include "mcscope/wire.h"
#include "report_priv.h"
#include "util.h"

/* ---- text ---- */

enum {
    C_GROUP,
    C_IFACE,
    C_PORT,
    C_MODE,
    C_SRC,
    C_PKTS,
    C_BYTES,
    C_PPS,
    C_LOSS,
    C_DUP,
    C_REORD,
    C_HL,
    C_TC,
    C_WIRE, /* the wire columns: only when a capture covered a group */
    C_NOTE,
    NCOL
};

static const char *const col_head[NCOL] = {
    "GROUP", "IFACE", "PORT",  "MODE", "SRC", "PACKETS", "BYTES", "PPS",
    "LOSS",  "DUP",   "REORD", "HL",   "TC",  "WIRE",    "NOTE"};
/* Numbers are right-aligned. */
static const bool col_right[NCOL] = {false, false, true, false, true,
                                     true,  true,  true, true,  true,
                                     true,  true,  true, true,  false};

#define CELL_MAX 512

struct row {
    char cell[NCOL][CELL_MAX];
};

struct table {
    struct row *r;
    size_t n, cap;
};

static struct row *add_row(struct table *t)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct row *p = realloc(t->r, cap * sizeof *p);

        if (p == NULL)
            return NULL;
        t->r = p;
        t->cap = cap;
    }
    memset(&t->r[t->n], 0, sizeof t->r[0]);
    return &t->r[t->n++];
}

/* Columns on a terminal: UTF-8 continuation bytes take none. */
static size_t display_width(const char *s)
{
    size_t w = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

__attribute__((format(printf, 3, 4))) static void cellf(struct row *r, int col,
                                                        const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->cell[col], CELL_MAX, fmt, ap);
    va_end(ap);
}

static void cell_mode(struct row *r, const struct mc_group_view *v)
{
    char a[MC_ADDR_STRLEN];
    size_t len;

    cellf(r, C_MODE, "%s", mc_filter_mode_name(v->mode));
    if (v->nsources == 0)
        return;
    len = strlen(r->cell[C_MODE]);
    for (size_t i = 0; i < v->nsources && len + 2 < CELL_MAX; i++) {
        len += (size_t)snprintf(r->cell[C_MODE] + len, CELL_MAX - len, "%c%s",
                                i == 0 ? '{' : ',',
                                mc_addr_format(&v->sources[i], a, sizeof a));
        if (len >= CELL_MAX)
            len = CELL_MAX - 1;
    }
    if (len + 1 < CELL_MAX)
        strcat(r->cell[C_MODE], "}");
}

/* The numbers of a group or source row. */
static void cells_counts(struct row *r, const struct mc_counters *c,
                         const struct mc_seq_stats *q)
{
    double pps, bps;

    cellf(r, C_PKTS, "%" PRIu64, c->packets);
    cellf(r, C_BYTES, "%" PRIu64, c->bytes);
    if (mc__report_rate_of(c, &pps, &bps))
        cellf(r, C_PPS, "%.1f", pps);
    else
        cellf(r, C_PPS, MC__UNKNOWN);
    if (q != NULL && q->known) {
        cellf(r, C_LOSS, "%" PRIu64, q->lost);
        cellf(r, C_DUP, "%" PRIu64, q->duplicates);
        cellf(r, C_REORD, "%" PRIu64, q->reordered);
    } else {
        cellf(r, C_LOSS, MC__UNKNOWN);
        cellf(r, C_DUP, MC__UNKNOWN);
        cellf(r, C_REORD, MC__UNKNOWN);
    }
    if (c->have & MC_CM_HOPLIMIT)
        cellf(r, C_HL, "%d", c->hoplimit);
    else
        cellf(r, C_HL, MC__UNKNOWN);
    if (c->have & MC_CM_TCLASS)
        cellf(r, C_TC, "0x%02x", (unsigned)c->tclass);
    else
        cellf(r, C_TC, MC__UNKNOWN);
}

/* The wire cells of a source row. */
static void cells_wire(struct row *r, const struct mc_monitor *m,
                       const struct mc_group_view *v, size_t gi,
                       const struct mc_source_stats *s)
{
    struct mc_source_wire sw;

    if (!v->wire || mc_monitor_source_wire(m, gi, mc_source_addr(s), &sw) < 0)
        return;
    cellf(r, C_WIRE, "%" PRIu64, sw.wire_packets);
    if (sw.note != MC_WIRE_NOTE_NONE)
        cellf(r, C_NOTE, "%s", mc_wire_note_text(sw.note));
}

static void rows_group(struct table *t, const struct mc_monitor *m,
                       const struct mc_group_view *v, size_t gi)
{
    const struct mc_source_stats *s;
    struct mc_seq_stats q;
    unsigned n = mc_group_stats_source_count(v->stats);
    char a[MC_ADDR_STRLEN];
    struct row *r = add_row(t);

    if (r == NULL)
        return;
    /* " *": the wildcard's row (bind any), as the TUI marks it */
    cellf(r, C_GROUP, "%s%s", mc_addr_format(&v->group, a, sizeof a),
          v->binding == MC_BIND_ANY ? " *" : "");
    cellf(r, C_IFACE, "%s", v->ifname[0] != '\0' ? v->ifname : "-");
    cellf(r, C_PORT, "%u", (unsigned)v->port);
    cell_mode(r, v);
    cellf(r, C_SRC, "%u", n);
    mc_group_stats_seq(v->stats, &q);
    cells_counts(r, mc_group_stats_counters(v->stats), &q);
    if (v->wire)
        cellf(r, C_WIRE, "%" PRIu64,
              mc_group_stats_counters(v->stats)->wire_packets);
    for (unsigned i = 0; i < n; i++) {
        s = mc_group_stats_source(v->stats, i);
        r = add_row(t);
        if (r == NULL)
            return;
        cellf(r, C_GROUP, "  %s",
              mc_addr_format(mc_source_addr(s), a, sizeof a));
        mc_source_seq(s, &q);
        if (!q.known) /* no probes: the sum of its flows' sequences */
            mc_source_flows_seq(s, &q);
        cells_counts(r, mc_source_counters(s), &q);
        cells_wire(r, m, v, gi, s);
    }
    s = mc_group_stats_other(v->stats);
    if (mc_source_counters(s)->packets > 0 && (r = add_row(t)) != NULL) {
        cellf(r, C_GROUP, "  (other sources)");
        cells_counts(r, mc_source_counters(s), NULL);
    }
}

/* The table's first ncol columns. */
static void print_table(FILE *out, const struct table *t, int ncol)
{
    size_t w[NCOL];

    for (int c = 0; c < ncol; c++) {
        w[c] = strlen(col_head[c]);
        for (size_t i = 0; i < t->n; i++) {
            size_t x = display_width(t->r[i].cell[c]);

            if (x > w[c])
                w[c] = x;
        }
    }
    for (size_t i = 0; i <= t->n; i++) {
        for (int c = 0; c < ncol; c++) {
            const char *s = i == 0 ? col_head[c] : t->r[i - 1].cell[c];
            size_t pad = w[c] - display_width(s);

            if (c > 0)
                fputc(' ', out);
            if (col_right[c])
                fprintf(out, "%*s%s", (int)pad, "", s);
            else if (c == ncol - 1)
                fputs(s, out);
            else
                fprintf(out, "%s%*s", s, (int)pad, "");
        }
        fputc('\n', out);
    }
}

static void print_senders(FILE *out, const struct mc_monitor *m)
{
    struct mc_sender_info si;
    char a[MC_ADDR_STRLEN];

    for (size_t i = 0; mc_monitor_sender(m, i, &si) == 0; i++) {
        fprintf(out, "sender %s port %u%s%s: %" PRIu64 " sent at %u/s (%s)",
                mc_addr_format(&si.group, a, sizeof a), (unsigned)si.port,
                si.ifname[0] != '\0' ? " dev " : "", si.ifname, si.sent,
                si.rate,
                si.running   ? "running"
                : si.error   ? "failed"
                : si.stopped ? "stopped"
                             : "done");
        if (si.error != 0)
            fprintf(out, ": %s", si.error_text);
        fputc('\n', out);
    }
}

/* Each capture: its state, libpcap's drops, its file. */
static void print_captures(FILE *out, const struct mc_monitor *m)
{
    struct mc_capture_view cv;

    for (size_t i = 0; mc_monitor_capture(m, i, &cv) == 0; i++) {
        fprintf(out,
                "capture %s (%s, %s): %" PRIu64 " frames, %" PRIu64
                " dropped by pcap, %" PRIu64 " by the interface, %" PRIu64
                " malformed",
                cv.ifname, cv.open ? "open" : "closed",
                cv.split ? "in+out" : "both directions", cv.stats.frames,
                cv.stats.dropped, cv.stats.if_dropped, cv.stats.malformed);
        if (cv.file != NULL)
            fprintf(out, "; %" PRIu64 " written to %s", cv.stats.dumped,
                    cv.file);
        fputc('\n', out);
    }
}

/* Groups whose kernel state is not what mcscope asked. */
static void print_mismatches(FILE *out, const struct mc_monitor *m)
{
    struct mc_kernel_snapshot snap;
    struct mc_group_kernel k;
    struct mc_group_view v;
    char a[MC_ADDR_STRLEN];

    mc_kernel_snapshot_read(&snap, NULL);
    for (size_t i = 0; mc_monitor_group(m, i, &v) == 0; i++) {
        if (mc_monitor_group_kernel(m, i, &snap, &k, NULL) < 0)
            continue;
        if (k.mismatch)
            fprintf(out, "kernel mismatch: %s%s%s port %u: %s\n",
                    mc_addr_format(&v.group, a, sizeof a),
                    v.ifname[0] != '\0' ? " dev " : "", v.ifname,
                    (unsigned)v.port, k.mismatch_text);
        mc_group_kernel_free(&k);
    }
    mc_kernel_snapshot_free(&snap);
}

/* The reports list, one line each with its time. */
static void print_wiremsgs(FILE *out, const struct mc_monitor *m)
{
    struct mc_wiremsg_view w;
    size_t n = mc_monitor_nwiremsgs(m);
    char text[MC_EVENT_TEXT_MAX];

    if (n == 0)
        return;
    fprintf(out, "MLD/IGMP on the wire (%zu):\n", n);
    for (size_t i = 0; mc_monitor_wiremsg(m, i, &w) == 0; i++)
        fprintf(out, "  %8.3f s %s\n", mc__report_rel_s(m, w.mono_ns),
                mc_wiremsg_format(&w, text, sizeof text, MC_EVENT_UTF8));
}

static void print_text(FILE *out, const struct mc_monitor *m, int64_t now_ns)
{
    struct table t = {0};
    struct mc_group_view v;
    struct mc_monitor_counters c;
    struct mc_event e;
    char text[MC_EVENT_TEXT_MAX];
    bool wire = false;

    for (size_t i = 0; mc_monitor_group(m, i, &v) == 0; i++) {
        rows_group(&t, m, &v, i);
        wire |= v.wire;
    }
    if (t.n > 0)
        print_table(out, &t, wire ? NCOL : C_WIRE);
    else
        fputs("no groups joined\n", out);
    free(t.r);
    mc_monitor_counters(m, &c);
    fprintf(out,
            "\nelapsed %.3f s; unattributed %" PRIu64 " packets; socket "
            "drops %" PRIu64 "; truncated %" PRIu64 "\n",
            mc__report_rel_s(m, now_ns), c.unattributed_packets, c.socket_drops,
            c.truncated);
    if (mc_monitor_ncaptures(m) > 0)
        fprintf(out,
                "wire: %" PRIu64 " frames, %" PRIu64 " malformed, %" PRIu64
                " MLD/IGMP messages, %" PRIu64 " UDP for no group\n",
                c.wire_frames, c.wire_malformed, c.wire_msgs, c.wire_udp_other);
    mc__report_flows_text(out, m);
    mc__report_text_host(out, m);
    mc__report_diagnosis_text(out, m);
    print_captures(out, m);
    print_mismatches(out, m);
    print_senders(out, m);
    print_wiremsgs(out, m);
    mc__report_querier_text(out, m);
    for (size_t i = 0; mc_monitor_event(m, i, &e) == 0; i++)
        if (e.kind == MC_EV_REFUSED || e.kind == MC_EV_ERROR)
            fprintf(out, "%s: %s\n", mc_event_kind_name(e.kind),
                    mc_event_format(&e, text, sizeof text, MC_EVENT_UTF8));
}

char *mc_report_text_string(const struct mc_monitor *m, int64_t now_ns)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (f == NULL)
        return NULL;
    print_text(f, m, mc__report_time(now_ns));
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

int mc_report_text(const struct mc_monitor *m, int64_t now_ns, FILE *out,
                   struct mc_err *err)
{
    mc_err_clear(err);
    return mc__report_write(out, mc_report_text_string(m, now_ns), err);
}
