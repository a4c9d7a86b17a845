/*
 * Unit tests for core/member against the real kernel, in a private network
 * namespace where lo is up with IFF_MULTICAST and routes for 224/4 and
 * ff00::/8 (tests/lib/testns).  Every misuse row of SOCKET-API.md §2.2 is
 * performed for both families and the exact errno and the words of the
 * explanation are checked; then the filter read-back, the refusals made
 * before the kernel is asked, and the listener that spreads groups over
 * sockets, cross-checked with /proc/net.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "mcscope/cmsg.h"
#include "mcscope/kstate.h"
#include "mcscope/member.h"
#include "mcscope/sock.h"
#include "testns.h"

static unsigned lo;

/* ---- helpers ---- */

static struct mc_addr addr(const char *text)
{
    struct mc_addr a;

    memset(&a, 0, sizeof a);
    if (inet_pton(AF_INET, text, &a.u.v4) == 1) {
        a.family = AF_INET;
        return a;
    }
    if (inet_pton(AF_INET6, text, &a.u.v6) != 1)
        fail_msg("bad address in test: %s", text);
    a.family = AF_INET6;
    return a;
}

static const char *fmt(const struct mc_addr *a, char *buf)
{
    return inet_ntop(a->family, &a->u, buf, INET6_ADDRSTRLEN);
}

/* Addresses of one family for the tests. */
struct fam {
    int family;
    const char *name;
    const char *asm_fmt; /* printf pattern of an ASM group, %u: 1..255 */
    const char *ssm_fmt; /* of an SSM group */
    const char *src_fmt; /* of a unicast source */
    const char *unicast; /* not a group */
};

static const struct fam fams[] = {
    {AF_INET, "IPv4", "239.1.1.%u", "232.1.1.%u", "10.0.0.%u", "10.0.0.1"},
    {AF_INET6, "IPv6", "ff15::1:%x", "ff3e::1:%x", "fd00::%x", "fd00::1"},
};

static struct mc_addr mk(const char *pattern, unsigned n)
{
    char text[64];

    snprintf(text, sizeof text, pattern, n);
    return addr(text);
}

static int udp_socket(int family)
{
    int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    return fd;
}

/*
 * Expand %G (group), %S (source), %I (lo's name) in a keyword and check
 * that the message contains it.
 */
static void assert_words(const char *msg, const char *const *words,
                         const char *g, const char *s, const char *what)
{
    char want[256], ifn[IF_NAMESIZE];
    size_t i, o;

    if_indextoname(lo, ifn);
    for (; *words != NULL; words++) {
        o = 0;
        for (i = 0; (*words)[i] != '\0' && o + 64 < sizeof want; i++) {
            const char *rep = NULL;

            if ((*words)[i] == '%' && (*words)[i + 1] == '%') {
                want[o++] = '%';
                i++;
                continue;
            }
            if ((*words)[i] == '%' && (*words)[i + 1] == 'G')
                rep = g;
            else if ((*words)[i] == '%' && (*words)[i + 1] == 'S')
                rep = s;
            else if ((*words)[i] == '%' && (*words)[i + 1] == 'I')
                rep = ifn;
            if (rep != NULL) {
                o += (size_t)snprintf(want + o, sizeof want - o, "%s", rep);
                i++;
            } else {
                want[o++] = (*words)[i];
            }
        }
        want[o] = '\0';
        if (strstr(msg, want) == NULL)
            fail_msg("%s: text \"%s\" lacks \"%s\"", what, msg, want);
    }
}

static enum mc_filter_mode mode_of(int fd, unsigned ifindex,
                                   const struct mc_addr *g)
{
    struct mc_filter f;
    struct mc_err err;

    assert_int_equal(mc_filter_get(fd, ifindex, g, &f, &err), 0);
    mc_filter_free(&f);
    return f.mode;
}

/* ---- the §2.2 table ---- */

/* A source number (1 or 2); 0: none. */
struct step {
    enum mc_member_op op;
    int src;
};

struct row {
    const char *name;
    bool ssm; /* use an SSM group (232/8, ff3e::) */
    struct step setup[3];
    int nsetup;
    struct step misuse;
    int err; /* errno expected (positive), 0 for success */
    enum mc_filter_mode mode_after;
    const char *words[5]; /* %G group, %S misuse source, %I interface */
};

/* clang-format off */
#define J()   {MC_OP_JOIN, 0}
#define LV()  {MC_OP_LEAVE, 0}
#define JS(s) {MC_OP_JOIN_SOURCE, s}
#define LS(s) {MC_OP_LEAVE_SOURCE, s}
#define BL(s) {MC_OP_EXCLUDE_SOURCE, s}
#define UB(s) {MC_OP_INCLUDE_SOURCE, s}
#define NONE  MC_MODE_NONE
#define ASM   MC_MODE_ASM
#define INC   MC_MODE_INCLUDE
#define EXC   MC_MODE_EXCLUDE

