/*
 * mcscope core: the sender of probes, RTP and MPEG-TS (see send.h).
 *
 * Pacing is kept in integers: packet k is due at start_ns + k * 1e9 / rate
 * (rounded up), computed as whole seconds plus a remainder so that neither
 * a long run nor a high rate overflows 64 bits.
 */
#include "mcscope/send.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "mcscope/cmsg.h"
#include "mcscope/io.h"
#include "mcscope/mpegts.h"
#include "mcscope/probe.h"
#include "mcscope/rtp.h"
#include "mcscope/sock.h"
#include "send_priv.h"
#include "util.h"

/* Datagrams per mc_send_batch call, and the bytes of payload they may
 * hold together (the sender's one allocation of payload). */
#define CHUNK_MAX 256u
#define CHUNK_BYTES (1u << 20)

struct mc_sender {
    struct mc_sender_info info;
    int fd;
    bool own_if;       /* the command named the interface */
    struct mc_cmsg cm; /* per-packet control data */
    bool use_cm;
    uint32_t scope_id; /* destination scope for a link-local group */
    int64_t start_ns;  /* the schedule's origin (slides after a stall) */
    uint64_t base;     /* the packet number due at start_ns */
    int64_t next_ns;   /* when mc_sender_run has work next */
    unsigned chunk;    /* packets per batch */
    uint8_t *payload;  /* chunk * size bytes */
    struct mc_txmsg *msgs;
    struct mc__sap_ann *sap; /* send ... sap; NULL: none (send_sap.c) */
    struct mc_ts_gen ts;     /* payload rtp, mpegts */
};

/* The "kernel's default" of an env field: 0 for an interface, else -1. */
static int env_unset(const struct mc_sockopt *o)
{
    return o->value == MC_SOCKOPT_IFACE ? 0 : -1;
}

void mc_sender_env_init(struct mc_sender_env *env)
{
    size_t n;
    const struct mc_sockopt *t = mc_sockopt_table(&n);

    memset(env, 0, sizeof *env);
    for (size_t i = 0; i < n; i++)
        mc_field_put(env, t[i].env, env_unset(&t[i]));
}

/* ---- the schedule ---- */

/* How many packets of the schedule are due by now (k with start + k/rate
 * <= now, plus the first). */
static uint64_t sched_due(const struct mc_sender *s, int64_t now_ns)
{
    int64_t el = now_ns - s->start_ns;
    uint64_t rate = s->info.rate;

    if (el < 0)
        return 0;
    return (uint64_t)(el / MC_NS_PER_S) * rate +
           (uint64_t)(el % MC_NS_PER_S) * rate / MC_NS_PER_S + 1;
}

/* When packet k of the schedule is due (rounded up to the ns). */
static int64_t sched_time(const struct mc_sender *s, uint64_t k)
{
    uint64_t rate = s->info.rate;
    uint64_t rem = k % rate;

    return s->start_ns + (int64_t)(k / rate) * MC_NS_PER_S +
           (int64_t)((rem * MC_NS_PER_S + rate - 1) / rate);
}

static uint64_t left_to_send(const struct mc_sender *s)
{
    if (s->info.count == 0)
        return UINT64_MAX;
    return s->info.count > s->info.sent ? s->info.count - s->info.sent : 0;
}

/* The most a run sends after a stall: MC_SEND_CATCHUP_NS worth. */
static uint64_t catchup_max(const struct mc_sender *s)
{
    uint64_t n = (uint64_t)s->info.rate * MC_SEND_CATCHUP_NS / MC_NS_PER_S;

    return n > 0 ? n : 1;
}

/* ---- checks and set-up ---- */

