/*
 * Unit tests: core/wirecheck.c and core/wirecheck_read.c without a
 * monitor and without a capture: hand-made raw IPv4 frames, decoded by
 * core/wire_*.c, are fed as a capture on an interface would deliver them, and
 * the host's answers (which group, count, events) are a test double.
 *
 * Covered: incoming UDP to a group of the host counted per source, a new
 * source as an event, outgoing and foreign UDP not counted; an IGMP
 * report in the reports list and as an event (direction, protocol,
 * interface, sender); a malformed frame counted and logged; the wire
 * event rate and its summary at the tick; the reports list as a ring;
 * no capture: nothing covered, no deadline, pcap off dev refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mcscope/hdr.h"
#include "mcscope/wirecheck.h"
#include "testutil.h"

#define LAB0 7 /* the ifindex the tests capture "on" */

/* ---- the host: one group, 232.1.1.1 port 5001 on LAB0 ---- */

struct host {
    int group; /* the handle find_group returns */
    struct mc_addr seen[4];
    size_t nseen;
    uint64_t counted, bytes;
    char events[64][256];
    size_t nevents;
    enum mc_event_kind kinds[64];
    enum mc_event_type types[64];
};

static void *find_group(void *arg, unsigned ifindex, const struct mc_addr *dst,
                        uint16_t port)
{
    struct host *h = arg;
    struct mc_addr g = tu_addr("232.1.1.1");

    if (ifindex == LAB0 && port == 5001 && mc_addr_equal(dst, &g))
        return &h->group;
    return NULL;
}

static bool count(void *arg, void *group, const struct mc_addr *src, size_t len,
                  int64_t mono_ns)
{
    struct host *h = arg;

    assert_ptr_equal(group, &h->group);
    assert_true(mono_ns > 0);
    h->counted++;
    h->bytes += len;
    for (size_t i = 0; i < h->nseen; i++)
        if (mc_addr_equal(&h->seen[i], src))
            return false;
    if (h->nseen < 4)
        h->seen[h->nseen++] = *src;
    return true;
}

static void event(void *arg, const struct mc_event *ev)
{
    struct host *h = arg;

    if (h->nevents < 64) {
        h->kinds[h->nevents] = ev->kind;
        h->types[h->nevents] = ev->type;
        snprintf(h->events[h->nevents++], sizeof h->events[0], "%s",
                 tu_event_text(ev));
    }
}

static const struct mc_wirecheck_ops ops = {find_group, count, event};

static struct mc_wirecheck *wc_new(struct host *h, unsigned max_reports)
{
    struct mc_wirecheck_opts o = {.max_reports = max_reports};
    struct mc_wirecheck *wc;

    memset(h, 0, sizeof *h);
    assert_int_equal(mc_wirecheck_new(&o, &ops, h, &wc), 0);
    return wc;
}

/* ---- frames: raw IPv4 ---- */

struct frame {
    uint8_t b[256];
    size_t len;
};

static size_t ip4(uint8_t *out, const char *src, const char *dst,
                  unsigned proto, const uint8_t *l4, size_t l4len, bool ra)
{
    static const uint8_t router_alert[4] = {0x94, 0x04, 0x00, 0x00};
    struct mc_ip4_hdr h;
    int n;

    memset(&h, 0, sizeof h);
    h.version = 4;
    h.ttl = 1;
    h.protocol = proto;
    h.src = tu_addr(src);
    h.dst = tu_addr(dst);
    if (ra) {
        memcpy(h.options, router_alert, sizeof router_alert);
        h.options_len = sizeof router_alert;
    }
    h.len = 20 + h.options_len;
    h.total_len = (unsigned)(h.len + l4len);
    n = mc_ip4_hdr_marshal(&h, out, 60);
    assert_true(n >= 20);
    memcpy(out + n, l4, l4len);
    return (size_t)n + l4len;
}

static void udp(struct frame *f, const char *src, const char *dst,
                unsigned dport)
{
    uint8_t u[8 + 16] = {0x9c, 0x41}; /* source port 40001 */

    u[2] = (uint8_t)(dport >> 8);
    u[3] = (uint8_t)dport;
    u[5] = sizeof u;
    f->len = ip4(f->b, src, dst, 17, u, sizeof u, false);
}

/* An IGMPv2 membership report for group, from 10.200.0.10. */
static void igmp2_report(struct frame *f, const char *group)
{
    uint8_t m[8] = {0x16};
    struct mc_addr g = tu_addr(group);
    uint16_t ck;

    memcpy(m + 4, &g.u.v4, 4);
    ck = mc_inet_checksum(m, sizeof m);
    m[2] = (uint8_t)(ck >> 8);
    m[3] = (uint8_t)ck;
    f->len = ip4(f->b, "10.200.0.10", group, 2, m, sizeof m, true);
}

