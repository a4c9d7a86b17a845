/*
 * bench_tui: the groups table's times with many groups, headless.
 *
 * In a private network namespace (root, or a user namespace where the
 * kernel allows one), two monitors are made in the same run: a small one
 * with SMALL groups (10) and a large one with LARGE (10,000) IPv6 groups
 * joined on lo, each with the same traffic (one sender at 200 packets/s
 * to its first group, so the first rows have sources and figures).  The
 * UI draws each into /dev/null (newterm, 120x40, xterm-256color) and
 * these are timed, each the median of REPS runs:
 *
 *   redraw  ui_draw (a new snapshot of the monitor, the table drawn)
 *   scroll  PgDn, then the redraw
 *   sort    '>' (the next sort order), then the redraw
 *   filter  typing one character at the filter prompt, then the redraw
 *
 * It prints each time for both sizes, the large/small ratio and whether
 * the large one is within the goal (GOAL_MS, 10 ms).  Exit 0 when all are
 * within the goal, 1 when one is not, 77 when no namespace can be had.
 *
 * Then the storm (issue 17, "the TUI responsive"): a monitor of SMALL
 * groups and 239.23.0.1, which got one datagram from each of STORM
 * (100,000) distinct sources (10.96.0.0/14, made local on lo by a route),
 * so its source table is full and its other-sources bucket counts the
 * rest; the same operations are timed on it, against the small monitor.
 *
 *   bench_tui [LARGE [REPS [STORM]]]
 */
#include <arpa/inet.h>
#include <curses.h>
#include <locale.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcscope/monitor.h"
#include "testns.h"
#include "testutil.h"
#include "ui.h"

#define SMALL 10
#define GOAL_MS 10.0
#define NOPS 4

static const char *const op_names[NOPS] = {"redraw", "scroll", "sort",
                                           "filter"};

static double now_ms(void)
{
    return (double)mc_monitor_now_ns() / 1e6;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void run(struct mc_monitor *m, const char *line)
{
    struct mc_err err;

    if (mc_monitor_exec_line(m, line, &err) < 0) {
        fprintf(stderr, "bench_tui: '%s': %s\n", line, err.msg);
        exit(1);
    }
}

/* A monitor with n groups joined on lo and one sender to the first. */
static struct mc_monitor *make_monitor(unsigned n)
{
    struct mc_monitor *m;
    struct mc_err err;
    char line[96];
    double t0 = now_ms();

    if (mc_monitor_new(NULL, &m, &err) < 0) {
        fprintf(stderr, "bench_tui: monitor: %s\n", err.msg);
        exit(1);
    }
    for (unsigned i = 0; i < n; i++) {
        snprintf(line, sizeof line, "join ff15::%x:%x dev lo port 5001",
                 i >> 16, i & 0xffff);
        run(m, line);
    }
    run(m, "send ff15::0:0 dev lo port 5001 rate 200 size 100");
    tu_monitor_run_ms(&m, 1, 1500); /* a whole second of rates */
    fprintf(stderr, "bench_tui: %u groups joined and running in %.0f ms\n", n,
            now_ms() - t0);
    return m;
}

/* One datagram to 239.23.0.1 port 5001 on lo from each of n sources
 * 10.96.0.1 .. (bound with IP_FREEBIND; a local route on lo makes them
 * this host's: IPv4, since IPv6 multicast does not loop back on lo), the
 * group joined as the monitor's last; the monitor drains them as they
 * come. */
static void storm(struct mc_monitor *m, unsigned n)
{
    struct sockaddr_in to = {.sin_family = AF_INET,
                             .sin_port = htons(5001),
                             .sin_addr.s_addr = htonl(0xef170001)};
    struct ip_mreqn mif = {.imr_ifindex = (int)testns_lo_index()};
    unsigned sent = 0;
    int one = 1;
    double t0 = now_ms();
    const struct mc_counters *oc;
    struct mc_group_view v;

    if (system("ip link set lo multicast on && "
               "ip route add local 10.96.0.0/14 dev lo") != 0) {
        fprintf(stderr, "bench_tui: the storm's route on lo failed\n");
        exit(1);
    }
    run(m, "join 239.23.0.1 dev lo port 5001");
    for (unsigned i = 0; i < n; i++) {
        struct sockaddr_in from = {.sin_family = AF_INET,
                                   .sin_addr.s_addr = htonl(0x0a600001 + i)};
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        if (fd < 0 ||
            setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mif, sizeof mif) ||
            setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one) ||
            bind(fd, (struct sockaddr *)&from, sizeof from) < 0) {
            perror("bench_tui: a storm source");
            exit(1);
        }
        sent +=
            sendto(fd, "storm", 5, 0, (struct sockaddr *)&to, sizeof to) == 5;
        close(fd);
        if (i % 64 == 63) /* keep the socket's queue short */
            tu_monitor_pass(&m, 1, 0);
    }
    tu_monitor_run_ms(&m, 1, 1000);
    if (mc_monitor_group(m, SMALL, &v) < 0) {
        fprintf(stderr, "bench_tui: no storm group\n");
        exit(1);
    }
    oc = mc_source_counters(mc_group_stats_other(v.stats));
    fprintf(stderr,
            "bench_tui: storm of %u sources (%u sent) in %.0f ms: %u sources "
            "kept, %llu datagrams in the other bucket\n",
            n, sent, now_ms() - t0, mc_group_stats_source_count(v.stats),
            (unsigned long long)oc->packets);
}