static int check_args(const struct mc_send_args *args, struct mc_err *err)
{
    char g[MC_ADDR_STRLEN], a[MC_ADDR_STRLEN];

    mc_addr_format(&args->group, g, sizeof g);
    if (!mc_addr_is_multicast(&args->group))
        return mc_err_set(err, -EINVAL,
                          "send %s: the destination must be a multicast "
                          "group (224.0.0.0/4 or ff00::/8)",
                          g);
    if (args->rate == 0 || args->size < MC_PROBE_HDRLEN)
        return mc_err_set(err, -EINVAL,
                          "send %s: rate must be at least 1 and size at "
                          "least %d bytes",
                          g, MC_PROBE_HDRLEN);
    if (args->payload == MC_SEND_MPEGTS && args->size < MC_TS_PKTLEN)
        return mc_err_set(err, -EINVAL,
                          "send %s payload mpegts: size %u holds no 188-byte "
                          "TS packet: use size 188 or more",
                          g, args->size);
    if (args->group.family == AF_INET && args->hoplimit == 0)
        return mc_err_set(err, -EINVAL,
                          "send %s hoplimit %d: an IPv4 TTL must be 1..255 "
                          "(ip(7) IP_TTL); to keep packets on this host use "
                          "'set mcast-hoplimit 0' instead",
                          g, args->hoplimit);
    if (args->source.family != 0 && args->source.family != args->group.family) {
        mc_addr_format(&args->source, a, sizeof a);
        return mc_err_set(err, -EAFNOSUPPORT,
                          "send %s source %s: the source is %s but the group "
                          "is %s: use a source of the group's family",
                          g, a, mc_family_name(args->source.family),
                          mc_family_name(args->group.family));
    }
    return 0;
}

/*
 * Is source an address of this host?  Binding a throwaway socket to it
 * asks the kernel the same question the per-packet source will
 * (EADDRNOTAVAIL when not; bind(2)).
 */
static int check_source(const struct mc_addr *source, unsigned ifindex,
                        struct mc_err *err)
{
    struct mc_err e2;
    char a[MC_ADDR_STRLEN];
    int fd, rc;

    fd = mc_sock_open_udp(source->family, err);
    if (fd < 0)
        return fd;
    rc = mc_sock_bind(fd, source, 0, ifindex, false, &e2);
    close(fd);
    if (rc == 0)
        return 0;
    mc_addr_format(source, a, sizeof a);
    if (rc == -EADDRNOTAVAIL)
        return mc_err_set(err, rc,
                          "source %s is not an address of this host "
                          "(EADDRNOTAVAIL): use one that `ip addr` lists",
                          a);
    return mc_err_set(err, rc, "source %s: %s", a, e2.msg);
}

/* The env's sending options on the new socket, in table order; `dev
 * IFACE` is the multicast interface over the env's. */
static int apply_env(struct mc_sender *s, const struct mc_sender_env *env,
                     struct mc_err *err)
{
    size_t n;
    const struct mc_sockopt *t = mc_sockopt_table(&n);
    int rc = 0;

    for (size_t i = 0; i < n && rc == 0; i++) {
        int v = mc_field_get(env, t[i].env);

        if (t[i].env.type == MC_FIELD_NONE || t[i].where != MC_SOCKOPT_SEND)
            continue;
        if (t[i].value == MC_SOCKOPT_IFACE && s->own_if)
            v = (int)s->info.ifindex;
        if (v != env_unset(&t[i]))
            rc = t[i].set(s->fd, v, err);
    }
    return rc;
}

static void fill_cm(struct mc_sender *s, const struct mc_send_args *args)
{
    memset(&s->cm, 0, sizeof s->cm);
    if (args->tclass >= 0) {
        s->cm.have |= MC_CM_TCLASS;
        s->cm.tclass = args->tclass;
    }
    if (args->hoplimit >= 0) {
        s->cm.have |= MC_CM_HOPLIMIT;
        s->cm.hoplimit = args->hoplimit;
    }
    if (s->own_if) {
        s->cm.have |= MC_CM_IFACE;
        s->cm.ifindex = s->info.ifindex;
    }
    if (args->source.family != 0) {
        s->cm.have |= MC_CM_SRC;
        s->cm.src = args->source;
    }
    s->use_cm = s->cm.have != 0;
}

