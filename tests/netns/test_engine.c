/*
 * Integration: the monitoring engine with real traffic between network
 * namespaces (tests/lib/lab.h).  One monitor in RX receives; a monitor in
 * S1 and one in S2 send with mcscope's own `send` (probe payloads).  Each
 * monitor is made inside its namespace, so its sockets live there; the
 * test drives all three with mc_monitor_exec_line and one poll() loop.
 *
 * Every case runs in IPv6 and IPv4:
 *  - per-source counts equal what each sender sent, exactly, and the JSON
 *    report parses with every documented key of the right type;
 *  - ASM -> include -> exclude -> ASM switched in one run change the
 *    per-source counts as the filters say, and the kernel's filter (read
 *    back) is what the monitor shows;
 *  - loss, duplication and reordering injected with tc netem on S1's link
 *    are counted exactly against the sender's truth;
 *  - hop limit and traffic class from `set` and from `send` options arrive
 *    and appear in the report;
 *  - every command refuses each kind of bad argument with its message while
 *    the monitor's state stays as it was (a table).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "lab.h"
#include "montest.h"
#include "testutil.h"
#include "mcscope/monitor.h"
#include "mcscope/report.h"

#define MS 1000000LL

extern char **environ;

static struct lab *lab;

struct fam {
    int family;
    const char *g[8];      /* one group per test */
    const char *ssm;       /* an SSM group */
    const char *nonlocal;  /* a unicast address no host has */
    const char *linklocal; /* a link-local group */
    uint16_t port;         /* base */
};

static const struct fam v6 = {
    AF_INET6,
    {"ff15::e001", "ff15::e002", "ff15::e003", "ff15::e004", "ff15::e005",
     "ff15::e006", "ff15::e007", "ff15::e008"},
    "ff3e::e001",
    "fd99::9",
    "ff02::e001",
    7100,
};
static const struct fam v4 = {
    AF_INET,
    {"239.7.0.1", "239.7.0.2", "239.7.0.3", "239.7.0.4", "239.7.0.5",
     "239.7.0.6", "239.7.0.7", "239.7.0.8"},
    "232.7.0.1",
    "10.9.9.9",
    "224.0.0.201",
    7200,
};

static void expect_clean_rx(struct rig *r)
{
    struct mc_monitor_counters c;

    mc_monitor_counters(r->m[RX], &c);
    assert_int_equal(c.socket_drops, 0);
    assert_int_equal(c.unattributed_packets, 0);
    assert_int_equal(c.truncated, 0);
    assert_int_equal(c.rx_errors, 0);
}

/* ---- the JSON report ---- */

/* Every documented key with its type (DESIGN.md "The JSON report"). */
static void check_report_keys(json_object *root, int family)
{
    json_object *groups, *arr;
    const char *mode;

    tj_key(root, "elapsed_s", json_type_double);
    groups = tj_key(root, "groups", json_type_array);
    tj_key(root, "reports", json_type_array);
    tj_key(root, "errors", json_type_array);
    assert_true(json_object_array_length(groups) > 0);
    for (size_t i = 0; i < json_object_array_length(groups); i++) {
        json_object *g = json_object_array_get_idx(groups, i);

        tj_str(g, "group");
        tj_str(g, "iface");
        assert_true(tj_int(g, "port") > 0 && tj_int(g, "port") < 65536);
        assert_string_equal(tj_str(g, "family"),
                            family == AF_INET6 ? "ipv6" : "ipv4");
        mode = tj_str(g, "mode");
        assert_true(strcmp(mode, "asm") == 0 || strcmp(mode, "include") == 0 ||
                    strcmp(mode, "exclude") == 0);
        arr = tj_key(g, "filter", json_type_array);
        for (size_t k = 0; k < json_object_array_length(arr); k++)
            assert_true(json_object_is_type(json_object_array_get_idx(arr, k),
                                            json_type_string));
        tj_int(g, "packets");
        tj_int(g, "bytes");
        assert_false(json_object_object_get_ex(g, "wire_packets", NULL));
        arr = tj_key(g, "by_source", json_type_array);
        for (size_t k = 0; k < json_object_array_length(arr); k++) {
            json_object *s = json_object_array_get_idx(arr, k);

            tj_str(s, "source");
            tj_int(s, "packets");
            tj_int(s, "bytes");
            tj_int(s, "lost"); /* mcscope's probes: known */
            tj_int(s, "duplicates");
            tj_int(s, "reordered");
            tj_int(s, "hoplimit");
            tj_int(s, "tclass");
        }
    }
}

