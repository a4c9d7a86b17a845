/* Test helpers shared by the unit and integration tests. */
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "mcscope/monitor.h"

#define MS 1000000LL

struct mc_addr tu_addr(const char *text)
{
    struct mc_addr a;
    struct mc_err err;
    int rc = mc_addr_parse(text, &a, NULL, 0, &err);

    if (rc < 0)
        fail_msg("mc_addr_parse(\"%s\"): %d %s", text, rc, err.msg);
    return a;
}

void tu_expect_addr(const struct mc_addr *a, const char *text)
{
    char buf[MC_ADDR_STRLEN];

    assert_string_equal(mc_addr_format(a, buf, sizeof buf), text);
}

int tu_sockopt(int fd, int level, int name)
{
    int v = -12345;
    socklen_t len = sizeof v;

    assert_int_equal(getsockopt(fd, level, name, &v, &len), 0);
    return v;
}

struct mc_monitor *tu_monitor(unsigned holdoff_us)
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

const char *tu_event_text(const struct mc_event *e)
{
    static char buf[MC_EVENT_TEXT_MAX];

    return mc_event_format(e, buf, sizeof buf, MC_EVENT_UTF8);
}

int tu_monitor_pass(struct mc_monitor *const *m, size_t n, int max_ms)
{
    struct pollfd fds[TU_MAX_MONITORS * TU_FDS_PER_MONITOR];
    size_t at[TU_MAX_MONITORS + 1];
    int t = max_ms, rc, flags = 0;

    assert_true(n <= TU_MAX_MONITORS);
    at[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = mc_monitor_pollfds(m[i], fds + at[i], TU_FDS_PER_MONITOR);
        int ti = mc_monitor_next_timeout_ms(m[i]);

        assert_true(k <= TU_FDS_PER_MONITOR);
        at[i + 1] = at[i] + k;
        if (ti < t)
            t = ti;
    }
    rc = poll(fds, at[n], t);
    assert_true(rc >= 0 || errno == EINTR);
    for (size_t i = 0; i < n; i++)
        flags |= mc_monitor_dispatch(m[i], fds + at[i], at[i + 1] - at[i]);
    return flags;
}

void tu_monitor_run_ms(struct mc_monitor *const *m, size_t n, int ms)
{
    int64_t end = mc_monitor_now_ns() + ms * MS;

    for (;;) {
        int64_t left = (end - mc_monitor_now_ns()) / MS;

        if (left <= 0)
            return;
        tu_monitor_pass(m, n, (int)left);
    }
}

void tu_monitor_run_quiet(struct mc_monitor *const *m, size_t n, int quiet_ms,
                          int limit_ms, void (*hook)(void *arg), void *arg)
{
    struct mc_monitor_counters c;
    int64_t start = mc_monitor_now_ns(), last = start;
    uint64_t seen = 0;

    for (;;) {
        size_t running = 0;
        int64_t now;

        tu_monitor_pass(m, n, quiet_ms);
        for (size_t i = 0; i < n; i++)
            running += mc_monitor_senders_running(m[i]);
        if (hook != NULL)
            hook(arg);
        now = mc_monitor_now_ns();
        mc_monitor_counters(m[0], &c);
        if (c.rx_packets + c.wire_frames != seen || running > 0) {
            seen = c.rx_packets + c.wire_frames;
            last = now;
        }
        if (now - last >= quiet_ms * MS)
            return;
        if (now - start > limit_ms * MS)
            fail_msg("the monitors did not go quiet within %d ms", limit_ms);
    }
}
