/*
 * Integration: `diagnose` in the lab (mcscope --batch --json in RX, a
 * sender in S1), each answer checked against tools nobody here wrote:
 *  - healthy (IPv6): every check ok, or unknown with its reason (no
 *    querier on the lab's link yet), --expect failed=0 holds (exit 0); the
 *    reports counted equal tshark's count of the host's MLDv2 reports
 *    naming the group in the run's pcap file;
 *  - strict rp_filter with an asymmetric route (IPv4): rp_filter fails
 *    with the sysctl's value as `sysctl -n` reads it, the interface
 *    `ip route get` names, and IPReversePathFilter's rise as `nstat`
 *    counts it (= the 100 packets sent); route warns; nothing else fails;
 *    --expect failed=0 is broken (exit 1);
 *  - nftables dropping MLD output (IPv6): reports_blocked fails with the
 *    rule as `nft -a list ruleset` prints it and the command that deletes
 *    it by its handle; the kernel's Icmp6OutMLDv2Reports rose 0 (nstat);
 *    nothing else fails;
 *  - a tiny receive buffer under load (IPv6): an application's socket
 *    (python3, SO_REUSEADDR and SO_RCVBUF 1, bound to the group, joined)
 *    does not read during a
 *    burst from S1 while S2 streams on: socket_overflow fails with
 *    Udp6RcvbufErrors' rise as `nstat` counts it; nothing else fails;
 *  - refusals: no such group on any interface, no such interface, a
 *    source of the other family.
 */
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

static struct lab *lab;

/* Run `ip netns exec RX sh -c CMD`; its stdout (caller frees). */
static char *rx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *rx_sh(const char *fmt, ...)
{
    char cmd[1024], full[1200], *out = NULL;
    size_t len = 0;
    va_list ap;
    FILE *p, *m;
    int c;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "ip netns exec %s sh -c '%s'",
             lab_ns_name(lab, "RX"), cmd);
    p = popen(full, "r");
    assert_non_null(p);
    m = open_memstream(&out, &len);
    while ((c = fgetc(p)) != EOF)
        fputc(c, m);
    fclose(m);
    if (pclose(p) != 0)
        fail_msg("%s failed", full);
    return out;
}

/* A counter as `nstat -az NAME` prints it in RX (absolute, -a). */
static long long nstat(const char *name)
{
    char *out = rx_sh("nstat -saz %s", name);
    const char *at = strstr(out, name);
    long long v = -1;

    if (at == NULL || sscanf(at + strlen(name), "%lld", &v) != 1)
        fail_msg("nstat: no %s in '%s'", name, out);
    free(out);
    return v;
}

static json_object *diagnosis(json_object *root)
{
    json_object *arr = tj_key(root, "diagnosis", json_type_array);

    assert_int_equal(json_object_array_length(arr), 1);
    return json_object_array_get_idx(arr, 0);
}

static json_object *check(json_object *d, const char *id)
{
    return tj_need(tj_key(d, "checks", json_type_array), "id", id);
}

static void want_check(json_object *d, const char *id, const char *status,
                       const char *evidence)
{
    json_object *c = check(d, id);

    if (strcmp(tj_str(c, "status"), status) != 0 ||
        (evidence != NULL && strstr(tj_str(c, "evidence"), evidence) == NULL))
        fail_msg("%s: %s '%s', want %s with '%s'", id, tj_str(c, "status"),
                 tj_str(c, "evidence"), status, evidence ? evidence : "");
}

/* No check fails but id (NULL: none), and none warns but those listed. */
static void only_fails(json_object *d, const char *id, const char *warns)
{
    json_object *arr = tj_key(d, "checks", json_type_array);

    assert_int_equal(json_object_array_length(arr), 15);
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *c = json_object_array_get_idx(arr, i);
        const char *st = tj_str(c, "status"), *cid = tj_str(c, "id");

        if (strcmp(st, "fail") == 0 && (id == NULL || strcmp(cid, id) != 0))
            fail_msg("%s fails too: %s", cid, tj_str(c, "evidence"));
        if (strcmp(st, "warn") == 0 &&
            (warns == NULL || strstr(warns, cid) == NULL))
            fail_msg("%s warns: %s", cid, tj_str(c, "evidence"));
        if (strcmp(st, "unknown") == 0 && strlen(tj_str(c, "evidence")) < 10)
            fail_msg("%s is unknown without a reason", cid);
        if (strcmp(st, "ok") != 0 && strcmp(st, "unknown") != 0 &&
            strcmp(st, "warn") != 0 && strcmp(st, "fail") != 0)
            fail_msg("%s: status '%s'", cid, st);
    }
}

