/*
 * Integration test: the link's listeners (core/listeners.c through the
 * monitor, `listeners on dev lab0`) against tshark, on real reports.
 *
 * RX runs `listeners on dev lab0` and writes what it captures to a pcap
 * file.  Two hosts change their memberships, one step at a time:
 *   S1 with an independent tool, tests/netns/member.py (RFC 3678 socket
 *      options from python3, none of mcscope's code): join, block a source,
 *      unblock it, leave;
 *   S2 with mcscope's own monitor: join-source twice, leave-source.
 * After every step (1.5 s: Linux sends each change twice within 1 s) the
 * listeners table must equal
 *   1. what the step says each host now listens to, and
 *   2. the state tshark's decoding of the same capture file gives, applied
 *      with RFC 3810 §7.4 / RFC 3376 §6.4 for one host (the model below,
 *      on tshark's fields, not on mcscope's decoder),
 * every entry of the table (solicited-node groups a kernel reports
 * included) in (2).  RX's own reports count too, flagged own (RX joins
 * the ASM group for one step).  The on-listener hooks run at the first and last
 * listener.  A flood of 3000 fake IGMPv2 reports from one host (raw
 * socket) fills the table to its cap and no further.
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <signal.h>
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

#include "lab.h"
#include "mcscope/listeners.h"
#include "montest.h"
#include "rawigmp.h"
#include "runout.h"

#define STEP_MS 1500
#define OUT_MAX (1 << 20)
#define MAX_LINES 256
#define MAX_ADDRS 16

static struct lab *lab;

/* ---- the independent member (member.py in a lab host) ---- */

struct member {
    pid_t pid;
    FILE *in, *out;
};

static void member_start(struct member *p, const char *host, int family)
{
    char script[512];
    const char *slash = strrchr(__FILE__, '/');
    int to[2], from[2];

    snprintf(script, sizeof script, "%.*s/member.py",
             slash != NULL ? (int)(slash - __FILE__) : 1,
             slash != NULL ? __FILE__ : ".");
    assert_int_equal(pipe(to), 0);
    assert_int_equal(pipe(from), 0);
    p->pid = fork();
    assert_true(p->pid >= 0);
    if (p->pid == 0) {
        dup2(to[0], STDIN_FILENO);
        dup2(from[1], STDOUT_FILENO);
        close(to[1]);
        close(from[0]);
        execlp("ip", "ip", "netns", "exec", lab_ns_name(lab, host), "python3",
               script, family == AF_INET ? "ipv4" : "ipv6", "lab0",
               (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    p->in = fdopen(to[1], "w");
    p->out = fdopen(from[0], "r");
    assert_non_null(p->in);
    assert_non_null(p->out);
}

/* One command; member.py must answer "ok". */
static void member_do(struct member *p, const char *fmt, ...)
{
    char line[256], answer[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(p->in, "%s\n", line);
    fflush(p->in);
    if (fgets(answer, sizeof answer, p->out) == NULL)
        fail_msg("member.py %s: no answer (is python3 installed?)", line);
    if (strcmp(answer, "ok\n") != 0)
        fail_msg("member.py %s: %s", line, answer);
}

static void member_stop(struct member *p)
{
    int status;

    fclose(p->in);
    fclose(p->out);
    waitpid(p->pid, &status, 0);
}

/* ---- addresses of a host's lab0 ---- */

struct addrs {
    char a[MAX_ADDRS][MC_ADDR_STRLEN];
    size_t n;
};

/* Every address of host's lab0 of family (link-local included). */
static void host_addrs(const char *host, int family, struct addrs *out)
{
    struct ifaddrs *ifa, *i;

    out->n = 0;
    lab_enter(lab, host);
    assert_int_equal(getifaddrs(&ifa), 0);
    for (i = ifa; i != NULL; i = i->ifa_next) {
        struct mc_addr a;

        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != family ||
            strcmp(i->ifa_name, "lab0") != 0 || out->n == MAX_ADDRS)
            continue;
        assert_int_equal(mc_addr_from_sockaddr(i->ifa_addr, &a, NULL), 0);
        mc_addr_format(&a, out->a[out->n++], MC_ADDR_STRLEN);
    }
    freeifaddrs(ifa);
    lab_leave(lab);
}

static bool in_addrs(const struct addrs *s, const char *a)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->a[i], a) == 0)
            return true;
    return false;
}