static const struct row rows[] = {
    {"join the same (group, ifindex) twice",
     false, {J()}, 1, J(), EADDRINUSE, ASM,
     {"%G on %I is already joined on this socket",
      "leave it first (leave %G dev %I)"}},
    {"leave a group never joined",
     false, {{0}}, 0, LV(), EADDRNOTAVAIL, NONE,
     {"%G is not joined on %I", "nothing to leave"}},
    {"exclude-source with no prior join",
     false, {{0}}, 0, BL(1), EINVAL, NONE,
     {"exclude-source needs the group joined first",
      "join %G dev %I, then exclude-source"}},
    {"include-source with no prior join",
     false, {{0}}, 0, UB(1), EINVAL, NONE,
     {"include-source needs the group joined first",
      "join %G dev %I, then exclude-source"}},
    {"leave-source with no prior join",
     true, {{0}}, 0, LS(1), EINVAL, NONE,
     {"leave-source needs the group joined first",
      "join-source %G %S dev %I"}},
    {"include-source of a source not excluded",
     false, {J(), BL(1)}, 2, UB(2), EADDRNOTAVAIL, EXC,
     {"%S is not excluded from %G on %I", "exclude-source %G %S dev %I"}},
    {"leave-source of a source not in the include list",
     true, {JS(1)}, 1, LS(2), EADDRNOTAVAIL, INC,
     {"%S is not in the include list of %G on %I"}},
    {"exclude-source the same source twice",
     false, {J(), BL(1)}, 2, BL(1), EADDRNOTAVAIL, EXC,
     {"%S is already excluded from %G", "include-source %G %S dev %I"}},
    {"join-source the same (S,G) twice",
     true, {JS(1)}, 1, JS(1), EADDRNOTAVAIL, INC,
     {"%S is already in the include list of %G",
      "leave-source %G %S dev %I"}},
    {"exclude-source while in INCLUDE mode",
     false, {JS(1)}, 1, BL(2), EINVAL, INC,
     {"mode conflict", "%G is in INCLUDE mode (join-source)",
      "leave %G dev %I, join %G dev %I, then exclude-source"}},
    {"exclude-source while in INCLUDE mode, SSM group",
     true, {JS(1)}, 1, BL(2), EINVAL, INC,
     {"mode conflict", "INCLUDE mode", "RFC 4607", "leave-source %G"}},
    {"include-source while in INCLUDE mode",
     false, {JS(1)}, 1, UB(1), EINVAL, INC,
     {"mode conflict", "INCLUDE mode", "join-source %G %S dev %I"}},
    {"join-source while in EXCLUDE{S}",
     false, {J(), BL(1)}, 2, JS(2), EINVAL, EXC,
     {"mode conflict", "%G on %I is in EXCLUDE mode",
      "leave %G dev %I, then join-source %G %S dev %I"}},
    {"join after join-source",
     false, {JS(1)}, 1, J(), EADDRINUSE, INC,
     {"%G on %I is in INCLUDE mode", "leave %G dev %I, then join %G dev %I"}},
    {"join-source after a plain join switches to INCLUDE{S}",
     false, {J()}, 1, JS(1), 0, INC, {NULL}},
    {"join-source after exclude-source then include-source",
     false, {J(), BL(1), UB(1)}, 3, JS(2), EINVAL, ASM,
     {"mode conflict", "exclude mode",
      "leave %G dev %I, then join-source %G %S dev %I"}},
    {"leave-source of the last include source leaves the group",
     true, {JS(1)}, 1, LS(1), 0, NONE, {NULL}},
    {"leave after the last include source was left",
     true, {JS(1), LS(1)}, 2, LV(), EADDRNOTAVAIL, NONE,
     {"%G is not joined on %I", "leave-source"}},
    {"leave in INCLUDE mode",
     false, {JS(1), JS(2)}, 2, LV(), 0, NONE, {NULL}},
    {"leave in EXCLUDE mode",
     false, {J(), BL(1)}, 2, LV(), 0, NONE, {NULL}},
    /*
     * Not in the table: the kernel answers EADDRNOTAVAIL but first switches
     * the group to INCLUDE{} (it stays joined and receives nothing);
     * mc_member_apply refuses it beforehand, so the mode stays ASM.
     */
    {"leave-source in ASM mode (refused before the kernel)",
     false, {J()}, 1, LS(1), EADDRNOTAVAIL, ASM,
     {"%G on %I is in ASM mode", "exclude-source %G %S dev %I",
      "leave %G dev %I"}},
};
/* clang-format on */

static void run_row(const struct fam *f, const struct row *r, unsigned n)
{
    struct mc_addr g = mk(r->ssm ? f->ssm_fmt : f->asm_fmt, n);
    struct mc_addr src[3] = {{0}, mk(f->src_fmt, 1), mk(f->src_fmt, 2)};
    char gt[INET6_ADDRSTRLEN], st[INET6_ADDRSTRLEN], what[160];
    const struct step *m = &r->misuse;
    struct mc_err err;
    int fd = udp_socket(f->family), i, rc;

    snprintf(what, sizeof what, "%s: %s", f->name, r->name);
    for (i = 0; i < r->nsetup; i++) {
        const struct step *s = &r->setup[i];

        rc = mc_member_apply(fd, s->op, lo, &g, s->src ? &src[s->src] : NULL,
                             &err);
        if (rc != 0)
            fail_msg("%s: setup step %d: %s", what, i, err.msg);
    }
    rc = mc_member_apply(fd, m->op, lo, &g, m->src ? &src[m->src] : NULL, &err);
    if (rc != -r->err)
        fail_msg("%s: got %d (%s), want -%s", what, rc, err.msg,
                 mc_errno_name(r->err));
    assert_int_equal(err.code, rc);
    if (r->err == 0)
        assert_string_equal(err.msg, "");
    assert_words(err.msg, r->words, fmt(&g, gt),
                 m->src ? fmt(&src[m->src], st) : "", what);
    if (mode_of(fd, lo, &g) != r->mode_after)
        fail_msg("%s: mode %s after, want %s", what,
                 mc_filter_mode_name(mode_of(fd, lo, &g)),
                 mc_filter_mode_name(r->mode_after));
    close(fd);
}

static void test_errno_table(void **state)
{
    size_t i, k;

    (void)state;
    for (k = 0; k < 2; k++)
        for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
            run_row(&fams[k], &rows[i], (unsigned)i + 1);
}

/* ---- rows the core refuses first: check the kernel itself ---- */

static int raw_group_req(int fd, int level, unsigned ifindex,
                         const struct mc_addr *g, socklen_t len)
{
    struct group_req gr;

    memset(&gr, 0, sizeof gr);
    gr.gr_interface = ifindex;
    mc_addr_to_sockaddr(g, 0, 0, &gr.gr_group);
    return setsockopt(fd, level, MCAST_JOIN_GROUP, &gr, len) < 0 ? errno : 0;
}

static void test_kernel_rows(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < 2; k++) {
        const struct fam *f = &fams[k];
        const struct fam *other = &fams[1 - k];
        int level = f->family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
        int fd = udp_socket(f->family);
        struct mc_addr g = mk(f->asm_fmt, 200);
        struct mc_addr uni = addr(f->unicast);
        struct mc_addr wrong = mk(other->asm_fmt, 200);
        char gt[INET6_ADDRSTRLEN];
        struct mc_err err;

        /* Not multicast: EINVAL. */
        assert_int_equal(
            raw_group_req(fd, level, lo, &uni, sizeof(struct group_req)),
            EINVAL);
        /* gr_group of the other family: IPv6 EADDRNOTAVAIL, IPv4 EINVAL. */
        assert_int_equal(
            raw_group_req(fd, level, lo, &wrong, sizeof(struct group_req)),
            f->family == AF_INET6 ? EADDRNOTAVAIL : EINVAL);
        /* optlen short of sizeof(group_req): EINVAL. */
        assert_int_equal(
            raw_group_req(fd, level, lo, &g, sizeof(struct group_req) - 1),
            EINVAL);
        /* The texts for what the kernel said. */
        mc_member_explain(f->family == AF_INET6 ? EADDRNOTAVAIL : EINVAL,
                          MC_OP_JOIN, lo, &wrong, NULL, MC_MODE_NONE, &err);
        assert_non_null(strstr(err.msg, "family"));
        mc_member_explain(EINVAL, MC_OP_JOIN, lo, &g, NULL, MC_MODE_NONE, &err);
        assert_non_null(strstr(err.msg, fmt(&g, gt)));
        assert_non_null(strstr(err.msg, "malformed"));
        assert_non_null(strstr(err.msg, "family"));
        close(fd);
    }
}