/* Lines of `tshark -r path -Y filter`. */
static long tshark_count(const char *path, const char *filter)
{
    char cmd[512], line[1024];
    long n = 0;
    FILE *p;

    snprintf(cmd, sizeof cmd, "tshark -r '%s' -Y '%s' 2>/dev/null", path,
             filter);
    p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(line, sizeof line, p) != NULL)
        n++;
    assert_int_equal(pclose(p), 0);
    return n;
}

static void healthy(void **state)
{
    char path[64], filter[128], want[64], *out, *err, *o1, *e1;
    struct prog rx, s1;
    json_object *root, *d;
    long reports;

    (void)state;
    snprintf(path, sizeof path, "/tmp/mcs-diag-%d.pcap", (int)getpid());
    prog_start(&s1, lab, "S1", "--batch", "3.5", "-e",
               "send ff15::d1 dev lab0 port 7901 rate 100", NULL);
    prog_start(&rx, lab, "RX", "--batch", "3", "--json", "--write-pcap", path,
               "--expect", "failed=0", "-e", "pcap on dev lab0", "-e",
               "join ff15::d1 dev lab0 port 7901", "-e", "cmsg hoplimit on",
               "-e", "diagnose ff15::d1 dev lab0 port 7901", NULL);
    if (prog_finish(&rx, &out, &err) != 0)
        fail_msg("RX: %s", err);
    assert_int_equal(prog_finish(&s1, &o1, &e1), 0);
    root = tj_parse(out);
    d = diagnosis(root);
    assert_string_equal(tj_str(d, "group"), "ff15::d1");
    assert_string_equal(tj_str(d, "iface"), "lab0");
    assert_int_equal(tj_int(d, "port"), 7901);
    assert_string_equal(tj_str(d, "verdict"), "ok");
    only_fails(d, NULL, NULL);
    want_check(d, "querier", "unknown", "no query on lab0 yet");
    want_check(d, "membership", "ok", "/proc/net/igmp6: lab0 holds ff15::d1");
    want_check(d, "firewall_input", "ok", "no input rule drops UDP");
    want_check(d, "stopped", "ok", "arriving");
    want_check(d, "hoplimit", "ok", "hop limit 1");
    snprintf(filter, sizeof filter,
             "icmpv6.type == 143 && icmpv6.mldr.mar.multicast_address == "
             "ff15::d1");
    reports = tshark_count(path, filter);
    print_message("  tshark: %ld MLDv2 report(s) of ff15::d1\n", reports);
    assert_true(reports >= 1);
    snprintf(want, sizeof want, "%ld report(s) of ff15::d1 left lab0", reports);
    want_check(d, "reports_sent", "ok", want);
    json_object_put(root);
    unlink(path);
    free(out);
    free(err);
    free(o1);
    free(e1);
}

static void rp_filter_strict(void **state)
{
    char *out, *err, *o1, *e1, *rp, *route, want[256];
    long long before, after;
    struct prog rx, s1;
    json_object *root, *d;

    (void)state;
    free(rx_sh("ip link add rpx0 type veth peer name rpx1 && ip link set "
               "rpx0 up && ip link set rpx1 up && ip route add "
               "10.200.0.1/32 dev rpx0 && sysctl -qw "
               "net.ipv4.conf.lab0.rp_filter=1"));
    rp = rx_sh("sysctl -n net.ipv4.conf.lab0.rp_filter");
    route = rx_sh("ip route get 10.200.0.1");
    assert_non_null(strstr(route, "dev rpx0"));
    before = nstat("TcpExtIPReversePathFilter");
    prog_start(&rx, lab, "RX", "--batch", "3", "--json", "--expect", "failed=0",
               "-e", "pcap on dev lab0", "-e",
               "join 239.10.9.1 dev lab0 port 7902", "-e",
               "diagnose 239.10.9.1 dev lab0 port 7902", NULL);
    prog_start(&s1, lab, "S1", "--batch", "2", "-e", "wait 0.8", "-e",
               "send 239.10.9.1 dev lab0 port 7902 rate 200 count 100", NULL);
    assert_int_equal(prog_finish(&s1, &o1, &e1), 0);
    assert_int_equal(prog_finish(&rx, &out, &err), 1); /* failed=0 broken */
    assert_non_null(strstr(err, "failed=0 broken"));
    assert_non_null(strstr(err, "the first: rp_filter"));
    after = nstat("TcpExtIPReversePathFilter");
    print_message("  nstat: IPReversePathFilter +%lld\n", after - before);
    assert_int_equal(after - before, 100);
    root = tj_parse(out);
    d = diagnosis(root);
    assert_string_equal(tj_str(d, "verdict"), "fail");
    snprintf(want, sizeof want,
             "net.ipv4.conf.lab0.rp_filter=%d (strict): the route back to "
             "10.200.0.1 leaves by rpx0, not lab0: the kernel drops its "
             "packets; IPReversePathFilter +%lld",
             atoi(rp), after - before);
    want_check(d, "rp_filter", "fail", want);
    assert_string_equal(tj_str(check(d, "rp_filter"), "fix"),
                        "sysctl -w net.ipv4.conf.all.rp_filter=2 "
                        "net.ipv4.conf.lab0.rp_filter=2");
    want_check(d, "route", "warn", "ip route get 10.200.0.1: dev rpx0");
    want_check(d, "wire", "ok", "100 packet(s) to 239.10.9.1 port 7902");
    only_fails(d, "rp_filter", "route");
    json_object_put(root);
    free(
        rx_sh("ip link del rpx0 && sysctl -qw net.ipv4.conf.lab0.rp_filter=0"));
    free(rp);
    free(route);
    free(out);
    free(err);
    free(o1);
    free(e1);
}