/* ---- 1. exact per-source counts ---- */

static void exact_counts(const struct fam *f)
{
    const char *g = f->g[0];
    uint16_t port = f->port;
    struct mc_sender_info t1, t2;
    struct mc_seq_stats q;
    struct mc_group_view v;
    json_object *root, *s;
    struct rig r;

    rig_open(&r, lab, f->family);
    RIG_OK(&r, RX, "join %s dev lab0 port %u", g, port);
    RIG_OK(&r, S1, "send %s dev lab0 port %u rate 4000 count 3000 size 200", g,
           port);
    RIG_OK(&r, S2, "send %s dev lab0 port %u rate 4000 count 2000", g, port);
    rig_pump(&r, 300, NULL, NULL);
    t1 = rig_last_sender(&r, S1);
    t2 = rig_last_sender(&r, S2);
    assert_int_equal(t1.sent, 3000);
    assert_int_equal(t2.sent, 2000);
    assert_int_equal(rig_from(&r, g, port, &r.a1, &q), t1.sent);
    assert_int_equal(q.received, t1.sent);
    assert_int_equal(q.lost, 0);
    assert_int_equal(q.duplicates, 0);
    assert_int_equal(q.reordered, 0);
    assert_int_equal(q.sender_id, t1.sender_id);
    assert_int_equal(rig_from(&r, g, port, &r.a2, &q), t2.sent);
    assert_int_equal(q.sender_id, t2.sender_id);
    rig_group(&r, g, port, &v);
    assert_int_equal(mc_group_stats_counters(v.stats)->packets, 5000);
    assert_int_equal(mc_group_stats_counters(v.stats)->bytes,
                     3000 * 200 + 2000 * 64);
    assert_int_equal(mc_group_stats_source_count(v.stats), 2);
    expect_clean_rx(&r);

    root = rig_report(&r);
    check_report_keys(root, f->family);
    s = tj_source(root, g, &r.a1);
    assert_int_equal(tj_int(s, "packets"), 3000);
    assert_int_equal(tj_int(s, "bytes"), 3000 * 200);
    assert_int_equal(tj_int(s, "lost"), 0);
    s = tj_source(root, g, &r.a2);
    assert_int_equal(tj_int(s, "packets"), 2000);
    json_object_put(root);
    rig_close(&r);
}

/* ---- 2. ASM -> include -> exclude -> ASM in one run ---- */

#define PHASE_N 400

static void expect_filter(struct rig *r, const char *g, uint16_t port,
                          enum mc_filter_mode mode, const struct mc_addr *src)
{
    struct mc_group_view v;
    struct mc_filter kf;
    struct mc_err err;
    size_t i = rig_group(r, g, port, &v);

    assert_int_equal(v.mode, mode);
    assert_int_equal(v.nsources, src != NULL ? 1 : 0);
    if (src != NULL)
        assert_true(mc_addr_equal(&v.sources[0], src));
    assert_int_equal(mc_monitor_group_kernel_filter(r->m[RX], i, &kf, &err), 0);
    assert_int_equal(kf.mode, mode);
    assert_int_equal(kf.nsources, src != NULL ? 1 : 0);
    if (src != NULL)
        assert_true(mc_addr_equal(&kf.sources[0], src));
    mc_filter_free(&kf);
}

static void send_phase(struct rig *r, const char *g, uint16_t port)
{
    RIG_OK(r, S1, "send %s dev lab0 port %u rate 5000 count %d", g, port,
           PHASE_N);
    RIG_OK(r, S2, "send %s dev lab0 port %u rate 5000 count %d", g, port,
           PHASE_N);
    rig_pump(r, 300, NULL, NULL);
    assert_int_equal(rig_last_sender(r, S1).sent, PHASE_N);
    assert_int_equal(rig_last_sender(r, S2).sent, PHASE_N);
}

