/*
 * Integration test: the link's streams (`discover on`) and SAP sessions
 * (`sap on`), both families.
 *
 * RX runs `discover on dev lab0` and `sap on dev lab0` and writes what it
 * captures to a pcap file.  S1 and S2 send (mcscope's `send`) to an ASM and
 * an SSM group; RX joins the ASM one.  tests/netns/sap_announce.py (an
 * independent RFC 2974 writer in python3) announces from S1 a session of
 * the SSM group with an a=source-filter naming S2, three times, then
 * deletes it.  Checked:
 *  - the discovered streams are exactly the (group, port, source) triples
 *    tshark finds in the same capture, with the same packet counts, and
 *    exactly the ones sent (the two streams and SAP itself); joined is
 *    true for the ASM group only;
 *  - the session shows with its name, group, port, media, source and the
 *    join-source command, 3 announcements; the deletion removes it, both
 *    logged;
 *  - mcscope's own `send ... sap` shows as a session while it sends and
 *    goes with its deletion when stopped;
 *  - 400 announcements of distinct sessions stop at the table's cap.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lab.h"
#include "mcscope/discover.h"
#include "mcscope/sap.h"
#include "montest.h"
#include "runout.h"

#define OUT_MAX (1 << 20)

static struct lab *lab;

/* sap_announce.py in host with args (NULL-ended). */
static void announce(const char *host, ...)
{
    static char out[4096];
    char script[512];
    const char *slash = strrchr(__FILE__, '/');
    char *argv[32] = {"ip",      "netns",
                      "exec",    (char *)lab_ns_name(lab, host),
                      "python3", script};
    size_t n = 6;
    va_list ap;
    const char *a;

    snprintf(script, sizeof script, "%.*s/sap_announce.py",
             slash != NULL ? (int)(slash - __FILE__) : 1,
             slash != NULL ? __FILE__ : ".");
    va_start(ap, host);
    while ((a = va_arg(ap, const char *)) != NULL && n < 31)
        argv[n++] = (char *)a;
    va_end(ap);
    argv[n] = NULL;
    assert_int_equal(tu_run_out(argv, out, sizeof out), 0);
}

/* "GROUP PORT SOURCE COUNT" lines, sorted. */
struct rows {
    char l[64][200];
    size_t n;
};