/* MCAST_MSFILTER set: INCLUDE{} is a leave, a bad fmode EINVAL, too many
 * sources ENOBUFS. */
static int set_msfilter(int fd, int level, const struct mc_addr *g,
                        uint32_t fmode, const char *src_fmt, unsigned n)
{
    size_t size = GROUP_FILTER_SIZE(n);
    struct group_filter *gf = calloc(1, size < sizeof *gf ? sizeof *gf : size);
    struct sockaddr_storage *slist = gf->gf_slist;
    unsigned i;
    int rc;

    gf->gf_interface = lo;
    mc_addr_to_sockaddr(g, 0, 0, &gf->gf_group);
    gf->gf_fmode = fmode;
    gf->gf_numsrc = n;
    for (i = 0; i < n; i++) {
        struct mc_addr s = mk(src_fmt, i + 1);

        mc_addr_to_sockaddr(&s, 0, 0, &slist[i]);
    }
    rc = setsockopt(fd, level, MCAST_MSFILTER, gf, (socklen_t)size);
    free(gf);
    return rc < 0 ? errno : 0;
}

static void test_kernel_msfilter_rows(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < 2; k++) {
        const struct fam *f = &fams[k];
        int level = f->family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
        int fd = udp_socket(f->family);
        struct mc_addr g = mk(f->asm_fmt, 201);
        long max = f->family == AF_INET ? 10 : 64;
        struct mc_filter flt;
        struct mc_err err;

        assert_int_equal(mc_join_group(fd, lo, &g, &err), 0);
        assert_int_equal(
            set_msfilter(fd, level, &g, MCAST_EXCLUDE, f->src_fmt, 2), 0);
        assert_int_equal(mc_filter_get(fd, lo, &g, &flt, &err), 0);
        assert_int_equal(flt.mode, MC_MODE_EXCLUDE);
        assert_int_equal(flt.nsources, 2);
        mc_filter_free(&flt);
        assert_int_equal(set_msfilter(fd, level, &g, 7, f->src_fmt, 1), EINVAL);
        assert_int_equal(set_msfilter(fd, level, &g, MCAST_EXCLUDE, f->src_fmt,
                                      (unsigned)max + 1),
                         ENOBUFS);
        assert_int_equal(
            set_msfilter(fd, level, &g, MCAST_INCLUDE, f->src_fmt, 0), 0);
        assert_int_equal(mode_of(fd, lo, &g), MC_MODE_NONE);
        assert_int_equal(mc_leave_group(fd, lo, &g, &err), -EADDRNOTAVAIL);
        close(fd);
    }
}

/* ENODEV: an unknown ifindex, and ifindex 0 with no route. */
static void test_enodev(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < 2; k++) {
        const struct fam *f = &fams[k];
        int fd = udp_socket(f->family);
        struct mc_addr g = mk(f->asm_fmt, 202), s = mk(f->src_fmt, 1);
        const char *words[] = {"no interface with index 9999",
                               "name an existing interface", NULL};
        const char *words0[] = {"no route for %G", "name an interface",
                                "%G%%IFACE", NULL};
        struct mc_err err;
        char gt[INET6_ADDRSTRLEN];

        assert_int_equal(mc_join_group(fd, 9999, &g, &err), -ENODEV);
        assert_words(err.msg, words, fmt(&g, gt), "", f->name);
        assert_int_equal(mc_exclude_source(fd, 9999, &g, &s, &err), -ENODEV);
        assert_int_equal(mc_join_source_group(fd, 9999, &g, &s, &err), -ENODEV);
        /* Leave looks the membership up without the device: the kernel
         * says EADDRNOTAVAIL, not ENODEV. */
        assert_int_equal(mc_leave_group(fd, 9999, &g, &err), -EADDRNOTAVAIL);

        /* With the route, ifindex 0 works... */
        assert_int_equal(mc_join_group(fd, 0, &g, &err), 0);
        assert_int_equal(mode_of(fd, 0, &g), MC_MODE_ASM);
        assert_int_equal(mode_of(fd, lo, &g), MC_MODE_ASM);
        assert_int_equal(mc_leave_group(fd, 0, &g, &err), 0);
        /* ...without it the kernel cannot choose. */
        assert_int_equal(system(f->family == AF_INET
                                    ? "ip route del 224.0.0.0/4 dev lo"
                                    : "ip -6 route del ff00::/8 dev lo "
                                      "table local"),
                         0);
        assert_int_equal(mc_join_group(fd, 0, &g, &err), -ENODEV);
        assert_words(err.msg, words0, fmt(&g, gt), "", f->name);
        assert_int_equal(system(f->family == AF_INET
                                    ? "ip route add 224.0.0.0/4 dev lo"
                                    : "ip -6 route add ff00::/8 dev lo "
                                      "table local"),
                         0);
        close(fd);
    }
}

/* ---- limits ---- */

static void test_group_limit_ipv4(void **state)
{
    int fd = udp_socket(AF_INET);
    const char *words[] = {"net.ipv4.igmp_max_memberships = 20", "sockets",
                           "239.1.2.21", NULL};
    struct mc_err err;
    unsigned i;

    (void)state;
    for (i = 1; i <= 20; i++) {
        struct mc_addr g = mk("239.1.2.%u", i);

        assert_int_equal(mc_join_group(fd, lo, &g, &err), 0);
    }
    {
        struct mc_addr g = mk("239.1.2.%u", 21);
        struct mc_addr s = mk("10.0.0.%u", 1);

        assert_int_equal(mc_join_group(fd, lo, &g, &err), -ENOBUFS);
        assert_words(err.msg, words, "", "", "21st group");
        /* A join-source of a new group fails in its join step. */
        assert_int_equal(mc_join_source_group(fd, lo, &g, &s, &err), -ENOBUFS);
        assert_non_null(strstr(err.msg, "igmp_max_memberships"));
    }
    close(fd);
}

