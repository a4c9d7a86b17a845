/*
 * mcscope ui: what the screens share (private to ui/).
 *
 * ui.c owns the UI (struct ui, private to it): the frame around every
 * screen — the status line on top, the message line and the key line
 * (or the prompt) at the bottom — and a stack of layers: the screen at
 * the bottom (groups, detail, events, help), overlays above it (the
 * control-message panel, "terminal too small").  The layer on top has
 * the input.
 *
 * A screen or overlay is a vtable (struct ui_screen_ops) with its state
 * private to its file.  It sees the UI only through a narrow context
 * (struct ui_ctx: the monitor, the table model, the message line), draws
 * only inside the area it is given, and answers a key with reactions
 * (UI_R_*, htop's Htop_Reaction) that ui.c carries out: no screen opens
 * the prompt, switches screens or asks for a redraw by hand.
 *
 * The sections below are by file, as in tmux's tmux.h.
 */
#ifndef MCSCOPE_UI_SCREEN_H
#define MCSCOPE_UI_SCREEN_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "colors.h"
#include "exec.h"
#include "keys.h"
#include "model.h"
#include "narration.h"
#include "prompt.h"
#include "ui.h"

/* What the screens and the key handlers see of the UI. */
struct ui_ctx {
    struct mc_monitor *m;
    struct ui_model *model;          /* the groups table, its selection */
    struct ui_exec *exec;            /* the message line (ui_message) */
    enum mc_cmd_opt last_opt;        /* the option '=' offers first */
    const struct ui_narration *narr; /* a lesson's pane (groups screen) */
    /* a mode's keys (ui_set_ext_key, ui_add_ext_key); ext[0].key 0: none */
    struct ui_ext_key ext[UI_EXT_KEYS];
    size_t next;
    bool keep_screen; /* the quit asked for is Q's (ui_keep_screen) */
};

/* Reactions: what a key asks ui.c to do next (bit flags). */
#define UI_R_NONE 0x000u
#define UI_R_REDRAW 0x001u  /* draw now (every key does) */
#define UI_R_REBUILD 0x002u /* take a new snapshot of the monitor */
#define UI_R_REPAINT 0x004u /* repaint every cell of the terminal (^L) */
#define UI_R_QUIT 0x008u
#define UI_R_RUN 0x010u /* run reply.line now */
#define UI_R_PROMPT                                                            \
    0x020u                 /* open the command prompt with reply.line,         \
                              the cursor at reply.cursor */
#define UI_R_FILTER 0x040u /* open the filter prompt */
#define UI_R_SHOW 0x080u   /* make reply.screen the screen */
#define UI_R_PANEL 0x100u  /* open the control-message panel over it */
#define UI_R_CLOSE 0x200u  /* close the overlay on top */

/* What goes with a reaction. */
struct ui_reply {
    char line[UI_PROMPT_MAX]; /* UI_R_RUN, UI_R_PROMPT */
    size_t cursor;            /* UI_R_PROMPT */
    enum ui_screen_id screen; /* UI_R_SHOW */
};

struct ui_screen_ops {
    unsigned ctx; /* UI_CTX_* of its key bindings */
    bool full;    /* draws the whole terminal, without the frame */
    /* State of the screen; NULL when out of memory. */
    void *(*init)(void);
    void (*free)(void *st);
    /* The area changed size (also called before the first draw). */
    void (*resize)(void *st, int rows, int cols);
    /* An action of its own from the key table (ch is the key). */
    unsigned (*key)(struct ui_ctx *c, void *st, enum ui_action act, int ch,
                    struct ui_reply *out);
    /* Draw into rows x cols at (top, 0) of w. */
    void (*draw)(const struct ui_ctx *c, void *st, WINDOW *w, int top, int rows,
                 int cols);
};

/* groups.c, detail.c, events.c, help.c: the screens */
extern const struct ui_screen_ops ui_groups_screen;
extern const struct ui_screen_ops ui_detail_screen;
extern const struct ui_screen_ops ui_events_screen;
extern const struct ui_screen_ops ui_help_screen;
/* listeners.c */
extern const struct ui_screen_ops ui_listeners_screen;
/* streams.c */
extern const struct ui_screen_ops ui_streams_screen;
/* querier.c */
extern const struct ui_screen_ops ui_querier_screen;

/* cmsgpanel.c, small.c: the overlays */
extern const struct ui_screen_ops ui_cmsg_panel;
extern const struct ui_screen_ops ui_small_screen;
extern const struct ui_screen_ops ui_choice_list;
/* The list's items (not copied) and what a pick calls (choice.c). */
void ui_choice_set(void *st, const char *title, const char *const *items,
                   size_t n, void (*pick)(void *arg, size_t i), void *arg);

/* events.c */
/* The event pane under the table. */
void ui_events_pane_draw(const struct ui_ctx *c, WINDOW *w, int top, int rows,
                         int cols);
/* The role an event kind is drawn in. */
enum ui_role ui_event_role(enum mc_event_kind kind);

/* actions.c: what the key table's bindings do */
/* Fill a binding's command line (keys.h) from the selection into out:
 * the prompt opens with it.  Returns UI_R_PROMPT. */
unsigned ui_fill_command(struct ui_ctx *c, const char *tmpl,
                         struct ui_reply *out);
/* The handlers the key table names. */
unsigned ui_do_show(struct ui_ctx *c, const struct ui_binding *b,
                    struct ui_reply *out);
unsigned ui_do_pause(struct ui_ctx *c, const struct ui_binding *b,
                     struct ui_reply *out);
unsigned ui_do_filter(struct ui_ctx *c, const struct ui_binding *b,
                      struct ui_reply *out);
unsigned ui_do_panel(struct ui_ctx *c, const struct ui_binding *b,
                     struct ui_reply *out);
unsigned ui_do_close(struct ui_ctx *c, const struct ui_binding *b,
                     struct ui_reply *out);
unsigned ui_do_repaint(struct ui_ctx *c, const struct ui_binding *b,
                       struct ui_reply *out);
unsigned ui_do_quit(struct ui_ctx *c, const struct ui_binding *b,
                    struct ui_reply *out);
unsigned ui_do_step(struct ui_ctx *c, const struct ui_binding *b,
                    struct ui_reply *out);
unsigned ui_do_loopback(struct ui_ctx *c, const struct ui_binding *b,
                        struct ui_reply *out);
/* z: the sparkline's step, seconds -> minutes -> hours (bmon). */
unsigned ui_do_span(struct ui_ctx *c, const struct ui_binding *b,
                    struct ui_reply *out);
/* O: the prompt with `columns` and the order in force (columns.h). */
unsigned ui_do_columns(struct ui_ctx *c, const struct ui_binding *b,
                       struct ui_reply *out);
/* C: the other colour theme (colour, mono). */
unsigned ui_do_theme(struct ui_ctx *c, const struct ui_binding *b,
                     struct ui_reply *out);
/* W: the report as it is now into a new file (savereport.c). */
unsigned ui_do_write_report(struct ui_ctx *c, const struct ui_binding *b,
                            struct ui_reply *out);
unsigned ui_do_wire(struct ui_ctx *c, const struct ui_binding *b,
                    struct ui_reply *out);

#endif