static void expect_counts(struct rig *r, const char *g, uint16_t port,
                          uint64_t n1, uint64_t n2, const char *phase)
{
    uint64_t got1 = rig_from(r, g, port, &r->a1, NULL);
    uint64_t got2 = rig_from(r, g, port, &r->a2, NULL);

    if (got1 != n1 || got2 != n2)
        fail_msg("%s: S1 %llu (want %llu), S2 %llu (want %llu)", phase,
                 (unsigned long long)got1, (unsigned long long)n1,
                 (unsigned long long)got2, (unsigned long long)n2);
}

static void mode_switch(const struct fam *f)
{
    const char *g = f->g[1];
    uint16_t port = f->port + 1;
    char s1[MC_ADDR_STRLEN];
    struct mc_seq_stats q;
    json_object *root, *grp;
    struct rig r;

    rig_open(&r, lab, f->family);
    mc_addr_format(&r.a1, s1, sizeof s1);

    RIG_OK(&r, RX, "join %s dev lab0 port %u", g, port);
    expect_filter(&r, g, port, MC_MODE_ASM, NULL);
    send_phase(&r, g, port);
    expect_counts(&r, g, port, PHASE_N, PHASE_N, "ASM");

    RIG_OK(&r, RX, "leave %s dev lab0 port %u", g, port);
    RIG_OK(&r, RX, "join-source %s %s dev lab0 port %u", g, s1, port);
    expect_filter(&r, g, port, MC_MODE_INCLUDE, &r.a1);
    send_phase(&r, g, port);
    expect_counts(&r, g, port, 2 * PHASE_N, PHASE_N, "include {S1}");

    RIG_OK(&r, RX, "leave-source %s %s dev lab0 port %u", g, s1, port);
    expect_filter(&r, g, port, MC_MODE_NONE, NULL);
    RIG_OK(&r, RX, "join %s dev lab0 port %u", g, port);
    RIG_OK(&r, RX, "exclude-source %s %s dev lab0 port %u", g, s1, port);
    expect_filter(&r, g, port, MC_MODE_EXCLUDE, &r.a1);
    send_phase(&r, g, port);
    expect_counts(&r, g, port, 2 * PHASE_N, 2 * PHASE_N, "exclude {S1}");

    RIG_OK(&r, RX, "include-source %s %s dev lab0 port %u", g, s1, port);
    expect_filter(&r, g, port, MC_MODE_ASM, NULL);
    send_phase(&r, g, port);
    expect_counts(&r, g, port, 3 * PHASE_N, 3 * PHASE_N, "ASM again");

    /* Every run a sender made was complete: nothing counted lost. */
    rig_from(&r, g, port, &r.a1, &q);
    assert_int_equal(q.lost, 0);
    assert_int_equal(q.runs, 3);
    rig_from(&r, g, port, &r.a2, &q);
    assert_int_equal(q.lost, 0);
    expect_clean_rx(&r);
    root = rig_report(&r);
    grp = json_object_array_get_idx(tj_key(root, "groups", json_type_array), 0);
    assert_string_equal(tj_str(grp, "mode"), "asm");
    assert_int_equal(tj_int(grp, "packets"), 6 * PHASE_N);
    json_object_put(root);
    rig_close(&r);
}

/* ---- 3. impairments: loss, duplication, reordering ---- */

/* Split line in place on blanks into argv; '...' keeps blanks in a word.
 * Returns the number of words. */
static int split_words(char *line, char **argv, int max)
{
    int argc = 0;
    char *p = line;

    while (argc < max) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        if (*p == '\'') {
            argv[argc++] = ++p;
            p = strchr(p, '\'');
            assert_non_null(p);
        } else {
            argv[argc++] = p;
            p += strcspn(p, " ");
        }
        if (*p != '\0')
            *p++ = '\0';
    }
    argv[argc] = NULL;
    return argc;
}

/*
 * Run a command line without a shell (words as split_words makes them);
 * quiet: its stderr goes to /dev/null.  Returns its exit status.
 */
