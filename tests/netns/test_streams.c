/*
 * Integration: real streams (issue 14), between the lab's namespaces.
 * Every case runs mcscope in RX (`--batch N --json`, the group joined),
 * tcpdump in RX writing a capture of the same packets, and a sender in S1:
 *
 *  - rtp_impaired: a C sender of exact impairments on an RTP stream
 *    (PCMU, 8 kHz, 20 ms): the 16-bit sequence wraps, 4 packets dropped in
 *    two runs, one duplicated, two swapped, a 3 s stall, a TTL / hop
 *    limit change.  mcscope's counts are asserted exactly, and lost, max
 *    delta and jitter are compared with `tshark -z rtp,streams`;
 *  - rtp_ssrc_change: the SSRC changes mid-stream: an event, two streams
 *    for tshark;
 *  - ts_cc_errors: MPEG-TS over UDP with two datagrams dropped (4
 *    continuity errors: the elementary PID's, then PAT, PMT and the
 *    elementary PID's); mcscope's cc_errors equal the count of tshark's
 *    `mp2t.cc.drop`;
 *  - ffmpeg_rtp, ffmpeg_ts: streams ffmpeg makes (an independent sender):
 *    detected as RTP / MPEG-TS, no loss and no CC error, TS packet and RTP
 *    packet counts equal to tshark's, jitter within the tolerance;
 *  - send_payloads: mcscope's own `send ... payload rtp|mpegts` as tshark
 *    decodes it (valid RTP and TS, no CC drop), and as RX counts it.
 *
 * Tolerances (measured, see the README): times are taken at different
 * points (mcscope: the socket's SO_TIMESTAMPNS; tshark: the capture's
 * stamp at the device), so max delta and max jitter agree within
 * TOL_DELTA_MS and TOL_JITTER_MS, mean jitter within TOL_MEAN_JITTER_MS
 * (Wireshark's mean counts a duplicate, mcscope's does not); counts agree
 * exactly.  Without ffmpeg
 * or tshark the cases that need them skip (the counts are still checked).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "lab.h"
#include "montest.h"
#include "progrun.h"
#include "mcscope/mpegts.h"
#include "mcscope/rtp.h"

#define TOL_DELTA_MS 0.05
#define TOL_JITTER_MS 0.05
#define TOL_MEAN_JITTER_MS 0.1

static struct lab *lab;

struct fam {
    int family;
    const char *group;
    const char *s1; /* S1's lab0 address */
    uint16_t port;
};

static const struct fam v4 = {AF_INET, "239.9.0.1", "10.200.0.1", 7600};
static const struct fam v6 = {AF_INET6, "ff15::d001", "fd42::1", 7700};

/* ---- tools ---- */

static bool have(const char *tool)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

/* The whole output of a shell command (caller frees). */
static char *run_out(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    size_t n = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    size_t got;

    assert_non_null(p);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - 1 - n, p)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    pclose(p);
    return buf;
}

/* ---- a run: capture and mcscope in RX, a sender in S1 ---- */

struct run {
    const struct fam *f;
    uint16_t port;
    char pcap[64];
    struct prog tcpdump, rx;
    json_object *report;
    char *out, *err;
};

static void run_start(struct run *r, const struct fam *f, uint16_t port,
                      const char *seconds, const char *analyze)
{
    char join[128], cmd[256];
    const char *ns = lab_ns_name(lab, "RX");

    memset(r, 0, sizeof *r);
    r->f = f;
    r->port = port;
    snprintf(r->pcap, sizeof r->pcap, "/tmp/mcscope-streams-%d-%u.pcap",
             (int)getpid(), (unsigned)port);
    unlink(r->pcap);
    /* exec all the way: the pid is tcpdump's, for SIGINT */
    snprintf(cmd, sizeof cmd,
             "exec ip netns exec %s tcpdump -i lab0 -U -w %s -nn -s 0 udp "
             "port %u 2>/dev/null",
             ns, r->pcap, (unsigned)port);
    {
        const char *argv[] = {"/bin/sh", "-c", cmd, NULL};

        prog_spawn(&r->tcpdump, argv);
    }
    snprintf(join, sizeof join, "join %s dev lab0 port %u", f->group,
             (unsigned)port);
    if (analyze != NULL)
        prog_start(&r->rx, lab, "RX", "--batch", seconds, "--json", "-e", join,
                   "-e", analyze, NULL);
    else
        prog_start(&r->rx, lab, "RX", "--batch", seconds, "--json", "-e", join,
                   NULL);
    prog_sleep_ms(1200); /* joined, capturing */
}