/* IPv6 has no group count: each membership is charged against optmem. */
static void test_group_limit_ipv6(void **state)
{
    int fd = udp_socket(AF_INET6);
    struct mc_err err;
    unsigned i;
    int rc = 0;

    (void)state;
    for (i = 1; i <= 20000 && rc == 0; i++) {
        struct mc_addr g = mk("ff15::3:%x", i);

        rc = mc_join_group(fd, lo, &g, &err);
    }
    assert_int_equal(rc, -ENOMEM);
    assert_true(i > 100);
    assert_non_null(strstr(err.msg, "net.core.optmem_max"));
    assert_non_null(strstr(err.msg, "sockets"));
    close(fd);
}

/* The 11th IPv4 / 65th IPv6 source, in either list. */
static void test_source_limits(void **state)
{
    size_t k;
    int list;

    (void)state;
    for (k = 0; k < 2; k++) {
        const struct fam *f = &fams[k];
        unsigned max = f->family == AF_INET ? 10 : 64;
        const char *sysctl = f->family == AF_INET ? "net.ipv4.igmp_max_msf = 10"
                                                  : "net.ipv6.mld_max_msf";

        for (list = 0; list < 2; list++) {
            enum mc_member_op op =
                list == 0 ? MC_OP_EXCLUDE_SOURCE : MC_OP_JOIN_SOURCE;
            int fd = udp_socket(f->family);
            struct mc_addr g = mk(f->asm_fmt, 203);
            struct mc_filter flt;
            struct mc_err err;
            unsigned i;

            if (list == 0)
                assert_int_equal(mc_join_group(fd, lo, &g, &err), 0);
            for (i = 1; i <= max; i++) {
                struct mc_addr s = mk(f->src_fmt, i);

                if (mc_member_apply(fd, op, lo, &g, &s, &err) != 0)
                    fail_msg("%s source %u: %s", f->name, i, err.msg);
            }
            {
                struct mc_addr s = mk(f->src_fmt, max + 1);

                assert_int_equal(mc_member_apply(fd, op, lo, &g, &s, &err),
                                 -ENOBUFS);
            }
            assert_non_null(strstr(err.msg, sysctl));
            assert_non_null(
                strstr(err.msg, list == 0 ? "exclude list" : "include list"));
            if (f->family == AF_INET6)
                /* Global, and not visible inside a namespace. */
                assert_non_null(strstr(err.msg, "initial namespace"));
            /* Read back all of them (more than the first guess). */
            assert_int_equal(mc_filter_get(fd, lo, &g, &flt, &err), 0);
            assert_int_equal(flt.mode,
                             list == 0 ? MC_MODE_EXCLUDE : MC_MODE_INCLUDE);
            assert_int_equal(flt.nsources, max);
            assert_int_equal(flt.cap, max);
            for (i = 1; i <= max; i++) {
                struct mc_addr s = mk(f->src_fmt, i);
                size_t j;
                bool found = false;

                for (j = 0; j < flt.cap; j++)
                    found = found || mc_addr_equal(&flt.sources[j], &s);
                assert_true(found);
            }
            mc_filter_free(&flt);
            assert_null(flt.sources);
            close(fd);
        }
    }
}

/* ---- mode transitions, read back after each step ---- */

static void test_mode_transitions(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < 2; k++) {
        const struct fam *f = &fams[k];
        int fd = udp_socket(f->family);
        struct mc_addr g = mk(f->asm_fmt, 204), h = mk(f->ssm_fmt, 204);
        struct mc_addr s1 = mk(f->src_fmt, 1), s2 = mk(f->src_fmt, 2);
        struct mc_filter flt;
        struct mc_err err;

        assert_int_equal(mode_of(fd, lo, &g), MC_MODE_NONE);
        assert_int_equal(mc_join_group(fd, lo, &g, &err), 0);
        assert_int_equal(mode_of(fd, lo, &g), MC_MODE_ASM);
        assert_int_equal(mc_exclude_source(fd, lo, &g, &s1, &err), 0);
        assert_int_equal(mc_filter_get(fd, lo, &g, &flt, &err), 0);
        assert_int_equal(flt.mode, MC_MODE_EXCLUDE);
        assert_int_equal(flt.nsources, 1);
        assert_true(mc_addr_equal(&flt.sources[0], &s1));
        mc_filter_free(&flt);
        assert_int_equal(mc_include_source(fd, lo, &g, &s1, &err), 0);
        assert_int_equal(mode_of(fd, lo, &g), MC_MODE_ASM);
        assert_int_equal(mc_leave_group(fd, lo, &g, &err), 0);
        assert_int_equal(mode_of(fd, lo, &g), MC_MODE_NONE);

        assert_int_equal(mc_join_source_group(fd, lo, &h, &s1, &err), 0);
        assert_int_equal(mc_join_source_group(fd, lo, &h, &s2, &err), 0);
        assert_int_equal(mc_filter_get(fd, lo, &h, &flt, &err), 0);
        assert_int_equal(flt.mode, MC_MODE_INCLUDE);
        assert_int_equal(flt.nsources, 2);
        mc_filter_free(&flt);
        assert_int_equal(mc_leave_source_group(fd, lo, &h, &s1, &err), 0);
        assert_int_equal(mc_filter_get(fd, lo, &h, &flt, &err), 0);
        assert_int_equal(flt.mode, MC_MODE_INCLUDE);
        assert_int_equal(flt.nsources, 1);
        assert_true(mc_addr_equal(&flt.sources[0], &s2));
        mc_filter_free(&flt);
        assert_int_equal(mc_leave_source_group(fd, lo, &h, &s2, &err), 0);
        assert_int_equal(mode_of(fd, lo, &h), MC_MODE_NONE);
        close(fd);
    }
}

/* ---- refusals before the kernel is asked ---- */

