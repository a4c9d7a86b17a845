/*
 * mcscope: batch mode (--batch SECONDS [--json] [--expect-packets N]).
 *
 * No TUI: check every -e command and script line first (a refused line
 * anywhere means nothing runs: exit 2), then run them in time through the
 * script runner while the monitor collects for SECONDS, and print the
 * report on stdout.  Exit status: 0 done; 2 a refused command (stderr
 * names it and where it came from); 1 a failure while running (each is
 * printed on stderr as it happens, the report still comes), an interrupt,
 * or --expect-packets or an --expect rule not met.  With --nagios the
 * report is one status line and the exit status the plugin's (health.h).
 * With --interval (and --json) a compact report goes out every interval,
 * one line each (NDJSON), and the final report is one line too.
 *
 * A mode built on batch mode (the lab's headless lessons) runs the same
 * loop and the same report with a hook: it runs on every pass, may end
 * the run early (complete), adds its own checks at the end, and may keep
 * the report as it is at the end of each stage; the output is then one
 * document, the stages' reports and the final one.
 */
#ifndef MCSCOPE_BATCH_H
#define MCSCOPE_BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "mcscope/monitor.h"
#include "metrics_http.h"
#include "options.h"

int batch_run(const struct options *opts);

struct batch; /* a run, while it runs */
struct json_object;

struct batch_hook {
    void *arg;
    /* Once, before the loop's first pass (may be NULL). */
    void (*on_start)(void *arg, struct batch *b);
    /* Every loop pass, before new events are printed: may run command
     * lines on the monitor or add script lines.  True: the run is complete
     * and ends now. */
    bool (*on_pass)(void *arg, struct batch *b);
    /* After the loop (deadline: the collection time ran out): 0, or 1
     * with why said on stderr. */
    int (*check)(void *arg, bool deadline);
    /* The document: {"KIND": NAME, "title", "variant", "complete",
     * "stages": [{"stage", "title", "end_s", "report"}...], "report"}, or
     * as text "KIND NAME: TITLE", then "== stage K/N: TITLE (ends at S s)
     * ==" and its report per stage, "== the end ==" and the final one.
     * kind NULL: the plain report. */
    const char *kind, *name, *title, *variant;
    size_t nstages;
    /* What the hook adds to stage k (0, 1, ...) of the document: fields
     * to the stage's JSON object, or lines after its text report (either
     * may be NULL). */
    void (*stage_json)(void *arg, size_t k, struct json_object *stage);
    void (*stage_text)(void *arg, size_t k, FILE *out);
};

/* What a run is asked to do. */
struct batch_spec {
    double seconds; /* collect this long at most */
    bool json;
    long long expect_packets;           /* < 0: no health check */
    const char *write_pcap;             /* say so when nothing was written */
    bool hangup;                        /* SIGHUP ends the run as SIGINT does */
    const struct batch_hook *hook;      /* NULL: the plain report */
    struct metrics_http *metrics;       /* --metrics: joins the loop, or NULL */
    double interval;                    /* --interval: > 0, NDJSON reports */
    const struct mc_expect_rule *rules; /* --expect */
    size_t nrules;
    bool nagios;    /* the plugin's line and exit status (health.h) */
    int control_fd; /* --lab-control: > 2, commands come there (control.h) */
};

/* Run script on m as spec says and print the report.  The exit status
 * (0 or 1). */
int batch_collect(struct mc_monitor *m, struct mc_script *script,
                  const struct batch_spec *spec);

/* From the hook: keep the report as it is now as the end of a stage. */
void batch_end_stage(struct batch *b, const char *title);

#endif