/* The address reports of family come from: IPv4 the interface's address,
 * MLD its link-local one (RFC 3810 §5). */
static void report_src(const char *host, int family, char *out)
{
    struct addrs s;

    host_addrs(host, family, &s);
    for (size_t i = 0; i < s.n; i++)
        if (family == AF_INET || strncmp(s.a[i], "fe80:", 5) == 0) {
            snprintf(out, MC_ADDR_STRLEN, "%s", s.a[i]);
            return;
        }
    fail_msg("%s has no %s address on lab0", host,
             family == AF_INET ? "IPv4" : "link-local");
}

/* ---- the table as lines "HOST GROUP MODE {S,...}" (sources sorted) ---- */

struct lines {
    char l[MAX_LINES][512];
    size_t n;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void add_line(struct lines *ls, const char *host, const char *group,
                     const char *mode, char **srcs, size_t n)
{
    char *l;

    assert_true(ls->n < MAX_LINES);
    l = ls->l[ls->n++];
    qsort(srcs, n, sizeof *srcs, cmp_str);
    snprintf(l, 512, "%s %s %s {", host, group, mode);
    for (size_t i = 0; i < n; i++)
        snprintf(l + strlen(l), 512 - strlen(l), "%s%s", i ? "," : "", srcs[i]);
    snprintf(l + strlen(l), 512 - strlen(l), "}");
}

static void sort_lines(struct lines *ls)
{
    qsort(ls->l, ls->n, sizeof ls->l[0], cmp_line);
}

/* The table as lines; own must be set exactly for the hosts of rx. */
static void ours(struct rig *r, const struct addrs *rx, struct lines *ls)
{
    struct mc_listener_view v;

    ls->n = 0;
    for (size_t i = 0; mc_monitor_listener(r->m[RX], i, &v) == 0; i++) {
        char h[MC_ADDR_STRLEN], g[MC_ADDR_STRLEN];
        char sb[MAX_ADDRS][MC_ADDR_STRLEN], *s[MAX_ADDRS];

        assert_true(v.nsources <= MAX_ADDRS);
        for (size_t k = 0; k < v.nsources; k++) {
            mc_addr_format(&v.sources[k], sb[k], sizeof sb[k]);
            s[k] = sb[k];
        }
        assert_string_equal(v.ifname, "lab0");
        mc_addr_format(&v.host, h, sizeof h);
        if (v.own != in_addrs(rx, h))
            fail_msg("%s: own is %d", h, v.own);
        add_line(ls, h, mc_addr_format(&v.group, g, sizeof g),
                 mc_listener_mode_name(v.mode), s, v.nsources);
    }
    sort_lines(ls);
}

/* ---- the model on tshark's fields ---- */

struct entry {
    char host[MC_ADDR_STRLEN], group[MC_ADDR_STRLEN];
    bool exclude;
    char src[MAX_ADDRS][MC_ADDR_STRLEN];
    size_t n;
};

struct model {
    struct entry e[MAX_LINES];
    size_t n;
};

static struct entry *model_find(struct model *m, const char *host,
                                const char *group)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->e[i].host, host) == 0 &&
            strcmp(m->e[i].group, group) == 0)
            return &m->e[i];
    assert_true(m->n < MAX_LINES);
    memset(&m->e[m->n], 0, sizeof m->e[0]);
    snprintf(m->e[m->n].host, MC_ADDR_STRLEN, "%s", host);
    snprintf(m->e[m->n].group, MC_ADDR_STRLEN, "%s", group);
    return &m->e[m->n++];
}