static void test_refusals(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < 2; k++) {
        const struct fam *f = &fams[k];
        const struct fam *other = &fams[1 - k];
        int fd = udp_socket(f->family), ofd = udp_socket(other->family);
        struct mc_addr uni = addr(f->unicast), g = mk(f->asm_fmt, 205);
        struct mc_addr ssm = mk(f->ssm_fmt, 205), s = mk(f->src_fmt, 1);
        struct mc_addr any, os = mk(other->src_fmt, 1);
        struct mc_addr ll =
            addr(f->family == AF_INET ? "224.0.0.99" : "ff02::1:3");
        char want[160], gt[INET6_ADDRSTRLEN];
        struct mc_err err;
        int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

        snprintf(want, sizeof want,
                 "%s is not a multicast group: groups are 224.0.0.0/4 or "
                 "ff00::/8",
                 f->unicast);
        assert_int_equal(mc_join_group(fd, lo, &uni, &err), -EINVAL);
        assert_string_equal(err.msg, want);
        assert_int_equal(mc_exclude_source(fd, lo, &uni, &s, &err), -EINVAL);
        assert_string_equal(err.msg, want);

        /* RFC 4607: no ASM join in the SSM range; join-source works. */
        assert_int_equal(mc_join_group(fd, lo, &ssm, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "RFC 4607"));
        assert_non_null(strstr(err.msg, "join-source GROUP SOURCE"));
        assert_non_null(strstr(err.msg, fmt(&ssm, gt)));
        assert_int_equal(mode_of(fd, lo, &ssm), MC_MODE_NONE);
        assert_int_equal(mc_join_source_group(fd, lo, &ssm, &s, &err), 0);

        /* A link-local group needs an interface. */
        assert_int_equal(mc_join_group(fd, 0, &ll, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "%IFACE"));
        assert_non_null(strstr(err.msg, "dev IFACE"));
        assert_int_equal(mc_join_group(fd, lo, &ll, &err), 0);
        assert_int_equal(mc_leave_group(fd, lo, &ll, &err), 0);

        /* Family: of the socket, and of the source. */
        assert_int_equal(mc_join_group(ofd, lo, &g, &err), -EAFNOSUPPORT);
        assert_non_null(strstr(err.msg, f->name));
        assert_non_null(strstr(err.msg, other->name));
        assert_int_equal(
            mc_filter_get(ofd, lo, &g, &(struct mc_filter){0}, &err),
            -EAFNOSUPPORT);
        assert_int_equal(mc_join_source_group(fd, lo, &g, &os, &err),
                         -EAFNOSUPPORT);
        assert_non_null(strstr(err.msg, "one family"));

        /* The source: present, unicast, specified. */
        assert_int_equal(mc_join_source_group(fd, lo, &g, NULL, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "needs a source"));
        assert_int_equal(mc_join_source_group(fd, lo, &g, &g, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "is a multicast address"));
        mc_addr_any(f->family, &any);
        assert_int_equal(mc_exclude_source(fd, lo, &g, &any, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "unspecified"));
        assert_int_equal(mc_member_apply(fd, MC_OP_JOIN, lo, &g, &s, &err),
                         -EINVAL);
        assert_non_null(strstr(err.msg, "takes no source"));
        assert_int_equal(
            mc_member_apply(fd, (enum mc_member_op)42, lo, &g, NULL, &err),
            -EINVAL);
        assert_int_equal(mc_join_group(fd, lo, NULL, &err), -EINVAL);

        /* Not a socket: the errno, named. */
        assert_int_equal(mc_join_group(devnull, lo, &g, &err), -ENOTSOCK);
        assert_non_null(strstr(err.msg, "ENOTSOCK"));
        assert_non_null(strstr(err.msg, mc_strerror(ENOTSOCK)));
        /* err may be NULL. */
        assert_int_equal(mc_join_group(fd, lo, &uni, NULL), -EINVAL);
        close(devnull);
        close(fd);
        close(ofd);
    }
}

/* mc_member_explain for errnos a test cannot provoke. */
static void test_explain_other(void **state)
{
    struct mc_addr g = addr("ff15::1"), s = addr("fd00::1");
    struct mc_err err;

    (void)state;
    assert_int_equal(
        mc_member_explain(EPERM, MC_OP_JOIN, lo, &g, NULL, MC_MODE_NONE, &err),
        -EPERM);
    assert_int_equal(err.code, -EPERM);
    assert_non_null(strstr(err.msg, "not permitted"));
    assert_non_null(strstr(err.msg, "EPERM"));
    assert_int_equal(mc_member_explain(-EACCES, MC_OP_EXCLUDE_SOURCE, lo, &g,
                                       &s, MC_MODE_ASM, &err),
                     -EACCES);
    assert_non_null(strstr(err.msg, "EACCES"));
    assert_int_equal(mc_member_explain(ETIMEDOUT, MC_OP_LEAVE, lo, &g, NULL,
                                       MC_MODE_ASM, &err),
                     -ETIMEDOUT);
    assert_non_null(strstr(err.msg, "ETIMEDOUT"));
    assert_non_null(strstr(err.msg, mc_strerror(ETIMEDOUT)));
    assert_non_null(strstr(err.msg, "ff15::1"));
    /* EADDRINUSE with ifindex 0 on IPv6: matched on another interface. */
    mc_member_explain(EADDRINUSE, MC_OP_JOIN, 0, &g, NULL, MC_MODE_NONE, &err);
    assert_non_null(strstr(err.msg, "any"));
    assert_non_null(strstr(err.msg, "ff15::1%IFACE"));
    /* ENOMEM outside a join. */
    mc_member_explain(ENOMEM, MC_OP_LEAVE, lo, &g, NULL, MC_MODE_ASM, &err);
    assert_non_null(strstr(err.msg, "ENOMEM"));
    assert_string_equal(mc_member_op_name(MC_OP_EXCLUDE_SOURCE),
                        "exclude-source");
    assert_string_equal(mc_filter_mode_name(MC_MODE_EXCLUDE), "exclude");
    assert_string_equal(mc_filter_mode_name(MC_MODE_ASM), "asm");
}

/* ---- /proc/net/mcfilter{,6}: INC and EXC counts ---- */

static const struct mc_ksource *find_source(const struct mc_ksources *s,
                                            const struct mc_addr *g,
                                            const struct mc_addr *src)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (s->v[i].ifindex == lo && mc_addr_equal(&s->v[i].group, g) &&
            mc_addr_equal(&s->v[i].source, src))
            return &s->v[i];
    return NULL;
}

