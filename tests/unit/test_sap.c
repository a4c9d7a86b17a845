/*
 * Unit tests: core/sap.c and core/sap_table.c — SAP headers (IPv4 and
 * IPv6 origins, authentication data skipped, with and without a payload
 * type, deletion), every refusal, SDP (session and media connection
 * lines, TTL, a=source-filter incl and excl, CRLF and LF), the sessions
 * table (new, refresh, change, deletion, the RFC 2974 §4 timeout, the cap)
 * and the join command each session gets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mcscope/sap.h"
#include "testutil.h"

#define S_NS INT64_C(1000000000)

static const char SDP_SSM[] =
    "v=0\r\n"
    "o=- 3900 1 IN IP4 10.200.0.1\r\n"
    "s=Camera 1\r\n"
    "t=0 0\r\n"
    "a=tool:test\r\n"
    "m=video 5004 RTP/AVP 33\r\n"
    "c=IN IP4 232.1.2.3/16\r\n"
    "a=source-filter: incl IN IP4 232.1.2.3 10.200.0.1 10.200.0.2\r\n";

static const char SDP_ASM6[] = "v=0\n"
                               "o=alice 1 2 IN IP6 fd42::1\n"
                               "s=Radio\n"
                               "c=IN IP6 ff15::99\n"
                               "t=0 0\n"
                               "m=audio 5006/2 RTP/AVP 10\n"
                               "m=video 6000 RTP/AVP 33\n"
                               "c=IN IP6 ff15::1234\n";

/* A SAP packet: header flags byte, hash, origin (v4 or v6 text), auth
 * words, payload type (NULL: none), payload. */
static size_t sap(uint8_t *out, uint8_t flags, uint16_t hash, const char *orig,
                  unsigned auth_words, const char *ptype, const char *payload)
{
    struct mc_addr o = tu_addr(orig);
    size_t n = 0;

    out[n++] = (uint8_t)(0x20 | flags | (o.family == AF_INET6 ? 0x10 : 0));
    out[n++] = (uint8_t)auth_words;
    out[n++] = (uint8_t)(hash >> 8);
    out[n++] = (uint8_t)hash;
    if (o.family == AF_INET6) {
        memcpy(out + n, &o.u.v6, 16);
        n += 16;
    } else {
        memcpy(out + n, &o.u.v4, 4);
        n += 4;
    }
    memset(out + n, 0xaa, auth_words * 4u);
    n += auth_words * 4u;
    if (ptype != NULL) {
        memcpy(out + n, ptype, strlen(ptype) + 1);
        n += strlen(ptype) + 1;
    }
    memcpy(out + n, payload, strlen(payload));
    return n + strlen(payload);
}

static void test_sap_header(void **state)
{
    uint8_t b[1024];
    struct mc_sap_msg m;
    const char *why = NULL;
    size_t n;

    (void)state;
    n = sap(b, 0, 0x1234, "10.200.0.1", 0, "application/sdp", SDP_SSM);
    assert_int_equal(mc_sap_parse(b, n, &m, &why), 0);
    assert_false(m.deletion);
    assert_int_equal(m.msg_id_hash, 0x1234);
    tu_expect_addr(&m.origin, "10.200.0.1");
    assert_int_equal(m.payload_len, strlen(SDP_SSM));
    assert_memory_equal(m.payload, SDP_SSM, m.payload_len);
    /* IPv6 origin, 2 words of authentication data, no payload type */
    n = sap(b, 0x04, 7, "fd42::1", 2, NULL, SDP_ASM6);
    assert_int_equal(mc_sap_parse(b, n, &m, &why), 0);
    assert_true(m.deletion);
    tu_expect_addr(&m.origin, "fd42::1");
    assert_memory_equal(m.payload, SDP_ASM6, m.payload_len);
}

static void expect_sap_refused(const uint8_t *b, size_t n, const char *want)
{
    struct mc_sap_msg m;
    const char *why = NULL;

    assert_int_equal(mc_sap_parse(b, n, &m, &why), -EINVAL);
    assert_non_null(why);
    assert_string_equal(why, want);
}

