/*
 * Integration: the wire module (core/wire_*.c, core/priv.c) in the namespace
 * lab.  Every case runs in IPv6 and IPv4.
 *
 *  1. reports: captures on RX's lab0 (direction out) and on "any" (Linux
 *     cooked frames, direction from the packet type) while a socket in RX
 *     joins, blocks, unblocks, leaves, SSM-joins and SSM-leaves; each
 *     change must go out as the RFC 3810 §6.1 / RFC 3376 §6.1 record
 *     (SOCKET-API.md §2.4), to ff02::16 / 224.0.0.22 with hop limit 1 and
 *     Router Alert.  tcpdump writes the same frames to a file meanwhile;
 *     the file decoded by mc_capture_open_offline must match the live
 *     capture, tshark's fields and tcpdump -vv's text record for record.
 *  2. wire vs socket: S1 and S2 send N each to a group that RX excludes
 *     S2 from: the capture (direction in) counts N from each, the socket
 *     N from S1 and none from S2; the dump file opens in tcpdump -r with
 *     as many packets as were captured.
 *  3. privileges: a child without capabilities gets -EPERM and the text
 *     that says how to grant CAP_NET_RAW, and its joins still work (the
 *     parent sees the report); a child that keeps only CAP_NET_RAW can
 *     capture, and loses the other capabilities and bounding set.
 *
 * Linux sends every state change twice (robustness 2), the second at a
 * random delay up to 1 s (SOCKET-API.md §2.4): each step waits for both
 * copies (or 1.5 s), so the next change never merges with a pending one.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lab.h"
#include "runout.h"
#include "tcpdump.h"
#include "mcscope/member.h"
#include "mcscope/priv.h"
#include "mcscope/sock.h"
#include "mcscope/wire.h"

extern char **environ;

#define COUNT 200
#define SETTLE_MS 1500 /* wait for the second copy of a report */
#define FIRST_MS 3000  /* the first copy goes out at once; allow slack */
#define MAX_REPORTS 128
#define MAX_RECS 8
#define MAX_SRCS 4
#define OUT_MAX 65536

static struct lab *lab;

struct fam {
    int family;
    const char *asm_group, *ssm_group, *data_group, *priv_group;
    uint16_t port;
    const char *report_dst;
};

static const struct fam v6 = {
    .family = AF_INET6,
    .asm_group = "ff15::5eed:1",
    .ssm_group = "ff3e::5eed:1",
    .data_group = "ff15::5eed:2",
    .priv_group = "ff15::5eed:3",
    .port = 5301,
    .report_dst = "ff02::16",
};
static const struct fam v4 = {
    .family = AF_INET,
    .asm_group = "239.5.5.1",
    .ssm_group = "232.5.5.1",
    .data_group = "239.5.5.2",
    .priv_group = "239.5.5.3",
    .port = 5302,
    .report_dst = "224.0.0.22",
};

/* ---- time and processes ---- */

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ---- captures ---- */

static struct mc_capture *open_sized(const char *ifname,
                                     enum mc_capture_dir dir, int snaplen,
                                     int bufsize)
{
    struct mc_capture *c;
    struct mc_err err;
    int rc;

    lab_enter(lab, "RX");
    rc = mc_capture_open(ifname, dir, snaplen, bufsize, NULL, &c, &err);
    lab_leave(lab);
    lab_ok(rc, &err, "mc_capture_open");
    return c;
}

static struct mc_capture *open_capture(const char *ifname,
                                       enum mc_capture_dir dir)
{
    return open_sized(ifname, dir, 0, 0);
}

struct tap {
    struct mc_capture *c;
    mc_capture_fn fn;
    void *arg;
};

/* Poll the taps for ms, dispatching whatever arrives. */
static void pump(const struct tap *t, size_t n, long ms)
{
    struct pollfd pfd[4];
    long end = now_ms() + ms;
    struct mc_err err;

    assert_true(n <= 4);
    for (size_t i = 0; i < n; i++) {
        pfd[i].fd = mc_capture_fd(t[i].c);
        pfd[i].events = POLLIN;
    }
    for (;;) {
        long left = end - now_ms();

        for (size_t i = 0; i < n; i++)
            lab_ok(mc_capture_dispatch(t[i].c, t[i].fn, t[i].arg, &err), &err,
                   "mc_capture_dispatch");
        if (left <= 0)
            break;
        poll(pfd, n, (int)(left < 50 ? left : 50));
    }
}

/* Dispatch until nothing arrives for idle_ms. */
static void pump_idle(const struct tap *t, int idle_ms)
{
    struct pollfd pfd = {mc_capture_fd(t->c), POLLIN, 0};
    struct mc_err err;
    long deadline = now_ms() + 30000;

    do {
        lab_ok(mc_capture_dispatch(t->c, t->fn, t->arg, &err), &err,
               "mc_capture_dispatch");
        assert_true(now_ms() < deadline);
    } while (poll(&pfd, 1, idle_ms) > 0);
    lab_ok(mc_capture_dispatch(t->c, t->fn, t->arg, &err), &err,
           "mc_capture_dispatch");
}