static void test_mcfilter_counts(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < 2; k++) {
        const struct fam *f = &fams[k];
        int a = udp_socket(f->family), b = udp_socket(f->family);
        struct mc_addr h = mk(f->ssm_fmt, 206), g = mk(f->asm_fmt, 206);
        struct mc_addr s1 = mk(f->src_fmt, 1), s2 = mk(f->src_fmt, 2);
        struct mc_ksources ks = {0};
        const struct mc_ksource *row;
        struct mc_err err;

        assert_int_equal(mc_join_source_group(a, lo, &h, &s1, &err), 0);
        assert_int_equal(mc_join_source_group(b, lo, &h, &s1, &err), 0);
        assert_int_equal(mc_join_source_group(b, lo, &h, &s2, &err), 0);
        assert_int_equal(mc_join_group(a, lo, &g, &err), 0);
        assert_int_equal(mc_exclude_source(a, lo, &g, &s2, &err), 0);
        assert_int_equal(mc_kstate_read_sources(f->family, &ks, &err), 0);
        row = find_source(&ks, &h, &s1);
        assert_non_null(row);
        assert_int_equal(row->inc, 2);
        assert_int_equal(row->exc, 0);
        row = find_source(&ks, &h, &s2);
        assert_non_null(row);
        assert_int_equal(row->inc, 1);
        row = find_source(&ks, &g, &s2);
        assert_non_null(row);
        assert_int_equal(row->inc, 0);
        assert_int_equal(row->exc, 1);
        assert_null(find_source(&ks, &g, &s1));
        mc_ksources_free(&ks);

        /* An ASM-only group has no rows at all. */
        assert_int_equal(mc_include_source(a, lo, &g, &s2, &err), 0);
        assert_int_equal(mc_kstate_read_sources(f->family, &ks, &err), 0);
        assert_null(find_source(&ks, &g, &s2));
        mc_ksources_free(&ks);
        close(a);
        close(b);
        assert_int_equal(mc_kstate_read_sources(f->family, &ks, &err), 0);
        assert_null(find_source(&ks, &h, &s1));
        mc_ksources_free(&ks);
    }
}

/* ---- listeners ---- */

static struct mc_listener *listener(int family, uint16_t port)
{
    struct mc_listener_opts o = {.family = family, .port = port};
    struct mc_listener *l = NULL;
    struct mc_err err;

    if (mc_listener_new(&o, &l, &err) != 0)
        fail_msg("mc_listener_new: %s", err.msg);
    return l;
}

static uint16_t bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static struct mc_addr group1000(unsigned i)
{
    char text[32];

    snprintf(text, sizeof text, "239.10.%u.%u", i / 200, i % 200 + 1);
    return addr(text);
}

static void test_listener_1000_ipv4(void **state)
{
    struct mc_listener *l = listener(AF_INET, 0);
    struct mc_kgroups kg = {0};
    struct mc_addr all = addr("224.0.0.1");
    unsigned limit = mc_listener_groups_per_socket(l), i;
    uint16_t port = mc_listener_port(l);
    struct mc_err err;
    size_t n;

    (void)state;
    assert_int_equal(limit, 20);
    assert_int_not_equal(port, 0);
    for (i = 0; i < 1000; i++) {
        struct mc_addr g = group1000(i);

        if (mc_listener_apply(l, MC_OP_JOIN, lo, &g, NULL, &err) != 0)
            fail_msg("join #%u: %s", i, err.msg);
    }
    assert_int_equal(mc_listener_ngroups(l), 1000);
    assert_int_equal(mc_listener_nsockets(l), (1000 + limit - 1) / limit);
    for (n = 0; n < mc_listener_nsockets(l); n++)
        assert_int_equal(bound_port(mc_listener_fd(l, n)), port);
    assert_int_equal(mc_listener_fd(l, mc_listener_nsockets(l)), -EINVAL);

    for (i = 0; i < 1000; i++) {
        struct mc_addr g = group1000(i);
        struct mc_filter f;

        assert_int_equal(mc_listener_filter(l, lo, &g, &f, &err), 0);
        assert_int_equal(f.mode, MC_MODE_ASM);
        mc_filter_free(&f);
    }
    /* The kernel's view: exactly these groups on lo, one user each. */
    assert_int_equal(mc_kstate_read_groups(AF_INET, &kg, &err), 0);
    for (i = 0, n = 0; i < kg.n; i++) {
        if (kg.v[i].ifindex != lo || mc_addr_equal(&kg.v[i].group, &all))
            continue;
        n++;
        assert_int_equal(kg.v[i].users, 1);
    }
    assert_int_equal(n, 1000);
    for (i = 0; i < 1000; i++) {
        struct mc_addr g = group1000(i);

        assert_non_null(mc_kgroups_find(&kg, lo, &g));
    }
    mc_kgroups_free(&kg);

    /* A second join of a held group reaches its own socket. */
    {
        struct mc_addr g = group1000(567);

        assert_int_equal(mc_listener_apply(l, MC_OP_JOIN, lo, &g, NULL, &err),
                         -EADDRINUSE);
        assert_non_null(strstr(err.msg, "already joined"));
    }
    for (i = 0; i < 1000; i++) {
        struct mc_addr g = group1000(i);

        if (mc_listener_apply(l, MC_OP_LEAVE, lo, &g, NULL, &err) != 0)
            fail_msg("leave #%u: %s", i, err.msg);
    }
    assert_int_equal(mc_listener_ngroups(l), 0);
    assert_int_equal(mc_listener_nsockets(l), 1);
    assert_int_equal(mc_kstate_read_groups(AF_INET, &kg, &err), 0);
    for (i = 0; i < kg.n; i++)
        if (kg.v[i].ifindex == lo)
            assert_true(mc_addr_equal(&kg.v[i].group, &all));
    mc_kgroups_free(&kg);
    mc_listener_free(l);
}

static int write_sysctl(const char *path, const char *value)
{
    FILE *f = fopen(path, "w");
    int rc;

    if (f == NULL)
        return -errno;
    rc = fputs(value, f) < 0 ? -EIO : 0;
    if (fclose(f) != 0)
        rc = -errno;
    return rc;
}

/* The limit drops after the listener read it: ENOBUFS, then a retry on a
 * new socket. */
static void test_listener_limit_changes(void **state)
{
    const char *path = "/proc/sys/net/ipv4/igmp_max_memberships";
    struct mc_listener *l = listener(AF_INET, 0);
    struct mc_err err;
    unsigned i;

    (void)state;
    assert_int_equal(mc_listener_groups_per_socket(l), 20);
    assert_int_equal(write_sysctl(path, "5"), 0);
    for (i = 1; i <= 12; i++) {
        struct mc_addr g = mk("239.11.0.%u", i);

        if (mc_listener_apply(l, MC_OP_JOIN, lo, &g, NULL, &err) != 0)
            fail_msg("join #%u: %s", i, err.msg);
    }
    assert_int_equal(mc_listener_ngroups(l), 12);
    assert_int_equal(mc_listener_nsockets(l), 3);
    assert_int_equal(write_sysctl(path, "20"), 0);
    mc_listener_free(l);
}

