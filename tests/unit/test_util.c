/*
 * Unit tests: core/util.c — the helpers the core's files share: family
 * names, nanoseconds, real-to-monotonic time, array growth, arming a
 * timerfd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "../../core/util.h"

static void test_family_name(void **state)
{
    (void)state;
    assert_string_equal(mc_family_name(AF_INET), "IPv4");
    assert_string_equal(mc_family_name(AF_INET6), "IPv6");
    assert_string_equal(mc_family_name(0), "?");
    assert_string_equal(mc_family_name(AF_UNIX), "?");
}

static void test_time(void **state)
{
    struct timespec ts = {3, 250};
    int64_t mono, real;

    (void)state;
    assert_int_equal(MC_NS_PER_S, 1000000000LL);
    assert_int_equal(MC_NS_PER_MS * 1000, MC_NS_PER_S);
    assert_int_equal(mc__timespec_ns(&ts), 3000000250LL);
    /* a stamp 2 s before now is 2 s before now on the monotonic clock */
    assert_int_equal(
        mc__real_to_mono(98 * MC_NS_PER_S, 100 * MC_NS_PER_S, 7 * MC_NS_PER_S),
        5 * MC_NS_PER_S);
    /* a stamp from the future is now */
    assert_int_equal(
        mc__real_to_mono(101 * MC_NS_PER_S, 100 * MC_NS_PER_S, 7 * MC_NS_PER_S),
        7 * MC_NS_PER_S);
    mono = mc__clock_ns(CLOCK_MONOTONIC);
    real = mc__clock_ns(CLOCK_REALTIME);
    assert_true(mono > 0);
    assert_true(real > mono / 2);
    assert_true(mc__clock_ns(CLOCK_MONOTONIC) >= mono);
}

static void test_grown(void **state)
{
    int *v = NULL, *g;
    size_t cap = 0, n;

    (void)state;
    for (n = 0; n < 100; n++) {
        g = mc__grown(v, &cap, n, sizeof *v);
        assert_non_null(g);
        v = g;
        assert_true(cap > n);
        v[n] = (int)n;
    }
    assert_int_equal(cap, 128); /* 8, doubled */
    for (n = 0; n < 100; n++)
        assert_int_equal(v[n], (int)n);
    /* room left: the same array back */
    cap = 128;
    assert_ptr_equal(mc__grown(v, &cap, 100, sizeof *v), v);
    assert_int_equal(cap, 128);
    free(v);
}

static void test_timerfd_arm(void **state)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    struct itimerspec its;
    struct pollfd p;
    uint64_t n = 0;

    (void)state;
    assert_true(fd >= 0);
    /* relative: armed, fires */
    assert_int_equal(mc_timerfd_arm(fd, 1000000, false), 0);
    p.fd = fd;
    p.events = POLLIN;
    assert_int_equal(poll(&p, 1, 1000), 1);
    assert_int_equal(read(fd, &n, sizeof n), (ssize_t)sizeof n);
    assert_int_equal(n, 1);
    /* absolute, in the past (0 would disarm it): fires at once */
    assert_int_equal(mc_timerfd_arm(fd, 0, true), 0);
    assert_int_equal(poll(&p, 1, 1000), 1);
    assert_int_equal(read(fd, &n, sizeof n), (ssize_t)sizeof n);
    /* absolute, far ahead: armed, not fired */
    assert_int_equal(
        mc_timerfd_arm(fd, mc__clock_ns(CLOCK_MONOTONIC) + 60 * MC_NS_PER_S,
                       true),
        0);
    assert_int_equal(timerfd_gettime(fd, &its), 0);
    assert_true(its.it_value.tv_sec > 50);
    close(fd);
    assert_int_equal(mc_timerfd_arm(fd, 1, false), -EBADF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_family_name),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_grown),
        cmocka_unit_test(test_timerfd_arm),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
