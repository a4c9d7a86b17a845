/*
 * Integration: `mcscope --batch N --json --pcap --write-pcap FILE` run
 * with `ip netns exec` in the lab (progrun.h), in IPv6 and IPv4:
 *  - RX joins, excludes S2 and collects while mcscope in S1 and S2 sends
 *    300 probes each: exit 0; the JSON has the wire counts (600 for the
 *    group, 300 per source, S2 a wire-only source with its note), the
 *    host's own reports in "reports", the capture with its file, and the
 *    capabilities the run kept (CAP_NET_RAW, and CAP_NET_ADMIN only for
 *    a receive buffer above net.core.rmem_max);
 *  - FILE opens with `tcpdump -r`: as many frames as the capture says it
 *    wrote, 300 UDP datagrams to the group from each source;
 *  - --write-pcap with nothing captured: exit 1, said on stderr, no file;
 *    an empty file name: exit 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lab.h"
#include "montest.h"
#include "progrun.h"
#include "mcscope/monitor.h"

static struct lab *lab;

struct fam {
    int family;
    const char *g, *s1, *s2;
    uint16_t port;
    const char *proto;
};

static const struct fam v6 = {AF_INET6,  "ff15::b001", "fd42::1",
                              "fd42::2", 7700,         "mldv2"};
static const struct fam v4 = {AF_INET,      "239.10.0.1", "10.200.0.1",
                              "10.200.0.2", 7800,         "igmpv3"};

/* Lines `tcpdump -r path -nn [filter]` prints; -1 without tcpdump. */
static long tcpdump_lines(const char *path, const char *filter)
{
    char cmd[512], line[1024];
    long n = 0;
    FILE *p;
    int status;

    if (access("/usr/bin/tcpdump", X_OK) != 0 &&
        access("/usr/sbin/tcpdump", X_OK) != 0)
        return -1;
    snprintf(cmd, sizeof cmd, "tcpdump -r '%s' -nn %s 2>/dev/null", path,
             filter);
    p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(line, sizeof line, p) != NULL)
        n += strchr(line, '\n') != NULL;
    status = pclose(p);
    if (status != 0)
        fail_msg("%s: exit status %d", cmd, status);
    return n;
}

/* Whether a JSON array of addresses holds a. */
/* net.core.rmem_max, read here (not through mcscope). */
static long rmem_max(void)
{
    FILE *f = fopen("/proc/sys/net/core/rmem_max", "r");
    long v = -1;

    assert_non_null(f);
    assert_int_equal(fscanf(f, "%ld", &v), 1);
    fclose(f);
    return v;
}

static bool holds(json_object *arr, const char *a)
{
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(arr, i)),
                   a) == 0)
            return true;
    return false;
}

/* An outgoing report in the JSON with a record for the group: of type
 * (NULL: any) listing src (NULL: any sources). */
static bool reported(json_object *root, const struct fam *f, const char *type,
                     const char *src)
{
    json_object *reps = tj_key(root, "reports", json_type_array);

    for (size_t i = 0; i < json_object_array_length(reps); i++) {
        json_object *r = json_object_array_get_idx(reps, i);
        json_object *recs = tj_key(r, "records", json_type_array);

        if (strcmp(tj_str(r, "dir"), "out") != 0 ||
            strcmp(tj_str(r, "proto"), f->proto) != 0)
            continue;
        for (size_t k = 0; k < json_object_array_length(recs); k++) {
            json_object *x = json_object_array_get_idx(recs, k);

            if (strcmp(tj_str(x, "group"), f->g) != 0 ||
                (type != NULL && strcmp(tj_str(x, "type"), type) != 0))
                continue;
            if (src == NULL ||
                holds(tj_key(x, "sources", json_type_array), src))
                return true;
        }
    }
    return false;
}

static void check_file(const struct fam *f, const char *path, int64_t written)
{
    char filter[160];
    long all, s1, s2;

    all = tcpdump_lines(path, "");
    if (all < 0) {
        print_message("  SKIP tcpdump -r: tcpdump not installed\n");
        return;
    }
    snprintf(filter, sizeof filter, "'udp and src host %s and dst host %s'",
             f->s1, f->g);
    s1 = tcpdump_lines(path, filter);
    snprintf(filter, sizeof filter, "'udp and src host %s and dst host %s'",
             f->s2, f->g);
    s2 = tcpdump_lines(path, filter);
    print_message("  tcpdump -r: %ld frames (%lld written), %ld from S1, "
                  "%ld from S2\n",
                  all, (long long)written, s1, s2);
    assert_int_equal(all, written);
    assert_int_equal(s1, 300);
    assert_int_equal(s2, 300);
}