static void nft_drops_mld(void **state)
{
    char *out, *err, *o1, *e1, *rules, rule[128], fix[128];
    const char *at;
    long long before, after;
    unsigned handle = 0;
    struct prog rx, s1;
    json_object *root, *d;

    (void)state;
    free(rx_sh("nft \"add table inet mcdiag; add chain inet mcdiag out { type "
               "filter hook output priority 0 ; }; add rule inet mcdiag out "
               "icmpv6 type mld2-listener-report drop\""));
    rules = rx_sh("nft -a list ruleset");
    at = strstr(rules, "icmpv6 type mld2-listener-report drop # handle ");
    assert_non_null(at);
    assert_int_equal(sscanf(strstr(at, "# handle ") + 9, "%u", &handle), 1);
    snprintf(rule, sizeof rule, "\"%.*s\" drops the host's MLD reports",
             (int)(strstr(at, " # handle") - at), at);
    snprintf(fix, sizeof fix, "nft delete rule inet mcdiag out handle %u",
             handle);
    before = nstat("Icmp6OutMLDv2Reports");
    prog_start(&s1, lab, "S1", "--batch", "3.5", "-e",
               "send ff15::d2 dev lab0 port 7903 rate 100", NULL);
    prog_start(&rx, lab, "RX", "--batch", "3", "--json", "-e",
               "pcap on dev lab0", "-e", "join ff15::d2 dev lab0 port 7903",
               "-e", "diagnose ff15::d2 dev lab0 port 7903", NULL);
    assert_int_equal(prog_finish(&rx, &out, &err), 0);
    assert_int_equal(prog_finish(&s1, &o1, &e1), 0);
    after = nstat("Icmp6OutMLDv2Reports");
    print_message("  nstat: Icmp6OutMLDv2Reports +%lld\n", after - before);
    assert_int_equal(after - before, 0);
    root = tj_parse(out);
    d = diagnosis(root);
    want_check(d, "reports_blocked", "fail", rule);
    want_check(d, "reports_blocked", "fail",
               "Icmp6OutGroupMembResponses +0 (reports it sent)");
    assert_string_equal(tj_str(check(d, "reports_blocked"), "fix"), fix);
    want_check(d, "reports_sent", "warn", "reports_blocked says why");
    only_fails(d, "reports_blocked", "reports_sent");
    json_object_put(root);
    free(rx_sh("nft delete table inet mcdiag"));
    free(rules);
    free(out);
    free(err);
    free(o1);
    free(e1);
}

/* A receiver that joins with the smallest buffer and does not read for
 * argv[4] seconds, then reads until argv[5] seconds have passed. */
static const char slow_reader[] =
    "import socket, struct, sys, time\n"
    "g, port, ifn = sys.argv[1], int(sys.argv[2]), sys.argv[3]\n"
    "idx = socket.if_nametoindex(ifn)\n"
    "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
    "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
    "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)\n"
    "s.bind((g, port, 0, idx))\n"
    "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,\n"
    "             socket.inet_pton(socket.AF_INET6, g) + "
    "struct.pack('@I', idx))\n"
    "print('ready', flush=True)\n"
    "time.sleep(float(sys.argv[4]))\n"
    "s.settimeout(0.1)\n"
    "end = time.time() + float(sys.argv[5])\n"
    "while time.time() < end:\n"
    "    try:\n"
    "        s.recv(4096)\n"
    "    except socket.timeout:\n"
    "        pass\n";

