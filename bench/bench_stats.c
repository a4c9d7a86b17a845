/*
 * Micro benchmark of the per-packet accounting path: probe decode +
 * mc_group_stats_rx, against a baseline measured in the same run over the
 * same packets (copy the payload, count packets and bytes).  Not a test:
 * machines vary by ±25 %, so only the ratio means anything.
 *
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Icore/include bench/bench_stats.c \
 *       core/probe.c core/stats.c -o /tmp/bench_stats && /tmp/bench_stats
 *
 * Cases: one source (the last-source cache hits), and 64 sources
 * interleaved packet by packet (every lookup goes through the hash).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcscope/probe.h"
#include "mcscope/stats.h"

#define NPKT 1000000
#define PAYLOAD 64
#define ROUNDS 7

struct pkt {
    uint8_t data[PAYLOAD];
    struct mc_cmsg cm;
};

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Packets from nsrc sources, round robin, with a drop and a swap now and
 * then so that every sequence path is taken. */
static struct pkt *make_packets(unsigned nsrc)
{
    struct pkt *p = calloc(NPKT, sizeof *p);
    uint64_t seq[64] = {0};

    if (p == NULL)
        return NULL;
    for (unsigned i = 0; i < NPKT; i++) {
        unsigned s = i % nsrc;
        struct mc_probe pr = {.sender_id = 1000 + s,
                              .seq = seq[s]++,
                              .send_ns = 1700000000LL * 1000000000 + i};

        if (i % 997 == 5)
            seq[s]++; /* a loss */
        mc_probe_encode(&pr, p[i].data, PAYLOAD);
        p[i].cm.src.family = AF_INET6;
        p[i].cm.src.u.v6.s6_addr[0] = 0xfd;
        p[i].cm.src.u.v6.s6_addr[15] = (uint8_t)(s + 1);
        p[i].cm.have = MC_CM_HOPLIMIT | MC_CM_TCLASS;
        p[i].cm.hoplimit = 64;
    }
    for (unsigned i = 0; i + 2 * nsrc < NPKT; i += 1009) {
        struct pkt t = p[i]; /* the same source's next packet */

        p[i] = p[i + nsrc];
        p[i + nsrc] = t;
    }
    return p;
}

static volatile uint64_t sink;

static double run_baseline(const struct pkt *p)
{
    uint8_t buf[PAYLOAD];
    uint64_t packets = 0, bytes = 0;
    int64_t t0 = now_ns();

    for (unsigned i = 0; i < NPKT; i++) {
        memcpy(buf, p[i].data, PAYLOAD);
        __asm__ volatile("" : : "r"(buf) : "memory");
        packets++;
        bytes += PAYLOAD + buf[17];
    }
    sink = packets + bytes;
    return (double)(now_ns() - t0) / NPKT;
}

static double run_stats(const struct pkt *p)
{
    struct mc_group_stats *g = mc_group_stats_new(0);
    int64_t t0, t;

    if (g == NULL)
        return -1;
    t0 = now_ns();
    for (unsigned i = 0; i < NPKT; i++) {
        struct mc_probe pr;
        bool ok = mc_probe_decode(p[i].data, PAYLOAD, &pr) == 0;
        int64_t mono = (int64_t)i * 5000; /* 200 k packets/s */

        mc_group_stats_rx(g, &p[i].cm, PAYLOAD, ok ? &pr : NULL, mono,
                          ok ? pr.send_ns + 20000 : 0);
    }
    t = now_ns() - t0;
    sink = mc_group_stats_counters(g)->packets;
    mc_group_stats_free(g);
    return (double)t / NPKT;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static int bench(unsigned nsrc)
{
    struct pkt *p = make_packets(nsrc);
    double base[ROUNDS], stats[ROUNDS];

    if (p == NULL)
        return 1;
    run_baseline(p); /* warm the caches */
    run_stats(p);
    for (int r = 0; r < ROUNDS; r++) { /* interleaved: same conditions */
        base[r] = run_baseline(p);
        stats[r] = run_stats(p);
    }
    qsort(base, ROUNDS, sizeof base[0], cmp_double);
    qsort(stats, ROUNDS, sizeof stats[0], cmp_double);
    printf("%2u source%s: baseline %6.2f ns/pkt, decode+stats %6.2f "
           "ns/pkt, ratio %5.2f (medians of %d)\n",
           nsrc, nsrc == 1 ? " " : "s", base[ROUNDS / 2], stats[ROUNDS / 2],
           stats[ROUNDS / 2] / base[ROUNDS / 2], ROUNDS);
    free(p);
    return 0;
}

int main(void)
{
    printf("%d packets of %d bytes per round\n", NPKT, PAYLOAD);
    return bench(1) || bench(64);
}