static void run_finish(struct run *r)
{
    char *o, *e;

    if (prog_wait(&r->rx, 60000, &r->out, &r->err) != 0)
        fail_msg("RX failed: %s", r->err);
    prog_sleep_ms(300);
    kill(r->tcpdump.pid, SIGINT);
    prog_wait(&r->tcpdump, 10000, &o, &e);
    free(o);
    free(e);
    r->report = tj_parse(r->out);
}

static void run_free(struct run *r)
{
    json_object_put(r->report);
    free(r->out);
    free(r->err);
    unlink(r->pcap);
}

/* The one flow of S1 in the report. */
static json_object *s1_flow(struct run *r)
{
    struct mc_addr a;
    json_object *src, *flows;

    lab_host_addr("S1", r->f->family, 0, &a);
    src = tj_source(r->report, r->f->group, &a);
    flows = tj_key(src, "flows", json_type_array);
    assert_int_equal(json_object_array_length(flows), 1);
    return json_object_array_get_idx(flows, 0);
}

static double jnum(json_object *o, const char *k)
{
    json_object *v;

    if (!json_object_object_get_ex(o, k, &v))
        fail_msg("no key %s in %s", k, json_object_to_json_string(o));
    return json_object_get_double(v);
}

/* ---- sending from S1 ---- */

struct tx {
    int fd;
    struct sockaddr_storage to;
    socklen_t tolen;
};

static void tx_open(struct tx *t, const struct fam *f, uint16_t port)
{
    lab_enter(lab, "S1");
    t->fd = lab_sender(lab, "S1", f->family, 0);
    memset(&t->to, 0, sizeof t->to);
    if (f->family == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)&t->to;

        s->sin_family = AF_INET;
        s->sin_port = htons(port);
        inet_pton(AF_INET, f->group, &s->sin_addr);
        t->tolen = sizeof *s;
    } else {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)&t->to;

        s->sin6_family = AF_INET6;
        s->sin6_port = htons(port);
        inet_pton(AF_INET6, f->group, &s->sin6_addr);
        t->tolen = sizeof *s;
    }
}

static void tx_hops(struct tx *t, const struct fam *f, int hops)
{
    if (f->family == AF_INET) {
        unsigned char ttl = (unsigned char)hops;

        assert_int_equal(
            setsockopt(t->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl),
            0);
    } else {
        assert_int_equal(setsockopt(t->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
                                    &hops, sizeof hops),
                         0);
    }
}

static void tx_send(struct tx *t, const uint8_t *buf, size_t len)
{
    assert_int_equal(
        sendto(t->fd, buf, len, 0, (struct sockaddr *)&t->to, t->tolen),
        (ssize_t)len);
}

static void tx_close(struct tx *t)
{
    close(t->fd);
    lab_leave(lab);
}

/* RTP packet i of a PCMU stream (160 samples, 20 ms). */
static size_t rtp_pkt(uint8_t *b, uint16_t seq, uint32_t i, uint32_t ssrc)
{
    struct mc_rtp_hdr h = {
        .pt = 0, .seq = seq, .ts = 1000 + 160 * i, .ssrc = ssrc};

    memset(b, 0x7f, 172);
    mc_rtp_write(&h, b, 172);
    return 172;
}

/* ---- tshark ---- */

struct ts_rtp {
    unsigned n;
    struct {
        unsigned ssrc;
        long pkts, lost;
        double max_delta, max_jitter, mean_jitter;
    } s[4];
};

/*
 * `tshark -z rtp,streams`: one line a stream, e.g.
 *   10.200.0.1 40000 239.9.0.1 7600 0x12345678 ITU-T G.711 PCMU 296 4 (1.3%)
 *   3021.000 ... max delta, max jitter, mean jitter ... X
 * The columns differ between versions: read SSRC, then the packet and
 * lost counts after the payload name, then the three times.
 */
