/* mcscope: the stage runner (see stage.h). */
#include "stage.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "check.h"
#include "impair.h"
#include "mcscope/cmd.h"
#include "mcscope/script.h"

void stage_say(struct mc_monitor *m, const char *fmt, ...)
{
    char text[MC_CMD_ECHO_MAX], line[MC_CMD_ECHO_MAX + 8];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    /* '#' would start a comment and control characters are refused. */
    for (char *p = text; *p != '\0'; p++)
        if (*p == '#' || (unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    snprintf(line, sizeof line, "echo %s", text);
    mc_monitor_exec_line(m, line, NULL);
}

/* ---- the lab lines ---- */

/* # lab: listener GROUP: a second program on RX joins GROUP. */
static void start_listener(struct stage_run *r, const char *group)
{
    char join[128];
    pid_t pid = labprogs_start_listener(r->progs, group, join, sizeof join);

    if (pid < 0) {
        stage_say(r->m, "lab: the second listener did not start: %s",
                  strerror((int)-pid));
        return;
    }
    stage_say(r->m,
              "lab: another program on RX (pid %ld, mcscope --batch) "
              "now runs: %s, port %d",
              (long)pid, join, MC_CMD_DEFAULT_PORT);
}

/* # lab: mdb: the bridge's group table, line by line, into the log;
 * the link-local groups every host joins (ff02::) are only counted. */
static void show_mdb(struct stage_run *r)
{
    char *argv[] = {(char *)"bridge", (char *)"-d", (char *)"mdb",
                    (char *)"show", NULL};
    char out[8192], *save = NULL, *line;
    int rc, shown = 0, hidden = 0;

    stage_say(r->m,
              "$ bridge -d mdb show    (in SW, the switch: its group table)");
    rc = labnet_run(r->progs->net, LABNET_SW, argv, out, sizeof out);
    if (rc != 0) {
        stage_say(r->m, "  (bridge mdb show did not run: %s)",
                  rc < 0 ? strerror(-rc) : "it failed");
        return;
    }
    for (line = strtok_r(out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (strstr(line, " grp ff02:") != NULL) {
            hidden++;
            continue;
        }
        stage_say(r->m, "  %.200s", line);
        shown++;
    }
    if (shown == 0)
        stage_say(r->m, "  (no entry for a group of the lab)");
    if (hidden > 0)
        stage_say(r->m,
                  "  (and %d entries of link-local groups ff02::, which "
                  "every host joins)",
                  hidden);
}

/* A line of the router's, into the log. */
static void say_line(void *arg, const char *line)
{
    struct stage_run *r = arg;

    stage_say(r->m, "  %.200s", line);
}

/* # lab: router: what RT forwarded and dropped (router.h). */
static void show_router(struct stage_run *r)
{
    struct labnet *net = r->progs->net;
    char why[160];

    if (!net->topo->router) {
        stage_say(r->m, "  (this lab has no router: the %s topology)",
                  net->topo->name);
        return;
    }
    if (labrouter_show(net->ns_fd[LABNET_RT], net->router, say_line, r, why,
                       sizeof why) < 0)
        stage_say(r->m, "  (%s)", why);
}

/* # lab: mcfilter: the kernel's source filters in RX, line by line:
 * /proc/net/mcfilter6 (index, device, group, source, INC and EXC counts)
 * and /proc/net/mcfilter. */
static void show_mcfilter(struct stage_run *r)
{
    static const char *const files[] = {"/proc/net/mcfilter6",
                                        "/proc/net/mcfilter"};
    int shown = 0;

    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char *argv[] = {(char *)"cat", (char *)files[f], NULL};
        char out[8192], *save = NULL, *line, *header;
        int rc = labnet_run(r->progs->net, LABNET_RX, argv, out, sizeof out);

        if (rc != 0) {
            stage_say(r->m, "  (cat %s did not run: %s)", files[f],
                      rc < 0 ? strerror(-rc) : "it failed");
            continue;
        }
        header = strtok_r(out, "\n", &save);
        line = strtok_r(NULL, "\n", &save);
        if (header == NULL || line == NULL)
            continue; /* no filter there: said once below */
        stage_say(r->m, "$ cat %s    (in RX: the kernel's source filters)",
                  files[f]);
        stage_say(r->m, "  %.200s", header);
        for (; line != NULL; line = strtok_r(NULL, "\n", &save)) {
            stage_say(r->m, "  %.200s", line);
            shown++;
        }
    }
    if (shown == 0)
        stage_say(r->m, "$ cat /proc/net/mcfilter6 /proc/net/mcfilter: no "
                        "source filter in RX");
}

/* # lab: stream KIND GROUP: S1 sends a real stream. */
static void start_stream(struct stage_run *r, const char *arg)
{
    char kind[16] = "", group[64] = "", line[160];
    pid_t pid;

    sscanf(arg, "%15s %63s", kind, group);
    pid = labprogs_start_stream(r->progs, kind, group, line, sizeof line);
    if (pid < 0)
        stage_say(r->m, "lab: the stream did not start: %s",
                  strerror((int)-pid));
    else
        stage_say(r->m, "lab: S1 now runs (pid %ld): %s", (long)pid, line);
}

/* # lab: loss PERCENT / loss off: on S1's lab0, the stream's packets. */
static void loss(struct stage_run *r, const char *arg, bool on)
{
    char why[256];
    long dropped;

    if (on) {
        unsigned pct = (unsigned)strtoul(arg, NULL, 10);

        if (labimpair_loss(r->progs->net, LABNET_S1, pct, why, sizeof why) < 0)
            stage_say(r->m, "lab: no loss on the link: %s", why);
        else
            stage_say(r->m,
                      "lab: S1's link now drops %u%% of the stream's "
                      "packets (port %d; tc clsact, cls_bpf, mirred)",
                      pct, LABIMPAIR_PORT);
        return;
    }
    dropped = labimpair_off(r->progs->net, LABNET_S1);
    if (dropped < 0)
        stage_say(r->m, "lab: the link is clean");
    else
        stage_say(r->m,
                  "lab: the link is clean again; it dropped %ld packets of "
                  "the stream",
                  dropped);
}

/* # lab: refused LINE: the line as typed, and the reason mcscope's parser
 * gives (the one running it would log; the lesson checked that it is
 * refused).  It is not run: a lesson's own refusal is no failure of the
 * run (batch mode's exit status counts refusals). */
static void show_refused(struct stage_run *r, const char *line)
{
    struct mc_err err;

    stage_say(r->m, "$ %.200s", line);
    if (mc_cmd_parse(line, NULL, &err) < 0)
        stage_say(r->m, "mcscope refuses it: %.400s", err.msg);
}

/* # lab: fault NAME [off]: what it breaks, and which check finds it. */
static void fault(struct stage_run *r, const char *name, bool on)
{
    const struct labfault *f = labfault_find(name);
    char why[512];

    if (f == NULL)
        return;
    if ((on ? labfault_on : labfault_off)(r->faults, name, why, sizeof why) <
        0) {
        stage_say(r->m, "lab: the fault %s did not switch %s: %.400s", name,
                  on ? "on" : "off", why);
        return;
    }
    if (on)
        stage_say(r->m, "lab: fault %s is on: %s (diagnose: check %s)", name,
                  f->breaks, f->check);
    else
        stage_say(r->m, "lab: fault %s is off: the lab is as before", name);
}

static void do_action(struct stage_run *r, const char *line)
{
    char group[256];
    enum lesson_action a = lesson_action_of(line, group, sizeof group);
    pid_t was;

    switch (a) {
    case LESSON_ACT_MDB:
        show_mdb(r);
        break;
    case LESSON_ACT_ROUTER:
        show_router(r);
        break;
    case LESSON_ACT_MCFILTER:
        show_mcfilter(r);
        break;
    case LESSON_ACT_LISTENER:
        start_listener(r, group);
        break;
    case LESSON_ACT_LISTENER_STOP:
        was = labprogs_stop_listener(r->progs);
        if (was > 0)
            stage_say(r->m, "lab: the other program on RX (pid %ld) ends",
                      (long)was);
        break;
    case LESSON_ACT_STREAM:
        start_stream(r, group);
        break;
    case LESSON_ACT_STREAM_STOP:
        was = labprogs_stop_stream(r->progs);
        if (was > 0)
            stage_say(r->m, "lab: the stream from S1 (pid %ld) ends",
                      (long)was);
        break;
    case LESSON_ACT_LOSS:
        loss(r, group, true);
        break;
    case LESSON_ACT_LOSS_OFF:
        loss(r, group, false);
        break;
    case LESSON_ACT_REFUSED:
        show_refused(r, group);
        break;
    case LESSON_ACT_FAULT:
    case LESSON_ACT_FAULT_OFF:
        fault(r, group, a == LESSON_ACT_FAULT);
        break;
    case LESSON_ACT_NONE:
        break;
    }
}

/* ---- checks ---- */

static struct stage_check *new_check(struct stage_run *r)
{
    if (r->nchecks == r->checks_cap) {
        size_t cap = r->checks_cap ? 2 * r->checks_cap : 16;
        struct stage_check *v = realloc(r->checks, cap * sizeof *v);

        if (v == NULL)
            return NULL;
        r->checks = v;
        r->checks_cap = cap;
    }
    return &r->checks[r->nchecks++];
}

/* "# check: RULE": checked now, ✓ or ✗ with what was found, in the log
 * (and so in the narration pane). */
static int on_check_line(void *arg, const char *line, const char *rest,
                         size_t index)
{
    struct stage_run *r = arg;
    struct stage_check *c = new_check(r);
    struct lab_check lc;
    struct mc_err err;

    (void)line;
    (void)index;
    if (c == NULL) {
        stage_say(r->m, "lab: out of memory");
        return MC_SCRIPT_GO;
    }
    c->stage = r->stage;
    snprintf(c->rule, sizeof c->rule, "%.*s", (int)strcspn(rest, "\r\n"),
             rest + strspn(rest, " \t"));
    if (lab_check_parse(c->rule, &lc, &err) < 0) { /* the lesson parser
                                                      took it */
        c->ok = false;
        snprintf(c->said, sizeof c->said, "%.230s", err.msg);
    } else {
        c->ok = lab_check_eval(&lc, r->m, mc_monitor_now_ns(), c->said,
                               sizeof c->said);
    }
    stage_say(r->m, "%s check %s: %s", c->ok ? "\u2713" : "\u2717", c->rule,
              c->said);
    return MC_SCRIPT_GO;
}

size_t stage_checks_failed(const struct stage_run *r)
{
    size_t n = 0;

    for (size_t i = 0; i < r->nchecks; i++)
        n += !r->checks[i].ok;
    return n;
}

void stage_end(struct stage_run *r)
{
    free(r->checks);
    r->checks = NULL;
    r->nchecks = r->checks_cap = 0;
}

/* ---- one stage at a time ---- */

/* The lab's own last line: the last stage ends when it runs. */
#define END_LINE "# --- the end of the lesson"

static void banner(struct stage_run *r)
{
    stage_say(r->m, "== stage %zu/%zu: %.200s ==", r->stage + 1, r->ls->nstages,
              r->ls->stage[r->stage].title);
    if (r->stage_begun != NULL)
        r->stage_begun(r->arg, r->stage, r->ls->stage[r->stage].title);
}

/* The stage that ran has ended.  True: the next may start now. */
static bool stage_ended(struct stage_run *r)
{
    size_t k = r->stage, n = r->ls->nstages;

    if (r->stage_done != NULL)
        r->stage_done(r->arg, k, r->ls->stage[k].title);
    if (k + 1 >= n) {
        r->over = true;
        if (r->stage_begun != NULL)
            r->stage_begun(r->arg, n, NULL);
        stage_say(r->m, "== the lesson is over%s ==",
                  r->auto_next
                      ? ""
                      : ": keep exploring, q quits and removes the lab");
        return false;
    }
    if (r->auto_next || r->queued) {
        r->queued = false;
        return true;
    }
    stage_say(r->m,
              "== stage %zu/%zu done: press n for stage %zu/%zu, %.200s ==",
              k + 1, n, k + 2, n, r->ls->stage[k + 1].title);
    r->waiting = true;
    return false;
}

/* "# --- stage: TITLE": the stage before ends, this one starts (or, in
 * the TUI, waits for n: the script holds). */
static int on_stage_line(void *arg, const char *line, const char *rest,
                         size_t index)
{
    struct stage_run *r = arg;

    (void)line;
    (void)rest;
    (void)index;
    if (r->begun) {
        if (!stage_ended(r))
            return MC_SCRIPT_HOLD;
        r->stage++;
    }
    r->begun = true;
    banner(r);
    return MC_SCRIPT_GO;
}

static int on_end_line(void *arg, const char *line, const char *rest,
                       size_t index)
{
    struct stage_run *r = arg;

    (void)line;
    (void)rest;
    (void)index;
    if (r->begun && !r->over)
        stage_ended(r);
    return MC_SCRIPT_GO;
}

static int on_lab_line(void *arg, const char *line, const char *rest,
                       size_t index)
{
    (void)rest;
    (void)index;
    do_action(arg, line);
    return MC_SCRIPT_GO;
}

/* The lesson's lines, from stage 1's on, and the lab's end line. */
static int add_lesson(struct stage_run *r)
{
    const struct mc_script *src = r->ls->src;
    size_t n = mc_script_nlines(src);

    for (size_t i = r->ls->stage[0].first - 1; i < n; i++)
        if (mc_script_add(r->run, mc_script_line(src, i),
                          mc_script_origin(src, i)) < 0)
            return -ENOMEM;
    return mc_script_add(r->run, END_LINE, "lab");
}

int stage_begin(struct stage_run *r)
{
    restore_save(&r->base, r->m);
    r->first = mc_script_nlines(r->run);
    if (mc_script_add_directive(r->run, "# --- stage:", on_stage_line, r) < 0 ||
        mc_script_add_directive(r->run, END_LINE, on_end_line, r) < 0 ||
        mc_script_add_directive(r->run, "# lab:", on_lab_line, r) < 0 ||
        mc_script_add_directive(r->run, "# check:", on_check_line, r) < 0)
        return -ENOMEM;
    return add_lesson(r);
}

void stage_next(struct stage_run *r)
{
    size_t k = r->stage, n = r->ls->nstages;

    if (r->over) {
        stage_say(r->m, "lab: that was the last stage: q quits");
    } else if (k + 1 >= n) {
        /* never "stage 5/4" */
        stage_say(r->m,
                  "lab: stage %zu/%zu is the last: when it ends the lesson "
                  "is over",
                  k + 1, n);
    } else if (r->waiting) {
        r->waiting = false;
        r->stage++;
        banner(r);
        mc_script_resume(r->run, mc_monitor_now_ns());
    } else if (!r->queued) {
        stage_say(r->m, "lab: stage %zu/%zu starts when stage %zu ends", k + 2,
                  n, k + 1);
        r->queued = true;
    }
}

/* ---- again: restart and previous ---- */

/* A line before the stage that starts, run at once: commands (no wait, no
 * echo), and the listener a lesson starts or stops. */
static size_t fast_forward(struct stage_run *r, const char *line)
{
    struct mc_cmd cmd;
    struct mc_err err;
    char group[256], join[128], why[512];
    enum lesson_action a = lesson_action_of(line, group, sizeof group);

    switch (a) {
    case LESSON_ACT_LISTENER:
        return labprogs_start_listener(r->progs, group, join, sizeof join) < 0
                   ? 1
                   : 0;
    case LESSON_ACT_LISTENER_STOP:
        labprogs_stop_listener(r->progs);
        return 0;
    case LESSON_ACT_STREAM: {
        char kind[16] = "", g[64] = "";

        sscanf(group, "%15s %63s", kind, g);
        return labprogs_start_stream(r->progs, kind, g, join, sizeof join) < 0
                   ? 1
                   : 0;
    }
    case LESSON_ACT_STREAM_STOP:
        labprogs_stop_stream(r->progs);
        return 0;
    case LESSON_ACT_LOSS:
        return labimpair_loss(r->progs->net, LABNET_S1,
                              (unsigned)strtoul(group, NULL, 10), why,
                              sizeof why) < 0
                   ? 1
                   : 0;
    case LESSON_ACT_LOSS_OFF:
        labimpair_off(r->progs->net, LABNET_S1);
        return 0;
    case LESSON_ACT_FAULT:
    case LESSON_ACT_FAULT_OFF:
        if (a == LESSON_ACT_FAULT)
            return labfault_on(r->faults, group, why, sizeof why) < 0 ? 1 : 0;
        labfault_off(r->faults, group, why, sizeof why);
        return 0;
    case LESSON_ACT_MDB:
    case LESSON_ACT_ROUTER:
    case LESSON_ACT_MCFILTER:
    case LESSON_ACT_REFUSED:
        return 0;
    case LESSON_ACT_NONE:
        break;
    }
    if (mc_cmd_parse(line, &cmd, &err) < 0 || cmd.kind == MC_CMD_NONE ||
        cmd.kind == MC_CMD_WAIT || cmd.kind == MC_CMD_ECHO)
        return 0;
    return mc_monitor_exec_line(r->m, line, NULL) < 0 ? 1 : 0;
}

/* Every group left, the settings as before the lesson, the second
 * program on RX ended; the runner at stage k, not begun. */
static size_t reset(struct stage_run *r, size_t k, const char *how)
{
    labprogs_stop_listener(r->progs);
    labprogs_stop_stream(r->progs);
    labimpair_off(r->progs->net, LABNET_S1); /* < 0: it was clean */
    labfaults_all_off(r->faults);
    labprogs_reset_senders(r->progs);
    stage_say(r->m,
              "lab: the lesson %s %s from stage %zu/%zu: every group "
              "left, the settings as before the lesson began",
              r->ls->name, how, k + 1, r->ls->nstages);
    while (r->nchecks > 0 && r->checks[r->nchecks - 1].stage >= k)
        r->nchecks--;
    r->stage = k;
    r->begun = r->waiting = r->queued = r->over = false;
    return restore_run(&r->base, r->m);
}

size_t stage_goto(struct stage_run *r, size_t k)
{
    size_t failed, at, n = r->ls->nstages;

    if (k >= n)
        k = n - 1;
    at = r->first + (r->ls->stage[k].first - r->ls->stage[0].first);
    failed = reset(r, k, "again");
    /* The lines before the lesson (the lab's, -e, -f) run in time again
     * when k is 0; before a later stage everything before it runs now. */
    if (k > 0)
        for (size_t i = 0; i < at; i++)
            failed += fast_forward(r, mc_script_line(r->run, i));
    mc_script_rewind(r->run, k > 0 ? at : 0, mc_monitor_now_ns());
    return failed;
}

int stage_switch(struct stage_run *r, const struct lesson *ls)
{
    int rc;

    r->ls = ls;
    reset(r, 0, "starts");
    mc_script_truncate(r->run, r->first);
    rc = add_lesson(r);
    mc_script_rewind(r->run, 0, mc_monitor_now_ns());
    return rc;
}

size_t stage_previous(struct stage_run *r)
{
    return stage_goto(r, r->stage > 0 ? r->stage - 1 : 0);
}
