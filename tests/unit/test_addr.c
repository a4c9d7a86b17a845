/*
 * Unit tests: core/addr*.c — address parsing and formatting, GROUP%IFACE,
 * sockaddr conversion, interface names and queries (only "lo", which every
 * network namespace has), group classification and explanations.  No packet is
 * sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/addr.h"

/* Parse text that must be valid, without an interface. */
static struct mc_addr addr(const char *text)
{
    struct mc_addr a;
    struct mc_err err;

    assert_int_equal(mc_addr_parse(text, &a, NULL, 0, &err), 0);
    return a;
}

/* Parse text that must be refused with -EINVAL and exactly msg. */
static void expect_refused(const char *text, const char *msg)
{
    struct mc_addr a, before;
    char ifname[IF_NAMESIZE] = "keep";
    struct mc_err err;

    memset(&a, 0x5a, sizeof a);
    before = a;
    mc_err_clear(&err);
    assert_int_equal(mc_addr_parse(text, &a, ifname, sizeof ifname, &err),
                     -EINVAL);
    assert_int_equal(err.code, -EINVAL);
    assert_string_equal(err.msg, msg);
    /* A failed parse changes nothing. */
    assert_memory_equal(&a, &before, sizeof a);
    assert_string_equal(ifname, "keep");
    /* The error record is optional. */
    assert_int_equal(mc_addr_parse(text, &a, ifname, sizeof ifname, NULL),
                     -EINVAL);
}

static void test_parse_ipv4(void **state)
{
    struct mc_addr a;
    char ifname[IF_NAMESIZE] = "junk";
    struct mc_err err;

    (void)state;
    assert_int_equal(
        mc_addr_parse("239.1.2.3", &a, ifname, sizeof ifname, &err), 0);
    assert_int_equal(a.family, AF_INET);
    assert_int_equal(ntohl(a.u.v4.s_addr), 0xef010203);
    assert_string_equal(ifname, "");

    a = addr("0.0.0.0");
    assert_int_equal(a.family, AF_INET);
    assert_int_equal(a.u.v4.s_addr, 0);
    a = addr("255.255.255.255");
    assert_int_equal(ntohl(a.u.v4.s_addr), 0xffffffff);
}

static void test_parse_ipv6(void **state)
{
    static const uint8_t want[16] = {0xff, 0x3e, [14] = 0x12, [15] = 0x34};
    struct mc_addr a;

    (void)state;
    a = addr("ff3e::1234");
    assert_int_equal(a.family, AF_INET6);
    assert_memory_equal(a.u.v6.s6_addr, want, 16);
    /* Upper case and the full form are the same address. */
    a = addr("FF3E:0:0:0:0:0:0:1234");
    assert_memory_equal(a.u.v6.s6_addr, want, 16);
    a = addr("::");
    assert_int_equal(a.family, AF_INET6);
    assert_true(IN6_IS_ADDR_UNSPECIFIED(&a.u.v6));
}

static void test_parse_iface(void **state)
{
    static const char *const names[] = {"lo", "lab0", "abcdefghijklmno"};
    struct mc_addr a;
    char ifname[IF_NAMESIZE];
    char text[64];
    struct mc_err err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(text, sizeof text, "ff02::114%%%s", names[i]);
        assert_int_equal(mc_addr_parse(text, &a, ifname, sizeof ifname, &err),
                         0);
        assert_int_equal(a.family, AF_INET6);
        assert_int_equal(a.u.v6.s6_addr[15], 0x14);
        assert_string_equal(ifname, names[i]);
    }
    /* An IPv4 group may name an interface too. */
    assert_int_equal(
        mc_addr_parse("224.0.0.251%lab0", &a, ifname, sizeof ifname, &err), 0);
    assert_int_equal(a.family, AF_INET);
    assert_int_equal(ntohl(a.u.v4.s_addr), 0xe00000fb);
    assert_string_equal(ifname, "lab0");
}

