/*
 * Test helper: a namespace lab for the integration tests (reference/LAB.md).
 *
 *   S1 lab0  fd42::1   10.200.0.1  --+
 *   S2 lab0  fd42::2   10.200.0.2  --+-- SW: bridge br0 (mcast_snooping 0)
 *   RX lab0  fd42::10  10.200.0.10 --+
 *
 * With the second link, S1 and RX also get "lab1" on bridge br1 in SW
 * (fd43::1 / fd43::10, 10.201.0.1 / 10.201.0.10).
 *
 * Every run names its namespaces "mct<pid>-HOST", so parallel or aborted
 * runs never collide; the lab is removed on lab_destroy, at exit, on
 * SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGABRT/SIGPIPE/SIGALRM/SIGUSR1/SIGUSR2 and
 * on a sanitizer's fatal report; lab_create also removes what a killed run
 * (its pid gone: SIGKILL, a ctest timeout) left behind.
 *
 * A socket stays in the namespace it was created in, so one test process
 * owns senders in S1/S2 and receivers in RX: lab_enter(lab, "S1") switches
 * the calling thread's network namespace (setns), lab_leave() switches back.
 * Interface lookups, /proc/net reads and anything that opens a socket
 * (mc_listener_new, mc_listener_apply) must run inside the right host.
 *
 * The socket, send, drain and tally helpers fail the current cmocka test
 * with a message when a core call fails, so tests stay short.
 */
#ifndef MCSCOPE_TEST_LAB_H
#define MCSCOPE_TEST_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "testutil.h"
#include "mcscope/addr.h"
#include "mcscope/cmsg.h"
#include "mcscope/io.h"

#define LAB_SKIP 77

/* Hosts, for lab_enter and friends: "SW", "S1", "S2", "RX". */
struct lab;

/*
 * Build the lab (second_link: add lab1 on br1 for S1 and RX).  Not root:
 * print "SKIP: ..." and exit(LAB_SKIP).  Any other failure prints the step
 * that failed, removes what was made and exits 1.  The environment
 * variable MCSCOPE_TEST_FILTER, when set, is passed to
 * cmocka_set_test_filter (run only the tests whose names match).
 */
struct lab *lab_create(bool second_link);
/* Kill anything left inside, delete the namespaces, free lab. */
void lab_destroy(struct lab *lab);

/* The full namespace name of a host ("mct1234-RX"). */
const char *lab_ns_name(const struct lab *lab, const char *host);

/* Switch the calling thread into host's namespace / back to the start. */
void lab_enter(struct lab *lab, const char *host);
void lab_leave(struct lab *lab);
/* A cmocka teardown: back to the start namespace even after a failure
 * inside lab_enter (state unused). */
int lab_leave_teardown(void **state);

/* The index of ifname ("lab0", "lab1") inside host. */
unsigned lab_ifindex(struct lab *lab, const char *host, const char *ifname);

/* A host's address on link 0 (lab0) or 1 (lab1) for family. */
void lab_host_addr(const char *host, int family, int link, struct mc_addr *out);

/*
 * A UDP sender socket created in host, its multicast interface set to
 * lab<link> (so the route never decides).  Fails the test on error.
 */
int lab_sender(struct lab *lab, const char *host, int family, int link);

/* Receive buffer of the tests' receivers: every packet a test sends
 * before it drains fits, so exact counts never depend on timing. */
#define LAB_RCVBUF (1 << 20)

/*
 * A UDP receiver socket created in host: bound to the wildcard and port
 * with reuse (mc_sock_bind: SO_REUSEADDR/SO_REUSEPORT), MULTICAST_ALL off
 * (mc_sock_open_udp's default), LAB_RCVBUF, the cm_flags receive options
 * on.  Joins nothing.
 */
int lab_receiver(struct lab *lab, const char *host, int family, uint16_t port,
                 unsigned cm_flags);

/*
 * Two cmocka test functions, NAME_v6 and NAME_v4, that call NAME(V6) and
 * NAME(V4): every integration case runs in both families.
 */
#define LAB_BOTH_FAMILIES(name, v6arg, v4arg)                                  \
    static void name##_v6(void **state)                                        \
    {                                                                          \
        (void)state;                                                           \
        name(v6arg);                                                           \
    }                                                                          \
    static void name##_v4(void **state)                                        \
    {                                                                          \
        (void)state;                                                           \
        name(v4arg);                                                           \
    }

/* Fail the test with what and err's text when rc < 0. */
void lab_ok(int rc, const struct mc_err *err, const char *what);

/*
 * The two sources of most tests: LAB_SPORTS sender sockets in S1 and as
 * many in S2 (all on lab0), their lab0 addresses, and RX's lab0 index.
 * Several source ports make the traffic several flows, as real traffic
 * is, so a kernel path that picks a socket by flow hash (SO_REUSEPORT)
 * shows up in the counts.
 */
#define LAB_SPORTS 8
struct lab_senders {
    int family;
    int s1[LAB_SPORTS], s2[LAB_SPORTS];
    struct mc_addr a1, a2;
    unsigned rx_lab0;
};
void lab_senders_open(struct lab *lab, int family, struct lab_senders *s);
void lab_senders_close(struct lab_senders *s);

/* count packets from S1 (tag 1), then from S2 (tag 2), to group:port,
 * spread over the LAB_SPORTS sockets of each in order. */
