/*
 * Unit tests: core/monitor.c and core/send.c in a private network
 * namespace, with IPv4 multicast on lo (IPv6 multicast is not delivered on
 * lo; the namespace-lab tests cover IPv6): the monitor joins 239.x on lo
 * and its own sender sends to it (loopback on).
 *
 * Covered: options; refused lines change nothing; memberships as asked vs
 * read back from the kernel; listeners opened and closed with the groups;
 * exact counts, hop limit and traffic class of its own probes; many
 * groups (the group hash, several sockets on one port); a source
 * restarted; the
 * receive holdoff (few wake-ups under load, none when idle); unattributed
 * packets with multicast-all; settings read back; control-message flags;
 * the event ring; stop-send; the sender's
 * pacing with synthetic times; run-time refusals; a per-packet source
 * (send ... source) and the per-group source cap; the ring of a group's
 * last packets with their control-message fields.
 *
 * The wire cross-check on lo (loopback: captured as two captures, in and
 * out): wire counts per source next to the socket's, the note that names
 * the difference (exclude, leave), `pcap on|off [dev]` and when captures
 * open and close (a join, the linger after the last leave, named ones),
 * and hand-made IGMP messages, good and malformed, as events, counters
 * and the reports list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mcscope/member.h"
#include "mcscope/metrics.h"
#include "mcscope/monitor.h"
#include "mcscope/priv.h"
#include "mcscope/report.h"
#include "mcscope/send.h"
#include "mcscope/sock.h"
#include "rawigmp.h"
#include "testns.h"
#include "testutil.h"

#define SELF "10.255.0.1" /* testns's address on lo */

extern char **environ;
#define MS 1000000LL

/* ---- helpers ---- */

static struct mc_monitor *mon_new(unsigned holdoff_us)
{
    return tu_monitor(holdoff_us);
}

/* Run a line that must work. */
static void ok(struct mc_monitor *m, const char *line)
{
    struct mc_err err;

    if (mc_monitor_exec_line(m, line, &err) != 0)
        fail_msg("'%s' failed: %s", line, err.msg);
}

/* Run a line that must fail with rc and a text containing want. */
static void refused(struct mc_monitor *m, const char *line, int rc,
                    const char *want)
{
    struct mc_err err;
    int got = mc_monitor_exec_line(m, line, &err);

    if (got != rc || strstr(err.msg, want) == NULL)
        fail_msg("'%s': got %d '%s', want %d with '%s'", line, got, err.msg, rc,
                 want);
}

/* One pass of the loop (testutil): poll the monitor's fds, dispatch.
 * Returns the dispatch flags. */
static int pass(struct mc_monitor *m, int max_ms)
{
    return tu_monitor_pass(&m, 1, max_ms);
}

/* Run the loop until no sender runs and no packet came for quiet_ms
 * (testutil; at most 30 s). */
static void pump_quiet(struct mc_monitor *m, int quiet_ms)
{
    tu_monitor_run_quiet(&m, 1, quiet_ms, 30000, NULL, NULL);
}

static void group(struct mc_monitor *m, size_t i, struct mc_group_view *v)
{
    assert_int_equal(mc_monitor_group(m, i, v), 0);
}

static const struct mc_counters *gcounts(struct mc_monitor *m, size_t i)
{
    struct mc_group_view v;

    group(m, i, &v);
    return mc_group_stats_counters(v.stats);
}

static void expect_mode(struct mc_monitor *m, size_t i,
                        enum mc_filter_mode mode, const char *const *srcs,
                        size_t n)
{
    struct mc_group_view v;
    struct mc_filter f;
    struct mc_err err;

    group(m, i, &v);
    assert_int_equal(v.mode, mode);
    assert_int_equal(v.nsources, n);
    for (size_t k = 0; k < n; k++) {
        struct mc_addr a = tu_addr(srcs[k]);

        assert_true(mc_addr_equal(&v.sources[k], &a));
    }
    /* The kernel holds what the monitor says. */
    assert_int_equal(mc_monitor_group_kernel_filter(m, i, &f, &err), 0);
    assert_int_equal(f.mode, mode);
    assert_int_equal(f.nsources, n);
    for (size_t k = 0; k < n; k++) {
        struct mc_addr a = tu_addr(srcs[k]);
        bool found = false;

        for (size_t j = 0; j < f.nsources && j < f.cap; j++)
            found |= mc_addr_equal(&f.sources[j], &a);
        assert_true(found);
    }
    mc_filter_free(&f);
}

/* The descriptors the monitor watches: its timerfd, and its receive
 * sockets and captures, which are in one epoll set (one pollfd). */
static size_t nfds(struct mc_monitor *m)
{
    struct pollfd fds[8];
    size_t watched = mc_monitor_nwatched(m);

    assert_int_equal(mc_monitor_pollfds(m, fds, 8), watched > 0 ? 2 : 1);
    return 1 + watched;
}

/* ---- tests ---- */

static void test_opts(void **state)
{
    struct mc_monitor_opts o;
    struct mc_monitor *m;
    struct mc_err err;

    (void)state;
    mc_monitor_opts_init(&o);
    assert_int_equal(o.rcvbuf, 4 << 20);
    assert_int_equal(o.holdoff_us, 1000);
    assert_int_equal(o.batch, 256);
    assert_int_equal(o.max_events, 1000);
    o.batch = 0;
    assert_int_equal(mc_monitor_new(&o, &m, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "batch"));
    o.batch = 2048;
    assert_int_equal(mc_monitor_new(&o, &m, &err), -EINVAL);
    mc_monitor_opts_init(&o);
    o.max_events = 0;
    assert_int_equal(mc_monitor_new(&o, &m, &err), -EINVAL);
    assert_int_equal(mc_monitor_new(NULL, &m, &err), 0);
    /* A fresh monitor: only its timerfd to poll, the tick within 1 s. */
    assert_int_equal(nfds(m), 1);
    assert_true(mc_monitor_next_timeout_ms(m) <= 1001);
    mc_monitor_free(m);
}

static void test_refused_line(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_monitor_counters c;
    struct mc_event e;
    struct mc_err err;

    (void)state;
    assert_int_equal(mc_monitor_exec_line(m, "jion 239.1.1.1", &err), -EINVAL);
    assert_non_null(strstr(err.msg, "did you mean 'join'"));
    assert_int_equal(mc_monitor_exec_line(m, "join 232.1.1.1%lo", &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "RFC 4607"));
    assert_int_equal(mc_monitor_ngroups(m), 0);
    assert_int_equal(nfds(m), 1);
    mc_monitor_counters(m, &c);
    assert_int_equal(c.refused, 2);
    assert_int_equal(c.errors, 0);
    assert_int_equal(mc_monitor_nevents(m), 2);
    assert_int_equal(mc_monitor_event(m, 0, &e), 0);
    assert_int_equal(e.kind, MC_EV_REFUSED);
    assert_non_null(strstr(tu_event_text(&e), "jion 239.1.1.1: jion"));
    /* Blank and comment lines do nothing and log nothing. */
    ok(m, "   # nothing");
    assert_int_equal(mc_monitor_nevents(m), 2);
    mc_monitor_free(m);
}

/* on HOST: refused without a host handler (no lab); with one, the line
 * it gets is the command's canonical text, its reply goes into the
 * command's event, its refusal is the command's error. */
struct host_seen {
    char host[16], command[128];
    int rc;
};

static int fake_host(void *arg, const char *host, const char *command,
                     char *reply, size_t len)
{
    struct host_seen *h = arg;

    snprintf(h->host, sizeof h->host, "%s", host);
    snprintf(h->command, sizeof h->command, "%s", command);
    snprintf(reply, len, h->rc == 0 ? "S1 says: %s" : "no host %s here",
             h->rc == 0 ? command : host);
    return h->rc;
}

static void test_on_host(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct host_seen h = {0};
    struct mc_event e;

    (void)state;
    refused(m, "on s1 set mcast-hoplimit 2", -EHOSTUNREACH,
            "there is no host s1 here: on HOST speaks to the hosts of "
            "mcscope --lab");
    mc_monitor_set_hosts(m, fake_host, &h);
    ok(m, "on s1 set   mcast-hoplimit 2");
    assert_string_equal(h.host, "s1");
    assert_string_equal(h.command, "set mcast-hoplimit 2");
    assert_int_equal(mc_monitor_command_event(m, &e), 0);
    assert_int_equal(e.kind, MC_EV_OK);
    assert_string_equal(tu_event_text(&e), "on s1 set mcast-hoplimit 2: S1 "
                                           "says: set mcast-hoplimit 2");
    h.rc = -EHOSTUNREACH;
    refused(m, "on s7 stop-send", -EHOSTUNREACH, "no host s7 here");
    assert_int_equal(mc_monitor_command_event(m, &e), 0);
    assert_int_equal(e.kind, MC_EV_ERROR);
    mc_monitor_free(m);
}

