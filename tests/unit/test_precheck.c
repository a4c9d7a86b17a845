/*
 * The precheck (mc_monitor_precheck) against the kernel: for every line
 * of a session, what the precheck foretells is what running the line
 * gives — the same refusal (errno and text) when it foretells one, and
 * success when it does not.  The kernel's answers are the truth here: a
 * real monitor in a private network namespace, memberships on lo.
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

struct step {
    const char *line;
    int refused; /* the errno the kernel (or apply) gives; 0: runs */
};

static const struct step steps[] = {
    {"join 239.1.1.1 dev lo", 0},
    {"join 239.1.1.1 dev lo", EADDRINUSE},
    {"exclude-source 239.1.1.1 10.0.0.9 dev lo", 0},
    {"exclude-source 239.1.1.1 10.0.0.9 dev lo", EADDRNOTAVAIL},
    {"join-source 239.1.1.1 10.0.0.8 dev lo", EINVAL},
    {"include-source 239.1.1.1 10.0.0.7 dev lo", EADDRNOTAVAIL},
    {"include-source 239.1.1.1 10.0.0.9 dev lo", 0}, /* emptied again */
    {"join-source 239.1.1.1 10.0.0.8 dev lo", EINVAL},
    {"leave-source 239.1.1.1 10.0.0.9 dev lo", EADDRNOTAVAIL},
    {"join 239.1.1.1 dev lo port 5009", 0}, /* another socket */
    {"leave 239.1.1.1 dev lo", 0},
    {"leave 239.1.1.1 dev lo", EADDRNOTAVAIL},
    {"exclude-source 239.1.1.1 10.0.0.9 dev lo", EADDRNOTAVAIL},
    {"join-source 239.1.1.2 10.0.0.1 dev lo", 0},
    {"join-source 239.1.1.2 10.0.0.1 dev lo", EADDRNOTAVAIL},
    {"exclude-source 239.1.1.2 10.0.0.5 dev lo", EINVAL},
    {"include-source 239.1.1.2 10.0.0.1 dev lo", EINVAL},
    {"join 239.1.1.2 dev lo", EADDRINUSE},
    {"leave-source 239.1.1.2 10.0.0.3 dev lo", EADDRNOTAVAIL},
    {"leave-source 239.1.1.2 10.0.0.1 dev lo", 0}, /* the last: left */
    {"join ff15::9 dev lo", 0},
    {"join ff15::9 dev lo", EADDRINUSE},
    {"exclude-source ff15::9 fd00::1 dev lo", 0},
    {"exclude-source ff15::9 fd00::1 dev lo", EADDRNOTAVAIL},
    /* a fresh join switches to include mode: no source list yet */
    {"join 239.1.1.4 dev lo", 0},
    {"join-source 239.1.1.4 10.0.0.2 dev lo", 0},
    {"join 239.1.1.4 dev lo", EADDRINUSE},
    {"set hoplimit 0", EINVAL},
    {"set hoplimit 9", 0},
    {"join 239.1.1.3 dev nosuchif0", ENODEV},
};

static void test_precheck_foretells(void **state)
{
    struct mc_monitor *m;
    struct mc_err err, pre;

    (void)state;
    assert_int_equal(mc_monitor_new(NULL, &m, &err), 0);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        struct mc_cmd cmd;
        int p, r;

        assert_int_equal(mc_cmd_parse(steps[i].line, &cmd, &err), 0);
        p = mc_monitor_precheck(m, &cmd, &pre);
        r = mc_monitor_exec_line(m, steps[i].line, &err);
        if (r != -steps[i].refused)
            fail_msg("'%s' ran with %d, not %d: %s", steps[i].line, r,
                     -steps[i].refused, err.msg);
        if (p != r)
            fail_msg("'%s': the precheck said %d (%s), running it %d (%s)",
                     steps[i].line, p, pre.msg, r, err.msg);
        /* the same words: the run's text is "LINE: why" */
        if (r < 0 && strstr(err.msg, pre.msg) == NULL)
            fail_msg("'%s': the precheck said '%s', running it '%s'",
                     steps[i].line, pre.msg, err.msg);
    }
    mc_monitor_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precheck_foretells),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
