/*
 * Integration: the lab of faults (src/lab/fault.c), on one lab built by
 * the lab's own code (labnet_up, the lab's senders in S1 and S2), each
 * fault switched on and off in turn.  Root only (skips with 77).
 *
 * For every fault of the table:
 *  - its effect, seen by tools nobody here wrote: the sysctl's value
 *    (sysctl), the nftables rule (nft -a list) and its counter, the
 *    link's flags (ip -j link), the bridge's settings (ip -d -j link) and
 *    group table (bridge mdb), the route (ip route get), the kernel's
 *    counters (nstat: IPReversePathFilter, UdpRcvbufErrors,
 *    UdpInDatagrams), the sockets (ss), and the packets on RX's lab0 as
 *    tshark decodes a capture of them (hop limits, sources, MLD and IGMP
 *    versions, reports that never left);
 *  - `diagnose` (mcscope in RX, batch JSON): the check of the table fails
 *    (or warns, where the table says so) with the evidence the tools
 *    read, and no other check fails but the consequences the table names;
 *  - switched off, the lab is exactly as before: links, addresses,
 *    routes, nftables, every net.ipv4/ipv6.conf sysctl, the bridge's
 *    settings and the programs in each host (their command lines).
 * And a healthy lab: diagnose gives no fail on the lab's groups.
 *
 * The program is BUILD/mcscope (the test runs from BUILD/tests) or
 * $MCSCOPE_BIN.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "lab/fault.h"
#include "lab/net.h"
#include "lab/programs.h"
#include "mcscope/cmd.h"
#include "montest.h"
#include "progrun.h"
#include "runout.h"

#define PREFIX "mcf"
#define SNAP_MAX (256 * 1024)
#define OUT_MAX (64 * 1024)
#define MAX_WORDS 40

static struct labnet net;
static struct labprogs progs;
static struct labfaults faults;
static bool have_diagnose; /* this mcscope knows the verb */

static const char *const check_ids[] = {
    "iface",          "membership",      "reports_sent",
    "igmp_version",   "querier",         "reports_blocked",
    "wire",           "rp_filter",       "route",
    "firewall_input", "socket_overflow", "checksum",
    "hoplimit",       "multicast_all",   "stopped",
};
#define NCHECKS (sizeof check_ids / sizeof check_ids[0])

static bool known_check(const char *id)
{
    for (size_t i = 0; i < NCHECKS; i++)
        if (strcmp(check_ids[i], id) == 0)
            return true;
    return false;
}

/* ---- commands in the lab's hosts ---- */

/* fmt split on blanks ('...' keeps blanks) run in host h; its output in
 * out.  Returns the exit status. */
__attribute__((format(printf, 4, 5))) static int
in_host(enum labnet_host h, char *out, size_t len, const char *fmt, ...)
{
    char line[1024], *argv[MAX_WORDS + 1], *p;
    int argc = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (p = line; *p != '\0' && argc < MAX_WORDS;) {
        p += strspn(p, " ");
        if (*p == '\0')
            break;
        if (*p == '\'') {
            argv[argc++] = ++p;
            p += strcspn(p, "'");
        } else {
            argv[argc++] = p;
            p += strcspn(p, " ");
        }
        if (*p != '\0')
            *p++ = '\0';
    }
    argv[argc] = NULL;
    return labnet_run(&net, h, argv, out, len);
}

/* The same, which must succeed; its output (static, until the next). */
__attribute__((format(printf, 2, 3))) static const char *
must(enum labnet_host h, const char *fmt, ...)
{
    static char out[OUT_MAX];
    char line[1024];
    va_list ap;
    int rc;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    rc = in_host(h, out, sizeof out, "%s", line);
    if (rc != 0)
        fail_msg("`%s` in %s: status %d: %s", line, labnet_host_name(h), rc,
                 out);
    return out;
}

/* A kernel counter of host h (nstat -az NAME), -1 when missing. */
static long long counter(enum labnet_host h, const char *name)
{
    const char *out = must(h, "nstat -asz %s", name);
    const char *p = strstr(out, name);

    return p != NULL ? strtoll(p + strlen(name), NULL, 10) : -1;
}

/* RX's link-local address on lab0 (the source of its MLD reports). */
static const char *rx_link_local(void)
{
    static char addr[64];
    const char *out = must(LABNET_RX, "ip -6 -o addr show dev lab0 scope link");
    const char *p = strstr(out, "inet6 ");

    if (p == NULL)
        fail_msg("RX's lab0 has no link-local address: %s", out);
    snprintf(addr, sizeof addr, "%.*s", (int)strcspn(p + 6, "/"), p + 6);
    return addr;
}

/* ---- the lab: up once, down at the end ---- */

static int lab_setup(void **state)
{
    struct labnet_opts o = {.prefix = PREFIX, .mode = LABNET_MODE_NAMED};
    char why[512];

    (void)state;
    labnet_sweep_stale(PREFIX, stderr);
    if (labnet_up(&o, &net, why, sizeof why) < 0) {
        fprintf(stderr, "cannot build the lab: %s\n", why);
        return -1;
    }
    progs.net = &net;
    progs.exe = prog_find();
    if (labprogs_start_senders(&progs) < 0)
        return -1;
    labfaults_init(&faults, &net, &progs);
    return 0;
}

static int lab_teardown(void **state)
{
    (void)state;
    labfaults_all_off(&faults);
    labprogs_stop_all(&progs);
    labnet_down(&net);
    return 0;
}

/* ---- snapshots: the lab, exactly as switching a fault off must leave
 * it ---- */