static void test_join_leave(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_group_view v;
    struct mc_event e;

    (void)state;
    ok(m, "join 239.1.1.1 dev lo port 6001");
    assert_int_equal(mc_monitor_ngroups(m), 1);
    group(m, 0, &v);
    assert_true(v.joined);
    assert_int_equal(v.port, 6001);
    assert_int_equal(v.ifindex, testns_lo_index());
    assert_string_equal(v.ifname, "lo");
    expect_mode(m, 0, MC_MODE_ASM, NULL, 0);
    assert_int_equal(nfds(m), 2); /* timerfd + the port's socket */
    assert_int_equal(mc_monitor_event(m, 0, &e), 0);
    assert_int_equal(e.kind, MC_EV_OK);
    assert_string_equal(tu_event_text(&e), "join 239.1.1.1 dev lo port 6001");

    /* Passive: a second group on the same port has its own socket, bound
     * to it; with bind any, groups on a port share the wildcard's. */
    ok(m, "join 239.1.1.2%lo port 6001");
    assert_int_equal(nfds(m), 3);
    group(m, 1, &v);
    assert_int_equal(v.binding, MC_BIND_GROUP);
    ok(m, "leave 239.1.1.2 dev lo port 6001");
    ok(m, "leave 239.1.1.1 dev lo port 6001");
    /* Nothing joined on the port: its socket is closed, the records stay. */
    assert_int_equal(nfds(m), 1);
    assert_int_equal(mc_monitor_ngroups(m), 2);
    group(m, 0, &v);
    assert_false(v.joined);
    assert_true(v.left_ns > 0);
    expect_mode(m, 0, MC_MODE_NONE, NULL, 0);
    /* Joining again counts on in the same record. */
    ok(m, "join 239.1.1.1 dev lo port 6001");
    assert_int_equal(mc_monitor_ngroups(m), 2);
    group(m, 0, &v);
    assert_true(v.joined);
    assert_int_equal(v.left_ns, 0);
    mc_monitor_free(m);
}

/* bind any: the groups of a port share the wildcard's socket, next to
 * the passive ones; a leave finds the socket that holds the group. */
static void test_bind_any(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_group_view v;

    (void)state;
    ok(m, "join 239.1.2.1%lo port 6002");
    ok(m, "join 239.1.2.3%lo port 6002 bind any");
    ok(m, "join 239.1.2.4%lo port 6002 bind any");
    assert_int_equal(nfds(m), 3);
    group(m, 0, &v);
    assert_int_equal(v.binding, MC_BIND_GROUP);
    assert_string_equal(mc_binding_name(v.binding), "group");
    group(m, 2, &v);
    assert_int_equal(v.binding, MC_BIND_ANY);
    assert_string_equal(mc_binding_name(v.binding), "any");
    ok(m, "exclude-source 239.1.2.4 10.0.0.1 dev lo port 6002");
    expect_mode(m, 2, MC_MODE_EXCLUDE, (const char *const[]){"10.0.0.1"}, 1);
    ok(m, "leave 239.1.2.4 dev lo port 6002");
    ok(m, "leave 239.1.2.3 dev lo port 6002");
    assert_int_equal(nfds(m), 2);
    ok(m, "leave 239.1.2.1 dev lo port 6002");
    assert_int_equal(nfds(m), 1);
    mc_monitor_free(m);
}

/* Whether an event's text (as the log shows it) is text. */
static bool has_event_text(struct mc_monitor *m, const char *text)
{
    char buf[MC_EVENT_TEXT_MAX];
    struct mc_event e;

    for (size_t i = 0; mc_monitor_event(m, i, &e) == 0; i++)
        if (strcmp(mc_event_format(&e, buf, sizeof buf, 0), text) == 0)
            return true;
    return false;
}

/* Two listeners of one group and port in one monitor (the seed's first
 * listener on the wildcard, the second on the group): two rows, each
 * counting what its own socket took; the wildcard's datagrams for other
 * destinations (multicast-all on: a group another socket joined) in its
 * row's other_dst, never in another row; a leave without bind refused as
 * ambiguous (by the precheck too), with the two commands that are not. */
static void test_two_listeners(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_monitor *tx = mon_new(1000);
    struct mc_group_view v;
    struct mc_cmd cmd;
    struct mc_err err;
    char *text;

    (void)state;
    ok(m, "join 239.1.4.1%lo port 6005");
    ok(m, "join 239.1.4.1%lo port 6005 bind any");
    ok(m, "join 239.1.4.2%lo port 6005");
    refused(m, "join 239.1.4.1%lo port 6005 bind any", -EADDRINUSE, "");
    assert_int_equal(mc_monitor_ngroups(m), 3);
    assert_int_equal(nfds(m), 4); /* timer, 2 bound to groups, wildcard */
    group(m, 1, &v);
    assert_int_equal(v.binding, MC_BIND_ANY);
    ok(tx, "send 239.1.4.1 dev lo port 6005 rate 1000 count 10");
    ok(tx, "send 239.1.4.2 dev lo port 6005 rate 1000 count 7");
    pump_quiet(tx, 50);
    pump_quiet(m, 100);
    assert_int_equal(gcounts(m, 0)->packets, 10);
    assert_int_equal(gcounts(m, 1)->packets, 10);
    assert_int_equal(gcounts(m, 2)->packets, 7);
    group(m, 1, &v);
    assert_int_equal(v.other_dst, 0); /* multicast-all off: its own only */
    /* each row's news in the log, the wildcard's reading "GROUP *" */
    assert_true(has_event_text(m, "239.1.4.1 port 6005: new source " SELF));
    assert_true(has_event_text(m, "239.1.4.1 * port 6005: new source " SELF));
    assert_false(has_event_text(m, "239.1.4.2 * port"));

    ok(m, "set multicast-all on");
    ok(tx, "send 239.1.4.2 dev lo port 6005 rate 1000 count 5");
    pump_quiet(tx, 50);
    pump_quiet(m, 100);
    assert_int_equal(gcounts(m, 2)->packets, 12); /* once, by its socket */
    assert_int_equal(gcounts(m, 1)->packets, 10);
    assert_int_equal(gcounts(m, 0)->packets, 10);
    group(m, 1, &v);
    assert_int_equal(v.other_dst, 5);
    group(m, 0, &v);
    assert_int_equal(v.other_dst, 0);
    /* two series in the exposition, the wildcard's labelled bind="any" */
    text = mc_metrics_text(m, mc_monitor_now_ns(), "test", NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "mcscope_packets_total{group=\"239.1.4.1\","
                                 "iface=\"lo\",port=\"6005\",source=\"" SELF
                                 "\"} 10\n"));
    assert_non_null(strstr(text, "mcscope_packets_total{group=\"239.1.4.1\","
                                 "iface=\"lo\",port=\"6005\",bind=\"any\","
                                 "source=\"" SELF "\"} 10\n"));
    free(text);
    /* the text report: the wildcard's row marked, its other destinations */
    text = mc_report_text_string(m, mc_monitor_now_ns());
    assert_non_null(text);
    assert_non_null(strstr(text, "\n239.1.4.1 * "));
    assert_non_null(strstr(text, "239.1.4.1 * port 6005: the wildcard socket "
                                 "also took 5 datagrams for other "
                                 "destinations"));
    free(text);

    assert_int_equal(
        mc_cmd_parse("leave 239.1.4.1 dev lo port 6005", &cmd, &err), 0);
    assert_int_equal(mc_monitor_precheck(m, &cmd, &err), -EINVAL);
    refused(m, "leave 239.1.4.1 dev lo port 6005", -EINVAL,
            "leave 239.1.4.1 port 6005: joined twice, by a socket bound to "
            "the group and by one bound to the wildcard (bind any): say "
            "which, 'leave 239.1.4.1 dev lo port 6005 bind group' or 'leave "
            "239.1.4.1 dev lo port 6005 bind any'");
    ok(m, "leave 239.1.4.1 dev lo port 6005 bind any");
    group(m, 1, &v);
    assert_false(v.joined);
    group(m, 0, &v);
    assert_true(v.joined);
    /* one joined now: no bind needed */
    ok(m, "leave 239.1.4.1 dev lo port 6005");
    group(m, 0, &v);
    assert_false(v.joined);
    ok(m, "leave 239.1.4.2 dev lo port 6005");
    assert_int_equal(nfds(m), 1);
    mc_monitor_free(tx);
    mc_monitor_free(m);
}

/* bind wire: nothing bound on the port (another program may bind it
 * without SO_REUSEADDR afterwards), the group counted by a capture. */
static void test_bind_wire(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_monitor *tx = mon_new(1000);
    struct mc_group_view v;
    struct mc_event e;
    struct mc_err err;
    int app;

    (void)state;
    ok(m, "join 239.1.3.1%lo port 6003 bind wire");
    group(m, 0, &v);
    assert_int_equal(v.binding, MC_BIND_WIRE_ONLY);
    assert_int_equal(v.holder_pid, 0);
    assert_true(v.wire_now);
    /* the event before the command's own */
    assert_int_equal(mc_monitor_event(m, mc_monitor_nevents(m) - 2, &e), 0);
    assert_int_equal(e.type, MC_ET_WIRE_ONLY);
    assert_true(e.flags & MC_EVF_ASKED);
    assert_string_equal(tu_event_text(&e),
                        "239.1.3.1 port 6003: bind wire: nothing bound on the "
                        "port; counted by the capture on lo");
    /* A program without SO_REUSEADDR binds the port after mcscope. */
    app = mc_sock_open_udp(AF_INET, &err);
    assert_true(app >= 0);
    assert_int_equal(mc_sock_bind(app, NULL, 6003, 0, false, &err), 0);
    ok(tx, "send 239.1.3.1 dev lo port 6003 rate 1000 count 10");
    pump_quiet(tx, 50);
    pump_quiet(m, 200);
    assert_int_equal(gcounts(m, 0)->packets, 0);
    assert_int_equal(gcounts(m, 0)->wire_packets, 10);
    close(app);
    ok(m, "leave 239.1.3.1 dev lo port 6003");
    mc_monitor_free(tx);
    mc_monitor_free(m);
}