static void tshark_rtp(const char *pcap, uint16_t port, struct ts_rtp *out)
{
    char cmd[512], *text, *line, *save = NULL;

    memset(out, 0, sizeof *out);
    snprintf(cmd, sizeof cmd,
             "tshark -r %s -q -d udp.port==%u,rtp -z rtp,streams 2>&1", pcap,
             (unsigned)port);
    text = run_out(cmd);
    print_message("%s", text);
    for (line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *x = strstr(line, " 0x");
        char *tok, *tsave = NULL;
        double v[8];
        int nv = 0;

        if (x == NULL || out->n == 4)
            continue;
        out->s[out->n].ssrc = (unsigned)strtoul(x + 1, &tok, 16);
        /* after the SSRC: the payload name (maybe several words), then
         * numbers; the lost percentage "(1.3%)" is skipped */
        for (tok = strtok_r(tok, " ", &tsave); tok != NULL && nv < 8;
             tok = strtok_r(NULL, " ", &tsave)) {
            char *end;
            double d = strtod(tok, &end);

            if (end != tok && *end == '\0')
                v[nv++] = d;
        }
        if (nv < 5)
            continue;
        out->s[out->n].pkts = (long)v[0];
        out->s[out->n].lost = (long)v[1];
        /* 4.x: min/mean/max delta, min/mean/max jitter; 3.x: max delta,
         * max jitter, mean jitter */
        if (nv >= 8) {
            out->s[out->n].max_delta = v[4];
            out->s[out->n].mean_jitter = v[6];
            out->s[out->n].max_jitter = v[7];
        } else {
            out->s[out->n].max_delta = v[2];
            out->s[out->n].max_jitter = v[3];
            out->s[out->n].mean_jitter = v[4];
        }
        out->n++;
    }
    free(text);
}

/* How many times a field occurs in the capture's packets, decoded as
 * proto on the port. */
static long tshark_count(const char *pcap, uint16_t port, const char *proto,
                         const char *field)
{
    char cmd[512], *text;
    long n = 0;

    snprintf(cmd, sizeof cmd,
             "tshark -r %s -d udp.port==%u,%s -T fields -e %s 2>/dev/null | "
             "tr ',' '\\n' | grep -c .",
             pcap, (unsigned)port, proto, field);
    text = run_out(cmd);
    n = strtol(text, NULL, 10);
    free(text);
    return n;
}

static void close_to(const char *what, double got, double want, double tol)
{
    print_message("  %s: mcscope %.3f, tshark %.3f\n", what, got, want);
    if (got < want - tol || got > want + tol)
        fail_msg("%s: mcscope %.3f, tshark %.3f (tolerance %.3f)", what, got,
                 want, tol);
}

/* mcscope's max delta and jitter against tshark's first stream. */
static void compare_times(json_object *rtp, const struct ts_rtp *ts)
{
    close_to("max delta ms", jnum(rtp, "max_delta_ms"), ts->s[0].max_delta,
             TOL_DELTA_MS);
    close_to("max jitter ms", jnum(rtp, "max_jitter_ms"), ts->s[0].max_jitter,
             TOL_JITTER_MS);
    close_to("mean jitter ms", jnum(rtp, "mean_jitter_ms"),
             ts->s[0].mean_jitter, TOL_MEAN_JITTER_MS);
}

/* ---- the cases ---- */

/*
 * 300 packets planned, seq 65500 + i (wraps at i = 36): i 50..52 and 120
 * dropped (two loss runs: 3 and 1), i 80 sent twice, 90 and 91 swapped,
 * 3 s of silence after i 150, the hop limit 64 -> 32 from i 200.
 */
