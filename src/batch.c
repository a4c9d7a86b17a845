/* mcscope: batch mode (see batch.h). */
#include "batch.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "session.h"
#include "mcscope/monitor.h"
#include "mcscope/report.h"

struct batch {
    struct mc_monitor *m;
    struct mc_script *script;
    uint64_t printed; /* events up to this seq went to stderr */
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

    if (flags & MC_MON_EVENTS)
        print_new_events(b);
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

static int report(const struct batch *b, const struct options *opts,
                  int64_t end_ns)
{
    struct mc_err err;
    int rc;

    if (opts->json)
        rc = mc_report_json(b->m, end_ns, MC_REPORT_PRETTY, stdout, &err);
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

static int collect(struct batch *b, const struct options *opts)
{
    struct mc_monitor_counters c;
    enum loop_end end;
    struct loop *lp;
    int64_t end_ns;
    int status = 0;

    lp = loop_new(b->m, b->script);
    if (lp == NULL) {
        fprintf(stderr, "mcscope: cannot set up the event loop: %s\n",
                strerror(errno));
        return 1;
    }
    loop_set_deadline(lp, mc_monitor_start_ns(b->m) +
                              (int64_t)llround(opts->batch_seconds * 1e9));
    loop_on_pass(lp, on_pass, b);
    end = loop_run(lp);
    end_ns = mc_monitor_now_ns();
    print_new_events(b);
    if (end == LOOP_SIGNAL) {
        fprintf(stderr, "mcscope: interrupted (%s) after %.1f s\n",
                strsignal(loop_signal(lp)),
                (double)(end_ns - mc_monitor_start_ns(b->m)) / 1e9);
        status = 1;
    } else if (end == LOOP_ERROR) {
        fprintf(stderr, "mcscope: the event loop failed: %s\n",
                strerror(errno));
        status = 1;
    }
    loop_free(lp);
    if (end == LOOP_DEADLINE)
        warn_unrun(b->script);
    if (report(b, opts, end_ns) < 0)
        status = 1;
    mc_monitor_counters(b->m, &c);
    if (c.errors > 0 || c.refused > 0)
        status = 1;
    if (opts->expect_packets > 0 && !health_ok(b->m, opts->expect_packets))
        status = 1;
    if (opts->write_pcap != NULL && !pcap_written(b->m, opts->write_pcap))
        status = 1;
    return status;
}

int batch_run(const struct options *opts)
{
    struct session sess;
    struct batch b = {0};
    int status = session_open(opts, true, &sess);

    if (status != 0)
        return status;
    b.m = sess.m;
    b.script = sess.script;
    status = collect(&b, opts);
    session_close(&sess);
    return status;
}