/* The kernel's drop counter of socket inode (/proc/net/udp, its last
 * column, read here without mcscope's parser); -1: no such socket. */
static long proc_drops(unsigned long inode)
{
    char line[512];
    long drops = -1;
    FILE *f = fopen("/proc/net/udp", "r");

    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned long ino;
        long d;

        if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %lu %*s %*s %ld",
                   &ino, &d) == 2 &&
            ino == inode)
            drops = d;
    }
    fclose(f);
    return drops;
}

/* Another process's socket on a joined port that cannot keep up: each
 * rise of its kernel drop counter is an event with its pid and name, and
 * the rises add up to the counter. */
static void test_app_drops(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_monitor *tx = mon_new(1000);
    struct mc_group_view v;
    struct mc_app_view a;
    struct mc_event e;
    int ready[2], hold[2];
    uint64_t sum = 0;
    unsigned events = 0;
    long drops;
    pid_t child;
    char c;

    (void)state;
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(hold), 0);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        struct mc_err err;
        struct mc_addr g = tu_addr("239.1.4.1");
        int s = mc_sock_open_udp(AF_INET, &err), small = 1;

        if (s < 0 ||
            setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof small) < 0 ||
            mc_sock_bind(s, NULL, 6005, 0, true, &err) < 0 ||
            mc_join_group(s, testns_lo_index(), &g, &err) < 0)
            _exit(1);
        close(hold[1]);
        (void)!write(ready[1], "r", 1);
        (void)!read(hold[0], &c, 1); /* never reads its socket */
        _exit(0);
    }
    close(hold[0]);
    assert_int_equal(read(ready[0], &c, 1), 1);
    ok(m, "join 239.1.4.1 dev lo port 6005");
    tu_monitor_run_ms(&m, 1, 1300); /* a tick: the socket, 0 drops */
    assert_int_equal(mc_monitor_group_app(m, 0, 0, &a), 0);
    assert_int_equal(a.a.pid, child);
    assert_true(a.receives);
    assert_int_equal(a.a.s.drops, 0);
    assert_int_equal(mc_monitor_group_app(m, 0, 1, &a), -ENOENT);
    ok(tx, "send 239.1.4.1 dev lo port 6005 rate 2000 count 100");
    pump_quiet(tx, 50);
    tu_monitor_run_ms(&m, 1, 1300); /* the next tick sees the rise */
    group(m, 0, &v);
    assert_int_equal(gcounts(m, 0)->packets, 100); /* mcscope lost none */
    assert_int_equal(mc_monitor_group_app(m, 0, 0, &a), 0);
    drops = proc_drops((unsigned long)a.a.s.inode);
    assert_true(drops > 50); /* its buffer holds a few datagrams */
    assert_int_equal(a.a.s.drops, (uint64_t)drops);
    for (size_t i = 0; mc_monitor_event(m, i, &e) == 0; i++) {
        if (e.type != MC_ET_APP_DROPS)
            continue;
        assert_int_equal(e.count2, (uint64_t)child);
        assert_int_equal(e.port, 6005);
        assert_non_null(strstr(tu_event_text(&e), "datagrams: its receive "
                                                  "buffer is full"));
        sum += e.count;
        events++;
    }
    assert_true(events >= 1);
    assert_int_equal(sum, (uint64_t)drops);
    close(hold[1]);
    waitpid(child, NULL, 0);
    close(ready[0]);
    close(ready[1]);
    mc_monitor_free(tx);
    mc_monitor_free(m);
}

/* Out of descriptors (a socket per group and port): the join is refused
 * with the count, the limit and the fix; a child with a soft limit of 32
 * and a hard limit of 64 (the monitor raises its soft limit when the
 * joins need more, not before, up to the hard one). */
static void test_fd_shortfall(void **state)
{
    pid_t child;
    int st;

    (void)state;
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        struct rlimit rl = {32, 64};
        struct mc_monitor *m;
        struct mc_err err;
        char line[96];
        int rc = 0, i;

        if (setrlimit(RLIMIT_NOFILE, &rl) < 0 ||
            mc_monitor_new(NULL, &m, &err) < 0)
            _exit(10);
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur != 32)
            _exit(15); /* raised before any join needed it */
        for (i = 0; i < 200 && rc == 0; i++) {
            snprintf(line, sizeof line, "join 239.7.0.%d dev lo port 6007",
                     i + 1);
            rc = mc_monitor_exec_line(m, line, &err);
        }
        if (rc != -EMFILE) {
            fprintf(stderr, "join %d: %d %s\n", i, rc, err.msg);
            _exit(11);
        }
        if (mc_monitor_ngroups(m) != (size_t)i - 1)
            _exit(14); /* the refused join made no record */
        if (strstr(err.msg, "no file descriptor left: mcscope holds ") ==
                NULL ||
            strstr(err.msg, "the limit is 64 (raised to the hard limit 64)") ==
                NULL ||
            strstr(err.msg, "join with bind any") == NULL)
            _exit(12);
        mc_monitor_free(m);
        _exit(i > 30 ? 0 : 13);
    }
    assert_int_equal(waitpid(child, &st, 0), child);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_modes(void **state)
{
    static const char *const s1[] = {"10.0.0.1"};
    static const char *const s12[] = {"10.0.0.1", "10.0.0.2"};
    struct mc_monitor *m = mon_new(1000);

    (void)state;
    ok(m, "join 239.2.0.1 dev lo");
    ok(m, "exclude-source 239.2.0.1 10.0.0.1 dev lo");
    expect_mode(m, 0, MC_MODE_EXCLUDE, s1, 1);
    ok(m, "exclude-source 239.2.0.1 10.0.0.2 dev lo");
    expect_mode(m, 0, MC_MODE_EXCLUDE, s12, 2);
    ok(m, "include-source 239.2.0.1 10.0.0.2 dev lo");
    ok(m, "include-source 239.2.0.1 10.0.0.1 dev lo");
    expect_mode(m, 0, MC_MODE_ASM, NULL, 0);
    ok(m, "leave 239.2.0.1 dev lo");

    ok(m, "join-source 239.2.0.1 10.0.0.1 dev lo");
    expect_mode(m, 0, MC_MODE_INCLUDE, s1, 1);
    ok(m, "join-source 239.2.0.1 10.0.0.2 dev lo");
    expect_mode(m, 0, MC_MODE_INCLUDE, s12, 2);
    /* Exclude-source in include mode: refused, nothing changes. */
    refused(m, "exclude-source 239.2.0.1 10.0.0.3 dev lo", -EINVAL,
            "mode conflict");
    expect_mode(m, 0, MC_MODE_INCLUDE, s12, 2);
    ok(m, "leave-source 239.2.0.1 10.0.0.2 dev lo");
    ok(m, "leave-source 239.2.0.1 10.0.0.1 dev lo");
    /* The last include source gone: the kernel left the group. */
    expect_mode(m, 0, MC_MODE_NONE, NULL, 0);
    assert_int_equal(nfds(m), 1);

    /* SSM include on an SSM group. */
    ok(m, "join-source 232.1.1.1 10.0.0.1 dev lo");
    expect_mode(m, 1, MC_MODE_INCLUDE, s1, 1);
    mc_monitor_free(m);
}

static void test_send_to_self(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    const struct mc_source_stats *s;
    struct mc_seq_stats q;
    struct mc_monitor_counters c;
    struct mc_group_view v;
    struct mc_sender_info si;
    struct mc_addr self = tu_addr(SELF);

    (void)state;
    ok(m, "join 239.3.0.1 dev lo port 6100");
    ok(m, "send 239.3.0.1 dev lo port 6100 rate 2000 count 500 size 200 "
          "tclass 0x28 hoplimit 9");
    pump_quiet(m, 200);
    assert_int_equal(mc_monitor_sender(m, 0, &si), 0);
    assert_false(si.running);
    assert_int_equal(si.sent, 500);
    assert_int_equal(si.error, 0);
    group(m, 0, &v);
    assert_int_equal(mc_group_stats_counters(v.stats)->packets, 500);
    assert_int_equal(mc_group_stats_counters(v.stats)->bytes, 500 * 200);
    assert_int_equal(mc_group_stats_source_count(v.stats), 1);
    s = mc_group_stats_lookup(v.stats, &self);
    assert_non_null(s);
    assert_int_equal(mc_source_counters(s)->packets, 500);
    assert_int_equal(mc_source_counters(s)->probes, 500);
    assert_int_equal(mc_source_counters(s)->hoplimit, 9);
    assert_int_equal(mc_source_counters(s)->tclass, 0x28);
    mc_source_seq(s, &q);
    assert_true(q.known);
    assert_int_equal(q.received, 500);
    assert_int_equal(q.lost, 0);
    assert_int_equal(q.duplicates, 0);
    assert_int_equal(q.sender_id, si.sender_id);
    assert_true(q.delay_known); /* one host, one clock */
    assert_true(q.delay_min_ns >= 0);
    mc_monitor_counters(m, &c);
    assert_int_equal(c.rx_packets, 500);
    assert_int_equal(c.unattributed_packets, 0);
    assert_int_equal(c.socket_drops, 0);
    assert_int_equal(c.truncated, 0);
    mc_monitor_free(m);
}

/*
 * Many groups on one port: the group hash grows past its first sizes,
 * IPv4's per-socket membership limit makes the listener open more
 * sockets (each polled, each known to the fd table), and packets still
 * go to their own group; leaving them all closes every socket.
 */