static bool e_has(const struct entry *e, const char *s)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->src[i], s) == 0)
            return true;
    return false;
}

static void e_add(struct entry *e, const char *s)
{
    if (!e_has(e, s)) {
        assert_true(e->n < MAX_ADDRS);
        snprintf(e->src[e->n++], MC_ADDR_STRLEN, "%s", s);
    }
}

static void e_del(struct entry *e, const char *s)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->src[i], s) == 0) {
            memcpy(e->src[i], e->src[--e->n], MC_ADDR_STRLEN);
            return;
        }
}

/* One record (RFC 3810 §7.4 with one host); srcs: n addresses. */
static void model_record(struct model *m, const char *host, unsigned type,
                         const char *group, char **srcs, size_t n)
{
    struct entry *e = model_find(m, host, group);

    if (type >= 1 && type <= 4) {
        e->n = 0;
        e->exclude = type == 2 || type == 4;
        for (size_t i = 0; i < n; i++)
            e_add(e, srcs[i]);
    } else if (type == 5 || type == 6) {
        for (size_t i = 0; i < n; i++)
            if ((type == 5) != e->exclude)
                e_add(e, srcs[i]);
            else
                e_del(e, srcs[i]);
    }
}

/* The state tshark's decoding of path gives, for every sender (RX's own
 * reports included), as lines. */
static void tshark_model(int family, const char *path, struct lines *ls)
{
    static char out[OUT_MAX];
    static struct model md;
    char *v4[] = {"tshark",           "-r", (char *)path,   "-T",
                  "fields",           "-e", "ip.src",       "-e",
                  "igmp.type",        "-e", "igmp.maddr",   "-e",
                  "igmp.record_type", "-e", "igmp.num_src", "-e",
                  "igmp.saddr",       "-Y", "igmp",         NULL};
    char *v6[] = {"tshark",
                  "-r",
                  (char *)path,
                  "-T",
                  "fields",
                  "-e",
                  "ipv6.src",
                  "-e",
                  "icmpv6.type",
                  "-e",
                  "icmpv6.mldr.mar.multicast_address",
                  "-e",
                  "icmpv6.mldr.mar.record_type",
                  "-e",
                  "icmpv6.mldr.mar.nb_sources",
                  "-e",
                  "icmpv6.mldr.mar.source_address",
                  "-e",
                  "icmpv6.mld.multicast_address",
                  "-Y",
                  "icmpv6.type >= 130 && icmpv6.type <= 132 || "
                  "icmpv6.type == 143",
                  NULL};
    char *rows[4096];
    size_t nrows;

    assert_int_equal(tu_run_out(family == AF_INET ? v4 : v6, out, sizeof out),
                     0);
    md.n = 0;
    nrows = tu_split(out, '\n', rows, 4096);
    for (size_t i = 0; i < nrows; i++) {
        char *col[7] = {"", "", "", "", "", "", ""}, *c = rows[i];
        char *g[64], *t[64], *k[64], *s[256];
        size_t ng, nt, nk, ns, used = 0;
        unsigned type;

        if (*c == '\0')
            continue;
        for (int j = 0; j < 7; j++) {
            char *tab = strchr(c, '\t');

            col[j] = c;
            if (tab == NULL)
                break;
            *tab = '\0';
            c = tab + 1;
        }
        type = (unsigned)strtoul(col[1], NULL, 0);
        if (type == 0x16 || type == 0x12 || type == 131) { /* v1/v2 */
            model_record(&md, col[0], 4, family == AF_INET ? col[2] : col[6],
                         NULL, 0);
            continue;
        }
        if (type == 0x17 || type == 132) {
            model_record(&md, col[0], 3, family == AF_INET ? col[2] : col[6],
                         NULL, 0);
            continue;
        }
        if (type != 0x22 && type != 143)
            continue; /* queries */
        ng = tu_split(col[2], ',', g, 64);
        nt = tu_split(col[3], ',', t, 64);
        nk = tu_split(col[4], ',', k, 64);
        ns = tu_split(col[5], ',', s, 256);
        assert_int_equal(ng, nt);
        assert_int_equal(ng, nk);
        for (size_t r = 0; r < ng; r++) {
            size_t cnt = (size_t)atoi(k[r]);

            assert_true(used + cnt <= ns);
            model_record(&md, col[0], (unsigned)atoi(t[r]), g[r], s + used,
                         cnt);
            used += cnt;
        }
    }
    ls->n = 0;
    for (size_t i = 0; i < md.n; i++) {
        struct entry *e = &md.e[i];
        char *s[MAX_ADDRS];

        if (!e->exclude && e->n == 0)
            continue; /* include {}: no state */
        for (size_t k = 0; k < e->n; k++)
            s[k] = e->src[k];
        add_line(ls, e->host, e->group, e->exclude ? "exclude" : "include", s,
                 e->n);
    }
    sort_lines(ls);
}

