/*
 * mcscope ui: running command lines, and the message line that shows
 * what came of them.
 *
 * Every change the UI makes to the monitor is a line of the command
 * language run here (mc_monitor_exec_line): the monitor logs it, and the
 * message line under the screen shows its result for a few seconds.
 * Events that did not come from a key (a script's echo lines, a sender
 * that failed) show there too, as captions.  With no message, the line
 * sums up the monitor and the table; while the prompt is open, it shows
 * the prompt's verdict on the line being typed.
 */
#ifndef MCSCOPE_UI_EXEC_H
#define MCSCOPE_UI_EXEC_H

#include <curses.h>
#include <stdint.h>

#include "colors.h"
#include "mcscope/monitor.h"
#include "model.h"
#include "prompt.h"

struct ui_exec {
    struct mc_monitor *m;
    struct ui_model *md; /* `columns` lines change its columns */
    /* the message line: the result of the last action */
    char msg[MC_ERR_MSG_MAX + MC_CMD_TEXT_MAX + 16];
    enum ui_role msg_role;
    int64_t msg_until_ns;
    uint64_t seen_seq; /* events up to this one were looked at */
};

/* Run a command line: the monitor logs it; the message line shows its
 * result.  Returns mc_monitor_exec_line's value.  A `columns` line is the
 * UI's (columns.h): it sets md's columns, and is not logged. */
int ui_exec(struct ui_exec *x, const char *line);

/* Show a message on the message line for a few seconds. */
void ui_message(struct ui_exec *x, enum ui_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Put the events that came since the last look on the message line (an
 * echo, an error, a refusal).  true when there were new events. */
bool ui_exec_captions(struct ui_exec *x);

/* Draw the message line on row y of w: the prompt's verdict while p is
 * open, else the message, else a summary of the monitor and the table md. */
void ui_message_draw(const struct ui_exec *x, const struct ui_prompt *p,
                     const struct ui_model *md, WINDOW *w, int y, int cols);

#endif