/* ---- the report log ---- */

struct rec {
    unsigned type;
    struct mc_addr group;
    size_t nsrc;
    struct mc_addr src[MAX_SRCS];
};

struct report {
    long t_ms;
    struct mc_wire_pkt hdr; /* IP fields; pointers not used */
    size_t nrec;
    struct rec rec[MAX_RECS];
};

struct replog {
    int family;
    const struct mc_addr *groups[2]; /* keep only reports about these */
    unsigned frames, malformed;
    size_t n;
    struct report r[MAX_REPORTS];
};

static void copy_report(struct report *r, const struct mc_wire_pkt *p)
{
    struct mc_wire_rec_iter it;
    struct mc_wire_rec wr;

    r->t_ms = now_ms();
    r->hdr = *p;
    r->nrec = 0;
    mc_wire_rec_begin(&p->msg, &it);
    while (mc_wire_rec_next(&it, &wr) && r->nrec < MAX_RECS) {
        struct rec *x = &r->rec[r->nrec++];

        x->type = wr.type;
        x->group = wr.group;
        x->nsrc = wr.nsources;
        for (size_t i = 0; i < wr.nsources && i < MAX_SRCS; i++)
            mc_wire_rec_source(&wr, i, &x->src[i]);
    }
}

/* The record of r for group, or NULL. */
static const struct rec *rec_for(const struct report *r,
                                 const struct mc_addr *group)
{
    for (size_t i = 0; i < r->nrec; i++)
        if (mc_addr_equal(&r->rec[i].group, group))
            return &r->rec[i];
    return NULL;
}

/* A capture callback: keep the v2/v3 reports of the log's family that
 * carry a record for one of its groups. */
static void log_fn(const struct mc_capture_frame *f,
                   const struct mc_wire_pkt *p, void *arg)
{
    struct replog *l = arg;

    (void)f;
    l->frames++;
    if (p->status == MC_WIRE_MALFORMED) {
        l->malformed++;
        fprintf(stderr, "malformed frame: %s\n", p->reason);
        return;
    }
    if (p->family != l->family || p->msg.type != MC_MSG_REPORT ||
        (p->msg.proto != MC_PROTO_MLDV2 && p->msg.proto != MC_PROTO_IGMPV3))
        return;
    if (l->n < MAX_REPORTS)
        copy_report(&l->r[l->n], p);
    for (size_t i = 0; i < 2 && l->n < MAX_REPORTS; i++) {
        if (l->groups[i] != NULL && rec_for(&l->r[l->n], l->groups[i])) {
            l->n++;
            return;
        }
    }
}

/* What one membership change must send: type (or alt) with sources. */
struct want {
    const char *what;
    unsigned type, alt; /* alt 0: none */
    const struct mc_addr *group;
    const struct mc_addr *src; /* NULL: {} */
    const struct mc_addr *alt_src;
};

static bool rec_is(const struct rec *x, unsigned type,
                   const struct mc_addr *src)
{
    if (x->type != type)
        return false;
    if (src == NULL)
        return x->nsrc == 0;
    return x->nsrc == 1 && mc_addr_equal(&x->src[0], src);
}

static bool rec_matches(const struct rec *x, const struct want *w)
{
    return rec_is(x, w->type, w->src) ||
           (w->alt != 0 && rec_is(x, w->alt, w->alt_src));
}

static void describe_rec(const struct rec *x, char *buf, size_t len)
{
    char a[MC_ADDR_STRLEN];

    snprintf(buf, len, "%s %s {", mc_wire_rec_type_name(x->type),
             mc_addr_format(&x->group, a, sizeof a));
    for (size_t i = 0; i < x->nsrc && i < MAX_SRCS; i++)
        snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "",
                 mc_addr_format(&x->src[i], a, sizeof a));
    snprintf(buf + strlen(buf), len - strlen(buf), "}");
}

/* The addressing of RFC 3810 §5 / RFC 3376 §4: hop limit 1, Router
 * Alert, to ff02::16 / 224.0.0.22, from a link-local (IPv6) or RX's
 * address (IPv4, TOS 0xc0 as Linux sends it). */
static void check_addressing(const struct fam *f, const struct report *r)
{
    const struct mc_wire_pkt *p = &r->hdr;
    struct mc_addr rx;

    assert_int_equal(p->hoplimit, 1);
    assert_true(p->router_alert);
    tu_expect_addr(&p->dst, f->report_dst);
    if (f->family == AF_INET6) {
        assert_int_equal(p->src.u.v6.s6_addr[0], 0xfe);
        assert_int_equal(p->src.u.v6.s6_addr[1] & 0xc0, 0x80);
    } else {
        lab_host_addr("RX", AF_INET, 0, &rx);
        assert_true(mc_addr_equal(&p->src, &rx));
        assert_int_equal(p->tclass, 0xc0);
    }
}

