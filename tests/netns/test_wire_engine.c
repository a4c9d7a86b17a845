/*
 * Integration: the wire cross-check inside the monitor (core/monitor.c
 * with core/wire_*.c), with real traffic in the namespace lab (lab.h) and
 * the three-monitor rig of montest.h: RX receives and captures, S1 and S2
 * send with mcscope's own `send`.
 *
 * Every case runs in IPv6 and IPv4:
 *  1. two sources, S2 excluded, `pcap on` before the join: the wire
 *     counts exactly what each sender sent, the socket all of S1 and none
 *     of S2; S2 has a source record with 0 socket packets; its note is
 *     "filtered by the kernel: SSM exclude"; the JSON has wire_packets per
 *     group and source, wire_note, and the kernel's filter and /proc rows
 *     next to the model, without a mismatch;
 *  2. ASM join, exclude, include, leave, SSM join and SSM leave each go
 *     out as the RFC 3810 §6.1 / RFC 3376 §6.1 record, twice (robustness
 *     2: the second copy at a random delay up to 1 s, so each step waits
 *     for it), into the monitor's reports list and its event log
 *     ("→ MLDv2 lab0 BLOCK_OLD_SOURCES G {S2}"), and into the JSON's
 *     reports with DESIGN.md's keys;
 *  3. a child process without capabilities (libcap) makes a monitor:
 *     `pcap on` is refused with the text that says how to grant
 *     CAP_NET_RAW, before and after a join, and the join works.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lab.h"
#include "montest.h"
#include "testutil.h"
#include "mcscope/priv.h"

#define N 1000         /* packets per sender */
#define FIRST_MS 3000  /* the first copy of a report goes out at once */
#define SETTLE_MS 1500 /* the second within a second of the first */

static struct lab *lab;

struct fam {
    int family;
    const char *g, *asm_g, *ssm_g, *priv_g;
    uint16_t port;
    const char *proto; /* the JSON's name of the reports' protocol */
};

static const struct fam v6 = {AF_INET6,     "ff15::a001", "ff15::a002",
                              "ff3e::a003", "ff15::a004", 7500,
                              "mldv2"};
static const struct fam v4 = {AF_INET,     "239.9.0.1", "239.9.0.2",
                              "232.9.0.3", "239.9.0.4", 7600,
                              "igmpv3"};

static const char *fmt(const struct mc_addr *a, char *buf)
{
    return mc_addr_format(a, buf, MC_ADDR_STRLEN);
}

/* ---- 1. two sources, one excluded: wire and socket side by side ---- */

static void expect_source(struct rig *r, size_t gi, const struct mc_addr *src,
                          uint64_t sock, uint64_t wire, const char *note)
{
    struct mc_source_wire sw;
    char a[MC_ADDR_STRLEN];
    const char *got;

    if (mc_monitor_source_wire(r->m[RX], gi, src, &sw) < 0)
        fail_msg("RX has no record of %s", fmt(src, a));
    if (sw.packets != sock || sw.wire_packets != wire)
        fail_msg("%s: socket %llu (want %llu), wire %llu (want %llu)",
                 fmt(src, a), (unsigned long long)sw.packets,
                 (unsigned long long)sock, (unsigned long long)sw.wire_packets,
                 (unsigned long long)wire);
    got = mc_wire_note_text(sw.note);
    if (note == NULL && got != NULL)
        fail_msg("%s: note \"%s\", want none", fmt(src, a), got);
    if (note != NULL && (got == NULL || strcmp(got, note) != 0))
        fail_msg("%s: note \"%s\", want \"%s\"", fmt(src, a),
                 got ? got : "(none)", note);
}

