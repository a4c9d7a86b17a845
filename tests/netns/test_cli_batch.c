/*
 * Integration: the mcscope program in batch mode, run with `ip netns exec`
 * inside the lab's hosts (tests/lib/lab.h), in IPv6 and IPv4:
 *  - exit 0: RX collects while S1 and S2 (mcscope too) send; the JSON
 *    reports parse, and RX's per-source counts equal what each sender's
 *    report says it sent; --expect-packets met;
 *  - exit 2: a refused -e command or script line; nothing ran (the run
 *    ends at once) and stderr names the command and where it came from;
 *  - exit 1: a command the system refused (the report still comes, with
 *    the error in errors[]); --expect-packets not met.
 *
 * The program is found as tests/lib/progrun.h says.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "montest.h"
#include "lab.h"
#include "progrun.h"

extern char **environ;

static struct lab *lab;

struct fam {
    int family;
    const char *g[4];
    const char *s1, *s2;
    uint16_t port;
};

static const struct fam v6 = {
    AF_INET6,
    {"ff15::c001", "ff15::c002", "ff15::c003", "ff15::c004"},
    "fd42::1",
    "fd42::2",
    7300};
static const struct fam v4 = {
    AF_INET,
    {"239.8.0.1", "239.8.0.2", "239.8.0.3", "239.8.0.4"},
    "10.200.0.1",
    "10.200.0.2",
    7400};

/* ---- running the program ---- */

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the JSON ---- */

static json_object *parse(const char *text)
{
    json_object *o = json_tokener_parse(text);

    if (o == NULL)
        fail_msg("not JSON: %s", text);
    return o;
}

static json_object *jidx(json_object *arr, size_t i)
{
    assert_true(i < json_object_array_length(arr));
    return json_object_array_get_idx(arr, i);
}

/* packets from src in RX's group 0. */
static json_object *by_source(json_object *rx, const char *src)
{
    json_object *g = jidx(tj_key(rx, "groups", json_type_array), 0);
    json_object *bs = tj_key(g, "by_source", json_type_array);

    for (size_t i = 0; i < json_object_array_length(bs); i++) {
        json_object *s = jidx(bs, i);

        if (strcmp(
                json_object_get_string(tj_key(s, "source", json_type_string)),
                src) == 0)
            return s;
    }
    fail_msg("no source %s in RX's report", src);
    return NULL;
}

/* What a sender's report says it sent. */
static int64_t sent_by(const char *json)
{
    json_object *root = parse(json);
    json_object *snd = jidx(tj_key(root, "senders", json_type_array), 0);
    int64_t n = tj_int(snd, "sent");

    json_object_put(root);
    return n;
}

/* ---- the cases ---- */

/*
 * RX joins and collects for 3.5 s; S1 and S2 wait 1 s (RX has joined by
 * then), then send 600 and 400 probes in 0.6 s.  Exact per source.
 */
static void exact(const struct fam *f)
{
    char join[128], send1[128], send2[128], port[8];
    char *out[3], *err[3];
    struct prog rx, s1, s2;
    json_object *root, *g, *s;

    snprintf(port, sizeof port, "%u", (unsigned)f->port);
    snprintf(join, sizeof join, "join %s dev lab0 port %s", f->g[0], port);
    snprintf(send1, sizeof send1,
             "send %s dev lab0 port %s rate 1000 count 600 tclass 0x28",
             f->g[0], port);
    snprintf(send2, sizeof send2,
             "send %s dev lab0 port %s rate 1000 count 400", f->g[0], port);
    prog_start(&rx, lab, "RX", "--batch", "3.5", "--json", "--expect-packets",
               "1000", "-e", join, NULL);
    prog_start(&s1, lab, "S1", "--batch", "2.5", "--json", "-e", "wait 1", "-e",
               send1, NULL);
    prog_start(&s2, lab, "S2", "--batch", "2.5", "--json", "-e", "wait 1", "-e",
               send2, NULL);
    assert_int_equal(prog_finish(&s1, &out[1], &err[1]), 0);
    assert_int_equal(prog_finish(&s2, &out[2], &err[2]), 0);
    if (prog_finish(&rx, &out[0], &err[0]) != 0)
        fail_msg("RX failed: %s", err[0]);
    assert_int_equal(sent_by(out[1]), 600);
    assert_int_equal(sent_by(out[2]), 400);

    root = parse(out[0]);
    tj_key(root, "elapsed_s", json_type_double);
    assert_int_equal(
        json_object_array_length(tj_key(root, "errors", json_type_array)), 0);
    g = jidx(tj_key(root, "groups", json_type_array), 0);
    assert_string_equal(
        json_object_get_string(tj_key(g, "group", json_type_string)), f->g[0]);
    assert_string_equal(
        json_object_get_string(tj_key(g, "iface", json_type_string)), "lab0");
    assert_string_equal(
        json_object_get_string(tj_key(g, "mode", json_type_string)), "asm");
    assert_string_equal(
        json_object_get_string(tj_key(g, "family", json_type_string)),
        f->family == AF_INET6 ? "ipv6" : "ipv4");
    assert_int_equal(tj_int(g, "port"), f->port);
    assert_int_equal(tj_int(g, "packets"), 1000);
    s = by_source(root, f->s1);
    assert_int_equal(tj_int(s, "packets"), 600);
    assert_int_equal(tj_int(s, "lost"), 0);
    assert_int_equal(tj_int(s, "tclass"), 0x28);
    s = by_source(root, f->s2);
    assert_int_equal(tj_int(s, "packets"), 400);
    assert_int_equal(tj_int(s, "duplicates"), 0);
    json_object_put(root);
    for (int i = 0; i < 3; i++) {
        free(out[i]);
        free(err[i]);
    }
}

