/*
 * Integration: what the kernel holds matches what was joined.  In RX, a
 * listener L and a plain socket B join groups in ASM, include and exclude
 * mode; /proc/net/igmp{,6} (mc_kstate_read_groups) must list each group on
 * lab0 with the right number of users, /proc/net/mcfilter{,6}
 * (mc_kstate_read_sources) the per-source INC/EXC counts, and the sockets'
 * own filters (mc_listener_filter, mc_filter_get) the mode and sources.
 * After unblocking, leaving a source and leaving, the rows are gone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include "lab.h"
#include "mcscope/kstate.h"
#include "mcscope/member.h"
#include "mcscope/sock.h"

static struct lab *lab;

struct fam {
    int family;
    /* g1 ASM (L, B); g2 include (L {S1}, B {S1, S2}); g3 exclude (L {S2});
     * g4 exclude (B {S1}) */
    const char *group[4];
    uint16_t port;
};

static const struct fam v6 = {
    AF_INET6, {"ff15::9:1", "ff3e::9:2", "ff15::9:3", "ff15::9:4"}, 5801};
static const struct fam v4 = {
    AF_INET, {"239.9.0.1", "232.9.0.2", "239.9.0.3", "239.9.0.4"}, 5802};

/* Everything one run needs; the checks below read it. */
struct ks {
    int family;
    unsigned ifindex; /* RX lab0 */
    struct mc_addr g[4], s1, s2;
    struct mc_listener *l;
    int b;
};

static const char *fmt(const struct mc_addr *a, char *buf)
{
    return mc_addr_format(a, buf, MC_ADDR_STRLEN);
}

/* /proc/net/igmp{,6}: group on lab0 with users sockets (0: absent). */
static void expect_group(const struct ks *k, int gi, unsigned users)
{
    struct mc_kgroups rows = {0};
    const struct mc_kgroup *row;
    struct mc_err err;
    char a[MC_ADDR_STRLEN];

    lab_ok(mc_kstate_read_groups(k->family, &rows, &err), &err,
           "mc_kstate_read_groups");
    row = mc_kgroups_find(&rows, k->ifindex, &k->g[gi]);
    if (users == 0 && row != NULL)
        fail_msg("%s still listed on lab0 (users %u)", fmt(&k->g[gi], a),
                 row->users);
    if (users != 0 && row == NULL)
        fail_msg("%s not listed on lab0 (ifindex %u; %zu rows read)",
                 fmt(&k->g[gi], a), k->ifindex, rows.n);
    if (row != NULL && (row->users != users || strcmp(row->ifname, "lab0")))
        fail_msg("%s: users %u on \"%s\", want %u on lab0", fmt(&k->g[gi], a),
                 row->users, row->ifname, users);
    mc_kgroups_free(&rows);
}

/* /proc/net/mcfilter{,6}: (group, source) on lab0 with INC/EXC counts
 * (both 0: no row). */
static void expect_source(const struct ks *k, int gi, const struct mc_addr *src,
                          unsigned inc, unsigned exc)
{
    struct mc_ksources rows = {0};
    const struct mc_ksource *row = NULL;
    struct mc_err err;
    char a[MC_ADDR_STRLEN], b[MC_ADDR_STRLEN];

    lab_ok(mc_kstate_read_sources(k->family, &rows, &err), &err,
           "mc_kstate_read_sources");
    for (size_t i = 0; i < rows.n; i++) {
        const struct mc_ksource *r = &rows.v[i];

        if (r->ifindex == k->ifindex && mc_addr_equal(&r->group, &k->g[gi]) &&
            mc_addr_equal(&r->source, src)) {
            if (row != NULL)
                fail_msg("(%s, %s) listed twice", fmt(&k->g[gi], a),
                         fmt(src, b));
            row = r;
        }
    }
    if (row == NULL && (inc || exc))
        fail_msg("(%s, %s) not listed on lab0; want INC %u EXC %u "
                 "(%zu rows read)",
                 fmt(&k->g[gi], a), fmt(src, b), inc, exc, rows.n);
    if (row != NULL && (row->inc != inc || row->exc != exc))
        fail_msg("(%s, %s): INC %u EXC %u, want INC %u EXC %u",
                 fmt(&k->g[gi], a), fmt(src, b), row->inc, row->exc, inc, exc);
    mc_ksources_free(&rows);
}