__attribute__((format(printf, 2, 3))) static int sh(bool quiet, const char *fmt,
                                                    ...)
{
    char line[512], *argv[40];
    posix_spawn_file_actions_t fa;
    int status, rc;
    va_list ap;
    pid_t pid;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (split_words(line, argv, 39) == 0)
        return -1;
    posix_spawn_file_actions_init(&fa);
    if (quiet)
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* `tc ARGS` inside S1; fails the test when tc does. */
#define TC(...)                                                                \
    do {                                                                       \
        char a_[256];                                                          \
        snprintf(a_, sizeof a_, __VA_ARGS__);                                  \
        if (sh(false, "ip netns exec %s tc %s", lab_ns_name(lab, "S1"), a_) != \
            0)                                                                 \
            fail_msg("tc %s failed in S1", a_);                                \
    } while (0)

/*
 * How impairments are made on S1's lab0 (egress).  tc netem when the
 * kernel has it (sch_netem).  Without it (CONFIG_NET_SCH_NETEM is not set
 * on some kernels, this lab machine's among them) the same effects come
 * from what such kernels do have: a clsact qdisc, a cls_bpf filter whose
 * classic-BPF program matches a random share of packets (the SKF_AD_RANDOM
 * ancillary load, filter.h), and mirred actions:
 *   loss       redirect to an ifb device that is down: mirred drops them
 *   duplicates mirror back to lab0 itself: each copy goes out once more
 *              (and may be copied again, up to mirred's nesting limit)
 *   reorder    redirect to an ifb device behind a tbf qdisc: they leave
 *              through lab0 later than the packets sent after them
 * Either way every packet the sender counts as sent left its socket, so
 * the receiver's figures must match the sender's truth exactly.
 */
static bool have_netem;

static void probe_netem(void)
{
    const char *sw = lab_ns_name(lab, "SW");

    have_netem = sh(true,
                    "ip netns exec %s tc qdisc add dev lo root netem "
                    "delay 1ms",
                    sw) == 0;
    if (have_netem)
        sh(true, "ip netns exec %s tc qdisc del dev lo root", sw);
    print_message("impairments: %s\n",
                  have_netem ? "tc netem"
                             : "no sch_netem in this kernel: clsact + "
                               "cls_bpf (random) + mirred");
}

enum impair { IMP_LOSS, IMP_DUP, IMP_REORDER };

/* A classic-BPF program for cls_bpf that matches a random share of
 * packets: A = random u32; A >= share * 2^32 ? no match : match. */
static void random_match(char *out, size_t len, double share)
{
    snprintf(out, len, "'4,32 0 0 %u,53 1 0 %u,6 0 0 4294967295,6 0 0 0'",
             0xfffff000u + 56u /* SKF_AD_OFF + SKF_AD_RANDOM */,
             (unsigned)(share * 4294967296.0));
}

static void impair(enum impair k)
{
    const char *s1 = lab_ns_name(lab, "S1");
    char bpf[128];

    if (have_netem) {
        if (k == IMP_LOSS)
            TC("qdisc add dev lab0 root netem loss 10%%");
        else if (k == IMP_DUP)
            TC("qdisc add dev lab0 root netem duplicate 10%%");
        else
            TC("qdisc add dev lab0 root netem delay 4ms reorder 25%% 50%%");
        return;
    }
    random_match(bpf, sizeof bpf, k == IMP_REORDER ? 0.25 : 0.10);
    if (k == IMP_LOSS) {
        assert_int_equal(sh(false, "ip -n %s link add mcs-drop type ifb", s1),
                         0);
    } else if (k == IMP_REORDER) {
        assert_int_equal(sh(false, "ip -n %s link add mcs-late type ifb", s1),
                         0);
        assert_int_equal(sh(false, "ip -n %s link set mcs-late up", s1), 0);
        TC("qdisc add dev mcs-late root tbf rate 20mbit burst 500 "
           "latency 100ms");
    }
    TC("qdisc add dev lab0 clsact");
    TC("filter add dev lab0 egress protocol all prio 1 bpf bytecode %s "
       "action mirred egress %s",
       bpf,
       k == IMP_LOSS  ? "redirect dev mcs-drop"
       : k == IMP_DUP ? "mirror dev lab0"
                      : "redirect dev mcs-late");
}

/* Remove every impairment (quietly: some are not there). */
static void impair_off(void)
{
    const char *s1 = lab_ns_name(lab, "S1");

    sh(true, "ip netns exec %s tc qdisc del dev lab0 root", s1);
    sh(true, "ip netns exec %s tc qdisc del dev lab0 clsact", s1);
    sh(true, "ip -n %s link del mcs-drop", s1);
    sh(true, "ip -n %s link del mcs-late", s1);
}

/* A cmocka teardown: back to the start namespace, no impairment left,
 * also after a failure. */
static int impair_teardown(void **state)
{
    (void)state;
    lab_leave(lab);
    impair_off();
    return 0;
}

#define NETEM_N 10000

struct lossy {
    bool removed;
    uint64_t at; /* remove the qdisc once S1 sent this many */
};

/* Remove the loss before the last packets, so that the run's last
 * packet arrives and every lost one is a hole the receiver can see. */
static void lossy_hook(struct rig *r, void *arg)
{
    struct lossy *l = arg;
    struct mc_sender_info si;

    if (l->removed)
        return;
    mc_monitor_sender(r->m[S1], mc_monitor_nsenders(r->m[S1]) - 1, &si);
    if (si.sent >= l->at) {
        assert_true(si.running);
        impair_off();
        l->removed = true;
    }
}

static void netem_loss(const struct fam *f)
{
    const char *g = f->g[2];
    uint16_t port = f->port + 2;
    struct lossy l = {false, NETEM_N - 500};
    struct mc_seq_stats q;
    uint64_t got;
    struct rig r;

    rig_open(&r, lab, f->family);
    RIG_OK(&r, RX, "join %s dev lab0 port %u", g, port);
    /* The first packet goes as the command runs, before the loss. */
    RIG_OK(&r, S1, "send %s dev lab0 port %u rate 20000 count %d", g, port,
           NETEM_N);
    impair(IMP_LOSS);
    rig_pump(&r, 300, lossy_hook, &l);
    assert_true(l.removed);
    assert_int_equal(rig_last_sender(&r, S1).sent, NETEM_N);
    got = rig_from(&r, g, port, &r.a1, &q);
    print_message("netem loss: %llu of %d received, %llu lost\n",
                  (unsigned long long)got, NETEM_N, (unsigned long long)q.lost);
    assert_int_equal(q.received, got);
    assert_int_equal(q.lost, NETEM_N - got); /* exact */
    assert_int_equal(q.expected, NETEM_N);
    assert_true(q.lost > NETEM_N / 20 && q.lost < NETEM_N * 3 / 20);
    assert_int_equal(q.duplicates, 0);
    expect_clean_rx(&r);
    rig_close(&r);
}

static void netem_dup(const struct fam *f)
{
    const char *g = f->g[3];
    uint16_t port = f->port + 3;
    struct mc_seq_stats q;
    uint64_t got;
    struct rig r;

    rig_open(&r, lab, f->family);
    RIG_OK(&r, RX, "join %s dev lab0 port %u", g, port);
    impair(IMP_DUP);
    RIG_OK(&r, S1, "send %s dev lab0 port %u rate 20000 count %d", g, port,
           NETEM_N);
    rig_pump(&r, 300, NULL, NULL);
    impair_off();
    assert_int_equal(rig_last_sender(&r, S1).sent, NETEM_N);
    got = rig_from(&r, g, port, &r.a1, &q);
    print_message("netem duplicate: %llu received for %d sent, %llu "
                  "duplicates\n",
                  (unsigned long long)got, NETEM_N,
                  (unsigned long long)q.duplicates);
    assert_int_equal(q.received, NETEM_N);
    assert_int_equal(q.lost, 0);
    assert_int_equal(q.duplicates, got - NETEM_N); /* exact */
    assert_true(q.duplicates > NETEM_N / 20 && q.duplicates < NETEM_N / 5);
    expect_clean_rx(&r);
    rig_close(&r);
}

static void netem_reorder(const struct fam *f)
{
    const char *g = f->g[4];
    uint16_t port = f->port + 4;
    struct mc_seq_stats q;
    struct rig r;

    rig_open(&r, lab, f->family);
    RIG_OK(&r, RX, "join %s dev lab0 port %u", g, port);
    impair(IMP_REORDER);
    RIG_OK(&r, S1, "send %s dev lab0 port %u rate 40000 count 5000", g, port);
    rig_pump(&r, 300, NULL, NULL);
    impair_off();
    assert_int_equal(rig_last_sender(&r, S1).sent, 5000);
    assert_int_equal(rig_from(&r, g, port, &r.a1, &q), 5000);
    print_message("netem reorder: %llu reordered of 5000\n",
                  (unsigned long long)q.reordered);
    assert_int_equal(q.received, 5000);
    assert_int_equal(q.lost, 0);
    assert_int_equal(q.duplicates, 0);
    assert_int_equal(q.too_old, 0);
    assert_true(q.reordered > 0);
    expect_clean_rx(&r);
    rig_close(&r);
}

/* ---- 4. hop limit and traffic class ---- */

static void hops_tclass(const struct fam *f)
{
    const char *g = f->g[5];
    uint16_t port = f->port + 5;
    struct mc_monitor_settings st;
    const struct mc_family_settings *fs;
    json_object *root, *s;
    struct rig r;

    rig_open(&r, lab, f->family);
    RIG_OK(&r, RX, "join %s dev lab0 port %u", g, port);
    RIG_OK(&r, S1, "set mcast-hoplimit 7");
    RIG_OK(&r, S1, "set tclass 0x28");
    mc_monitor_settings(r.m[S1], &st);
    fs = f->family == AF_INET6 ? &st.v6 : &st.v4;
    assert_int_equal(fs->mcast_hoplimit, 7);
    assert_int_equal(fs->tclass, 0x28);
    RIG_OK(&r, S1, "send %s dev lab0 port %u rate 1000 count 50", g, port);
    RIG_OK(&r, S2,
           "send %s dev lab0 port %u rate 1000 count 50 tclass 0x10 "
           "hoplimit 3",
           g, port);
    rig_pump(&r, 300, NULL, NULL);
    root = rig_report(&r);
    s = tj_source(root, g, &r.a1);
    assert_int_equal(tj_int(s, "packets"), 50);
    assert_int_equal(tj_int(s, "hoplimit"), 7);
    assert_int_equal(tj_int(s, "tclass"), 0x28);
    s = tj_source(root, g, &r.a2);
    assert_int_equal(tj_int(s, "packets"), 50);
    assert_int_equal(tj_int(s, "hoplimit"), 3);
    assert_int_equal(tj_int(s, "tclass"), 0x10);
    json_object_put(root);
    rig_close(&r);
}

/* ---- 5. refusals: a table; the state never changes ---- */

/* What a refusal must leave as it was. */
struct snapshot {
    size_t ngroups, nsenders, nfds;
    enum mc_filter_mode mode[8];
    bool joined[8];
    size_t nsrc[8];
    struct mc_monitor_settings st;
};

static void snap(struct mc_monitor *m, struct snapshot *s)
{
    struct pollfd fds[32];
    struct mc_group_view v;

    memset(s, 0, sizeof *s);
    s->ngroups = mc_monitor_ngroups(m);
    s->nsenders = mc_monitor_nsenders(m);
    s->nfds = mc_monitor_pollfds(m, fds, 32);
    for (size_t i = 0; i < s->ngroups && i < 8; i++) {
        mc_monitor_group(m, i, &v);
        s->mode[i] = v.mode;
        s->joined[i] = v.joined;
        s->nsrc[i] = v.nsources;
    }
    mc_monitor_settings(m, &s->st);
}

static void expect_same(const struct snapshot *a, const struct snapshot *b,
                        const char *line)
{
    if (a->ngroups != b->ngroups || a->nsenders != b->nsenders ||
        a->nfds != b->nfds || memcmp(a->mode, b->mode, sizeof a->mode) != 0 ||
        memcmp(a->joined, b->joined, sizeof a->joined) != 0 ||
        memcmp(a->nsrc, b->nsrc, sizeof a->nsrc) != 0 ||
        memcmp(&a->st, &b->st, sizeof a->st) != 0)
        fail_msg("'%s' changed the monitor's state", line);
}

struct refusal {
    const char *fmt; /* {GA} the ASM group, {GI} the include group, {S1},
                        {S2} the sources, {GX} a group not joined, {SSM}
                        an SSM group, {NL} an address no host has, {LL}
                        a link-local group, {P} the port */
    int rc;          /* -EINVAL for the parser's refusals */
    bool parse;      /* refused by the parser (logged "refused") */
    const char *want;
    int only_family; /* 0: both */
};

static const struct refusal refusals[] = {
    /* the parser: nothing runs */
    {"jion {GA}", -EINVAL, true, "did you mean 'join'", 0},
    {"join {GA} port 0", -EINVAL, true, "port", 0},
    {"join {SSM} dev lab0", -EINVAL, true, "RFC 4607", 0},
    {"exclude-source {SSM} {S1} dev lab0", -EINVAL, true, "SSM range", 0},
    {"join {LL}", -EINVAL, true, "link-local", 0},
    {"join-source {GA} {GX} dev lab0", -EINVAL, true, "", 0},
    {"send {GA} rate 0", -EINVAL, true, "rate", 0},
    {"set tclass 300", -EINVAL, true, "", 0},
    {"cmsg hops on", -EINVAL, true, "", 0},
    /* the system, when the command runs */
    {"join {GA} dev nosuch port {P}", -ENODEV, false, "no interface", 0},
    {"leave {GX} dev lab0 port {P}", -EADDRNOTAVAIL, false, "not joined", 0},
    {"leave {GX} dev lab0 port 7999", -EADDRNOTAVAIL, false, "not joined", 0},
    {"join {GA} dev lab0 port {P}", -EADDRINUSE, false, "already joined", 0},
    {"exclude-source {GI} {S2} dev lab0 port {P}", -EINVAL, false,
     "mode conflict", 0},
    {"include-source {GI} {S1} dev lab0 port {P}", -EINVAL, false,
     "mode conflict", 0},
    {"leave-source {GA} {S1} dev lab0 port {P}", -EADDRNOTAVAIL, false,
     "ASM mode", 0},
    {"include-source {GA} {S2} dev lab0 port {P}", -EADDRNOTAVAIL, false,
     "not excluded", 0},
    {"leave-source {GI} {S2} dev lab0 port {P}", -EADDRNOTAVAIL, false,
     "not in the include list", 0},
    {"join-source {GI} {S1} dev lab0 port {P}", -EADDRNOTAVAIL, false,
     "already in the include list", 0},
    {"set hoplimit 0", -EINVAL, false, "TTL must be 1..255", 0},
    {"set mcast-if nosuch", -ENODEV, false, "no interface", 0},
    {"send {GA} dev nosuch", -ENODEV, false, "no interface", 0},
    {"send {GA} dev lab0 source {NL}", -EADDRNOTAVAIL, false,
     "not an address of this host", 0},
    {"send {GA} dev lab0 hoplimit 0", -EINVAL, false, "TTL must be 1..255",
     AF_INET},
    {"stop-send {GA}", -ESRCH, false, "no sender", 0},
    {"stop-send", -ESRCH, false, "no sender", 0},
    {"pcap on dev nosuch", -ENODEV, false, "no interface", 0},
    {"pcap on dev any", -EINVAL, false, "one by one", 0},
    {"pcap off dev lab0", -ESRCH, false, "no capture is running", 0},
};

struct word {
    const char *key, *value;
};

/* Copy fmt into out with each {KEY} replaced by its value. */
static void expand(const char *fmt, const struct word *w, char *out, size_t len)
{
    size_t o = 0;

    while (*fmt != '\0' && o + 1 < len) {
        const struct word *k = NULL;

        if (*fmt == '{')
            for (k = w; k->key != NULL; k++)
                if (strncmp(fmt, k->key, strlen(k->key)) == 0)
                    break;
        if (k != NULL && k->key != NULL) {
            o += (size_t)snprintf(out + o, len - o, "%s", k->value);
            fmt += strlen(k->key);
        } else {
            out[o++] = *fmt++;
        }
    }
    out[o < len ? o : len - 1] = '\0';
}

static void refusal_table(const struct fam *f)
{
    const char *ga = f->g[6], *gi = f->g[7];
    uint16_t port = f->port + 6;
    char s1[MC_ADDR_STRLEN], s2[MC_ADDR_STRLEN], line[256];
    struct mc_monitor_counters c0, c1;
    struct snapshot before, after;
    struct mc_event e;
    struct mc_err err;
    struct rig r;
    int rc;

    char pbuf[8];
    const struct word words[] = {{"{GA}", ga},          {"{GI}", gi},
                                 {"{S1}", s1},          {"{S2}", s2},
                                 {"{GX}", f->g[0]},     {"{SSM}", f->ssm},
                                 {"{NL}", f->nonlocal}, {"{LL}", f->linklocal},
                                 {"{P}", pbuf},         {NULL, NULL}};

    snprintf(pbuf, sizeof pbuf, "%u", (unsigned)port);
    rig_open(&r, lab, f->family);
    mc_addr_format(&r.a1, s1, sizeof s1);
    mc_addr_format(&r.a2, s2, sizeof s2);
    RIG_OK(&r, RX, "join %s dev lab0 port %u", ga, port);
    RIG_OK(&r, RX, "join-source %s %s dev lab0 port %u", gi, s1, port);
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        const struct refusal *t = &refusals[i];

        if (t->only_family != 0 && t->only_family != f->family)
            continue;
        expand(t->fmt, words, line, sizeof line);
        snap(r.m[RX], &before);
        mc_monitor_counters(r.m[RX], &c0);
        rc = rig_run(&r, RX, &err, "%s", line);
        if (rc != t->rc || strstr(err.msg, t->want) == NULL)
            fail_msg("'%s': got %d (%s) '%s'; want %d (%s) with '%s'", line, rc,
                     mc_errno_name(rc), err.msg, t->rc, mc_errno_name(t->rc),
                     t->want);
        snap(r.m[RX], &after);
        expect_same(&before, &after, line);
        /* Logged as refused or as an error, with the explanation. */
        mc_monitor_counters(r.m[RX], &c1);
        assert_int_equal(c1.refused - c0.refused, t->parse ? 1 : 0);
        assert_int_equal(c1.errors - c0.errors, t->parse ? 0 : 1);
        assert_int_equal(
            mc_monitor_event(r.m[RX], mc_monitor_nevents(r.m[RX]) - 1, &e), 0);
        assert_int_equal(e.kind, t->parse ? MC_EV_REFUSED : MC_EV_ERROR);
        assert_non_null(strstr(tu_event_text(&e), err.msg));
    }
    rig_close(&r);
}

