/*
 * Unit tests for core/kstate: the /proc/net parsers on captured samples
 * (headers, several devices, byte-reversed IPv4 groups, malformed and
 * truncated lines), the live readers and mc_sysctl_read_long in a
 * private network namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcscope/kstate.h"
#include "testns.h"

static struct mc_addr addr(const char *text)
{
    struct mc_addr a;

    memset(&a, 0, sizeof a);
    if (inet_pton(AF_INET, text, &a.u.v4) == 1) {
        a.family = AF_INET;
        return a;
    }
    assert_int_equal(inet_pton(AF_INET6, text, &a.u.v6), 1);
    a.family = AF_INET6;
    return a;
}

static void assert_addr(const struct mc_addr *got, const char *want)
{
    char buf[INET6_ADDRSTRLEN];

    assert_non_null(inet_ntop(got->family, &got->u, buf, sizeof buf));
    assert_string_equal(buf, want);
}

/* ---- /proc/net/igmp ---- */

/*
 * As the kernel prints it on a little-endian host (igmp_mc_seq_show):
 * 239.2.0.1 is 010002EF.  A device name of ten or more characters runs
 * into the colon.  Then the malformed lines, each counted once.
 */
static const char igmp_sample_le[] =
    "Idx\tDevice    :\tCount Querier\tGroup    Users Timer\tReporter\n"
    "1\tlo        :     3      V3\n"
    "\t\t\t\t010002EF     1 0:00000000\t\t0\n"
    "\t\t\t\t010101E8     2 0:00000000\t\t0\n"
    "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
    "4\tverylongname0: 2      V2\n"
    "\t\t\t\t160000E0     1 1:000001F4\t\t1\n"
    "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
    /* malformed: */
    "\t\t\t\t0100\n"                           /* truncated row */
    "\t\t\t\tZZ0000E0     1 0:00000000\t\t0\n" /* not hex */
    "\t\t\t\t010000E0     1 0-00000000\t\t0\n" /* no colon in timer */
    "\t\t\t\t010000E0     1 0:00000000\t\t7\n" /* reporter not 0/1 */
    "\t\t\t\t010000E0     1 0:0\t\t0 extra\n"  /* one column too many */
    "9\tbad       :     1      V9\n"           /* unknown querier */
    "\t\t\t\t020000E0     1 0:00000000\t\t0\n" /* row of a bad device */
    "5\tveth1     :     1      V3\n"
    "\t\t\t\t030000E0 4294967295 0:00000000\t\t0\n" /* users at the max */
    "\t\t\t\t030000E0 4294967296 0:00000000\t\t0\n" /* users overflow */
    "\t\t\t\t";                                     /* cut off at EOF */

static void test_igmp_sample(void **state)
{
    struct mc_kgroups g = {0};
    size_t bad = 0;
    bool le = htonl(1) != 1;

    (void)state;
    assert_int_equal(mc_kstate_parse_igmp(igmp_sample_le, &g, &bad), 0);
    assert_int_equal(bad, 8);
    assert_int_equal(g.n, 6);

    assert_int_equal(g.v[0].ifindex, 1);
    assert_string_equal(g.v[0].ifname, "lo");
    assert_string_equal(g.v[0].querier, "V3");
    assert_int_equal(g.v[0].users, 1);
    assert_int_equal(g.v[1].users, 2);
    /* The group is the __be32 printed %08X: the host's byte order. */
    assert_addr(&g.v[0].group, le ? "239.2.0.1" : "1.0.2.239");
    assert_addr(&g.v[1].group, le ? "232.1.1.1" : "1.1.1.232");
    assert_addr(&g.v[2].group, le ? "224.0.0.1" : "1.0.0.224");

    assert_int_equal(g.v[3].ifindex, 4);
    assert_string_equal(g.v[3].ifname, "verylongname0");
    assert_string_equal(g.v[3].querier, "V2");
    assert_addr(&g.v[3].group, le ? "224.0.0.22" : "22.0.0.224");
    assert_int_equal(g.v[3].timer, 0x1f4);
    assert_int_equal(g.v[3].flags, 1);
    assert_int_equal(g.v[4].flags, 0);

    assert_int_equal(g.v[5].ifindex, 5);
    assert_string_equal(g.v[5].ifname, "veth1");
    assert_int_equal(g.v[5].users, 4294967295u);
    mc_kgroups_free(&g);
    assert_null(g.v);
    assert_int_equal(g.n, 0);
}