/* Append text to snap, dropping the words that tick by themselves (the
 * bridge's timers: "gc_timer 107.42"). */
static void snap_add(char *snap, const char *title, const char *text)
{
    size_t n = strlen(snap);
    const char *p = text;

    n += (size_t)snprintf(snap + n, SNAP_MAX - n, "## %s\n", title);
    while (*p != '\0' && n + 64 < SNAP_MAX) {
        size_t w = strcspn(p, " \n");

        if (w > 6 && strncmp(p + w - 6, "_timer", 6) == 0) {
            p += w + strspn(p + w, " ");
            p += strcspn(p, " \n"); /* its value */
            continue;
        }
        memcpy(snap + n, p, w);
        n += w;
        p += w;
        if (*p != '\0')
            snap[n++] = *p++;
    }
    snap[n] = '\0';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The command lines of the programs in h, sorted. */
static void snap_programs(char *snap, enum labnet_host h)
{
    pid_t pids[64];
    size_t n = labnet_pids(&net, h, pids, 64);
    char lines[64][512], *sorted[64], all[64 * 512] = "";

    for (size_t i = 0; i < n && i < 64; i++) {
        char path[64];
        FILE *f;
        size_t got = 0;

        snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pids[i]);
        f = fopen(path, "r");
        lines[i][0] = '\0';
        if (f != NULL) {
            got = fread(lines[i], 1, sizeof lines[i] - 1, f);
            fclose(f);
        }
        lines[i][got] = '\0';
        for (size_t k = 0; k + 1 < got; k++)
            if (lines[i][k] == '\0')
                lines[i][k] = ' ';
        sorted[i] = lines[i];
    }
    if (n > 64)
        n = 64;
    qsort(sorted, n, sizeof sorted[0], cmp_str);
    for (size_t i = 0; i < n; i++) {
        strncat(all, sorted[i], sizeof all - strlen(all) - 2);
        strcat(all, "\n");
    }
    snap_add(snap, "programs", all);
}

static void snapshot(char *snap)
{
    static const char *const cmds[] = {
        "ip -d link show",         "ip addr show",
        "ip route show table all", "ip -6 route show table all",
        "nft list ruleset",        "sysctl -a -r ^net\\.ipv[46]\\.conf\\.",
    };
    static const enum labnet_host hosts[] = {LABNET_SW, LABNET_S1, LABNET_S2,
                                             LABNET_RX};

    snap[0] = '\0';
    for (size_t k = 0; k < sizeof hosts / sizeof hosts[0]; k++) {
        /* no fault touches the sources' network, only their programs */
        bool source = hosts[k] == LABNET_S1 || hosts[k] == LABNET_S2;

        for (size_t c = 0; !source && c < sizeof cmds / sizeof cmds[0]; c++) {
            char title[96];
            static char out[OUT_MAX];

            /* ip says "Error: Peer netns reference is invalid." at times
             * while namespaces come and go on the machine: again */
            for (int t = 0; t < 20; t++) {
                in_host(hosts[k], out, sizeof out, "%s", cmds[c]);
                if (strstr(out, "Peer netns reference is invalid") == NULL)
                    break;
                prog_sleep_ms(20);
            }
            snprintf(title, sizeof title, "%s: %s", labnet_host_name(hosts[k]),
                     cmds[c]);
            snap_add(snap, title, out);
        }
        snap_programs(snap, hosts[k]);
    }
}

/* before and after must be equal: fails with the first line that is not. */
static void expect_same(const char *name, const char *before, const char *after)
{
    const char *a = before, *b = after, *section = "";

    if (strcmp(before, after) == 0)
        return;
    while (*a != '\0' && *b != '\0') {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

        if (strncmp(a, "## ", 3) == 0)
            section = a;
        if (la != lb || strncmp(a, b, la) != 0)
            fail_msg("fault %s off: the lab is not as before, in %.*s:\n"
                     "  before: %.*s\n  after:  %.*s",
                     name, (int)strcspn(section, "\n"), section, (int)la, a,
                     (int)lb, b);
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
    }
    fail_msg("fault %s off: the lab is not as before (lengths differ)", name);
}

/* ---- a run of mcscope in RX, and tshark on its capture ---- */

struct run {
    json_object *root; /* the batch report */
    char pcap[96];     /* the capture of RX's lab0 */
    int status;
};

/*
 * mcscope in RX for seconds: `pcap on`, the lines (NULL-terminated),
 * the capture written to r->pcap.
 */
static void run_rx(struct run *r, double seconds, const char *const *lines)
{
    const char *argv[64];
    char secs[32], ns[LABNET_NAME_MAX + 8];
    struct prog p;
    char *out = NULL, *err = NULL;
    size_t argc = 0;
    static unsigned serial;

    snprintf(r->pcap, sizeof r->pcap, "/tmp/mcs-fault-%d-%u.pcap",
             (int)getpid(), serial++);
    unlink(r->pcap);
    snprintf(secs, sizeof secs, "%g", seconds);
    snprintf(ns, sizeof ns, "%s", net.name[LABNET_RX]);
    argv[argc++] = "/usr/bin/env";
    argv[argc++] = "ip";
    argv[argc++] = "netns";
    argv[argc++] = "exec";
    argv[argc++] = ns;
    argv[argc++] = prog_find();
    argv[argc++] = "--config";
    argv[argc++] = "/dev/null";
    argv[argc++] = "--batch";
    argv[argc++] = secs;
    argv[argc++] = "--json";
    argv[argc++] = "--write-pcap";
    argv[argc++] = r->pcap;
    argv[argc++] = "-e";
    argv[argc++] = "pcap on";
    for (size_t i = 0; lines[i] != NULL && argc < 60; i++) {
        argv[argc++] = "-e";
        argv[argc++] = lines[i];
    }
    argv[argc] = NULL;
    prog_spawn(&p, argv);
    r->status = prog_wait(&p, (long)(seconds * 1000) + 15000, &out, &err);
    r->root = json_tokener_parse(out);
    if (r->root == NULL)
        fail_msg("mcscope in RX printed no JSON (status %d): %s", r->status,
                 err);
    free(out);
    free(err);
}