static void cli_pcap(const struct fam *f)
{
    char join[128], excl[128], send[128], path[64];
    char *out[3], *err[3];
    struct prog rx, s1, s2;
    json_object *root, *g, *s, *cap;
    struct mc_addr a1 = tu_addr(f->s1), a2 = tu_addr(f->s2);

    snprintf(path, sizeof path, "/tmp/mcs-wire-%d-%d.pcap", (int)getpid(),
             f->family);
    snprintf(join, sizeof join, "join %s dev lab0 port %u", f->g,
             (unsigned)f->port);
    snprintf(excl, sizeof excl, "exclude-source %s %s dev lab0 port %u", f->g,
             f->s2, (unsigned)f->port);
    snprintf(send, sizeof send, "send %s dev lab0 port %u rate 1000 count 300",
             f->g, (unsigned)f->port);
    prog_start(&rx, lab, "RX", "--batch", "3", "--json", "--pcap",
               "--write-pcap", path, "-e", join, "-e", excl, NULL);
    prog_start(&s1, lab, "S1", "--batch", "2", "-e", "wait 1", "-e", send,
               NULL);
    prog_start(&s2, lab, "S2", "--batch", "2", "-e", "wait 1", "-e", send,
               NULL);
    assert_int_equal(prog_finish(&s1, &out[1], &err[1]), 0);
    assert_int_equal(prog_finish(&s2, &out[2], &err[2]), 0);
    if (prog_finish(&rx, &out[0], &err[0]) != 0)
        fail_msg("RX failed: %s", err[0]);

    root = tj_parse(out[0]);
    assert_int_equal(
        json_object_array_length(tj_key(root, "errors", json_type_array)), 0);
    g = tj_group(root, f->g);
    assert_string_equal(tj_str(g, "mode"), "exclude");
    assert_int_equal(tj_int(g, "packets"), 300);
    assert_int_equal(tj_int(g, "wire_packets"), 600);
    s = tj_source(root, f->g, &a1);
    assert_int_equal(tj_int(s, "packets"), 300);
    assert_int_equal(tj_int(s, "wire_packets"), 300);
    s = tj_source(root, f->g, &a2);
    assert_int_equal(tj_int(s, "packets"), 0);
    assert_int_equal(tj_int(s, "wire_packets"), 300);
    assert_string_equal(tj_str(s, "wire_note"),
                        mc_wire_note_text(MC_WIRE_NOTE_EXCLUDED));
    /* The join, and the exclusion: BLOCK_OLD_SOURCES {S2}, or merged
     * into the join's pending change as CHANGE_TO_EXCLUDE {S2}. */
    assert_true(reported(root, f, "CHANGE_TO_EXCLUDE", NULL));
    assert_true(reported(root, f, NULL, f->s2));
    /* CAP_NET_ADMIN stays only for SO_RCVBUFFORCE: the default receive
     * buffer above net.core.rmem_max. */
    assert_string_equal(
        tj_str(tj_key(root, "settings", json_type_object), "capabilities"),
        rmem_max() < MC_MON_DEFAULT_RCVBUF ? "cap_net_admin,cap_net_raw=ep"
                                           : "cap_net_raw=ep");
    cap =
        json_object_array_get_idx(tj_key(tj_key(root, "wire", json_type_object),
                                         "captures", json_type_array),
                                  0);
    assert_non_null(cap);
    assert_string_equal(tj_str(cap, "file"), path);
    assert_int_equal(tj_int(cap, "dropped"), 0);
    assert_int_equal(tj_int(cap, "written"), tj_int(cap, "frames"));
    check_file(f, path, tj_int(cap, "written"));
    json_object_put(root);
    unlink(path);
    for (int i = 0; i < 3; i++) {
        free(out[i]);
        free(err[i]);
    }
}

/* --write-pcap with nothing to capture, and without a name. */
static void cli_nothing(void **state)
{
    char path[64], *out, *err;
    struct prog p;

    (void)state;
    snprintf(path, sizeof path, "/tmp/mcs-wire-%d-none.pcap", (int)getpid());
    prog_start(&p, lab, "RX", "--batch", "0.5", "--write-pcap", path, "-e",
               "echo nothing joined", NULL);
    assert_int_equal(prog_finish(&p, &out, &err), 1);
    assert_non_null(strstr(err, "nothing was captured"));
    assert_int_equal(access(path, F_OK), -1);
    free(out);
    free(err);
    prog_start(&p, lab, "RX", "--batch", "1", "--write-pcap", "", NULL);
    assert_int_equal(prog_finish(&p, &out, &err), 2);
    assert_non_null(strstr(err, "--write-pcap needs a file name"));
    free(out);
    free(err);
}

LAB_BOTH_FAMILIES(cli_pcap, &v6, &v4)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cli_pcap_v6),
        cmocka_unit_test(cli_pcap_v4),
        cmocka_unit_test(cli_nothing),
    };
    int rc;

    lab = lab_create(false); /* not root: skips (77) */
    prog_find();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
