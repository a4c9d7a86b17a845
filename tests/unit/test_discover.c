/*
 * Unit tests: core/discover.c — rows per (interface, group, port, source)
 * in the order first seen, packets and bytes, the rate while packets
 * came, the cap with the other bucket, forgetting by interface.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mcscope/discover.h"
#include "testutil.h"

#define MS_NS INT64_C(1000000)

static void test_rows_and_rate(void **state)
{
    struct mc_discover *d;
    struct mc_stream_view v;
    struct mc_addr g = tu_addr("239.1.1.1"), s1 = tu_addr("10.0.0.1"),
                   s2 = tu_addr("10.0.0.2");
    double pps;

    (void)state;
    assert_int_equal(mc_discover_new(0, &d), 0);
    for (int i = 0; i < 11; i++) /* 11 packets 100 ms apart: 10 pps */
        assert_int_equal(
            mc_discover_feed(d, "lab0", &g, 5000, &s1, 100, i * 100 * MS_NS),
            i == 0);
    assert_true(mc_discover_feed(d, "lab0", &g, 5000, &s2, 10, 0));
    assert_true(mc_discover_feed(d, "lab0", &g, 5001, &s1, 10, 0));
    assert_true(mc_discover_feed(d, "lab1", &g, 5000, &s1, 10, 0));
    assert_int_equal(mc_discover_count(d), 4);
    assert_int_equal(mc_discover_get(d, 0, &v), 0);
    tu_expect_addr(&v.group, "239.1.1.1");
    tu_expect_addr(&v.source, "10.0.0.1");
    assert_int_equal(v.port, 5000);
    assert_string_equal(v.ifname, "lab0");
    assert_int_equal(v.packets, 11);
    assert_int_equal(v.bytes, 1100);
    assert_true(mc_stream_pps(&v, &pps));
    assert_true(pps > 9.999 && pps < 10.001);
    assert_int_equal(mc_discover_get(d, 1, &v), 0);
    assert_false(mc_stream_pps(&v, &pps)); /* one packet: no rate */
    assert_int_equal(mc_discover_get(d, 4, &v), -ENOENT);
    mc_discover_forget(d, "lab1");
    assert_int_equal(mc_discover_count(d), 3);
    mc_discover_forget(d, "");
    assert_int_equal(mc_discover_count(d), 0);
    mc_discover_free(d);
}

static void test_cap_and_other(void **state)
{
    struct mc_discover *d;
    struct mc_discover_other o;
    struct mc_addr g = tu_addr("ff15::1");
    char a[64];

    (void)state;
    assert_int_equal(mc_discover_new(8, &d), 0);
    for (unsigned i = 0; i < 100; i++) {
        struct mc_addr s;

        snprintf(a, sizeof a, "fd42::%x", i + 1);
        s = tu_addr(a);
        mc_discover_feed(d, "lab0", &g, 5000, &s, 50, 0);
    }
    assert_int_equal(mc_discover_count(d), 8);
    mc_discover_other(d, &o);
    assert_int_equal(o.packets, 92);
    assert_int_equal(o.bytes, 92 * 50);
    mc_discover_forget(d, "");
    mc_discover_other(d, &o);
    assert_int_equal(o.packets, 0);
    mc_discover_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_and_rate),
        cmocka_unit_test(test_cap_and_other),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