static void run_free(struct run *r)
{
    json_object_put(r->root);
    unlink(r->pcap);
}

/* tshark's fields of r's capture under filter, one line per packet. */
static char *tshark(const struct run *r, const char *filter,
                    const char *const *fields)
{
    char *argv[40];
    size_t argc = 0;
    char *out = calloc(1, OUT_MAX);
    int rc;

    argv[argc++] = "tshark";
    argv[argc++] = "-r";
    argv[argc++] = (char *)r->pcap;
    argv[argc++] = "-Y";
    argv[argc++] = (char *)filter;
    argv[argc++] = "-T";
    argv[argc++] = "fields";
    argv[argc++] = "-E";
    argv[argc++] = "separator=,";
    for (size_t i = 0; fields[i] != NULL; i++) {
        argv[argc++] = "-e";
        argv[argc++] = (char *)fields[i];
    }
    argv[argc] = NULL;
    assert_non_null(out);
    rc = tu_run_out(argv, out, OUT_MAX);
    if (rc != 0)
        fail_msg("tshark -r %s -Y '%s': status %d", r->pcap, filter, rc);
    return out;
}

/* Lines of text equal to want; and lines that are not. */
static void count_lines(const char *text, const char *want, int *eq, int *ne)
{
    *eq = *ne = 0;
    while (*text != '\0') {
        size_t n = strcspn(text, "\n");

        if (n > 0) {
            if (n == strlen(want) && strncmp(text, want, n) == 0)
                (*eq)++;
            else
                (*ne)++;
        }
        text += n + (text[n] == '\n');
    }
}

/* by_source's numbers of source in group of r's report: socket, wire. */
static void source_counts(const struct run *r, const char *group,
                          const char *source, long *pkts, long *wire)
{
    json_object *g = tj_group(r->root, group), *arr, *s;

    *pkts = *wire = 0;
    arr = tj_key(g, "by_source", json_type_array);
    s = tj_find(arr, "source", source);
    if (s == NULL)
        return;
    *pkts = (long)tj_int(s, "packets");
    *wire = tj_has(s, "wire_packets") ? (long)tj_int(s, "wire_packets") : 0;
}

/* ---- diagnose's verdicts ---- */

/*
 * The fault's check has its status (fail or warn) and evidence that
 * contains every string of evidence[] (NULL-terminated); no other check of
 * the diagnosis fails, but those the table names as consequences.
 */
static void expect_verdict(const struct run *r, const struct labfault *f,
                           const char *group, const char *const *evidence)
{
    json_object *list, *d, *checks, *c;

    if (!have_diagnose)
        return;
    list = tj_key(r->root, "diagnosis", json_type_array);
    d = tj_need(list, "group", group);
    checks = tj_key(d, "checks", json_type_array);
    c = tj_need(checks, "id", f->check);
    if (strcmp(tj_str(c, "status"),
               strcmp(f->status, "note") == 0 ? "ok" : f->status) != 0)
        fail_msg("fault %s: check %s is %s, want %s (evidence: %s)", f->name,
                 f->check, tj_str(c, "status"), f->status,
                 tj_str(c, "evidence"));
    for (size_t i = 0; evidence[i] != NULL; i++)
        if (strstr(tj_str(c, "evidence"), evidence[i]) == NULL)
            fail_msg("fault %s: check %s's evidence \"%s\" does not say "
                     "\"%s\"",
                     f->name, f->check, tj_str(c, "evidence"), evidence[i]);
    for (size_t i = 0; i < json_object_array_length(checks); i++) {
        json_object *o = json_object_array_get_idx(checks, i);
        const char *id = tj_str(o, "id");
        char also[128];

        snprintf(also, sizeof also, " %s ", f->also);
        if (strcmp(id, f->check) == 0 ||
            strcmp(tj_str(o, "status"), "fail") != 0)
            continue;
        char word[40];
        snprintf(word, sizeof word, " %s ", id);
        if (strstr(also, word) == NULL)
            fail_msg("fault %s: check %s fails too: %s", f->name, id,
                     tj_str(o, "evidence"));
    }
}

/* The evidence (or, fix: the fix) of check id in the diagnosis of group. */
static const char *diag_text(const struct run *r, const char *group,
                             const char *id, const char *key)
{
    json_object *list = tj_key(r->root, "diagnosis", json_type_array);
    json_object *d = tj_need(list, "group", group);
    json_object *c = tj_need(tj_key(d, "checks", json_type_array), "id", id);

    return tj_str(c, key);
}

/* The number after what in text; fails the test when it is not there. */
static long long number_after(const char *text, const char *what)
{
    const char *p = strstr(text, what);

    if (p == NULL)
        fail_msg("\"%s\" is not in \"%s\"", what, text);
    return strtoll(p + strlen(what), NULL, 10);
}

/* A counter's delta in the evidence against the same counter read by
 * nstat over the whole run (from before the run to after it): never more,
 * and at most what came in the run's first second (before diagnose ran) at
 * rate packets/s less. */