static void rtp_impaired(const struct fam *f)
{
    const uint16_t port = f->port;
    struct run r;
    struct tx t;
    struct ts_rtp ts;
    struct mc_addr s1;
    uint8_t b[256];
    json_object *fl, *rtp, *hl, *src;
    size_t n;

    run_start(&r, f, port, "11", NULL);
    tx_open(&t, f, port);
    tx_hops(&t, f, 64);
    for (uint32_t i = 0; i < 300; i++) {
        uint32_t k = i == 90 ? 91 : i == 91 ? 90 : i;

        if ((i >= 50 && i <= 52) || i == 120)
            goto pace;
        if (i == 200)
            tx_hops(&t, f, 32);
        n = rtp_pkt(b, (uint16_t)(65500 + k), k, 0x1234abcd);
        tx_send(&t, b, n);
        if (i == 80)
            tx_send(&t, b, n);
    pace:
        lab_sleep_us(i == 150 ? 3000000 : 20000);
    }
    tx_close(&t);
    run_finish(&r);

    lab_host_addr("S1", f->family, 0, &s1);
    fl = s1_flow(&r);
    assert_string_equal(tj_str(fl, "payload"), "rtp");
    assert_int_equal(tj_int(fl, "packets"), 297);
    assert_int_equal(tj_int(fl, "lost"), 4);
    assert_int_equal(tj_int(fl, "duplicates"), 1);
    assert_int_equal(tj_int(fl, "reordered"), 1);
    assert_int_equal(tj_int(fl, "loss_runs"), 2);
    assert_int_equal(tj_int(fl, "max_loss_run"), 3);
    assert_int_equal(tj_int(fl, "gaps"), 1);
    assert_true(jnum(fl, "max_gap_ms") > 2990 && jnum(fl, "max_gap_ms") < 3300);
    rtp = tj_key(fl, "rtp", json_type_object);
    assert_int_equal(tj_int(rtp, "ssrc"), 0x1234abcd);
    assert_int_equal(tj_int(rtp, "pt"), 0);
    assert_int_equal(tj_int(rtp, "clock_hz"), 8000);
    assert_int_equal(tj_int(rtp, "expected"), 300);
    assert_int_equal(tj_int(rtp, "lost"), 4);
    assert_int_equal(tj_int(rtp, "ssrc_changes"), 0);
    src = tj_source(r.report, f->group, &s1);
    hl = tj_key(src, "hoplimits", json_type_object);
    assert_int_equal(tj_int(hl, "64"), 197);
    assert_int_equal(tj_int(hl, "32"), 100);
    assert_int_equal(tj_int(src, "lost"), 4); /* the source: its flows' sum */

    if (!have("tshark")) {
        print_message("  SKIP the tshark comparison: no tshark\n");
        run_free(&r);
        return;
    }
    tshark_rtp(r.pcap, port, &ts);
    assert_int_equal(ts.n, 1);
    assert_int_equal(ts.s[0].ssrc, 0x1234abcd);
    assert_int_equal(ts.s[0].pkts, 297);
    /* Wireshark counts lost as expected - received with the duplicate
     * among the received: one less than the holes */
    assert_int_equal(tj_int(rtp, "lost"), ts.s[0].lost + 1);
    compare_times(rtp, &ts);
    run_free(&r);
}
LAB_BOTH_FAMILIES(rtp_impaired, &v6, &v4)

/* 50 packets of SSRC A, then 50 of SSRC B (its own sequence). */
static void rtp_ssrc_change(const struct fam *f)
{
    const uint16_t port = f->port + 1;
    struct run r;
    struct tx t;
    struct ts_rtp ts;
    uint8_t b[256];
    json_object *fl, *rtp;

    run_start(&r, f, port, "5", NULL);
    tx_open(&t, f, port);
    for (uint32_t i = 0; i < 100; i++) {
        size_t n = i < 50 ? rtp_pkt(b, (uint16_t)(100 + i), i, 0xaaaa0001)
                          : rtp_pkt(b, (uint16_t)(9000 + i), i, 0xbbbb0002);

        tx_send(&t, b, n);
        lab_sleep_us(20000);
    }
    tx_close(&t);
    run_finish(&r);
    fl = s1_flow(&r);
    assert_string_equal(tj_str(fl, "payload"), "rtp");
    assert_int_equal(tj_int(fl, "packets"), 100);
    assert_int_equal(tj_int(fl, "lost"), 0);
    rtp = tj_key(fl, "rtp", json_type_object);
    assert_int_equal(tj_int(rtp, "ssrc"), 0xbbbb0002);
    assert_int_equal(tj_int(rtp, "ssrc_changes"), 1);
    assert_int_equal(tj_int(rtp, "expected"), 100);
    if (!have("tshark")) {
        run_free(&r);
        return;
    }
    tshark_rtp(r.pcap, port, &ts);
    assert_int_equal(ts.n, 2);
    assert_int_equal(ts.s[0].pkts + ts.s[1].pkts, 100);
    assert_int_equal(ts.s[0].lost + ts.s[1].lost, tj_int(rtp, "lost"));
    run_free(&r);
}
LAB_BOTH_FAMILIES(rtp_ssrc_change, &v6, &v4)

/*
 * 200 datagrams of 7 TS packets, 100 a second; datagrams 55 (elementary
 * packets only: 1 error) and 100 (PAT, PMT and elementary: 3) dropped.
 */
