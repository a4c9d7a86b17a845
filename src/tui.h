/*
 * mcscope: the TUI mode (mcscope without --batch).
 *
 * Runs the screens of ui/ on the terminal, in the one event loop of
 * loop.h: poll() over the monitor's sockets and timer, stdin, a signalfd
 * for SIGINT and SIGTERM (the loop's) and one for SIGWINCH and SIGHUP
 * (this mode's), and a timerfd that paces redraws.  The script (the -e
 * commands and -f file, already checked by the caller) runs in time
 * while the screens show it.
 */
#ifndef MCSCOPE_TUI_H
#define MCSCOPE_TUI_H

#include "mcscope/monitor.h"

struct ui;

/*
 * Run the TUI on m until q, SIGINT, SIGTERM or SIGHUP.  script may be
 * NULL; neither is owned.  stdin and stdout must be a terminal (else a
 * message on stderr and 1).  The terminal is restored on every way out
 * (endwin, also from atexit for an exit elsewhere).  Returns the exit
 * status: 0 after q; 1 after a signal (stderr says which), or when the
 * terminal or the event loop failed (stderr says why).
 */
int tui_run(struct mc_monitor *m, struct mc_script *script);

/*
 * What a mode built on the TUI adds (the lab's lessons): on_pass runs on
 * every loop pass before the screen learns what changed, and may run
 * command lines or add script lines (new events are drawn in the same
 * pass); key, when not 0, is offered on the groups screen's key line as
 * key_label and calls on_key (not while a prompt or panel is open).
 */
struct tui_ext {
    void *arg;
    /* the UI was made (before the first draw): a mode keeps it */
    void (*on_ui)(void *arg, struct ui *ui);
    void (*on_pass)(void *arg);
    int key;
    const char *key_label;
    void (*on_key)(void *arg);
};
int tui_run_ext(struct mc_monitor *m, struct mc_script *script,
                const struct tui_ext *ext);

#endif
