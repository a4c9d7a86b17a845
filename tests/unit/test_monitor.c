/*
 * Unit tests: core/monitor.c and core/send.c in a private network
 * namespace, with IPv4 multicast on lo (IPv6 multicast is not delivered on
 * lo; the namespace-lab tests cover IPv6): the monitor joins 239.x on lo
 * and its own sender sends to it (loopback on).
 *
 * Covered: options; refused lines change nothing; memberships as asked vs
 * read back from the kernel; listeners opened and closed with the groups;
 * exact counts, hop limit and traffic class of its own probes; the
 * receive holdoff (few wake-ups under load, none when idle); unattributed
 * packets with multicast-all; settings read back; control-message flags;
 * the event ring; the script runner's timing; stop-send; the sender's
 * pacing with synthetic times; run-time refusals; a per-packet source
 * (send ... source) and the per-group source cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mcscope/member.h"
#include "mcscope/monitor.h"
#include "mcscope/send.h"
#include "mcscope/sock.h"
#include "testns.h"
#include "testutil.h"

#define SELF "10.255.0.1" /* testns's address on lo */

extern char **environ;
#define MS 1000000LL

/* ---- helpers ---- */

static struct mc_monitor *mon_new(unsigned holdoff_us)
{
    struct mc_monitor_opts o;
    struct mc_monitor *m;
    struct mc_err err;

    mc_monitor_opts_init(&o);
    o.holdoff_us = holdoff_us;
    if (mc_monitor_new(&o, &m, &err) < 0)
        fail_msg("mc_monitor_new: %s", err.msg);
    return m;
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

/* One pass of the loop: poll the monitor's fds, dispatch.  Returns the
 * dispatch flags. */
static int pass(struct mc_monitor *m, int max_ms)
{
    struct pollfd fds[64];
    size_t n = mc_monitor_pollfds(m, fds, 64);
    int t = mc_monitor_next_timeout_ms(m);

    assert_true(n <= 64);
    if (t > max_ms)
        t = max_ms;
    assert_true(poll(fds, n, t) >= 0);
    return mc_monitor_dispatch(m, fds, n);
}

/* Run the loop until no sender runs and no packet came for quiet_ms. */
static void pump_quiet(struct mc_monitor *m, int quiet_ms)
{
    struct mc_monitor_counters c;
    int64_t start = mc_monitor_now_ns(), last = start;
    uint64_t seen = 0;

    for (;;) {
        int64_t now;

        pass(m, quiet_ms);
        now = mc_monitor_now_ns();
        mc_monitor_counters(m, &c);
        if (c.rx_packets != seen || mc_monitor_senders_running(m) > 0) {
            seen = c.rx_packets;
            last = now;
        }
        if (now - last >= quiet_ms * MS)
            return;
        if (now - start > 30000 * MS)
            fail_msg("the monitor did not go quiet in 30 s");
    }
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

static size_t nfds(struct mc_monitor *m)
{
    struct pollfd fds[64];

    return mc_monitor_pollfds(m, fds, 64);
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
    assert_non_null(strstr(e.text, "jion 239.1.1.1: jion"));
    /* Blank and comment lines do nothing and log nothing. */
    ok(m, "   # nothing");
    assert_int_equal(mc_monitor_nevents(m), 2);
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
    assert_string_equal(e.text, "join 239.1.1.1 dev lo port 6001");

    /* A second group on the same port shares the socket. */
    ok(m, "join 239.1.1.2%lo port 6001");
    assert_int_equal(nfds(m), 2);
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
    ok(m, "join 239.3.0.5 dev lo port 6104");

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
    assert_string_equal(e.text, "step 8");
    assert_int_equal(mc_monitor_event(m, 4, &e), 0);
    assert_string_equal(e.text, "step 12");
    assert_int_equal(mc_monitor_event(m, 5, &e), -ENOENT);
    mc_monitor_free(m);
}

struct refusal_log {
    size_t idx[4];
    size_t n;
};

static void note_refusal(void *arg, size_t i, const struct mc_err *why)
{
    struct refusal_log *r = arg;

    assert_true(why->msg[0] != '\0');
    if (r->n < 4)
        r->idx[r->n++] = i;
}

static void test_script(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_script *s = mc_script_new();
    struct refusal_log r = {0};
    struct mc_event e;
    int64_t t0 = 1000 * MS;

    (void)state;
    assert_int_equal(mc_script_add(s, "echo one", "-e 1"), 0);
    assert_int_equal(mc_script_add(s, "wait 0.5", "-e 2"), 0);
    assert_int_equal(mc_script_add(s, "echo two", "-e 3"), 0);
    assert_int_equal(mc_script_add(s, "wait 2", "-e 4"), 0);
    assert_int_equal(mc_script_add(s, "echo three\n", "-e 5"), 0);
    assert_int_equal(mc_script_check(s, note_refusal, &r), 0);
    assert_int_equal(mc_script_next_ns(s), 0); /* due at once */

    assert_int_equal(mc_script_step(s, m, t0), 0);
    assert_int_equal(mc_script_next_ns(s), t0 + 500 * MS);
    assert_int_equal(mc_script_position(s), 2);
    mc_script_step(s, m, t0 + 499 * MS); /* not yet */
    assert_int_equal(mc_script_position(s), 2);
    mc_script_step(s, m, t0 + 500 * MS);
    assert_int_equal(mc_script_next_ns(s), t0 + 2500 * MS);
    mc_script_step(s, m, t0 + 2500 * MS);
    assert_true(mc_script_done(s));
    assert_int_equal(mc_script_next_ns(s), INT64_MAX);
    /* echo one, wait, echo two, wait, echo three */
    assert_int_equal(mc_monitor_nevents(m), 5);
    assert_int_equal(mc_monitor_event(m, 4, &e), 0);
    assert_string_equal(e.text, "three");
    assert_int_equal(mc_monitor_event(m, 1, &e), 0);
    assert_string_equal(e.text, "wait 0.5");
    mc_script_free(s);

    /* check finds every bad line, runs none. */
    s = mc_script_new();
    mc_script_add(s, "join 239.4.0.1 dev lo", "a:1");
    mc_script_add(s, "jion 239.4.0.1", "a:2");
    mc_script_add(s, "wait 1", "a:3");
    mc_script_add(s, "send 239.4.0.1 rate 0", "a:4");
    assert_int_equal(mc_script_check(s, note_refusal, &r), 2);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.idx[0], 1);
    assert_int_equal(r.idx[1], 3);
    assert_string_equal(mc_script_origin(s, 3), "a:4");
    assert_int_equal(mc_monitor_ngroups(m), 0);
    /* Run anyway: the refused line is logged and counted as failed. */
    assert_int_equal(mc_script_step(s, m, t0), 1);
    assert_int_equal(mc_monitor_ngroups(m), 1);
    mc_script_free(s);
    mc_monitor_free(m);
}

static void test_script_file(void **state)
{
    char path[] = "/tmp/mcscope-test-XXXXXX";
    struct mc_script *s = mc_script_new();
    struct mc_err err;
    int fd = mkstemp(path);
    const char text[] = "# a demo\njoin 239.4.0.2%lo\n\necho hi # note\n";

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof text - 1), sizeof text - 1);
    close(fd);
    assert_int_equal(mc_script_load(s, path, &err), 0);
    assert_int_equal(mc_script_nlines(s), 4);
    assert_non_null(strstr(mc_script_origin(s, 3), ":4"));
    assert_int_equal(mc_script_check(s, NULL, NULL), 0);
    unlink(path);
    assert_int_equal(mc_script_load(s, path, &err), -ENOENT);
    assert_non_null(strstr(err.msg, path));
    mc_script_free(s);
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
    assert_string_equal(e.text, "stop-send 239.4.0.3");
    assert_int_equal(mc_monitor_event(m, 4, &e), 0);
    assert_int_equal(e.kind, MC_EV_INFO);
    assert_non_null(strstr(e.text, "stopped"));
    /* A count of 1 ends within the command: its end is logged after it. */
    ok(m, "send 239.4.0.7 dev lo count 1");
    assert_int_equal(mc_monitor_event(m, mc_monitor_nevents(m) - 1, &e), 0);
    assert_int_equal(e.kind, MC_EV_INFO);
    assert_non_null(strstr(e.text, "done: 1 sent"));
    assert_int_equal(mc_monitor_event(m, mc_monitor_nevents(m) - 2, &e), 0);
    assert_string_equal(e.text, "send 239.4.0.7 dev lo count 1");
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
    refused(m, "pcap on", -ENOTSUP, "capture module");
    ok(m, "pcap off");
    assert_int_equal(mc_monitor_ngroups(m), 0);
    assert_int_equal(mc_monitor_nsenders(m), 0);
    assert_int_equal(nfds(m), 1);
    mc_monitor_counters(m, &c);
    assert_int_equal(c.errors, 6);
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