static void test_listener_ipv6(void **state)
{
    struct mc_listener *l = listener(AF_INET6, 0);
    struct mc_addr s = addr("fd00::1");
    struct mc_kgroups kg = {0};
    struct mc_err err;
    unsigned i;

    (void)state;
    assert_int_equal(mc_listener_groups_per_socket(l), 0);
    assert_int_equal(mc_listener_family(l), AF_INET6);
    for (i = 1; i <= 8; i++) {
        struct mc_addr g = mk("ff15::4:%x", i);

        assert_int_equal(mc_listener_apply(l, MC_OP_JOIN, lo, &g, NULL, &err),
                         0);
    }
    for (i = 1; i <= 4; i++) {
        struct mc_addr g = mk("ff3e::4:%x", i);

        assert_int_equal(
            mc_listener_apply(l, MC_OP_JOIN_SOURCE, lo, &g, &s, &err), 0);
    }
    assert_int_equal(mc_listener_nsockets(l), 1);
    assert_int_equal(mc_listener_ngroups(l), 12);
    assert_int_equal(mc_kstate_read_groups(AF_INET6, &kg, &err), 0);
    for (i = 1; i <= 8; i++) {
        struct mc_addr g = mk("ff15::4:%x", i);
        const struct mc_kgroup *k = mc_kgroups_find(&kg, lo, &g);

        assert_non_null(k);
        assert_int_equal(k->users, 1);
        assert_string_equal(k->ifname, "lo");
    }
    for (i = 1; i <= 4; i++) {
        struct mc_addr g = mk("ff3e::4:%x", i);

        assert_non_null(mc_kgroups_find(&kg, lo, &g));
    }
    mc_kgroups_free(&kg);
    mc_listener_free(l);

    /* Gone with the listener. */
    assert_int_equal(mc_kstate_read_groups(AF_INET6, &kg, &err), 0);
    {
        struct mc_addr g = mk("ff15::4:%x", 1);

        assert_null(mc_kgroups_find(&kg, lo, &g));
    }
    mc_kgroups_free(&kg);
}

/* IPv6 memberships fill a socket's option memory (ENOMEM): the listener
 * spreads them too. */
static void test_listener_ipv6_optmem(void **state)
{
    struct mc_listener *l = listener(AF_INET6, 0);
    struct mc_err err;
    unsigned i;

    (void)state;
    for (i = 1; i <= 3000; i++) {
        struct mc_addr g = mk("ff15::5:%x", i);

        if (mc_listener_apply(l, MC_OP_JOIN, lo, &g, NULL, &err) != 0)
            fail_msg("join #%u: %s", i, err.msg);
    }
    assert_int_equal(mc_listener_ngroups(l), 3000);
    assert_true(mc_listener_nsockets(l) >= 2);
    for (i = 1; i <= 3000; i++) {
        struct mc_addr g = mk("ff15::5:%x", i);

        assert_int_equal(mc_listener_apply(l, MC_OP_LEAVE, lo, &g, NULL, &err),
                         0);
    }
    assert_int_equal(mc_listener_nsockets(l), 1);
    mc_listener_free(l);
}

/* Source operations, leave-source of the last source, not-held groups. */
static void test_listener_sources(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < 2; k++) {
        const struct fam *f = &fams[k];
        struct mc_listener *l = listener(f->family, 0);
        struct mc_addr g = mk(f->asm_fmt, 207), h = mk(f->ssm_fmt, 207);
        struct mc_addr s1 = mk(f->src_fmt, 1), s2 = mk(f->src_fmt, 2);
        struct mc_addr wrong = mk(fams[1 - k].asm_fmt, 207);
        struct mc_filter flt;
        struct mc_err err;

        assert_int_equal(
            mc_listener_apply(l, MC_OP_JOIN_SOURCE, lo, &h, &s1, &err), 0);
        assert_int_equal(
            mc_listener_apply(l, MC_OP_JOIN_SOURCE, lo, &h, &s2, &err), 0);
        assert_int_equal(mc_listener_apply(l, MC_OP_JOIN, lo, &g, NULL, &err),
                         0);
        assert_int_equal(
            mc_listener_apply(l, MC_OP_EXCLUDE_SOURCE, lo, &g, &s1, &err), 0);
        assert_int_equal(mc_listener_ngroups(l), 2);
        assert_int_equal(mc_listener_filter(l, lo, &g, &flt, &err), 0);
        assert_int_equal(flt.mode, MC_MODE_EXCLUDE);
        mc_filter_free(&flt);
        assert_int_equal(
            mc_listener_apply(l, MC_OP_LEAVE_SOURCE, lo, &h, &s1, &err), 0);
        assert_int_equal(mc_listener_ngroups(l), 2);
        assert_int_equal(
            mc_listener_apply(l, MC_OP_LEAVE_SOURCE, lo, &h, &s2, &err), 0);
        assert_int_equal(mc_listener_ngroups(l), 1);
        assert_int_equal(mc_listener_filter(l, lo, &h, &flt, &err), 0);
        assert_int_equal(flt.mode, MC_MODE_NONE);
        /* Not held: the kernel's own refusal, explained. */
        assert_int_equal(mc_listener_apply(l, MC_OP_LEAVE, lo, &h, NULL, &err),
                         -EADDRNOTAVAIL);
        assert_non_null(strstr(err.msg, "not joined"));
        assert_int_equal(
            mc_listener_apply(l, MC_OP_EXCLUDE_SOURCE, lo, &h, &s1, &err),
            -EINVAL);
        assert_non_null(strstr(err.msg, "joined first"));
        assert_int_equal(
            mc_listener_apply(l, MC_OP_JOIN, lo, &wrong, NULL, &err),
            -EAFNOSUPPORT);
        assert_int_equal(mc_listener_apply(l, MC_OP_LEAVE, lo, &g, NULL, &err),
                         0);
        assert_int_equal(mc_listener_ngroups(l), 0);
        mc_listener_free(l);
    }
}

