/*
 * Integration test of unicast TCP (core/tcp.c, the seed's unicast
 * example) in a namespace lab: S1 listens (tcp-listen) and sets the
 * traffic class and hop limit on each accepted connection; RX connects
 * (tcp-connect) and reads.  tcpdump on RX's lab0 captures the segments
 * meanwhile, and tshark reads them back:
 *
 *   - port 5002 with tclass 0x28 (AF11) and hop limit 3: every segment of
 *     S1's with data has ipv6.tclass 0x28 and ipv6.hlim 3 on the wire,
 *     their tcp.len add up to the bytes RX read, and RX's connection
 *     reports exactly that traffic class and hop limit;
 *   - port 5003 with neither set: the kernel's defaults (0, and the
 *     link's hop limit 64), the same on both sides;
 *   - the SYN-ACK left before SetTrafficClass: it carries the
 *     listener's values (printed, as the lesson says).
 *
 * Root only (skips with 77 otherwise).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lab.h"
#include "runout.h"
#include "tcpdump.h"
#include "mcscope/tcp.h"

static struct lab *lab;

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* RX's connection (the only one it made, the newest) once it closed. */
static void run_conn(struct mc_tcp *s1, struct mc_tcp *rx, uint16_t port,
                     struct mc_tcp_conn *got, struct mc_tcp_conn *sent)
{
    struct mc_addr a;
    struct mc_err err;
    long deadline = now_ms() + 5000;
    size_t n;

    lab_host_addr("S1", AF_INET6, 0, &a);
    lab_ok(mc_tcp_connect(rx, &a, port, &err), &err, "mc_tcp_connect");
    n = mc_tcp_nconns(rx);
    for (;;) {
        mc_tcp_step(s1, NULL, NULL);
        mc_tcp_step(rx, NULL, NULL);
        assert_int_equal(mc_tcp_conn(rx, n - 1, got), 0);
        if (!got->open)
            break;
        if (now_ms() > deadline)
            fail_msg("port %u: RX's connection never closed", port);
        usleep(10000);
    }
    assert_int_equal(got->error, 0);
    assert_int_equal(mc_tcp_conn(s1, mc_tcp_nconns(s1) - 1, sent), 0);
    assert_true(sent->accepted);
    assert_int_equal(sent->port, port);
}

/* tshark's lines "tclass hlim len" for S1's segments from port with data
 * (or the SYN-ACK, syn), one a line. */
static void tshark_segments(const char *path, uint16_t port, bool syn,
                            char *out, size_t len)
{
    char filter[160];
    char *argv[] = {"tshark",    "-r",     (char *)path, "-Y",          filter,
                    "-T",        "fields", "-e",         "ipv6.tclass", "-e",
                    "ipv6.hlim", "-e",     "tcp.len",    NULL};

    snprintf(filter, sizeof filter,
             "ipv6.src==fd42::1 && tcp.srcport==%u && %s", (unsigned)port,
             syn ? "tcp.flags.syn==1" : "tcp.len>0");
    if (tu_run_out(argv, out, len) != 0)
        fail_msg("tshark -Y '%s' failed", filter);
}