/*
 * After a change made at log index from: wait for the first report with
 * w's record, then for the second copy (or SETTLE_MS).  Every record for
 * the group in that window must be w's.  Returns the copies seen.
 */
static unsigned expect_change(const struct fam *f, const struct tap *t,
                              size_t nt, struct replog *l, size_t from,
                              const struct want *w)
{
    long start = now_ms(), first = -1;
    unsigned copies = 0;
    size_t seen = from;
    char d[256];

    while (copies < 2) {
        long now = now_ms();

        if (first < 0 && now - start > FIRST_MS)
            fail_msg("%s: no report with %s within %d ms", w->what,
                     mc_wire_rec_type_name(w->type), FIRST_MS);
        if (first >= 0 && now - first > SETTLE_MS)
            break;
        pump(t, nt, 50);
        for (; seen < l->n; seen++) {
            const struct rec *x = rec_for(&l->r[seen], w->group);

            if (x == NULL)
                continue;
            describe_rec(x, d, sizeof d);
            if (!rec_matches(x, w))
                fail_msg("%s: unexpected record %s", w->what, d);
            check_addressing(f, &l->r[seen]);
            if (copies++ == 0)
                first = now_ms();
            print_message("  %s: %s (copy %u, +%ld ms)\n", w->what, d, copies,
                          l->r[seen].t_ms - start);
        }
    }
    assert_int_equal(l->malformed, 0);
    return copies;
}

/* ---- comparing with tcpdump and tshark ---- */

/* One line per report frame: "TYPE GROUP {S,..};..." (empty for other
 * frames) in a buffer of lines. */
struct lines {
    int family;
    size_t n;
    char line[MAX_REPORTS][256];
};

static void rec_line(char *buf, size_t len, unsigned type, const char *group,
                     const char *srcs)
{
    size_t u = strlen(buf);

    snprintf(buf + u, len - u, "%u %s {%s};", type, group, srcs);
}

static void file_fn(const struct mc_capture_frame *f,
                    const struct mc_wire_pkt *p, void *arg)
{
    struct lines *ls = arg;
    struct mc_wire_rec_iter it;
    struct mc_wire_rec r;
    struct mc_addr a;
    char g[MC_ADDR_STRLEN], s[MC_ADDR_STRLEN], srcs[200];
    char *line;

    (void)f;
    assert_true(ls->n < MAX_REPORTS);
    line = ls->line[ls->n++];
    line[0] = '\0';
    assert_int_not_equal(p->status, MC_WIRE_MALFORMED);
    if (p->family != ls->family)
        return; /* the other family's reports are not compared */
    mc_wire_rec_begin(&p->msg, &it);
    while (mc_wire_rec_next(&it, &r)) {
        srcs[0] = '\0';
        for (size_t i = 0; i < r.nsources; i++) {
            mc_wire_rec_source(&r, i, &a);
            snprintf(srcs + strlen(srcs), sizeof srcs - strlen(srcs), "%s%s",
                     i ? "," : "", mc_addr_format(&a, s, sizeof s));
        }
        rec_line(line, 256, r.type, mc_addr_format(&r.group, g, sizeof g),
                 srcs);
    }
}

/* Our decoding of a pcap file, one line per frame. */
static void decode_file(const char *path, int family, struct lines *ls)
{
    struct mc_capture *c;
    struct mc_err err;
    int n;

    memset(ls, 0, sizeof *ls);
    ls->family = family;
    lab_ok(mc_capture_open_offline(path, "", &c, &err), &err,
           "mc_capture_open_offline");
    while ((n = mc_capture_dispatch(c, file_fn, ls, &err)) > 0)
        ;
    lab_ok(n, &err, "dispatch of the file");
    mc_capture_close(c);
}

/* tshark's records for one frame (types, groups, counts, sources as
 * comma lists) as one of our lines. */
static void tshark_line(char *types, char *groups, char *nsrc, char *srcs,
                        char *line, size_t len)
{
    char *t[MAX_RECS], *g[MAX_RECS], *k[MAX_RECS], *s[MAX_RECS * MAX_SRCS];
    size_t nt = tu_split(types, ',', t, MAX_RECS);
    size_t ng = tu_split(groups, ',', g, MAX_RECS);
    size_t nk = tu_split(nsrc, ',', k, MAX_RECS);
    size_t ns = tu_split(srcs, ',', s, MAX_RECS * MAX_SRCS), used = 0;

    line[0] = '\0';
    assert_int_equal(nt, ng);
    assert_int_equal(nt, nk);
    for (size_t i = 0; i < nt; i++) {
        char list[200] = "";
        size_t m = (size_t)atoi(k[i]);

        for (size_t j = 0; j < m && used < ns; j++, used++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                     j ? "," : "", s[used]);
        rec_line(line, len, (unsigned)atoi(t[i]), g[i], list);
    }
}