/* One group on two interfaces: two memberships. */
static void test_listener_two_interfaces(void **state)
{
    struct mc_listener *l;
    struct mc_addr g = addr("239.12.0.1"), g6 = addr("ff15::12:1");
    struct mc_kgroups kg = {0};
    struct mc_err err;
    unsigned v0;

    (void)state;
    if (system("ip link add mcv0 type veth peer name mcv1 2>/dev/null && "
               "ip link set mcv0 up && ip link set mcv1 up") != 0) {
        skip();
        return;
    }
    v0 = if_nametoindex("mcv0");
    assert_int_not_equal(v0, 0);
    l = listener(AF_INET, 0);
    assert_int_equal(mc_listener_apply(l, MC_OP_JOIN, lo, &g, NULL, &err), 0);
    assert_int_equal(mc_listener_apply(l, MC_OP_JOIN, v0, &g, NULL, &err), 0);
    assert_int_equal(mc_listener_ngroups(l), 2);
    assert_int_equal(mc_kstate_read_groups(AF_INET, &kg, &err), 0);
    assert_non_null(mc_kgroups_find(&kg, lo, &g));
    assert_non_null(mc_kgroups_find(&kg, v0, &g));
    mc_kgroups_free(&kg);
    assert_int_equal(mc_listener_apply(l, MC_OP_LEAVE, lo, &g, NULL, &err), 0);
    assert_int_equal(mc_listener_ngroups(l), 1);
    {
        struct mc_filter f;

        assert_int_equal(mc_listener_filter(l, v0, &g, &f, &err), 0);
        assert_int_equal(f.mode, MC_MODE_ASM);
        mc_filter_free(&f);
        assert_int_equal(mc_listener_filter(l, lo, &g, &f, &err), 0);
        assert_int_equal(f.mode, MC_MODE_NONE);
        mc_filter_free(&f);
    }
    mc_listener_free(l);

    l = listener(AF_INET6, 0);
    assert_int_equal(mc_listener_apply(l, MC_OP_JOIN, lo, &g6, NULL, &err), 0);
    assert_int_equal(mc_listener_apply(l, MC_OP_JOIN, v0, &g6, NULL, &err), 0);
    assert_int_equal(mc_listener_ngroups(l), 2);
    assert_int_equal(mc_listener_nsockets(l), 1);
    mc_listener_free(l);
    assert_int_equal(system("ip link del mcv0"), 0);
}

/* Settings reach every socket, including those opened later. */
static void test_listener_settings(void **state)
{
    struct mc_listener_opts o = {.family = AF_INET,
                                 .port = 0,
                                 .cm_flags = MC_CM_DST | MC_CM_IFACE,
                                 .timestamps = true,
                                 .rcvbuf = 1 << 20};
    struct mc_listener *l = NULL;
    struct mc_err err;
    size_t n;
    unsigned i;
    bool on;

    (void)state;
    assert_int_equal(mc_listener_new(&o, &l, &err), 0);
    assert_int_equal(mc_sock_get_multicast_all(mc_listener_fd(l, 0), &on, &err),
                     0);
    assert_false(on);
    assert_int_equal(mc_listener_set_multicast_all(l, true, &err), 0);
    assert_int_equal(mc_listener_set_cm_flags(l, MC_CM_HOPLIMIT, true, &err),
                     0);
    for (i = 1; i <= 45; i++) {
        struct mc_addr g = mk("239.13.0.%u", i);

        assert_int_equal(mc_listener_apply(l, MC_OP_JOIN, lo, &g, NULL, &err),
                         0);
    }
    assert_int_equal(mc_listener_nsockets(l), 3);
    for (n = 0; n < 3; n++) {
        int fd = mc_listener_fd(l, n), v = 0;
        socklen_t len = sizeof v;

        assert_int_equal(mc_sock_get_multicast_all(fd, &on, &err), 0);
        assert_true(on);
        assert_int_equal(getsockopt(fd, IPPROTO_IP, IP_PKTINFO, &v, &len), 0);
        assert_int_equal(v, 1);
        assert_int_equal(getsockopt(fd, IPPROTO_IP, IP_RECVTTL, &v, &len), 0);
        assert_int_equal(v, 1);
        assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &v, &len), 0);
        assert_int_equal(v, 1);
    }
    mc_listener_free(l);

    /* Bad options. */
    o.family = AF_UNIX;
    assert_int_equal(mc_listener_new(&o, &l, &err), -EAFNOSUPPORT);
    assert_null(l);
    o.family = AF_INET;
    o.cm_flags = MC_CM_PATHMTU;
    assert_int_not_equal(mc_listener_new(&o, &l, &err), 0);
    assert_null(l);
}

/* mc_filter_format: "mode{a,b}", the one text of a filter. */
static void test_filter_format(void **state)
{
    struct mc_addr src[2] = {addr("fd42::1"), addr("fd42::2")};
    char buf[64], small[12];

    (void)state;
    assert_string_equal(mc_filter_format(MC_MODE_ASM, NULL, 0, buf, sizeof buf),
                        "asm");
    assert_string_equal(
        mc_filter_format(MC_MODE_NONE, NULL, 0, buf, sizeof buf), "none");
    assert_string_equal(
        mc_filter_format(MC_MODE_EXCLUDE, src, 2, buf, sizeof buf),
        "exclude{fd42::1,fd42::2}");
    assert_string_equal(
        mc_filter_format(MC_MODE_INCLUDE, src, 1, buf, sizeof buf),
        "include{fd42::1}");
    /* cut to the buffer */
    assert_string_equal(
        mc_filter_format(MC_MODE_INCLUDE, src, 2, small, sizeof small),
        "include{fd4");
    assert_ptr_equal(mc_filter_format(MC_MODE_ASM, NULL, 0, buf, 0), buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_format),
        cmocka_unit_test(test_errno_table),
        cmocka_unit_test(test_kernel_rows),
        cmocka_unit_test(test_kernel_msfilter_rows),
        cmocka_unit_test(test_enodev),
        cmocka_unit_test(test_group_limit_ipv4),
        cmocka_unit_test(test_group_limit_ipv6),
        cmocka_unit_test(test_source_limits),
        cmocka_unit_test(test_mode_transitions),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_explain_other),
        cmocka_unit_test(test_mcfilter_counts),
        cmocka_unit_test(test_listener_1000_ipv4),
        cmocka_unit_test(test_listener_limit_changes),
        cmocka_unit_test(test_listener_ipv6),
        cmocka_unit_test(test_listener_ipv6_optmem),
        cmocka_unit_test(test_listener_sources),
        cmocka_unit_test(test_listener_two_interfaces),
        cmocka_unit_test(test_listener_settings),
    };

    testns_enter_private_or_skip();
    lo = testns_lo_index();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
