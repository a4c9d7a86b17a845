/*
 * Unit tests: core/expect.c — the --expect rule grammar (each metric, its
 * units, scopes with IPv6 colons, refusals naming the fix) and the checker
 * (holds, broken with the value and the group or source in words,
 * unknown, nothing in scope).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "mcscope/expect.h"

static struct mc_expect_rule parse_ok(const char *text)
{
    struct mc_expect_rule r;
    struct mc_err err;

    if (mc_expect_parse(text, &r, &err) != 0)
        fail_msg("'%s' refused: %s", text, err.msg);
    return r;
}

static void refused(const char *text, const char *needle)
{
    struct mc_expect_rule r;
    struct mc_err err;

    assert_int_equal(mc_expect_parse(text, &r, &err), -EINVAL);
    if (strstr(err.msg, needle) == NULL)
        fail_msg("'%s': '%s' lacks '%s'", text, err.msg, needle);
}

static void test_parse_metrics(void **state)
{
    struct mc_expect_rule r;

    (void)state;
    r = parse_ok("packets>=1000");
    assert_int_equal(r.metric, MC_EXP_PACKETS);
    assert_int_equal(r.op, MC_EXP_GE);
    assert_true(r.value == 1000);
    assert_false(r.scoped);
    r = parse_ok("loss<=0.1%");
    assert_int_equal(r.metric, MC_EXP_LOSS);
    assert_int_equal(r.op, MC_EXP_LE);
    assert_true(r.value > 0.00099 && r.value < 0.00101);
    r = parse_ok("rate>100");
    assert_int_equal(r.op, MC_EXP_GT);
    assert_true(r.value == 100);
    assert_true(parse_ok("rate>=2.5pps").value == 2.5);
    r = parse_ok("gap<=200ms");
    assert_int_equal(r.metric, MC_EXP_GAP);
    assert_true(r.value > 0.1999 && r.value < 0.2001);
    assert_true(parse_ok("gap<2s").value == 2);
    assert_true(parse_ok("gap<500us").value > 0.000499);
    r = parse_ok("sources=2");
    assert_int_equal(r.op, MC_EXP_EQ);
    assert_int_equal(parse_ok("sources==2").op, MC_EXP_EQ);
    assert_int_equal(parse_ok("packets<5").op, MC_EXP_LT);
    assert_string_equal(parse_ok("loss<=0.1%").text, "loss<=0.1%");
}

static void test_parse_scopes(void **state)
{
    struct mc_expect_rule r;
    char a[MC_ADDR_STRLEN];

    (void)state;
    r = parse_ok("ff15::1234:loss<=0.1%");
    assert_true(r.scoped);
    assert_false(r.has_source);
    assert_string_equal(mc_addr_format(&r.group, a, sizeof a), "ff15::1234");
    assert_string_equal(r.ifname, "");
    r = parse_ok("ff15::1234%lab0/fd42::1:packets>=100");
    assert_string_equal(r.ifname, "lab0");
    assert_true(r.has_source);
    assert_string_equal(mc_addr_format(&r.source, a, sizeof a), "fd42::1");
    r = parse_ok("232.1.1.1/10.0.0.1:rate>=10");
    assert_int_equal(r.group.family, AF_INET);
    assert_string_equal(mc_addr_format(&r.source, a, sizeof a), "10.0.0.1");
}

static void test_parse_refusals(void **state)
{
    (void)state;
    refused("packets", "no comparison");
    refused("bytes>=1", "'bytes' is not a metric");
    refused("loss<=0.1", "a percentage with %");
    refused("loss<=120%", "0% to 100%");
    refused("gap<=200", "a time in ms, s or us");
    refused("gap<=2h", "a time in ms, s or us");
    refused("packets>=1.5", "whole number");
    refused("packets>=-1", "0 or more");
    refused("packets>=x", "not a number");
    refused("rate>=5%", "packets per second");
    refused("loss<=0.1%@ff15::1234", "after GROUP: or GROUP/SOURCE:");
    refused("10.0.0.1:packets>=1", "not a multicast group");
    refused("ff15::1/ff15::2:packets>=1", "not a source address");
    refused("ff15::1/10.0.0.1:packets>=1", "give an IPv6 source");
    refused("ff15::1/fd42::1:sources>=2", "scope it to GROUP:");
    refused(":packets>=1", "not a multicast group");
}

/* A group ff15::1234 dev lab0 port 5001 with sources fd42::1 (400
 * packets, 10 of 400 lost) and fd42::2 (no probes). */
static size_t subjects(struct mc_expect_subject *s)
{
    struct mc_err err;

    memset(s, 0, 3 * sizeof *s);
    for (int i = 0; i < 3; i++) {
        mc_addr_parse("ff15::1234", &s[i].group, NULL, 0, &err);
        strcpy(s[i].ifname, "lab0");
        s[i].port = 5001;
        for (int k = 0; k < MC_EXP_NMETRICS; k++)
            s[i].known[k] = true;
    }
    s[0].value[MC_EXP_PACKETS] = 600;
    s[0].value[MC_EXP_SOURCES] = 2;
    s[0].value[MC_EXP_LOSS] = 10.0 / 600;
    s[0].lost = 10;
    s[0].expected = 600;
    s[0].value[MC_EXP_GAP] = 0.05;
    s[1].has_source = true;
    mc_addr_parse("fd42::1", &s[1].source, NULL, 0, &err);
    s[1].value[MC_EXP_PACKETS] = 400;
    s[1].value[MC_EXP_LOSS] = 10.0 / 400;
    s[1].lost = 10;
    s[1].expected = 400;
    s[1].value[MC_EXP_RATE] = 133.3;
    s[2].has_source = true;
    mc_addr_parse("fd42::2", &s[2].source, NULL, 0, &err);
    s[2].value[MC_EXP_PACKETS] = 200;
    s[2].known[MC_EXP_LOSS] = false;
    return 3;
}

