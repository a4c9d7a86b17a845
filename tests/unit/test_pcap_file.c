/*
 * --write-pcap never overwrites a file (README): a capture file of an
 * earlier run stays byte for byte, and the refusal says why; a new file
 * is written.  A real monitor in a private network namespace captures on
 * lo.
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
#include <sys/stat.h>
#include <unistd.h>

#include "mcscope/monitor.h"
#include "testns.h"

static const char keep[] = "a capture of an earlier run\n";

/* The newest event whose text has needle, or fail. */
static void expect_event(struct mc_monitor *m, const char *needle)
{
    char text[MC_EVENT_TEXT_MAX];

    for (size_t i = mc_monitor_nevents(m); i-- > 0;) {
        struct mc_event e;

        if (mc_monitor_event(m, i, &e) == 0 &&
            strstr(mc_event_format(&e, text, sizeof text, 0), needle) != NULL)
            return;
    }
    fail_msg("no event says '%s'", needle);
}

static void test_never_overwrites(void **state)
{
    char dir[] = "/tmp/mcpcap.XXXXXX", old[64], fresh[64], buf[128];
    struct mc_monitor *m;
    struct mc_err err;
    struct stat st;
    FILE *f;
    size_t n;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(old, sizeof old, "%s/old.pcap", dir);
    snprintf(fresh, sizeof fresh, "%s/new.pcap", dir);
    f = fopen(old, "w");
    assert_non_null(f);
    fputs(keep, f);
    fclose(f);

    /* the file exists: the capture is refused, the file stays */
    assert_int_equal(mc_monitor_new(NULL, &m, &err), 0);
    assert_int_equal(mc_monitor_write_pcap(m, old, &err), 0);
    mc_monitor_exec_line(m, "pcap on", NULL);
    mc_monitor_exec_line(m, "join 239.1.5.1 dev lo", NULL);
    expect_event(m, "exists already, and mcscope never overwrites a file");
    mc_monitor_free(m);
    f = fopen(old, "r");
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(n, strlen(keep));
    assert_memory_equal(buf, keep, n);

    /* a new file is written (a pcap header at least) */
    assert_int_equal(mc_monitor_new(NULL, &m, &err), 0);
    assert_int_equal(mc_monitor_write_pcap(m, fresh, &err), 0);
    if (mc_monitor_exec_line(m, "pcap on", &err) < 0)
        fail_msg("pcap on: %s", err.msg);
    if (mc_monitor_exec_line(m, "join 239.1.5.1 dev lo", &err) < 0)
        fail_msg("join: %s", err.msg);
    mc_monitor_free(m);
    assert_int_equal(stat(fresh, &st), 0);
    assert_true(st.st_size >= 24);
    unlink(old);
    unlink(fresh);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_never_overwrites),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