static int cmp_row(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void ours(struct rig *r, struct rows *rs)
{
    const struct mc_discover *d = mc_monitor_discover(r->m[RX]);
    struct mc_stream_view v;

    rs->n = 0;
    for (size_t i = 0; mc_discover_get(d, i, &v) == 0; i++) {
        char g[MC_ADDR_STRLEN], s[MC_ADDR_STRLEN];

        assert_true(rs->n < 64);
        snprintf(rs->l[rs->n++], sizeof rs->l[0], "%s %u %s %llu",
                 mc_addr_format(&v.group, g, sizeof g), (unsigned)v.port,
                 mc_addr_format(&v.source, s, sizeof s),
                 (unsigned long long)v.packets);
    }
    qsort(rs->l, rs->n, sizeof rs->l[0], cmp_row);
}

/* tshark's multicast UDP in path, counted per (group, port, source). */
static void tshark_streams(int family, const char *path, struct rows *rs)
{
    static char out[OUT_MAX];
    bool v4 = family == AF_INET;
    char *argv[] = {"tshark",
                    "-r",
                    (char *)path,
                    "-Y",
                    v4 ? "udp && ip.dst == 224.0.0.0/4"
                       : "udp && ipv6.dst == ff00::/8",
                    "-T",
                    "fields",
                    "-e",
                    v4 ? "ip.dst" : "ipv6.dst",
                    "-e",
                    "udp.dstport",
                    "-e",
                    v4 ? "ip.src" : "ipv6.src",
                    NULL};
    char *lines[OUT_MAX / 16];
    struct {
        char key[140];
        unsigned long long n;
    } k[64];
    size_t nk = 0, nl;

    assert_int_equal(tu_run_out(argv, out, sizeof out), 0);
    nl = tu_split(out, '\n', lines, sizeof lines / sizeof lines[0]);
    for (size_t i = 0; i < nl; i++) {
        size_t j;

        if (lines[i][0] == '\0')
            continue;
        for (char *t = lines[i]; *t; t++)
            if (*t == '\t')
                *t = ' ';
        for (j = 0; j < nk && strcmp(k[j].key, lines[i]) != 0; j++)
            ;
        if (j == nk) {
            assert_true(nk < 64);
            snprintf(k[nk].key, sizeof k[0].key, "%s", lines[i]);
            k[nk++].n = 0;
        }
        k[j].n++;
    }
    rs->n = 0;
    for (size_t j = 0; j < nk; j++)
        snprintf(rs->l[rs->n++], sizeof rs->l[0], "%.139s %llu", k[j].key,
                 k[j].n);
    qsort(rs->l, rs->n, sizeof rs->l[0], cmp_row);
}

static bool logged(struct rig *r, enum mc_event_type type, unsigned flags)
{
    struct mc_event ev;

    for (size_t i = 0; mc_monitor_event(r->m[RX], i, &ev) == 0; i++)
        if (ev.type == type && ev.flags == flags)
            return true;
    return false;
}

static void print_rows(const char *what, const struct rows *rs)
{
    print_message("  %s:\n", what);
    for (size_t i = 0; i < rs->n; i++)
        print_message("    %s\n", rs->l[i]);
}

static void streams_and_sap(int family)
{
    bool v4 = family == AF_INET;
    const char *asm_g = v4 ? "239.5.5.5" : "ff15::55";
    const char *ssm_g = v4 ? "232.5.5.5" : "ff3e::55";
    const char *fam = v4 ? "ipv4" : "ipv6";
    char path[64], a1[MC_ADDR_STRLEN], a2[MC_ADDR_STRLEN], want[3][160];
    static struct rows a, b;
    struct mc_sap_session s;
    struct mc_err err;
    struct rig r;
    char cmd[256];

    if (!tu_have_prog("tshark") || !tu_have_prog("python3"))
        skip(); /* scripts/deps.sh installs both */
    rig_open(&r, lab, family);
    mc_addr_format(&r.a1, a1, sizeof a1);
    mc_addr_format(&r.a2, a2, sizeof a2);
    snprintf(path, sizeof path, "/tmp/mcscope-discover-%d.pcap", (int)getpid());
    lab_ok(mc_monitor_write_pcap(r.m[RX], path, &err), &err, "write pcap");
    RIG_OK(&r, RX, "discover on dev lab0");
    RIG_OK(&r, RX, "sap on dev lab0");
    RIG_OK(&r, RX, "join %s dev lab0 port 6000", asm_g);
    RIG_OK(&r, S1, "send %s dev lab0 port 6000 count 50 rate 200", asm_g);
    RIG_OK(&r, S2, "send %s dev lab0 port 6001 count 30 rate 200", ssm_g);
    rig_pump(&r, 500, NULL, NULL);

    /* an independent announcer: 3 announcements, 0.2 s apart */
    announce("S1", fam, "lab0", a1, "0x4242", "Lab camera", ssm_g, "6001", a2,
             "3", "0.2", NULL);
    rig_pump_ms(&r, 500);
    assert_int_equal(mc_sap_table_count(mc_monitor_sap(r.m[RX])), 1);
    assert_int_equal(mc_sap_table_get(mc_monitor_sap(r.m[RX]), 0, &s), 0);
    assert_string_equal(s.sdp.name, "Lab camera");
    assert_string_equal(s.sdp.media, "video");
    tu_expect_addr(&s.sdp.group, ssm_g);
    assert_int_equal(s.sdp.port, 6001);
    assert_int_equal(s.sdp.nsources, 1);
    tu_expect_addr(&s.sdp.sources[0], a2);
    tu_expect_addr(&s.origin, a1);
    assert_int_equal(s.msg_id_hash, 0x4242);
    assert_int_equal(s.announcements, 3);
    assert_true(mc_sap_join_command(&s, cmd, sizeof cmd) > 0);
    {
        char w[256];

        snprintf(w, sizeof w, "join-source %s %s dev lab0 port 6001", ssm_g,
                 a2);
        assert_string_equal(cmd, w);
    }
    assert_true(logged(&r, MC_ET_SAP_SESSION, 0));
    print_message("  SAP: \"%s\" %s port 6001 from %s: %s\n", s.sdp.name, ssm_g,
                  a2, cmd);

    /* the streams: exactly what tshark counts, and what was sent */
    ours(&r, &a);
    tshark_streams(family, path, &b);
    if (a.n != b.n || memcmp(a.l, b.l, a.n * sizeof a.l[0]) != 0) {
        print_rows("mcscope", &a);
        print_rows("tshark", &b);
        fail_msg("the discovered streams are not what tshark finds");
    }
    snprintf(want[0], sizeof want[0], "%s 6000 %s 50", asm_g, a1);
    snprintf(want[1], sizeof want[1], "%s 6001 %s 30", ssm_g, a2);
    snprintf(want[2], sizeof want[2], "%s 9875 %s 3",
             v4 ? MC_SAP_GROUP4 : MC_SAP_GROUP6, a1);
    qsort(want, 3, sizeof want[0], cmp_row);
    if (a.n != 3 || strcmp(a.l[0], want[0]) || strcmp(a.l[1], want[1]) ||
        strcmp(a.l[2], want[2])) {
        print_rows("mcscope", &a);
        fail_msg("the discovered streams are not the three sent");
    }
    print_rows("discovered, as tshark counts", &a);
    {
        json_object *rep = rig_report(&r);
        json_object *d = tj_key(rep, "discovered", json_type_array);
        size_t joined = 0;

        assert_int_equal(json_object_array_length(d), 3);
        for (size_t i = 0; i < 3; i++) {
            json_object *o = json_object_array_get_idx(d, i);
            bool j =
                json_object_get_boolean(tj_key(o, "joined", json_type_boolean));

            joined += j;
            if (j)
                assert_string_equal(tj_str(o, "group"), asm_g);
        }
        assert_int_equal(joined, 1);
        assert_int_equal(
            json_object_array_length(tj_key(rep, "sessions", json_type_array)),
            1);
        json_object_put(rep);
    }

    /* the deletion */
    announce("S1", fam, "lab0", a1, "0x4242", "Lab camera", ssm_g, "6001", a2,
             "0", "0", "delete", NULL);
    rig_pump_ms(&r, 300);
    assert_int_equal(mc_sap_table_count(mc_monitor_sap(r.m[RX])), 0);
    assert_true(logged(&r, MC_ET_SAP_SESSION, MC_EVF_DELETED));

    /* mcscope's own send ... sap: announced at the start, deleted when
     * it stops */
    RIG_OK(&r, S1, "send %s dev lab0 port 6002 rate 20 sap", asm_g);
    rig_pump_ms(&r, 400);
    assert_int_equal(mc_sap_table_count(mc_monitor_sap(r.m[RX])), 1);
    assert_int_equal(mc_sap_table_get(mc_monitor_sap(r.m[RX]), 0, &s), 0);
    {
        char name[128];

        snprintf(name, sizeof name, "mcscope %s port 6002", asm_g);
        assert_string_equal(s.sdp.name, name);
    }
    tu_expect_addr(&s.sdp.group, asm_g);
    assert_int_equal(s.sdp.port, 6002);
    tu_expect_addr(&s.origin, a1);
    assert_int_equal(mc_sap_join_command(&s, cmd, sizeof cmd) > 0, 1);
    print_message("  send ... sap: \"%s\", %s\n", s.sdp.name, cmd);
    RIG_OK(&r, S1, "stop-send %s", asm_g);
    rig_pump_ms(&r, 300);
    assert_int_equal(mc_sap_table_count(mc_monitor_sap(r.m[RX])), 0);

    /* a flood of sessions: the cap holds */
    announce("S1", fam, "lab0", a1, "0x1000", "Flood", ssm_g, "6001", a2, "0",
             "0", "flood", "400", NULL);
    rig_pump_ms(&r, 500);
    {
        struct mc_sap_counters c;

        mc_sap_table_counters(mc_monitor_sap(r.m[RX]), &c);
        print_message("  400 announced: %zu kept, %llu dropped\n",
                      mc_sap_table_count(mc_monitor_sap(r.m[RX])),
                      (unsigned long long)c.dropped);
        assert_int_equal(mc_sap_table_count(mc_monitor_sap(r.m[RX])),
                         MC_SAP_SESSIONS_MAX);
        assert_int_equal(c.dropped, 400 - MC_SAP_SESSIONS_MAX);
    }
    RIG_OK(&r, RX, "sap off");
    RIG_OK(&r, RX, "discover off");
    assert_int_equal(mc_sap_table_count(mc_monitor_sap(r.m[RX])), 0);
    assert_int_equal(mc_discover_count(mc_monitor_discover(r.m[RX])), 0);
    rig_close(&r);
    unlink(path);
}

LAB_BOTH_FAMILIES(streams_and_sap, AF_INET6, AF_INET)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(streams_and_sap_v6, lab_leave_teardown),
        cmocka_unit_test_teardown(streams_and_sap_v4, lab_leave_teardown),
    };
    int rc;

    lab = lab_create(false);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