static void compare_tshark(const struct fam *f, const char *path,
                           const struct lines *ours)
{
    static char out[OUT_MAX];
    const char *v6f[] = {
        "icmpv6.mldr.mar.record_type", "icmpv6.mldr.mar.multicast_address",
        "icmpv6.mldr.mar.nb_sources", "icmpv6.mldr.mar.source_address"};
    const char *v4f[] = {"igmp.record_type", "igmp.maddr", "igmp.num_src",
                         "igmp.saddr"};
    const char **fl = f->family == AF_INET6 ? v6f : v4f;
    char *argv[] = {"tshark",      "-r", (char *)path,  "-T",
                    "fields",      "-e", (char *)fl[0], "-e",
                    (char *)fl[1], "-e", (char *)fl[2], "-e",
                    (char *)fl[3], NULL};
    char *rows[MAX_REPORTS + 1], line[256];
    size_t nrows, reports = 0;

    if (!tu_have_prog("tshark")) {
        print_message("  SKIP tshark comparison: tshark not installed\n");
        return;
    }
    assert_int_equal(tu_run_out(argv, out, sizeof out), 0);
    nrows = tu_split(out, '\n', rows, MAX_REPORTS + 1);
    if (nrows > 0 && rows[nrows - 1][0] == '\0')
        nrows--;
    assert_int_equal(nrows, ours->n);
    for (size_t i = 0; i < nrows; i++) {
        char *col[4] = {"", "", "", ""};
        char *c = rows[i];

        for (int k = 0; k < 4; k++) {
            char *tab = strchr(c, '\t');

            col[k] = c;
            if (tab == NULL)
                break;
            *tab = '\0';
            c = tab + 1;
        }
        tshark_line(col[0], col[1], col[2], col[3], line, sizeof line);
        if (strcmp(line, ours->line[i]) != 0)
            fail_msg("frame %zu: tshark \"%s\", mcscope \"%s\"", i + 1, line,
                     ours->line[i]);
        reports += line[0] != '\0';
    }
    print_message("  tshark agrees on %zu frames (%zu reports)\n", nrows,
                  reports);
}

/* tcpdump -vv prints each record as "[gaddr G TYPE { S ... }]". */
static unsigned tcpdump_type(const char *word)
{
    static const char *const names[] = {"",      "is_in", "is_ex", "to_in",
                                        "to_ex", "allow", "block"};

    for (unsigned i = 1; i < 7; i++)
        if (strncmp(word, names[i], strlen(names[i])) == 0)
            return i;
    return 0;
}

static void compare_tcpdump(const char *path, const struct lines *ours)
{
    static char out[OUT_MAX], theirs[OUT_MAX], mine[OUT_MAX];
    char *argv[] = {"tcpdump", "-r", (char *)path, "-vv", "-nn", NULL};
    const char *p;

    assert_int_equal(tu_run_out(argv, out, sizeof out), 0);
    theirs[0] = mine[0] = '\0';
    for (p = strstr(out, "[gaddr "); p != NULL; p = strstr(p, "[gaddr ")) {
        char group[64], type[16], srcs[200] = "";
        int used = 0;

        p += 7;
        if (sscanf(p, "%63s %15s%n", group, type, &used) != 2)
            fail_msg("tcpdump output: %.80s", p);
        p += used;
        while (*p == ' ')
            p++;
        if (*p == '{') {
            char word[64];

            for (p++; sscanf(p, " %63s%n", word, &used) == 1; p += used) {
                if (word[0] == '}')
                    break;
                snprintf(srcs + strlen(srcs), sizeof srcs - strlen(srcs),
                         "%s%s", srcs[0] ? "," : "", word);
            }
        }
        if ((strchr(group, ':') != NULL) == (ours->family == AF_INET6))
            rec_line(theirs, sizeof theirs, tcpdump_type(type), group, srcs);
    }
    for (size_t i = 0; i < ours->n; i++)
        snprintf(mine + strlen(mine), sizeof mine - strlen(mine), "%s",
                 ours->line[i]);
    if (strcmp(theirs, mine) != 0)
        fail_msg("tcpdump -vv: \"%s\"\nmcscope:    \"%s\"", theirs, mine);
    print_message("  tcpdump -vv agrees\n");
}

/* The live capture's reports as lines like the file's. */
static void live_line(const struct report *r, char *line, size_t len)
{
    char g[MC_ADDR_STRLEN], a[MC_ADDR_STRLEN], srcs[200];

    line[0] = '\0';
    for (size_t i = 0; i < r->nrec; i++) {
        const struct rec *x = &r->rec[i];

        srcs[0] = '\0';
        for (size_t k = 0; k < x->nsrc && k < MAX_SRCS; k++)
            snprintf(srcs + strlen(srcs), sizeof srcs - strlen(srcs), "%s%s",
                     k ? "," : "", mc_addr_format(&x->src[k], a, sizeof a));
        rec_line(line, len, x->type, mc_addr_format(&x->group, g, sizeof g),
                 srcs);
    }
}

