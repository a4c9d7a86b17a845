/* mcscope: batch mode (see batch.h). */
#include "batch.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <json-c/json.h>

#include "control.h"
#include "health.h"
#include "loop.h"
#include "session.h"
#include "mcscope/monitor.h"
#include "mcscope/report.h"

/* The report at the end of a stage (a hook's run). */
struct batch_stage {
    char *title;
    double end_s; /* after the start */
    json_object *json;
    char *text;
};

struct batch {
    struct mc_monitor *m;
    struct mc_script *script;
    const struct batch_spec *spec;
    struct loop *lp;
    uint64_t printed; /* events up to this seq went to stderr */
    bool complete;    /* the hook said so */
    int hangup;       /* SIGHUP's signalfd, or -1 */
    bool hung_up;
    struct batch_stage *stage;
    size_t nstages, cap;
    int64_t next_report_ns; /* --interval: the next NDJSON line */
};

/* ---- while it runs ---- */

/* Errors and echo lines go to stderr as they happen (stdout is the
 * report's). */
static void print_new_events(struct batch *b)
{
    struct mc_event e;
    char text[MC_EVENT_TEXT_MAX];
    size_t n = mc_monitor_nevents(b->m);

    for (size_t i = 0; i < n; i++) {
        if (mc_monitor_event(b->m, i, &e) < 0 || e.seq <= b->printed)
            continue;
        b->printed = e.seq;
        if (e.kind == MC_EV_ERROR || e.kind == MC_EV_REFUSED)
            fprintf(stderr, "mcscope: %s: %s\n", mc_event_kind_name(e.kind),
                    mc_event_format(&e, text, sizeof text, MC_EVENT_UTF8));
        else if (e.kind == MC_EV_ECHO)
            fprintf(stderr, "%s\n",
                    mc_event_format(&e, text, sizeof text, MC_EVENT_UTF8));
    }
}

static void on_pass(void *arg, int flags)
{
    struct batch *b = arg;
    const struct batch_hook *h = b->spec->hook;

    if (h != NULL && h->on_pass != NULL && !b->complete &&
        h->on_pass(h->arg, b)) {
        b->complete = true;
        loop_stop(b->lp);
    }
    if ((flags & MC_MON_EVENTS) || h != NULL)
        print_new_events(b);
}

static void on_hangup(void *arg, int fd, short revents)
{
    struct batch *b = arg;
    struct signalfd_siginfo si;

    (void)revents;
    if (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        b->hung_up = true;
        loop_stop(b->lp);
    }
}