/* Feed f as captured on lab0 in direction dir. */
static void feed(struct mc_wirecheck *wc, const struct frame *f,
                 enum mc_wire_dir dir)
{
    struct mc_capture_frame cf = {.data = f->b,
                                  .caplen = f->len,
                                  .len = f->len,
                                  .linktype = MC_LINK_IPV4};
    struct mc_wire_clock clk = {.mono_now = 5000000000LL,
                                .real_now = 1700000000000000000LL};
    struct mc_wire_pkt p;

    cf.ts.tv_sec = 1700000000;
    mc_wire_decode(MC_LINK_IPV4, f->b, f->len, &p);
    p.dir = dir;
    mc_wirecheck_feed(wc, LAB0, "lab0", &cf, &p, &clk);
}

static void counters(const struct mc_wirecheck *wc,
                     struct mc_wirecheck_counters *c)
{
    mc_wirecheck_counters(wc, c);
}

/* ---- tests ---- */

static void test_udp_counts(void **state)
{
    struct host h;
    struct mc_wirecheck *wc = wc_new(&h, 0);
    struct mc_wirecheck_counters c;
    struct frame f;

    (void)state;
    udp(&f, "10.200.0.1", "232.1.1.1", 5001);
    feed(wc, &f, MC_WIRE_DIR_IN);
    feed(wc, &f, MC_WIRE_DIR_IN);
    assert_int_equal(h.counted, 2);
    assert_int_equal(h.bytes, 2 * 16);
    assert_int_equal(h.nevents, 1); /* the new source, once */
    assert_int_equal(h.kinds[0], MC_EV_INFO);
    assert_int_equal(h.types[0], MC_ET_NEW_SOURCE);
    assert_string_equal(h.events[0],
                        "232.1.1.1 port 5001: new source 10.200.0.1 on the "
                        "wire");
    /* The host's own (outgoing): never counted. */
    feed(wc, &f, MC_WIRE_DIR_OUT);
    assert_int_equal(h.counted, 2);
    /* Another port, another group: not the host's. */
    udp(&f, "10.200.0.1", "232.1.1.1", 5002);
    feed(wc, &f, MC_WIRE_DIR_IN);
    udp(&f, "10.200.0.1", "232.1.1.2", 5001);
    feed(wc, &f, MC_WIRE_DIR_IN);
    assert_int_equal(h.counted, 2);
    counters(wc, &c);
    assert_int_equal(c.frames, 5);
    assert_int_equal(c.udp, 2);
    assert_int_equal(c.udp_other, 2);
    assert_int_equal(c.msgs, 0);
    assert_int_equal(mc_wirecheck_nmsgs(wc), 0);
    mc_wirecheck_free(wc);
}

static void test_report_and_malformed(void **state)
{
    struct host h;
    struct mc_wirecheck *wc = wc_new(&h, 0);
    struct mc_wirecheck_counters c;
    struct mc_wiremsg_view w;
    struct frame f;

    (void)state;
    igmp2_report(&f, "239.7.7.7");
    feed(wc, &f, MC_WIRE_DIR_IN);
    assert_int_equal(mc_wirecheck_nmsgs(wc), 1);
    assert_int_equal(mc_wirecheck_msg(wc, 0, &w), 0);
    assert_int_equal(mc_wirecheck_msg(wc, 1, &w), -ENOENT);
    assert_int_equal(mc_wirecheck_msg(wc, 0, &w), 0);
    assert_int_equal(w.seq, 1);
    assert_int_equal(w.proto, MC_PROTO_IGMPV2);
    assert_int_equal(w.type, MC_MSG_REPORT);
    assert_int_equal(w.dir, MC_WIRE_DIR_IN);
    assert_string_equal(w.ifname, "lab0");
    tu_expect_addr(&w.group, "239.7.7.7");
    tu_expect_addr(&w.src, "10.200.0.10");
    assert_int_equal(w.nrecords, 0);
    assert_int_equal(h.nevents, 1);
    assert_non_null(strstr(h.events[0], "IGMPv2 lab0 from 10.200.0.10"));
    assert_non_null(strstr(h.events[0], "239.7.7.7"));
    assert_int_equal(h.types[0], MC_ET_WIRE_MSG);
    {
        char line[MC_EVENT_TEXT_MAX];

        assert_string_equal(
            mc_wiremsg_format(&w, line, sizeof line, MC_EVENT_UTF8),
            h.events[0]);
        /* ASCII arrows when the terminal has no UTF-8. */
        assert_true(strncmp(mc_wiremsg_format(&w, line, sizeof line, 0),
                            "<- IGMPv2 lab0 from 10.200.0.10 ", 32) == 0);
    }

    /* Cut short: malformed, counted and logged with its sender. */
    f.len -= 4;
    feed(wc, &f, MC_WIRE_DIR_IN);
    counters(wc, &c);
    assert_int_equal(c.frames, 2);
    assert_int_equal(c.malformed, 1);
    assert_int_equal(c.msgs, 1);
    assert_int_equal(h.nevents, 2);
    assert_non_null(strstr(h.events[1], "lab0 malformed frame from "
                                        "10.200.0.10: "));
    /* Not IP at all. */
    memset(f.b, 0, sizeof f.b);
    feed(wc, &f, MC_WIRE_DIR_IN);
    counters(wc, &c);
    assert_int_equal(c.frames, 3);
    assert_int_equal(c.malformed + c.not_ip, 2);
    mc_wirecheck_free(wc);
}