/* The kernel's own rule, on whatever host runs the test. */
static void test_igmp_host_order(void **state)
{
    struct mc_kgroups g = {0};
    struct in_addr a;
    char text[256];
    size_t bad = 0;

    (void)state;
    inet_pton(AF_INET, "239.2.0.1", &a);
    snprintf(text, sizeof text,
             "Idx\tDevice    :\tCount Querier\tGroup    Users Timer\t"
             "Reporter\n1\tlo        :     1      V1\n"
             "\t\t\t\t%08X     1 0:00000000\t\t0\n",
             (unsigned)a.s_addr);
    assert_int_equal(mc_kstate_parse_igmp(text, &g, &bad), 0);
    assert_int_equal(bad, 0);
    assert_int_equal(g.n, 1);
    assert_addr(&g.v[0].group, "239.2.0.1");
    assert_string_equal(g.v[0].querier, "V1");
    mc_kgroups_free(&g);
}

static void test_igmp_rows_before_device(void **state)
{
    struct mc_kgroups g = {0};
    size_t bad = 0;

    (void)state;
    assert_int_equal(
        mc_kstate_parse_igmp("\t\t\t\t010000E0     1 0:00000000\t\t0\n"
                             "1\tlo:1 V3\n"
                             "\t\t\t\t010000E0 1 0:0 0\n",
                             &g, &bad),
        0);
    assert_int_equal(bad, 1);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.v[0].ifname, "lo");
    mc_kgroups_free(&g);
}

/* ---- /proc/net/igmp6 ---- */

static const char igmp6_sample[] =
    "1    lo              ff150000000000000000000000000099     1 00000004 "
    "0\n"
    "1    lo              ff3e0000000000000000000000001234     2 00000004 "
    "0\n"
    "1    lo              ff020000000000000000000000000001     1 0000000C "
    "0\n"
    "7    veth-lab-rx0    ff0200000000000000000001ff000010     1 00000007 "
    "312\n"
    "7    veth-lab-rx0    ff020000000000000000000000000016     1 00000005 "
    "-4\n"
    /* malformed: */
    "1    lo              ff02000000000000000000000000001     1 0000000C "
    "0\n" /* 31 digits */
    "1    lo              ff02000000000000000000000000000g     1 0000000C "
    "0\n" /* not hex */
    "1    lo              ff020000000000000000000000000001     1 C 0\n" /* w */
    "1    lo              ff020000000000000000000000000001     1\n"
    "x    lo              ff020000000000000000000000000001     1 0000000C "
    "0\n"
    "1    sixteen_chars_xy ff020000000000000000000000000001    1 0000000C "
    "0\n"
    "1    lo              ff020000000000000000000000000001     1 0000000C "
    "0 9\n"
    "\n"
    "   \n"
    "3    eth0            ff020000000000000000000000000001     1 0000000C "
    "0"; /* no newline at the end */

static void test_igmp6_sample(void **state)
{
    struct mc_kgroups g = {0};
    size_t bad = 0;

    (void)state;
    assert_int_equal(mc_kstate_parse_igmp6(igmp6_sample, &g, &bad), 0);
    assert_int_equal(bad, 7);
    assert_int_equal(g.n, 6);
    assert_addr(&g.v[0].group, "ff15::99");
    assert_int_equal(g.v[0].flags, 4);
    assert_addr(&g.v[1].group, "ff3e::1234");
    assert_int_equal(g.v[1].users, 2);
    assert_addr(&g.v[2].group, "ff02::1");
    assert_int_equal(g.v[2].flags, 0xc);
    assert_int_equal(g.v[3].ifindex, 7);
    assert_string_equal(g.v[3].ifname, "veth-lab-rx0");
    assert_addr(&g.v[3].group, "ff02::1:ff00:10");
    assert_int_equal(g.v[3].timer, 312);
    assert_int_equal(g.v[4].timer, 0); /* a due timer prints negative */
    assert_int_equal(g.v[5].ifindex, 3);
    assert_string_equal(g.v[5].ifname, "eth0");
    assert_string_equal(g.v[0].querier, "");
    mc_kgroups_free(&g);
}