static void expect_delta(const char *evidence, const char *what,
                         long long nstat_delta, long long first_second)
{
    long long n = number_after(evidence, what);

    if (n > nstat_delta || n < nstat_delta - first_second || n <= 0)
        fail_msg("evidence \"%s\": %s%lld, nstat saw +%lld over the whole "
                 "run",
                 evidence, what, n, nstat_delta);
}

/* nft's handle of the rule that says what (nft -a list table TABLE). */
static long nft_handle(const char *table, const char *what)
{
    const char *list = must(LABNET_RX, "nft -a list table inet %s", table);
    const char *p = strstr(list, what), *h;

    if (p == NULL)
        fail_msg("nft: no rule with \"%s\" in %s", what, list);
    h = strstr(p, "# handle ");
    assert_non_null(h);
    return strtol(h + strlen("# handle "), NULL, 10);
}

/* ---- the table ---- */

static void table(void **state)
{
    (void)state;
    assert_true(labfault_count() >= 10);
    for (size_t i = 0; i < labfault_count(); i++) {
        const struct labfault *f = labfault_at(i);
        char also[128], *save = NULL;

        assert_ptr_equal(labfault_find(f->name), f);
        if (!known_check(f->check))
            fail_msg("fault %s: check %s is not one of diagnose's", f->name,
                     f->check);
        assert_true(strcmp(f->status, "fail") == 0 ||
                    strcmp(f->status, "warn") == 0 ||
                    strcmp(f->status, "note") == 0);
        snprintf(also, sizeof also, "%s", f->also);
        for (char *w = strtok_r(also, " ", &save); w != NULL;
             w = strtok_r(NULL, " ", &save))
            assert_true(known_check(w));
        if (mc_cmd_parse(f->join, NULL, NULL) < 0)
            fail_msg("fault %s: '%s' does not parse", f->name, f->join);
        if (have_diagnose && mc_cmd_parse(f->diagnose, NULL, NULL) < 0)
            fail_msg("fault %s: '%s' does not parse", f->name, f->diagnose);
        assert_true(strlen(f->breaks) > 20);
    }
    assert_null(labfault_find("no-such-fault"));
}

/* ---- one fault: on, its effect, diagnose, off, as before ---- */

typedef void (*effect_fn)(const struct labfault *f);

/* After each test, even a failed one: no fault left on for the next. */
static int all_off(void **state)
{
    (void)state;
    labfaults_all_off(&faults);
    return 0;
}

static void one_fault(const char *name, effect_fn effect, long settle_ms)
{
    static char before[SNAP_MAX], after[SNAP_MAX];
    const struct labfault *f = labfault_find(name);
    char why[512];

    assert_non_null(f);
    prog_sleep_ms(settle_ms);
    snapshot(before);
    if (labfault_on(&faults, name, why, sizeof why) < 0)
        fail_msg("fault %s on: %s", name, why);
    assert_true(labfault_is_on(&faults, name));
    effect(f);
    assert_int_equal(labfault_off(&faults, name, why, sizeof why), 0);
    assert_false(labfault_is_on(&faults, name));
    snapshot(after);
    expect_same(name, before, after);
}

/* The diagnose run of f: join, wait, diagnose (when this mcscope has
 * it), for seconds. */
static void diag_run(struct run *r, const struct labfault *f, double seconds)
{
    char wait[32];
    const char *lines[] = {f->join, have_diagnose ? f->diagnose : "echo -",
                           wait, NULL};

    snprintf(wait, sizeof wait, "wait %g", seconds);
    run_rx(r, seconds, lines);
}

/* rp-filter: the sysctl 1, the route to S1 by mcs-rpf; every packet of
 * S1 that the wire had is counted by IPReversePathFilter and none reaches
 * the socket.  diagnose: rp_filter fails naming the sysctl's value, the
 * link of the route back and the counter's rise (checked against nstat). */
static void rp_filter_effect(const struct labfault *f)
{
    static const char *const ev[] = {"net.ipv4.conf.lab0.rp_filter=1",
                                     "leaves by mcs-rpf", NULL};
    struct run r;
    long long rpf0, rpf1;
    long pkts, wire;

    assert_string_equal(
        must(LABNET_RX, "sysctl -n net.ipv4.conf.lab0.rp_filter"), "1\n");
    assert_non_null(
        strstr(must(LABNET_RX, "ip route get 10.200.0.1"), "dev mcs-rpf"));
    rpf0 = counter(LABNET_RX, "TcpExtIPReversePathFilter");
    diag_run(&r, f, 2);
    rpf1 = counter(LABNET_RX, "TcpExtIPReversePathFilter");
    source_counts(&r, "232.1.1.1", "10.200.0.1", &pkts, &wire);
    assert_int_equal(pkts, 0);
    assert_true(wire >= 20);
    if (rpf1 - rpf0 < wire || rpf1 - rpf0 > wire + 2)
        fail_msg("IPReversePathFilter rose by %lld, the wire had %ld of S1",
                 rpf1 - rpf0, wire);
    expect_verdict(&r, f, "232.1.1.1", ev);
    if (have_diagnose)
        expect_delta(diag_text(&r, "232.1.1.1", "rp_filter", "evidence"),
                     "IPReversePathFilter +", rpf1 - rpf0, 20);
    run_free(&r);
}

/* report-drop: the rules are there; tshark sees no MLD or IGMP report
 * from RX while it joins; their counters went up.  diagnose:
 * reports_blocked fails quoting the rule, its fix deletes it by nft's
 * handle. */