static void test_sap_refusals(void **state)
{
    uint8_t b[1024];
    size_t n;

    (void)state;
    n = sap(b, 0, 1, "10.0.0.1", 0, "application/sdp", SDP_SSM);
    expect_sap_refused(b, 3, "SAP header cut short");
    expect_sap_refused(b, 6, "SAP originating source cut short");
    b[0] = (uint8_t)((b[0] & 0x1f) | 0x40); /* version 2 */
    expect_sap_refused(b, n, "SAP version is not 1");
    n = sap(b, 0, 1, "10.0.0.1", 9, NULL, "v=0");
    expect_sap_refused(b, 20, "SAP authentication data cut short");
    n = sap(b, 0x02, 1, "10.0.0.1", 0, NULL, SDP_SSM);
    expect_sap_refused(b, n, "SAP payload encrypted: not read");
    n = sap(b, 0x01, 1, "10.0.0.1", 0, NULL, SDP_SSM);
    expect_sap_refused(b, n, "SAP payload compressed (zlib): not read");
    n = sap(b, 0, 1, "10.0.0.1", 0, "text/plain", SDP_SSM);
    expect_sap_refused(b, n, "SAP payload type is not application/sdp");
    n = sap(b, 0, 1, "10.0.0.1", 0, NULL, "application/sdp");
    expect_sap_refused(b, n, "SAP payload type not terminated");
}

static void test_sdp(void **state)
{
    struct mc_sdp d;
    const char *why = NULL;

    (void)state;
    assert_int_equal(mc_sdp_parse(SDP_SSM, strlen(SDP_SSM), &d, &why), 0);
    assert_string_equal(d.name, "Camera 1");
    assert_string_equal(d.origin, "- 3900 1 IN IP4 10.200.0.1");
    assert_string_equal(d.media, "video");
    tu_expect_addr(&d.group, "232.1.2.3");
    assert_int_equal(d.port, 5004);
    assert_int_equal(d.ttl, 16);
    assert_false(d.exclude);
    assert_int_equal(d.nsources, 2);
    tu_expect_addr(&d.sources[0], "10.200.0.1");
    tu_expect_addr(&d.sources[1], "10.200.0.2");
    /* the first m= and its own c= win over the session's c= */
    assert_int_equal(mc_sdp_parse(SDP_ASM6, strlen(SDP_ASM6), &d, &why), 0);
    assert_string_equal(d.media, "audio");
    assert_int_equal(d.port, 5006);
    tu_expect_addr(&d.group, "ff15::99");
    assert_int_equal(d.nsources, 0);
    {
        static const char excl[] =
            "v=0\ns=x\nc=IN IP4 239.1.1.1/32\nm=video 5000 RTP/AVP 33\n"
            "a=source-filter: excl IN IP4 * 10.0.0.9\n";

        assert_int_equal(mc_sdp_parse(excl, strlen(excl), &d, &why), 0);
        assert_true(d.exclude);
        assert_int_equal(d.nsources, 1);
        tu_expect_addr(&d.sources[0], "10.0.0.9");
    }
}

static void expect_sdp_refused(const char *text, const char *want)
{
    struct mc_sdp d;
    const char *why = NULL;

    assert_int_equal(mc_sdp_parse(text, strlen(text), &d, &why), -EINVAL);
    assert_non_null(why);
    assert_string_equal(why, want);
}