static void ts_cc_errors(const struct fam *f)
{
    const uint16_t port = f->port + 2;
    struct run r;
    struct tx t;
    struct mc_ts_gen g;
    uint8_t b[7 * MC_TS_PKTLEN];
    json_object *fl, *ts;
    long drops;

    run_start(&r, f, port, "5", NULL);
    mc_ts_gen_init(&g);
    tx_open(&t, f, port);
    for (uint64_t i = 0; i < 200; i++) {
        mc_ts_gen_fill(&g, b, sizeof b, i * 270000);
        if (i != 55 && i != 100)
            tx_send(&t, b, sizeof b);
        lab_sleep_us(10000);
    }
    tx_close(&t);
    run_finish(&r);
    fl = s1_flow(&r);
    assert_string_equal(tj_str(fl, "payload"), "mpegts");
    assert_int_equal(tj_int(fl, "packets"), 198);
    ts = tj_key(fl, "mpegts", json_type_object);
    assert_int_equal(tj_int(ts, "packets"), 198 * 7);
    assert_int_equal(tj_int(ts, "cc_errors"), 4);
    assert_int_equal(tj_int(ts, "sync_errors"), 0);
    assert_int_equal(tj_int(ts, "pcr_pid"), MC_TS_GEN_PID);
    assert_true(
        json_object_get_boolean(tj_key(ts, "pat_seen", json_type_boolean)));
    assert_true(
        json_object_get_boolean(tj_key(ts, "pmt_seen", json_type_boolean)));
    /* the PCR advances 10 ms a datagram: 20 ms across a lost one */
    assert_true(jnum(ts, "max_pcr_interval_ms") > 19.99 &&
                jnum(ts, "max_pcr_interval_ms") < 20.01);
    if (!have("tshark")) {
        run_free(&r);
        return;
    }
    drops = tshark_count(r.pcap, port, "mp2t", "mp2t.cc.drop");
    print_message("  cc errors: mcscope %lld, tshark mp2t.cc.drop %ld\n",
                  (long long)tj_int(ts, "cc_errors"), drops);
    assert_int_equal(tj_int(ts, "cc_errors"), drops);
    assert_int_equal(tshark_count(r.pcap, port, "mp2t", "mp2t.pid"),
                     tj_int(ts, "packets"));
    run_free(&r);
}
LAB_BOTH_FAMILIES(ts_cc_errors, &v6, &v4)

/* Start `ffmpeg ARGS... URL` in S1 and wait for it. */
static void ffmpeg_in_s1(const char *args, const char *url)
{
    char cmd[1024], *out;

    snprintf(cmd, sizeof cmd,
             "ip netns exec %s ffmpeg -hide_banner -loglevel error -nostdin "
             "%s '%s' 2>&1; echo rc=$?",
             lab_ns_name(lab, "S1"), args, url);
    out = run_out(cmd);
    if (strstr(out, "rc=0") == NULL)
        fail_msg("ffmpeg failed: %s", out);
    free(out);
}

/* ffmpeg sends 3 s of PCMU (20 ms packets) over RTP. */
static void ffmpeg_rtp(void **state)
{
    const struct fam *f = &v4;
    const uint16_t port = f->port + 3;
    char url[128];
    struct run r;
    struct ts_rtp ts;
    json_object *fl, *rtp;

    (void)state;
    if (!have("ffmpeg"))
        skip();
    run_start(&r, f, port, "7", NULL);
    snprintf(url, sizeof url, "rtp://%s:%u?ttl=8&localaddr=%s", f->group,
             (unsigned)port, f->s1);
    ffmpeg_in_s1("-re -f lavfi -i sine=frequency=440:sample_rate=8000 -t 3 "
                 "-af asetnsamples=n=160 -c:a pcm_mulaw -f rtp",
                 url);
    run_finish(&r);
    fl = s1_flow(&r);
    assert_string_equal(tj_str(fl, "payload"), "rtp");
    assert_int_equal(tj_int(fl, "lost"), 0);
    assert_int_equal(tj_int(fl, "duplicates"), 0);
    rtp = tj_key(fl, "rtp", json_type_object);
    assert_int_equal(tj_int(rtp, "pt"), 0);
    assert_int_equal(tj_int(rtp, "clock_hz"), 8000);
    if (!have("tshark")) {
        run_free(&r);
        return;
    }
    tshark_rtp(r.pcap, port, &ts);
    assert_int_equal(ts.n, 1);
    assert_int_equal(ts.s[0].pkts, tj_int(fl, "packets"));
    assert_int_equal(ts.s[0].lost, tj_int(rtp, "lost"));
    assert_int_equal(ts.s[0].ssrc, tj_int(rtp, "ssrc"));
    compare_times(rtp, &ts);
    run_free(&r);
}

