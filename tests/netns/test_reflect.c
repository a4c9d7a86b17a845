/*
 * Integration test of the reflector (reflect on, core/reflect.c) in a
 * namespace lab: RX joins ff15::1234 and reflects; S1 sends probes at
 * 50/s for a second, then stop-send.  tcpdump on RX's lab0 (both ways)
 * captures the probes and the replies, and tshark reads them back:
 *
 *   - RX's count of probes sent back equals tshark's count of unicast
 *     replies fd42::10 -> fd42::1 on the link, and equals what S1 sent;
 *   - S1's count of replies equals it too, and its round trip is
 *     plausible: at least the time the reply took to leave RX after the
 *     probe arrived (tshark's request -> reply deltas, on average), and
 *     under 100 ms on a bridge of veths;
 *   - stop-send answers with the figures (what `on s1 stop-send` shows).
 *
 * Root only (skips with 77 otherwise).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lab.h"
#include "montest.h"
#include "runout.h"
#include "tcpdump.h"
#include "mcscope/event.h"
#include "mcscope/monitor.h"

static struct lab *lab;

/* tshark's relative times of the frames matching filter, in order. */
static size_t tshark_times(const char *path, const char *filter, double *t,
                           size_t cap)
{
    static char out[1 << 16];
    char *argv[] = {
        "tshark", "-r", (char *)path,          "-Y", (char *)filter, "-T",
        "fields", "-e", "frame.time_relative", NULL};
    size_t n = 0;
    char *save = NULL;

    if (tu_run_out(argv, out, sizeof out) != 0)
        fail_msg("tshark -Y '%s' failed", filter);
    for (char *l = strtok_r(out, "\n", &save); l != NULL && n < cap;
         l = strtok_r(NULL, "\n", &save))
        t[n++] = strtod(l, NULL);
    return n;
}

static void reflect_round_trip(void **state)
{
    static double req[512], rep[512];
    char path[64];
    struct tcpdump td;
    struct rig r;
    struct mc_event ev;
    struct mc_err err;
    struct mc_group_view v;
    struct mc_sender_info si;
    size_t nreq, nrep;
    double delta = 0;

    (void)state;
    if (!tu_have_prog("tcpdump") || !tu_have_prog("tshark"))
        skip();
    snprintf(path, sizeof path, "/tmp/mcscope-reflect-%ld.pcap",
             (long)getpid());
    rig_open(&r, lab, AF_INET6);
    assert_true(
        tcpdump_start(&td, lab_ns_name(lab, "RX"), "inout", "udp", path));
    RIG_OK(&r, RX, "join ff15::1234 dev lab0");
    RIG_OK(&r, RX, "reflect on dev lab0");
    RIG_OK(&r, S1, "send ff15::1234 dev lab0 rate 50");
    rig_pump_ms(&r, 1000);
    assert_int_equal(rig_run(&r, S1, &err, "stop-send ff15::1234"), 0);
    assert_int_equal(mc_monitor_command_event(r.m[S1], &ev), 0);
    if (ev.why == NULL || strstr(ev.why, "replies, round trip min") == NULL)
        fail_msg("stop-send said: %s", ev.why != NULL ? ev.why : "(nothing)");
    print_message("  S1: %s\n", ev.why);
    rig_pump_ms(&r, 200); /* the last replies */
    tcpdump_stop(&td);

    si = rig_last_sender(&r, S1);
    rig_group(&r, "ff15::1234", 5001, &v);
    nreq = tshark_times(path, "ipv6.src==fd42::1 && ipv6.dst==ff15::1234", req,
                        512);
    nrep = tshark_times(path, "ipv6.src==fd42::10 && ipv6.dst==fd42::1 && udp",
                        rep, 512);
    print_message("  sent %llu, on the wire %zu probes, %zu replies; RX sent "
                  "back %llu, S1 got %llu replies, round trip min %.3f avg "
                  "%.3f max %.3f ms\n",
                  (unsigned long long)si.sent, nreq, nrep,
                  (unsigned long long)v.reflected,
                  (unsigned long long)si.replies.n, si.replies.min_ns / 1e6,
                  mc_rtt_avg_ns(&si.replies) / 1e6, si.replies.max_ns / 1e6);
    assert_true(si.sent >= 40);
    assert_int_equal(nreq, si.sent);
    assert_int_equal(nrep, nreq);
    assert_int_equal(v.reflected, nrep);
    assert_int_equal(si.replies.n, nrep);
    for (size_t i = 0; i < nrep; i++)
        delta += rep[i] - req[i];
    delta /= (double)nrep;
    print_message("  tshark: request -> reply on RX's link %.3f ms on "
                  "average\n",
                  delta * 1e3);
    assert_true(delta >= 0);
    assert_true(mc_rtt_avg_ns(&si.replies) / 1e9 >= delta);
    assert_true(si.replies.min_ns > 0);
    assert_true(si.replies.max_ns < 100 * 1000000LL);
    rig_close(&r);
    if (getenv("MCSCOPE_TEST_KEEP") == NULL)
        unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(reflect_round_trip, lab_leave_teardown),
    };
    int rc;

    lab = lab_create(false);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