/* Whether a line has a record for group. */
static bool line_has(const char *line, const struct mc_addr *group)
{
    char g[MC_ADDR_STRLEN + 4], a[MC_ADDR_STRLEN];

    snprintf(g, sizeof g, " %s {", mc_addr_format(group, a, sizeof a));
    return strstr(line, g) != NULL;
}

/* The file's reports about g or gs are the live capture's, in order. */
static void compare_live(const struct replog *live, const struct lines *file,
                         const struct mc_addr *g, const struct mc_addr *gs)
{
    char line[256];
    size_t k = 0;

    for (size_t i = 0; i < file->n; i++) {
        const char *fl = file->line[i];

        if (!line_has(fl, g) && !line_has(fl, gs))
            continue;
        if (k == live->n)
            fail_msg("frame %zu of the file, \"%s\", was not seen live", i + 1,
                     fl);
        live_line(&live->r[k++], line, sizeof line);
        if (strcmp(line, fl) != 0)
            fail_msg("frame %zu: file \"%s\", live \"%s\"", i + 1, fl, line);
    }
    if (k != live->n)
        fail_msg("tcpdump's file has %zu of the %zu reports seen live", k,
                 live->n);
    print_message("  tcpdump's file and the live capture agree on %zu "
                  "reports\n",
                  k);
}

/* ---- 1. the reports of each membership change ---- */

static void reports(const struct fam *f)
{
    static struct replog out, any;
    struct mc_addr g = tu_addr(f->asm_group), gs = tu_addr(f->ssm_group);
    struct mc_addr s1, s2;
    struct tap t[2];
    struct tcpdump td;
    static struct lines file_lines;
    struct lines *file = &file_lines;
    char path[64];
    struct mc_err err;
    unsigned rx0 = lab_ifindex(lab, "RX", "lab0");
    bool dumping = tu_have_prog("tcpdump");
    int fd;

    lab_host_addr("S1", f->family, 0, &s1);
    lab_host_addr("S2", f->family, 0, &s2);
    memset(&out, 0, sizeof out);
    memset(&any, 0, sizeof any);
    out.family = any.family = f->family;
    out.groups[0] = any.groups[0] = &g;
    out.groups[1] = any.groups[1] = &gs;
    t[0] = (struct tap){open_capture("lab0", MC_CAPTURE_OUT), log_fn, &out};
    t[1] = (struct tap){open_capture("any", MC_CAPTURE_BOTH), log_fn, &any};
    snprintf(path, sizeof path, "/tmp/mcscope-wire-%ld-%d.pcap", (long)getpid(),
             f->family);
    if (!dumping)
        print_message("  SKIP tcpdump comparison: tcpdump not installed\n");
    else
        assert_true(
            tcpdump_start(&td, lab_ns_name(lab, "RX"), "out", NULL, path));
    fd = lab_receiver(lab, "RX", f->family, f->port, 0);

    {
        const struct want steps[] = {
            {"ASM join", MC_REC_CHANGE_TO_EXCLUDE, 0, &g, NULL, NULL},
            {"exclude S2", MC_REC_BLOCK_OLD_SOURCES, MC_REC_CHANGE_TO_EXCLUDE,
             &g, &s2, &s2},
            {"include S2", MC_REC_ALLOW_NEW_SOURCES, MC_REC_CHANGE_TO_EXCLUDE,
             &g, &s2, NULL},
            {"ASM leave", MC_REC_CHANGE_TO_INCLUDE, 0, &g, NULL, NULL},
            {"SSM join S1", MC_REC_ALLOW_NEW_SOURCES, 0, &gs, &s1, NULL},
            {"SSM leave S1", MC_REC_BLOCK_OLD_SOURCES, 0, &gs, &s1, NULL},
        };

        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            size_t from = out.n;
            int rc = 0;

            switch (i) {
            case 0:
                rc = mc_join_group(fd, rx0, &g, &err);
                break;
            case 1:
                rc = mc_exclude_source(fd, rx0, &g, &s2, &err);
                break;
            case 2:
                rc = mc_include_source(fd, rx0, &g, &s2, &err);
                break;
            case 3:
                rc = mc_leave_group(fd, rx0, &g, &err);
                break;
            case 4:
                rc = mc_join_source_group(fd, rx0, &gs, &s1, &err);
                break;
            default:
                rc = mc_leave_source_group(fd, rx0, &gs, &s1, &err);
                break;
            }
            lab_ok(rc, &err, steps[i].what);
            expect_change(f, t, 2, &out, from, &steps[i]);
        }
    }
    close(fd);
    pump(t, 2, 100);
    if (dumping)
        tcpdump_stop(&td);

    /* "any": Linux cooked frames, the direction from the packet type */
    assert_true(mc_capture_linktype(t[1].c) == MC_LINK_LINUX_SLL ||
                mc_capture_linktype(t[1].c) == MC_LINK_LINUX_SLL2);
    assert_int_equal(mc_capture_linktype(t[0].c), MC_LINK_EN10MB);
    assert_int_equal(any.malformed, 0);
    assert_int_equal(any.n, out.n);
    for (size_t i = 0; i < any.n; i++) {
        assert_int_equal(any.r[i].hdr.dir, MC_WIRE_DIR_OUT);
        assert_int_equal(out.r[i].hdr.dir, MC_WIRE_DIR_OUT);
        assert_int_equal(any.r[i].nrec, out.r[i].nrec);
    }
    mc_capture_close(t[0].c);
    mc_capture_close(t[1].c);

    if (dumping) {
        decode_file(path, f->family, file);
        compare_live(&out, file, &g, &gs);
        compare_tshark(f, path, file);
        compare_tcpdump(path, file);
        unlink(path);
    }
}