static void test_many_groups(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct pollfd fds[64];
    struct mc_group_view v;
    char line[128];
    size_t n;

    (void)state;
    for (int i = 0; i < 100; i++) {
        snprintf(line, sizeof line, "join 239.6.%d.%d dev lo port 6200", i / 50,
                 i % 50 + 1);
        ok(m, line);
    }
    assert_int_equal(mc_monitor_ngroups(m), 100);
    n = nfds(m);
    assert_true(n > 2);       /* the timerfd and more than one socket */
    assert_int_equal(n, 101); /* passive: one socket per group */
    assert_int_equal(mc_monitor_pollfds(m, fds, 64), 2); /* and one epoll */
    ok(m, "send 239.6.1.50 dev lo port 6200 rate 1000 count 20");
    ok(m, "send 239.6.0.3 dev lo port 6200 rate 1000 count 10");
    pump_quiet(m, 200);
    for (size_t i = 0; i < 100; i++) {
        group(m, i, &v);
        if (i == 99)
            assert_int_equal(mc_group_stats_counters(v.stats)->packets, 20);
        else if (i == 2)
            assert_int_equal(mc_group_stats_counters(v.stats)->packets, 10);
        else
            assert_int_equal(mc_group_stats_counters(v.stats)->packets, 0);
    }
    for (int i = 0; i < 100; i++) {
        snprintf(line, sizeof line, "leave 239.6.%d.%d dev lo port 6200",
                 i / 50, i % 50 + 1);
        ok(m, line);
    }
    assert_int_equal(mc_monitor_pollfds(m, fds, 64), 1); /* the timerfd */
    /* A join again finds the record (by hash) and counts on. */
    ok(m, "join 239.6.1.50 dev lo port 6200");
    assert_int_equal(mc_monitor_ngroups(m), 100);
    mc_monitor_free(m);
}

/*
 * Under load the data sockets are polled at most once per holdoff: far
 * fewer wake-ups and recvmmsg calls than packets, and none lost.
 */
static void test_holdoff_under_load(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_monitor_counters c;
    struct pollfd fds[8];
    bool saw_holdoff = false;
    int64_t t0;

    (void)state;
    ok(m, "join 239.3.0.2 dev lo port 6101");
    ok(m, "send 239.3.0.2 dev lo port 6101 rate 100000 count 20000");
    t0 = mc_monitor_now_ns();
    while (mc_monitor_senders_running(m) > 0) {
        int flags = pass(m, 100);

        /* Right after a drain that returned packets: only the timerfd is
         * polled, and the timeout is the holdoff's rest. */
        if ((flags & MC_MON_PACKETS) && mc_monitor_pollfds(m, fds, 8) == 1 &&
            mc_monitor_next_timeout_ms(m) <= 1)
            saw_holdoff = true;
        assert_true(mc_monitor_now_ns() - t0 < 20000 * MS);
    }
    pump_quiet(m, 200);
    assert_true(saw_holdoff);
    assert_int_equal(gcounts(m, 0)->packets, 20000);
    mc_monitor_counters(m, &c);
    assert_int_equal(c.socket_drops, 0);
    print_message("holdoff: 20000 packets, %llu wake-ups, %llu recvmmsg "
                  "calls, %llu holdoffs\n",
                  (unsigned long long)c.wakeups,
                  (unsigned long long)c.recv_calls,
                  (unsigned long long)c.holdoffs);
    assert_true(c.wakeups < 20000 / 5);
    assert_true(c.recv_calls < 20000 / 5);
    assert_true(c.holdoffs > 0);
    mc_monitor_free(m);
}

/* Holdoff 0: the sockets are always polled (one wake-up per packet). */
static void test_holdoff_off(void **state)
{
    struct mc_monitor *m = mon_new(0);
    struct mc_monitor_counters c;

    (void)state;
    ok(m, "join 239.3.0.3 dev lo port 6102");
    ok(m, "send 239.3.0.3 dev lo port 6102 rate 1000 count 20");
    pump_quiet(m, 100);
    assert_int_equal(gcounts(m, 0)->packets, 20);
    assert_int_equal(nfds(m), 2);
    mc_monitor_counters(m, &c);
    assert_int_equal(c.holdoffs, 0);
    mc_monitor_free(m);
}

/* An idle monitor sleeps in poll() until the 1 s tick: no busy-wait. */
static void test_idle(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_monitor_counters c;
    int64_t t0 = mc_monitor_now_ns();
    int ticks = 0;

    (void)state;
    ok(m, "join 239.3.0.4 dev lo port 6103");
    while (mc_monitor_now_ns() - t0 < 2100 * MS)
        ticks += (pass(m, 5000) & MC_MON_TICK) != 0;
    mc_monitor_counters(m, &c);
    assert_true(ticks >= 2);
    assert_true(c.wakeups <= 4);
    assert_int_equal(c.recv_calls, 0);
    mc_monitor_free(m);
}

/* multicast-all on: the socket also gets a group another socket joined on
 * its port; the monitor counts it as unattributed. */
static void test_unattributed(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_monitor *tx = mon_new(1000);
    struct mc_monitor_counters c;
    struct mc_monitor_settings st;
    struct mc_addr g = tu_addr("239.3.0.9");
    struct mc_err err;
    int other;

    (void)state;
    other = mc_sock_open_udp(AF_INET, &err);
    assert_true(other >= 0);
    assert_int_equal(mc_sock_bind(other, NULL, 6104, 0, true, &err), 0);
    assert_int_equal(mc_join_group(other, testns_lo_index(), &g, &err), 0);
    /* The wildcard (bind any) is what multicast-all leaks into. */
    ok(m, "join 239.3.0.5 dev lo port 6104 bind any");

    ok(tx, "send 239.3.0.9 dev lo port 6104 rate 1000 count 10");
    pump_quiet(tx, 50);
    pump_quiet(m, 100);
    mc_monitor_counters(m, &c);
    assert_int_equal(c.unattributed_packets, 0); /* off: not delivered */

    ok(m, "set multicast-all on");
    mc_monitor_settings(m, &st);
    assert_true(st.multicast_all);
    ok(tx, "send 239.3.0.9 dev lo port 6104 rate 1000 count 10");
    pump_quiet(tx, 50);
    pump_quiet(m, 100);
    mc_monitor_counters(m, &c);
    assert_int_equal(c.unattributed_packets, 10);
    assert_int_equal(c.unattributed_bytes, 10 * 64);
    assert_int_equal(gcounts(m, 0)->packets, 0);
    /* Passive (bound to its group), multicast-all on takes nothing more. */
    ok(m, "leave 239.3.0.5 dev lo port 6104");
    ok(m, "join 239.3.0.5 dev lo port 6104");
    ok(tx, "send 239.3.0.9 dev lo port 6104 rate 1000 count 10");
    pump_quiet(tx, 50);
    pump_quiet(m, 100);
    mc_monitor_counters(m, &c);
    assert_int_equal(c.unattributed_packets, 10);
    close(other);
    mc_monitor_free(tx);
    mc_monitor_free(m);
}

static void test_settings(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_monitor_settings st;

    (void)state;
    mc_monitor_settings(m, &st);
    assert_true(st.v4.ok);
    assert_true(st.v4.loopback);
    assert_int_equal(st.v4.mcast_hoplimit, 1);
    assert_int_equal(st.rcvbuf_asked, 4 << 20);
    assert_int_equal(st.rcvbuf_granted, -1); /* no receive socket yet */

    ok(m, "set mcast-hoplimit 5");
    ok(m, "set tclass 0x28");
    ok(m, "set ttl 33");
    ok(m, "set loopback off");
    ok(m, "set mcast-if lo");
    mc_monitor_settings(m, &st);
    assert_int_equal(st.v4.mcast_hoplimit, 5);
    assert_int_equal(st.v4.tclass, 0x28);
    assert_int_equal(st.v4.hoplimit, 33);
    assert_false(st.v4.loopback);
    assert_int_equal(st.v4.mcast_if, testns_lo_index());
    assert_string_equal(st.v4.mcast_ifname, "lo");
    if (st.v6.ok) {
        assert_int_equal(st.v6.mcast_hoplimit, 5);
        assert_int_equal(st.v6.tclass, 0x28);
        assert_int_equal(st.v6.hoplimit, 33);
        assert_false(st.v6.loopback);
    }
    /* Refusals change nothing. */
    refused(m, "set hoplimit 0", -EINVAL, "IPv4 TTL must be 1..255");
    refused(m, "set mcast-if nosuch", -ENODEV, "nosuch");
    mc_monitor_settings(m, &st);
    assert_int_equal(st.v4.hoplimit, 33);
    assert_int_equal(st.v4.mcast_if, testns_lo_index());
    ok(m, "set mcast-if none");
    mc_monitor_settings(m, &st);
    assert_int_equal(st.v4.mcast_if, 0);

    /* The receive buffer is read back once a socket exists. */
    ok(m, "join 239.3.0.6 dev lo");
    mc_monitor_settings(m, &st);
    assert_true(st.rcvbuf_granted >= 4 << 20); /* root: SO_RCVBUFFORCE */
    mc_monitor_free(m);
}

/* A sender made after `set` uses the settings: TTL and TOS arrive. */
static void test_settings_reach_sender(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    const struct mc_counters *c;

    (void)state;
    ok(m, "set mcast-hoplimit 6");
    ok(m, "set tos 0x10");
    ok(m, "join 239.3.0.7 dev lo port 6105");
    ok(m, "send 239.3.0.7 dev lo port 6105 rate 1000 count 10");
    pump_quiet(m, 100);
    c = gcounts(m, 0);
    assert_int_equal(c->packets, 10);
    assert_int_equal(c->hoplimit, 6);
    assert_int_equal(c->tclass, 0x10);
    mc_monitor_free(m);
}

