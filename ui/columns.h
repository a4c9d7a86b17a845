/*
 * mcscope ui: the groups table's columns — one table (title, the word of
 * `columns`, least width, alignment, which go first when the terminal is
 * narrow, the sort it shows) and the order they are shown in.
 *
 * `columns NAME...` (typed at ':', or opened by the key O with the order
 * in force) chooses the columns and their order: the names are the
 * headers in lower case (group, iface, port, mode, src, pkts, bytes,
 * pkt/s, bit/s, payload, loss, dup, ord, jitter, hl, tc, wire, note,
 * rate); group always
 * comes first (it is added when not named); `columns` alone brings back
 * every column in the default order.  It is the UI's, not the monitor's:
 * it changes what is shown, nothing in the kernel, and is not logged.
 */
#ifndef MCSCOPE_UI_COLUMNS_H
#define MCSCOPE_UI_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

enum ui_col {
    COL_GROUP,
    COL_IFACE,
    COL_PORT,
    COL_MODE,
    COL_SRC,
    COL_PKTS,
    COL_BYTES,
    COL_PPS,
    COL_BPS,
    COL_PAYLOAD,
    COL_LOSS,
    COL_DUP,
    COL_ORD,
    COL_JIT,
    COL_HL,
    COL_TC,
    COL_WIRE,
    COL_NOTE,
    COL_RATE,
    NCOLS
};

struct ui_column {
    const char *title; /* the header */
    const char *word;  /* its name in `columns` */
    int width;         /* the least it gets */
    bool right;
    int keep;        /* columns with the lowest keep go first */
    enum ui_sort by; /* the sort this column shows; UI_SORT_COUNT: none */
};

extern const struct ui_column ui_columns[NCOLS];

/* The order shown (model.h): col[0..n) are enum ui_col values, COL_GROUP
 * first; n 0 is the default (every column, in enum order). */
void ui_columns_default(struct ui_col_order *o);

/* Whether line is a `columns` line (its first word). */
bool ui_columns_line(const char *line);

/* Parse a `columns` line into o.  0, or -1 with the reason in why (o
 * unchanged): an unknown name (with the names there are) or a name given
 * twice. */
int ui_columns_parse(const char *line, struct ui_col_order *o, char *why,
                     size_t len);

/* "columns group iface ...": the line that gives o. */
void ui_columns_format(const struct ui_col_order *o, char *buf, size_t len);

#endif