void lab_send_both(const struct lab_senders *s, const struct mc_addr *group,
                   uint16_t port, unsigned count);

/*
 * Drain fds until idle and assert exactly want1 packets from S1, want2
 * from S2 and nothing else (no duplicates, no reordering).
 */
void lab_expect_both(const int *fds, size_t nfds, const struct lab_senders *s,
                     unsigned want1, unsigned want2, const char *what);

/* ---- payload: every test packet says who sent it and which one ---- */

#define LAB_MAGIC 0x6d637374u /* "mcst" */
#define LAB_PAYLOAD_LEN 32

/* Fill buf (LAB_PAYLOAD_LEN bytes) with the magic, tag and sequence. */
void lab_payload_fill(uint8_t *buf, uint32_t tag, uint32_t seq);
/* Decode a received packet; false when it is not one of ours (or it was
 * damaged: wrong length or fill bytes). */
bool lab_payload_decode(const struct mc_pkt *p, uint32_t *tag, uint32_t *seq);

/*
 * Send count packets to group:port from fd, sequence numbers first_seq..,
 * all with tag and the per-packet control data cm (NULL: none), in
 * mc_send_batch batches of batch (<= 256) with gap_us between batches.
 * If rx_fd >= 0 the receiver is drained into fn between batches (so a long
 * stream never overflows it).  Fails the test unless all were sent.
 */
typedef void (*lab_pkt_fn)(size_t fd_index, const struct mc_pkt *p, void *arg);
struct lab_pacing {
    unsigned batch;    /* packets per mc_send_batch call (0: 16) */
    unsigned gap_us;   /* sleep between batches (0: 1000) */
    const int *rx_fds; /* drained between batches when nrx > 0 */
    size_t nrx;
    lab_pkt_fn fn;
    void *arg;
};
void lab_send(int fd, const struct mc_addr *group, uint16_t port,
              unsigned count, uint32_t tag, uint32_t first_seq,
              const struct mc_cmsg *cm, const struct lab_pacing *pacing);

/* Send all n messages with mc_send_batch, retrying partial sends and
 * EAGAIN/ENOBUFS for a while; fails the test otherwise. */
void lab_send_msgs(int fd, const struct mc_txmsg *msgs, unsigned n);

/* Sleep for us microseconds. */
void lab_sleep_us(unsigned us);

/*
 * Read every packet waiting on fds and keep polling until none arrives
 * for idle_ms (the tests use LAB_IDLE_MS), calling fn for each packet.
 * Returns the number of packets read.  Gives up (test failure) after 60 s
 * of steady traffic.
 */
#define LAB_IDLE_MS 300
unsigned lab_drain(const int *fds, size_t nfds, unsigned idle_ms, lab_pkt_fn fn,
                   void *arg);
/* One non-blocking pass over fds (no waiting). */
unsigned lab_drain_now(const int *fds, size_t nfds, lab_pkt_fn fn, void *arg);

/* ---- tally: exact counts per source address ---- */

#define LAB_MAX_SRC 8
#define LAB_MAX_SEQ 8192

struct lab_src_count {
    struct mc_addr addr;
    unsigned packets;
    unsigned dups;       /* (tag, seq) seen before from this source */
    unsigned reordered;  /* seq below one already seen (same tag) */
    unsigned bad_seq;    /* seq >= LAB_MAX_SEQ */
    uint32_t max_seq[4]; /* highest seq seen + 1, per tag 0..3 */
    uint8_t seen[4][LAB_MAX_SEQ / 8];
};

struct lab_tally {
    unsigned total;    /* our packets, all sources */
    unsigned foreign;  /* packets that are not ours (no magic) */
    unsigned no_src;   /* ours but without a source address */
    unsigned overflow; /* sources beyond LAB_MAX_SRC */
    size_t nsrc;
    struct lab_src_count src[LAB_MAX_SRC];
};

/* Allocate a zeroed tally (it is large); free with free(). */
struct lab_tally *lab_tally_new(void);
void lab_tally_reset(struct lab_tally *t);
/* Count one packet.  Tags 0..3 get their own sequence checks; other tags
 * are only counted. */
void lab_tally_add(struct lab_tally *t, const struct mc_pkt *p);
/* A lab_pkt_fn: arg is a struct lab_tally. */
void lab_tally_fn(size_t fd_index, const struct mc_pkt *p, void *arg);
/* Packets counted from src (0 when never seen). */
unsigned lab_tally_of(const struct lab_tally *t, const struct mc_addr *src);
const struct lab_src_count *lab_tally_find(const struct lab_tally *t,
                                           const struct mc_addr *src);

/* Drain fds (LAB_IDLE_MS idle) into a reset tally t. */
void lab_count(const int *fds, size_t nfds, struct lab_tally *t);

/*
 * Assert the tally holds exactly want packets from src (and for want > 0,
 * no duplicates or reordering): fails the test with the numbers otherwise.
 */
void lab_expect_src(const struct lab_tally *t, const struct mc_addr *src,
                    unsigned want, const char *what);
/* The same without the order check, for packets read from several sockets
 * (their order across sockets means nothing). */
void lab_expect_src_unordered(const struct lab_tally *t,
                              const struct mc_addr *src, unsigned want,
                              const char *what);

/* Assert total == want and that every packet was ours, with a source. */
void lab_expect_total(const struct lab_tally *t, unsigned want,
                      const char *what);

#endif