static uint64_t random_id(void)
{
    uint64_t id = 0;
    struct timespec ts;

    /* getrandom(2) with flags 0 only blocks before the pool is seeded at
     * boot; a short read cannot happen for 8 bytes. */
    if (getrandom(&id, sizeof id, 0) != (ssize_t)sizeof id) {
        clock_gettime(CLOCK_REALTIME, &ts);
        id = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^
             (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 32;
    }
    return id;
}

static int alloc_buffers(struct mc_sender *s, struct mc_err *err)
{
    unsigned size = s->info.size;

    s->chunk = CHUNK_BYTES / size;
    if (s->chunk > CHUNK_MAX)
        s->chunk = CHUNK_MAX;
    if (s->chunk == 0)
        s->chunk = 1;
    s->payload = malloc((size_t)s->chunk * size);
    s->msgs = calloc(s->chunk, sizeof *s->msgs);
    if (s->payload == NULL || s->msgs == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a sender");
    return 0;
}

/* dontfrag: IPV6_DONTFRAG, and IPV6_RECVPATHMTU for the value the kernel
 * gives with a refusal. */
static int set_dontfrag(struct mc_sender *s, struct mc_err *err)
{
    int on = 1;

    if (s->info.group.family != AF_INET6)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "dontfrag is IPv6's (IPV6_DONTFRAG, with the path "
                          "MTU in an IPV6_PATHMTU control message): send "
                          "to an IPv6 group, or leave dontfrag out");
    if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_DONTFRAG, &on, sizeof on) < 0)
        return mc_err_set(err, -errno, "setsockopt IPV6_DONTFRAG: %s",
                          mc_errno_name(-errno));
    return mc_cmsg_set_flags(s->fd, MC_CM_PATHMTU, true, err);
}

/* After EMSGSIZE under dontfrag: the IPV6_PATHMTU control message the
 * kernel queued on the socket (a read that returns no data); 0: none. */
static uint32_t read_pathmtu(struct mc_sender *s)
{
    union {
        char buf[256];
        struct cmsghdr align;
    } ctl;
    struct msghdr msg = {.msg_control = ctl.buf,
                         .msg_controllen = sizeof ctl.buf};
    struct mc_cmsg cm;

    if (recvmsg(s->fd, &msg, MSG_DONTWAIT) < 0)
        return 0;
    mc_cmsg_parse(&msg, &cm);
    return cm.have & MC_CM_PATHMTU ? cm.mtu : 0;
}

static int sender_setup(struct mc_sender *s, const struct mc_send_args *args,
                        const struct mc_sender_env *env, struct mc_err *err)
{
    struct mc_group_info gi;
    int rc;

    if (args->ifname[0] != '\0') {
        rc = mc_ifindex(args->ifname, &s->info.ifindex, err);
        if (rc < 0)
            return rc;
        s->own_if = true;
    }
    if (args->source.family != 0) {
        rc = check_source(&args->source, s->info.ifindex, err);
        if (rc < 0)
            return rc;
    }
    mc_group_classify(&args->group, &gi);
    if (gi.link_local)
        s->scope_id = s->own_if ? s->info.ifindex : env->mcast_if;
    s->fd = mc_sock_open_udp(args->group.family, err);
    if (s->fd < 0)
        return s->fd;
    (void)mc_rtt_prepare(s->fd); /* without: replies timed when read */
    rc = apply_env(s, env, err);
    if (rc == 0 && args->dontfrag)
        rc = set_dontfrag(s, err);
    if (rc < 0)
        return rc;
    fill_cm(s, args);
    if (args->sap) {
        rc = mc__sap_ann_new(args, s->info.ifindex, s->start_ns, &s->sap, err);
        if (rc < 0)
            return rc;
    }
    return alloc_buffers(s, err);
}

int mc_sender_new(const struct mc_send_args *args,
                  const struct mc_sender_env *env, int64_t now_ns,
                  struct mc_sender **out, struct mc_err *err)
{
    struct mc_sender_env defaults;
    struct mc_sender *s;
    int rc;