static void report_drop_effect(const struct labfault *f)
{
    static const char *const fields[] = {"frame.number", NULL};
    static const char *const rule =
        "icmpv6 type { mld-listener-report, mld-listener-done, "
        "mld2-listener-report } counter packets";
    const char *ev[] = {rule, "drops the host's MLD reports", NULL};
    char filter[256], fix[96];
    struct run r;
    const char *list;
    char *out;
    int eq, ne;

    list = must(LABNET_RX, "nft -a list table inet mcslab_report_drop");
    assert_non_null(strstr(list, "mld2-listener-report"));
    assert_non_null(strstr(list, "ip protocol igmp counter packets 0"));
    diag_run(&r, f, 2);
    snprintf(filter, sizeof filter,
             "(icmpv6.type == 131 || icmpv6.type == 143 || icmpv6.type "
             "== 132 || igmp) && (ipv6.src == %s || ip.src == "
             "10.200.0.10)",
             rx_link_local());
    out = tshark(&r, filter, fields);
    count_lines(out, "", &eq, &ne);
    if (ne != 0)
        fail_msg("tshark saw %d reports from RX: %s", ne, out);
    free(out);
    list = must(LABNET_RX, "nft -a list table inet mcslab_report_drop");
    assert_null(strstr(list, "mld-listener-done } counter packets 0 "));
    expect_verdict(&r, f, "ff15::1234", ev);
    if (have_diagnose) {
        snprintf(fix, sizeof fix,
                 "nft delete rule inet mcslab_report_drop output handle %ld",
                 nft_handle("mcslab_report_drop", "mld2-listener-report"));
        assert_string_equal(
            diag_text(&r, "ff15::1234", "reports_blocked", "fix"), fix);
    }
    run_free(&r);
}

/* no-querier: br0 snoops with querier 0 and a 2 s membership interval;
 * the stream arrives, then stops; the bridge's group table has no
 * 239.1.1.1 at the end.  diagnose: stopped fails, with no query seen. */
static void no_querier_effect(const struct labfault *f)
{
    static const char *const ev[] = {"the stream stopped", "no query seen",
                                     NULL};
    const char *j = must(LABNET_SW, "ip -d -j link show br0");
    struct run r;
    long pkts, wire;

    assert_non_null(strstr(j, "\"mcast_snooping\":1"));
    assert_non_null(strstr(j, "\"mcast_querier\":0"));
    assert_non_null(strstr(j, "\"mcast_membership_intvl\":200"));
    diag_run(&r, f, 7);
    source_counts(&r, "239.1.1.1", "10.200.0.1", &pkts, &wire);
    /* 20 packets/s for 1.5..4 s of 7 */
    if (pkts < 30 || pkts > 80)
        fail_msg("S1's stream gave %ld packets in 7 s: it should stop "
                 "after about 3 s",
                 pkts);
    /* The capture opens before the join (pcap on, then join): the bridge,
     * which floods the group while it knows no member, can put one packet
     * on RX's link in between (seen once under ASan: wire 56, socket 55). */
    if (wire < pkts || wire > pkts + 1)
        fail_msg("S1's stream: the socket got %ld, the wire %ld: every packet "
                 "on the wire after the join reaches the socket",
                 pkts, wire);
    assert_null(
        strstr(must(LABNET_SW, "bridge mdb show dev br0"), "239.1.1.1"));
    expect_verdict(&r, f, "239.1.1.1", ev);
    run_free(&r);
}

/* ttl1: tshark sees S1's packets with hop limit 1 and TTL 1.  diagnose:
 * hoplimit names the hop limit 1 (and stays ok on one link: it warns
 * only behind a router). */
static void ttl1_effect(const struct labfault *f)
{
    static const char *const f6[] = {"ipv6.src", "ipv6.hlim", NULL};
    static const char *const f4[] = {"ip.src", "ip.ttl", NULL};
    static const char *const ev[] = {"hop limit 1", "would not cross a router",
                                     NULL};
    const char *lines[] = {f->join,    "join 239.1.1.1 dev lab0",
                           "wait 0.5", have_diagnose ? f->diagnose : "echo -",
                           "wait 1.5", NULL};
    struct run r;
    char *out;
    int eq, ne;

    run_rx(&r, 2, lines);
    out = tshark(&r, "ipv6.dst == ff3e::1234 && ipv6.src == fd42::1", f6);
    count_lines(out, "fd42::1,1", &eq, &ne);
    if (eq < 20 || ne != 0)
        fail_msg("tshark: %d of S1's packets with hop limit 1, %d other: "
                 "%.200s",
                 eq, ne, out);
    free(out);
    out = tshark(&r, "ip.dst == 239.1.1.1 && ip.src == 10.200.0.1", f4);
    count_lines(out, "10.200.0.1,1", &eq, &ne);
    if (eq < 20 || ne != 0)
        fail_msg("tshark: %d of S1's packets with TTL 1, %d other", eq, ne);
    free(out);
    expect_verdict(&r, f, "ff3e::1234", ev);
    run_free(&r);
}

/* wrong-source: tshark sees ff3e::1234 only from S1; RX's join-source of
 * fd42::2 gets nothing.  diagnose: wire fails, naming fd42::1 with as
 * many packets as tshark counted. */
