/*
 * Unit tests: core/event.c, the words of an event: each type rendered
 * from its fields, arrows in UTF-8 or ASCII, long text cut safely.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "mcscope/event.h"
#include "testutil.h"

static const char *fmt(const struct mc_event *e, unsigned flags)
{
    static char buf[MC_EVENT_TEXT_MAX];

    return mc_event_format(e, buf, sizeof buf, flags);
}

static void test_commands(void **state)
{
    struct mc_event e = {.kind = MC_EV_OK,
                         .type = MC_ET_COMMAND,
                         .verb = "join",
                         .detail = "join 239.1.2.3 dev lab0"};

    (void)state;
    assert_string_equal(fmt(&e, 0), "join 239.1.2.3 dev lab0");
    e.kind = MC_EV_ERROR;
    e.result = -ENODEV;
    e.why = "no interface lab0";
    assert_string_equal(fmt(&e, 0), "join 239.1.2.3 dev lab0: no interface "
                                    "lab0");
    e = (struct mc_event){.kind = MC_EV_REFUSED,
                          .type = MC_ET_REFUSED,
                          .detail = "jion x",
                          .why = "unknown verb"};
    assert_string_equal(fmt(&e, 0), "jion x: unknown verb");
    e = (struct mc_event){.type = MC_ET_ECHO, .detail = "hello"};
    assert_string_equal(fmt(&e, MC_EVENT_UTF8), "hello");
    assert_string_equal(mc_event_kind_name(MC_EV_REFUSED), "refused");
}

static void test_sources_and_senders(void **state)
{
    struct mc_event e = {.type = MC_ET_NEW_SOURCE,
                         .group = tu_addr("239.1.2.3"),
                         .source = tu_addr("10.0.0.1"),
                         .port = 5000};

    (void)state;
    assert_string_equal(fmt(&e, 0), "239.1.2.3 port 5000: new source 10.0.0.1");
    e.flags = MC_EVF_WIRE;
    assert_string_equal(fmt(&e, 0), "239.1.2.3 port 5000: new source 10.0.0.1 "
                                    "on the wire");
    e.type = MC_ET_SOURCE_RESTART;
    assert_non_null(strstr(fmt(&e, 0), "source 10.0.0.1 restarted"));
    e = (struct mc_event){.type = MC_ET_SEND_END,
                          .group = tu_addr("ff15::1"),
                          .port = 5000,
                          .count = 10};
    assert_string_equal(fmt(&e, 0), "send ff15::1 port 5000 done: 10 sent");
    e.flags = MC_EVF_STOPPED;
    assert_string_equal(fmt(&e, 0), "send ff15::1 port 5000 stopped: 10 sent");
    e.result = -ENETUNREACH;
    e.why = "no route";
    assert_string_equal(
        fmt(&e, 0), "send ff15::1 port 5000 failed after 10 sent: no route");
}

static void test_wire(void **state)
{
    struct mc_event e = {.type = MC_ET_WIRE_MSG,
                         .dir = MC_WIRE_DIR_IN,
                         .proto = MC_PROTO_MLDV2,
                         .ifname = "lab0",
                         .source = tu_addr("fe80::1"),
                         .detail = "mldv2 report: ALLOW_NEW_SOURCES ff15::1 "
                                   "{fd42::2}"};

    (void)state;
    assert_string_equal(fmt(&e, MC_EVENT_UTF8),
                        "\xe2\x86\x90 MLDv2 lab0 from fe80::1 "
                        "ALLOW_NEW_SOURCES ff15::1 {fd42::2}");
    assert_string_equal(fmt(&e, 0), "<- MLDv2 lab0 from fe80::1 "
                                    "ALLOW_NEW_SOURCES ff15::1 {fd42::2}");
    e.dir = MC_WIRE_DIR_OUT; /* the host's own: no sender */
    assert_string_equal(fmt(&e, 0),
                        "-> MLDv2 lab0 ALLOW_NEW_SOURCES ff15::1 {fd42::2}");
    e = (struct mc_event){.type = MC_ET_WIRE_MALFORMED,
                          .dir = MC_WIRE_DIR_IN,
                          .ifname = "lab0",
                          .source = tu_addr("10.0.0.9"),
                          .why = "bad checksum"};
    assert_string_equal(fmt(&e, 0),
                        "<- lab0 malformed frame from 10.0.0.9: bad checksum");
    e = (struct mc_event){
        .type = MC_ET_WIRE_UNLOGGED, .count = 7, .count2 = 50};
    assert_non_null(strstr(fmt(&e, 0), "7 more wire events were not logged "
                                       "(over 50 a second)"));
}

static void test_captures(void **state)
{
    struct mc_event e = {
        .type = MC_ET_CAPTURE_OPEN, .ifname = "lo", .flags = MC_EVF_SPLIT};
    char small[8];

    (void)state;
    assert_string_equal(fmt(&e, 0), "capturing on lo (incoming and outgoing, "
                                    "two captures)");
    e.flags = 0;
    e.detail = "x.pcap";
    assert_string_equal(fmt(&e, 0),
                        "capturing on lo (both directions), writing x.pcap");
    e = (struct mc_event){.type = MC_ET_CAPTURE_CLOSED,
                          .ifname = "lo",
                          .detail = "pcap off",
                          .count = 3,
                          .count2 = 1};
    assert_string_equal(fmt(&e, 0), "capture on lo closed (pcap off): 3 "
                                    "frames, 1 dropped by pcap");
    e = (struct mc_event){.type = MC_ET_CAPTURE_FAILED,
                          .ifname = "lo",
                          .flags = MC_EVF_OPEN,
                          .why = "denied"};
    assert_string_equal(fmt(&e, 0), "pcap on lo: denied");
    e.flags = 0;
    e.detail = "x.pcap";
    assert_string_equal(fmt(&e, 0), "x.pcap: denied");
    e.detail = NULL;
    assert_string_equal(fmt(&e, 0), "denied");
    /* Cut to the buffer, always terminated. */
    assert_string_equal(mc_event_format(&e, small, sizeof small, 0), "denied");
    e.why = "a much longer reason";
    assert_int_equal(strlen(mc_event_format(&e, small, sizeof small, 0)), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_sources_and_senders),
        cmocka_unit_test(test_wire),
        cmocka_unit_test(test_captures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