/* No mcfilter rows at all for group gi (ASM groups have none). */
static void expect_no_sources(const struct ks *k, int gi)
{
    struct mc_ksources rows = {0};
    struct mc_err err;
    char a[MC_ADDR_STRLEN];

    lab_ok(mc_kstate_read_sources(k->family, &rows, &err), &err,
           "mc_kstate_read_sources");
    for (size_t i = 0; i < rows.n; i++)
        if (mc_addr_equal(&rows.v[i].group, &k->g[gi]))
            fail_msg("%s has a source row, want none", fmt(&k->g[gi], a));
    mc_ksources_free(&rows);
}

static void check_filter(const char *who, const struct ks *k, int gi,
                         const struct mc_filter *f, enum mc_filter_mode mode,
                         const struct mc_addr *src, size_t n)
{
    char a[MC_ADDR_STRLEN], b[MC_ADDR_STRLEN];

    if (f->mode != mode || f->nsources != n)
        fail_msg("%s filter for %s: %s with %zu sources, want %s with %zu", who,
                 fmt(&k->g[gi], a), mc_filter_mode_name(f->mode), f->nsources,
                 mc_filter_mode_name(mode), n);
    for (size_t i = 0; i < n; i++) {
        bool found = false;

        for (size_t j = 0; j < f->nsources && j < f->cap; j++)
            found |= mc_addr_equal(&f->sources[j], &src[i]);
        if (!found)
            fail_msg("%s filter for %s lacks source %s", who, fmt(&k->g[gi], a),
                     fmt(&src[i], b));
    }
}

/* L's filter (mc_listener_filter) for group gi. */
static void expect_l(const struct ks *k, int gi, enum mc_filter_mode mode,
                     const struct mc_addr *src, size_t n)
{
    struct mc_filter f;
    struct mc_err err;

    memset(&f, 0, sizeof f);
    lab_ok(mc_listener_filter(k->l, k->ifindex, &k->g[gi], &f, &err), &err,
           "mc_listener_filter");
    check_filter("listener", k, gi, &f, mode, src, n);
    mc_filter_free(&f);
}

/* B's filter (mc_filter_get) for group gi. */
static void expect_b(const struct ks *k, int gi, enum mc_filter_mode mode,
                     const struct mc_addr *src, size_t n)
{
    struct mc_filter f;
    struct mc_err err;

    memset(&f, 0, sizeof f);
    lab_ok(mc_filter_get(k->b, k->ifindex, &k->g[gi], &f, &err), &err,
           "mc_filter_get");
    check_filter("socket", k, gi, &f, mode, src, n);
    mc_filter_free(&f);
}

static void l_apply(struct ks *k, enum mc_member_op op, int gi,
                    const struct mc_addr *src)
{
    struct mc_err err;
    char what[96], a[MC_ADDR_STRLEN];

    snprintf(what, sizeof what, "listener %s %s", mc_member_op_name(op),
             fmt(&k->g[gi], a));
    lab_ok(mc_listener_apply(k->l, op, k->ifindex, &k->g[gi], src, &err), &err,
           what);
}

static void b_apply(struct ks *k, enum mc_member_op op, int gi,
                    const struct mc_addr *src)
{
    struct mc_err err;
    char what[96], a[MC_ADDR_STRLEN];

    snprintf(what, sizeof what, "socket %s %s", mc_member_op_name(op),
             fmt(&k->g[gi], a));
    lab_ok(mc_member_apply(k->b, op, k->ifindex, &k->g[gi], src, &err), &err,
           what);
}

static void setup(struct ks *k, const struct fam *f)
{
    struct mc_listener_opts o = {.family = f->family, .port = f->port};
    struct mc_err err;

    memset(k, 0, sizeof *k);
    k->family = f->family;
    for (int i = 0; i < 4; i++)
        k->g[i] = tu_addr(f->group[i]);
    lab_host_addr("S1", f->family, 0, &k->s1);
    lab_host_addr("S2", f->family, 0, &k->s2);
    k->ifindex = lab_ifindex(lab, "RX", "lab0");
    k->b = lab_receiver(lab, "RX", f->family, f->port, 0);
    lab_enter(lab, "RX"); /* sockets, /proc/net: all in RX from here */
    lab_ok(mc_listener_new(&o, &k->l, &err), &err, "mc_listener_new");
}