static void wrong_source_effect(const struct labfault *f)
{
    static const char *const fields[] = {"ipv6.src", NULL};
    static const char *const ev[] = {"fd42::2 sent nothing to ff3e::1234",
                                     NULL};
    struct run r;
    char *out;
    int eq, ne;
    long pkts, wire;

    diag_run(&r, f, 2);
    source_counts(&r, "ff3e::1234", "fd42::2", &pkts, &wire);
    assert_int_equal(pkts, 0);
    assert_int_equal(wire, 0);
    out = tshark(&r, "ipv6.dst == ff3e::1234 && udp", fields);
    count_lines(out, "fd42::1", &eq, &ne);
    if (eq < 20 || ne != 0)
        fail_msg("tshark: ff3e::1234 from S1 %d, from others %d", eq, ne);
    free(out);
    expect_verdict(&r, f, "ff3e::1234", ev);
    if (have_diagnose) {
        /* the wire check counts from the join: tshark's count after RX's
         * first report */
        static const char *const t[] = {"frame.time_relative", NULL};
        char filter[256];
        long long n = number_after(
            diag_text(&r, "ff3e::1234", "wire", "evidence"), "fd42::1 sent ");
        double t0;

        snprintf(filter, sizeof filter, "icmpv6.type == 143 && ipv6.src == %s",
                 rx_link_local());
        out = tshark(&r, filter, t);
        t0 = strtod(out, NULL);
        free(out);
        snprintf(filter, sizeof filter,
                 "ipv6.dst == ff3e::1234 && udp && frame.time_relative >= %f",
                 t0);
        out = tshark(&r, filter, fields);
        count_lines(out, "fd42::1", &eq, &ne);
        free(out);
        /* ... and the diagnose reads the firewall and the kernel before it
         * starts counting: up to a second (20 packets) later; the
         * capture file may miss the last packet or two at exit */
        if (n > eq + 2 || n < eq - 20)
            fail_msg("wire says fd42::1 sent %lld, tshark counts %d after "
                     "the join (%.3f s)",
                     n, eq, t0);
    }
    run_free(&r);
}

/* multicast-off: lab0's flags lack MULTICAST (ip -j link).  diagnose:
 * iface fails naming IFF_MULTICAST. */
static void multicast_off_effect(const struct labfault *f)
{
    static const char *const ev[] = {"IFF_MULTICAST off", NULL};
    struct run r;

    assert_null(
        strstr(must(LABNET_RX, "ip -j link show lab0"), "\"MULTICAST\""));
    diag_run(&r, f, 2);
    expect_verdict(&r, f, "ff15::1234", ev);
    run_free(&r);
}

/* tiny-rcvbuf: the application's socket on 239.1.1.3:5001 has a tiny
 * buffer (ss -m: rb), and UdpRcvbufErrors rises under the load.
 * diagnose: socket_overflow fails with the counter's rise (against
 * nstat) while mcscope's own socket dropped nothing. */
static void tiny_rcvbuf_effect(const struct labfault *f)
{
    static const char *const ev[] = {"mcscope's socket dropped 0", NULL};
    const char *ss, *p;
    long long e0, e1;
    long rb;
    struct run r;

    prog_sleep_ms(300); /* the application has joined */
    ss = must(LABNET_RX, "ss -uanm src 239.1.1.3");
    p = strstr(ss, "rb");
    if (p == NULL)
        fail_msg("no socket on 239.1.1.3 in RX: %s", ss);
    rb = strtol(p + 2, NULL, 10);
    if (rb > 8192)
        fail_msg("the application's receive buffer is %ld bytes", rb);
    e0 = counter(LABNET_RX, "UdpRcvbufErrors");
    diag_run(&r, f, 2);
    e1 = counter(LABNET_RX, "UdpRcvbufErrors");
    if (e1 - e0 < 10)
        fail_msg("UdpRcvbufErrors rose by %lld under the load", e1 - e0);
    expect_verdict(&r, f, LABFAULT_LOAD_GROUP, ev);
    if (have_diagnose)
        expect_delta(
            diag_text(&r, LABFAULT_LOAD_GROUP, "socket_overflow", "evidence"),
            "Udp RcvbufErrors +", e1 - e0, e1 - e0);
    run_free(&r);
}

/* mldv1: the sysctls 1 and 2; tshark sees RX's reports as MLDv1 (type
 * 131) and IGMPv2 (0x16), none of version 2 or 3.  diagnose:
 * igmp_version fails naming the sysctl and its value. */
static void mldv1_effect(const struct labfault *f)
{
    static const char *const fields[] = {"icmpv6.type", "igmp.type", NULL};
    static const char *const ev[] = {"net.ipv6.conf.lab0.force_mld_version=1",
                                     "MLDv1 forced", NULL};
    const char *lines[] = {
        f->join,    "join-source 232.1.1.1 10.200.0.1 dev lab0",
        "wait 0.5", have_diagnose ? f->diagnose : "echo -",
        "wait 1.5", NULL};
    char filter[256];
    struct run r;
    char *out;
    int v1, other, v2;

    assert_string_equal(
        must(LABNET_RX, "sysctl -n net.ipv6.conf.lab0.force_mld_version"),
        "1\n");
    assert_string_equal(
        must(LABNET_RX, "sysctl -n net.ipv4.conf.lab0.force_igmp_version"),
        "2\n");
    run_rx(&r, 2, lines);
    snprintf(filter, sizeof filter,
             "(icmpv6.type == 131 || icmpv6.type == 143) && ipv6.src == "
             "%s && (icmpv6.mld.multicast_address == ff3e::1234 || "
             "icmpv6.mldr.mar.multicast_address == ff3e::1234)",
             rx_link_local());
    out = tshark(&r, filter, fields);
    count_lines(out, "131,", &v1, &other);
    if (v1 < 1 || other != 0)
        fail_msg("tshark: RX sent %d MLDv1 reports and %d others: %s", v1,
                 other, out);
    free(out);
    out = tshark(&r, "igmp && ip.src == 10.200.0.10 && igmp.maddr == 232.1.1.1",
                 fields);
    count_lines(out, ",0x16", &v2, &other);
    if (v2 < 1 || other != 0)
        fail_msg("tshark: RX sent %d IGMPv2 reports and %d others: %s", v2,
                 other, out);
    free(out);
    expect_verdict(&r, f, "ff3e::1234", ev);
    run_free(&r);
}

