/*
 * mcscope ui: the narration pane — a lesson's words pinned above the
 * event log on the groups screen, so that MLD chatter and command results
 * never push them away.  A mode (the lab) sets a lasting head line
 * ("lesson join, stage 2/4: TITLE"); every echo the monitor logs from
 * then on, until the head changes, is kept here (copied: the event ring
 * may drop it later) and drawn wrapped to the terminal's width.
 */
#ifndef MCSCOPE_UI_NARRATION_H
#define MCSCOPE_UI_NARRATION_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/monitor.h"

struct ui_narration {
    bool on;
    char head[256];
    uint64_t scanned; /* the last event seq looked at */
    char **text;      /* the echoes since the head was set, oldest first */
    size_t n, cap;
};

/* Set the head (NULL: no pane); fresh: start anew from m's next event
 * (else the words so far stay). */
void ui_narration_set(struct ui_narration *nr, const struct mc_monitor *m,
                      const char *head, bool fresh);
/* Take the echoes m logged since the last call. */
void ui_narration_collect(struct ui_narration *nr, const struct mc_monitor *m);
void ui_narration_free(struct ui_narration *nr);

/* Rows the pane wants at cols columns: a rule with the head, then every
 * line of narration wrapped (0 when off). */
int ui_narration_rows(const struct ui_narration *nr, int cols);
/* Draw it into rows at top; when the rows are fewer than it wants, the
 * newest lines show and the rule says how many earlier ones are hidden. */
void ui_narration_draw(const struct ui_narration *nr, WINDOW *w, int top,
                       int rows, int cols);

#endif
