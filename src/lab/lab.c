/* mcscope: the lab mode (see lab.h). */
#include "lab.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../batch.h"
#include "../script.h"
#include "../tui.h"
#include "ui.h"
#include "catalog.h"
#include "fault.h"
#include "net.h"
#include "programs.h"
#include "stage.h"

#define LESSON_MENU_MAX 64
#define MAP_LINES 16

struct lab {
    const struct lab_opts *opts;
    struct lesson *ls;          /* NULL: the demo */
    const struct labtopo *topo; /* what the lab is built as */
    char exe[PATH_MAX];
    struct labnet net;
    bool net_up;
    struct labprogs progs;
    struct labfaults faults;
    struct mc_monitor *m;
    struct mc_script *run; /* what the loop runs */
    struct stage_run sr;   /* the lesson as it runs */
    struct ui *ui;         /* the TUI's, while it runs */
    /* the TUI's lesson list: "NAME  summary" per lesson of the catalogue */
    char menu_text[LESSON_MENU_MAX][LESSON_NAME_MAX + 80];
    const char *menu[LESSON_MENU_MAX];
    size_t nmenu;
    /* the lab's picture (key g) */
    char map_text[MAP_LINES][LABTOPO_LINE];
    const char *map_lines[MAP_LINES];
    char map_title[160];
    struct ui_labmap map;
    sigset_t old_mask;
};

static struct lab *live_lab; /* for atexit */
static bool atexit_set;

/* This program, for the children and the lesson folders; when its file
 * was replaced since it started, the children run /proc/self/exe. */
static void find_exe(struct lab *lab)
{
    ssize_t n = readlink("/proc/self/exe", lab->exe, sizeof lab->exe - 1);

    lab->exe[n > 0 ? n : 0] = '\0';
    if (n <= 0 || access(lab->exe, X_OK) != 0)
        snprintf(lab->exe, sizeof lab->exe, "/proc/self/exe");
}

/* ---- the script: the lab's start lines, -e, -f, then demo or lesson ---- */

/* The demo's first lines: %1$s is RX's interface, %2$s its IPv6 and
 * %3$s its IPv4 address. */
static const char *const demo_start[] = {
    "echo The mcscope lab: S1 (fd42::1, 10.200.0.1) and S2 (fd42::2, "
    "10.200.0.2) send 20 packets/s each to ff15::1234, ff3e::1234, "
    "239.1.1.1 and 232.1.1.1, port 5001. mcscope runs on RX (%2$s, "
    "%3$s, %1$s).",
    "cmsg tclass on",
    "cmsg hoplimit on",
    "pcap on",
    "join ff15::1234 dev %1$s",
    "join 239.1.1.1 dev %1$s",
    NULL,
};

static const char *const demo_hints[] = {
    "echo Try: x blocks a source (exclude-source ff15::1234 fd42::2 dev "
    "%1$s), i lets it in again, J joins one source of an SSM group "
    "(join-source ff3e::1234 fd42::1 dev %1$s), l leaves, ? lists the "
    "keys.",
    "echo Guided lessons: mcscope --lab --lesson NAME (mcscope --help lists "
    "them). q quits and removes the lab.",
    NULL,
};