/* ---- checks ---- */

struct run {
    struct rig r;
    int family;
    char path[64];
    struct addrs rx;
    /* the senders of S1's, S2's and RX's reports */
    char h1[MC_ADDR_STRLEN], h2[MC_ADDR_STRLEN], rxh[MC_ADDR_STRLEN];
    const char *asm_g, *ssm_g, *x, *y;
};

static void print_lines(const char *what, const struct lines *ls)
{
    print_message("  %s (%zu):\n", what, ls->n);
    for (size_t i = 0; i < ls->n; i++)
        print_message("    %s\n", ls->l[i]);
}

/* The table equals tshark's model, and for the test's groups exactly
 * want (NULL-ended lines, sorted as strcmp does). */
static void check(struct run *t, const char *step, const char *const *want)
{
    static struct lines a, b;
    size_t k = 0;

    rig_pump_ms(&t->r, STEP_MS);
    ours(&t->r, &t->rx, &a);
    tshark_model(t->family, t->path, &b);
    if (a.n != b.n || memcmp(a.l, b.l, a.n * sizeof a.l[0]) != 0) {
        print_lines("mcscope", &a);
        print_lines("tshark", &b);
        fail_msg("%s: the listeners table is not what tshark decodes", step);
    }
    for (size_t i = 0; i < a.n; i++) {
        char g[MC_ADDR_STRLEN + 2];
        bool ours_g;

        snprintf(g, sizeof g, " %s ", t->asm_g);
        ours_g = strstr(a.l[i], g) != NULL;
        snprintf(g, sizeof g, " %s ", t->ssm_g);
        ours_g = ours_g || strstr(a.l[i], g) != NULL;
        if (!ours_g)
            continue;
        if (want[k] == NULL || strcmp(a.l[i], want[k]) != 0) {
            print_lines("mcscope", &a);
            fail_msg("%s: entry \"%s\", want \"%s\"", step, a.l[i],
                     want[k] != NULL ? want[k] : "(none)");
        }
        k++;
    }
    if (want[k] != NULL) {
        print_lines("mcscope", &a);
        fail_msg("%s: missing \"%s\"", step, want[k]);
    }
    print_message("  %s: %zu entries, tshark agrees\n", step, a.n);
}

/* Whether RX's log holds an echo with text. */
static bool logged_echo(struct rig *r, const char *text)
{
    struct mc_event ev;

    for (size_t i = 0; mc_monitor_event(r->m[RX], i, &ev) == 0; i++)
        if (ev.type == MC_ET_ECHO && strcmp(ev.detail, text) == 0)
            return true;
    return false;
}

static size_t count_type(struct rig *r, enum mc_event_type type)
{
    struct mc_event ev;
    size_t n = 0;

    for (size_t i = 0; mc_monitor_event(r->m[RX], i, &ev) == 0; i++)
        n += ev.type == type;
    return n;
}