/* ---- 2. wire vs socket with S2 excluded ---- */

struct wire_count {
    struct mc_addr group, a1, a2;
    uint16_t port;
    enum mc_wire_dir want_dir;
    unsigned n1, n2, other, bad_dir, bad_len;
};

static void count_fn(const struct mc_capture_frame *f,
                     const struct mc_wire_pkt *p, void *arg)
{
    struct wire_count *w = arg;

    (void)f;
    if (p->status != MC_WIRE_OK || p->kind != MC_WIRE_KIND_UDP ||
        !mc_addr_equal(&p->dst, &w->group) || p->udp.dport != w->port)
        return;
    w->bad_dir += p->dir != w->want_dir;
    w->bad_len += p->udp.len != LAB_PAYLOAD_LEN;
    if (mc_addr_equal(&p->src, &w->a1))
        w->n1++;
    else if (mc_addr_equal(&p->src, &w->a2))
        w->n2++;
    else
        w->other++;
}

static void expect_counts(const struct wire_count *w, const char *what)
{
    if (w->n1 == COUNT && w->n2 == COUNT && w->other == 0 && w->bad_dir == 0 &&
        w->bad_len == 0)
        return;
    fail_msg("%s: wire saw %u from S1, %u from S2, %u from others (want "
             "%u, %u, 0); %u with the wrong direction, %u of another size",
             what, w->n1, w->n2, w->other, COUNT, COUNT, w->bad_dir,
             w->bad_len);
}

/* tcpdump -r FILE [filter] | wc -l */
static unsigned tcpdump_count(const char *path, const char *filter)
{
    static char out[OUT_MAX * 4];
    char *argv[] = {"tcpdump", "-r", (char *)path, "-nn", (char *)filter, NULL};
    unsigned lines = 0;

    if (filter == NULL)
        argv[4] = NULL;
    assert_int_equal(tu_run_out(argv, out, sizeof out), 0);
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    return lines;
}