/* One operation and the redraw after it; its time in ms. */
static double timed(struct ui *ui, int op, unsigned rep)
{
    double t0 = now_ms();

    switch (op) {
    case 1:
        ui_key(ui, KEY_NPAGE);
        break;
    case 2:
        ui_key(ui, '>');
        break;
    case 3: /* one more character of the filter "ff15::" (reset at 6) */
        ui_key(ui, "ff15::"[rep % 6]);
        break;
    default:
        break;
    }
    ui_draw(ui);
    return now_ms() - t0;
}

/* The medians of the NOPS operations for monitor m into ms[]. */
static void measure(struct mc_monitor *m, unsigned reps, FILE *out, FILE *in,
                    double ms[NOPS])
{
    SCREEN *scr = newterm("xterm-256color", out, in);
    double *t = calloc(reps, sizeof *t);
    struct ui *ui;

    if (scr == NULL || t == NULL) {
        fprintf(stderr, "bench_tui: no terminal\n");
        exit(1);
    }
    set_term(scr);
    resize_term(40, 120);
    ui = ui_new(m, true);
    ui_draw(ui); /* the first draw: sizes, colours */
    for (int op = 0; op < NOPS; op++) {
        if (op == 3)
            ui_key(ui, '/');
        for (unsigned r = 0; r < reps; r++) {
            if (op == 3 && r > 0 && r % 6 == 0) { /* start the filter again */
                for (int k = 0; k < 6; k++)
                    ui_key(ui, KEY_BACKSPACE);
            }
            t[r] = timed(ui, op, r);
        }
        qsort(t, reps, sizeof *t, cmp_dbl);
        ms[op] = t[reps / 2];
    }
    ui_free(ui);
    endwin();
    delscreen(scr);
    free(t);
}

int main(int argc, char **argv)
{
    unsigned large = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 10000;
    unsigned reps = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 31;
    unsigned nstorm = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 100000;
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    struct mc_monitor *small, *big, *stormed;
    double ms_small[NOPS], ms_large[NOPS], ms_storm[NOPS];
    bool ok = true;

    if (out == NULL || in == NULL || reps == 0 || large == 0)
        return 1;
    setlocale(LC_ALL, "C.UTF-8");
    setenv("TERM", "xterm-256color", 1);
    testns_enter_private_or_skip();
    small = make_monitor(SMALL);
    big = make_monitor(large);
    stormed = make_monitor(SMALL);
    storm(stormed, nstorm);
    measure(small, reps, out, in, ms_small);
    measure(big, reps, out, in, ms_large);
    measure(stormed, reps, out, in, ms_storm);
    printf("TUI groups table, 120x40, median of %u, ms (goal %.0f ms at "
           "%u groups)\n",
           reps, GOAL_MS, large);
    printf("%-8s %10s %10s %8s  %s\n", "", "10 groups", "large", "ratio",
           "goal");
    for (int op = 0; op < NOPS; op++) {
        bool met = ms_large[op] <= GOAL_MS;

        ok = ok && met;
        printf("%-8s %10.3f %10.3f %8.1f  %s\n", op_names[op], ms_small[op],
               ms_large[op], ms_small[op] > 0 ? ms_large[op] / ms_small[op] : 0,
               met ? "met" : "NOT MET");
    }
    printf("\nthe same with %u groups and one from %u sources (the storm)\n",
           SMALL, nstorm);
    printf("%-8s %10s %10s %8s  %s\n", "", "10 groups", "storm", "ratio",
           "goal");
    for (int op = 0; op < NOPS; op++) {
        bool met = ms_storm[op] <= GOAL_MS;

        ok = ok && met;
        printf("%-8s %10.3f %10.3f %8.1f  %s\n", op_names[op], ms_small[op],
               ms_storm[op], ms_small[op] > 0 ? ms_storm[op] / ms_small[op] : 0,
               met ? "met" : "NOT MET");
    }
    mc_monitor_free(small);
    mc_monitor_free(big);
    mc_monitor_free(stormed);
    fclose(out);
    fclose(in);
    return ok ? 0 : 1;
}