static void test_sdp_refusals(void **state)
{
    (void)state;
    expect_sdp_refused("", "SDP is empty");
    expect_sdp_refused("s=x\nv=0\n", "SDP does not start with v=0");
    expect_sdp_refused("v=1\n", "SDP does not start with v=0");
    expect_sdp_refused("v=0\ns=x\nc=IN IP4 239.1.1.1\n", "SDP has no m= line");
    expect_sdp_refused("v=0\nc=IN IP4 10.0.0.1\nm=video 5000 RTP/AVP 33\n",
                       "SDP names no multicast connection address");
    expect_sdp_refused("v=0\nm=video 5000 RTP/AVP 33\n",
                       "SDP names no multicast connection address");
    expect_sdp_refused("v=0\nc=IN IP6 239.1.1.1\nm=video 5000 RTP/AVP 33\n",
                       "SDP c= line not IN IP4|IP6 ADDR");
    expect_sdp_refused("v=0\nc=IN IP4 239.1.1.1\nm=video 70000 RTP/AVP 33\n",
                       "SDP m= line without a port 1..65535");
    expect_sdp_refused("v=0\nc=IN IP4 239.1.1.1\nm=video\n",
                       "SDP m= line without a port 1..65535");
}

static void test_table(void **state)
{
    struct mc_sap_table *t;
    struct mc_sap_session s;
    struct mc_sap_counters c;
    uint8_t b[1024];
    const char *why = NULL;
    char cmd[256];
    size_t n;
    int k;

    (void)state;
    assert_int_equal(mc_sap_table_new(2, &t), 0);
    n = sap(b, 0, 0x10, "10.200.0.1", 0, "application/sdp", SDP_SSM);
    assert_int_equal(mc_sap_table_feed(t, "lab0", b, n, 0, &s, &why),
                     MC_SAP_NEW);
    assert_string_equal(s.sdp.name, "Camera 1");
    assert_int_equal(mc_sap_table_next_ns(t), 3600 * S_NS);
    k = mc_sap_join_command(&s, cmd, sizeof cmd);
    assert_int_equal(k, (int)strlen(cmd));
    assert_string_equal(cmd,
                        "join-source 232.1.2.3 10.200.0.1 dev lab0 port 5004");
    /* again 500 s later: a refresh; the timeout is 10 x 500 s */
    assert_int_equal(mc_sap_table_feed(t, "lab0", b, n, 500 * S_NS, &s, &why),
                     MC_SAP_REFRESH);
    assert_int_equal(s.announcements, 2);
    assert_int_equal(mc_sap_table_next_ns(t), 5500 * S_NS);
    /* a changed SDP under the same hash */
    n = sap(b, 0, 0x10, "10.200.0.1", 0, NULL, SDP_ASM6);
    assert_int_equal(mc_sap_table_feed(t, "lab0", b, n, 600 * S_NS, &s, &why),
                     MC_SAP_CHANGED);
    k = mc_sap_join_command(&s, cmd, sizeof cmd);
    assert_int_equal(k, (int)strlen(cmd));
    assert_string_equal(cmd, "join ff15::99 dev lab0 port 5006");
    /* a second and a third session: the cap is 2 */
    n = sap(b, 0, 0x11, "10.200.0.1", 0, NULL, SDP_SSM);
    assert_int_equal(mc_sap_table_feed(t, "lab0", b, n, 600 * S_NS, NULL, &why),
                     MC_SAP_NEW);
    n = sap(b, 0, 0x12, "10.200.0.1", 0, NULL, SDP_SSM);
    assert_int_equal(mc_sap_table_feed(t, "lab0", b, n, 600 * S_NS, NULL, &why),
                     MC_SAP_FULL);
    assert_int_equal(mc_sap_table_count(t), 2);
    /* a deletion of 0x11 */
    n = sap(b, 0x04, 0x11, "10.200.0.1", 0, NULL, SDP_SSM);
    assert_int_equal(mc_sap_table_feed(t, "lab0", b, n, 601 * S_NS, &s, &why),
                     MC_SAP_DELETED);
    assert_int_equal(s.msg_id_hash, 0x11);
    assert_int_equal(mc_sap_table_count(t), 1);
    /* a refused packet */
    assert_int_equal(mc_sap_table_feed(t, "lab0", b, 3, 601 * S_NS, NULL, &why),
                     MC_SAP_NONE);
    assert_string_equal(why, "SAP header cut short");
    /* the first one ages out: 10 x 100 s < one hour after 600 s */
    assert_int_equal(mc_sap_table_expire(t, 4200 * S_NS - 1), 0);
    assert_int_equal(mc_sap_table_expire(t, 4200 * S_NS), 1);
    assert_int_equal(mc_sap_table_count(t), 0);
    mc_sap_table_counters(t, &c);
    assert_int_equal(c.packets, 7);
    assert_int_equal(c.dropped, 1);
    assert_int_equal(c.deletions, 1);
    assert_int_equal(c.refused, 1);
    assert_int_equal(c.expired, 1);
    mc_sap_table_free(t);
}