static void expect_json(struct rig *r, const struct fam *f)
{
    char s2[MC_ADDR_STRLEN];
    json_object *root = rig_report(r);
    json_object *g = tj_group(root, f->g), *s, *k, *row, *cap;

    assert_int_equal(tj_int(g, "packets"), N);
    assert_int_equal(tj_int(g, "wire_packets"), 2 * N);
    s = tj_source(root, f->g, &r->a1);
    assert_int_equal(tj_int(s, "packets"), N);
    assert_int_equal(tj_int(s, "wire_packets"), N);
    assert_false(tj_has(s, "wire_note"));
    s = tj_source(root, f->g, &r->a2);
    assert_int_equal(tj_int(s, "packets"), 0);
    assert_int_equal(tj_int(s, "bytes"), 0);
    assert_int_equal(tj_int(s, "wire_packets"), N);
    assert_string_equal(tj_str(s, "wire_note"),
                        mc_wire_note_text(MC_WIRE_NOTE_EXCLUDED));
    /* the kernel's state next to the model */
    k = tj_key(g, "kernel", json_type_object);
    assert_string_equal(tj_str(k, "mode"), "exclude");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(
                            tj_key(k, "sources", json_type_array), 0)),
                        fmt(&r->a2, s2));
    assert_false(
        json_object_get_boolean(tj_key(k, "mismatch", json_type_boolean)));
    assert_int_equal(tj_int(tj_key(k, "proc", json_type_object), "users"), 1);
    row = json_object_array_get_idx(
        tj_key(tj_key(k, "proc", json_type_object), "sources", json_type_array),
        0);
    assert_non_null(row);
    assert_string_equal(tj_str(row, "source"), s2);
    assert_int_equal(tj_int(row, "exc"), 1);
    /* the capture */
    cap =
        json_object_array_get_idx(tj_key(tj_key(root, "wire", json_type_object),
                                         "captures", json_type_array),
                                  0);
    assert_non_null(cap);
    assert_string_equal(tj_str(cap, "iface"), "lab0");
    assert_string_equal(tj_str(cap, "directions"), "both");
    assert_int_equal(tj_int(cap, "dropped"), 0);
    json_object_put(root);
}

static void wire_exclude(const struct fam *f)
{
    char s2[MC_ADDR_STRLEN];
    struct mc_monitor_counters c;
    struct mc_capture_view cv;
    struct mc_group_view v;
    struct rig r;
    size_t gi;

    rig_open(&r, lab, f->family);
    RIG_OK(&r, RX, "pcap on");
    RIG_OK(&r, RX, "join %s dev lab0 port %u", f->g, f->port);
    RIG_OK(&r, RX, "exclude-source %s %s dev lab0 port %u", f->g,
           fmt(&r.a2, s2), f->port);
    RIG_OK(&r, S1, "send %s dev lab0 port %u rate 4000 count %d", f->g, f->port,
           N);
    RIG_OK(&r, S2, "send %s dev lab0 port %u rate 4000 count %d", f->g, f->port,
           N);
    rig_pump(&r, 300, NULL, NULL);
    assert_int_equal(rig_last_sender(&r, S1).sent, N);
    assert_int_equal(rig_last_sender(&r, S2).sent, N);

    gi = rig_group(&r, f->g, f->port, &v);
    assert_true(v.wire && v.wire_now);
    assert_int_equal(mc_group_stats_counters(v.stats)->packets, N);
    assert_int_equal(mc_group_stats_counters(v.stats)->wire_packets, 2 * N);
    expect_source(&r, gi, &r.a1, N, N, NULL);
    expect_source(&r, gi, &r.a2, 0, N,
                  mc_wire_note_text(MC_WIRE_NOTE_EXCLUDED));
    assert_non_null(mc_group_stats_lookup(v.stats, &r.a2));
    mc_monitor_counters(r.m[RX], &c);
    assert_int_equal(c.wire_udp, 2 * N);
    assert_int_equal(c.wire_malformed, 0);
    assert_int_equal(c.wire_dropped, 0);
    assert_int_equal(c.socket_drops, 0);
    assert_int_equal(mc_monitor_capture(r.m[RX], 0, &cv), 0);
    assert_true(cv.open && !cv.split);
    assert_int_equal(cv.stats.dropped, 0);
    expect_json(&r, f);
    rig_close(&r);
}

/* ---- 2. the reports of each membership change ---- */

