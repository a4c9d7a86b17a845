/*
 * mcscope ui: the table model — the rows of the groups table, the
 * selection, sort, filter and expansion.  No curses here.
 *
 * The table is drawn from a model copied out of the monitor's views
 * (monitor.h) at the time of a redraw: one block per group (the group's
 * row, then a row per source), sorted, then filtered and expanded into
 * the list of visible rows.  Being a copy, it is also what the screen
 * keeps showing while the display is paused: nothing in it points into
 * the monitor.  The selection is kept by identity (group, kind, source),
 * so it stays on the same row across rebuilds, sorting and filtering.
 */
#ifndef MCSCOPE_UI_MODEL_H
#define MCSCOPE_UI_MODEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/monitor.h"

/* Seconds of rate history kept per row (for sparklines). */
#define UI_HISTORY MC_RATE_HISTORY

enum ui_sort {
    UI_SORT_JOIN,    /* the order groups were joined; sources by address */
    UI_SORT_GROUP,   /* by address */
    UI_SORT_PACKETS, /* the rest: largest first */
    UI_SORT_PPS,
    UI_SORT_BPS,
    UI_SORT_LOSS,
    UI_SORT_COUNT
};
const char *ui_sort_name(enum ui_sort s); /* "join order", "pps", ... */

enum ui_row_kind {
    UI_ROW_GROUP,
    UI_ROW_SOURCE, /* a source with a record, or one in the filter list */
    UI_ROW_OTHER,  /* the other-sources bucket (beyond the source cap) */
};

/* What the filter makes of a source. */
enum ui_src_state {
    UI_SRC_SEEN,         /* delivered (ASM, or not in an exclude list) */
    UI_SRC_BLOCKED,      /* in the exclude list */
    UI_SRC_INCLUDED,     /* in the include list */
    UI_SRC_NOT_INCLUDED, /* include mode, not in the list (seen before) */
};

struct ui_row {
    enum ui_row_kind kind;
    size_t group; /* the monitor's group index */
    int family;
    struct mc_addr addr; /* the group (group rows) or the source */
    char ifname[IF_NAMESIZE];
    unsigned ifindex;
    uint16_t port;
    bool any; /* group rows: bound to the wildcard (bind any): "GROUP *" */
    enum mc_filter_mode mode; /* the group's, on every row of its block */
    bool joined;
    bool emptied; /* ASM by an exclude list emptied again (monitor.h) */
    /* no interface named: the one the kernel holds it on ("" unknown) */
    char chosen_if[IF_NAMESIZE];
    unsigned nlisted;   /* group rows: sources in the filter as asked */
    unsigned nseen;     /* group rows: sources with a record */
    unsigned nchildren; /* group rows: source rows that follow */
    enum ui_src_state state;
    /* source rows: why the wire and the socket differ (mc_wire_note_text,
     * a static text), or NULL */
    const char *note;
    bool last_child;                /* the last source row of its group */
    struct mc_counters c;           /* packets, bytes, the last packet's cmsg */
    struct mc_rate_value rate;      /* over the last whole second */
    struct mc_seq_stats seq;        /* the probe's, else the flows' sum */
    struct mc_flows_summary fl;     /* payload, RTP jitter, TS errors */
    int64_t first_join_ns, left_ns; /* the group's (monitor.h) */
    /* the wire cross-check covered the group at some time; covers it now */
    bool wire, wire_now;
    /* packets per second, oldest first: 1 + its index in the model's
     * pool (ui_row_hist), 0 none */
    uint32_t hist;
    unsigned hist_measured;
    bool hist_done; /* hist is filled in (ui_model_detail) */
};

/* The selected row, by identity (it survives re-sorting and filtering). */
struct ui_sel {
    bool have;
    size_t group; /* the monitor's group index */
    enum ui_row_kind kind;
    struct mc_addr source; /* source rows */
};

/* The groups table's columns and their order (columns.h); n 0: all, in
 * the default order. */
#define UI_COLS_MAX 32
struct ui_col_order {
    unsigned char col[UI_COLS_MAX];
    size_t n;
};

/* A group's address as text (the filter's cache). */
struct ui_name {
    struct mc_addr addr;
    char text[MC_ADDR_STRLEN];
};