#define W(...) ((const char *const[]){__VA_ARGS__, NULL})

/* check() with three lines in any order. */
static void check_sorted(struct run *t, const char *step, const char *a,
                         const char *b, const char *c)
{
    const char *v[4] = {a, b, c, NULL};

    qsort(v, 3, sizeof v[0], cmp_str);
    check(t, step, v);
}

static void line_of(char *out, const char *h, const char *g, const char *mode,
                    const char *srcs)
{
    snprintf(out, 512, "%s %s %s {%s}", h, g, mode, srcs);
}

static void steps(int family)
{
    struct run t;
    struct member py;
    struct mc_err err;
    char w1[512], w2[512], xy[128];
    bool v4 = family == AF_INET;

    if (!tu_have_prog("tshark") || !tu_have_prog("python3"))
        skip(); /* scripts/deps.sh installs both */
    memset(&t, 0, sizeof t);
    t.family = family;
    t.asm_g = v4 ? "239.1.2.3" : "ff15::123";
    t.ssm_g = v4 ? "232.1.2.3" : "ff3e::123";
    t.x = v4 ? "10.200.0.1" : "fd42::1";
    t.y = v4 ? "10.200.0.2" : "fd42::2";
    snprintf(xy, sizeof xy, "%s,%s", t.x, t.y);
    snprintf(t.path, sizeof t.path, "/tmp/mcscope-listeners-%d.pcap",
             (int)getpid());
    host_addrs("RX", family, &t.rx);
    report_src("S1", family, t.h1);
    report_src("S2", family, t.h2);
    report_src("RX", family, t.rxh);
    rig_open(&t.r, lab, family);
    lab_ok(mc_monitor_write_pcap(t.r.m[RX], t.path, &err), &err, "write pcap");
    RIG_OK(&t.r, RX, "listeners on dev lab0");
    RIG_OK(&t.r, RX, "on-listener %s first echo first listener of asm",
           t.asm_g);
    RIG_OK(&t.r, RX, "on-listener %s last echo ssm lost its last listener",
           t.ssm_g);
    assert_true(mc_monitor_listeners_on(t.r.m[RX]));
    assert_int_equal(mc_monitor_nhooks(t.r.m[RX]), 2);
    member_start(&py, "S1", family);

    member_do(&py, "join %s", t.asm_g);
    line_of(w1, t.h1, t.asm_g, "exclude", "");
    check(&t, "S1 (member.py) joins", W(w1));
    assert_true(logged_echo(&t.r, "first listener of asm"));

    member_do(&py, "block %s %s", t.asm_g, t.x);
    line_of(w1, t.h1, t.asm_g, "exclude", t.x);
    check(&t, "S1 blocks a source", W(w1));

    RIG_OK(&t.r, S2, "join-source %s %s dev lab0", t.ssm_g, t.x);
    line_of(w2, t.h2, t.ssm_g, "include", t.x);
    /* sorted as strcmp: both lines of one family start alike */
    if (strcmp(w1, w2) < 0)
        check(&t, "S2 (mcscope) joins a source", W(w1, w2));
    else
        check(&t, "S2 (mcscope) joins a source", W(w2, w1));

    RIG_OK(&t.r, S2, "join-source %s %s dev lab0", t.ssm_g, t.y);
    line_of(w2, t.h2, t.ssm_g, "include", xy);
    if (strcmp(w1, w2) < 0)
        check(&t, "S2 joins a second source", W(w1, w2));
    else
        check(&t, "S2 joins a second source", W(w2, w1));

    RIG_OK(&t.r, S2, "leave-source %s %s dev lab0", t.ssm_g, t.x);
    member_do(&py, "unblock %s %s", t.asm_g, t.x);
    line_of(w1, t.h1, t.asm_g, "exclude", "");
    line_of(w2, t.h2, t.ssm_g, "include", t.y);
    if (strcmp(w1, w2) < 0)
        check(&t, "S2 leaves a source, S1 unblocks", W(w1, w2));
    else
        check(&t, "S2 leaves a source, S1 unblocks", W(w2, w1));
    assert_false(logged_echo(&t.r, "ssm lost its last listener"));

    /* RX itself joins: its own reports count, marked own */
    RIG_OK(&t.r, RX, "join %s dev lab0", t.asm_g);
    line_of(w2, t.rxh, t.asm_g, "exclude", "");
    {
        char w3[512];

        line_of(w3, t.h2, t.ssm_g, "include", t.y);
        check_sorted(&t, "RX joins as well", w1, w2, w3);
    }
    RIG_OK(&t.r, RX, "leave %s dev lab0", t.asm_g);
    member_do(&py, "leave %s", t.asm_g);
    RIG_OK(&t.r, S2, "leave-source %s %s dev lab0", t.ssm_g, t.y);
    check(&t, "both leave", (const char *const[]){NULL});
    assert_true(logged_echo(&t.r, "ssm lost its last listener"));
    assert_int_equal(count_type(&t.r, MC_ET_LISTENER_JOIN) >= 2, 1);
    assert_true(count_type(&t.r, MC_ET_LISTENER_FILTER) >= 4);
    assert_true(count_type(&t.r, MC_ET_LISTENER_LEAVE) >= 2);

    /* listeners off forgets the table */
    RIG_OK(&t.r, RX, "listeners off");
    assert_false(mc_monitor_listeners_on(t.r.m[RX]));
    assert_int_equal(mc_monitor_nlisteners(t.r.m[RX]), 0);
    member_stop(&py);
    rig_close(&t.r);
    unlink(t.path);
}