static void test_parse_iface_errors(void **state)
{
    struct mc_addr a;
    char small[4];
    struct mc_err err;

    (void)state;
    expect_refused("ff02::1%", "'ff02::1%' names no interface after '%': "
                               "write GROUP%IFACE, e.g. ff02::114%eth0");
    expect_refused("%lab0", "'%lab0' has no address before '%': "
                            "write GROUP%IFACE, e.g. ff02::114%eth0");
    expect_refused("ff02::1%abcdefghijklmnop",
                   "interface name 'abcdefghijklmnop' is longer than 15 "
                   "characters: list them with 'ip link'");
    expect_refused("ff02::1%a:b", "'a:b' is not an interface name (no '/', "
                                  "':', '%' or blanks): list them with "
                                  "'ip link'");
    expect_refused("ff02::1%a/b", "'a/b' is not an interface name (no '/', "
                                  "':', '%' or blanks): list them with "
                                  "'ip link'");
    expect_refused("ff02::1%a b", "'a b' is not an interface name (no '/', "
                                  "':', '%' or blanks): list them with "
                                  "'ip link'");
    expect_refused("ff02::1%a%b", "'a%b' is not an interface name (no '/', "
                                  "':', '%' or blanks): list them with "
                                  "'ip link'");
    expect_refused("ff02::1%..", "'..' is not an interface name (no '/', "
                                 "':', '%' or blanks): list them with "
                                 "'ip link'");
    /* The address is checked first. */
    expect_refused("ff02::1x%lab0", "'ff02::1x' is not an IPv4 or IPv6 "
                                    "address: write e.g. 239.1.2.3 or "
                                    "ff3e::1234");

    /* Where the caller takes no interface, '%' is refused. */
    assert_int_equal(mc_addr_parse("ff02::1%lo", &a, NULL, 0, &err), -EINVAL);
    assert_string_equal(err.msg, "'ff02::1%lo': an interface is not "
                                 "accepted here: write the address without "
                                 "'%'");

    /* The caller's buffer is too small for the name. */
    assert_int_equal(
        mc_addr_parse("ff02::1%lab01", &a, small, sizeof small, &err), -ERANGE);
    assert_string_equal(err.msg, "mc_addr_parse: the interface name needs "
                                 "a buffer of 16 bytes");
    assert_int_equal(
        mc_addr_parse("ff02::1%lab", &a, small, sizeof small, &err), 0);
    assert_string_equal(small, "lab");
    assert_int_equal(mc_addr_parse("ff02::1", &a, small, 0, &err), -EINVAL);
}

static void test_parse_garbage(void **state)
{
    static const char *const bad[] = {"ff02::1x",  "239.1.2",    "239.1.2.3.4",
                                      "256.1.1.1", " 239.1.2.3", "239.1.2.3 ",
                                      "hello",     "1::2::3",    "[ff02::1]",
                                      "::g",       "-1",         "0x7f.0.0.1"};
    char text[96], want[200];
    struct mc_addr a;
    struct mc_err err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(want, sizeof want,
                 "'%s' is not an IPv4 or IPv6 address: write e.g. "
                 "239.1.2.3 or ff3e::1234",
                 bad[i]);
        expect_refused(bad[i], want);
    }
    expect_refused("", "no address given: write e.g. 239.1.2.3 or "
                       "ff3e::1234");
    assert_int_equal(mc_addr_parse(NULL, &a, NULL, 0, &err), -EINVAL);
    assert_string_equal(err.msg, "no address given: write e.g. 239.1.2.3 or "
                                 "ff3e::1234");
    assert_int_equal(mc_addr_parse("239.1.2.3", NULL, NULL, 0, NULL), -EINVAL);

    /* Control characters never reach the message; long text is cut. */
    expect_refused("ab\tc\x1b[2J", "'ab?c?[2J' is not an IPv4 or IPv6 "
                                   "address: write e.g. 239.1.2.3 or "
                                   "ff3e::1234");
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    expect_refused(text, "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                         "...' is not an IPv4 or IPv6 address: write e.g. "
                         "239.1.2.3 or ff3e::1234");
}

static void test_parse_mapped(void **state)
{
    (void)state;
    expect_refused("::ffff:239.1.2.3", "'::ffff:239.1.2.3' is an "
                                       "IPv4-mapped IPv6 address: write "
                                       "the IPv4 form 239.1.2.3");
    expect_refused("::FFFF:EF01:0203", "'::FFFF:EF01:0203' is an "
                                       "IPv4-mapped IPv6 address: write "
                                       "the IPv4 form 239.1.2.3");
    expect_refused("::ffff:10.0.0.1%lab0", "'::ffff:10.0.0.1' is an "
                                           "IPv4-mapped IPv6 address: write "
                                           "the IPv4 form 10.0.0.1");
}

static void expect_format(const char *text, const char *want)
{
    struct mc_addr a = addr(text);
    char buf[MC_ADDR_STRLEN];

    assert_ptr_equal(mc_addr_format(&a, buf, sizeof buf), buf);
    assert_string_equal(buf, want);
}