/* ffmpeg sends 3 s of MPEG-2 video in a transport stream over UDP. */
static void ffmpeg_ts(void **state)
{
    const struct fam *f = &v4;
    const uint16_t port = f->port + 4;
    char url[160];
    struct run r;
    json_object *fl, *ts;

    (void)state;
    if (!have("ffmpeg"))
        skip();
    run_start(&r, f, port, "7", NULL);
    snprintf(url, sizeof url, "udp://%s:%u?pkt_size=1316&ttl=8&localaddr=%s",
             f->group, (unsigned)port, f->s1);
    ffmpeg_in_s1("-re -f lavfi -i testsrc=size=160x120:rate=25 -t 3 "
                 "-c:v mpeg2video -b:v 400k -f mpegts",
                 url);
    run_finish(&r);
    fl = s1_flow(&r);
    assert_string_equal(tj_str(fl, "payload"), "mpegts");
    ts = tj_key(fl, "mpegts", json_type_object);
    assert_int_equal(tj_int(ts, "cc_errors"), 0);
    assert_int_equal(tj_int(ts, "sync_errors"), 0);
    assert_true(
        json_object_get_boolean(tj_key(ts, "pat_seen", json_type_boolean)));
    assert_true(
        json_object_get_boolean(tj_key(ts, "pmt_seen", json_type_boolean)));
    assert_true(tj_has(ts, "pcr_pid"));
    if (!have("tshark")) {
        run_free(&r);
        return;
    }
    assert_int_equal(tshark_count(r.pcap, port, "mp2t", "mp2t.cc.drop"), 0);
    assert_int_equal(tshark_count(r.pcap, port, "mp2t", "mp2t.pid"),
                     tj_int(ts, "packets"));
    run_free(&r);
}

/* mcscope's own senders, as tshark decodes them and RX counts them. */
static void send_payloads(const struct fam *f)
{
    const char *kinds[] = {"rtp", "mpegts"};

    for (int k = 0; k < 2; k++) {
        const uint16_t port = (uint16_t)(f->port + 5 + k);
        char send[160], *o, *e;
        struct prog s1;
        struct run r;
        json_object *fl, *ts;

        run_start(&r, f, port, "5", NULL);
        snprintf(send, sizeof send,
                 "send %s dev lab0 port %u rate 100 count 200 payload %s",
                 f->group, (unsigned)port, kinds[k]);
        prog_start(&s1, lab, "S1", "--batch", "3", "--json", "-e", send, NULL);
        assert_int_equal(prog_finish(&s1, &o, &e), 0);
        free(o);
        free(e);
        run_finish(&r);
        fl = s1_flow(&r);
        assert_string_equal(tj_str(fl, "payload"), kinds[k]);
        assert_int_equal(tj_int(fl, "packets"), 200);
        ts = tj_key(fl, "mpegts", json_type_object);
        assert_int_equal(tj_int(ts, "packets"), 200 * 7);
        assert_int_equal(tj_int(ts, "cc_errors"), 0);
        if (k == 0) {
            json_object *rtp = tj_key(fl, "rtp", json_type_object);

            assert_int_equal(tj_int(rtp, "lost"), 0);
            assert_int_equal(tj_int(rtp, "pt"), 33);
            assert_int_equal(tj_int(rtp, "expected"), 200);
        }
        if (have("tshark")) {
            assert_int_equal(tshark_count(r.pcap, port, k == 0 ? "rtp" : "mp2t",
                                          "mp2t.cc.drop"),
                             0);
            assert_int_equal(
                tshark_count(r.pcap, port, k == 0 ? "rtp" : "mp2t", "mp2t.pid"),
                200 * 7);
            if (k == 0)
                assert_int_equal(tshark_count(r.pcap, port, "rtp", "rtp.seq"),
                                 200);
        }
        run_free(&r);
    }
}
LAB_BOTH_FAMILIES(send_payloads, &v6, &v4)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(rtp_impaired_v6, lab_leave_teardown),
        cmocka_unit_test_teardown(rtp_impaired_v4, lab_leave_teardown),
        cmocka_unit_test_teardown(rtp_ssrc_change_v6, lab_leave_teardown),
        cmocka_unit_test_teardown(rtp_ssrc_change_v4, lab_leave_teardown),
        cmocka_unit_test_teardown(ts_cc_errors_v6, lab_leave_teardown),
        cmocka_unit_test_teardown(ts_cc_errors_v4, lab_leave_teardown),
        cmocka_unit_test(ffmpeg_rtp),
        cmocka_unit_test(ffmpeg_ts),
        cmocka_unit_test(send_payloads_v6),
        cmocka_unit_test(send_payloads_v4),
    };
    int rc;

    lab = lab_create(false);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