/* The lines, each with RX's interface and addresses put in. */
static int add_lines(const struct lab *lab, struct mc_script *s,
                     const char *const *lines)
{
    const struct labtopo_port *rx = labtopo_first_port(lab->topo, LABNET_RX);
    char line[512];

    for (; *lines != NULL; lines++) {
        snprintf(line, sizeof line, *lines, rx->ifname, rx->a6, rx->a4);
        if (mc_script_add(s, line, "lab") < 0)
            return -1;
    }
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
        (lab->ls == NULL && add_lines(lab, lab->run, demo_start) < 0)) {
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

/* The lines after the start: the lesson, or the demo's hints.  0 or
 * -1 (said). */
static int begin(struct lab *lab)
{
    int rc = lab->ls != NULL ? stage_begin(&lab->sr)
                             : add_lines(lab, lab->run, demo_hints);

    if (rc < 0)
        fprintf(stderr, "mcscope: out of memory\n");
    return rc < 0 ? -1 : 0;
}

/* ---- up and down ---- */

static void lab_down(struct lab *lab)
{
    labfaults_all_off(&lab->faults);
    labprogs_stop_all(&lab->progs);
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
    no.topology = lab->topo->id;
    if (lab->ls != NULL) {
        no.rx_mld_version = lab->ls->mld_version;
        no.rx_igmp_version = lab->ls->igmp_version;
    }
    if (labnet_up(&no, &lab->net, why, sizeof why) < 0) {
        fprintf(stderr, "mcscope: cannot build the lab: %s\n", why);
        return -1;
    }
    lab->net_up = true;
    lab->progs.net = &lab->net;
    lab->progs.exe = lab->exe;
    labfaults_init(&lab->faults, &lab->net, &lab->progs);
    if (labprogs_start_senders(&lab->progs) < 0)
        return -1;
    for (size_t i = 0; i < lab->opts->nfaults; i++) {
        const char *name = lab->opts->faults[i];

        if (labfault_on(&lab->faults, name, why, sizeof why) < 0) {
            fprintf(stderr, "mcscope: the lab's fault %s: %s\n", name, why);
            return -1;
        }
        fprintf(stderr,
                "mcscope: lab fault %s is on: %s (diagnose: check %s)\n", name,
                labfault_find(name)->breaks, labfault_find(name)->check);
    }
    return 0;
}

/* on HOST COMMAND in the receiver: to the sender of HOST. */
static int on_host(void *arg, const char *host, const char *command,
                   char *reply, size_t len)
{
    struct lab *lab = arg;

    return labprogs_command(&lab->progs, host, command, reply, len);
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
    mc_monitor_set_hosts(lab->m, on_host, lab);
    lab->sr.ls = lab->ls;
    lab->sr.m = lab->m;
    lab->sr.run = lab->run;
    lab->sr.progs = &lab->progs;
    lab->sr.faults = &lab->faults;
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

/* ---- batch mode: batch.c's run, with the lesson as its hook ---- */

static void keep_stage(void *arg, size_t k, const char *title)
{
    (void)k;
    batch_end_stage(arg, title);
}

static void batch_start(void *arg, struct batch *b)
{
    struct lab *lab = arg;

    lab->sr.arg = b;
}

static bool batch_pass(void *arg, struct batch *b)
{
    struct lab *lab = arg;

    (void)b;
    return lab->sr.over;
}

/* The checks of stage k into its JSON: "checks": [{"rule", "ok",
 * "found"}...], "checks_failed". */
static void stage_json(void *arg, size_t k, struct json_object *o)
{
    struct lab *lab = arg;
    json_object *a = json_object_new_array();
    int64_t failed = 0;

    for (size_t i = 0; i < lab->sr.nchecks; i++) {
        const struct stage_check *c = &lab->sr.checks[i];
        json_object *e;

        if (c->stage != k)
            continue;
        e = json_object_new_object();
        json_object_object_add(e, "rule", json_object_new_string(c->rule));
        json_object_object_add(e, "ok", json_object_new_boolean(c->ok));
        json_object_object_add(e, "found", json_object_new_string(c->said));
        json_object_array_add(a, e);
        failed += !c->ok;
    }
    json_object_object_add(o, "checks", a);
    json_object_object_add(o, "checks_failed", json_object_new_int64(failed));
}

static void stage_text(void *arg, size_t k, FILE *out)
{
    struct lab *lab = arg;

    for (size_t i = 0; i < lab->sr.nchecks; i++) {
        const struct stage_check *c = &lab->sr.checks[i];

        if (c->stage == k)
            fprintf(out, "check %s: %s (%s)\n", c->rule,
                    c->ok ? "ok" : "FAILED", c->said);
    }
}

static int batch_check(void *arg, bool deadline)
{
    struct lab *lab = arg;
    int status = 0;
    size_t failed = stage_checks_failed(&lab->sr);

    for (size_t i = 0; failed > 0 && i < lab->sr.nchecks; i++)
        if (!lab->sr.checks[i].ok)
            fprintf(stderr,
                    "mcscope: lesson %s, stage %zu: check %s failed: "
                    "%s\n",
                    lab->ls->name, lab->sr.checks[i].stage + 1,
                    lab->sr.checks[i].rule, lab->sr.checks[i].said);
    if (failed > 0)
        status = 1;

    if (deadline && lab->ls != NULL && !lab->sr.over) {
        fprintf(stderr,
                "mcscope: the lesson did not end within --batch %g s "
                "(stage %zu of %zu ran): give it more seconds\n",
                lab->opts->batch_seconds, lab->sr.stage + 1, lab->ls->nstages);
        status = 1;
    }
    if (labprogs_check_senders(&lab->progs) != 0)
        status = 1;
    return status;
}

static int run_batch(struct lab *lab)
{
    struct batch_hook hook = {
        .arg = lab,
        .on_start = batch_start,
        .on_pass = batch_pass,
        .check = batch_check,
        .kind = "lesson",
        .stage_json = stage_json,
        .stage_text = stage_text,
    };
    struct batch_spec spec = {
        .seconds = lab->opts->batch_seconds,
        .json = lab->opts->json,
        .expect_packets = -1,
        .write_pcap = lab->opts->write_pcap,
        .hangup = true,
        .hook = &hook,
    };

    if (lab->ls != NULL) {
        hook.name = lab->ls->name;
        hook.title = lab->ls->title;
        hook.variant = lab->topo->name;
        hook.nstages = lab->ls->nstages;
        lab->sr.auto_next = true;
        lab->sr.stage_done = keep_stage;
    } else {
        hook.kind = NULL; /* the demo: the plain report */
    }
    if (begin(lab) < 0)
        return 1;
    return batch_collect(lab->m, lab->run, &spec);
}

/* ---- the TUI ---- */

/* The lesson's keys: n next, N previous, R restart, b the lesson list;
 * g the lab's picture (also in the demo). */
#define KEY_PREVIOUS 'N'
#define KEY_RESTART 'R'
#define KEY_LESSONS 'b'
#define KEY_MAP 'g'

/* The picture of this lab (topo.h) for the UI's lab map. */
static void make_map(struct lab *lab)
{
    const struct labnet *n = &lab->net;
    size_t k = labtopo_picture(
        n->topo, n->topo->router ? labrouter_name(n->router) : NULL,
        lab->map_text, MAP_LINES);

    for (size_t i = 0; i < k; i++)
        lab->map_lines[i] = lab->map_text[i];
    snprintf(lab->map_title, sizeof lab->map_title,
             " the lab: %s  (%s)  Esc: back", n->topo->name, n->topo->summary);
    lab->map.title = lab->map_title;
    lab->map.lines = lab->map_lines;
    lab->map.nlines = k;
    lab->map.nifs = 0;
    for (size_t l = 0; l < n->topo->nlinks; l++) {
        const struct labtopo_port *p = labtopo_port(n->topo, LABNET_RX, l);

        if (p != NULL && lab->map.nifs < UI_LABMAP_MAX_IFS)
            lab->map.ifname[lab->map.nifs++] = p->ifname;
    }
}

static void tui_problem(void *arg, const char *msg)
{
    struct lab *lab = arg;

    stage_say(lab->m, "lab: %.400s", msg);
}

/* A lesson picked from the list: it starts in this lab when the lab is
 * the variant it needs, else the log says how to run it. */
static void pick_lesson(void *arg, size_t i)
{
    struct lab *lab = arg;
    const struct lesson_complaints c = {.problem = tui_problem, .arg = lab};
    const char *name = catalog_name(i);
    struct lesson *ls = name != NULL ? catalog_open(name, lab->exe, &c) : NULL;

    if (ls == NULL) {
        stage_say(lab->m,
                  "lab: the lesson %s cannot be read (mcscope --lab "
                  "--lesson %s says why)",
                  name, name);
        return;
    }
    if (ls->topology != lab->ls->topology ||
        ls->mld_version != lab->ls->mld_version ||
        ls->igmp_version != lab->ls->igmp_version) {
        stage_say(lab->m,
                  "lab: the lesson %s needs another lab (the %s topology, "
                  "MLD and IGMP as it sets them): quit (q) and run mcscope "
                  "--lab --lesson %s",
                  ls->name, labtopo_get(ls->topology)->name, ls->name);
        lesson_free(ls);
        return;
    }
    if (stage_switch(&lab->sr, ls) < 0)
        stage_say(lab->m, "lab: out of memory");
    lesson_free(lab->ls);
    lab->ls = ls;
}

static void open_lessons(struct lab *lab)
{
    lab->nmenu = 0;
    for (size_t i = 0; i < catalog_count() && i < LESSON_MENU_MAX; i++) {
        snprintf(lab->menu_text[i], sizeof lab->menu_text[i], "%-10s %s%s",
                 catalog_name(i), catalog_summary(i),
                 strcmp(catalog_name(i), lab->ls->name) == 0 ? " (this one)"
                                                             : "");
        lab->menu[i] = lab->menu_text[i];
        lab->nmenu++;
    }
    ui_open_choice(lab->ui,
                   " lessons: Enter starts one from stage 1, Esc closes ",
                   lab->menu, lab->nmenu, pick_lesson, lab);
}

static void tui_key(void *arg, int key)
{
    struct lab *lab = arg;

    if (key == KEY_MAP)
        ui_open_labmap(lab->ui, &lab->map);
    else if (key == KEY_PREVIOUS)
        stage_previous(&lab->sr);
    else if (key == KEY_RESTART)
        stage_goto(&lab->sr, 0);
    else if (key == KEY_LESSONS)
        open_lessons(lab);
    else
        stage_next(&lab->sr);
}

/* The lasting line over the narration pane: the stage that runs. */
static void tui_stage_begun(void *arg, size_t k, const char *title)
{
    struct lab *lab = arg;
    char head[LESSON_NAME_MAX + LESSON_TITLE_MAX + 64];

    if (lab->ui == NULL)
        return;
    if (k < lab->ls->nstages)
        snprintf(head, sizeof head, "lesson %s, stage %zu/%zu: %s",
                 lab->ls->name, k + 1, lab->ls->nstages, title);
    else
        snprintf(head, sizeof head,
                 "lesson %s: all %zu stages done, keep exploring (q quits)",
                 lab->ls->name, lab->ls->nstages);
    ui_set_lesson(lab->ui, head, k < lab->ls->nstages);
}

/* The demo's words stay pinned too, from its welcome on. */
static void tui_made(void *arg, struct ui *ui)
{
    struct lab *lab = arg;

    lab->ui = ui;
    ui_set_quit_confirm(ui, "quit and remove the lab (its namespaces and "
                            "programs)? y or q quits, any other key stays");
    if (lab->ls == NULL)
        ui_set_lesson(ui, "the lab's demo: S1 and S2 send, mcscope runs on RX",
                      true);
}

static int run_tui(struct lab *lab)
{
    struct tui_ext ext = {
        .arg = lab,
        .on_ui = tui_made,
        .key = lab->ls != NULL ? 'n' : KEY_MAP,
        .key_label = lab->ls != NULL ? "next stage" : "lab map",
        .on_key = tui_key,
        .more = {{KEY_PREVIOUS, "previous stage",
                  "the stage before again: groups left, settings as before "
                  "the lesson, earlier stages' commands at once"},
                 {KEY_RESTART, "restart lesson",
                  "stage 1 again: groups left, settings and the other "
                  "program on RX as before the lesson"},
                 {KEY_LESSONS, "lessons",
                  "the lesson list: Enter starts another lesson from "
                  "stage 1 (this one reset as R does)"},
                 {KEY_MAP, "lab map",
                  "the lab's picture: hosts, links, addresses, and what "
                  "arrives on RX's links now (Esc: back)"}},
        .nmore = 4,
    };
    int status;

    make_map(lab);
    if (lab->ls == NULL)
        ext.nmore = 0; /* the demo: g alone */
    lab->sr.stage_begun = tui_stage_begun;
    lab->sr.arg = lab;
    if (begin(lab) < 0)
        return 1;
    status = tui_run_ext(lab->m, lab->run, &ext);
    lab->ui = NULL;
    return status;
}

/* ---- the mode ---- */

void lab_opts_init(struct lab_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->batch_seconds = -1;
}

static void lesson_problem(void *arg, const char *msg)
{
    (void)arg;
    fprintf(stderr, "mcscope: %s\n", msg);
}

/* Before anything is built: the lesson and the script.  0 or status. */
static int prepare(struct lab *lab)
{
    static const struct lesson_complaints complaints = {
        .problem = lesson_problem,
        .refused = script_print_refusal,
    };
    const struct lab_opts *o = lab->opts;

    find_exe(lab);
    if (o->batch_seconds < 0 &&
        (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fprintf(stderr, "mcscope: the TUI needs a terminal on stdin and "
                        "stdout: use --batch SECONDS for a report instead\n");
        return 1;
    }
    if (o->lesson != NULL) {
        lab->ls = catalog_open(o->lesson, lab->exe, &complaints);
        if (lab->ls == NULL)
            return 2;
    }
    lab->topo =
        labtopo_get(lab->ls != NULL ? lab->ls->topology : LABTOPO_BRIDGE);
    if (o->topology != NULL) {
        const struct labtopo *t = labtopo_by_name(o->topology);

        if (lab->ls != NULL && t != lab->topo) {
            fprintf(stderr,
                    "mcscope: the lesson %s runs in the %s lab, not in "
                    "--topology %s: leave --topology out\n",
                    lab->ls->name, lab->topo->name, o->topology);
            return 2;
        }
        lab->topo = t;
    }
    return build_script(lab);
}

static void lab_free(struct lab *lab)
{
    stage_end(&lab->sr);
    lesson_free(lab->ls);
    mc_script_free(lab->run);
    free(lab);
}

/* On stderr, and in the routed lab also in the log: what runs where. */
static void say_lab(const struct lab *lab)
{
    const struct labnet *n = &lab->net;
    const pid_t *s = lab->progs.sender;
    char names[LABNET_NHOSTS * (LABNET_NAME_MAX + 2)] = "";
    size_t at = 0;

    for (int h = 0; h < LABNET_NHOSTS; h++)
        if (labnet_has(n, (enum labnet_host)h) && at < sizeof names)
            at += (size_t)snprintf(names + at, sizeof names - at, "%s%s",
                                   at > 0 ? ", " : "",
                                   n->mode == LABNET_MODE_NAMED
                                       ? n->name[h]
                                       : labnet_host_name((enum labnet_host)h));
    if (n->mode == LABNET_MODE_NAMED)
        fprintf(stderr,
                "mcscope: the lab is up (%s) in named network namespaces %s "
                "(senders: pids %ld, %ld)\n",
                n->topo->name, names, (long)s[0], (long)s[1]);
    else
        fprintf(stderr,
                "mcscope: the lab is up (%s) in user + network namespaces of "
                "this process, %s, which end with it (senders: pids %ld, "
                "%ld)\n",
                n->topo->name, names, (long)s[0], (long)s[1]);
    if (n->topo->router) {
        fprintf(stderr, "mcscope: %s\n", labrouter_describe(n->router));
        stage_say(lab->m, "lab: %s.", labrouter_describe(n->router));
    }
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