static void test_format(void **state)
{
    struct mc_addr a;
    char buf[MC_ADDR_STRLEN], small[5];

    (void)state;
    expect_format("239.1.2.3", "239.1.2.3");
    expect_format("FF3E:0:0:0:0:0:0:1234", "ff3e::1234");
    expect_format("ff3e:0:0:0:0:1:0:0", "ff3e::1:0:0");
    expect_format("fd42:0:0:0:1:0:0:1", "fd42::1:0:0:1");
    expect_format("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

    assert_string_equal(mc_addr_format(NULL, buf, sizeof buf), "(unset)");
    memset(&a, 0, sizeof a);
    assert_string_equal(mc_addr_format(&a, buf, sizeof buf), "(unset)");
    a.family = AF_UNIX;
    assert_string_equal(mc_addr_format(&a, buf, sizeof buf), "(invalid)");

    /* A short buffer gets a truncated, terminated text. */
    a = addr("239.1.2.3");
    assert_string_equal(mc_addr_format(&a, small, sizeof small), "239.");
    assert_null(mc_addr_format(&a, NULL, 0));
}

static void test_equal_and_predicates(void **state)
{
    struct mc_addr a, b, unset;

    (void)state;
    memset(&unset, 0, sizeof unset);
    a = addr("239.1.2.3");
    b = addr("239.1.2.3");
    assert_true(mc_addr_equal(&a, &b));
    b = addr("239.1.2.4");
    assert_false(mc_addr_equal(&a, &b));
    b = addr("ff3e::1234");
    assert_false(mc_addr_equal(&a, &b));
    a = addr("ff3e:0::1234");
    assert_true(mc_addr_equal(&a, &b));
    assert_false(mc_addr_equal(&a, &unset));
    assert_true(mc_addr_equal(&unset, &unset));
    assert_false(mc_addr_equal(&a, NULL));
    assert_true(mc_addr_equal(NULL, NULL));

    a = addr("224.0.0.0");
    assert_true(mc_addr_is_multicast(&a));
    a = addr("239.255.255.255");
    assert_true(mc_addr_is_multicast(&a));
    a = addr("223.255.255.255");
    assert_false(mc_addr_is_multicast(&a));
    a = addr("240.0.0.0");
    assert_false(mc_addr_is_multicast(&a));
    a = addr("ff00::");
    assert_true(mc_addr_is_multicast(&a));
    a = addr("fe80::1");
    assert_false(mc_addr_is_multicast(&a));
    assert_false(mc_addr_is_multicast(&unset));
    assert_false(mc_addr_is_multicast(NULL));

    a = addr("0.0.0.0");
    assert_true(mc_addr_is_unspecified(&a));
    a = addr("::");
    assert_true(mc_addr_is_unspecified(&a));
    a = addr("::1");
    assert_false(mc_addr_is_unspecified(&a));
    a = addr("10.0.0.1");
    assert_false(mc_addr_is_unspecified(&a));
    assert_true(mc_addr_is_unspecified(&unset));
    assert_true(mc_addr_is_unspecified(NULL));
}

static void test_any(void **state)
{
    struct mc_addr a, want;

    (void)state;
    mc_addr_any(AF_INET, &a);
    want = addr("0.0.0.0");
    assert_true(mc_addr_equal(&a, &want));
    mc_addr_any(AF_INET6, &a);
    want = addr("::");
    assert_true(mc_addr_equal(&a, &want));
    mc_addr_any(AF_UNIX, &a);
    assert_int_equal(a.family, 0);
    mc_addr_any(AF_INET, NULL);
}

static void test_sockaddr_v4(void **state)
{
    struct sockaddr_storage ss;
    struct sockaddr_in sin;
    struct mc_addr a = addr("232.1.1.1"), back;
    uint16_t port = 0;

    (void)state;
    assert_int_equal(mc_addr_to_sockaddr(&a, 5002, 7, &ss), sizeof sin);
    memcpy(&sin, &ss, sizeof sin);
    assert_int_equal(sin.sin_family, AF_INET);
    assert_int_equal(sin.sin_port, htons(5002));
    assert_int_equal(ntohl(sin.sin_addr.s_addr), 0xe8010101);
    assert_int_equal(
        mc_addr_from_sockaddr((struct sockaddr *)&ss, &back, &port), 0);
    assert_true(mc_addr_equal(&a, &back));
    assert_int_equal(port, 5002);
    /* port may be NULL */
    assert_int_equal(mc_addr_from_sockaddr((struct sockaddr *)&ss, &back, NULL),
                     0);
}

static void test_sockaddr_v6(void **state)
{
    struct sockaddr_storage ss;
    struct sockaddr_in6 sin6;
    struct mc_addr a = addr("ff02::114"), back, v4;
    uint16_t port = 0;

    (void)state;
    assert_int_equal(mc_addr_to_sockaddr(&a, 5001, 3, &ss), sizeof sin6);
    memcpy(&sin6, &ss, sizeof sin6);
    assert_int_equal(sin6.sin6_family, AF_INET6);
    assert_int_equal(sin6.sin6_port, htons(5001));
    assert_int_equal(sin6.sin6_scope_id, 3);
    assert_int_equal(sin6.sin6_flowinfo, 0);
    assert_memory_equal(&sin6.sin6_addr, &a.u.v6, 16);
    assert_int_equal(
        mc_addr_from_sockaddr((struct sockaddr *)&ss, &back, &port), 0);
    assert_true(mc_addr_equal(&a, &back));
    assert_int_equal(port, 5001);

    /* A dual-stack socket's ::ffff:a.b.c.d comes back in the IPv4 form. */
    inet_pton(AF_INET6, "::ffff:10.0.0.1", &sin6.sin6_addr);
    sin6.sin6_port = htons(9);
    assert_int_equal(
        mc_addr_from_sockaddr((struct sockaddr *)&sin6, &back, &port), 0);
    v4 = addr("10.0.0.1");
    assert_true(mc_addr_equal(&back, &v4));
    assert_int_equal(port, 9);
}

static void test_sockaddr_bad(void **state)
{
    struct sockaddr_storage ss;
    struct mc_addr a, unset;

    (void)state;
    memset(&unset, 0, sizeof unset);
    memset(&ss, 0x5a, sizeof ss);
    assert_int_equal(mc_addr_to_sockaddr(&unset, 1, 0, &ss), 0);
    assert_int_equal(ss.ss_family, 0);
    assert_int_equal(mc_addr_to_sockaddr(NULL, 1, 0, &ss), 0);
    a = addr("239.1.2.3");
    assert_int_equal(mc_addr_to_sockaddr(&a, 1, 0, NULL), 0);

    ss.ss_family = AF_UNIX;
    assert_int_equal(mc_addr_from_sockaddr((struct sockaddr *)&ss, &a, NULL),
                     -EAFNOSUPPORT);
    assert_int_equal(mc_addr_from_sockaddr(NULL, &a, NULL), -EINVAL);
    assert_int_equal(mc_addr_from_sockaddr((struct sockaddr *)&ss, NULL, NULL),
                     -EINVAL);
}

static void test_ifindex_lo(void **state)
{
    unsigned index = 0;
    char buf[IF_NAMESIZE], small[2];
    struct mc_err err;

    (void)state;
    assert_int_equal(mc_ifindex("lo", &index, &err), 0);
    assert_int_equal(index, if_nametoindex("lo"));
    assert_true(index > 0);
    assert_string_equal(mc_ifname(index, buf, sizeof buf), "lo");
    assert_string_equal(mc_ifname(index, small, sizeof small), "l");
    assert_int_equal(mc_ifindex("lo", NULL, NULL), 0);
}

static void test_ifindex_errors(void **state)
{
    unsigned index = 42;
    struct mc_err err;

    (void)state;
    assert_int_equal(mc_ifindex("mcscope-nx0", &index, &err), -ENODEV);
    assert_int_equal(err.code, -ENODEV);
    assert_string_equal(err.msg, "no interface named 'mcscope-nx0' in this "
                                 "network namespace: list them with "
                                 "'ip link'");
    assert_int_equal(index, 42);
    assert_int_equal(mc_ifindex("mcscope-nx0", &index, NULL), -ENODEV);

    assert_int_equal(mc_ifindex("abcdefghijklmnop", &index, &err), -ENODEV);
    assert_string_equal(err.msg, "no interface named 'abcdefghijklmnop': "
                                 "names are at most 15 characters; list "
                                 "them with 'ip link'");
    /* if_nametoindex("lo:1") would find lo (SIOCGIFINDEX drops ":1"). */
    assert_int_equal(mc_ifindex("lo:1", &index, &err), -ENODEV);
    assert_string_equal(err.msg, "'lo:1' is not an interface name (no '/', "
                                 "':', '%' or blanks): list them with "
                                 "'ip link'");
    assert_int_equal(mc_ifindex("", &index, &err), -EINVAL);
    assert_string_equal(err.msg, "no interface given: name one (list them "
                                 "with 'ip link')");
    assert_int_equal(mc_ifindex(NULL, &index, &err), -EINVAL);
    assert_int_equal(index, 42);
}

static void test_ifname_gone(void **state)
{
    char buf[IF_NAMESIZE];

    (void)state;
    assert_string_equal(mc_ifname(0, buf, sizeof buf), "if0");
    assert_string_equal(mc_ifname(2147483647u, buf, sizeof buf),
                        "if2147483647");
    assert_null(mc_ifname(1, NULL, 0));
}

/* The interface queries of addr_if.c, on "lo" and on a name that is not
 * there. */
static void test_if_queries(void **state)
{
    unsigned lo = if_nametoindex("lo"), flags = 0, *ifs = NULL;
    uint8_t mac[6] = {1, 2, 3, 4, 5, 6}, zero[6] = {0};
    char buf[IF_NAMESIZE];
    struct mc_addr a;
    size_t n = 0, i;
    bool found = false;
    int mtu = 0;

    (void)state;
    assert_true(lo > 0);
    assert_true(mc_if_exists(lo));
    assert_false(mc_if_exists(0));
    assert_false(mc_if_exists(2147483647u));

    assert_int_equal(mc_if_flags("lo", &flags), 0);
    assert_true((flags & IFF_LOOPBACK) != 0);
    assert_int_equal(mc_if_flags("mcscope-nx0", &flags), -ENODEV);
    assert_int_equal(mc_if_flags("", &flags), -ENODEV);
    assert_int_equal(mc_if_flags("abcdefghijklmnop", &flags), -ENODEV);
    assert_int_equal(mc_if_mtu("lo", &mtu), 0);
    assert_true(mtu > 0);
    assert_int_equal(mc_if_mtu("mcscope-nx0", &mtu), -ENODEV);
    assert_int_equal(mc_if_hwaddr("lo", mac), 0);
    assert_memory_equal(mac, zero, 6); /* loopback's address is zero */

    assert_int_equal(mc_if_indexes(&ifs, &n), 0);
    assert_non_null(ifs);
    for (i = 0; i < n; i++)
        found = found || ifs[i] == lo;
    assert_true(found);
    free(ifs);

    a = addr("192.0.2.77"); /* TEST-NET-1: on no interface */
    assert_int_equal(mc_if_with_addr(&a), 0);
    a = addr("127.0.0.1"); /* on lo when lo is up */
    assert_true(mc_if_with_addr(&a) == 0 || mc_if_with_addr(&a) == lo);
    assert_int_equal(mc_if_with_addr(NULL), 0);

    assert_int_equal(mc_if_default_multicast(NULL, 0), -EINVAL);
    if (mc_if_default_multicast(buf, sizeof buf) == 0) {
        assert_true(buf[0] != '\0');
        assert_int_equal(mc_if_flags(buf, &flags), 0);
        assert_true((flags & IFF_LOOPBACK) == 0);
        assert_true((flags & IFF_MULTICAST) != 0);
    } else {
        assert_string_equal(buf, "");
    }
}

static void test_ifname_check(void **state)
{
    (void)state;
    assert_int_equal(mc_ifname_check("lo"), 0);
    assert_int_equal(mc_ifname_check("veth-a.1"), 0);
    assert_int_equal(mc_ifname_check(""), -EINVAL);
    assert_int_equal(mc_ifname_check("abcdefghijklmnop"), -ENAMETOOLONG);
    assert_int_equal(mc_ifname_check("abcdefghijklmno"), 0);
    assert_int_equal(mc_ifname_check("."), -EILSEQ);
    assert_int_equal(mc_ifname_check(".."), -EILSEQ);
    assert_int_equal(mc_ifname_check("lo:1"), -EILSEQ);
    assert_int_equal(mc_ifname_check("a/b"), -EILSEQ);
    assert_int_equal(mc_ifname_check("eth%d"), -EILSEQ);
    assert_int_equal(mc_ifname_check("a b"), -EILSEQ);
    assert_int_equal(mc_ifname_check("a\tb"), -EILSEQ);
}

struct class_case {
    const char *addr;
    bool multicast, ssm, link_local, never_reported;
    enum mc_scope scope;
    unsigned flags;
};

/* One line per case, so that a failure names the address and the field. */
static void show_class(char *buf, size_t len, const char *addr,
                       const struct mc_group_info *gi)
{
    snprintf(buf, len, "%s mc=%d ssm=%d ll=%d norep=%d scope=%d flags=%u", addr,
             gi->multicast, gi->ssm, gi->link_local, gi->never_reported,
             (int)gi->scope, gi->flags);
}

static void check_class(const struct class_case *c, size_t n)
{
    struct mc_group_info gi, want;
    struct mc_addr a;
    char got_s[128], want_s[128];
    size_t i;

    for (i = 0; i < n; i++) {
        a = addr(c[i].addr);
        memset(&gi, 0x5a, sizeof gi);
        mc_group_classify(&a, &gi);
        want.multicast = c[i].multicast;
        want.ssm = c[i].ssm;
        want.link_local = c[i].link_local;
        want.never_reported = c[i].never_reported;
        want.scope = c[i].scope;
        want.flags = c[i].flags;
        show_class(got_s, sizeof got_s, c[i].addr, &gi);
        show_class(want_s, sizeof want_s, c[i].addr, &want);
        assert_string_equal(got_s, want_s);
    }
}

#define T MC_GFLAG_TRANSIENT
#define P MC_GFLAG_PREFIX
#define R MC_GFLAG_RP

static void test_classify_ipv6(void **state)
{
    static const struct class_case c[] = {
        /* addr             mc     ssm    ll     norep  scope  flags */
        {"ff00::1", true, false, false, true, MC_SCOPE_NONE, 0},
        {"ff01::1", true, false, true, true, MC_SCOPE_INTERFACE, 0},
        {"ff01::1234", true, false, true, true, MC_SCOPE_INTERFACE, 0},
        {"ff02::1", true, false, true, true, MC_SCOPE_LINK, 0},
        {"ff02::2", true, false, true, false, MC_SCOPE_LINK, 0},
        {"ff02::1:1", true, false, true, false, MC_SCOPE_LINK, 0},
        {"ff12::1", true, false, true, false, MC_SCOPE_LINK, T},
        {"ff03::1", true, false, false, false, MC_SCOPE_REALM, 0},
        {"ff04::1", true, false, false, false, MC_SCOPE_ADMIN, 0},
        {"ff15::99", true, false, false, false, MC_SCOPE_SITE, T},
        {"ff18::1", true, false, false, false, MC_SCOPE_ORG, T},
        {"ff0e::1", true, false, false, false, MC_SCOPE_GLOBAL, 0},
        {"ff06::1", true, false, false, false, (enum mc_scope)6, 0},
        {"ff0f::1", true, false, false, false, (enum mc_scope)15, 0},
        {"ff3e::1234", true, true, false, false, MC_SCOPE_GLOBAL, T | P},
        {"ff32::1", true, true, true, false, MC_SCOPE_LINK, T | P},
        {"ff31::1", true, true, true, true, MC_SCOPE_INTERFACE, T | P},
        {"ff7e:240:2001:db8::1", true, false, false, false, MC_SCOPE_GLOBAL,
         T | P | R},
        /* The reserved flag bit (0x8) is not reported. */
        {"ffbe::1", true, false, false, false, MC_SCOPE_GLOBAL, T | P},
        {"fd42::1", false, false, false, false, MC_SCOPE_NONE, 0},
        {"fe80::1", false, false, false, false, MC_SCOPE_NONE, 0},
        {"::", false, false, false, false, MC_SCOPE_NONE, 0},
    };

    (void)state;
    check_class(c, sizeof c / sizeof c[0]);
}

static void test_classify_ipv4(void **state)
{
    static const struct class_case c[] = {
        {"224.0.0.0", true, false, true, false, MC_SCOPE_LINK, 0},
        {"224.0.0.1", true, false, true, true, MC_SCOPE_LINK, 0},
        {"224.0.0.22", true, false, true, false, MC_SCOPE_LINK, 0},
        {"224.0.0.255", true, false, true, false, MC_SCOPE_LINK, 0},
        {"224.0.1.0", true, false, false, false, MC_SCOPE_GLOBAL, 0},
        {"230.1.2.3", true, false, false, false, MC_SCOPE_GLOBAL, 0},
        {"238.255.255.255", true, false, false, false, MC_SCOPE_GLOBAL, 0},
        {"239.0.0.0", true, false, false, false, MC_SCOPE_ADMIN, 0},
        {"239.191.255.255", true, false, false, false, MC_SCOPE_ADMIN, 0},
        {"239.192.0.0", true, false, false, false, MC_SCOPE_ORG, 0},
        {"239.195.255.255", true, false, false, false, MC_SCOPE_ORG, 0},
        {"239.196.0.0", true, false, false, false, MC_SCOPE_ADMIN, 0},
        {"239.254.255.255", true, false, false, false, MC_SCOPE_ADMIN, 0},
        {"239.255.0.0", true, false, false, false, MC_SCOPE_SITE, 0},
        {"239.255.255.255", true, false, false, false, MC_SCOPE_SITE, 0},
        {"10.0.0.1", false, false, false, false, MC_SCOPE_NONE, 0},
        {"240.0.0.1", false, false, false, false, MC_SCOPE_NONE, 0},
    };

    (void)state;
    check_class(c, sizeof c / sizeof c[0]);
}

/* The SSM ranges' edges: 232/8 and ff3x::/96 (RFC 4607). */
static void test_ssm_edges(void **state)
{
    static const struct class_case c[] = {
        {"231.255.255.255", true, false, false, false, MC_SCOPE_GLOBAL, 0},
        {"232.0.0.0", true, true, false, false, MC_SCOPE_GLOBAL, 0},
        {"232.255.255.255", true, true, false, false, MC_SCOPE_GLOBAL, 0},
        {"233.0.0.0", true, false, false, false, MC_SCOPE_GLOBAL, 0},
        {"ff3e::", true, true, false, false, MC_SCOPE_GLOBAL, T | P},
        {"ff3e::ffff:ffff", true, true, false, false, MC_SCOPE_GLOBAL, T | P},
        /* bytes 10..11 are 0x0001: outside the /96 */
        {"ff3e::1:0:0", true, false, false, false, MC_SCOPE_GLOBAL, T | P},
        {"ff3e:0:1::1", true, false, false, false, MC_SCOPE_GLOBAL, T | P},
        /* plen 0x40: a unicast-prefix-based ASM group (RFC 3306) */
        {"ff3e:40:2001:db8::1", true, false, false, false, MC_SCOPE_GLOBAL,
         T | P},
        /* flags other than exactly P|T */
        {"ff1e::1234", true, false, false, false, MC_SCOPE_GLOBAL, T},
        {"ff2e::1234", true, false, false, false, MC_SCOPE_GLOBAL, P},
        {"ff7e::1234", true, false, false, false, MC_SCOPE_GLOBAL, T | P | R},
        {"ffbe::1234", true, false, false, false, MC_SCOPE_GLOBAL, T | P},
    };

    (void)state;
    check_class(c, sizeof c / sizeof c[0]);
}

static void test_classify_null(void **state)
{
    struct mc_group_info gi;
    struct mc_addr unset;

    (void)state;
    memset(&unset, 0, sizeof unset);
    memset(&gi, 0x5a, sizeof gi);
    mc_group_classify(NULL, &gi);
    assert_false(gi.multicast);
    assert_int_equal(gi.scope, MC_SCOPE_NONE);
    memset(&gi, 0x5a, sizeof gi);
    mc_group_classify(&unset, &gi);
    assert_false(gi.multicast);
    assert_false(gi.ssm);
    assert_int_equal(gi.flags, 0);
    mc_group_classify(&unset, NULL);
}

static void test_scope_names(void **state)
{
    (void)state;
    assert_string_equal(mc_scope_name(MC_SCOPE_NONE), "none");
    assert_string_equal(mc_scope_name(MC_SCOPE_INTERFACE), "interface-local");
    assert_string_equal(mc_scope_name(MC_SCOPE_LINK), "link-local");
    assert_string_equal(mc_scope_name(MC_SCOPE_REALM), "realm-local");
    assert_string_equal(mc_scope_name(MC_SCOPE_ADMIN), "admin-local");
    assert_string_equal(mc_scope_name(MC_SCOPE_SITE), "site-local");
    assert_string_equal(mc_scope_name(MC_SCOPE_ORG), "organization-local");
    assert_string_equal(mc_scope_name(MC_SCOPE_GLOBAL), "global");
    assert_string_equal(mc_scope_name((enum mc_scope)6), "unassigned");
    assert_string_equal(mc_scope_name((enum mc_scope)13), "unassigned");
    assert_string_equal(mc_scope_name((enum mc_scope)15), "reserved");
}

static void expect_explain(const char *text, const char *want)
{
    struct mc_addr a = addr(text);
    char buf[512];

    assert_int_equal(mc_group_explain(&a, buf, sizeof buf), strlen(want));
    assert_string_equal(buf, want);
}

static void test_explain_ipv6(void **state)
{
    (void)state;
    expect_explain("ff3e::1234",
                   "ff3e::1234: IPv6 multicast, global scope, flags T P "
                   "(transient, unicast-prefix-based), inside the SSM range "
                   "ff3x::/96 (RFC 4607): receive it with join-source GROUP "
                   "SOURCE.");
    expect_explain("ff02::114", "ff02::114: IPv6 multicast, link-local "
                                "scope: name an interface (ff02::114%IFACE).");
    expect_explain("ff15::99", "ff15::99: IPv6 multicast, site-local scope, "
                               "flags T (transient).");
    expect_explain("ff02::1",
                   "ff02::1: IPv6 multicast, link-local scope, the "
                   "all-nodes group (RFC 4291), never reported (the kernel "
                   "sends no MLD report for it): name an interface "
                   "(ff02::1%IFACE).");
    expect_explain("ff02::16",
                   "ff02::16: IPv6 multicast, link-local scope, the MLDv2 "
                   "routers group (RFC 3810): name an interface "
                   "(ff02::16%IFACE).");
    expect_explain("ff02::1:ff00:1234",
                   "ff02::1:ff00:1234: IPv6 multicast, link-local scope, a "
                   "solicited-node group, used by Neighbor Discovery (RFC "
                   "4861): name an interface (ff02::1:ff00:1234%IFACE).");
    expect_explain("ff32::1234",
                   "ff32::1234: IPv6 multicast, link-local scope, flags T P "
                   "(transient, unicast-prefix-based), inside the SSM range "
                   "ff3x::/96 (RFC 4607): receive it with join-source GROUP "
                   "SOURCE; name an interface (ff32::1234%IFACE).");
    expect_explain("ff3e::1:0:0",
                   "ff3e::1:0:0: IPv6 multicast, global scope, flags T P "
                   "(transient, unicast-prefix-based), in ff3x::/32 but "
                   "outside the SSM range ff3x::/96 (RFC 4607 keeps the rest "
                   "reserved).");
    expect_explain("ff7e:240:2001:db8::1",
                   "ff7e:240:2001:db8::1: IPv6 multicast, global scope, "
                   "flags T P R (transient, unicast-prefix-based, "
                   "embedded-RP).");
    expect_explain("ff00::1", "ff00::1: IPv6 multicast, reserved scope 0 "
                              "(RFC 4291), never reported (the kernel sends "
                              "no MLD report for it).");
    expect_explain("ff0f::1",
                   "ff0f::1: IPv6 multicast, reserved scope f (RFC 4291).");
    expect_explain("ff06::1",
                   "ff06::1: IPv6 multicast, unassigned scope 6 (RFC 7346).");
    expect_explain("ff31::1",
                   "ff31::1: IPv6 multicast, interface-local scope (it never "
                   "leaves this host), flags T P (transient, "
                   "unicast-prefix-based), inside the SSM range ff3x::/96 "
                   "(RFC 4607), never reported (the kernel sends no MLD "
                   "report for it): receive it with join-source GROUP "
                   "SOURCE; name an interface (ff31::1%IFACE).");
}

static void test_explain_ipv4(void **state)
{
    (void)state;
    expect_explain("232.1.1.1", "232.1.1.1: IPv4 multicast, global scope, "
                                "inside the SSM range 232.0.0.0/8 (RFC "
                                "4607): receive it with join-source GROUP "
                                "SOURCE.");
    expect_explain("233.0.0.0", "233.0.0.0: IPv4 multicast, global scope.");
    expect_explain("224.0.0.1",
                   "224.0.0.1: IPv4 multicast, link-local scope "
                   "(224.0.0.0/24, never forwarded), the all-systems group "
                   "(RFC 1112), never reported (the kernel sends no IGMP "
                   "report for it): name an interface (224.0.0.1%IFACE).");
    expect_explain("224.0.0.251",
                   "224.0.0.251: IPv4 multicast, link-local scope "
                   "(224.0.0.0/24, never forwarded), the mDNS group (RFC "
                   "6762): name an interface (224.0.0.251%IFACE).");
    expect_explain("239.1.2.3", "239.1.2.3: IPv4 multicast, admin-local "
                                "scope (239.0.0.0/8, RFC 2365).");
    expect_explain("239.255.1.1", "239.255.1.1: IPv4 multicast, site-local "
                                  "scope (239.255.0.0/16, RFC 2365).");
    expect_explain("239.193.0.1", "239.193.0.1: IPv4 multicast, "
                                  "organization-local scope (239.192.0.0/14, "
                                  "RFC 2365).");
}

static void test_explain_not_group(void **state)
{
    struct mc_addr unset;
    char buf[128];

    (void)state;
    expect_explain("10.0.0.1", "10.0.0.1: IPv4 unicast, not a multicast "
                               "group.");
    expect_explain("0.0.0.0", "0.0.0.0: IPv4 unspecified address, not a "
                              "multicast group.");
    expect_explain("255.255.255.255", "255.255.255.255: IPv4 limited "
                                      "broadcast, not a multicast group.");
    expect_explain("240.0.0.1", "240.0.0.1: IPv4 reserved (240.0.0.0/4), "
                                "not a multicast group.");
    expect_explain("fd42::1", "fd42::1: IPv6 unicast, not a multicast "
                              "group.");
    expect_explain("::", "::: IPv6 unspecified address, not a multicast "
                         "group.");

    /* An IPv4-mapped address can only come from a struct built by hand. */
    memset(&unset, 0, sizeof unset);
    unset.family = AF_INET6;
    inet_pton(AF_INET6, "::ffff:239.1.2.3", &unset.u.v6);
    assert_int_equal(mc_group_explain(&unset, buf, sizeof buf), 97);
    assert_string_equal(buf, "::ffff:239.1.2.3: IPv4-mapped IPv6 address, "
                             "not a multicast group: write the IPv4 form "
                             "239.1.2.3.");

    memset(&unset, 0, sizeof unset);
    mc_group_explain(&unset, buf, sizeof buf);
    assert_string_equal(buf, "(unset): no address, not a multicast group.");
    mc_group_explain(NULL, buf, sizeof buf);
    assert_string_equal(buf, "(unset): no address, not a multicast group.");
}

static void test_explain_truncated(void **state)
{
    struct mc_addr a = addr("10.0.0.1");
    char buf[16];

    (void)state;
    memset(buf, 'z', sizeof buf);
    assert_int_equal(mc_group_explain(&a, buf, 10), 9);
    assert_string_equal(buf, "10.0.0.1:");
    assert_int_equal(buf[10], 'z');
    assert_int_equal(mc_group_explain(&a, buf, 1), 0);
    assert_string_equal(buf, "");
    buf[0] = 'z';
    assert_int_equal(mc_group_explain(&a, buf, 0), 0);
    assert_int_equal(buf[0], 'z');
    assert_int_equal(mc_group_explain(&a, NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ipv4),
        cmocka_unit_test(test_parse_ipv6),
        cmocka_unit_test(test_parse_iface),
        cmocka_unit_test(test_parse_iface_errors),
        cmocka_unit_test(test_parse_garbage),
        cmocka_unit_test(test_parse_mapped),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_equal_and_predicates),
        cmocka_unit_test(test_any),
        cmocka_unit_test(test_sockaddr_v4),
        cmocka_unit_test(test_sockaddr_v6),
        cmocka_unit_test(test_sockaddr_bad),
        cmocka_unit_test(test_ifindex_lo),
        cmocka_unit_test(test_ifindex_errors),
        cmocka_unit_test(test_ifname_gone),
        cmocka_unit_test(test_if_queries),
        cmocka_unit_test(test_ifname_check),
        cmocka_unit_test(test_classify_ipv6),
        cmocka_unit_test(test_classify_ipv4),
        cmocka_unit_test(test_ssm_edges),
        cmocka_unit_test(test_classify_null),
        cmocka_unit_test(test_scope_names),
        cmocka_unit_test(test_explain_ipv6),
        cmocka_unit_test(test_explain_ipv4),
        cmocka_unit_test(test_explain_not_group),
        cmocka_unit_test(test_explain_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
