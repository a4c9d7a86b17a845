/*
 * mcscope ui: what the screens share (private to ui/).
 *
 * A screen is a vtable (struct ui_screen_ops) with its state private to
 * its file.  The frame around every screen — the status line on top, the
 * message line and the key line (or the prompt) at the bottom — is drawn
 * by ui.c; a screen draws only inside the area it is given.
 */
#ifndef MCSCOPE_UI_PRIV_H
#define MCSCOPE_UI_PRIV_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "colors.h"
#include "keys.h"
#include "prompt.h"
#include "rows.h"
#include "ui.h"

struct ui_screen_ops {
    const char *name;
    unsigned ctx; /* UI_CTX_* of its key bindings */
    /* State of the screen; NULL when out of memory. */
    void *(*init)(struct ui *ui);
    void (*free)(void *st);
    /* The area changed size (also called before the first draw). */
    void (*resize)(struct ui *ui, void *st, int rows, int cols);
    /* An action from the key table (ch is the key).  true: handled. */
    bool (*key)(struct ui *ui, void *st, enum ui_action act, int ch);
    /* Draw into rows x cols at (top, 0) of w. */
    void (*draw)(struct ui *ui, void *st, WINDOW *w, int top, int rows,
                 int cols);
};

extern const struct ui_screen_ops ui_groups_screen;
extern const struct ui_screen_ops ui_detail_screen;
extern const struct ui_screen_ops ui_events_screen;
extern const struct ui_screen_ops ui_help_screen;
extern const struct ui_screen_ops ui_cmsg_panel; /* drawn over a screen */
extern const struct ui_screen_ops ui_small_screen;

/* The selected row, by identity (it survives re-sorting and filtering). */
struct ui_sel {
    bool have;
    size_t group; /* the monitor's group index */
    enum ui_row_kind kind;
    struct mc_addr source; /* source rows */
};

struct ui {
    struct mc_monitor *m;
    int rows, cols;
    enum ui_screen_id screen;
    void *state[UI_SCREEN_COUNT];
    bool panel_open;
    void *panel_state;
    void *small_state;
    struct ui_prompt prompt;

    /* the table's model: rebuilt on draw unless paused */
    struct ui_model model;
    bool model_built;
    bool paused;
    enum ui_sort sort;
    char filter[64];
    bool *expanded; /* by monitor group index */
    size_t nexpanded;
    struct ui_sel sel;
    size_t sel_vis; /* position of the selection in model.vis */

    /* the message line: the result of the last action */
    char msg[MC_ERR_MSG_MAX + MC_CMD_TEXT_MAX + 16];
    enum ui_role msg_role;
    int64_t msg_until_ns;

    int ext_key; /* a mode's own key (ui_set_ext_key), or 0 */
    const char *ext_label;
    uint64_t seen_seq;        /* events up to this one were looked at */
    enum mc_cmd_opt last_opt; /* the option '=' offers first */
    int pending;              /* UI_DRAW_* */
    bool clear_next;          /* ^L: repaint every cell */
    bool quit;
};

/* Run a command line as a key action: the monitor logs it; the message
 * line shows its result.  Returns mc_monitor_exec_line's value. */
int ui_exec(struct ui *ui, const char *line);

/* Open the command prompt with text, the cursor at byte cursor. */
void ui_prompt_command(struct ui *ui, const char *text, size_t cursor);

/* Show a message on the message line for a few seconds. */
void ui_message(struct ui *ui, enum ui_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Rebuild the model from the monitor now (unless paused), and the list of
 * visible rows; keeps the selection on the same row. */
void ui_refresh_model(struct ui *ui);
/* Recompute only the visible rows (filter, expansion changed). */
void ui_refresh_view(struct ui *ui);

/* The selected row, or NULL when the table is empty. */
const struct ui_row *ui_selected_row(const struct ui *ui);
/* The selected row's group row, or NULL. */
const struct ui_row *ui_selected_group(const struct ui *ui);
/* Select visible row i (clamped). */
void ui_select_visible(struct ui *ui, size_t i);
/* Select the group with the monitor index gi (its group row). */
void ui_select_group(struct ui *ui, size_t gi);

/* Expansion of a group's source rows. */
bool ui_is_expanded(const struct ui *ui, size_t group);
void ui_set_expanded(struct ui *ui, size_t group, bool on);

void ui_switch(struct ui *ui, enum ui_screen_id id);
void ui_open_panel(struct ui *ui);
void ui_close_panel(struct ui *ui);

/* The command actions (actions.c): build the prefilled prompt or run the
 * step.  true when act is one of them. */
bool ui_command_action(struct ui *ui, enum ui_action act);

/* The event pane under the table (events.c). */
void ui_events_pane_draw(struct ui *ui, WINDOW *w, int top, int rows, int cols);
/* The role an event kind is drawn in, and its short tag. */
enum ui_role ui_event_role(enum mc_event_kind kind);

#endif
