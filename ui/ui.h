/*
 * mcscope ui: the TUI's screens on top of one monitor.
 *
 * The UI reads the monitor through its views (monitor.h) and changes it
 * only with command lines (mc_monitor_exec_line): every key action is a
 * line of the command language that could be typed at ':' or scripted.
 *
 * The caller owns the terminal and the event loop (src/tui.c): it
 * initialises curses (initscr or newterm), makes the UI, feeds it every
 * key wgetch returns (KEY_RESIZE included) and what mc_monitor_dispatch
 * reported, and calls ui_draw when ui_pending says so.  The UI draws on
 * stdscr only, never reads the terminal, never sleeps, never prints
 * outside curses and never exits: q sets a flag (ui_quit_requested).
 *
 * Screens: the groups table with the event pane under it, a group's
 * detail, the whole event log, help (made from the key table), the
 * control-message panel over them, the prompt at the bottom, and a
 * "terminal too small" view below UI_MIN_COLS x UI_MIN_ROWS.
 */
#ifndef MCSCOPE_UI_UI_H
#define MCSCOPE_UI_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "mcscope/monitor.h"

/* Below this size the screen shows "terminal too small" instead. */
#define UI_MIN_COLS 40
#define UI_MIN_ROWS 10

/* Numbers on screen change at most this often (redraws for packets). */
#define UI_REFRESH_NS 200000000LL /* 200 ms: 5 per second */

enum ui_screen_id {
    UI_SCREEN_GROUPS,
    UI_SCREEN_DETAIL,
    UI_SCREEN_EVENTS,
    UI_SCREEN_HELP,
    UI_SCREEN_LISTENERS,
    UI_SCREEN_STREAMS,
    UI_SCREEN_QUERIER,
    UI_SCREEN_COUNT
};

struct ui; /* opaque */

/*
 * Make the UI for m (not owned; it must outlive the UI).  Call after
 * curses is initialised: sets the terminal modes it needs (cbreak, no
 * echo, keypad, nodelay, no cursor) and the colours (colour true: use
 * colours when the terminal has them and NO_COLOR is not set).  NULL when
 * out of memory.
 */
struct ui *ui_new(struct mc_monitor *m, bool colour);
void ui_free(struct ui *ui); /* NULL is allowed; leaves curses as it is */

/* Handle one key from wgetch (KEY_RESIZE included). */
void ui_key(struct ui *ui, int ch);

/* Tell the UI what mc_monitor_dispatch returned (MC_MON_* flags). */
void ui_monitor_changed(struct ui *ui, int mon_flags);

/* ui_pending returns a combination of: */
#define UI_DRAW_NOW 0x1  /* input, an event, a tick, a resize: draw now */
#define UI_DRAW_DATA 0x2 /* only counters moved: draw at the refresh rate */
int ui_pending(const struct ui *ui);

/* Draw everything that is due on stdscr and update the terminal.
 * Clears what ui_pending reported. */
void ui_draw(struct ui *ui);

/* q was pressed. */
bool ui_quit_requested(const struct ui *ui);
/* The quit was Q's: the caller prints the last screen after endwin. */
bool ui_keep_screen(const struct ui *ui);

/* Show a screen (the layout test). */
void ui_show(struct ui *ui, enum ui_screen_id id);

/*
 * One extra key a mode adds on the groups screen (the lab's "n next
 * stage"): shown on the key line while set; key 0 removes it.  label is
 * not copied.  ui_ext_key_ready says whether a key typed now
 * would reach it (the groups screen, no prompt or panel open).
 */
void ui_set_ext_key(struct ui *ui, int key, const char *label);
/* More of them (at most UI_EXT_KEYS in all; the lab's N, R): shown after
 * the first, with help (a sentence for the help screen; none copied). */
#define UI_EXT_KEYS 4
struct ui_ext_key {
    int key;
    const char *label, *help;
};
void ui_add_ext_key(struct ui *ui, int key, const char *label,
                    const char *help);

/* Quitting (q, F10, ^C) asks question first (not copied; NULL: it quits
 * at once); y or q again quits, any other key stays (the lab: quitting
 * removes it). */
void ui_set_quit_confirm(struct ui *ui, const char *question);

/*
 * A lesson's narration pane on the groups screen, under the table: head
 * is its lasting line ("lesson join, stage 2/4: TITLE"; copied), and
 * every echo the monitor logs from now on stays in it, wrapped to the
 * terminal, whatever else the event log gets; fresh: the words so far
 * go (a new stage), else they stay (a new head only).  NULL removes the
 * pane.
 */
void ui_set_lesson(struct ui *ui, const char *head, bool fresh);
bool ui_ext_key_ready(const struct ui *ui, int ch);

/*
 * A list over the screen to choose from (the lab's lessons): title and
 * items are not copied; Enter calls pick(arg, index) and closes it, Esc
 * closes it.
 */
void ui_open_choice(struct ui *ui, const char *title, const char *const *items,
                    size_t n, void (*pick)(void *arg, size_t i), void *arg);

#endif
