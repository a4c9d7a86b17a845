/* mcscope: the lab mode (see lab.h). */
#include "lab.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "labnet.h"
#include "loop.h"
#include "mcscope/monitor.h"
#include "mcscope/report.h"
#include "script.h"
#include "tui.h"

/* The senders: every group at LAB_RATE packets/s from S1 and from S2. */
#define LAB_RATE 20
#define LAB_FOREVER "31536000" /* --batch seconds of a child: a year */
#define LAB_SETTLE_MS 200      /* children must be alive after this */
#define LAB_STOP_MS 1000       /* SIGTERM, then SIGKILL after this */
#define LAB_FLAT_PAUSE "10"    /* stages apart without the TUI hook */
#define MAX_STAGES 24
#define TITLE_MAX 160
#define NAME_MAX_LEN 64

static const char *const lab_groups[] = {"ff15::1234", "ff3e::1234",
                                         "239.1.1.1", "232.1.1.1"};
#define NGROUPS (sizeof lab_groups / sizeof lab_groups[0])

struct source_spec {
    enum labnet_host host;
    int tclass, hoplimit;
};
static const struct source_spec sources[] = {
    {LABNET_S1, 0x28, 7}, /* AF11 */
    {LABNET_S2, 0xb8, 9}, /* EF */
};
#define NSOURCES (sizeof sources / sizeof sources[0])

/* ---- the lessons ---- */

struct lesson_info {
    const char *name, *summary;
};

static const struct lesson_info lesson_list[] = {
    {"tour", "the demo: ASM, then SSM include, then exclude"},
    {"tclass", "unicast traffic class: set tclass, DSCP, what arrives"},
    {"join", "joining on an interface: GROUP%IFACE, both families"},
    {"cmsg", "control messages: destination, hop limit, traffic class"},
    {"listeners", "several listeners on one port; multicast-all"},
    {"leave", "leave and rejoin: the counts stop and resume"},
    {"ssm", "SSM include: join-source, a second source, leave-source"},
    {"exclude", "exclude mode: exclude-source, include-source"},
    {"wire", "what each operation sends: MLDv2 and IGMPv3 records"},
    {"mldv1", "the fallback: RX forced to MLDv1 and IGMPv2"},
    {"snooping", "the bridge variant: snooping and a querier per source"},
};
#define NLESSONS (sizeof lesson_list / sizeof lesson_list[0])

void lab_lessons_usage(FILE *out)
{
    fputs("Lessons (mcscope --lab --lesson NAME; n steps to the next "
          "stage):\n",
          out);
    for (size_t i = 0; i < NLESSONS; i++)
        fprintf(out, "  %-10s %s\n", lesson_list[i].name,
                lesson_list[i].summary);
}

struct stage {
    char title[TITLE_MAX];
    size_t first, end; /* lines [first, end) of the lesson */
};

struct lesson {
    char name[NAME_MAX_LEN];
    char path[PATH_MAX];
    char title[TITLE_MAX];
    struct mc_script *src; /* the file's lines, origins FILE:LINE */
    bool snooping;
    int mld_version, igmp_version;
    struct stage stage[MAX_STAGES];
    size_t nstages;
};

/* Lab lines a lesson holds as comments. */
enum action { ACT_NONE, ACT_MDB, ACT_LISTENER, ACT_LISTENER_STOP };

/* ---- the lab ---- */

struct lab {
    const struct lab_opts *opts;
    struct lesson *ls; /* NULL: the demo */
    char exe[PATH_MAX];
    struct labnet net;
    bool net_up;
    pid_t child[NSOURCES]; /* senders; 0: none */
    pid_t listener;        /* # lab: listener; 0: none */
    struct mc_monitor *m;
    struct mc_script *run; /* what the loop runs */
    sigset_t old_mask;
    /* the lesson as it runs */
    size_t stage, next; /* the stage; its next line to feed */
    bool running;       /* a part of the stage is in run, not done */
    bool queued;        /* n was pressed while it ran */
    bool over;          /* the last stage ended */
    bool batch;         /* headless: each stage starts the next */
    /* batch */
    uint64_t printed;               /* events up to this seq are out */
    char *stage_report[MAX_STAGES]; /* the report at each stage's end */
    double stage_end_s[MAX_STAGES]; /* when, after the start */
    char status[3 * TITLE_MAX];     /* the TUI hook's status text */
};

static struct lab *live_lab; /* for atexit */
static bool atexit_set;

/* ---- small helpers ---- */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Copy text without trailing blanks and line ends. */
static void copy_trimmed(char *out, size_t len, const char *text)
{
    size_t n = strlen(text);

    while (n > 0 && strchr(" \t\r\n", text[n - 1]) != NULL)
        n--;
    snprintf(out, len, "%.*s", (int)n, text);
}

/* The rest of line after prefix (leading blanks skipped both sides), or
 * NULL when line does not start so. */
static const char *after(const char *line, const char *prefix)
{
    size_t n = strlen(prefix);

    line += strspn(line, " \t");
    if (strncmp(line, prefix, n) != 0)
        return NULL;
    return line + n + strspn(line + n, " \t");
}

/*
 * Log a line of narration: echo TEXT.  '#' would start a comment and
 * control characters are refused, so both become blanks.
 */
