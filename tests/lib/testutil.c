/* Test helpers shared by the unit and integration tests. */
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/socket.h>

#include "mcscope/monitor.h"

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