static void wire_vs_socket(const struct fam *f)
{
    struct mc_addr g = tu_addr(f->data_group);
    struct lab_senders s;
    struct wire_count in = {0}, both = {0}, any = {0}, file = {0}, tiny;
    struct mc_capture_stats st, ts;
    struct mc_capture *c;
    struct mc_err err;
    char path[64], filter[160], a[MC_ADDR_STRLEN], ga[MC_ADDR_STRLEN];
    struct tap t[4];
    int rx, n;

    lab_senders_open(lab, f->family, &s);
    in.group = g;
    in.a1 = s.a1;
    in.a2 = s.a2;
    in.port = f->port;
    both = any = file = tiny = in;
    in.want_dir = both.want_dir = any.want_dir = tiny.want_dir = MC_WIRE_DIR_IN;
    file.want_dir = MC_WIRE_DIR_UNKNOWN; /* Ethernet in a file: unknown */
    t[0] = (struct tap){open_capture("lab0", MC_CAPTURE_IN), count_fn, &in};
    t[1] = (struct tap){open_capture("lab0", MC_CAPTURE_BOTH), count_fn, &both};
    t[2] = (struct tap){open_capture("any", MC_CAPTURE_BOTH), count_fn, &any};
    /* snaplen 65535 in 1 MiB: libpcap's ring has 16 slots (wire.h) */
    t[3] = (struct tap){open_sized("lab0", MC_CAPTURE_BOTH, 65535, 1 << 20),
                        count_fn, &tiny};
    /* the default snaplen: the MTU (1500) + 32; "any" has none */
    assert_int_equal(mc_capture_snaplen(t[0].c), 1532);
    assert_int_equal(mc_capture_snaplen(t[2].c), MC_CAPTURE_SNAPLEN_ANY);
    snprintf(path, sizeof path, "/tmp/mcscope-wire-%ld-%d-dump.pcap",
             (long)getpid(), f->family);
    lab_ok(mc_capture_dump_open(t[0].c, path, &err), &err, "dump open");

    rx = lab_receiver(lab, "RX", f->family, f->port, MC_CM_DST | MC_CM_IFACE);
    lab_ok(mc_join_group(rx, s.rx_lab0, &g, &err), &err, "join");
    lab_ok(mc_exclude_source(rx, s.rx_lab0, &g, &s.a2, &err), &err,
           "exclude-source S2");
    lab_send_both(&s, &g, f->port, COUNT);
    lab_expect_both(&rx, 1, &s, COUNT, 0, "socket, S2 excluded");
    for (int i = 0; i < 4; i++)
        pump_idle(&t[i], 200);
    expect_counts(&in, "capture in on lab0");
    expect_counts(&both, "capture both on lab0 (direction by MAC)");
    expect_counts(&any, "capture on any (direction by packet type)");

    lab_ok(mc_capture_stats(t[0].c, &st, &err), &err, "stats");
    assert_int_equal(st.dropped, 0);
    assert_int_equal(st.malformed, 0);
    assert_true(st.frames >= 2 * COUNT);
    assert_int_equal(st.dumped, st.frames);
    lab_ok(mc_capture_dump_close(t[0].c, &err), &err, "dump close");

    /* the small ring overflows, and says so: what the kernel passed is
     * what was read plus what it dropped */
    lab_ok(mc_capture_stats(t[3].c, &ts, &err), &err, "stats");
    print_message("  16-slot ring: %u of %u frames read, pcap received "
                  "%llu, dropped %llu\n",
                  tiny.n1 + tiny.n2, 2 * COUNT, (unsigned long long)ts.received,
                  (unsigned long long)ts.dropped);
    assert_true(ts.dropped > 0);
    assert_true(tiny.n1 + tiny.n2 < 2 * COUNT);
    assert_true(ts.received == ts.frames + ts.dropped);
    for (int i = 0; i < 4; i++)
        mc_capture_close(t[i].c);
    close(rx);
    lab_senders_close(&s);

    /* the file: our decoder and tcpdump count the same */
    lab_ok(mc_capture_open_offline(path, NULL, &c, &err), &err, "read dump");
    while ((n = mc_capture_dispatch(c, count_fn, &file, &err)) > 0)
        ;
    lab_ok(n, &err, "dispatch of the dump");
    mc_capture_close(c);
    expect_counts(&file, "the dump file read back");
    if (tu_have_prog("tcpdump")) {
        unsigned all = tcpdump_count(path, NULL), s1;

        mc_addr_format(&g, ga, sizeof ga);
        snprintf(filter, sizeof filter, "udp and src host %s and dst host %s",
                 mc_addr_format(&in.a1, a, sizeof a), ga);
        s1 = tcpdump_count(path, filter);
        print_message("  tcpdump -r: %u packets, %u from S1 (captured %llu)\n",
                      all, s1, (unsigned long long)st.frames);
        assert_int_equal(all, st.frames);
        assert_int_equal(s1, COUNT);
    } else {
        print_message("  SKIP tcpdump -r check: tcpdump not installed\n");
    }
    unlink(path);
}

/* ---- 3. privileges ---- */

/* Child exit codes, for the parent's messages. */
enum {
    CH_OK = 0,
    CH_SETPROC = 10,
    CH_STILL_RAW,
    CH_NOT_EPERM,
    CH_NO_HOWTO,
    CH_JOIN,
    CH_DROP,
    CH_CAPS,
    CH_BOUND,
    CH_OPEN,
    CH_OPEN_AFTER,
};

/* Without any capability: the refusal, and a join that still works. */
static int child_no_caps(int msg_fd, int go_fd, int family,
                         const struct mc_addr *g, unsigned ifindex)
{
    char byte;
    cap_t none = cap_init();
    struct mc_capture *c;
    struct mc_err err;
    int rc, fd;

    if (none == NULL || cap_set_proc(none) < 0)
        return CH_SETPROC;
    cap_free(none);
    if (mc_priv_have_net_raw() || mc_priv_have_net_admin())
        return CH_STILL_RAW;
    rc = mc_capture_open("lab0", MC_CAPTURE_OUT, 0, 0, NULL, &c, &err);
    if (write(msg_fd, err.msg, strlen(err.msg)) < 0)
        return CH_NOT_EPERM;
    if (rc != -EPERM)
        return CH_NOT_EPERM;
    if (strstr(err.msg, MC_PRIV_HOWTO) == NULL)
        return CH_NO_HOWTO;
    fd = mc_sock_open_udp(family, &err);
    if (fd < 0 || mc_join_group(fd, ifindex, g, &err) < 0)
        return CH_JOIN;
    /* hold the membership until the parent has seen its reports */
    while (read(go_fd, &byte, 1) < 0 && errno == EINTR)
        ;
    close(fd);
    return CH_OK;
}

/* Keep CAP_NET_RAW only: capture works, the rest and the bounding set
 * are gone; then drop it too. */
