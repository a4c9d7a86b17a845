/*
 * mcscope: the stage runner — a lesson run one stage at a time on the
 * monitor (in RX), through the script the event loop runs.
 *
 * stage_begin puts the whole lesson, from the line of stage 1 on, into
 * that script, and claims its lab lines as the script's directives
 * (core/script.h), so each runs at its place in time: a stage line
 * ("# --- stage: TITLE") ends the stage before it (its last wait has
 * passed) and starts the next, "# lab: mdb" shows the bridge's group
 * table, "# lab: listener" starts and stops a second program on RX
 * (programs.h).  When a stage ends, stage_done is called (batch mode keeps
 * the report there); headless (auto_next), the next stage starts at once;
 * in the TUI the log says so and the script holds until stage_next (the
 * key 'n'), which, pressed while the stage still runs, starts the next
 * one as soon as it ends.
 */
#ifndef MCSCOPE_LAB_STAGE_H
#define MCSCOPE_LAB_STAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "lesson.h"
#include "mcscope/monitor.h"
#include "programs.h"
#include "restore.h"

/* A "# check:" line as it ran: its stage, the rule, what was found. */
struct stage_check {
    size_t stage;
    bool ok;
    char rule[160];
    char said[240];
};

struct stage_run {
    /* set by the caller */
    const struct lesson *ls;
    struct mc_monitor *m;
    struct mc_script *run; /* what the loop runs */
    struct labprogs *progs;
    bool auto_next; /* headless: each stage starts the next */
    void (*stage_done)(void *arg, size_t k, const char *title);
    /* stage k began (its banner is logged), or (k == nstages) the lesson
     * is over: the TUI's lasting line and narration pane */
    void (*stage_begun)(void *arg, size_t k, const char *title);
    void *arg;
    /* the runner's */
    size_t stage; /* the stage that runs (or ran last) */
    bool begun;   /* stage 1 has started */
    bool waiting; /* the stage ended; the next waits for stage_next */
    bool queued;  /* stage_next came while the stage ran */
    bool over;    /* the last stage ended */
    size_t first; /* the run's index of stage 1's line */
    struct restore_point base;  /* the monitor before the run's first line */
    struct stage_check *checks; /* as they ran (an again drops the later) */
    size_t nchecks, checks_cap;
};

/* The checks that failed so far. */
size_t stage_checks_failed(const struct stage_run *r);

/* The run's memory (the checks). */
void stage_end(struct stage_run *r);

/* Add the lesson to r->run, its lab lines as directives.  0, or -ENOMEM. */
int stage_begin(struct stage_run *r);

/* The TUI's key: the next stage, now or when this one ends. */
void stage_next(struct stage_run *r);

/*
 * The TUI's keys: the lesson again from stage k (0: restart; the stage
 * before the one that runs: previous).  The monitor goes back to its state
 * before the run's first line (restore.h; the second listener and the
 * stream program end, S1's link loses nothing), then the run's lines
 * before stage k run at once, without their waits and words (the
 * commands, and the listener, stream and loss the lesson starts or
 * stops), and stage k starts: the state a run that reached stage k has.
 * Returns the failed lines (each is in the log).
 */
size_t stage_goto(struct stage_run *r, size_t k);
/* Another lesson (same lab variant; not owned: the caller keeps it until
 * the next switch) in place of the one that runs: reset as above, then
 * from the run's first line.  0, or -ENOMEM. */
int stage_switch(struct stage_run *r, const struct lesson *ls);
/* The stage before the one that runs, or that ran last (stage 1 again
 * from stage 1). */
size_t stage_previous(struct stage_run *r);

/* A line of narration in the monitor's log (echo TEXT). */
void stage_say(struct mc_monitor *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