static void test_find_and_append(void **state)
{
    struct mc_kgroups g = {0};
    struct mc_addr a = addr("ff02::1");
    struct mc_addr absent = addr("ff02::2");
    const struct mc_kgroup *k;

    (void)state;
    assert_int_equal(mc_kstate_parse_igmp6(igmp6_sample, &g, NULL), 0);
    assert_int_equal(mc_kstate_parse_igmp6(igmp6_sample, &g, NULL), 0);
    assert_int_equal(g.n, 12); /* appended */
    k = mc_kgroups_find(&g, 3, &a);
    assert_non_null(k);
    assert_string_equal(k->ifname, "eth0");
    k = mc_kgroups_find(&g, 0, &a);
    assert_non_null(k);
    assert_int_equal(k->ifindex, 1);
    assert_null(mc_kgroups_find(&g, 2, &a));
    assert_null(mc_kgroups_find(&g, 0, &absent));
    mc_kgroups_free(&g);
}

/* ---- /proc/net/mcfilter and mcfilter6 ---- */

static const char mcfilter_sample[] =
    "Idx Device        MCA        SRC    INC    EXC\n"
    "  1     lo 0xef020001 0x0a000009      0      1\n"
    "  1     lo 0xe8010101 0x0a000001      2      0\n"
    " 12 veth-l 0xe8010101 0x0a000002      1      0\n"
    /* malformed: */
    "  1     lo 0xe80101 0x0a000001      2      0\n"    /* short */
    "  1     lo e8010101 0x0a000001      2      0\n"    /* no 0x */
    "  1     lo 0xe8010101 0x0a000001      2\n"         /* EXC missing */
    "  1     lo 0xe8010101 0x0a000001      -2      0\n" /* sign */
    "  1     lo 0xe8010101 0x0a00000z      2      0\n"; /* not hex */

static void test_mcfilter_sample(void **state)
{
    struct mc_ksources s = {0};
    size_t bad = 0;

    (void)state;
    assert_int_equal(mc_kstate_parse_mcfilter(mcfilter_sample, &s, &bad), 0);
    assert_int_equal(bad, 5);
    assert_int_equal(s.n, 3);
    assert_addr(&s.v[0].group, "239.2.0.1");
    assert_addr(&s.v[0].source, "10.0.0.9");
    assert_int_equal(s.v[0].inc, 0);
    assert_int_equal(s.v[0].exc, 1);
    assert_addr(&s.v[1].group, "232.1.1.1");
    assert_addr(&s.v[1].source, "10.0.0.1");
    assert_int_equal(s.v[1].inc, 2);
    assert_int_equal(s.v[2].ifindex, 12);
    assert_string_equal(s.v[2].ifname, "veth-l"); /* the kernel cuts at 6 */
    mc_ksources_free(&s);
}

static const char mcfilter6_sample[] =
    "Idx Device                Multicast Address                   Source "
    "Address    INC    EXC\n"
    "  1     lo ff150000000000000000000000000099 "
    "fd420000000000000000000000000002      0      1\n"
    "  1     lo ff3e0000000000000000000000001234 "
    "fd420000000000000000000000000001      1      0\n"
    /* malformed: */
    "  1     lo ff3e0000000000000000000000001234 "
    "fd42000000000000000000000000001      1      0\n"
    "  1     lo ff3e::1234 fd42::1      1      0\n"
    "  1     lo ff3e0000000000000000000000001234\n";

static void test_mcfilter6_sample(void **state)
{
    struct mc_ksources s = {0};
    size_t bad = 0;

    (void)state;
    assert_int_equal(mc_kstate_parse_mcfilter6(mcfilter6_sample, &s, &bad), 0);
    assert_int_equal(bad, 3);
    assert_int_equal(s.n, 2);
    assert_addr(&s.v[0].group, "ff15::99");
    assert_addr(&s.v[0].source, "fd42::2");
    assert_int_equal(s.v[0].exc, 1);
    assert_addr(&s.v[1].group, "ff3e::1234");
    assert_addr(&s.v[1].source, "fd42::1");
    assert_int_equal(s.v[1].inc, 1);
    /* The IPv4 parser refuses IPv6 rows, and the other way round. */
    bad = 0;
    assert_int_equal(mc_kstate_parse_mcfilter(mcfilter6_sample, &s, &bad), 0);
    assert_int_equal(bad, 5);
    assert_int_equal(s.n, 2);
    mc_ksources_free(&s);
}