static void tiny_rcvbuf(void **state)
{
    const char *argv[] = {
        "/usr/bin/env", "ip",  "netns",     "exec",     lab_ns_name(lab, "RX"),
        "python3",      "-c",  slow_reader, "ff15::d3", "7904",
        "lab0",         "2.2", "3",         NULL};
    char *out, *err, *o[3], *e[3], want[128], *ready;
    long long before, after;
    struct prog app, rx, s1, s2;
    json_object *root, *d;
    long t0;

    (void)state;
    before = nstat("Udp6RcvbufErrors");
    prog_spawn(&app, argv);
    for (t0 = prog_now_ms();; prog_sleep_ms(50)) {
        ready = prog_slurp(app.out);
        if (strstr(ready, "ready") != NULL)
            break;
        free(ready);
        if (prog_now_ms() - t0 > 5000)
            fail_msg("the slow reader did not start");
    }
    free(ready);
    prog_start(&rx, lab, "RX", "--batch", "3.5", "--json", "-e",
               "pcap on dev lab0", "-e", "join ff15::d3 dev lab0 port 7904",
               "-e", "diagnose ff15::d3 dev lab0 port 7904", NULL);
    prog_start(&s2, lab, "S2", "--batch", "4", "-e",
               "send ff15::d3 dev lab0 port 7904 rate 20", NULL);
    prog_start(&s1, lab, "S1", "--batch", "2", "-e", "wait 1", "-e",
               "send ff15::d3 dev lab0 port 7904 rate 5000 count 400 size 1000",
               NULL);
    assert_int_equal(prog_finish(&s1, &o[0], &e[0]), 0);
    assert_int_equal(prog_finish(&rx, &out, &err), 0);
    assert_int_equal(prog_finish(&s2, &o[1], &e[1]), 0);
    assert_int_equal(prog_wait(&app, 10000, &o[2], &e[2]), 0);
    after = nstat("Udp6RcvbufErrors");
    print_message("  nstat: Udp6RcvbufErrors +%lld\n", after - before);
    assert_true(after - before > 0);
    root = tj_parse(out);
    d = diagnosis(root);
    snprintf(want, sizeof want, "Udp6RcvbufErrors +%lld in ", after - before);
    want_check(d, "socket_overflow", "fail", want);
    assert_non_null(strstr(tj_str(check(d, "socket_overflow"), "fix"),
                           "net.core.rmem_max"));
    want_check(d, "stopped", "ok", "arriving");
    only_fails(d, "socket_overflow", NULL);
    json_object_put(root);
    free(out);
    free(err);
    for (int i = 0; i < 3; i++) {
        free(o[i]);
        free(e[i]);
    }
}

static void refusals(void **state)
{
    static const struct {
        const char *line;
        int status;
        const char *says;
    } t[] = {
        {"diagnose ff15::d9", 1,
         "no interface holds ff15::d9 (/proc/net/igmp6) and mcscope did not "
         "join it: name the interface: diagnose ff15::d9 dev IFACE"},
        {"diagnose ff15::d9 dev nosuch0", 1,
         "no interface named 'nosuch0' in this network namespace"},
        {"diagnose ff15::d9 10.200.0.1 dev lab0", 2,
         "the source is IPv4 but the group is IPv6"},
        {"diagnose 10.200.0.1", 2, "'10.200.0.1' is not a multicast group"},
    };
    char *out, *err;
    struct prog p;

    (void)state;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        prog_start(&p, lab, "RX", "--batch", "0.2", "-e", t[i].line, NULL);
        if (prog_finish(&p, &out, &err) != t[i].status ||
            strstr(err, t[i].says) == NULL)
            fail_msg("'%s': stderr '%s', want exit %d and '%s'", t[i].line, err,
                     t[i].status, t[i].says);
        free(out);
        free(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(healthy),       cmocka_unit_test(rp_filter_strict),
        cmocka_unit_test(nft_drops_mld), cmocka_unit_test(tiny_rcvbuf),
        cmocka_unit_test(refusals),
    };
    int rc;

    lab = lab_create(false); /* not root: skips (77) */
    prog_find();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