struct step {
    const char *what;
    const char *cmd; /* %s: group, then source (if any) */
    const char *group;
    int src;              /* 0: none, 1: S1, 2: S2 (the command's source) */
    unsigned type, alt;   /* the record; alt 0: none */
    int rec_src, alt_src; /* 0: {}, else the source */
};

static const struct mc_addr *src_of(const struct rig *r, int which)
{
    return which == 1 ? &r->a1 : which == 2 ? &r->a2 : NULL;
}

static bool rec_is(const struct mc_wiremsg_rec *x, unsigned type,
                   const struct mc_addr *src)
{
    if (x->type != type)
        return false;
    if (src == NULL)
        return x->nsources == 0;
    return x->nsources == 1 && mc_addr_equal(&x->sources[0], src);
}

/* The record about group in an outgoing report, or NULL. */
static const struct mc_wiremsg_rec *out_rec(const struct mc_wiremsg_view *w,
                                            const struct mc_addr *group)
{
    if (w->dir != MC_WIRE_DIR_OUT || w->type != MC_MSG_REPORT)
        return NULL;
    for (size_t i = 0; i < w->nrecords; i++)
        if (mc_addr_equal(&w->records[i].group, group))
            return &w->records[i];
    return NULL;
}

static bool event_is(struct mc_monitor *m, const char *text)
{
    struct mc_event e;

    for (size_t i = 0; mc_monitor_event(m, i, &e) == 0; i++)
        if (e.kind == MC_EV_INFO && strcmp(tu_event_text(&e), text) == 0)
            return true;
    return false;
}

/* After a change: both copies of the report, each with the step's record
 * for the group (and nothing else for it), each in the event log. */
static void expect_reports(struct rig *r, const struct fam *f,
                           const struct step *st, size_t from)
{
    struct mc_addr g = tu_addr(st->group);
    const struct mc_addr *want = src_of(r, st->rec_src);
    const struct mc_addr *alt = src_of(r, st->alt_src);
    int64_t start = mc_monitor_now_ns(), first = -1;
    unsigned copies = 0;
    size_t seen = from;

    while (copies < 2) {
        int64_t now = mc_monitor_now_ns();
        struct mc_wiremsg_view w;
        char text[MC_EVENT_TEXT_MAX];

        if (first < 0 && now - start > FIRST_MS * 1000000LL)
            fail_msg("%s: no %s report within %d ms", st->what,
                     mc_wire_rec_type_name(st->type), FIRST_MS);
        if (first >= 0 && now - first > SETTLE_MS * 1000000LL)
            break;
        rig_pump_ms(r, 50);
        for (; mc_monitor_wiremsg(r->m[RX], seen, &w) == 0; seen++) {
            const struct mc_wiremsg_rec *x = out_rec(&w, &g);

            mc_wiremsg_format(&w, text, sizeof text, MC_EVENT_UTF8);
            if (x == NULL)
                continue;
            if (!rec_is(x, st->type, want) &&
                !(st->alt != 0 && rec_is(x, st->alt, alt)))
                fail_msg("%s: unexpected record in \"%s\"", st->what, text);
            assert_int_equal(w.proto, f->family == AF_INET6 ? MC_PROTO_MLDV2
                                                            : MC_PROTO_IGMPV3);
            assert_string_equal(w.ifname, "lab0");
            if (!event_is(r->m[RX], text))
                fail_msg("%s: \"%s\" is not in the event log", st->what, text);
            if (copies++ == 0)
                first = mc_monitor_now_ns();
            print_message("  %s: %s\n", st->what, text);
        }
    }
    if (copies != 2)
        fail_msg("%s: %u copies of the report, want 2", st->what, copies);
}