/* SIGHUP from a signalfd (blocked: the caller restores its mask). */
static int hangup_fd(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* ---- --interval: NDJSON ---- */

static int interval_timeout(void *arg)
{
    struct batch *b = arg;
    int64_t left = b->next_report_ns - mc_monitor_now_ns();

    if (left <= 0)
        return 0;
    return (int)((left + MC_NS_PER_MS - 1) / MC_NS_PER_MS);
}

/* The report as it is now, on one line; the next one interval later. */
static void on_interval(void *arg, int fd, short revents)
{
    struct batch *b = arg;
    int64_t now = mc_monitor_now_ns();
    struct mc_err err;

    (void)fd;
    (void)revents;
    if (now < b->next_report_ns)
        return;
    if (mc_report_json(b->m, now, 0, stdout, &err) < 0 || fflush(stdout) != 0)
        fprintf(stderr, "mcscope: an interval report could not be written\n");
    b->next_report_ns +=
        (int64_t)llround(b->spec->interval * (double)MC_NS_PER_S);
    if (b->next_report_ns <= now) /* a late pass: no burst of lines */
        b->next_report_ns =
            now + (int64_t)llround(b->spec->interval * (double)MC_NS_PER_S);
}

void batch_end_stage(struct batch *b, const char *title)
{
    int64_t now = mc_monitor_now_ns();
    struct batch_stage *st;

    if (b->nstages == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 8;
        void *p = realloc(b->stage, cap * sizeof *b->stage);

        if (p == NULL)
            return;
        b->stage = p;
        b->cap = cap;
    }
    st = &b->stage[b->nstages++];
    memset(st, 0, sizeof *st);
    st->title = strdup(title);
    st->end_s = (double)(now - mc_monitor_start_ns(b->m)) / (double)MC_NS_PER_S;
    if (b->spec->json)
        st->json = mc_report_json_object(b->m, now);
    else
        st->text = mc_report_text_string(b->m, now);
}

static void free_stages(struct batch *b)
{
    for (size_t k = 0; k < b->nstages; k++) {
        free(b->stage[k].title);
        json_object_put(b->stage[k].json);
        free(b->stage[k].text);
    }
    free(b->stage);
}

/* ---- at the end ---- */

/* --expect-packets: every group joined during the run got at least n. */
static bool health_ok(const struct mc_monitor *m, long long n)
{
    struct mc_group_view v;
    char a[MC_ADDR_STRLEN];
    bool ok = true;
    size_t i;

    for (i = 0; mc_monitor_group(m, i, &v) == 0; i++) {
        uint64_t got = mc_group_stats_counters(v.stats)->packets;

        if (got >= (uint64_t)n)
            continue;
        fprintf(stderr,
                "mcscope: health check: %s%s%s port %u received %" PRIu64
                " packets, fewer than %lld\n",
                mc_addr_format(&v.group, a, sizeof a),
                v.ifname[0] != '\0' ? " dev " : "", v.ifname, (unsigned)v.port,
                got, n);
        ok = false;
    }
    if (i == 0) {
        fprintf(stderr,
                "mcscope: health check: no group was joined, so "
                "none received %lld packets\n",
                n);
        ok = false;
    }
    return ok;
}

/* --write-pcap FILE: say so when no capture wrote it (none opened). */
static bool pcap_written(const struct mc_monitor *m, const char *file)
{
    struct mc_capture_view cv;

    for (size_t i = 0; mc_monitor_capture(m, i, &cv) == 0; i++)
        if (cv.file != NULL)
            return true;
    fprintf(stderr,
            "mcscope: --write-pcap %s: nothing was captured, so no file was "
            "written: join a group on a named interface (dev IFACE), or "
            "-e 'pcap on dev IFACE'\n",
            file);
    return false;
}

/* A hook's document as JSON: its head, each stage's report, the final. */
static int print_doc_json(const struct batch *b, int64_t end_ns)
{
    const struct batch_hook *h = b->spec->hook;
    json_object *root = json_object_new_object();
    json_object *stages = json_object_new_array();
    int rc;

    json_object_object_add(root, h->kind, json_object_new_string(h->name));
    json_object_object_add(root, "title", json_object_new_string(h->title));
    json_object_object_add(root, "variant", json_object_new_string(h->variant));
    json_object_object_add(root, "complete",
                           json_object_new_boolean(b->complete));
    for (size_t k = 0; k < b->nstages; k++) {
        const struct batch_stage *st = &b->stage[k];
        json_object *o = json_object_new_object();

        json_object_object_add(o, "stage",
                               json_object_new_int64((int64_t)k + 1));
        json_object_object_add(o, "title", json_object_new_string(st->title));
        json_object_object_add(o, "end_s", json_object_new_double(st->end_s));
        json_object_object_add(o, "report", json_object_get(st->json));
        if (h->stage_json != NULL)
            h->stage_json(h->arg, k, o);
        json_object_array_add(stages, o);
    }
    json_object_object_add(root, "stages", stages);
    json_object_object_add(root, "report", mc_report_json_object(b->m, end_ns));
    rc = fprintf(stdout, "%s\n",
                 json_object_to_json_string_ext(
                     root, JSON_C_TO_STRING_PRETTY |
                               JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
    json_object_put(root);
    return rc ? -1 : 0;
}

/* The same as text. */
static int print_doc_text(const struct batch *b, int64_t end_ns)
{
    const struct batch_hook *h = b->spec->hook;
    char *final = mc_report_text_string(b->m, end_ns);

    if (final == NULL)
        return -1;
    printf("%s %s: %s\n", h->kind, h->name, h->title);
    for (size_t k = 0; k < b->nstages; k++) {
        printf("\n== stage %zu/%zu: %s (ends at %.3f s) ==\n%s", k + 1,
               h->nstages, b->stage[k].title, b->stage[k].end_s,
               b->stage[k].text != NULL ? b->stage[k].text : "");
        if (h->stage_text != NULL)
            h->stage_text(h->arg, k, stdout);
    }
    printf("\n== the end ==\n%s", final);
    free(final);
    return 0;
}

static int report(const struct batch *b, int64_t end_ns)
{
    struct mc_err err;
    int rc;

    if (b->spec->hook != NULL && b->spec->hook->kind != NULL)
        rc = b->spec->json ? print_doc_json(b, end_ns)
                           : print_doc_text(b, end_ns);
    else if (b->spec->json)
        rc = mc_report_json(b->m, end_ns,
                            b->spec->interval > 0 ? 0 : MC_REPORT_PRETTY,
                            stdout, &err);
    else
        rc = mc_report_text(b->m, end_ns, stdout, &err);
    if (rc == 0 && fflush(stdout) != 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "mcscope: the report could not be written\n");
    return rc;
}

static void warn_unrun(const struct mc_script *s)
{
    size_t pos = mc_script_position(s);
    size_t more;

    if (mc_script_done(s))
        return;
    more = mc_script_nlines(s) - pos - 1;
    fprintf(stderr,
            "mcscope: the collection time ended before the script did: %s "
            "did not run",
            mc_script_origin(s, pos));
    if (more > 0)
        fprintf(stderr, ", nor the %zu line%s after it", more,
                more == 1 ? "" : "s");
    fputs(" (give --batch more seconds)\n", stderr);
}

/* Whatever ended the loop early, said on stderr: 0 or 1. */
static int loop_status(const struct batch *b, enum loop_end end, int64_t end_ns)
{
    int signo = b->hung_up ? SIGHUP : loop_signal(b->lp);

    if (signo != 0) {
        fprintf(stderr, "mcscope: interrupted (%s) after %.1f s\n",
                strsignal(signo),
                (double)(end_ns - mc_monitor_start_ns(b->m)) /
                    (double)MC_NS_PER_S);
        return 1;
    }
    if (end == LOOP_ERROR) {
        fprintf(stderr, "mcscope: the event loop failed: %s\n",
                strerror(errno));
        return 1;
    }
    return 0;
}

/* --lab-control: a command came, or the lab that sent them is gone. */
static void on_control(void *arg, int fd, short revents)
{
    struct batch *b = arg;

    (void)revents;
    if (control_serve(b->m, fd) < 0)
        loop_stop(b->lp);
}

static int open_loop(struct batch *b)
{
    const struct batch_spec *spec = b->spec;

    b->lp = loop_new(b->m, b->script);
    if (b->lp != NULL && spec->metrics != NULL &&
        metrics_http_attach(spec->metrics, b->lp) < 0) {
        loop_free(b->lp);
        b->lp = NULL;
    }
    /* fd -1: poll() ignores it; only the timeout calls on_interval. */
    b->next_report_ns = mc_monitor_start_ns(b->m) +
                        (int64_t)llround(spec->interval * (double)MC_NS_PER_S);
    if (b->lp != NULL && spec->interval > 0 &&
        loop_add_fd_timed(b->lp, -1, 0, on_interval, interval_timeout, b) < 0) {
        loop_free(b->lp);
        b->lp = NULL;
    }
    if (b->lp != NULL && spec->hangup) {
        b->hangup = hangup_fd();
        if (b->hangup < 0 ||
            loop_add_fd(b->lp, b->hangup, POLLIN, on_hangup, b) < 0) {
            loop_free(b->lp);
            b->lp = NULL;
        }
    }
    if (b->lp != NULL && spec->control_fd > 2 &&
        loop_add_fd(b->lp, spec->control_fd, POLLIN, on_control, b) < 0) {
        loop_free(b->lp);
        b->lp = NULL;
    }
    if (b->lp == NULL) {
        fprintf(stderr, "mcscope: cannot set up the event loop: %s\n",
                strerror(errno));
        return -1;
    }
    loop_set_deadline(
        b->lp, mc_monitor_start_ns(b->m) +
                   (int64_t)llround(spec->seconds * (double)MC_NS_PER_S));
    loop_on_pass(b->lp, on_pass, b);
    return 0;
}

static int collect(struct batch *b)
{
    const struct batch_spec *spec = b->spec;
    const struct batch_hook *h = spec->hook;
    struct mc_monitor_counters c;
    enum loop_end end;
    int64_t end_ns;
    int status;

    if (open_loop(b) < 0)
        return 1;
    if (h != NULL && h->on_start != NULL)
        h->on_start(h->arg, b);
    end = loop_run(b->lp);
    end_ns = mc_monitor_now_ns();
    print_new_events(b);
    status = loop_status(b, end, end_ns);
    loop_free(b->lp);
    b->lp = NULL;
    if (end == LOOP_DEADLINE)
        warn_unrun(b->script);
    if (h != NULL && h->check != NULL &&
        h->check(h->arg, end == LOOP_DEADLINE) != 0)
        status = 1;
    if (!spec->nagios && report(b, end_ns) < 0)
        status = 1;
    mc_monitor_counters(b->m, &c);
    if (c.errors > 0 || c.refused > 0)
        status = 1;
    if (spec->expect_packets > 0 && !health_ok(b->m, spec->expect_packets))
        status = 1;
    if (spec->write_pcap != NULL && !pcap_written(b->m, spec->write_pcap))
        status = 1;
    if (spec->nagios)
        return health_nagios(stdout, b->m, end_ns, spec->rules, spec->nrules,
                             status);
    if (health_check(b->m, end_ns, spec->rules, spec->nrules) != 0)
        status = 1;
    return status;
}

int batch_collect(struct mc_monitor *m, struct mc_script *script,
                  const struct batch_spec *spec)
{
    struct batch b = {.m = m, .script = script, .spec = spec, .hangup = -1};
    int status = collect(&b);

    if (b.hangup >= 0)
        close(b.hangup);
    free_stages(&b);
    return status;
}

int batch_run(const struct options *opts)
{
    struct batch_spec spec = {
        .seconds = opts->batch_seconds,
        .json = opts->json,
        .expect_packets = opts->expect_packets,
        .write_pcap = opts->write_pcap,
        .interval = opts->interval_seconds,
        .rules = opts->expect,
        .nrules = opts->nexpect,
        .nagios = opts->nagios,
        .control_fd = opts->control_fd,
    };
    struct session sess;
    int status = session_open(opts, true, &sess);

    if (status != 0) {
        if (opts->nagios) {
            health_nagios_unknown(stdout, "the run could not start (see "
                                          "stderr)");
            return 3;
        }
        return status;
    }
    spec.metrics = sess.metrics;
    status = batch_collect(sess.m, sess.script, &spec);
    session_close(&sess);
    return status;
}