static void test_cmsg_flags(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_monitor_settings st;
    const struct mc_counters *c;

    (void)state;
    ok(m, "join 239.3.0.8 dev lo port 6106");
    ok(m, "cmsg hoplimit off");
    ok(m, "cmsg dst off");
    ok(m, "cmsg iface off");
    mc_monitor_settings(m, &st);
    assert_false(st.cm_flags & MC_CM_HOPLIMIT);
    assert_false(st.cm_flags & MC_CM_DST);
    /* PKTINFO stays on: attribution needs it. */
    assert_true(st.cm_flags_on & MC_CM_DST);
    assert_true(st.cm_flags_on & MC_CM_IFACE);
    ok(m, "send 239.3.0.8 dev lo port 6106 rate 1000 count 10");
    pump_quiet(m, 100);
    c = gcounts(m, 0);
    assert_int_equal(c->packets, 10); /* still attributed */
    assert_false(c->have & MC_CM_HOPLIMIT);
    assert_true(c->have & MC_CM_TCLASS);
    ok(m, "cmsg ttl on");
    mc_monitor_settings(m, &st);
    assert_true(st.cm_flags & MC_CM_HOPLIMIT);
    mc_monitor_free(m);
}

static void test_event_ring(void **state)
{
    struct mc_monitor_opts o;
    struct mc_monitor *m;
    struct mc_event e;
    char line[64];

    (void)state;
    mc_monitor_opts_init(&o);
    o.max_events = 5;
    assert_int_equal(mc_monitor_new(&o, &m, NULL), 0);
    for (int i = 1; i <= 12; i++) {
        snprintf(line, sizeof line, "echo step %d", i);
        ok(m, line);
    }
    assert_int_equal(mc_monitor_nevents(m), 5);
    assert_int_equal(mc_monitor_last_event_seq(m), 12);
    assert_int_equal(mc_monitor_event(m, 0, &e), 0);
    assert_int_equal(e.seq, 8);
    assert_int_equal(e.kind, MC_EV_ECHO);
    assert_string_equal(tu_event_text(&e), "step 8");
    assert_int_equal(mc_monitor_event(m, 4, &e), 0);
    assert_string_equal(tu_event_text(&e), "step 12");
    assert_int_equal(mc_monitor_event(m, 5, &e), -ENOENT);
    mc_monitor_free(m);
}

static void test_stop_send(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_sender_info si;
    struct mc_event e;

    (void)state;
    ok(m, "send 239.4.0.3 dev lo rate 100");
    assert_int_equal(mc_monitor_senders_running(m), 1);
    refused(m, "send 239.4.0.3 dev lo rate 50", -EBUSY, "stop-send 239.4.0.3");
    ok(m, "send 239.4.0.3 dev lo port 6200"); /* another port is fine */
    ok(m, "stop-send 239.4.0.3");
    assert_int_equal(mc_monitor_senders_running(m), 0);
    assert_int_equal(mc_monitor_sender(m, 0, &si), 0);
    assert_true(si.stopped);
    assert_false(si.running);
    assert_true(si.sent >= 1);
    refused(m, "stop-send 239.4.0.3", -ESRCH, "no sender to 239.4.0.3");
    refused(m, "stop-send", -ESRCH, "no sender is running");
    /* The log: the command, then what it stopped. */
    assert_int_equal(mc_monitor_event(m, 3, &e), 0);
    assert_string_equal(tu_event_text(&e), "stop-send 239.4.0.3");
    assert_int_equal(mc_monitor_event(m, 4, &e), 0);
    assert_int_equal(e.kind, MC_EV_INFO);
    assert_non_null(strstr(tu_event_text(&e), "stopped"));
    /* A count of 1 ends within the command: its end is logged after it. */
    ok(m, "send 239.4.0.7 dev lo count 1");
    assert_int_equal(mc_monitor_event(m, mc_monitor_nevents(m) - 1, &e), 0);
    assert_int_equal(e.kind, MC_EV_INFO);
    assert_non_null(strstr(tu_event_text(&e), "done: 1 sent"));
    assert_int_equal(mc_monitor_event(m, mc_monitor_nevents(m) - 2, &e), 0);
    assert_string_equal(tu_event_text(&e), "send 239.4.0.7 dev lo count 1");
    /* The command's own event, without a search: its result, not the
     * sender's end logged after it; found again by its seq. */
    assert_int_equal(mc_monitor_command_event(m, &e), 0);
    assert_int_equal(e.kind, MC_EV_OK);
    assert_int_equal(e.type, MC_ET_COMMAND);
    assert_string_equal(e.verb, "send");
    assert_string_equal(tu_event_text(&e), "send 239.4.0.7 dev lo count 1");
    assert_int_equal(e.seq, mc_monitor_last_event_seq(m) - 1);
    assert_int_equal(mc_monitor_event_by_seq(m, e.seq + 1, &e), 0);
    assert_int_equal(e.type, MC_ET_SEND_END);
    assert_int_equal(e.count, 1);
    assert_int_equal(mc_monitor_event_by_seq(m, e.seq + 1, &e), -ENOENT);
    assert_int_equal(mc_monitor_event_by_seq(m, 0, &e), -ENOENT);
    refused(m, "stop-send", -ESRCH, "no sender is running");
    assert_int_equal(mc_monitor_command_event(m, &e), 0);
    assert_int_equal(e.kind, MC_EV_ERROR);
    assert_int_equal(e.result, -ESRCH);
    assert_string_equal(e.why, "no sender is running");
    assert_int_equal(mc_monitor_exec_line(m, "jion", NULL), -EINVAL);
    assert_int_equal(mc_monitor_command_event(m, &e), 0);
    assert_int_equal(e.kind, MC_EV_REFUSED);
    assert_string_equal(e.detail, "jion");
    ok(m, "# a comment logs nothing");
    assert_int_equal(mc_monitor_command_event(m, &e), -ENOENT);
    mc_monitor_free(m);
}

static void test_runtime_refusals(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_monitor_counters c;

    (void)state;
    refused(m, "send 239.4.0.4 dev lo hoplimit 0", -EINVAL, "TTL");
    refused(m, "send 239.4.0.4 dev nosuch", -ENODEV, "nosuch");
    refused(m, "send 239.4.0.4 dev lo source 10.9.9.9", -EADDRNOTAVAIL,
            "not an address of this host");
    refused(m, "join 239.4.0.4 dev nosuch", -ENODEV, "nosuch");
    refused(m, "leave 239.4.0.4 dev lo", -EADDRNOTAVAIL, "not joined");
    refused(m, "pcap on dev nosuch", -ENODEV, "nosuch");
    refused(m, "pcap off dev lo", -ESRCH, "no capture is running on lo");
    ok(m, "pcap off");
    assert_int_equal(mc_monitor_ngroups(m), 0);
    assert_int_equal(mc_monitor_nsenders(m), 0);
    assert_int_equal(nfds(m), 1);
    mc_monitor_counters(m, &c);
    assert_int_equal(c.errors, 7);
    assert_int_equal(c.refused, 0);
    mc_monitor_free(m);
}

/* Add an address to lo in the private namespace; false when ip fails. */
static bool add_lo_addr(const char *cidr)
{
    char *argv[] = {(char *)"ip",  (char *)"addr", (char *)"add", (char *)cidr,
                    (char *)"dev", (char *)"lo",   NULL};
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int st;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid, "ip", &fa, NULL, argv, environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return false;
    }
    posix_spawn_file_actions_destroy(&fa);
    if (waitpid(pid, &st, 0) < 0)
        return false;
    /* 2: it is there already (a test run before in this namespace). */
    return WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 2);
}

/*
 * send ... source ADDR: the per-packet source arrives as its own source;
 * with the per-group cap reached, further sources go to the other-sources
 * bucket.
 */
static void test_source_option_and_cap(void **state)
{
    struct mc_monitor_opts o;
    struct mc_monitor *m;
    struct mc_group_view v;
    struct mc_addr a1 = tu_addr(SELF), a2 = tu_addr("10.255.0.2");
    const struct mc_source_stats *s;

    (void)state;
    if (!add_lo_addr("10.255.0.2/32"))
        skip();
    for (unsigned cap = 0; cap <= 1; cap++) {
        mc_monitor_opts_init(&o);
        o.max_sources = cap; /* 0: the default (64) */
        assert_int_equal(mc_monitor_new(&o, &m, NULL), 0);
        ok(m, "join 239.3.1.1 dev lo port 6110");
        ok(m, "send 239.3.1.1 dev lo port 6110 rate 1000 count 5");
        pump_quiet(m, 100);
        ok(m, "send 239.3.1.1 dev lo port 6110 rate 1000 count 7 "
              "source 10.255.0.2");
        pump_quiet(m, 100);
        group(m, 0, &v);
        assert_int_equal(mc_group_stats_counters(v.stats)->packets, 12);
        s = mc_group_stats_lookup(v.stats, &a1);
        assert_non_null(s);
        assert_int_equal(mc_source_counters(s)->packets, 5);
        s = mc_group_stats_lookup(v.stats, &a2);
        if (cap == 0) {
            assert_non_null(s);
            assert_int_equal(mc_source_counters(s)->packets, 7);
            assert_int_equal(
                mc_source_counters(mc_group_stats_other(v.stats))->packets, 0);
        } else {
            assert_null(s);
            assert_int_equal(
                mc_source_counters(mc_group_stats_other(v.stats))->packets, 7);
        }
        mc_monitor_free(m);
    }
}