struct ui_model {
    /* the snapshot */
    struct ui_row *rows; /* blocks: a group row, then its source rows */
    size_t nrows, caprows;
    size_t *order; /* block starts, in display order */
    size_t ngroups, caporder;
    size_t *vis; /* visible rows in display order (indices into rows) */
    size_t nvis, capvis;
    bool built;
    /* Every row has its history (the snapshot a pause keeps); otherwise
     * only the rows ui_model_detail was asked for. */
    bool full;
    int64_t built_ns;             /* when it was taken (mc_monitor_now_ns) */
    uint64_t (*hist)[UI_HISTORY]; /* the histories rows have (ui_row.hist) */
    size_t nhist, caphist;
    /* The control-message flags in force when it was taken: a field whose
     * flag is off is no longer reported, so it is not shown. */
    unsigned cm_flags;

    /* how it is shown */
    struct ui_col_order cols; /* the groups table's (columns.h) */
    bool paused;              /* the snapshot is kept: no rebuild */
    unsigned span; /* the sparkline's step: 0 seconds, 1 minutes, 2 hours */
    enum ui_sort sort;
    char filter[64];
    bool *expanded;        /* by monitor group index */
    struct ui_name *names; /* by monitor group index */
    size_t nnames;
    size_t nexpanded;
    struct ui_sel sel;
    size_t sel_vis; /* position of the selection in vis */
};

/* Take a new snapshot of m now (unless paused), work out the visible
 * rows and find the selection again.  On -ENOMEM the model holds what
 * fitted. */
void ui_model_refresh(struct ui_model *md, const struct mc_monitor *m);

/* Fill in the history (sparkline) of the visible rows first .. first+n-1
 * from m, as of the snapshot's time: the table builds only what shows. */
void ui_model_detail(struct ui_model *md, const struct mc_monitor *m,
                     size_t first, size_t n);

/* Row r's rate history (UI_HISTORY entries, oldest first; zeros when it
 * has none). */
const uint64_t *ui_row_hist(const struct ui_model *md, const struct ui_row *r);

/* Only work out the visible rows again (filter, expansion changed). */
void ui_model_refresh_view(struct ui_model *md);

void ui_model_free(struct ui_model *md);

/* The sparkline's step of span (ui_model.span): seconds per entry (1, 60,
 * 3600) and its unit ("s", "min", "h"). */
unsigned ui_span_seconds(unsigned span);
const char *ui_span_unit(unsigned span);

/* The filter text (cut to fit; "" shows every row). */
void ui_model_set_filter(struct ui_model *md, const char *text);

/* The next sort order (the snapshot stays as it is). */
void ui_model_next_sort(struct ui_model *md);

/* The selected row, or NULL when the table is empty. */
const struct ui_row *ui_model_selected(const struct ui_model *md);
/* The selected row's group row, or NULL. */
const struct ui_row *ui_model_selected_group(const struct ui_model *md);
/* Select visible row i (clamped). */
void ui_model_select_visible(struct ui_model *md, size_t i);
/* Select the group with the monitor index gi (its group row). */
void ui_model_select_group(struct ui_model *md, size_t gi);
/* Select the next (+1) or previous (-1) group in display order. */
void ui_model_step_group(struct ui_model *md, int dir);

/* Expand every group whose source list a command changed since event
 * *seq (exclude-source, include-source, join-source, leave-source: typed,
 * keyed or a lesson's): the source row it is about shows.  *seq moves on
 * to the last event. */
void ui_model_follow(struct ui_model *md, const struct mc_monitor *m,
                     uint64_t *seq);

/* Expansion of a group's source rows. */
bool ui_model_is_expanded(const struct ui_model *md, size_t group);
void ui_model_set_expanded(struct ui_model *md, size_t group, bool on);

/* MODE column text: "ASM", "INCLUDE{2}", "EXCLUDE{1}", "EXCLUDE{0}" (an
 * exclude list emptied again: join-source is refused), "left" for group
 * rows; "blocked", "included", "not incl.", "" for sources.  Returns buf. */
const char *ui_row_mode(const struct ui_row *r, char *buf, size_t len);

/* The row's address as text; "other sources" for the bucket. */
const char *ui_row_name(const struct ui_row *r, char *buf, size_t len);

#endif