static void test_join_ssm_without_source(void **state)
{
    struct mc_sap_session s;
    char cmd[64];

    (void)state;
    memset(&s, 0, sizeof s);
    s.sdp.group = tu_addr("232.9.9.9");
    s.sdp.port = 5000;
    assert_int_equal(mc_sap_join_command(&s, cmd, sizeof cmd), -EINVAL);
    s.sdp.group = tu_addr("239.9.9.9");
    assert_int_equal(mc_sap_join_command(&s, cmd, 8), -ENOSPC);
    assert_int_equal(mc_sap_join_command(&s, cmd, sizeof cmd), 24);
    assert_string_equal(cmd, "join 239.9.9.9 port 5000");
}

/* What send ... sap writes reads back the same (and with sap_announce.py's
 * layout: type string, no authentication). */
static void test_write_round_trip(void **state)
{
    struct mc_addr o4 = tu_addr("10.200.0.1"), g4 = tu_addr("232.7.7.7"),
                   s4 = tu_addr("10.200.0.2"), o6 = tu_addr("fd42::1"),
                   g6 = tu_addr("ff15::7"), none = {0};
    char sdp[512];
    uint8_t b[1024];
    struct mc_sap_msg m;
    struct mc_sdp d;
    const char *why = NULL;
    int n;

    (void)state;
    n = mc_sdp_write(sdp, sizeof sdp, "mcscope 232.7.7.7 port 5001", &o4, &g4,
                     5001, 4, &s4);
    assert_true(n > 0);
    n = mc_sap_write(b, sizeof b, &o4, 0xbeef, false, sdp);
    assert_true(n > 0);
    assert_int_equal(mc_sap_parse(b, (size_t)n, &m, &why), 0);
    assert_false(m.deletion);
    assert_int_equal(m.msg_id_hash, 0xbeef);
    tu_expect_addr(&m.origin, "10.200.0.1");
    assert_int_equal(
        mc_sdp_parse((const char *)m.payload, m.payload_len, &d, &why), 0);
    assert_string_equal(d.name, "mcscope 232.7.7.7 port 5001");
    tu_expect_addr(&d.group, "232.7.7.7");
    assert_int_equal(d.port, 5001);
    assert_int_equal(d.ttl, 4);
    assert_string_equal(d.media, "application");
    assert_int_equal(d.nsources, 1);
    tu_expect_addr(&d.sources[0], "10.200.0.2");
    /* IPv6, no source, a deletion */
    n = mc_sdp_write(sdp, sizeof sdp, "x", &o6, &g6, 6000, 0, &none);
    assert_true(n > 0);
    n = mc_sap_write(b, sizeof b, &o6, 1, true, sdp);
    assert_int_equal(mc_sap_parse(b, (size_t)n, &m, &why), 0);
    assert_true(m.deletion);
    tu_expect_addr(&m.origin, "fd42::1");
    assert_int_equal(
        mc_sdp_parse((const char *)m.payload, m.payload_len, &d, &why), 0);
    tu_expect_addr(&d.group, "ff15::7");
    assert_int_equal(d.nsources, 0);
    /* too small */
    assert_int_equal(mc_sdp_write(sdp, 10, "x", &o6, &g6, 6000, 0, &none),
                     -ENOSPC);
    assert_int_equal(mc_sap_write(b, 10, &o6, 1, true, "v=0"), -ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sap_header),
        cmocka_unit_test(test_sap_refusals),
        cmocka_unit_test(test_sdp),
        cmocka_unit_test(test_sdp_refusals),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_join_ssm_without_source),
        cmocka_unit_test(test_write_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
