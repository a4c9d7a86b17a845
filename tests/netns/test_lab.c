/*
 * Integration: mcscope --lab, the real program (src/lab/).
 * Root only (skips with 77 otherwise, and when this mcscope has no --lab).
 *
 *  - up_down: `--lab --batch 3 --json` builds mcslab<pid>-{SW,S1,S2,RX}
 *    with the senders inside, both sources' traffic reaches the receiver
 *    in both families (per source: packets for the time, the hop limit
 *    and traffic class each sender sets, the wire count equal to the
 *    socket's), and at exit no namespace, process or host link is left;
 *  - signals: SIGTERM, SIGINT and SIGHUP end a running lab at once
 *    (exit 1, the report still printed) and leave nothing behind;
 *  - kill9_sweep: after kill -9 of the lab, its senders end with it
 *    (PR_SET_PDEATHSIG), its named namespaces stay, and the next start
 *    removes them (and says so), leaving nothing of either run;
 *  - sweep_spares_live: a second lab started while one runs removes
 *    nothing of the first, which goes on receiving;
 *  - userns: as the user nobody (no root), the lab runs in user and
 *    network namespaces with the same traffic, and names nothing in
 *    /run/netns (skipped when the kernel refuses user namespaces);
 *  - no_terminal: the TUI mode without a terminal fails before building;
 *  - lab_net: `mcscope --lab-net up --owner PID` (the scripts' builder)
 *    leaves the same lab standing, named after PID, which a sweep spares
 *    while PID lives; `down` removes it; once PID is gone, `sweep` does;
 *    bad usage exits 2.
 *
 * The program is BUILD/mcscope (the test runs from BUILD/tests) or
 * $MCSCOPE_BIN.
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "montest.h"
#include "progrun.h"

#define PREFIX "mcslab"
#define RATE 20 /* packets/s per source and group (src/lab/programs.h) */
#define MAX_PIDS 64

/* ---- what a lab leaves in the system ---- */