/* Joined: L g1 ASM, g2 {S1}, g3 EXC {S2}; B g1 ASM, g2 {S1,S2}, g4 EXC{S1}*/
static void join_all(struct ks *k)
{
    l_apply(k, MC_OP_JOIN, 0, NULL);
    l_apply(k, MC_OP_JOIN_SOURCE, 1, &k->s1);
    l_apply(k, MC_OP_JOIN, 2, NULL);
    l_apply(k, MC_OP_EXCLUDE_SOURCE, 2, &k->s2);
    b_apply(k, MC_OP_JOIN, 0, NULL);
    b_apply(k, MC_OP_JOIN_SOURCE, 1, &k->s1);
    b_apply(k, MC_OP_JOIN_SOURCE, 1, &k->s2);
    b_apply(k, MC_OP_JOIN, 3, NULL);
    b_apply(k, MC_OP_EXCLUDE_SOURCE, 3, &k->s1);
}

static void check_joined(const struct ks *k)
{
    const struct mc_addr both[2] = {k->s1, k->s2};

    expect_group(k, 0, 2);
    expect_group(k, 1, 2);
    expect_group(k, 2, 1);
    expect_group(k, 3, 1);
    expect_no_sources(k, 0);
    expect_source(k, 1, &k->s1, 2, 0);
    expect_source(k, 1, &k->s2, 1, 0);
    expect_source(k, 2, &k->s2, 0, 1);
    expect_source(k, 2, &k->s1, 0, 0);
    expect_source(k, 3, &k->s1, 0, 1);

    expect_l(k, 0, MC_MODE_ASM, NULL, 0);
    expect_l(k, 1, MC_MODE_INCLUDE, &k->s1, 1);
    expect_l(k, 2, MC_MODE_EXCLUDE, &k->s2, 1);
    expect_l(k, 3, MC_MODE_NONE, NULL, 0);
    expect_b(k, 0, MC_MODE_ASM, NULL, 0);
    expect_b(k, 1, MC_MODE_INCLUDE, both, 2);
    expect_b(k, 2, MC_MODE_NONE, NULL, 0);
    expect_b(k, 3, MC_MODE_EXCLUDE, &k->s1, 1);
}

/* Unblock S2 on L's g3 and drop S2 from B's g2. */
static void change_sources(struct ks *k)
{
    l_apply(k, MC_OP_INCLUDE_SOURCE, 2, &k->s2);
    b_apply(k, MC_OP_LEAVE_SOURCE, 1, &k->s2);

    expect_l(k, 2, MC_MODE_ASM, NULL, 0);
    expect_group(k, 2, 1);
    expect_no_sources(k, 2);
    expect_b(k, 1, MC_MODE_INCLUDE, &k->s1, 1);
    expect_group(k, 1, 2);
    expect_source(k, 1, &k->s1, 2, 0);
    expect_source(k, 1, &k->s2, 0, 0);
}

static void leave_all(struct ks *k)
{
    l_apply(k, MC_OP_LEAVE, 0, NULL);
    expect_group(k, 0, 1);
    expect_l(k, 0, MC_MODE_NONE, NULL, 0);
    expect_b(k, 0, MC_MODE_ASM, NULL, 0);
    b_apply(k, MC_OP_LEAVE, 0, NULL);
    l_apply(k, MC_OP_LEAVE, 1, NULL);
    b_apply(k, MC_OP_LEAVE, 1, NULL);
    l_apply(k, MC_OP_LEAVE, 2, NULL);
    b_apply(k, MC_OP_LEAVE, 3, NULL);
    for (int gi = 0; gi < 4; gi++) {
        expect_group(k, gi, 0);
        expect_no_sources(k, gi);
        expect_l(k, gi, MC_MODE_NONE, NULL, 0);
        expect_b(k, gi, MC_MODE_NONE, NULL, 0);
    }
    assert_int_equal(mc_listener_ngroups(k->l), 0);
}

static void kstate_live(const struct fam *f)
{
    struct ks k;

    setup(&k, f);
    for (int gi = 0; gi < 4; gi++)
        expect_group(&k, gi, 0); /* nothing before the joins */
    join_all(&k);
    check_joined(&k);
    change_sources(&k);
    leave_all(&k);
    lab_leave(lab);
    mc_listener_free(k.l);
    close(k.b);
}

LAB_BOTH_FAMILIES(kstate_live, &v6, &v4)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(kstate_live_v6, lab_leave_teardown),
        cmocka_unit_test_teardown(kstate_live_v4, lab_leave_teardown),
    };
    int rc;

    lab = lab_create(false);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