static int child_keep_raw(int msg_fd)
{
    struct mc_capture *c;
    struct mc_err err;
    char text[128];
    int rc;

    if (mc_priv_drop_unneeded(true, false, &err) < 0)
        return CH_DROP;
    mc_priv_describe(text, sizeof text);
    if (write(msg_fd, text, strlen(text)) < 0)
        return CH_CAPS;
    if (!mc_priv_have_net_raw() || mc_priv_have_net_admin() ||
        strcmp(text, "cap_net_raw=ep") != 0)
        return CH_CAPS;
    if (cap_get_bound(CAP_SYS_ADMIN) != 0 || cap_get_bound(CAP_NET_RAW) != 1)
        return CH_BOUND;
    rc = mc_capture_open("lab0", MC_CAPTURE_OUT, 0, 0, NULL, &c, &err);
    if (rc < 0) {
        (void)!write(msg_fd, err.msg, strlen(err.msg));
        return CH_OPEN;
    }
    mc_capture_close(c);
    if (mc_priv_drop_unneeded(false, false, &err) < 0)
        return CH_DROP;
    rc = mc_capture_open("lab0", MC_CAPTURE_OUT, 0, 0, NULL, &c, &err);
    return rc == -EPERM ? CH_OK : CH_OPEN_AFTER;
}

struct child {
    pid_t pid;
    int msg_fd; /* the child's messages */
    int go_fd;  /* closed by the parent: the child may go on */
};

/* Fork in RX; the child runs case which (0: no capabilities, 1: keep
 * CAP_NET_RAW) and _exits with its code. */
static struct child fork_in_rx(int which, const struct fam *f,
                               const struct mc_addr *g, unsigned ifindex)
{
    struct child ch;
    int pfd[2], go[2];

    assert_int_equal(pipe(pfd), 0);
    assert_int_equal(pipe(go), 0);
    lab_enter(lab, "RX");
    ch.pid = fork();
    if (ch.pid == 0) {
        close(pfd[0]);
        close(go[1]);
        _exit(which == 0 ? child_no_caps(pfd[1], go[0], f->family, g, ifindex)
                         : child_keep_raw(pfd[1]));
    }
    lab_leave(lab);
    close(pfd[1]);
    close(go[0]);
    assert_true(ch.pid > 0);
    ch.msg_fd = pfd[0];
    ch.go_fd = go[1];
    return ch;
}

/* Wait for the child; its exit code, and its message in msg. */
static int child_wait(struct child *ch, char *msg, size_t len)
{
    size_t used = 0;
    ssize_t n;
    int status;

    close(ch->go_fd);
    while (used + 1 < len &&
           (n = read(ch->msg_fd, msg + used, len - used - 1)) > 0)
        used += (size_t)n;
    msg[used] = '\0';
    close(ch->msg_fd);
    assert_int_equal(waitpid(ch->pid, &status, 0), ch->pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void privileges(const struct fam *f)
{
    static struct replog log;
    struct mc_addr g = tu_addr(f->priv_group);
    unsigned rx0 = lab_ifindex(lab, "RX", "lab0");
    struct tap t;
    struct child ch;
    char msg[MC_ERR_MSG_MAX + 8];
    int code;

    assert_true(mc_priv_have_net_raw()); /* root */
    memset(&log, 0, sizeof log);
    log.family = f->family;
    log.groups[0] = &g;
    t = (struct tap){open_capture("lab0", MC_CAPTURE_OUT), log_fn, &log};

    ch = fork_in_rx(0, f, &g, rx0);
    {
        const struct want w = {"join without capabilities",
                               MC_REC_CHANGE_TO_EXCLUDE,
                               0,
                               &g,
                               NULL,
                               NULL};

        expect_change(f, &t, 1, &log, 0, &w);
    }
    code = child_wait(&ch, msg, sizeof msg);
    print_message("  refusal: %s\n", msg);
    if (code != CH_OK)
        fail_msg("child without capabilities: code %d, message \"%s\"", code,
                 msg);
    assert_non_null(strstr(msg, "CAP_NET_RAW"));
    assert_non_null(strstr(msg, "setcap cap_net_raw+ep "
                                "$(command -v mcscope)"));
    mc_capture_close(t.c);

    ch = fork_in_rx(1, f, NULL, 0);
    code = child_wait(&ch, msg, sizeof msg);
    print_message("  kept: %s\n", msg);
    if (code != CH_OK)
        fail_msg("child keeping CAP_NET_RAW: code %d, \"%s\"", code, msg);
}

LAB_BOTH_FAMILIES(reports, &v6, &v4)
LAB_BOTH_FAMILIES(wire_vs_socket, &v6, &v4)
LAB_BOTH_FAMILIES(privileges, &v6, &v4)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(reports_v6, lab_leave_teardown),
        cmocka_unit_test_teardown(reports_v4, lab_leave_teardown),
        cmocka_unit_test_teardown(wire_vs_socket_v6, lab_leave_teardown),
        cmocka_unit_test_teardown(wire_vs_socket_v4, lab_leave_teardown),
        cmocka_unit_test_teardown(privileges_v6, lab_leave_teardown),
        cmocka_unit_test_teardown(privileges_v4, lab_leave_teardown),
    };
    int rc;

    lab = lab_create(false);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
