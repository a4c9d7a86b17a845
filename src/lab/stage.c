/* mcscope: the stage runner (see stage.h). */
#include "stage.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mcscope/cmd.h"

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

static void do_action(struct stage_run *r, const char *line)
{
    char group[64];
    pid_t was;

    switch (lesson_action_of(line, group, sizeof group)) {
    case LESSON_ACT_MDB:
        show_mdb(r);
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
    case LESSON_ACT_NONE:
        break;
    }
}

/* ---- one stage at a time ---- */

static const struct lesson_stage *cur_stage(const struct stage_run *r)
{
    return &r->ls->stage[r->stage];
}

/*
 * Add the stage's lines up to its next lab line (or its end) to the
 * script the loop runs, then a comment: the script is done once that
 * comment ran, i.e. after the part's last wait, not at its start.
 */
static void feed(struct stage_run *r)
{
    const struct lesson_stage *st = cur_stage(r);
    const struct mc_script *src = r->ls->src;

    for (; r->next < st->end; r->next++) {
        const char *line = mc_script_line(src, r->next);

        if (lesson_action_of(line, NULL, 0) != LESSON_ACT_NONE)
            break;
        mc_script_add(r->run, line, mc_script_origin(src, r->next));
    }
    mc_script_add(r->run, "# the end of a part of a stage", "lab");
    r->running = true;
}

void stage_start(struct stage_run *r, size_t k)
{
    char line[MC_CMD_ECHO_MAX];

    r->stage = k;
    r->next = cur_stage(r)->first;
    /* A script line, so that it comes after what runs before it. */
    snprintf(line, sizeof line, "echo == stage %zu/%zu: %.200s ==", k + 1,
             r->ls->nstages, cur_stage(r)->title);
    for (char *p = line + 5; *p != '\0'; p++)
        if (*p == '#')
            *p = ' ';
    mc_script_add(r->run, line, "lab");
    feed(r);
}

static void stage_ended(struct stage_run *r)
{
    size_t k = r->stage, n = r->ls->nstages;

    if (r->stage_done != NULL)
        r->stage_done(r->arg, k, cur_stage(r)->title);
    if (k + 1 >= n) {
        r->over = true;
        stage_say(r->m, "== the lesson is over%s ==",
                  r->auto_next
                      ? ""
                      : ": keep exploring, q quits and removes the lab");
        return;
    }
    if (r->auto_next || r->queued) {
        r->queued = false;
        stage_start(r, k + 1);
        return;
    }
    stage_say(r->m,
              "== stage %zu/%zu done: press n for stage %zu/%zu, %.200s ==",
              k + 1, n, k + 2, n, r->ls->stage[k + 1].title);
}

bool stage_pass(struct stage_run *r)
{
    const struct lesson_stage *st;

    if (r->ls == NULL || !r->running || !mc_script_done(r->run))
        return r->over;
    r->running = false;
    st = cur_stage(r);
    if (r->next < st->end) {
        do_action(r, mc_script_line(r->ls->src, r->next));
        r->next++;
        feed(r);
        return false;
    }
    stage_ended(r);
    return r->over;
}

void stage_next(struct stage_run *r)
{
    size_t k = r->stage, n = r->ls->nstages;

    if (r->over) {
        stage_say(r->m, "lab: that was the last stage: q quits");
    } else if (r->running) {
        if (!r->queued)
            stage_say(r->m, "lab: stage %zu/%zu starts when stage %zu ends",
                      k + 2, n, k + 1);
        r->queued = true;
    } else {
        stage_start(r, k + 1);
    }
}