/* In the JSON: an outgoing report with the record type, group, sources. */
static void expect_json_record(json_object *reps, const struct fam *f,
                               const char *type, const char *group,
                               const char *src)
{
    for (size_t i = 0; i < json_object_array_length(reps); i++) {
        json_object *rep = json_object_array_get_idx(reps, i);
        json_object *recs = tj_key(rep, "records", json_type_array);

        tj_key(rep, "t", json_type_double);
        tj_str(rep, "src");
        if (strcmp(tj_str(rep, "dir"), "out") != 0 ||
            strcmp(tj_str(rep, "iface"), "lab0") != 0 ||
            strcmp(tj_str(rep, "proto"), f->proto) != 0 ||
            strcmp(tj_str(rep, "type"), "report") != 0)
            continue;
        for (size_t k = 0; k < json_object_array_length(recs); k++) {
            json_object *x = json_object_array_get_idx(recs, k);
            json_object *srcs = tj_key(x, "sources", json_type_array);

            if (strcmp(tj_str(x, "type"), type) != 0 ||
                strcmp(tj_str(x, "group"), group) != 0)
                continue;
            if (src == NULL && json_object_array_length(srcs) == 0)
                return;
            if (src != NULL && json_object_array_length(srcs) == 1 &&
                strcmp(
                    json_object_get_string(json_object_array_get_idx(srcs, 0)),
                    src) == 0)
                return;
        }
    }
    fail_msg("no %s %s {%s} in the JSON's reports", type, group,
             src ? src : "");
}

static void wire_reports(const struct fam *f)
{
    const struct step steps[] = {
        {"ASM join", "join %s dev lab0 port %u", f->asm_g, 0,
         MC_REC_CHANGE_TO_EXCLUDE, 0, 0, 0},
        {"exclude S2", "exclude-source %s %s dev lab0 port %u", f->asm_g, 2,
         MC_REC_BLOCK_OLD_SOURCES, MC_REC_CHANGE_TO_EXCLUDE, 2, 2},
        {"include S2", "include-source %s %s dev lab0 port %u", f->asm_g, 2,
         MC_REC_ALLOW_NEW_SOURCES, MC_REC_CHANGE_TO_EXCLUDE, 2, 0},
        {"ASM leave", "leave %s dev lab0 port %u", f->asm_g, 0,
         MC_REC_CHANGE_TO_INCLUDE, 0, 0, 0},
        {"SSM join S1", "join-source %s %s dev lab0 port %u", f->ssm_g, 1,
         MC_REC_ALLOW_NEW_SOURCES, 0, 1, 0},
        {"SSM leave S1", "leave-source %s %s dev lab0 port %u", f->ssm_g, 1,
         MC_REC_BLOCK_OLD_SOURCES, 0, 1, 0},
    };
    char a[MC_ADDR_STRLEN], s1[MC_ADDR_STRLEN], s2[MC_ADDR_STRLEN];
    json_object *root, *reps;
    struct rig r;

    rig_open(&r, lab, f->family);
    fmt(&r.a1, s1);
    fmt(&r.a2, s2);
    RIG_OK(&r, RX, "pcap on");
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        const struct step *st = &steps[i];
        size_t from = mc_monitor_nwiremsgs(r.m[RX]);

        if (st->src == 0)
            RIG_OK(&r, RX, st->cmd, st->group, f->port);
        else
            RIG_OK(&r, RX, st->cmd, st->group, fmt(src_of(&r, st->src), a),
                   f->port);
        expect_reports(&r, f, st, from);
    }
    root = rig_report(&r);
    reps = tj_key(root, "reports", json_type_array);
    expect_json_record(reps, f, "CHANGE_TO_EXCLUDE", f->asm_g, NULL);
    expect_json_record(reps, f, "CHANGE_TO_INCLUDE", f->asm_g, NULL);
    expect_json_record(reps, f, "ALLOW_NEW_SOURCES", f->ssm_g, s1);
    expect_json_record(reps, f, "BLOCK_OLD_SOURCES", f->ssm_g, s1);
    json_object_put(root);
    rig_close(&r);
}

/* ---- 3. without CAP_NET_RAW ---- */

enum {
    CH_OK = 0,
    CH_SETPROC = 10,
    CH_NEW,
    CH_REFUSAL,
    CH_JOIN,
    CH_KERNEL,
    CH_REFUSAL_IFACE,
    CH_STATE,
};