/* Send one plain (not probe) datagram of len bytes from SELF:sport to
 * group:port on lo with TTL ttl and TOS tos. */
static void send_plain(const char *group, uint16_t port, uint16_t sport,
                       int ttl, int tos, size_t len)
{
    struct sockaddr_in me = {.sin_family = AF_INET}, to = me;
    struct ip_mreqn mif = {.imr_ifindex = (int)if_nametoindex("lo")};
    char buf[512] = "not a probe";
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    assert_true(fd >= 0 && len <= sizeof buf);
    me.sin_port = htons(sport);
    assert_int_equal(inet_pton(AF_INET, SELF, &me.sin_addr), 1);
    to.sin_port = htons(port);
    assert_int_equal(inet_pton(AF_INET, group, &to.sin_addr), 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof me), 0);
    assert_int_equal(
        setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mif, sizeof mif), 0);
    assert_int_equal(
        setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl), 0);
    assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos), 0);
    assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof to),
                     (ssize_t)len);
    close(fd);
}

/* One record of the ring: what it must say. */
static void expect_record(const struct mc_pkt_record *r, bool is_probe,
                          uint64_t seq, size_t len, int hoplimit, int tclass)
{
    struct mc_addr self = tu_addr(SELF);
    unsigned want = MC_CM_SRC | MC_CM_DST | MC_CM_IFACE;

    assert_true(mc_addr_equal(&r->src, &self));
    tu_expect_addr(&r->dst, "239.3.2.1");
    assert_int_equal(r->ifindex, if_nametoindex("lo"));
    assert_int_equal(r->is_probe, is_probe);
    assert_int_equal(r->seq, seq);
    assert_int_equal(r->len, len);
    assert_false(r->trunc);
    assert_int_equal(r->hoplimit, hoplimit);
    assert_int_equal(r->tclass, tclass);
    if (hoplimit >= 0)
        want |= MC_CM_HOPLIMIT;
    if (tclass >= 0)
        want |= MC_CM_TCLASS;
    assert_int_equal(r->have, want); /* no PATHMTU on IPv4 */
    assert_int_equal(r->mtu, 0);
    assert_true(r->mono_ns > 0 && r->mono_ns <= mc_monitor_now_ns());
    assert_true(r->real_ns > 0);
}

/*
 * The ring of a group's last packets: newest first with exactly the
 * fields their control data carried; only MC_MON_RECENT_PACKETS kept; a
 * field whose flag is off is not marked (and holds -1).
 */
static void test_recent_packets(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_pkt_record r[MC_MON_RECENT_PACKETS + 4], r2[2];

    (void)state;
    ok(m, "join 239.3.2.1 dev lo port 6120");
    assert_int_equal(mc_monitor_recent_packets(m, 0, r, 4), 0);
    ok(m, "send 239.3.2.1 dev lo port 6120 rate 1000 count 2 size 100 "
          "tclass 0x28 hoplimit 9");
    pump_quiet(m, 100);
    ok(m, "send 239.3.2.1 dev lo port 6120 rate 1000 count 1 size 300 "
          "tclass 0x10 hoplimit 3");
    pump_quiet(m, 100);
    send_plain("239.3.2.1", 6120, 40123, 4, 0x08, 20);
    pump_quiet(m, 100);

    assert_int_equal(mc_monitor_recent_packets(m, 0, r, 8), 4);
    expect_record(&r[0], false, 0, 20, 4, 0x08);
    assert_int_equal(r[0].src_port, 40123);
    expect_record(&r[1], true, 0, 300, 3, 0x10);
    expect_record(&r[2], true, 1, 100, 9, 0x28);
    expect_record(&r[3], true, 0, 100, 9, 0x28);
    assert_true(r[1].src_port != 0);
    assert_int_equal(r[2].src_port, r[3].src_port); /* one sender */
    for (size_t i = 0; i + 1 < 4; i++)
        assert_true(r[i].mono_ns >= r[i + 1].mono_ns);
    /* n limits the copy; the newest come first */
    assert_int_equal(mc_monitor_recent_packets(m, 0, r2, 2), 2);
    assert_memory_equal(r2, r, sizeof r2);
    assert_int_equal(mc_monitor_recent_packets(m, 0, r2, 0), 0);
    assert_int_equal(mc_monitor_recent_packets(m, 1, r2, 2), 0);

    /* only the last MC_MON_RECENT_PACKETS stay */
    ok(m, "send 239.3.2.1 dev lo port 6120 rate 2000 count 20 size 64 "
          "tclass 0x04 hoplimit 5");
    pump_quiet(m, 100);
    assert_int_equal(MC_MON_RECENT_PACKETS, 16);
    assert_int_equal(mc_monitor_recent_packets(m, 0, r, 20), 16);
    for (size_t i = 0; i < 16; i++)
        expect_record(&r[i], true, 19 - i, 64, 5, 0x04);

    /* flags off: those fields are not marked */
    ok(m, "cmsg tclass off");
    ok(m, "cmsg hoplimit off");
    ok(m, "send 239.3.2.1 dev lo port 6120 rate 1000 count 3 size 80 "
          "tclass 0x04 hoplimit 5");
    pump_quiet(m, 100);
    assert_int_equal(mc_monitor_recent_packets(m, 0, r, 20), 16);
    for (size_t i = 0; i < 3; i++)
        expect_record(&r[i], true, 2 - i, 80, -1, -1);
    expect_record(&r[3], true, 19, 64, 5, 0x04);
    mc_monitor_free(m);
}

/* The sender's schedule with times made up by the test. */
static void test_sender_pacing(void **state)
{
    struct mc_cmd cmd;
    struct mc_send_args args;
    struct mc_sender *s;
    struct mc_sender_info si;
    struct mc_err err;
    int64_t t0 = 5000 * MS;

    (void)state;
    assert_int_equal(
        mc_cmd_parse("send 239.4.0.5 dev lo rate 1000 count 60", &cmd, &err),
        0);
    mc_send_args_from_cmd(&cmd.send, &args);
    assert_int_equal(mc_sender_new(&args, NULL, t0, &s, &err), 0);
    assert_int_equal(mc_sender_next_ns(s), t0);
    assert_int_equal(mc_sender_run(s, t0, &err), 1);
    assert_int_equal(mc_sender_next_ns(s), t0 + MC_SEND_QUANTUM_NS);
    assert_int_equal(mc_sender_run(s, t0 + 500000, &err), 0); /* early */
    /* 10 ms in: packets 1..10 are due. */
    assert_int_equal(mc_sender_run(s, t0 + 10 * MS, &err), 10);
    /* After a 10 s stall: at most a 20 ms burst, then the schedule
     * slides. */
    assert_int_equal(mc_sender_run(s, t0 + 10000 * MS, &err), 20);
    assert_int_equal(mc_sender_next_ns(s), t0 + 10001 * MS);
    assert_int_equal(mc_sender_run(s, t0 + 10001 * MS, &err), 1);
    assert_int_equal(mc_sender_run(s, t0 + 10020 * MS, &err), 19);
    /* 20 more are due, but the count ends it after 9. */
    assert_int_equal(mc_sender_run(s, t0 + 10040 * MS, &err), 9);
    mc_sender_get(s, &si);
    assert_int_equal(si.sent, 60);
    assert_false(si.running);
    assert_int_equal(mc_sender_next_ns(s), INT64_MAX);
    mc_sender_free(s);

    /* 2 packets/s: the next one 500 ms after the first. */
    assert_int_equal(mc_cmd_parse("send 239.4.0.5 dev lo rate 2", &cmd, &err),
                     0);
    mc_send_args_from_cmd(&cmd.send, &args);
    assert_int_equal(mc_sender_new(&args, NULL, t0, &s, &err), 0);
    assert_int_equal(mc_sender_run(s, t0, &err), 1);
    assert_int_equal(mc_sender_next_ns(s), t0 + 500 * MS);
    mc_sender_stop(s, t0 + 600 * MS);
    mc_sender_get(s, &si);
    assert_true(si.stopped);
    assert_int_equal(si.end_ns, t0 + 600 * MS);
    mc_sender_free(s);
}

/* ---- the wire cross-check ---- */

/* Capture needs CAP_NET_RAW (in this namespace's user namespace). */
static void need_net_raw(void)
{
    if (!mc_priv_have_net_raw())
        skip();
}

#define SELF_A tu_addr(SELF)

static void capture_view(struct mc_monitor *m, size_t i,
                         struct mc_capture_view *cv)
{
    assert_int_equal(mc_monitor_capture(m, i, cv), 0);
}

static size_t captures_open(struct mc_monitor *m)
{
    struct mc_monitor_settings st;

    mc_monitor_settings(m, &st);
    return st.captures_open;
}

/* Whether an event's text contains want (the newest n events). */
static bool logged(struct mc_monitor *m, const char *want)
{
    struct mc_event e;

    for (size_t i = 0; mc_monitor_event(m, i, &e) == 0; i++)
        if (strstr(tu_event_text(&e), want) != NULL)
            return true;
    return false;
}

/*
 * A source whose probe sender restarts (a second send: a new sender id)
 * is an event, once; its first sender is not.
 */