LAB_BOTH_FAMILIES(steps, AF_INET6, AF_INET)

/* ---- a flood of fake reports: the table stops at its cap ---- */

static void test_flood(void **state)
{
    struct rig r;
    struct mc_listeners_counters c;
    unsigned ifindex = lab_ifindex(lab, "S2", "lab0");
    const unsigned total = 3000;

    (void)state;
    rig_open(&r, lab, AF_INET);
    RIG_OK(&r, RX, "listeners on dev lab0");
    lab_enter(lab, "S2");
    for (unsigned i = 0; i < total; i++) {
        uint8_t m[8] = {
            0x16, 0, 0, 0, 239, 100, (uint8_t)(i >> 8), (uint8_t)(i & 0xff)};
        char dst[32];

        snprintf(dst, sizeof dst, "239.100.%u.%u", i >> 8, i & 0xff);
        rawigmp_checksum(m, sizeof m);
        rawigmp_send(ifindex, dst, m, sizeof m);
        if (i % 200 == 199) {
            lab_leave(lab);
            rig_pump_ms(&r, 20); /* let the capture keep up */
            lab_enter(lab, "S2");
        }
    }
    lab_leave(lab);
    rig_pump_ms(&r, 500);
    mc_listeners_counters(mc_monitor_listeners(r.m[RX]), &c);
    print_message("  %u fake reports: %zu entries, %llu dropped, %llu "
                  "reports\n",
                  total, mc_monitor_nlisteners(r.m[RX]),
                  (unsigned long long)c.dropped, (unsigned long long)c.reports);
    assert_int_equal(mc_monitor_nlisteners(r.m[RX]), MC_LISTENERS_MAX_DEFAULT);
    assert_int_equal(c.dropped, c.reports - MC_LISTENERS_MAX_DEFAULT);
    assert_true(c.reports > MC_LISTENERS_MAX_DEFAULT);
    rig_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(steps_v6, lab_leave_teardown),
        cmocka_unit_test_teardown(steps_v4, lab_leave_teardown),
        cmocka_unit_test_teardown(test_flood, lab_leave_teardown),
    };
    int rc;

    lab = lab_create(false);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