/* multicast-all: a socket bound to *:5001 by the fault's program (ss -p);
 * with it, each IPv4 datagram RX's socket gets is delivered twice
 * (UdpInDatagrams rises by twice the socket's count).  diagnose:
 * multicast_all warns naming that program's pid. */
static void multicast_all_effect(const struct labfault *f)
{
    struct run r;
    long long in0, in1;
    long pkts1, pkts2, wire;
    const char *ss;
    char pid[32];
    const char *lines[] = {"join 239.1.1.1 dev lab0",
                           f->join,
                           "wait 0.5",
                           have_diagnose ? f->diagnose : "echo -",
                           "wait 1",
                           NULL};
    const char *ev[] = {pid, "port 5001", NULL};

    prog_sleep_ms(300);
    ss = must(LABNET_RX, "ss -uanp sport = :5001");
    assert_non_null(strstr(ss, "0.0.0.0:5001"));
    snprintf(pid, sizeof pid, "pid=%d,", (int)faults.st[8].pid[0]);
    assert_string_equal(labfault_at(8)->name, "multicast-all");
    if (strstr(ss, pid) == NULL)
        fail_msg("ss does not show the fault's program (%s): %s", pid, ss);
    snprintf(pid, sizeof pid, "pid %d ", (int)faults.st[8].pid[0]);
    in0 = counter(LABNET_RX, "UdpInDatagrams");
    run_rx(&r, 2, lines);
    in1 = counter(LABNET_RX, "UdpInDatagrams");
    source_counts(&r, "239.1.1.1", "10.200.0.1", &pkts1, &wire);
    source_counts(&r, "239.1.1.1", "10.200.0.2", &pkts2, &wire);
    if (in1 - in0 < 2 * (pkts1 + pkts2) || in1 - in0 > 2 * (pkts1 + pkts2) + 4)
        fail_msg("UdpInDatagrams rose by %lld; RX's socket got %ld: each "
                 "should come twice",
                 in1 - in0, pkts1 + pkts2);
    expect_verdict(&r, f, "ff15::1234", ev);
    run_free(&r);
}

/* port-drop: the rule is there; the wire has the stream, the socket
 * nothing, and the rule's counter is what the wire had.  diagnose:
 * firewall_input fails quoting the rule; its fix deletes it by nft's
 * handle. */
static void port_drop_effect(const struct labfault *f)
{
    static const char *const ev[] = {"\"udp dport 5001 counter packets",
                                     "drops UDP to port 5001", NULL};
    struct run r;
    long p1, w1, p2, w2;
    const char *list, *c;
    long counted;
    char fix[96];

    list = must(LABNET_RX, "nft -a list table inet mcslab_port_drop");
    assert_non_null(strstr(list, "udp dport 5001 counter packets 0"));
    diag_run(&r, f, 2);
    source_counts(&r, "ff15::1234", "fd42::1", &p1, &w1);
    source_counts(&r, "ff15::1234", "fd42::2", &p2, &w2);
    assert_int_equal(p1 + p2, 0);
    assert_true(w1 + w2 >= 40);
    list = must(LABNET_RX, "nft -a list table inet mcslab_port_drop");
    c = strstr(list, "counter packets ");
    assert_non_null(c);
    counted = strtol(c + strlen("counter packets "), NULL, 10);
    if (counted < w1 + w2 || counted > w1 + w2 + 4)
        fail_msg("the rule counted %ld, the wire had %ld", counted, w1 + w2);
    expect_verdict(&r, f, "ff15::1234", ev);
    if (have_diagnose) {
        snprintf(fix, sizeof fix,
                 "nft delete rule inet mcslab_port_drop input handle %ld",
                 nft_handle("mcslab_port_drop", "udp dport 5001"));
        assert_string_equal(
            diag_text(&r, "ff15::1234", "firewall_input", "fix"), fix);
    }
    run_free(&r);
}