static void test_source_restart(void **state)
{
    struct mc_monitor *m = mon_new(1000);

    (void)state;
    ok(m, "join 239.6.2.1 dev lo port 6201");
    ok(m, "send 239.6.2.1 dev lo port 6201 rate 1000 count 5");
    pump_quiet(m, 100);
    assert_true(logged(m, "239.6.2.1 port 6201: new source " SELF));
    assert_false(logged(m, "restarted"));
    ok(m, "send 239.6.2.1 dev lo port 6201 rate 1000 count 5");
    pump_quiet(m, 100);
    assert_true(logged(m, "239.6.2.1 port 6201: source " SELF " restarted"));
    mc_monitor_free(m);
}

static void expect_wire(struct mc_monitor *m, uint64_t sock, uint64_t wire,
                        const char *note)
{
    struct mc_addr self = SELF_A;
    struct mc_source_wire sw;

    assert_int_equal(mc_monitor_source_wire(m, 0, &self, &sw), 0);
    if (sw.packets != sock || sw.wire_packets != wire)
        fail_msg("socket %llu (want %llu), wire %llu (want %llu)",
                 (unsigned long long)sw.packets, (unsigned long long)sock,
                 (unsigned long long)sw.wire_packets, (unsigned long long)wire);
    if (note == NULL)
        assert_int_equal(sw.note, MC_WIRE_NOTE_NONE);
    else
        assert_string_equal(mc_wire_note_text(sw.note), note);
    assert_int_equal(mc_monitor_wire_note(m, 0, &self), sw.note);
}

/*
 * pcap on before any join; the join opens the capture (two on lo, which
 * says no direction); the monitor's own probes arrive on lo once each:
 * wire = socket.  Excluded, the wire still counts them and the note says
 * why; after the leave too ("not joined" counts, exclude still counted
 * most); 3 s after the leave the capture closes on its own.
 */
static void test_wire_lo(void **state)
{
    struct mc_monitor *m;
    struct mc_monitor_settings st;
    struct mc_capture_view cv;
    struct mc_group_view v;
    struct mc_source_wire sw;
    struct mc_addr self = SELF_A;
    int64_t left;

    (void)state;
    need_net_raw();
    m = mon_new(1000);
    ok(m, "pcap on");
    mc_monitor_settings(m, &st);
    assert_true(st.pcap);
    assert_int_equal(st.captures_open, 0);
    assert_true(logged(m, "no interface has joined groups yet"));
    ok(m, "join 239.6.0.1 dev lo port 6400");
    assert_int_equal(captures_open(m), 1);
    assert_int_equal(mc_monitor_ncaptures(m), 1);
    capture_view(m, 0, &cv);
    assert_string_equal(cv.ifname, "lo");
    assert_true(cv.open && cv.split && !cv.named);
    assert_null(cv.file);
    assert_int_equal(nfds(m), 1 + 1 + 2); /* timer, socket, 2 captures */
    assert_true(logged(m, "capturing on lo (incoming and outgoing"));

    ok(m, "send 239.6.0.1 dev lo port 6400 rate 2000 count 50");
    pump_quiet(m, 200);
    group(m, 0, &v);
    assert_true(v.wire && v.wire_now);
    assert_int_equal(mc_group_stats_counters(v.stats)->wire_packets, 50);
    expect_wire(m, 50, 50, NULL);

    ok(m, "exclude-source 239.6.0.1 " SELF " dev lo port 6400");
    ok(m, "send 239.6.0.1 dev lo port 6400 rate 2000 count 30");
    pump_quiet(m, 200);
    expect_wire(m, 50, 80, mc_wire_note_text(MC_WIRE_NOTE_EXCLUDED));

    ok(m, "leave 239.6.0.1 dev lo port 6400");
    ok(m, "send 239.6.0.1 dev lo port 6400 rate 2000 count 10");
    pump_quiet(m, 200);
    assert_int_equal(mc_monitor_source_wire(m, 0, &self, &sw), 0);
    assert_int_equal(sw.excluded, 30);
    assert_int_equal(sw.not_joined, 10);
    assert_int_equal(sw.not_included, 0);
    expect_wire(m, 50, 90, mc_wire_note_text(MC_WIRE_NOTE_EXCLUDED));

    /* The linger: open until MC_MON_PCAP_LINGER_NS after the leave. */
    left = mc_monitor_now_ns();
    assert_int_equal(captures_open(m), 1);
    while (captures_open(m) > 0) {
        pass(m, 100);
        assert_true(mc_monitor_now_ns() - left <
                    MC_MON_PCAP_LINGER_NS + 2000 * MS);
    }
    capture_view(m, 0, &cv);
    assert_false(cv.open);
    assert_true(cv.stats.frames >= 90);
    assert_int_equal(cv.stats.dropped, 0);
    assert_true(logged(m, "capture on lo closed (no group joined there"));
    group(m, 0, &v);
    assert_true(v.wire && !v.wire_now);
    assert_int_equal(nfds(m), 1);
    mc_monitor_free(m);
}

/*
 * The other notes: no capture, no note; a capture opened after packets
 * came: the wire saw fewer; include mode of another source: not
 * included.
 */
static void test_wire_notes(void **state)
{
    struct mc_monitor *m;
    struct mc_source_wire sw;
    struct mc_addr self = SELF_A;

    (void)state;
    need_net_raw();
    m = mon_new(1000);
    ok(m, "join 239.6.0.3 dev lo port 6402");
    ok(m, "send 239.6.0.3 dev lo port 6402 rate 2000 count 5");
    pump_quiet(m, 100);
    expect_wire(m, 5, 0, NULL); /* no capture ever: nothing to compare */
    ok(m, "pcap on");
    expect_wire(m, 5, 0, mc_wire_note_text(MC_WIRE_NOTE_WIRE_FEWER));
    ok(m, "leave 239.6.0.3 dev lo port 6402");
    ok(m, "join-source 239.6.0.3 10.9.9.9 dev lo port 6402");
    ok(m, "send 239.6.0.3 dev lo port 6402 rate 2000 count 10");
    pump_quiet(m, 100);
    expect_wire(m, 5, 10, mc_wire_note_text(MC_WIRE_NOTE_NOT_INCLUDED));
    assert_int_equal(mc_monitor_source_wire(m, 0, &self, &sw), 0);
    assert_int_equal(sw.not_included, 10);
    assert_int_equal(sw.socket_drops, 0);
    assert_int_equal(mc_monitor_source_wire(m, 1, &self, &sw), -ENOENT);
    assert_int_equal(mc_monitor_wire_note(m, 0, &(struct mc_addr){0}),
                     MC_WIRE_NOTE_NONE);
    mc_monitor_free(m);
}

/*
 * A receive buffer too small for a burst: the socket drops (SO_RXQ_OVFL),
 * the capture does not, and the note says so.
 */
static void test_wire_drops(void **state)
{
    struct mc_monitor_opts o;
    struct mc_monitor *m;
    struct mc_source_wire sw;
    struct mc_group_view v;
    struct mc_addr self = SELF_A;

    (void)state;
    need_net_raw();
    mc_monitor_opts_init(&o);
    o.rcvbuf = 4096; /* a few datagrams */
    assert_int_equal(mc_monitor_new(&o, &m, NULL), 0);
    ok(m, "pcap on");
    ok(m, "join 239.6.0.4 dev lo port 6403");
    /* 16 at once (lo's MTU of 64 KiB leaves libpcap's ring about 32
     * slots: they fit), then, once read, 1 more that carries the
     * socket's drop count */
    ok(m, "send 239.6.0.4 dev lo port 6403 rate 1000000 count 16");
    pump_quiet(m, 100);
    ok(m, "send 239.6.0.4 dev lo port 6403 count 1");
    pump_quiet(m, 100);
    assert_int_equal(mc_monitor_source_wire(m, 0, &self, &sw), 0);
    print_message("socket %llu, wire %llu, dropped %llu\n",
                  (unsigned long long)sw.packets,
                  (unsigned long long)sw.wire_packets,
                  (unsigned long long)sw.socket_drops);
    assert_int_equal(sw.wire_packets, 17);
    assert_true(sw.socket_drops > 0);
    assert_int_equal(sw.packets + sw.socket_drops, 17);
    assert_int_equal(sw.note, MC_WIRE_NOTE_DROPPED);
    group(m, 0, &v);
    assert_int_equal(v.socket_drops, sw.socket_drops);
    mc_monitor_free(m);
}

/* pcap on dev IFACE stays through leaves; pcap off dev IFACE keeps pcap
 * on from capturing there until pcap on comes again. */
static void test_pcap_commands(void **state)
{
    struct mc_monitor *m;
    struct mc_capture_view cv;
    struct mc_monitor_counters c;

    (void)state;
    need_net_raw();
    m = mon_new(1000);
    refused(m, "pcap on dev any", -EINVAL, "one by one");
    ok(m, "pcap on dev lo");
    assert_int_equal(captures_open(m), 1);
    capture_view(m, 0, &cv);
    assert_true(cv.named);
    ok(m, "join 239.6.0.2 dev lo port 6401");
    ok(m, "leave 239.6.0.2 dev lo port 6401");
    pump_quiet(m, 100);
    assert_int_equal(captures_open(m), 1); /* named: no linger */
    ok(m, "pcap on dev lo");               /* again: nothing new */
    assert_int_equal(mc_monitor_ncaptures(m), 1);
    ok(m, "pcap off dev lo");
    assert_int_equal(captures_open(m), 0);
    refused(m, "pcap off dev lo", -ESRCH, "no capture");

    ok(m, "pcap on");
    ok(m, "join 239.6.0.2 dev lo port 6401");
    assert_int_equal(captures_open(m), 1);
    ok(m, "pcap off dev lo");
    ok(m, "leave 239.6.0.2 dev lo port 6401");
    ok(m, "join 239.6.0.2 dev lo port 6401"); /* skipped: stays off */
    assert_int_equal(captures_open(m), 0);
    ok(m, "pcap on"); /* every interface with groups again */
    assert_int_equal(captures_open(m), 1);
    assert_int_equal(mc_monitor_ncaptures(m), 1); /* the same record */
    ok(m, "pcap off");
    assert_int_equal(captures_open(m), 0);
    ok(m, "pcap off");
    mc_monitor_counters(m, &c);
    assert_int_equal(c.errors, 2);
    mc_monitor_free(m);
}