    mc_err_clear(err);
    if (out == NULL || args == NULL)
        return mc_err_set(err, -EINVAL, "nothing to send");
    *out = NULL;
    if (env == NULL) {
        mc_sender_env_init(&defaults);
        env = &defaults;
    }
    rc = check_args(args, err);
    if (rc < 0)
        return rc;
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a sender");
    s->fd = -1;
    s->info.group = args->group;
    s->info.port = args->port;
    snprintf(s->info.ifname, sizeof s->info.ifname, "%s", args->ifname);
    s->info.rate = args->rate;
    s->info.count = args->count;
    s->info.size = args->size;
    s->info.tclass = args->tclass >= 0 ? args->tclass : -1;
    s->info.hoplimit = args->hoplimit >= 0 ? args->hoplimit : -1;
    s->info.source = args->source;
    s->info.sender_id = random_id();
    s->info.payload = args->payload;
    s->info.dontfrag = args->dontfrag;
    mc_ts_gen_init(&s->ts);
    s->info.running = true;
    s->info.start_ns = now_ns;
    s->start_ns = now_ns;
    s->next_ns = now_ns;
    rc = sender_setup(s, args, env, err);
    if (rc < 0) {
        mc_sender_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void mc_sender_free(struct mc_sender *s)
{
    if (s == NULL)
        return;
    if (s->fd >= 0)
        close(s->fd);
    mc__sap_ann_free(s->sap);
    free(s->payload);
    free(s->msgs);
    free(s);
}

/* ---- sending ---- */

static void finish(struct mc_sender *s, int64_t now_ns)
{
    mc__sap_ann_end(s->sap);
    s->info.running = false;
    s->info.end_ns = now_ns;
    s->next_ns = INT64_MAX;
}

/* Packet n's media time in units of hz: the nominal n / rate seconds, so
 * that the media clock runs steady whatever the network does. */
static uint64_t media_time(const struct mc_sender *s, uint64_t n, uint64_t hz)
{
    uint64_t rate = s->info.rate;

    return n / rate * hz + n % rate * hz / rate;
}

/* RTP (PT 33 with TS packets, PT 96 with zeros when none fits). */
static size_t fill_rtp(struct mc_sender *s, uint64_t n, uint8_t *buf,
                       size_t size)
{
    struct mc_rtp_hdr h = {.seq = (uint16_t)n,
                           .ts = (uint32_t)media_time(s, n, 90000),
                           .ssrc = (uint32_t)s->info.sender_id};
    size_t ts;

    h.pt = size - MC_RTP_HDRLEN >= MC_TS_PKTLEN ? 33 : 96;
    mc_rtp_write(&h, buf, size);
    mc_ts_gen_seek(&s->ts, size - MC_RTP_HDRLEN, n);
    ts = mc_ts_gen_fill(&s->ts, buf + MC_RTP_HDRLEN, size - MC_RTP_HDRLEN,
                        media_time(s, n, 27000000));
    if (ts == 0) {
        memset(buf + MC_RTP_HDRLEN, 0, size - MC_RTP_HDRLEN);
        return size;
    }
    return MC_RTP_HDRLEN + ts;
}

/* Fill n messages, sequence numbers from the next unsent one. */
static void fill_batch(struct mc_sender *s, unsigned n)
{
    struct mc_probe p = {.version = MC_PROBE_VERSION,
                         .sender_id = s->info.sender_id,
                         .send_ns = mc__clock_ns(CLOCK_REALTIME)};
    unsigned size = s->info.size;

    for (unsigned i = 0; i < n; i++) {
        uint8_t *buf = s->payload + (size_t)i * size;
        uint64_t k = s->info.sent + i;
        size_t len = size;

        if (s->info.payload == MC_SEND_RTP) {
            len = fill_rtp(s, k, buf, size);
        } else if (s->info.payload == MC_SEND_MPEGTS) {
            mc_ts_gen_seek(&s->ts, size, k);
            len = mc_ts_gen_fill(&s->ts, buf, size, media_time(s, k, 27000000));
        } else {
            p.seq = k;
            mc_probe_encode(&p, buf, size);
        }
        s->msgs[i].data = buf;
        s->msgs[i].len = len;
        s->msgs[i].dst = s->info.group;
        s->msgs[i].port = s->info.port;
        s->msgs[i].scope_id = s->scope_id;
        s->msgs[i].cm = s->use_cm ? &s->cm : NULL;
    }
}

/* Errors that only mean "not now": the buffer is full. */
static bool transient(int rc)
{
    return rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -ENOBUFS ||
           rc == -EINTR;
}

/* A refusal for good: explain it in the sender's terms and finish. */
static int fail(struct mc_sender *s, int rc, const struct mc_err *why,
                int64_t now_ns, struct mc_err *err)
{
    char g[MC_ADDR_STRLEN];
    struct mc_err e;

    mc_addr_format(&s->info.group, g, sizeof g);
    if (rc == -ENETUNREACH && s->info.source.family == 0 && s->own_if)
        mc_err_set(&e, rc,
                   "no route to %s out of %s: bring it up with multicast "
                   "on (ip link set %s up multicast on) or add a multicast "
                   "route (ip route add %s dev %s)",
                   g, s->info.ifname, s->info.ifname,
                   s->info.group.family == AF_INET ? "224.0.0.0/4" : "ff00::/8",
                   s->info.ifname);
    else if (rc == -ENETUNREACH && s->info.source.family == 0)
        mc_err_set(
            &e, rc,
            "no route to %s: name an interface (dev IFACE) or add a "
            "multicast route (ip route add %s dev IFACE)",
            g, s->info.group.family == AF_INET ? "224.0.0.0/4" : "ff00::/8");
    else if (rc == -EPERM || rc == -EACCES)
        mc_err_set(&e, rc,
                   "sending to %s was not permitted (%s): a firewall "
                   "(nftables/iptables) output rule drops it",
                   g, mc_errno_name(rc));
    else
        mc_err_set(&e, rc, "%s", why->msg);
    s->info.error = rc;
    snprintf(s->info.error_text, sizeof s->info.error_text, "%s", e.msg);
    if (err != NULL)
        *err = e;
    finish(s, now_ns);
    return rc;
}

/*
 * EMSGSIZE under dontfrag is what the student asked to see, not a
 * failure: the sender ends with the path MTU of the IPV6_PATHMTU control
 * message (and says it in error_text, error 0).  false when no such
 * message came (then it is a failure like any other).
 */
static bool too_big(struct mc_sender *s, int64_t now_ns)
{
    char g[MC_ADDR_STRLEN];
    unsigned mtu;

    s->info.pathmtu = read_pathmtu(s);
    mtu = s->info.pathmtu;
    if (mtu == 0)
        return false;
    mc_addr_format(&s->info.group, g, sizeof g);
    snprintf(s->info.error_text, sizeof s->info.error_text,
             "path MTU %u: %u bytes to %s do not fit (IPv6 and UDP headers "
             "take 48); with dontfrag the kernel refused the datagram "
             "(EMSGSIZE) and said the path MTU in an IPV6_PATHMTU control "
             "message; at most size %u fits, or leave dontfrag out and the "
             "kernel fragments",
             mtu, s->info.size, g, mtu > 48 ? mtu - 48 : 0);
    finish(s, now_ns);
    return true;
}

/* The schedule slides when more is due than a catch-up burst. */
static uint64_t due_now(struct mc_sender *s, int64_t now_ns)
{
    uint64_t due = sched_due(s, now_ns) + s->base;
    uint64_t n = due > s->info.sent ? due - s->info.sent : 0;
    uint64_t cap = catchup_max(s);

    if (n > cap) {
        /* Start the schedule over so that cap packets are due now: the
         * packet numbered base is due at start_ns. */
        s->base = s->info.sent + cap - 1;
        s->start_ns = now_ns;
        n = cap;
    }
    if (n > left_to_send(s))
        n = left_to_send(s);
    return n;
}

static void plan_next(struct mc_sender *s, int64_t now_ns)
{
    int64_t next;

    if (left_to_send(s) == 0) {
        finish(s, now_ns);
        return;
    }
    /* The next packet's number in the current schedule; one from before
     * a slide that did not go yet is overdue. */
    if (s->info.sent < s->base)
        next = now_ns;
    else
        next = sched_time(s, s->info.sent - s->base);
    /* Never sooner than a quantum: what falls due meanwhile goes in the
     * next batch (and a full buffer gets that long to drain). */
    if (next < now_ns + MC_SEND_QUANTUM_NS)
        next = now_ns + MC_SEND_QUANTUM_NS;
    s->next_ns = next;
}

int mc_sender_run(struct mc_sender *s, int64_t now_ns, struct mc_err *err)
{
    uint64_t n;
    unsigned k;
    int total = 0, rc;
    struct mc_err why;

    mc_err_clear(err);
    if (s == NULL || !s->info.running)
        return 0;
    mc__sap_ann_run(s->sap, now_ns);
    if (now_ns < s->next_ns)
        return 0;
    n = due_now(s, now_ns);
    while (n > 0) {
        k = n < s->chunk ? (unsigned)n : s->chunk;
        fill_batch(s, k);
        rc = mc_send_batch(s->fd, s->msgs, k, &why);
        if (rc == -EMSGSIZE && s->info.dontfrag && too_big(s, now_ns))
            return total;
        if (rc < 0 && !transient(rc))
            return fail(s, rc, &why, now_ns, err);
        if (rc <= 0) {
            s->info.stalls++;
            plan_next(s, now_ns);
            return total;
        }
        s->info.sent += (uint64_t)rc;
        total += rc;
        n -= (uint64_t)rc;
        if ((unsigned)rc < k) {
            s->info.stalls++;
            plan_next(s, now_ns);
            return total;
        }
    }
    plan_next(s, now_ns);
    return total;
}

int64_t mc_sender_next_ns(const struct mc_sender *s)
{
    int64_t sap = s != NULL ? mc__sap_ann_next_ns(s->sap) : INT64_MAX;

    if (s == NULL || !s->info.running)
        return INT64_MAX;
    return sap < s->next_ns ? sap : s->next_ns;
}

bool mc_sender_running(const struct mc_sender *s)
{
    return s != NULL && s->info.running;
}

void mc_sender_stop(struct mc_sender *s, int64_t now_ns)
{
    if (s == NULL || !s->info.running)
        return;
    s->info.stopped = true;
    finish(s, now_ns);
}

/*
 * The socket option behind a `set` option: the setter of its row in the
 * option table (sockopt.h) for a sending option (hoplimit, mcast-hoplimit,
 * tclass, loopback, mcast-if with an interface index, 0 clearing it).
 * multicast-all is a receive option and is refused here (-EINVAL).
 */
static int sock_option(int fd, enum mc_cmd_opt opt, int value,
                       struct mc_err *err)
{
    const struct mc_sockopt *o = mc_sockopt_get(opt);

    if (o == NULL || o->where != MC_SOCKOPT_SEND)
        return mc_err_set(err, -EINVAL,
                          "%s is not an option of a sending socket",
                          mc_sockopt_name(opt));
    return o->set(fd, value, err);
}

int mc_sender_set_option(struct mc_sender *s, enum mc_cmd_opt opt, int value,
                         struct mc_err *err)
{
    const struct mc_sockopt *o = mc_sockopt_get(opt);

    mc_err_clear(err);
    if (s == NULL)
        return mc_err_set(err, -EINVAL, "no sender");
    if (o != NULL && o->value == MC_SOCKOPT_IFACE && s->own_if)
        return 0;
    if (o != NULL && o->where != MC_SOCKOPT_SEND)
        return 0;
    return sock_option(s->fd, opt, value, err);
}

void mc_sender_get(const struct mc_sender *s, struct mc_sender_info *out)
{
    *out = s->info;
}

size_t mc_sender_read_replies(struct mc_sender *s)
{
    return s->fd >= 0 ? mc_rtt_read(s->fd, s->info.sender_id, &s->info.replies)
                      : 0;
}

int mc_sender_fd(const struct mc_sender *s)
{
    return s != NULL ? s->fd : -1;
}
