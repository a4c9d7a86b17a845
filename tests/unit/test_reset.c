/*
 * reset [GROUP] on a monitor (in a private network namespace, on lo):
 * the counts of the group named start again from zero while the other
 * group keeps its own; packets sent after the reset are counted exactly
 * (the sender's own count is the truth); reset without a group zeroes
 * every group; a group not in the table is refused with the fix; the
 * monitor-wide counters keep the monitor's life.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "mcscope/monitor.h"
#include "testns.h"
#include "testutil.h"

static void ok(struct mc_monitor *m, const char *line)
{
    struct mc_err err;

    if (mc_monitor_exec_line(m, line, &err) != 0)
        fail_msg("'%s' failed: %s", line, err.msg);
}

static uint64_t packets(struct mc_monitor *m, size_t i)
{
    struct mc_group_view v;

    assert_int_equal(mc_monitor_group(m, i, &v), 0);
    return mc_group_stats_counters(v.stats)->packets;
}

static unsigned sources(struct mc_monitor *m, size_t i)
{
    struct mc_group_view v;

    assert_int_equal(mc_monitor_group(m, i, &v), 0);
    return mc_group_stats_source_count(v.stats);
}

/* What the last sender says it sent. */
static uint64_t last_sent(struct mc_monitor *m)
{
    struct mc_sender_info si;

    assert_int_equal(mc_monitor_sender(m, mc_monitor_nsenders(m) - 1, &si), 0);
    assert_false(si.running);
    return si.sent;
}

static void pump(struct mc_monitor *m)
{
    tu_monitor_run_quiet(&m, 1, 200, 30000, NULL, NULL);
}

static void test_reset(void **state)
{
    struct mc_monitor *m = tu_monitor(1000);
    struct mc_monitor_counters c;
    struct mc_event e;
    struct mc_err err;
    uint64_t sent;

    (void)state;
    ok(m, "join 239.3.0.1 dev lo port 6300");
    ok(m, "join 239.3.0.2 dev lo port 6300");
    ok(m, "send 239.3.0.1 dev lo port 6300 rate 2000 count 200");
    pump(m);
    ok(m, "send 239.3.0.2 dev lo port 6300 rate 2000 count 150");
    pump(m);
    assert_int_equal(packets(m, 0), 200);
    assert_int_equal(packets(m, 1), 150);

    /* One group: it starts again, the other keeps its counts. */
    ok(m, "reset 239.3.0.1");
    assert_int_equal(mc_monitor_event(m, mc_monitor_nevents(m) - 1, &e), 0);
    assert_string_equal(tu_event_text(&e), "reset 239.3.0.1");
    assert_int_equal(packets(m, 0), 0);
    assert_int_equal(sources(m, 0), 0);
    assert_int_equal(packets(m, 1), 150);
    ok(m, "send 239.3.0.1 dev lo port 6300 rate 2000 count 70");
    pump(m);
    sent = last_sent(m);
    assert_int_equal(sent, 70);
    assert_int_equal(packets(m, 0), sent);
    assert_int_equal(sources(m, 0), 1);

    /* Every group; the monitor's own counters are its life. */
    ok(m, "reset");
    assert_int_equal(packets(m, 0), 0);
    assert_int_equal(packets(m, 1), 0);
    mc_monitor_counters(m, &c);
    assert_int_equal(c.rx_packets, 200 + 150 + 70);

    /* Not in the table: refused, with the fix. */
    assert_int_equal(mc_monitor_exec_line(m, "reset 239.9.9.9", &err), -ENOENT);
    assert_non_null(strstr(err.msg, "no group 239.9.9.9 in the table: "
                                    "reset without a group resets every one"));
    mc_monitor_free(m);

    m = tu_monitor(1000);
    assert_int_equal(mc_monitor_exec_line(m, "reset", &err), -ENOENT);
    assert_string_equal(err.msg, "no group to reset: join one first");
    mc_monitor_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