/* The message of proto and type about group (for a v3 report: its last
 * record's group); fails the test when there is none. */
static void find_msg(struct mc_monitor *m, enum mc_wire_proto proto,
                     enum mc_wire_msg_type type, const char *group,
                     struct mc_wiremsg_view *w)
{
    struct mc_addr g = tu_addr(group);

    for (size_t i = 0; mc_monitor_wiremsg(m, i, w) == 0; i++) {
        const struct mc_addr *about =
            w->nrecords > 0 ? &w->records[w->nrecords - 1].group : &w->group;

        if (w->proto == proto && w->type == type && mc_addr_equal(about, &g))
            return;
    }
    fail_msg("no %s %s about %s in the reports list", mc_wire_proto_name(proto),
             mc_wire_msg_type_name(type), group);
}

/*
 * Hand-made IGMP on lo: a v3 report, a v2 report, a v2 leave and a v3
 * general query become events and entries of the reports list; a bad
 * checksum and records that run past the message are counted and logged
 * as malformed.
 */
static void test_wire_messages(void **state)
{
    struct mc_monitor *m;
    struct mc_monitor_counters c;
    struct mc_wiremsg_view w;
    unsigned lo = testns_lo_index();
    uint8_t v3[28] = {0x22, 0, 0, 0, 0, 0, 0, 2,
                      /* CHANGE_TO_EXCLUDE 239.6.1.1 {} */
                      4, 0, 0, 0, 239, 6, 1, 1,
                      /* ALLOW_NEW_SOURCES 239.6.1.2 {10.1.1.1} */
                      5, 0, 0, 1, 239, 6, 1, 2, 10, 1, 1, 1};
    uint8_t v2r[8] = {0x16, 0, 0, 0, 239, 6, 1, 4};
    uint8_t v2l[8] = {0x17, 0, 0, 0, 239, 6, 1, 3};
    uint8_t q3[12] = {0x11, 100, 0, 0, 0, 0, 0, 0, 2, 125, 0, 0};
    uint8_t cut[8] = {0x22, 0, 0, 0, 0, 0, 0, 3}; /* 3 records, none */
    uint8_t bad[28];

    (void)state;
    need_net_raw();
    m = mon_new(1000);
    ok(m, "pcap on dev lo");
    rawigmp_checksum(v3, sizeof v3);
    rawigmp_checksum(v2r, sizeof v2r);
    rawigmp_checksum(v2l, sizeof v2l);
    rawigmp_checksum(q3, sizeof q3);
    rawigmp_checksum(cut, sizeof cut);
    memcpy(bad, v3, sizeof bad);
    bad[3] ^= 1;
    rawigmp_send(lo, "224.0.0.22", v3, sizeof v3);
    rawigmp_send(lo, "239.6.1.4", v2r, sizeof v2r);
    rawigmp_send(lo, "224.0.0.2", v2l, sizeof v2l);
    rawigmp_send(lo, "224.0.0.1", q3, sizeof q3);
    rawigmp_send(lo, "224.0.0.22", bad, sizeof bad);
    rawigmp_send(lo, "224.0.0.22", cut, sizeof cut);
    pump_quiet(m, 200);

    /* The kernel's own reports on lo (a leave of an earlier test is
     * retransmitted for a second) may come too: find ours by content. */
    mc_monitor_counters(m, &c);
    assert_true(c.wire_msgs >= 4);
    assert_int_equal(c.wire_malformed, 2);
    assert_true(c.wire_frames >= 6);
    assert_int_equal(c.wire_events_unlogged, 0);
    assert_true(logged(m, "\xe2\x86\x90 IGMPv3 lo from "));
    assert_true(logged(m, " CHANGE_TO_EXCLUDE 239.6.1.1 {}; "
                          "ALLOW_NEW_SOURCES 239.6.1.2 {10.1.1.1}"));
    assert_true(logged(m, "IGMPv2 lo from "));
    assert_true(logged(m, "leave 239.6.1.3"));
    assert_true(logged(m, "lo malformed frame from "));
    assert_true(logged(m, "bad IGMP checksum"));
    assert_true(logged(m, "records run past the message"));

    find_msg(m, MC_PROTO_IGMPV3, MC_MSG_REPORT, "239.6.1.2", &w);
    assert_int_equal(w.dir, MC_WIRE_DIR_IN);
    assert_string_equal(w.ifname, "lo");
    assert_int_equal(w.group.family, 0);
    assert_int_equal(w.nrecords, 2);
    assert_int_equal(w.records[0].type, MC_REC_CHANGE_TO_EXCLUDE);
    tu_expect_addr(&w.records[0].group, "239.6.1.1");
    assert_int_equal(w.records[0].nsources, 0);
    assert_int_equal(w.records[1].type, MC_REC_ALLOW_NEW_SOURCES);
    assert_int_equal(w.records[1].nsources, 1);
    tu_expect_addr(&w.records[1].sources[0], "10.1.1.1");
    assert_non_null(strstr(w.text, "ALLOW_NEW_SOURCES"));
    assert_true(w.mono_ns >= mc_monitor_start_ns(m) &&
                w.mono_ns <= mc_monitor_now_ns());
    find_msg(m, MC_PROTO_IGMPV2, MC_MSG_REPORT, "239.6.1.4", &w);
    assert_int_equal(w.nrecords, 0);
    tu_expect_addr(&w.group, "239.6.1.4");
    find_msg(m, MC_PROTO_IGMPV2, MC_MSG_LEAVE, "239.6.1.3", &w);
    tu_expect_addr(&w.dst, "224.0.0.2");
    find_msg(m, MC_PROTO_IGMPV3, MC_MSG_QUERY, "0.0.0.0", &w);
    assert_int_equal(w.max_resp_ms, 10000);
    assert_int_equal(w.nsources, 0);
    tu_expect_addr(&w.dst, "224.0.0.1");
    mc_monitor_free(m);
}

/* The reports list keeps the newest opts.max_reports. */
static void test_wire_reports_ring(void **state)
{
    struct mc_monitor_opts o;
    struct mc_monitor *m;
    struct mc_wiremsg_view w;
    struct mc_monitor_counters c;
    struct mc_addr first = tu_addr("239.6.2.1");
    uint8_t v2l[8] = {0x17, 0, 0, 0, 239, 6, 2, 0};

    (void)state;
    need_net_raw();
    mc_monitor_opts_init(&o);
    o.max_reports = 3;
    assert_int_equal(mc_monitor_new(&o, &m, NULL), 0);
    ok(m, "pcap on dev lo");
    for (int i = 1; i <= 5; i++) {
        v2l[7] = (uint8_t)i;
        rawigmp_checksum(v2l, sizeof v2l);
        rawigmp_send(testns_lo_index(), "224.0.0.2", v2l, sizeof v2l);
    }
    pump_quiet(m, 200);
    /* The newest three of every message (the kernel may add its own). */
    mc_monitor_counters(m, &c);
    assert_true(c.wire_msgs >= 5);
    assert_int_equal(mc_monitor_nwiremsgs(m), 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(mc_monitor_wiremsg(m, i, &w), 0);
        assert_int_equal(w.seq, c.wire_msgs - 2 + i);
        assert_false(mc_addr_equal(&w.group, &first));
    }
    mc_monitor_free(m);
    o.max_reports = 1000001;
    assert_int_equal(mc_monitor_new(&o, &m, NULL), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opts),
        cmocka_unit_test(test_refused_line),
        cmocka_unit_test(test_on_host),
        cmocka_unit_test(test_join_leave),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_send_to_self),
        cmocka_unit_test(test_many_groups),
        cmocka_unit_test(test_bind_any),
        cmocka_unit_test(test_two_listeners),
        cmocka_unit_test(test_bind_wire),
        cmocka_unit_test(test_app_drops),
        cmocka_unit_test(test_fd_shortfall),
        cmocka_unit_test(test_source_restart),
        cmocka_unit_test(test_holdoff_under_load),
        cmocka_unit_test(test_holdoff_off),
        cmocka_unit_test(test_idle),
        cmocka_unit_test(test_unattributed),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_settings_reach_sender),
        cmocka_unit_test(test_cmsg_flags),
        cmocka_unit_test(test_event_ring),
        cmocka_unit_test(test_stop_send),
        cmocka_unit_test(test_runtime_refusals),
        cmocka_unit_test(test_source_option_and_cap),
        cmocka_unit_test(test_recent_packets),
        cmocka_unit_test(test_sender_pacing),
        cmocka_unit_test(test_wire_lo),
        cmocka_unit_test(test_wire_notes),
        cmocka_unit_test(test_wire_drops),
        cmocka_unit_test(test_pcap_commands),
        cmocka_unit_test(test_wire_messages),
        cmocka_unit_test(test_wire_reports_ring),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