__attribute__((format(printf, 2, 3))) static void say(struct lab *lab,
                                                      const char *fmt, ...)
{
    char text[MC_CMD_ECHO_MAX], line[MC_CMD_ECHO_MAX + 8];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    for (char *p = text; *p != '\0'; p++)
        if (*p == '#' || (unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    snprintf(line, sizeof line, "echo %s", text);
    mc_monitor_exec_line(lab->m, line, NULL);
}

/* This program, for the children and the lesson folders; when its file
 * was replaced since it started, the children run /proc/self/exe. */
static void find_exe(struct lab *lab)
{
    ssize_t n = readlink("/proc/self/exe", lab->exe, sizeof lab->exe - 1);

    lab->exe[n > 0 ? n : 0] = '\0';
    if (n <= 0 || access(lab->exe, X_OK) != 0)
        snprintf(lab->exe, sizeof lab->exe, "/proc/self/exe");
}

/* ---- finding and reading a lesson ---- */

static bool lesson_name_ok(const char *name)
{
    size_t n = strlen(name);

    return n > 0 && n < NAME_MAX_LEN &&
           strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* Try DIR/NAME.mcs; note DIR in looked when it is not there. */
static bool try_dir(const char *dir, const char *name, char *path, size_t len,
                    char *looked, size_t looked_len)
{
    size_t used = strlen(looked);

    if (dir == NULL || dir[0] == '\0')
        return false;
    snprintf(path, len, "%s/%s.mcs", dir, name);
    if (access(path, R_OK) == 0)
        return true;
    if (used + 3 < looked_len)
        snprintf(looked + used, looked_len - used, "%s%s", used > 0 ? ", " : "",
                 dir);
    return false;
}

static bool find_lesson_file(const struct lab *lab, const char *name,
                             char *path, size_t len, char *looked,
                             size_t looked_len)
{
    static const char *const rel[] = {"/../share/mcscope/lessons",
                                      "/assets/lessons", "/../assets/lessons",
                                      "/../../assets/lessons"};
    char dir[PATH_MAX + 32], exe_dir[PATH_MAX];
    char *slash;

    looked[0] = '\0';
    if (try_dir(getenv("MCSCOPE_LESSONS"), name, path, len, looked, looked_len))
        return true;
    snprintf(exe_dir, sizeof exe_dir, "%s", lab->exe);
    slash = strrchr(exe_dir, '/');
    if (slash != NULL) {
        *slash = '\0';
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            snprintf(dir, sizeof dir, "%s%s", exe_dir, rel[i]);
            if (try_dir(dir, name, path, len, looked, looked_len))
                return true;
        }
    }
#ifdef MCSCOPE_LESSON_DIR
    if (try_dir(MCSCOPE_LESSON_DIR, name, path, len, looked, looked_len))
        return true;
#endif
    return false;
}

static void unknown_lesson(const char *name)
{
    fprintf(stderr, "mcscope: no lesson '%.40s': the lessons are", name);
    for (size_t i = 0; i < NLESSONS; i++)
        fprintf(stderr, "%s %s", i > 0 ? "," : "", lesson_list[i].name);
    fputs(" (see mcscope --help)\n", stderr);
}

/* NAME, or a path to a .mcs file: ls->path and ls->name.  0, or 2 (the
 * exit status) with the reason on stderr. */
static int resolve_lesson(const struct lab *lab, const char *arg,
                          struct lesson *ls)
{
    size_t n = strlen(arg);
    char looked[1024];
    const char *base;

    if (strchr(arg, '/') != NULL || (n > 4 && !strcmp(arg + n - 4, ".mcs"))) {
        base = strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg;
        snprintf(ls->path, sizeof ls->path, "%s", arg);
        snprintf(ls->name, sizeof ls->name, "%.*s",
                 (int)(strlen(base) > 4 ? strlen(base) - 4 : strlen(base)),
                 base);
        return 0;
    }
    if (!lesson_name_ok(arg)) {
        unknown_lesson(arg);
        return 2;
    }
    snprintf(ls->name, sizeof ls->name, "%s", arg);
    if (find_lesson_file(lab, arg, ls->path, sizeof ls->path, looked,
                         sizeof looked))
        return 0;
    for (size_t i = 0; i < NLESSONS; i++) {
        if (strcmp(arg, lesson_list[i].name) == 0) {
            fprintf(stderr,
                    "mcscope: the lesson file %s.mcs is not in %s: set "
                    "MCSCOPE_LESSONS to the folder that holds it "
                    "(assets/lessons in the sources)\n",
                    arg, looked);
            return 2;
        }
    }
    unknown_lesson(arg);
    return 2;
}

/* The lab line of a lesson line, with its GROUP for a listener. */
static enum action action_of(const char *line, char *group, size_t len)
{
    const char *rest = after(line, "# lab:");
    char word[64] = "", arg[64] = "";

    if (rest == NULL || sscanf(rest, "%63s %63s", word, arg) < 1)
        return ACT_NONE;
    if (strcmp(word, "mdb") == 0)
        return ACT_MDB;
    if (strcmp(word, "listener") != 0)
        return ACT_NONE;
    if (strcmp(arg, "stop") == 0)
        return ACT_LISTENER_STOP;
    if (group != NULL)
        snprintf(group, len, "%s", arg);
    return ACT_LISTENER;
}

/* The length of text up to its line end, at most 40 (for messages). */
static int text_len(const char *text)
{
    size_t n = strcspn(text, "\r\n");

    return (int)(n > 40 ? 40 : n);
}

/* A "# lab:" line before stage 1: the lab's variant.  0, or -1 with why. */
static int header_directive(struct lesson *ls, const char *rest, char *why,
                            size_t len)
{
    char word[32] = "";
    int v = 0, got = sscanf(rest, "%31s %d", word, &v);

    if (got == 1 && strcmp(word, "snooping") == 0) {
        ls->snooping = true;
        return 0;
    }
    if (got == 2 && strcmp(word, "mld-version") == 0 && v >= 1 && v <= 2) {
        ls->mld_version = v;
        return 0;
    }
    if (got == 2 && strcmp(word, "igmp-version") == 0 && v >= 1 && v <= 3) {
        ls->igmp_version = v;
        return 0;
    }
    snprintf(why, len,
             "'# lab: %.*s': before stage 1 the lab knows snooping, "
             "mld-version 1|2 and igmp-version 1|2|3",
             text_len(rest), rest);
    return -1;
}

/* A "# lab:" line inside a stage.  0, or -1 with why. */
static int stage_directive(const char *line, const char *rest, char *why,
                           size_t len)
{
    char group[64], join[128];
    enum action a = action_of(line, group, sizeof group);

    if (a == ACT_MDB || a == ACT_LISTENER_STOP)
        return 0;
    if (a == ACT_LISTENER) {
        snprintf(join, sizeof join, "join %s dev lab0", group);
        if (mc_cmd_parse(join, NULL, NULL) == 0)
            return 0;
    }
    snprintf(why, len,
             "'# lab: %.*s': in a stage the lab knows mdb, listener "
             "GROUP and listener stop",
             text_len(rest), rest);
    return -1;
}

/* One line of the lesson file (index i).  0, or -1 with why. */
static int lesson_line(struct lesson *ls, size_t i, char *why, size_t len)
{
    const char *line = mc_script_line(ls->src, i), *rest;
    struct stage *st;
    struct mc_cmd cmd;

    if ((rest = after(line, "# --- stage:")) != NULL) {
        if (ls->nstages == MAX_STAGES) {
            snprintf(why, len, "more than %d stages", MAX_STAGES);
            return -1;
        }
        if (ls->nstages > 0)
            ls->stage[ls->nstages - 1].end = i;
        st = &ls->stage[ls->nstages++];
        copy_trimmed(st->title, sizeof st->title, rest);
        st->first = i + 1;
        return 0;
    }
    if (ls->nstages == 0 && (rest = after(line, "# title:")) != NULL) {
        copy_trimmed(ls->title, sizeof ls->title, rest);
        return 0;
    }
    if ((rest = after(line, "# lab:")) != NULL)
        return ls->nstages == 0 ? header_directive(ls, rest, why, len)
                                : stage_directive(line, rest, why, len);
    if (ls->nstages == 0 && mc_cmd_parse(line, &cmd, NULL) == 0 &&
        cmd.kind != MC_CMD_NONE) {
        snprintf(why, len,
                 "a command before the first '# --- stage: "
                 "TITLE' line: put it in a stage");
        return -1;
    }
    return 0;
}

/* Read and check the lesson; 0, or 2 (exit status) with stderr said. */
static int lesson_read(struct lesson *ls)
{
    char why[320];
    struct mc_err err;
    size_t n;

    ls->src = mc_script_new();
    if (ls->src == NULL || mc_script_load(ls->src, ls->path, &err) < 0) {
        fprintf(stderr, "mcscope: lesson %s: %s\n", ls->name,
                ls->src ? err.msg : "out of memory");
        return 2;
    }
    n = mc_script_nlines(ls->src);
    for (size_t i = 0; i < n; i++) {
        if (lesson_line(ls, i, why, sizeof why) < 0) {
            fprintf(stderr, "mcscope: %s: %s\n", mc_script_origin(ls->src, i),
                    why);
            return 2;
        }
    }
    if (ls->nstages == 0) {
        fprintf(stderr, "mcscope: %s has no '# --- stage: TITLE' line\n",
                ls->path);
        return 2;
    }
    ls->stage[ls->nstages - 1].end = n;
    if (ls->title[0] == '\0')
        snprintf(ls->title, sizeof ls->title, "%s", ls->name);
    return mc_script_check(ls->src, script_print_refusal, ls->src) > 0 ? 2 : 0;
}

static void lesson_free(struct lesson *ls)
{
    if (ls == NULL)
        return;
    mc_script_free(ls->src);
    free(ls);
}

/* ---- children: the senders and the second listener ---- */

static pid_t start_sender(struct lab *lab, const struct source_spec *s)
{
    char cmd[NGROUPS][128];
    char *argv[4 + 2 * NGROUPS];
    size_t argc = 0;

    argv[argc++] = lab->exe;
    argv[argc++] = (char *)"--batch";
    argv[argc++] = (char *)LAB_FOREVER;
    for (size_t g = 0; g < NGROUPS; g++) {
        snprintf(cmd[g], sizeof cmd[g],
                 "send %s dev lab0 rate %d tclass 0x%02x hoplimit %d",
                 lab_groups[g], LAB_RATE, s->tclass, s->hoplimit);
        argv[argc++] = (char *)"-e";
        argv[argc++] = cmd[g];
    }
    argv[argc] = NULL;
    return labnet_spawn(&lab->net, s->host, argv, -1, -1);
}

/* SIGTERM, then SIGKILL after LAB_STOP_MS; reaped. */
static void stop_child(pid_t *pid)
{
    if (*pid <= 0)
        return;
    kill(*pid, SIGTERM);
    for (long t = 0; t < LAB_STOP_MS; t += 10) {
        pid_t r = waitpid(*pid, NULL, WNOHANG);

        if (r == *pid || (r < 0 && errno != EINTR)) {
            *pid = 0;
            return;
        }
        sleep_ms(10);
    }
    kill(*pid, SIGKILL);
    while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
        ;
    *pid = 0;
}

/* A child that ended: its status text in why; false when it runs. */
static bool child_ended(pid_t *pid, char *why, size_t len)
{
    int st;

    if (*pid <= 0 || waitpid(*pid, &st, WNOHANG) != *pid)
        return false;
    *pid = 0;
    if (WIFEXITED(st))
        snprintf(why, len, "exit status %d", WEXITSTATUS(st));
    else
        snprintf(why, len, "signal %d", WTERMSIG(st));
    return true;
}

static int start_senders(struct lab *lab)
{
    char why[64];

    for (size_t i = 0; i < NSOURCES; i++) {
        pid_t pid = start_sender(lab, &sources[i]);

        if (pid < 0) {
            fprintf(stderr, "mcscope: cannot start the sender in %s: %s\n",
                    labnet_host_name(sources[i].host), strerror((int)-pid));
            return -1;
        }
        lab->child[i] = pid;
    }
    sleep_ms(LAB_SETTLE_MS);
    for (size_t i = 0; i < NSOURCES; i++) {
        if (child_ended(&lab->child[i], why, sizeof why)) {
            fprintf(stderr, "mcscope: the sender in %s ended at once (%s)\n",
                    labnet_host_name(sources[i].host), why);
            return -1;
        }
    }
    return 0;
}

/* # lab: listener GROUP: a second program on RX joins GROUP. */
static void start_listener(struct lab *lab, const char *group)
{
    char join[128];
    char *argv[] = {
        lab->exe, (char *)"--batch", (char *)LAB_FOREVER, (char *)"-e", join,
        NULL};
    pid_t pid;

    stop_child(&lab->listener);
    snprintf(join, sizeof join, "join %s dev lab0", group);
    pid = labnet_spawn(&lab->net, LABNET_RX, argv, -1, -1);
    if (pid < 0) {
        say(lab, "lab: the second listener did not start: %s",
            strerror((int)-pid));
        return;
    }
    lab->listener = pid;
    say(lab,
        "lab: another program on RX (pid %ld, mcscope --batch) "
        "now runs: %s, port %d",
        (long)pid, join, MC_CMD_DEFAULT_PORT);
}

/* # lab: mdb: the bridge's group table, line by line, into the log;
 * the link-local groups every host joins (ff02::) are only counted. */
static void show_mdb(struct lab *lab)
{
    char *argv[] = {(char *)"bridge", (char *)"-d", (char *)"mdb",
                    (char *)"show", NULL};
    char out[8192], *save = NULL, *line;
    int rc, shown = 0, hidden = 0;

    say(lab, "$ bridge -d mdb show    (in SW, the switch: its group table)");
    rc = labnet_run(&lab->net, LABNET_SW, argv, out, sizeof out);
    if (rc != 0) {
        say(lab, "  (bridge mdb show did not run: %s)",
            rc < 0 ? strerror(-rc) : "it failed");
        return;
    }
    for (line = strtok_r(out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (strstr(line, " grp ff02:") != NULL) {
            hidden++;
            continue;
        }
        say(lab, "  %.200s", line);
        shown++;
    }
    if (shown == 0)
        say(lab, "  (no entry for a group of the lab)");
    if (hidden > 0)
        say(lab,
            "  (and %d entries of link-local groups ff02::, which every "
            "host joins)",
            hidden);
}

static void do_action(struct lab *lab, const char *line)
{
    char group[64];

    switch (action_of(line, group, sizeof group)) {
    case ACT_MDB:
        show_mdb(lab);
        break;
    case ACT_LISTENER:
        start_listener(lab, group);
        break;
    case ACT_LISTENER_STOP:
        if (lab->listener > 0)
            say(lab, "lab: the other program on RX (pid %ld) ends",
                (long)lab->listener);
        stop_child(&lab->listener);
        break;
    case ACT_NONE:
        break;
    }
}

/* ---- running a lesson: one stage at a time ---- */

static const struct stage *cur_stage(const struct lab *lab)
{
    return &lab->ls->stage[lab->stage];
}

/*
 * Add the stage's lines up to its next lab line (or its end) to the
 * script the loop runs, then a comment: the script is done once that
 * comment ran, i.e. after the part's last wait, not at its start.
 */
static void feed(struct lab *lab)
{
    const struct stage *st = cur_stage(lab);
    const struct mc_script *src = lab->ls->src;

    for (; lab->next < st->end; lab->next++) {
        const char *line = mc_script_line(src, lab->next);

        if (action_of(line, NULL, 0) != ACT_NONE)
            break;
        mc_script_add(lab->run, line, mc_script_origin(src, lab->next));
    }
    mc_script_add(lab->run, "# the end of a part of a stage", "lab");
    lab->running = true;
}

static void start_stage(struct lab *lab, size_t k)
{
    char line[MC_CMD_ECHO_MAX];

    lab->stage = k;
    lab->next = cur_stage(lab)->first;
    /* A script line, so that it comes after what runs before it. */
    snprintf(line, sizeof line, "echo == stage %zu/%zu: %.200s ==", k + 1,
             lab->ls->nstages, cur_stage(lab)->title);
    for (char *p = line + 5; *p != '\0'; p++)
        if (*p == '#')
            *p = ' ';
    mc_script_add(lab->run, line, "lab");
    feed(lab);
}

/* Batch: keep the report as it is at the end of the stage. */
static void keep_stage_report(struct lab *lab)
{
    int64_t now = mc_monitor_now_ns();

    lab->stage_end_s[lab->stage] =
        (double)(now - mc_monitor_start_ns(lab->m)) / 1e9;
    if (lab->opts->json)
        lab->stage_report[lab->stage] = mc_report_json_string(lab->m, now, 0);
    else
        lab->stage_report[lab->stage] = mc_report_text_string(lab->m, now);
}

static void stage_ended(struct lab *lab)
{
    size_t k = lab->stage, n = lab->ls->nstages;

    if (lab->batch)
        keep_stage_report(lab);
    if (k + 1 >= n) {
        lab->over = true;
        say(lab, "== the lesson is over%s ==",
            lab->batch ? "" : ": keep exploring, q quits and removes the lab");
        return;
    }
    if (lab->batch || lab->queued) {
        lab->queued = false;
        start_stage(lab, k + 1);
        return;
    }
    say(lab,
        "== stage %zu/%zu done: press n for stage %zu/%zu, %.200s ==", k + 1, n,
        k + 2, n, lab->ls->stage[k + 1].title);
}

/* Every loop pass: when the script ran the part fed last, run the lab
 * line after it and feed the next part, or end the stage. */
static void lesson_pass(struct lab *lab)
{
    const struct stage *st;

    if (lab->ls == NULL || !lab->running || !mc_script_done(lab->run))
        return;
    lab->running = false;
    st = cur_stage(lab);
    if (lab->next < st->end) {
        do_action(lab, mc_script_line(lab->ls->src, lab->next));
        lab->next++;
        feed(lab);
        return;
    }
    stage_ended(lab);
}

/* ---- the script: the lab's start lines, -e, -f, then demo or lesson ---- */

static const char *const demo_start[] = {
    "echo The mcscope lab: S1 (fd42::1, 10.200.0.1) and S2 (fd42::2, "
    "10.200.0.2) send 20 packets/s each to ff15::1234, ff3e::1234, "
    "239.1.1.1 and 232.1.1.1, port 5001. mcscope runs on RX (fd42::10, "
    "10.200.0.10).",
    "cmsg tclass on",
    "cmsg hoplimit on",
    "pcap on",
    "join ff15::1234 dev lab0",
    "join 239.1.1.1 dev lab0",
    NULL,
};

static const char *const demo_hints[] = {
    "echo Try: x blocks a source (exclude-source ff15::1234 fd42::2 dev "
    "lab0), i lets it in again, J joins one source of an SSM group "
    "(join-source ff3e::1234 fd42::1 dev lab0), l leaves, ? lists the keys.",
    "echo Guided lessons: mcscope --lab --lesson NAME (mcscope --help lists "
    "them). q quits and removes the lab.",
    NULL,
};

static int add_lines(struct mc_script *s, const char *const *lines)
{
    for (; *lines != NULL; lines++)
        if (mc_script_add(s, *lines, "lab") < 0)
            return -1;
    return 0;
}

static int add_user_lines(struct lab *lab)
{
    const struct lab_opts *o = lab->opts;
    struct mc_err err;
    char origin[32];

    if (o->pcap && lab->ls != NULL &&
        mc_script_add(lab->run, "pcap on", "--pcap") < 0)
        return 1;
    for (size_t i = 0; i < o->ncommands; i++) {
        snprintf(origin, sizeof origin, "-e %zu", i + 1);
        if (mc_script_add(lab->run, o->commands[i], origin) < 0)
            return 1;
    }
    if (o->script != NULL && mc_script_load(lab->run, o->script, &err) < 0) {
        fprintf(stderr, "mcscope: -f %s: %s\n", o->script, err.msg);
        return 2;
    }
    return 0;
}

/* Everything before the demo's hints or stage 1; checked.  0 or the exit
 * status. */
static int build_script(struct lab *lab)
{
    int rc;

    lab->run = mc_script_new();
    if (lab->run == NULL ||
        (lab->ls == NULL && add_lines(lab->run, demo_start) < 0)) {
        fprintf(stderr, "mcscope: out of memory\n");
        return 1;
    }
    rc = add_user_lines(lab);
    if (rc != 0)
        return rc;
    if (mc_script_check(lab->run, script_print_refusal, lab->run) > 0)
        return 2;
    return 0;
}

/* ---- up and down ---- */

static void lab_down(struct lab *lab)
{
    for (size_t i = 0; i < NSOURCES; i++)
        stop_child(&lab->child[i]);
    stop_child(&lab->listener);
    mc_monitor_free(lab->m);
    lab->m = NULL;
    if (lab->net_up)
        labnet_down(&lab->net);
    lab->net_up = false;
}

static void down_at_exit(void)
{
    if (live_lab != NULL)
        lab_down(live_lab);
    live_lab = NULL;
}

static int lab_up(struct lab *lab)
{
    struct labnet_opts no = {0};
    char why[512];

    if (geteuid() == 0)
        labnet_sweep_stale(LABNET_PREFIX, stderr);
    no.mode = lab->opts->userns ? LABNET_MODE_USERNS : LABNET_MODE_AUTO;
    if (lab->ls != NULL) {
        no.snooping = lab->ls->snooping;
        no.rx_mld_version = lab->ls->mld_version;
        no.rx_igmp_version = lab->ls->igmp_version;
    }
    if (labnet_up(&no, &lab->net, why, sizeof why) < 0) {
        fprintf(stderr, "mcscope: cannot build the lab: %s\n", why);
        return -1;
    }
    lab->net_up = true;
    return start_senders(lab);
}

/* In RX: the monitor, so that every socket it opens is there. */
static int open_monitor(struct lab *lab)
{
    struct mc_err err;
    int rc = labnet_enter(&lab->net, LABNET_RX);

    if (rc < 0) {
        fprintf(stderr, "mcscope: cannot enter the lab's receiver: %s\n",
                strerror(-rc));
        return -1;
    }
    if (mc_monitor_new(NULL, &lab->m, &err) < 0 ||
        (lab->opts->write_pcap != NULL &&
         mc_monitor_write_pcap(lab->m, lab->opts->write_pcap, &err) < 0)) {
        fprintf(stderr, "mcscope: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* SIGINT, SIGTERM or SIGHUP that came while nothing read them. */
static int take_pending_signal(void)
{
    sigset_t set;
    struct timespec zero = {0, 0};

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return sigtimedwait(&set, NULL, &zero);
}

static void block_signals(struct lab *lab)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, &lab->old_mask);
}

static void restore_signals(struct lab *lab)
{
    while (take_pending_signal() > 0)
        ;
    sigprocmask(SIG_SETMASK, &lab->old_mask, NULL);
}

/* ---- batch mode ---- */

static void print_new_events(struct lab *lab)
{
    struct mc_event e;
    char text[MC_EVENT_TEXT_MAX];
    size_t n = mc_monitor_nevents(lab->m);

    for (size_t i = 0; i < n; i++) {
        if (mc_monitor_event(lab->m, i, &e) < 0 || e.seq <= lab->printed)
            continue;
        lab->printed = e.seq;
        if (e.kind == MC_EV_ERROR || e.kind == MC_EV_REFUSED)
            fprintf(stderr, "mcscope: %s: %s\n", mc_event_kind_name(e.kind),
                    mc_event_format(&e, text, sizeof text, MC_EVENT_UTF8));
        else if (e.kind == MC_EV_ECHO)
            fprintf(stderr, "%s\n",
                    mc_event_format(&e, text, sizeof text, MC_EVENT_UTF8));
    }
}

struct batch_loop {
    struct lab *lab;
    struct loop *lp;
    bool hangup;
};

static void batch_pass(void *arg, int flags)
{
    struct batch_loop *bl = arg;

    (void)flags;
    lesson_pass(bl->lab);
    print_new_events(bl->lab);
    if (bl->lab->ls != NULL && bl->lab->over)
        loop_stop(bl->lp);
}

static void on_hangup(void *arg, int fd, short revents)
{
    struct batch_loop *bl = arg;
    struct signalfd_siginfo si;

    (void)revents;
    if (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        bl->hangup = true;
        loop_stop(bl->lp);
    }
}

static json_object *stage_json(const struct lab *lab, size_t k)
{
    json_object *o = json_object_new_object();
    json_object *report = json_tokener_parse(lab->stage_report[k]);

    json_object_object_add(o, "stage", json_object_new_int64((int64_t)k + 1));
    json_object_object_add(o, "title",
                           json_object_new_string(lab->ls->stage[k].title));
    json_object_object_add(o, "end_s",
                           json_object_new_double(lab->stage_end_s[k]));
    json_object_object_add(o, "report", report);
    return o;
}

/* The lesson's document: each stage's report, then the final one. */
static int print_lesson_json(const struct lab *lab, const char *final)
{
    json_object *root = json_object_new_object();
    json_object *stages = json_object_new_array();
    const struct lesson *ls = lab->ls;
    int rc;

    json_object_object_add(root, "lesson", json_object_new_string(ls->name));
    json_object_object_add(root, "title", json_object_new_string(ls->title));
    json_object_object_add(
        root, "variant",
        json_object_new_string(ls->snooping ? "snooping" : "plain"));
    json_object_object_add(root, "complete",
                           json_object_new_boolean(lab->over));
    for (size_t k = 0; k < ls->nstages; k++)
        if (lab->stage_report[k] != NULL)
            json_object_array_add(stages, stage_json(lab, k));
    json_object_object_add(root, "stages", stages);
    json_object_object_add(root, "report", json_tokener_parse(final));
    rc = fprintf(stdout, "%s\n",
                 json_object_to_json_string_ext(
                     root, JSON_C_TO_STRING_PRETTY |
                               JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
    json_object_put(root);
    return rc ? -1 : 0;
}

static int print_lesson_text(const struct lab *lab, const char *final)
{
    const struct lesson *ls = lab->ls;

    printf("lesson %s: %s\n", ls->name, ls->title);
    for (size_t k = 0; k < ls->nstages; k++) {
        if (lab->stage_report[k] == NULL)
            continue;
        printf("\n== stage %zu/%zu: %s (ends at %.3f s) ==\n%s", k + 1,
               ls->nstages, ls->stage[k].title, lab->stage_end_s[k],
               lab->stage_report[k]);
    }
    printf("\n== the end ==\n%s", final);
    return 0;
}

static int print_report(struct lab *lab, int64_t end_ns)
{
    char *final = lab->opts->json ? mc_report_json_string(lab->m, end_ns, 0)
                                  : mc_report_text_string(lab->m, end_ns);
    int rc = -1;

    if (final != NULL && lab->ls == NULL)
        rc = fputs(final, stdout) < 0 ? -1 : 0;
    else if (final != NULL && lab->opts->json)
        rc = print_lesson_json(lab, final);
    else if (final != NULL)
        rc = print_lesson_text(lab, final);
    free(final);
    if (rc == 0 && fflush(stdout) != 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "mcscope: the report could not be written\n");
    return rc;
}

/* Whatever failed while the loop ran, said on stderr: 0 or 1. */
static int batch_status(struct lab *lab, enum loop_end end, int signo)
{
    struct mc_monitor_counters c;
    char why[64];
    int status = 0;

    if (signo != 0) {
        fprintf(stderr, "mcscope: interrupted (%s)\n", strsignal(signo));
        status = 1;
    } else if (end == LOOP_ERROR) {
        fprintf(stderr, "mcscope: the event loop failed: %s\n",
                strerror(errno));
        status = 1;
    } else if (lab->ls != NULL && !lab->over) {
        fprintf(stderr,
                "mcscope: the lesson did not end within --batch %g s "
                "(stage %zu of %zu ran): give it more seconds\n",
                lab->opts->batch_seconds, lab->stage + 1, lab->ls->nstages);
        status = 1;
    }
    for (size_t i = 0; i < NSOURCES; i++) {
        if (child_ended(&lab->child[i], why, sizeof why)) {
            fprintf(stderr, "mcscope: the sender in %s ended (%s)\n",
                    labnet_host_name(sources[i].host), why);
            status = 1;
        }
    }
    mc_monitor_counters(lab->m, &c);
    if (c.errors > 0 || c.refused > 0)
        status = 1;
    return status;
}

static int hangup_fd(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int run_batch(struct lab *lab)
{
    struct batch_loop bl = {lab, NULL, false};
    int hup = hangup_fd(), status, signo;
    enum loop_end end;

    lab->batch = true;
    bl.lp = loop_new(lab->m, lab->run);
    if (bl.lp == NULL || hup < 0 ||
        loop_add_fd(bl.lp, hup, POLLIN, on_hangup, &bl) < 0) {
        fprintf(stderr, "mcscope: cannot set up the event loop: %s\n",
                strerror(errno));
        loop_free(bl.lp);
        if (hup >= 0)
            close(hup);
        return 1;
    }
    loop_set_deadline(bl.lp,
                      mc_monitor_start_ns(lab->m) +
                          (int64_t)llround(lab->opts->batch_seconds * 1e9));
    loop_on_pass(bl.lp, batch_pass, &bl);
    if (lab->ls != NULL)
        start_stage(lab, 0);
    else
        add_lines(lab->run, demo_hints);
    end = loop_run(bl.lp);
    signo = bl.hangup ? SIGHUP : loop_signal(bl.lp);
    loop_free(bl.lp);
    close(hup);
    print_new_events(lab);
    status = batch_status(lab, end, signo);
    if (print_report(lab, mc_monitor_now_ns()) < 0)
        status = 1;
    return status;
}

/* ---- the TUI ---- */

#ifdef TUI_HAVE_EXT
/* The key of the TUI hook: the next stage, now or when this one ends. */
static void lesson_next(struct lab *lab)
{
    size_t k = lab->stage, n;

    if (lab->ls == NULL) {
        say(lab, "lab: no lesson runs: try mcscope --lab --lesson NAME");
        return;
    }
    n = lab->ls->nstages;
    if (lab->over) {
        say(lab, "lab: that was the last stage: q quits");
    } else if (lab->running) {
        if (!lab->queued)
            say(lab, "lab: stage %zu/%zu starts when stage %zu ends", k + 2, n,
                k + 1);
        lab->queued = true;
    } else {
        start_stage(lab, k + 1);
    }
}

static const char *lesson_status(struct lab *lab)
{
    const struct lesson *ls = lab->ls;

    if (ls == NULL)
        return NULL;
    snprintf(lab->status, sizeof lab->status, "lesson %s %zu/%zu: %s%s",
             ls->name, lab->stage + 1, ls->nstages, cur_stage(lab)->title,
             lab->over      ? " (the end)"
             : lab->running ? ""
                            : " (n: next)");
    return lab->status;
}

static void tui_pass(void *arg)
{
    lesson_pass(arg);
}

static void tui_key(void *arg)
{
    lesson_next(arg);
}

static const char *tui_status(void *arg)
{
    return lesson_status(arg);
}

static int run_tui(struct lab *lab)
{
    struct tui_ext ext = {
        .arg = lab,
        .on_pass = tui_pass,
        .key = 'n',
        .key_label = "next stage",
        .key_help = "lab lessons: start the next stage of the lesson",
        .on_key = tui_key,
        .status = tui_status,
    };

    if (lab->ls != NULL)
        start_stage(lab, 0);
    else
        add_lines(lab->run, demo_hints);
    return tui_run_ext(lab->m, lab->run, lab->ls != NULL ? &ext : NULL);
}
#else
/* Without the TUI hook: every stage in one script, LAB_FLAT_PAUSE s
 * apart; lab lines cannot run at their time, so they are narrated. */
static void feed_flat(struct lab *lab)
{
    const struct mc_script *src = lab->ls->src;

    for (size_t k = 0; k < lab->ls->nstages; k++) {
        const struct stage *st = &lab->ls->stage[k];
        char line[MC_CMD_ECHO_MAX];

        snprintf(line, sizeof line, "echo == stage %zu/%zu: %.200s ==", k + 1,
                 lab->ls->nstages, st->title);
        mc_script_add(lab->run, line, "lab");
        for (size_t i = st->first; i < st->end; i++) {
            const char *l = mc_script_line(src, i);

            if (action_of(l, NULL, 0) != ACT_NONE)
                mc_script_add(lab->run,
                              "echo (this TUI cannot run the lab's own "
                              "steps: run this lesson with --batch)",
                              "lab");
            else
                mc_script_add(lab->run, l, mc_script_origin(src, i));
        }
        if (k + 1 < lab->ls->nstages) {
            mc_script_add(
                lab->run,
                "echo == the next stage in " LAB_FLAT_PAUSE " s ==", "lab");
            mc_script_add(lab->run, "wait " LAB_FLAT_PAUSE, "lab");
        }
    }
    lab->stage = lab->ls->nstages - 1;
    lab->over = true;
}

static int run_tui(struct lab *lab)
{
    if (lab->ls != NULL)
        feed_flat(lab);
    else
        add_lines(lab->run, demo_hints);
    return tui_run(lab->m, lab->run);
}
#endif

/* ---- the mode ---- */

void lab_opts_init(struct lab_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->batch_seconds = -1;
}

/* Before anything is built: the lesson and the script.  0 or status. */
static int prepare(struct lab *lab)
{
    const struct lab_opts *o = lab->opts;
    int rc;

    find_exe(lab);
    if (o->batch_seconds < 0 &&
        (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fprintf(stderr, "mcscope: the TUI needs a terminal on stdin and "
                        "stdout: use --batch SECONDS for a report instead\n");
        return 1;
    }
    if (o->lesson != NULL) {
        lab->ls = calloc(1, sizeof *lab->ls);
        if (lab->ls == NULL)
            return 1;
        rc = resolve_lesson(lab, o->lesson, lab->ls);
        if (rc == 0)
            rc = lesson_read(lab->ls);
        if (rc != 0)
            return rc;
    }
    return build_script(lab);
}

static void lab_free(struct lab *lab)
{
    lesson_free(lab->ls);
    mc_script_free(lab->run);
    for (size_t k = 0; k < MAX_STAGES; k++)
        free(lab->stage_report[k]);
    free(lab);
}

static void say_lab(const struct lab *lab)
{
    const struct labnet *n = &lab->net;

    if (n->mode == LABNET_MODE_NAMED)
        fprintf(stderr,
                "mcscope: the lab is up in named network namespaces %s, %s, "
                "%s, %s (senders: pids %ld, %ld)\n",
                n->name[LABNET_SW], n->name[LABNET_S1], n->name[LABNET_S2],
                n->name[LABNET_RX], (long)lab->child[0], (long)lab->child[1]);
    else
        fprintf(stderr,
                "mcscope: the lab is up in user + network namespaces of "
                "this process, SW, S1, S2 and RX, which end with it "
                "(senders: pids %ld, %ld)\n",
                (long)lab->child[0], (long)lab->child[1]);
}

int lab_run(const struct lab_opts *opts)
{
    struct lab *lab = calloc(1, sizeof *lab);
    int status;

    if (lab == NULL)
        return 1;
    lab->opts = opts;
    status = prepare(lab);
    if (status != 0) {
        lab_free(lab);
        return status;
    }
    block_signals(lab);
    live_lab = lab;
    if (!atexit_set)
        atexit_set = atexit(down_at_exit) == 0;
    status = 1;
    if (lab_up(lab) == 0 && open_monitor(lab) == 0) {
        say_lab(lab);
        if (take_pending_signal() > 0)
            fprintf(stderr, "mcscope: interrupted while the lab was built\n");
        else
            status =
                lab->opts->batch_seconds >= 0 ? run_batch(lab) : run_tui(lab);
    }
    lab_down(lab);
    live_lab = NULL;
    restore_signals(lab);
    lab_free(lab);
    return status;
}