/* Say why on the pipe; the exit code says where. */
static int said(int fd, const struct mc_err *err, int code)
{
    if (write(fd, err->msg, strlen(err->msg)) < 0 || write(fd, "\n", 1) < 0)
        return CH_SETPROC;
    return code;
}

static int child_no_caps(int msg_fd, const struct fam *f)
{
    cap_t none = cap_init();
    struct mc_monitor_settings st;
    struct mc_monitor_counters c;
    struct mc_group_kernel k;
    struct mc_monitor *m;
    struct mc_err err;
    char line[128];
    int rc;

    if (none == NULL || cap_set_proc(none) < 0 || mc_priv_have_net_raw())
        return CH_SETPROC;
    cap_free(none);
    if (mc_monitor_new(NULL, &m, &err) < 0)
        return said(msg_fd, &err, CH_NEW);
    rc = mc_monitor_exec_line(m, "pcap on", &err);
    said(msg_fd, &err, 0);
    if (rc != -EPERM || strstr(err.msg, MC_PRIV_HOWTO) == NULL ||
        strstr(err.msg, "CAP_NET_RAW") == NULL)
        return CH_REFUSAL;
    snprintf(line, sizeof line, "join %s dev lab0 port %u", f->priv_g,
             (unsigned)f->port);
    rc = mc_monitor_exec_line(m, line, &err);
    if (rc != 0)
        return said(msg_fd, &err, CH_JOIN);
    if (mc_monitor_group_kernel(m, 0, NULL, &k, &err) < 0)
        return said(msg_fd, &err, CH_KERNEL);
    rc = k.filter.mode == MC_MODE_ASM && k.in_proc && !k.mismatch ? 0
                                                                  : CH_KERNEL;
    mc_group_kernel_free(&k);
    if (rc != 0)
        return rc;
    /* Now an interface to open: wire_capture.c's own refusal. */
    rc = mc_monitor_exec_line(m, "pcap on", &err);
    said(msg_fd, &err, 0);
    if (rc != -EPERM ||
        strstr(err.msg, "capturing on lab0 needs "
                        "CAP_NET_RAW") == NULL ||
        strstr(err.msg, MC_PRIV_HOWTO) == NULL)
        return CH_REFUSAL_IFACE;
    mc_monitor_settings(m, &st);
    mc_monitor_counters(m, &c);
    if (st.pcap || st.captures_open != 0 || mc_monitor_ncaptures(m) != 0 ||
        c.errors != 2 || mc_monitor_ngroups(m) != 1)
        return CH_STATE;
    mc_monitor_free(m);
    return CH_OK;
}

static void no_net_raw(const struct fam *f)
{
    char msg[2 * MC_ERR_MSG_MAX + 8];
    size_t used = 0;
    int pfd[2], status;
    ssize_t n;
    pid_t pid;

    assert_int_equal(pipe(pfd), 0);
    lab_enter(lab, "RX");
    pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        _exit(child_no_caps(pfd[1], f));
    }
    lab_leave(lab);
    close(pfd[1]);
    assert_true(pid > 0);
    while (used + 1 < sizeof msg &&
           (n = read(pfd[0], msg + used, sizeof msg - used - 1)) > 0)
        used += (size_t)n;
    msg[used] = '\0';
    close(pfd[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    print_message("  refusals:\n%s", msg);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != CH_OK)
        fail_msg("child without capabilities: status %d, said \"%s\"", status,
                 msg);
}

LAB_BOTH_FAMILIES(wire_exclude, &v6, &v4)
LAB_BOTH_FAMILIES(wire_reports, &v6, &v4)
LAB_BOTH_FAMILIES(no_net_raw, &v6, &v4)

#define CASE(fn) cmocka_unit_test_teardown(fn, lab_leave_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        CASE(wire_exclude_v6), CASE(wire_exclude_v4), CASE(wire_reports_v6),
        CASE(wire_reports_v4), CASE(no_net_raw_v6),   CASE(no_net_raw_v4),
    };
    int rc;

    lab = lab_create(false); /* not root: skips (77) */
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