static enum mc_expect_status check(const char *text,
                                   struct mc_expect_result *res)
{
    struct mc_expect_subject s[3];
    struct mc_expect_rule r = parse_ok(text);
    size_t n = subjects(s);

    return mc_expect_check(&r, s, n, res);
}

static void test_check(void **state)
{
    struct mc_expect_result res;

    (void)state;
    assert_int_equal(check("packets>=600", &res), MC_EXPECT_OK);
    assert_int_equal(res.matched, 1);
    assert_int_equal(check("packets>=601", &res), MC_EXPECT_BROKEN);
    assert_string_equal(res.text, "packets>=601 broken: ff15::1234 dev lab0 "
                                  "port 5001 had packets 600, not >= 601");
    assert_int_equal(check("sources>=2", &res), MC_EXPECT_OK);
    assert_int_equal(check("sources>2", &res), MC_EXPECT_BROKEN);
    assert_int_equal(check("gap<=100ms", &res), MC_EXPECT_OK);
    assert_int_equal(check("gap<=10ms", &res), MC_EXPECT_BROKEN);
    assert_non_null(strstr(res.text, "had a longest silence of 50.0 ms, "
                                     "not <= 10.0 ms"));
    /* The group: 10 of 600. */
    assert_int_equal(check("loss<=2%", &res), MC_EXPECT_OK);
    assert_int_equal(check("loss<=1%", &res), MC_EXPECT_BROKEN);
    assert_non_null(strstr(res.text, "(10 of 600 lost)"));
    /* A source: 10 of 400 = 2.5%. */
    assert_int_equal(check("ff15::1234/fd42::1:loss<=2%", &res),
                     MC_EXPECT_BROKEN);
    assert_string_equal(res.text,
                        "ff15::1234/fd42::1:loss<=2% broken: ff15::1234 dev "
                        "lab0 port 5001 from fd42::1 had loss 2.5% (10 of "
                        "400 lost), not <= 2%");
    assert_int_equal(check("ff15::1234%lab0/fd42::1:rate>=100", &res),
                     MC_EXPECT_OK);
    /* No probes from fd42::2: unknown, saying why. */
    assert_int_equal(check("ff15::1234/fd42::2:loss<=2%", &res),
                     MC_EXPECT_UNKNOWN);
    assert_non_null(strstr(res.text, "cannot be checked"));
    assert_non_null(strstr(res.text, "probes"));
    /* Nothing in scope. */
    assert_int_equal(check("ff15::1234/fd42::9:packets>=1", &res),
                     MC_EXPECT_UNKNOWN);
    assert_non_null(strstr(res.text, "fd42::9 sent nothing to ff15::1234"));
    assert_int_equal(check("ff15::99:packets>=1", &res), MC_EXPECT_UNKNOWN);
    assert_non_null(strstr(res.text, "ff15::99 was not joined"));
    assert_int_equal(check("ff15::1234%lab1:packets>=1", &res),
                     MC_EXPECT_UNKNOWN);
}

static void test_check_empty(void **state)
{
    struct mc_expect_rule r = parse_ok("packets>=1");
    struct mc_expect_result res;

    (void)state;
    assert_int_equal(mc_expect_check(&r, NULL, 0, &res), MC_EXPECT_UNKNOWN);
    assert_string_equal(res.text, "packets>=1 cannot be checked: no group "
                                  "was joined during the run");
}

/* failed: the checks of a diagnosis that failed, on diagnosis subjects
 * only. */
static void test_failed(void **state)
{
    struct mc_expect_subject s[4];
    struct mc_expect_result res;
    struct mc_expect_rule r;
    struct mc_err err;
    size_t n = subjects(s);

    (void)state;
    for (size_t i = 0; i < n; i++)
        s[i].known[MC_EXP_FAILED] = false; /* groups and sources: not theirs */
    memset(&s[3], 0, sizeof s[3]);
    s[3] = s[0];
    memset(s[3].known, 0, sizeof s[3].known);
    s[3].diagnosis = true;
    s[3].known[MC_EXP_FAILED] = true;
    s[3].value[MC_EXP_FAILED] = 2;
    strcpy(s[3].failed_id, "reports_blocked");
    r = parse_ok("failed=0");
    assert_int_equal(r.metric, MC_EXP_FAILED);
    assert_int_equal(mc_expect_check(&r, s, 4, &res), MC_EXPECT_BROKEN);
    assert_int_equal(res.matched, 1);
    assert_string_equal(res.text,
                        "failed=0 broken: ff15::1234 dev lab0 port 5001 had "
                        "failed checks: 2 (the first: reports_blocked), not "
                        "= 0");
    r = parse_ok("ff15::1234:failed<=2");
    assert_int_equal(mc_expect_check(&r, s, 4, &res), MC_EXPECT_OK);
    /* packets does not look at the diagnosis */
    r = parse_ok("packets>=600");
    assert_int_equal(mc_expect_check(&r, s, 4, &res), MC_EXPECT_OK);
    assert_int_equal(res.matched, 1);
    /* no diagnose ran */
    r = parse_ok("failed=0");
    assert_int_equal(mc_expect_check(&r, s, 3, &res), MC_EXPECT_UNKNOWN);
    assert_non_null(strstr(res.text, "no diagnose of any group ran"));
    assert_int_equal(mc_expect_parse("ff15::1/fd42::1:failed=0", &r, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "scope it to GROUP:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_metrics),
        cmocka_unit_test(test_parse_scopes),
        cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_failed),
        cmocka_unit_test(test_check_empty),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