static void test_event_rate(void **state)
{
    struct host h;
    struct mc_wirecheck *wc = wc_new(&h, 3);
    struct mc_wirecheck_counters c;
    struct mc_wiremsg_view w;
    struct frame f;

    (void)state;
    igmp2_report(&f, "239.7.7.8");
    for (unsigned i = 0; i < MC_MON_WIRE_EVENTS_PER_S + 10; i++)
        feed(wc, &f, MC_WIRE_DIR_IN);
    assert_int_equal(h.nevents, MC_MON_WIRE_EVENTS_PER_S);
    counters(wc, &c);
    assert_int_equal(c.events_unlogged, 10);
    assert_int_equal(c.msgs, MC_MON_WIRE_EVENTS_PER_S + 10);
    mc_wirecheck_tick(wc);
    assert_int_equal(h.nevents, MC_MON_WIRE_EVENTS_PER_S + 1);
    assert_non_null(
        strstr(h.events[h.nevents - 1], "10 more wire events were not logged"));
    mc_wirecheck_tick(wc); /* nothing pending: nothing said */
    assert_int_equal(h.nevents, MC_MON_WIRE_EVENTS_PER_S + 1);
    feed(wc, &f, MC_WIRE_DIR_IN); /* a new second logs again */
    assert_int_equal(h.nevents, MC_MON_WIRE_EVENTS_PER_S + 2);
    /* The reports list keeps the newest 3. */
    assert_int_equal(mc_wirecheck_nmsgs(wc), 3);
    assert_int_equal(mc_wirecheck_msg(wc, 0, &w), 0);
    assert_int_equal(w.seq, MC_MON_WIRE_EVENTS_PER_S + 11 - 2);
    assert_int_equal(mc_wirecheck_msg(wc, 2, &w), 0);
    assert_int_equal(w.seq, MC_MON_WIRE_EVENTS_PER_S + 11);
    mc_wirecheck_free(wc);
}

static void test_no_capture(void **state)
{
    struct host h;
    struct mc_wirecheck *wc = wc_new(&h, 0);
    struct mc_capture_view cv;
    struct mc_err err;

    (void)state;
    assert_false(mc_wirecheck_covers(wc, 0));
    assert_false(mc_wirecheck_covers(wc, LAB0));
    assert_false(mc_wirecheck_auto(wc));
    assert_int_equal(mc_wirecheck_next_ns(wc), INT64_MAX);
    assert_int_equal(mc_wirecheck_ncaptures(wc), 0);
    assert_int_equal(mc_wirecheck_capture(wc, 0, &cv), -ENOENT);
    assert_int_equal(mc_wirecheck_pollfds(wc, NULL, NULL, 0), 0);
    assert_int_equal(mc_wirecheck_pcap_off(wc, "lab0", &err), -ESRCH);
    assert_non_null(strstr(err.msg, "no capture is running on lab0"));
    assert_int_equal(mc_wirecheck_pcap_on_dev(wc, "any", &err), -EINVAL);
    assert_false(mc_wirecheck_before_join(wc, LAB0, "lab0")); /* not on */
    assert_int_equal(mc_wirecheck_pcap_off(wc, "", &err), 0);
    assert_null(mc_wirecheck_pcap_file(wc));
    assert_int_equal(h.nevents, 0);
    mc_wirecheck_free(wc);
    mc_wirecheck_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udp_counts),
        cmocka_unit_test(test_report_and_malformed),
        cmocka_unit_test(test_event_rate),
        cmocka_unit_test(test_no_capture),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