/* A typo in -e 2: exit 2 at once, nothing ran, stdout empty. */
static void refused_e(const struct fam *f)
{
    char join[128], bad[128];
    struct prog p;
    char *out, *err;
    double t0 = now_s();

    snprintf(join, sizeof join, "join %s dev lab0", f->g[1]);
    snprintf(bad, sizeof bad, "jion %s dev lab0", f->g[1]);
    prog_start(&p, lab, "RX", "--batch", "5", "--json", "-e", join, "-e", bad,
               NULL);
    assert_int_equal(prog_finish(&p, &out, &err), 2);
    assert_true(now_s() - t0 < 2.5); /* it did not collect for 5 s */
    assert_string_equal(out, "");
    assert_non_null(strstr(err, "-e 2"));
    assert_non_null(strstr(err, "jion"));
    assert_non_null(strstr(err, "did you mean 'join'"));
    free(out);
    free(err);
}

/* A bad line 3 of a script: exit 2, named by file and line. */
static void refused_script(const struct fam *f)
{
    char path[] = "/tmp/mcs-cli-script-XXXXXX";
    char text[256], where[64];
    struct prog p;
    char *out, *err;
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    snprintf(text, sizeof text,
             "# a health check\njoin %s dev lab0\nsend %s rate 0\nwait 1\n",
             f->g[1], f->g[1]);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    prog_start(&p, lab, "RX", "--batch", "5", "-f", path, NULL);
    assert_int_equal(prog_finish(&p, &out, &err), 2);
    snprintf(where, sizeof where, "%s:3", path);
    assert_non_null(strstr(err, where));
    assert_non_null(strstr(err, "rate"));
    assert_string_equal(out, "");
    unlink(path);
    free(out);
    free(err);
}

/* An interface that does not exist: exit 1, the report still comes. */
static void runtime_error(const struct fam *f)
{
    char join[128];
    struct prog p;
    char *out, *err;
    json_object *root, *errs;

    snprintf(join, sizeof join, "join %s dev nosuch0", f->g[2]);
    prog_start(&p, lab, "RX", "--batch", "1", "--json", "-e", join, NULL);
    assert_int_equal(prog_finish(&p, &out, &err), 1);
    assert_non_null(strstr(err, "error: join"));
    assert_non_null(strstr(err, "nosuch0"));
    root = parse(out);
    errs = tj_key(root, "errors", json_type_array);
    assert_int_equal(json_object_array_length(errs), 1);
    assert_non_null(strstr(json_object_get_string(jidx(errs, 0)), "nosuch0"));
    assert_int_equal(
        json_object_array_length(tj_key(root, "groups", json_type_array)), 0);
    json_object_put(root);
    free(out);
    free(err);
}

/* A group that got nothing: --expect-packets fails the run (exit 1),
 * and the text report shows the group. */
static void health_fails(const struct fam *f)
{
    char join[128];
    struct prog p;
    char *out, *err;

    snprintf(join, sizeof join, "join %s dev lab0 port %u", f->g[3],
             (unsigned)f->port + 1);
    prog_start(&p, lab, "RX", "--batch", "1", "--expect-packets", "1", "-e",
               join, NULL);
    assert_int_equal(prog_finish(&p, &out, &err), 1);
    assert_non_null(strstr(err, "health check"));
    assert_non_null(strstr(err, f->g[3]));
    assert_true(strncmp(out, "GROUP", 5) == 0);
    assert_non_null(strstr(out, f->g[3]));
    free(out);
    free(err);
}

/* Usage errors: exit 2. */
static void usage(void **state)
{
    struct prog p;
    char *out, *err;

    (void)state;
    prog_start(&p, lab, "RX", "--expect-packets", "5", NULL);
    assert_int_equal(prog_finish(&p, &out, &err), 2);
    assert_non_null(strstr(err, "--expect-packets goes with --batch"));
    free(out);
    free(err);
    prog_start(&p, lab, "RX", "--batch", "1", "--expect-packets", "0", NULL);
    assert_int_equal(prog_finish(&p, &out, &err), 2);
    free(out);
    free(err);
    prog_start(&p, lab, "RX", "--batch", "1", "-f", "/nonexistent/script",
               NULL);
    assert_int_equal(prog_finish(&p, &out, &err), 2);
    assert_non_null(strstr(err, "/nonexistent/script"));
    free(out);
    free(err);
}

LAB_BOTH_FAMILIES(exact, &v6, &v4)
LAB_BOTH_FAMILIES(refused_e, &v6, &v4)
LAB_BOTH_FAMILIES(refused_script, &v6, &v4)
LAB_BOTH_FAMILIES(runtime_error, &v6, &v4)
LAB_BOTH_FAMILIES(health_fails, &v6, &v4)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_v6),
        cmocka_unit_test(exact_v4),
        cmocka_unit_test(refused_e_v6),
        cmocka_unit_test(refused_e_v4),
        cmocka_unit_test(refused_script_v6),
        cmocka_unit_test(refused_script_v4),
        cmocka_unit_test(runtime_error_v6),
        cmocka_unit_test(runtime_error_v4),
        cmocka_unit_test(health_fails_v6),
        cmocka_unit_test(health_fails_v4),
        cmocka_unit_test(usage),
    };
    int rc;

    lab = lab_create(false); /* not root: skips (77) */
    prog_find();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
