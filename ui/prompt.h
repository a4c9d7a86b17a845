/*
 * mcscope ui: the prompt — a one-line editor at the bottom of the screen.
 *
 * Every action that changes the monitor opens it with its command line
 * prefilled (the selected group, its interface and port), and ':' opens
 * it empty: so every key action is a line of the command language that
 * the person sees, may edit, and can find again in the history.  While
 * the line is edited it is checked with mc_cmd_parse and then
 * mc_monitor_precheck (what the monitor's state shows the kernel will
 * refuse) on every change, and
 * the line above the prompt shows either the command as it will run or
 * the parser's reason for refusing it.  A refused line does not run.
 *
 * The filter prompt ('/') uses the same editor; its text is not a
 * command and is not checked.
 */
#ifndef MCSCOPE_UI_PROMPT_H
#define MCSCOPE_UI_PROMPT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "mcscope/cmd.h"
#include "mcscope/err.h"
#include "mcscope/monitor.h"

#define UI_PROMPT_MAX 512     /* bytes of a line */
#define UI_PROMPT_HISTORY 100 /* lines remembered */

enum ui_prompt_kind {
    UI_PROMPT_COMMAND, /* a command line, checked as typed */
    UI_PROMPT_FILTER,  /* free text */
};

/* What a key did to the prompt. */
enum ui_prompt_result {
    UI_PROMPT_KEPT,    /* the key moved the cursor or was ignored */
    UI_PROMPT_CHANGED, /* the text changed */
    UI_PROMPT_SUBMIT,  /* Enter on a line to run (checked: it parses) */
    UI_PROMPT_REFUSED, /* Enter on a line the parser refuses: stays open */
    UI_PROMPT_CANCEL,  /* Esc */
};

struct ui_prompt {
    /* COMMAND lines that parse are prechecked against it (NULL: not):
     * a line the kernel will refuse is refused here already. */
    const struct mc_monitor *m;
    bool active;
    enum ui_prompt_kind kind;
    char text[UI_PROMPT_MAX];
    size_t len, cursor; /* bytes */
    bool valid;         /* COMMAND: the text parses */
    bool not_ascii;     /* COMMAND: refused for a character not ASCII */
    struct mc_err why;  /* COMMAND: the parser's reason, when !valid */
    char canonical[MC_CMD_TEXT_MAX]; /* COMMAND: mc_cmd_format of it */
    /* history of submitted command lines, oldest first */
    char *history[UI_PROMPT_HISTORY];
    size_t nhistory;
    size_t browse;             /* == nhistory: the line being typed */
    char stash[UI_PROMPT_MAX]; /* the line being typed while browsing */
};

/* Open with text and the cursor at byte cursor (clamped). */
void ui_prompt_open(struct ui_prompt *p, enum ui_prompt_kind kind,
                    const char *text, size_t cursor);
void ui_prompt_close(struct ui_prompt *p);
/* Free the history. */
void ui_prompt_free(struct ui_prompt *p);

/* Feed a key (an action from the key table, or a character to insert
 * when action is UI_ACT_NONE). */
enum ui_prompt_result ui_prompt_key(struct ui_prompt *p, int action, int ch);

/* Remember a line in the history (consecutive repeats are kept once). */
void ui_prompt_remember(struct ui_prompt *p, const char *line);

/*
 * Draw the prompt on row y of w, cols wide: the lead character (':' or
 * '/'), then the text, scrolled so that the cursor shows.  Returns the
 * column of the cursor.
 */
int ui_prompt_draw(const struct ui_prompt *p, WINDOW *w, int y, int cols);

#endif