/* Every data segment has tclass and hlim; their lengths add up to bytes. */
static void check_wire(const char *path, uint16_t port, int tclass, int hlim,
                       uint64_t bytes)
{
    static char out[1 << 14];
    unsigned long tc, hl, l, sum = 0, nseg = 0;
    char *line, *save = NULL;

    tshark_segments(path, port, false, out, sizeof out);
    for (line = strtok_r(out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (sscanf(line, "%lx %lu %lu", &tc, &hl, &l) != 3)
            fail_msg("port %u: tshark line '%s'", port, line);
        assert_int_equal(tc, (unsigned long)tclass);
        assert_int_equal(hl, (unsigned long)hlim);
        sum += l;
        nseg++;
    }
    print_message("  port %u: %lu data segments, %lu bytes, tclass 0x%02x, "
                  "hop limit %d on the wire (tshark)\n",
                  port, nseg, sum, tclass, hlim);
    assert_true(nseg >= 1);
    assert_int_equal(sum, bytes);
    tshark_segments(path, port, true, out, sizeof out);
    print_message("  port %u: the SYN-ACK (before the options were set): "
                  "tclass hlim len %s",
                  port, out);
}

/* Until the capture file holds S1's FIN from port (tcpdump writes each
 * frame as it comes, -U), at most 5 s. */
static void wait_fin(const char *path, uint16_t port)
{
    static char out[1 << 12];
    char filter[96];
    char *argv[] = {"tshark", "-r", (char *)path, "-Y", filter, NULL};
    long deadline = now_ms() + 5000;

    snprintf(filter, sizeof filter,
             "ipv6.src==fd42::1 && tcp.srcport==%u && tcp.flags.fin==1",
             (unsigned)port);
    while (tu_run_out(argv, out, sizeof out) != 0 || out[0] == '\0') {
        if (now_ms() > deadline)
            fail_msg("the capture never had S1's FIN from port %u", port);
        usleep(50000);
    }
}

/* Nothing listens on S1's port 5009: RX's connection closes with
 * ECONNREFUSED (S1's kernel answered with a RST). */
static void tcp_refused(void **state)
{
    struct mc_tcp *rx;
    struct mc_tcp_conn c;
    struct mc_addr a;
    struct mc_err err;
    long deadline = now_ms() + 5000;

    (void)state;
    assert_int_equal(mc_tcp_new(&rx), 0);
    lab_host_addr("S1", AF_INET6, 0, &a);
    lab_enter(lab, "RX");
    lab_ok(mc_tcp_connect(rx, &a, 5009, &err), &err, "mc_tcp_connect");
    lab_leave(lab);
    do {
        mc_tcp_step(rx, NULL, NULL);
        assert_int_equal(mc_tcp_conn(rx, 0, &c), 0);
        if (c.open)
            usleep(10000);
    } while (c.open && now_ms() < deadline);
    assert_false(c.open);
    assert_int_equal(c.error, -ECONNREFUSED);
    assert_int_equal(c.bytes_in, 0);
    mc_tcp_free(rx);
}

static void tcp_tclass_hoplimit(void **state)
{
    char path[64];
    struct tcpdump td;
    struct mc_tcp *s1, *rx;
    struct mc_tcp_conn got, sent, got2, sent2;
    struct mc_err err;

    (void)state;
    if (!tu_have_prog("tcpdump") || !tu_have_prog("tshark"))
        skip();
    snprintf(path, sizeof path, "/tmp/mcscope-tcp-%ld.pcap", (long)getpid());
    assert_int_equal(mc_tcp_new(&s1), 0);
    assert_int_equal(mc_tcp_new(&rx), 0);
    lab_enter(lab, "S1");
    lab_ok(mc_tcp_listen(s1, 5002, 0x28, 3, &err), &err, "listen 5002");
    lab_ok(mc_tcp_listen(s1, 5003, -1, -1, &err), &err, "listen 5003");
    lab_leave(lab);
    assert_true(tcpdump_start(&td, lab_ns_name(lab, "RX"), "in",
                              "tcp and (port 5002 or port 5003)", path));
    lab_enter(lab, "RX");
    run_conn(s1, rx, 5002, &got, &sent);
    run_conn(s1, rx, 5003, &got2, &sent2);
    lab_leave(lab);
    wait_fin(path, 5003);
    tcpdump_stop(&td);

    /* what each side says */
    assert_int_equal(sent.tclass, 0x28);
    assert_int_equal(sent.hoplimit, 3);
    assert_int_equal(got.tclass, 0x28);
    assert_int_equal(got.hoplimit, 3);
    assert_true(got.bytes_in > 0);
    assert_int_equal(got.bytes_in, sent.bytes_out);
    assert_int_equal(sent2.tclass, -1); /* not set: the kernel's */
    assert_int_equal(got2.bytes_in, sent2.bytes_out);
    /* and the wire */
    check_wire(path, 5002, got.tclass, got.hoplimit, got.bytes_in);
    check_wire(path, 5003, got2.tclass, got2.hoplimit, got2.bytes_in);
    assert_int_equal(got2.tclass, 0);
    assert_int_equal(got2.hoplimit, 64);
    if (getenv("MCSCOPE_TEST_KEEP") == NULL)
        unlink(path);
    mc_tcp_free(s1);
    mc_tcp_free(rx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(tcp_tclass_hoplimit, lab_leave_teardown),
        cmocka_unit_test_teardown(tcp_refused, lab_leave_teardown),
    };
    int rc;

    lab = lab_create(false);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
