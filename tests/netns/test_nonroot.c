/*
 * Integration: mcscope without root.  A copy of the program in a temporary
 * folder gets the file capability the install gives it (`setcap
 * cap_net_raw+ep`, as -DMCSCOPE_SETCAP=ON does at install) and runs as
 * the user nobody (setpriv --reuid --regid --clear-groups
 * --inh-caps=-all) in the lab's RX, `--batch 3 --json --pcap`, joining an
 * IPv6 and an IPv4 group while mcscope in S1 sends 300 probes to each:
 *  - it exits 0: the joins needed no privilege;
 *  - the capabilities it ran with are exactly cap_net_raw=ep (no
 *    CAP_NET_ADMIN: nobody gave it, and nothing asked for it);
 *  - the wire cross-check ran: per group, the capture counted the 300
 *    packets the socket counted (wire_packets == packets == 300);
 *  - the same copy without the file capability (setcap -r) is refused
 *    the capture with the cause and the fix (CAP_NET_RAW, setcap
 *    cap_net_raw+ep), exit 1, and still counts the packets.
 * Root only (it builds the lab and sets file capabilities); skips with 77
 * otherwise, or without setcap, setpriv or the user nobody.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lab.h"
#include "montest.h"
#include "progrun.h"

#define G6 "ff15::c001"
#define G4 "239.10.0.7"
#define PORT "7900"

static struct lab *lab;
static char dir[64], copy[128];

static int run(const char *cmd)
{
    int st = system(cmd);

    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void make_copy(void)
{
    char cmd[512];

    snprintf(dir, sizeof dir, "/tmp/mcs-nonroot-XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_int_equal(chmod(dir, 0755), 0);
    snprintf(copy, sizeof copy, "%s/mcscope", dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && chmod 0755 '%s'", prog_find(),
             copy, copy);
    assert_int_equal(run(cmd), 0);
}

/* RX as nobody, the copy, joining both groups; its exit status. */
static int rx_as_nobody(char **out, char **err)
{
    const char *argv[] = {access("/usr/sbin/ip", X_OK) == 0 ? "/usr/sbin/ip"
                                                            : "/sbin/ip",
                          "netns",
                          "exec",
                          lab_ns_name(lab, "RX"),
                          "setpriv",
                          "--reuid=nobody",
                          "--regid=nogroup",
                          "--clear-groups",
                          "--inh-caps=-all",
                          copy,
                          "--batch",
                          "3",
                          "--json",
                          "--pcap",
                          "-e",
                          "join " G6 " dev lab0 port " PORT,
                          "-e",
                          "join " G4 " dev lab0 port " PORT,
                          NULL};
    struct prog rx, s1;
    char *o, *e;

    prog_spawn(&rx, argv);
    prog_start(&s1, lab, "S1", "--batch", "2.5", "-e", "wait 1", "-e",
               "send " G6 " dev lab0 port " PORT " rate 1000 count 300", "-e",
               "send " G4 " dev lab0 port " PORT " rate 1000 count 300", NULL);
    assert_int_equal(prog_finish(&s1, &o, &e), 0);
    free(o);
    free(e);
    return prog_finish(&rx, out, err);
}

static void expect_counts(json_object *root, bool wire)
{
    const char *groups[] = {G6, G4};

    for (size_t i = 0; i < 2; i++) {
        json_object *g = tj_group(root, groups[i]);

        assert_int_equal(tj_int(g, "packets"), 300);
        if (wire)
            assert_int_equal(tj_int(g, "wire_packets"), 300);
    }
}

static void nonroot(void **state)
{
    char cmd[512], *out, *err;
    json_object *root;
    int rc;

    (void)state;
    make_copy();
    snprintf(cmd, sizeof cmd, "setcap cap_net_raw+ep '%s'", copy);
    assert_int_equal(run(cmd), 0);

    rc = rx_as_nobody(&out, &err);
    if (rc != 0)
        fail_msg("mcscope as nobody with cap_net_raw+ep: exit %d: %s", rc, err);
    root = tj_parse(out);
    assert_string_equal(
        tj_str(tj_key(root, "settings", json_type_object), "capabilities"),
        "cap_net_raw=ep");
    expect_counts(root, true);
    json_object_put(root);
    free(out);
    free(err);

    /* Without the file capability: the capture is refused, with the fix. */
    snprintf(cmd, sizeof cmd, "setcap -r '%s'", copy);
    assert_int_equal(run(cmd), 0);
    rc = rx_as_nobody(&out, &err);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "CAP_NET_RAW"));
    assert_non_null(strstr(err, "setcap cap_net_raw+ep"));
    root = tj_parse(out);
    expect_counts(root, false);
    json_object_put(root);
    free(out);
    free(err);

    unlink(copy);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nonroot),
    };
    int rc;

    if (geteuid() != 0)
        return 77;
    if (run("command -v setcap >/dev/null && command -v setpriv >/dev/null") !=
            0 ||
        getpwnam("nobody") == NULL) {
        fprintf(stderr, "SKIP: setcap, setpriv or the user nobody missing\n");
        return 77;
    }
    lab = lab_create(false);
    prog_find();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
