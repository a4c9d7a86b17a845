/*
 * mcscope: the stage runner — a lesson run one stage at a time on the
 * monitor (in RX), through the script the event loop runs.
 *
 * Stage 1 starts with stage_start(r, 0).  When a stage's lines have run
 * (its last wait included), the stage ends: stage_done is called (batch
 * mode keeps the report there); headless (auto_next), the next stage
 * starts at once; in the TUI the log says so and stage_next (the key 'n')
 * starts it, now or, pressed while the stage still runs, when it ends.
 * The lesson's lab lines run at their place in the stage: `# lab: mdb`
 * shows the bridge's group table, `# lab: listener` starts and stops a
 * second program on RX (programs.h).
 */
#ifndef MCSCOPE_LAB_STAGE_H
#define MCSCOPE_LAB_STAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "lesson.h"
#include "mcscope/monitor.h"
#include "programs.h"

struct stage_run {
    /* set by the caller */
    const struct lesson *ls;
    struct mc_monitor *m;
    struct mc_script *run; /* what the loop runs */
    struct labprogs *progs;
    bool auto_next; /* headless: each stage starts the next */
    void (*stage_done)(void *arg, size_t k, const char *title);
    void *arg;
    /* the runner's */
    size_t stage, next; /* the stage; its next line to feed */
    bool running;       /* a part of the stage is in run, not done */
    bool queued;        /* n was pressed while it ran */
    bool over;          /* the last stage ended */
};

void stage_start(struct stage_run *r, size_t k);

/* Every loop pass: when the script ran the part fed last, run the lab
 * line after it and feed the next part, or end the stage.  True once the
 * last stage has ended. */
bool stage_pass(struct stage_run *r);

/* The TUI's key: the next stage, now or when this one ends. */
void stage_next(struct stage_run *r);

/* A line of narration in the monitor's log (echo TEXT). */
void stage_say(struct mc_monitor *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