static void test_empty_inputs(void **state)
{
    struct mc_kgroups g = {0};
    struct mc_ksources s = {0};
    size_t bad = 0;

    (void)state;
    assert_int_equal(mc_kstate_parse_igmp("", &g, &bad), 0);
    assert_int_equal(mc_kstate_parse_igmp(NULL, &g, &bad), 0);
    assert_int_equal(mc_kstate_parse_igmp6("\n\n", &g, &bad), 0);
    assert_int_equal(
        mc_kstate_parse_mcfilter("Idx Device        MCA        SRC    INC "
                                 "   EXC\n",
                                 &s, &bad),
        0);
    assert_int_equal(mc_kstate_parse_mcfilter6("Idx\n", &s, NULL), 0);
    assert_int_equal(bad, 0);
    assert_int_equal(g.n, 0);
    assert_int_equal(s.n, 0);
    /* Garbage counts, it does not crash. */
    assert_int_equal(mc_kstate_parse_igmp("\x01\xff:\t\t\t:\n:::\n", &g, &bad),
                     0);
    assert_int_equal(bad, 2);
    mc_kgroups_free(&g);
    mc_ksources_free(&s);
}

/* ---- live files and sysctls (private namespace) ---- */

static void test_live_groups(void **state)
{
    struct mc_kgroups g = {0};
    struct mc_ksources s = {0};
    struct mc_addr all4 = addr("224.0.0.1"), all6 = addr("ff02::1");
    unsigned lo = testns_lo_index();
    const struct mc_kgroup *k;
    struct mc_err err;

    (void)state;
    assert_int_equal(mc_kstate_read_groups(AF_INET, &g, &err), 0);
    k = mc_kgroups_find(&g, lo, &all4);
    assert_non_null(k);
    assert_string_equal(k->ifname, "lo");
    assert_string_equal(k->querier, "V3");
    mc_kgroups_free(&g);

    assert_int_equal(mc_kstate_read_groups(AF_INET6, &g, &err), 0);
    k = mc_kgroups_find(&g, lo, &all6);
    assert_non_null(k);
    assert_int_equal(k->flags, 0xc); /* LOADED | NOREPORT */
    mc_kgroups_free(&g);

    assert_int_equal(mc_kstate_read_sources(AF_INET, &s, &err), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(mc_kstate_read_sources(AF_INET6, &s, &err), 0);
    assert_int_equal(s.n, 0);

    assert_int_equal(mc_kstate_read_groups(AF_UNIX, &g, &err), -EAFNOSUPPORT);
    assert_int_equal(err.code, -EAFNOSUPPORT);
}

static void test_sysctl(void **state)
{
    long v = -1;

    (void)state;
    /* Per namespace, and fresh here: the kernel defaults. */
    assert_int_equal(mc_sysctl_read_long("net.ipv4.igmp_max_memberships", &v),
                     0);
    assert_int_equal(v, 20);
    v = -1;
    assert_int_equal(mc_sysctl_read_long("net/ipv4/igmp_max_msf", &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(mc_sysctl_read_long("net.ipv4.no_such_thing", &v),
                     -ENOENT);
    assert_int_equal(mc_sysctl_read_long("../../etc/passwd", &v), -EINVAL);
    assert_int_equal(mc_sysctl_read_long("/etc/passwd", &v), -EINVAL);
    assert_int_equal(mc_sysctl_read_long("", &v), -EINVAL);
    assert_int_equal(mc_sysctl_read_long(NULL, &v), -EINVAL);
    /* Three numbers, and a word: not one long. */
    assert_int_equal(mc_sysctl_read_long("net.ipv4.tcp_rmem", &v), -EINVAL);
    assert_int_equal(mc_sysctl_read_long("kernel.ostype", &v), -EINVAL);
    /* A dotted interface name needs the '/' form. */
    assert_int_equal(mc_sysctl_read_long("net/ipv4/conf/lo/mc_forwarding", &v),
                     0);
    assert_int_equal(v, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_igmp_sample),
        cmocka_unit_test(test_igmp_host_order),
        cmocka_unit_test(test_igmp_rows_before_device),
        cmocka_unit_test(test_igmp6_sample),
        cmocka_unit_test(test_find_and_append),
        cmocka_unit_test(test_mcfilter_sample),
        cmocka_unit_test(test_mcfilter6_sample),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_live_groups),
        cmocka_unit_test(test_sysctl),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