static int names_with(const char *lab_prefix, pid_t pid)
{
    char prefix[32];
    DIR *d = opendir("/run/netns");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return 0;
    snprintf(prefix, sizeof prefix, "%s%d-", lab_prefix, (int)pid);
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static int names_of(pid_t pid)
{
    return names_with(PREFIX, pid);
}

/* Wait until pid's four namespaces exist and its stderr says the lab is
 * up (the senders are started then). */
static void wait_up(const struct prog *r)
{
    long end = prog_now_ms() + 10000;

    while (prog_now_ms() < end) {
        char *err = prog_slurp(r->err);
        bool up = strstr(err, "the lab is up") != NULL;

        free(err);
        if (up && names_of(r->pid) == 4)
            return;
        prog_sleep_ms(20);
    }
    fail_msg("the lab of pid %d did not come up", (int)r->pid);
}

/* Pids (other than the lab itself) inside the lab of pid. */
static size_t pids_inside(pid_t lab, pid_t *pids, size_t max)
{
    static const char *const hosts[] = {"SW", "S1", "S2", "RX"};
    struct stat ns[4], st;
    char path[96];
    DIR *d;
    struct dirent *e;
    size_t n = 0;

    for (int h = 0; h < 4; h++) {
        snprintf(path, sizeof path, "/run/netns/" PREFIX "%d-%s", (int)lab,
                 hosts[h]);
        if (stat(path, &ns[h]) < 0)
            ns[h].st_ino = 0;
    }
    d = opendir("/proc");
    assert_non_null(d);
    while ((e = readdir(d)) != NULL && n < max) {
        long pid = strtol(e->d_name, NULL, 10);

        if (pid <= 0 || pid == (long)lab)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/ns/net", pid);
        if (stat(path, &st) < 0)
            continue;
        for (int h = 0; h < 4; h++)
            if (ns[h].st_ino != 0 && st.st_ino == ns[h].st_ino &&
                st.st_dev == ns[h].st_dev)
                pids[n++] = (pid_t)pid;
    }
    closedir(d);
    return n;
}

/* The sender pids the lab announces on stderr. */
static void sender_pids(const char *err, pid_t pids[2])
{
    const char *p = strstr(err, "senders: pids ");
    int a = 0, b = 0;

    if (p == NULL || sscanf(p, "senders: pids %d, %d", &a, &b) != 2)
        fail_msg("no sender pids in: %s", err);
    pids[0] = a;
    pids[1] = b;
}

static bool alive(pid_t pid)
{
    char path[64], stat[256] = "";
    FILE *f;

    if (kill(pid, 0) < 0)
        return false;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (f != NULL) {
        if (fgets(stat, sizeof stat, f) == NULL)
            stat[0] = '\0';
        fclose(f);
    }
    /* A zombie waits for its new parent: it is gone as a process. */
    return strstr(stat, ") Z") == NULL;
}

static void expect_gone(const pid_t *pids, size_t n, const char *what)
{
    long end = prog_now_ms() + 3000;

    for (size_t i = 0; i < n; i++) {
        while (alive(pids[i]) && prog_now_ms() < end)
            prog_sleep_ms(20);
        if (alive(pids[i]))
            fail_msg("%s: process %d is still there", what, (int)pids[i]);
    }
}

/* No interface of the lab in the test's own (the host's) namespace. */
static void expect_no_host_links(void)
{
    struct if_nameindex *ifs = if_nameindex(), *i;

    assert_non_null(ifs);
    for (i = ifs; i->if_index != 0; i++) {
        const char *n = i->if_name;

        if (!strcmp(n, "lab0") || !strcmp(n, "lab1") || !strcmp(n, "br0") ||
            !strcmp(n, "br1") || !strncmp(n, "p0-", 3) || !strncmp(n, "p1-", 3))
            fail_msg("a lab link is in the host's namespace: %s", n);
    }
    if_freenameindex(ifs);
}

static void expect_nothing_left(pid_t lab, const pid_t *inside, size_t n)
{
    assert_int_equal(names_of(lab), 0);
    expect_gone(inside, n, "left behind");
    expect_no_host_links();
}

/* ---- the report ---- */

/* Source src of group in a report that ran `seconds`: the packets of
 * that time, the marks of its sender, the wire equal to the socket. */
static void expect_source(json_object *group, const char *src, double seconds,
                          int hoplimit, int tclass)
{
    json_object *s =
        tj_need(tj_key(group, "by_source", json_type_array), "source", src);
    int64_t pkts = tj_int(s, "packets"), wire = tj_int(s, "wire_packets");
    int64_t least = (int64_t)(RATE * (seconds - 0.8));
    int64_t most = (int64_t)(RATE * seconds) + 4;

    if (pkts < least || pkts > most)
        fail_msg("%s: %lld packets in %.1f s, want %lld..%lld", src,
                 (long long)pkts, seconds, (long long)least, (long long)most);
    if (wire < pkts - 1 || wire > pkts + 1)
        fail_msg("%s: the wire saw %lld, the socket %lld", src, (long long)wire,
                 (long long)pkts);
    assert_int_equal(tj_int(s, "hoplimit"), hoplimit);
    assert_int_equal(tj_int(s, "tclass"), tclass);
    assert_int_equal(tj_int(s, "lost"), 0);
}

/* The demo's groups, both sources each, in a report of `seconds`. */
static void expect_traffic(const char *json, double seconds)
{
    json_object *root = json_tokener_parse(json);
    json_object *groups, *g;

    if (root == NULL)
        fail_msg("not JSON: %s", json);
    assert_int_equal(
        json_object_array_length(tj_key(root, "errors", json_type_array)), 0);
    groups = tj_key(root, "groups", json_type_array);
    g = tj_need(groups, "group", "ff15::1234");
    expect_source(g, "fd42::1", seconds, 7, 0x28);
    expect_source(g, "fd42::2", seconds, 9, 0xb8);
    g = tj_need(groups, "group", "239.1.1.1");
    expect_source(g, "10.200.0.1", seconds, 7, 0x28);
    expect_source(g, "10.200.0.2", seconds, 9, 0xb8);
    json_object_put(root);
}

/* ---- the cases ---- */

static void up_down(void **state)
{
    pid_t inside[MAX_PIDS], senders[2];
    struct prog r;
    char *out, *err;
    size_t n;

    (void)state;
    prog_start_direct(&r, "--lab", "--batch", "3", "--json", NULL);
    wait_up(&r);
    n = pids_inside(r.pid, inside, MAX_PIDS);
    if (prog_wait(&r, 20000, &out, &err) != 0)
        fail_msg("the lab failed: %s", err);
    sender_pids(err, senders);
    assert_true(n >= 2); /* the senders, at least */
    expect_traffic(out, 3.0);
    expect_nothing_left(r.pid, inside, n);
    expect_gone(senders, 2, "a sender");
    free(out);
    free(err);
}

/* A signal ends the lab at once; everything goes. */
static void ended_by(int sig, const char *name)
{
    pid_t inside[MAX_PIDS];
    struct prog r;
    char *out, *err;
    size_t n;
    long t0;
    int rc;

    prog_start_direct(&r, "--lab", "--batch", "60", "--json", NULL);
    wait_up(&r);
    prog_sleep_ms(500);
    n = pids_inside(r.pid, inside, MAX_PIDS);
    t0 = prog_now_ms();
    kill(r.pid, sig);
    rc = prog_wait(&r, 10000, &out, &err);
    if (rc != 1)
        fail_msg("after %s: exit %d, want 1: %s", name, rc, err);
    if (prog_now_ms() - t0 > 4000)
        fail_msg("%s took %ld ms to end the lab", name, prog_now_ms() - t0);
    assert_non_null(strstr(err, "interrupted"));
    assert_non_null(strstr(out, "\"groups\"")); /* the report came */
    expect_nothing_left(r.pid, inside, n);
    free(out);
    free(err);
}

static void signals(void **state)
{
    (void)state;
    ended_by(SIGTERM, "SIGTERM");
    ended_by(SIGINT, "SIGINT");
    ended_by(SIGHUP, "SIGHUP");
}

static void kill9_sweep(void **state)
{
    pid_t inside[MAX_PIDS], inside2[MAX_PIDS], old;
    struct prog r, r2;
    char *out, *err, expect[96];
    size_t n, n2;

    (void)state;
    prog_start_direct(&r, "--lab", "--batch", "60", NULL);
    wait_up(&r);
    n = pids_inside(r.pid, inside, MAX_PIDS);
    assert_true(n >= 2);
    old = r.pid;
    kill(old, SIGKILL);
    assert_int_equal(prog_wait(&r, 5000, &out, &err), 128 + SIGKILL);
    free(out);
    free(err);
    /* Its children end with it; its named namespaces stay. */
    expect_gone(inside, n, "a child of the killed lab");
    assert_int_equal(names_of(old), 4);

    prog_start_direct(&r2, "--lab", "--batch", "2", "--json", NULL);
    wait_up(&r2);
    n2 = pids_inside(r2.pid, inside2, MAX_PIDS);
    if (prog_wait(&r2, 20000, &out, &err) != 0)
        fail_msg("the second lab failed: %s", err);
    snprintf(expect, sizeof expect,
             "removed the network namespace " PREFIX "%d-RX", (int)old);
    if (strstr(err, expect) == NULL)
        fail_msg("the second lab did not say \"%s\": %s", expect, err);
    assert_int_equal(names_of(old), 0);
    expect_traffic(out, 2.0);
    expect_nothing_left(r2.pid, inside2, n2);
    free(out);
    free(err);
}

static void sweep_spares_live(void **state)
{
    pid_t inside[MAX_PIDS];
    struct prog a, b;
    char *out, *err, *out_b, *err_b;
    size_t n;

    (void)state;
    prog_start_direct(&a, "--lab", "--batch", "5", "--json", NULL);
    wait_up(&a);
    n = pids_inside(a.pid, inside, MAX_PIDS);
    prog_start_direct(&b, "--lab", "--batch", "1", NULL);
    if (prog_wait(&b, 20000, &out_b, &err_b) != 0)
        fail_msg("the second lab failed: %s", err_b);
    assert_null(strstr(err_b, "removed"));
    assert_int_equal(names_of(a.pid), 4);
    if (prog_wait(&a, 20000, &out, &err) != 0)
        fail_msg("the first lab failed: %s", err);
    expect_traffic(out, 5.0);
    expect_nothing_left(a.pid, inside, n);
    free(out);
    free(err);
    free(out_b);
    free(err_b);
}

static void userns(void **state)
{
    const char *argv[] = {"setpriv",   "--reuid", "65534",
                          "--regid",   "65534",   "--clear-groups",
                          prog_find(), "--lab",   "--batch",
                          "3",         "--json",  NULL};
    pid_t senders[2];
    struct prog r;
    char *out, *err;
    int rc;

    (void)state;
    if (access("/usr/bin/setpriv", X_OK) != 0)
        skip();
    argv[0] = "/usr/bin/setpriv";
    prog_spawn(&r, argv);
    rc = prog_wait(&r, 20000, &out, &err);
    if (rc != 0 && strstr(err, "refused an unprivileged user namespace")) {
        printf("SKIP userns: %s", err);
        free(out);
        free(err);
        skip();
    }
    if (rc != 0)
        fail_msg("the lab as nobody failed (%d): %s", rc, err);
    assert_non_null(strstr(err, "user + network namespaces"));
    sender_pids(err, senders);
    expect_traffic(out, 3.0);
    expect_gone(senders, 2, "a sender of the user-namespace lab");
    assert_int_equal(names_of(r.pid), 0);
    expect_no_host_links();
    free(out);
    free(err);
}

static void no_terminal(void **state)
{
    struct prog r;
    char *out, *err;

    (void)state;
    /* the TUI, with stdin from /dev/null */
    prog_start_direct(&r, "--lab", NULL);
    assert_int_equal(prog_wait(&r, 10000, &out, &err), 1);
    assert_non_null(strstr(err, "needs a terminal"));
    assert_null(strstr(err, "the lab is up"));
    assert_int_equal(names_of(r.pid), 0);
    free(out);
    free(err);
}

/* mcscope --lab-net ARGS...: its exit status; its stdout and stderr
 * (caller frees). */
static int run_lab_net(char **out, char **err, const char *verb, const char *a1,
                       const char *a2, const char *a3, const char *a4)
{
    struct prog r;

    prog_start_direct(&r, "--lab-net", verb, a1, a2, a3, a4, NULL);
    return prog_wait(&r, 30000, out, err);
}

/* `ip -n NS -o addr show dev lab0` holds addr. */
static void expect_addr(const char *ns, const char *addr)
{
    char cmd[160], buf[4096] = "";
    FILE *p;
    size_t n;

    snprintf(cmd, sizeof cmd, "ip -n %s -o addr show dev lab0", ns);
    p = popen(cmd, "r");
    assert_non_null(p);
    n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = '\0';
    pclose(p);
    if (strstr(buf, addr) == NULL)
        fail_msg("%s has no %s on lab0: %s", ns, addr, buf);
}

static void lab_net(void **state)
{
    char own[16], want[64], ns[64], *out, *err;
    pid_t owner = fork();

    (void)state;
    assert_true(owner >= 0);
    if (owner == 0) {
        pause();
        _exit(0);
    }
    snprintf(own, sizeof own, "%d", (int)owner);
    assert_int_equal(
        run_lab_net(&out, &err, "up", "--prefix", "mcsnet", "--owner", own), 0);
    for (int h = 0; h < 4; h++) {
        static const char *const hosts[] = {"SW", "S1", "S2", "RX"};

        snprintf(want, sizeof want, "%s mcsnet%d-%s\n", hosts[h], (int)owner,
                 hosts[h]);
        if (strstr(out, want) == NULL)
            fail_msg("no \"%s\" in: %s", want, out);
    }
    free(out);
    free(err);
    assert_int_equal(names_with("mcsnet", owner), 4);
    snprintf(ns, sizeof ns, "mcsnet%d-RX", (int)owner);
    expect_addr(ns, "fd42::10/64");
    expect_addr(ns, "10.200.0.10/24");
    snprintf(ns, sizeof ns, "mcsnet%d-S1", (int)owner);
    expect_addr(ns, "fd42::1/64");

    /* the owner lives: a sweep spares it; down removes it */
    assert_int_equal(
        run_lab_net(&out, &err, "sweep", "--prefix", "mcsnet", NULL, NULL), 0);
    assert_int_equal(names_with("mcsnet", owner), 4);
    free(out);
    free(err);
    assert_int_equal(
        run_lab_net(&out, &err, "down", "--prefix", "mcsnet", "--owner", own),
        0);
    assert_int_equal(names_with("mcsnet", owner), 0);
    free(out);
    free(err);

    /* the owner killed: the next sweep removes its lab */
    assert_int_equal(
        run_lab_net(&out, &err, "up", "--prefix", "mcsnet", "--owner", own), 0);
    free(out);
    free(err);
    kill(owner, SIGKILL);
    while (waitpid(owner, NULL, 0) < 0 && errno == EINTR)
        ;
    assert_int_equal(
        run_lab_net(&out, &err, "sweep", "--prefix", "mcsnet", NULL, NULL), 0);
    snprintf(want, sizeof want, "removed the network namespace mcsnet%d-RX",
             (int)owner);
    if (strstr(err, want) == NULL)
        fail_msg("the sweep did not say \"%s\": %s", want, err);
    assert_int_equal(names_with("mcsnet", owner), 0);
    free(out);
    free(err);
    expect_no_host_links();

    /* bad usage */
    assert_int_equal(run_lab_net(&out, &err, "up", NULL, NULL, NULL, NULL), 2);
    assert_non_null(strstr(err, "--owner"));
    free(out);
    free(err);
    assert_int_equal(run_lab_net(&out, &err, "frob", NULL, NULL, NULL, NULL),
                     2);
    free(out);
    free(err);
}

/* ---- setting up ---- */

/* Skip (77) when this build's main does not run the lab yet. */
static void require_lab(void)
{
    struct prog r;
    char *out, *err;
    int rc;

    prog_start_direct(&r, "--lab", "--lesson", "no-such-lesson", "--batch", "1",
                      NULL);
    rc = prog_wait(&r, 10000, &out, &err);
    if (rc != 2 || strstr(err, "no lesson") == NULL) {
        printf("SKIP: this mcscope runs no lab (--lab --lesson gave %d: "
               "%.200s)\n",
               rc, err);
        exit(77);
    }
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(up_down),     cmocka_unit_test(signals),
        cmocka_unit_test(kill9_sweep), cmocka_unit_test(sweep_spares_live),
        cmocka_unit_test(userns),      cmocka_unit_test(no_terminal),
        cmocka_unit_test(lab_net),
    };

    if (geteuid() != 0) {
        printf("SKIP: needs root to create network namespaces (CI runs as "
               "root)\n");
        return 77;
    }
    prog_find();
    require_lab();
    if (getenv("MCSCOPE_TEST_FILTER") != NULL)
        cmocka_set_test_filter(getenv("MCSCOPE_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