/* The sender's schedule with times made up by the test. */
static void test_sender_pacing(void **state)
{
    struct mc_cmd cmd;
    struct mc_sender *s;
    struct mc_sender_info si;
    struct mc_err err;
    int64_t t0 = 5000 * MS;

    (void)state;
    assert_int_equal(
        mc_cmd_parse("send 239.4.0.5 dev lo rate 1000 count 60", &cmd, &err),
        0);
    assert_int_equal(mc_sender_new(&cmd.send, NULL, t0, &s, &err), 0);
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
    assert_int_equal(mc_sender_new(&cmd.send, NULL, t0, &s, &err), 0);
    assert_int_equal(mc_sender_run(s, t0, &err), 1);
    assert_int_equal(mc_sender_next_ns(s), t0 + 500 * MS);
    mc_sender_stop(s, t0 + 600 * MS);
    mc_sender_get(s, &si);
    assert_true(si.stopped);
    assert_int_equal(si.end_ns, t0 + 600 * MS);
    mc_sender_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opts),
        cmocka_unit_test(test_refused_line),
        cmocka_unit_test(test_join_leave),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_send_to_self),
        cmocka_unit_test(test_holdoff_under_load),
        cmocka_unit_test(test_holdoff_off),
        cmocka_unit_test(test_idle),
        cmocka_unit_test(test_unattributed),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_settings_reach_sender),
        cmocka_unit_test(test_cmsg_flags),
        cmocka_unit_test(test_event_ring),
        cmocka_unit_test(test_script),
        cmocka_unit_test(test_script_file),
        cmocka_unit_test(test_stop_send),
        cmocka_unit_test(test_runtime_refusals),
        cmocka_unit_test(test_source_option_and_cap),
        cmocka_unit_test(test_sender_pacing),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