#define FAULT_TEST(fn, name, settle_ms)                                        \
    static void fn(void **state)                                               \
    {                                                                          \
        (void)state;                                                           \
        one_fault(name, fn##_effect, settle_ms);                               \
    }

FAULT_TEST(rp_filter, "rp-filter", 0)
FAULT_TEST(report_drop, "report-drop", 0)
FAULT_TEST(no_querier, "no-querier", 0)
FAULT_TEST(ttl1, "ttl1", 0)
FAULT_TEST(wrong_source, "wrong-source", 0)
FAULT_TEST(multicast_off, "multicast-off", 0)
FAULT_TEST(tiny_rcvbuf, "tiny-rcvbuf", 0)
/* The leave of the run before sends its MLDv2/IGMPv3 change report again
 * within 1 s (the unsolicited report interval; later on a busy machine),
 * and a pending one leaves as version 2/3 even once the version is
 * forced: let it go first. */
FAULT_TEST(mldv1, "mldv1", 2000)
FAULT_TEST(multicast_all, "multicast-all", 0)
FAULT_TEST(port_drop, "port-drop", 0)

/* Every fault of the table has its test here. */
static const char *const tested[] = {
    "rp-filter",     "report-drop",   "no-querier",  "ttl1",
    "wrong-source",  "multicast-off", "tiny-rcvbuf", "mldv1",
    "multicast-all", "port-drop",
};

static void all_tested(void **state)
{
    (void)state;
    assert_int_equal(labfault_count(), sizeof tested / sizeof tested[0]);
    for (size_t i = 0; i < labfault_count(); i++) {
        bool found = false;

        for (size_t k = 0; k < sizeof tested / sizeof tested[0]; k++)
            found = found || strcmp(tested[k], labfault_at(i)->name) == 0;
        if (!found)
            fail_msg("fault %s has no test", labfault_at(i)->name);
    }
}

/* The healthy lab's run, for healthy and asm_source. */
static json_object *healthy_root;

static bool is_asm_source(json_object *d)
{
    json_object *src;

    return strcmp(tj_str(d, "group"), "ff15::1234") == 0 &&
           json_object_object_get_ex(d, "source", &src) &&
           json_object_is_type(src, json_type_string) &&
           strcmp(json_object_get_string(src), "fd42::2") == 0;
}

/* A healthy lab: diagnose finds no fault in the lab's groups (any-source,
 * source-specific, both families). */
static void healthy(void **state)
{
    const char *lines[] = {"join ff15::1234 dev lab0",
                           "join 239.1.1.1 dev lab0",
                           "join-source ff3e::1234 fd42::1 dev lab0",
                           "diagnose ff15::1234 dev lab0",
                           "diagnose 239.1.1.1 dev lab0",
                           "diagnose ff3e::1234 fd42::1 dev lab0",
                           "diagnose ff15::1234 fd42::2 dev lab0",
                           "wait 3",
                           NULL};
    json_object *list;
    struct run r;

    (void)state;
    if (!have_diagnose)
        skip();
    run_rx(&r, 2, lines);
    list = tj_key(r.root, "diagnosis", json_type_array);
    assert_int_equal(json_object_array_length(list), 4);
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *d = json_object_array_get_idx(list, i);
        json_object *checks = tj_key(d, "checks", json_type_array);

        if (is_asm_source(d))
            continue; /* asm_source's */
        for (size_t k = 0; k < json_object_array_length(checks); k++) {
            json_object *c = json_object_array_get_idx(checks, k);

            if (strcmp(tj_str(c, "status"), "fail") == 0)
                fail_msg("healthy lab: %s: check %s fails: %s",
                         tj_str(d, "group"), tj_str(c, "id"),
                         tj_str(c, "evidence"));
        }
    }
    healthy_root = json_object_get(r.root);
    run_free(&r);
}

/*
 * An any-source membership takes every source: after `join ff15::1234`,
 * `diagnose ff15::1234 fd42::2` must find the membership held (the kernel
 * keeps no /proc/net/mcfilter6 row for an EXCLUDE {} filter), and no
 * check fails.  (Fails with diagnose's membership check as merged from
 * wp/diag: "no socket includes the source fd42::2".)
 */
static void asm_source(void **state)
{
    json_object *list, *d = NULL, *checks;

    (void)state;
    if (healthy_root == NULL)
        skip();
    list = tj_key(healthy_root, "diagnosis", json_type_array);
    for (size_t i = 0; i < json_object_array_length(list) && d == NULL; i++)
        if (is_asm_source(json_object_array_get_idx(list, i)))
            d = json_object_array_get_idx(list, i);
    assert_non_null(d);
    checks = tj_key(d, "checks", json_type_array);
    for (size_t k = 0; k < json_object_array_length(checks); k++) {
        json_object *c = json_object_array_get_idx(checks, k);

        if (strcmp(tj_str(c, "status"), "fail") == 0)
            fail_msg("join ff15::1234 (any source), diagnose ff15::1234 "
                     "fd42::2: check %s fails: %s",
                     tj_str(c, "id"), tj_str(c, "evidence"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table),
        cmocka_unit_test(all_tested),
        cmocka_unit_test(healthy),
        cmocka_unit_test(asm_source),
        cmocka_unit_test_teardown(rp_filter, all_off),
        cmocka_unit_test_teardown(report_drop, all_off),
        cmocka_unit_test_teardown(no_querier, all_off),
        cmocka_unit_test_teardown(ttl1, all_off),
        cmocka_unit_test_teardown(wrong_source, all_off),
        cmocka_unit_test_teardown(multicast_off, all_off),
        cmocka_unit_test_teardown(tiny_rcvbuf, all_off),
        cmocka_unit_test_teardown(mldv1, all_off),
        cmocka_unit_test_teardown(multicast_all, all_off),
        cmocka_unit_test_teardown(port_drop, all_off),
    };

    if (geteuid() != 0) {
        printf("SKIP: the lab of faults needs root (named namespaces)\n");
        return 77;
    }
    if (!tu_have_prog("nft")) {
        printf("SKIP: nft (nftables) is not installed\n");
        return 77;
    }
    if (!tu_have_prog("tshark")) {
        printf("SKIP: tshark is not installed (scripts/deps.sh --test)\n");
        return 77;
    }
    have_diagnose =
        mc_cmd_parse("diagnose ff15::1234 dev lab0", NULL, NULL) == 0;
    if (getenv("MCSCOPE_TEST_FILTER") != NULL)
        cmocka_set_test_filter(getenv("MCSCOPE_TEST_FILTER"));
    {
        int rc = cmocka_run_group_tests(tests, lab_setup, lab_teardown);

        json_object_put(healthy_root);
        return rc;
    }
}
