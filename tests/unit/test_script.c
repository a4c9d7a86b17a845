/*
 * Unit tests: core/script.c, the script runner, in a private network
 * namespace (a script joins 239.x on lo): the timing of lines and waits,
 * checking without running, loading a file, and directives — a host's
 * lines handed to its callback at their time, holding and resuming.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcscope/monitor.h"
#include "mcscope/script.h"
#include "testns.h"
#include "testutil.h"

#define MS 1000000LL

static struct mc_monitor *mon_new(unsigned holdoff_us)
{
    return tu_monitor(holdoff_us);
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
    assert_string_equal(tu_event_text(&e), "three");
    assert_int_equal(mc_monitor_event(m, 1, &e), 0);
    assert_string_equal(tu_event_text(&e), "wait 0.5");
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

struct seen {
    char rest[4][64];
    size_t idx[4];
    size_t n;
    int answer; /* what the callback returns */
};

static int note_directive(void *arg, const char *line, const char *rest,
                          size_t index)
{
    struct seen *v = arg;

    assert_non_null(strstr(line, rest));
    if (v->n < 4) {
        snprintf(v->rest[v->n], sizeof v->rest[v->n], "%s", rest);
        v->idx[v->n++] = index;
    }
    return v->answer;
}

static void test_directives(void **state)
{
    struct mc_monitor *m = mon_new(1000);
    struct mc_script *s = mc_script_new();
    struct seen lab = {0}, stage = {.answer = MC_SCRIPT_HOLD};
    struct mc_event e;
    int64_t t0 = 1000 * MS;

    (void)state;
    assert_int_equal(mc_script_add_directive(s, "", note_directive, &lab),
                     -EINVAL);
    assert_int_equal(mc_script_add_directive(s, "# lab:", note_directive, &lab),
                     0);
    assert_int_equal(
        mc_script_add_directive(s, "%stage", note_directive, &stage), 0);
    mc_script_add(s, "echo one", "a:1");
    mc_script_add(s, "  # lab:  mdb", "a:2");
    mc_script_add(s, "wait 1", "a:3");
    mc_script_add(s, "# lab: listener 239.4.0.9", "a:4");
    mc_script_add(s, "%stage two", "a:5"); /* not a command: still checks */
    mc_script_add(s, "echo two", "a:6");
    mc_script_add(s, "# a plain comment", "a:7");
    assert_int_equal(mc_script_check(s, NULL, NULL), 0);

    /* At t0: echo one, then the first directive, up to the wait. */
    assert_int_equal(mc_script_step(s, m, t0), 0);
    assert_int_equal(lab.n, 1);
    assert_string_equal(lab.rest[0], "mdb");
    assert_int_equal(lab.idx[0], 1);
    assert_int_equal(mc_script_position(s), 3);
    assert_int_equal(mc_script_next_ns(s), t0 + 1000 * MS);
    /* The second only at its time. */
    mc_script_step(s, m, t0 + 999 * MS);
    assert_int_equal(lab.n, 1);
    /* After the wait: the lab line, then the stage line holds. */
    assert_int_equal(mc_script_step(s, m, t0 + 1000 * MS), 0);
    assert_int_equal(lab.n, 2);
    assert_string_equal(lab.rest[1], "listener 239.4.0.9");
    assert_int_equal(stage.n, 1);
    assert_string_equal(stage.rest[0], "two");
    assert_int_equal(stage.idx[0], 4);
    assert_true(mc_script_held(s));
    assert_false(mc_script_done(s));
    assert_int_equal(mc_script_next_ns(s), INT64_MAX);
    mc_script_step(s, m, t0 + 5000 * MS); /* held: nothing runs */
    assert_int_equal(mc_script_position(s), 5);
    /* Resumed: the rest runs; directives never reached the monitor. */
    mc_script_resume(s, t0 + 6000 * MS);
    assert_false(mc_script_held(s));
    assert_int_equal(mc_script_next_ns(s), t0 + 6000 * MS);
    assert_int_equal(mc_script_step(s, m, t0 + 6000 * MS), 0);
    assert_true(mc_script_done(s));
    assert_int_equal(lab.n, 2);
    /* echo one, wait, echo two */
    assert_int_equal(mc_monitor_nevents(m), 3);
    assert_int_equal(mc_monitor_event(m, 2, &e), 0);
    assert_string_equal(tu_event_text(&e), "two");
    /* Rewound to the stage line (the lab's previous stage): it runs
     * again at the time given, and past the end is the end. */
    mc_script_rewind(s, 4, t0 + 7000 * MS);
    assert_false(mc_script_done(s));
    assert_int_equal(mc_script_position(s), 4);
    assert_int_equal(mc_script_next_ns(s), t0 + 7000 * MS);
    mc_script_step(s, m, t0 + 7000 * MS);
    assert_int_equal(stage.n, 2);
    assert_int_equal(stage.idx[1], 4);
    assert_true(mc_script_held(s));
    mc_script_rewind(s, 99, t0 + 8000 * MS);
    assert_false(mc_script_held(s));
    assert_true(mc_script_done(s));
    /* Cut after the first two lines: they are all there is. */
    mc_script_truncate(s, 2);
    assert_int_equal(mc_script_nlines(s), 2);
    assert_int_equal(mc_script_position(s), 2);
    assert_string_equal(mc_script_line(s, 1), "  # lab:  mdb");
    mc_script_add(s, "echo three", "a:8");
    assert_int_equal(mc_script_nlines(s), 3);
    assert_false(mc_script_done(s));
    assert_string_equal(mc_script_line(s, 2), "echo three");
    mc_script_free(s);

    /* A directive that fails counts as failed and the script runs on. */
    s = mc_script_new();
    lab = (struct seen){.answer = -EINVAL};
    mc_script_add_directive(s, "# lab:", note_directive, &lab);
    mc_script_add(s, "# lab: bogus", "b:1");
    mc_script_add(s, "echo after", "b:2");
    assert_int_equal(mc_script_step(s, m, t0), 1);
    assert_true(mc_script_done(s));
    assert_int_equal(mc_monitor_nevents(m), 4);
    mc_script_free(s);
    mc_monitor_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_script),
        cmocka_unit_test(test_script_file),
        cmocka_unit_test(test_directives),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