/* ---- the table of cases ---- */

LAB_BOTH_FAMILIES(exact_counts, &v6, &v4)
LAB_BOTH_FAMILIES(mode_switch, &v6, &v4)
LAB_BOTH_FAMILIES(netem_loss, &v6, &v4)
LAB_BOTH_FAMILIES(netem_dup, &v6, &v4)
LAB_BOTH_FAMILIES(netem_reorder, &v6, &v4)
LAB_BOTH_FAMILIES(hops_tclass, &v6, &v4)
LAB_BOTH_FAMILIES(refusal_table, &v6, &v4)

#define CASE(fn) cmocka_unit_test_teardown(fn, lab_leave_teardown)
#define IMPAIR(fn) cmocka_unit_test_teardown(fn, impair_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        CASE(exact_counts_v6),    CASE(exact_counts_v4),
        CASE(mode_switch_v6),     CASE(mode_switch_v4),
        IMPAIR(netem_loss_v6),    IMPAIR(netem_loss_v4),
        IMPAIR(netem_dup_v6),     IMPAIR(netem_dup_v4),
        IMPAIR(netem_reorder_v6), IMPAIR(netem_reorder_v4),
        CASE(hops_tclass_v6),     CASE(hops_tclass_v4),
        CASE(refusal_table_v6),   CASE(refusal_table_v4),
    };
    int rc;

    lab = lab_create(false);
    probe_netem();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
