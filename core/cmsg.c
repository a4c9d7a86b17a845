/*
 * mcscope core: control messages, x/net/ipv6's ControlMessage and
 * ControlFlags and their x/net/ipv4 siblings.
 *
 * Receive side: the flags turn on the receive options of ipv6(7) (RFC 3542
 * §6) and ip(7); parsing walks the control data the kernel wrote
 * (cmsg(3)) and takes the source from msg_name.  Send side: marshalling
 * writes the per-packet options RFC 3542 §6 and ip(7) accept on sendmsg.
 *
 * The parser does not trust its input: every header is copied out with
 * memcpy (the buffer need not be aligned), every length is checked against
 * what is left, and a message too short for its type is skipped.  The
 * kernel itself writes a short last message when it sets MSG_CTRUNC.
 */
#include "mcscope/cmsg.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mcscope/sock.h"
#include "util.h"

/* ---- the flag table ---- */

static const struct mc_cm_flag_info flag_table[] = {
    {MC_CM_TCLASS, "tclass", "tos", "TC", "tc",
     "traffic class (IPv6) / TOS (IPv4)", "tclass"},
    {MC_CM_HOPLIMIT, "hoplimit", "ttl", "HL", "hl",
     "hop limit (IPv6) / TTL (IPv4)", "hoplimit"},
    {MC_CM_SRC, "src", NULL, "SRC", "src", "source address", "src"},
    {MC_CM_DST, "dst", NULL, "DST", "dst", "destination address", "dst"},
    {MC_CM_IFACE, "iface", NULL, "IF", "if", "arrival interface", "iface"},
    {MC_CM_PATHMTU, "pathmtu", NULL, "PMTU", "pmtu", "path MTU (IPv6 only)",
     "pathmtu"},
};

#define NFLAGS (sizeof flag_table / sizeof flag_table[0])

const struct mc_cm_flag_info *mc_cm_flags(size_t *n)
{
    if (n != NULL)
        *n = NFLAGS;
    return flag_table;
}

size_t mc_cm_flag_words(const char **words, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < NFLAGS; i++) {
        if (n < max)
            words[n] = flag_table[i].word;
        n++;
    }
    /* The IPv4 spellings, ttl before tos as the usage text lists them. */
    for (size_t i = NFLAGS; i-- > 0;) {
        if (flag_table[i].word4 == NULL)
            continue;
        if (n < max)
            words[n] = flag_table[i].word4;
        n++;
    }
    return n;
}

const char *mc_cm_flag_name(unsigned flag, int family)
{
    for (size_t i = 0; i < NFLAGS; i++)
        if (flag_table[i].flag == flag)
            return family == AF_INET && flag_table[i].word4 != NULL
                       ? flag_table[i].word4
                       : flag_table[i].word;
    return "?";
}

int mc_cm_flag_parse(const char *word, unsigned *flag, struct mc_err *err)
{
    const char *words[2 * NFLAGS];
    size_t n = mc_cm_flag_words(words, 2 * NFLAGS);
    char list[128];
    size_t used = 0;

    mc_err_clear(err);
    for (size_t i = 0; word != NULL && i < NFLAGS; i++) {
        if (strcmp(word, flag_table[i].word) == 0 ||
            (flag_table[i].word4 != NULL &&
             strcmp(word, flag_table[i].word4) == 0)) {
            *flag = flag_table[i].flag;
            return 0;
        }
    }
    list[0] = '\0';
    for (size_t i = 0; i < n && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                 i == 0 ? "" : (i + 1 == n ? " or " : ", "),
                                 words[i]);
    return mc_err_set(err, -EINVAL,
                      "unknown control-message flag \"%s\": use %s",
                      word != NULL ? word : "", list);
}

/* ---- receive options ---- */

/* One receive option and the flags it serves. */
struct rx_opt {
    unsigned flags;
    int level;
    int name;
    const char *cname;
};

/* ipv6(7), RFC 3542 §6.  MC_CM_SRC needs none: it comes from msg_name. */
static const struct rx_opt rx_v6[] = {
    {MC_CM_TCLASS, IPPROTO_IPV6, IPV6_RECVTCLASS, "IPV6_RECVTCLASS"},
    {MC_CM_HOPLIMIT, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, "IPV6_RECVHOPLIMIT"},
    {MC_CM_DST | MC_CM_IFACE, IPPROTO_IPV6, IPV6_RECVPKTINFO,
     "IPV6_RECVPKTINFO"},
    {MC_CM_PATHMTU, IPPROTO_IPV6, IPV6_RECVPATHMTU, "IPV6_RECVPATHMTU"},
};

/* ip(7). */
static const struct rx_opt rx_v4[] = {
    {MC_CM_TCLASS, IPPROTO_IP, IP_RECVTOS, "IP_RECVTOS"},
    {MC_CM_HOPLIMIT, IPPROTO_IP, IP_RECVTTL, "IP_RECVTTL"},
    {MC_CM_DST | MC_CM_IFACE, IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO"},
};

static int set_flags_family(int fd, struct mc_err *err)
{
    int fam = mc_sock_family(fd);

    if (fam == -EBADF || fam == -ENOTSOCK)
        return mc_err_set(err, fam,
                          "descriptor %d is not an open socket: open one "
                          "first",
                          fd);
    if (fam < 0)
        return mc_err_set(err, fam,
                          "descriptor %d is not an IPv4 or IPv6 socket: "
                          "control messages need one",
                          fd);
    return fam;
}

/*
 * DST and IFACE share one option (PKTINFO): turning either off turns
 * both off, as x/net does; the caller that wants one of them kept turns
 * it on again.
 */
int mc_cmsg_set_flags(int fd, unsigned flags, bool on, struct mc_err *err)
{
    const struct rx_opt *opts;
    size_t n, i;
    int fam, v = on ? 1 : 0;

    mc_err_clear(err);
    fam = set_flags_family(fd, err);
    if (fam < 0)
        return fam;
    if (flags & ~(unsigned)MC_CM_ALL_V6)
        return mc_err_set(err, -EINVAL,
                          "unknown control-message flags 0x%x: use the "
                          "MC_CM_* flags",
                          flags & ~(unsigned)MC_CM_ALL_V6);
    if (fam == AF_INET && (flags & MC_CM_PATHMTU))
        return mc_err_set(err, -ENOPROTOOPT,
                          "path MTU control messages exist only for IPv6 "
                          "(IPV6_RECVPATHMTU): on IPv4, read the path MTU "
                          "of a connected socket instead");
    opts = fam == AF_INET6 ? rx_v6 : rx_v4;
    n = fam == AF_INET6 ? sizeof rx_v6 / sizeof rx_v6[0]
                        : sizeof rx_v4 / sizeof rx_v4[0];
    for (i = 0; i < n; i++) {
        if (!(opts[i].flags & flags))
            continue;
        if (setsockopt(fd, opts[i].level, opts[i].name, &v, sizeof v) < 0) {
            int e = -errno;

            return mc_err_set(err, e,
                              "turning %s %s failed: %s (%s); control "
                              "messages need a UDP or raw socket",
                              opts[i].cname, on ? "on" : "off", mc_strerror(e),
                              mc_errno_name(e));
        }
    }
    return 0;
}

/*
 * Every control message a receive socket of either family can bring with
 * the flags, timestamps and drop counters on, plus room for one we did not
 * ask for (so that a stray one does not cut ours short).
 */
size_t mc_cmsg_space(void)
{
    return CMSG_SPACE(sizeof(int)) * 2 + /* IPV6_TCLASS, IPV6_HOPLIMIT */
           CMSG_SPACE(sizeof(struct in6_pktinfo)) +
           CMSG_SPACE(sizeof(struct ip6_mtuinfo)) +
           CMSG_SPACE(sizeof(int)) * 2 + /* IP_TTL, IP_TOS */
           CMSG_SPACE(sizeof(struct in_pktinfo)) +
           CMSG_SPACE(sizeof(struct timespec)) +
           CMSG_SPACE(sizeof(uint32_t)) + /* SO_RXQ_OVFL */
           CMSG_SPACE(64);
}

/* ---- parse ---- */

/* A byte or int value 0..255, as IP_TOS and IP_TTL may come in either. */
static bool read_small(const unsigned char *d, size_t len, int *out)
{
    int v;

    if (len >= sizeof v) {
        memcpy(&v, d, sizeof v);
    } else if (len == 1) {
        v = d[0];
    } else {
        return false;
    }
    if (v < 0 || v > 255)
        return false;
    *out = v;
    return true;
}

/* An IPv4 packet on a dual-stack socket has a v4-mapped destination;
 * like the source (addr.h), it is kept in its IPv4 form. */
static void set_dst6(struct mc_cmsg *out, const struct in6_addr *a)
{
    if (IN6_IS_ADDR_V4MAPPED(a)) {
        out->dst.family = AF_INET;
        memcpy(&out->dst.u.v4, &a->s6_addr[12], 4);
    } else {
        out->dst.family = AF_INET6;
        out->dst.u.v6 = *a;
    }
}

static void parse_v6(int type, const unsigned char *d, size_t len,
                     struct mc_cmsg *out)
{
    struct in6_pktinfo pi;
    struct ip6_mtuinfo mi;
    int v;

    switch (type) {
    case IPV6_TCLASS:
        if (len >= sizeof v && read_small(d, sizeof v, &v)) {
            out->tclass = v;
            out->have |= MC_CM_TCLASS;
        }
        break;
    case IPV6_HOPLIMIT:
        if (len >= sizeof v && read_small(d, sizeof v, &v)) {
            out->hoplimit = v;
            out->have |= MC_CM_HOPLIMIT;
        }
        break;
    case IPV6_PKTINFO:
        if (len < sizeof pi)
            break;
        memcpy(&pi, d, sizeof pi);
        set_dst6(out, &pi.ipi6_addr);
        out->ifindex = pi.ipi6_ifindex;
        out->have |= MC_CM_DST | MC_CM_IFACE;
        break;
    case IPV6_PATHMTU:
        if (len < sizeof mi)
            break;
        memcpy(&mi, d, sizeof mi);
        out->mtu = mi.ip6m_mtu;
        out->have |= MC_CM_PATHMTU;
        break;
    default:
        break;
    }
}

static void parse_v4(int type, const unsigned char *d, size_t len,
                     struct mc_cmsg *out)
{
    struct in_pktinfo pi;
    int v;

    switch (type) {
    case IP_TOS: /* ip(7): one byte on receive */
        if (read_small(d, len, &v)) {
            out->tclass = v;
            out->have |= MC_CM_TCLASS;
        }
        break;
    case IP_TTL: /* an int, whatever Go's parseTTL assumes */
        if (read_small(d, len, &v)) {
            out->hoplimit = v;
            out->have |= MC_CM_HOPLIMIT;
        }
        break;
    case IP_PKTINFO:
        if (len < sizeof pi)
            break;
        memcpy(&pi, d, sizeof pi);
        out->dst.family = AF_INET;
        out->dst.u.v4 = pi.ipi_addr; /* the header's destination */
        out->ifindex = (unsigned)pi.ipi_ifindex;
        out->have |= MC_CM_DST | MC_CM_IFACE;
        break;
    default:
        break;
    }
}

static void set_time(struct mc_cmsg *out, long long sec, long long nsec)
{
    if (nsec < 0 || nsec > 999999999)
        return;
    out->ts.tv_sec = (time_t)sec;
    out->ts.tv_nsec = (long)nsec;
    out->have_time = true;
}

static void parse_socket(int type, const unsigned char *d, size_t len,
                         struct mc_cmsg *out)
{
    struct timespec ts;
    uint32_t drops;
    int64_t t64[2];

    if (type == SCM_TIMESTAMPNS && len >= sizeof ts) {
        memcpy(&ts, d, sizeof ts);
        set_time(out, ts.tv_sec, ts.tv_nsec);
#ifdef SO_TIMESTAMPNS_NEW
    } else if (type == SO_TIMESTAMPNS_NEW && len >= sizeof t64) {
        /* struct __kernel_timespec: two 64-bit fields on every ABI */
        memcpy(t64, d, sizeof t64);
        set_time(out, t64[0], t64[1]);
#endif
    } else if (type == SO_RXQ_OVFL && len >= sizeof drops) {
        memcpy(&drops, d, sizeof drops);
        out->drops = drops;
        out->have_drops = true;
    }
    (void)t64;
}

/* The source from msg_name, when it holds a whole IPv4/IPv6 address. */
static void parse_name(const struct msghdr *msg, struct mc_cmsg *out)
{
    struct sockaddr_storage ss;
    size_t len = msg->msg_namelen;

    if (msg->msg_name == NULL || len < sizeof(sa_family_t))
        return;
    if (len > sizeof ss)
        len = sizeof ss;
    /* no memset of all 128 bytes per packet: only the first len are read
     * (the family's whole sockaddr, checked below) */
    memcpy(&ss, msg->msg_name, len);
    if ((ss.ss_family == AF_INET && len < sizeof(struct sockaddr_in)) ||
        (ss.ss_family == AF_INET6 && len < sizeof(struct sockaddr_in6)))
        return;
    if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
        return;
    if (mc_addr_from_sockaddr((struct sockaddr *)&ss, &out->src,
                              &out->src_port) == 0)
        out->have |= MC_CM_SRC;
}

void mc_cmsg_parse(const struct msghdr *msg, struct mc_cmsg *out)
{
    const unsigned char *p;
    size_t left, hdr = CMSG_LEN(0), step;
    struct cmsghdr h;

    memset(out, 0, sizeof *out);
    if (msg == NULL)
        return;
    parse_name(msg, out);
    out->trunc = (msg->msg_flags & MSG_TRUNC) != 0;
    out->ctrunc = (msg->msg_flags & MSG_CTRUNC) != 0;
    p = msg->msg_control;
    left = p == NULL ? 0 : msg->msg_controllen;
    while (left >= hdr) {
        memcpy(&h, p, sizeof h);
        if (h.cmsg_len < hdr || h.cmsg_len > left)
            break; /* malformed, or cut short */
        if (h.cmsg_level == IPPROTO_IPV6)
            parse_v6(h.cmsg_type, p + hdr, h.cmsg_len - hdr, out);
        else if (h.cmsg_level == IPPROTO_IP)
            parse_v4(h.cmsg_type, p + hdr, h.cmsg_len - hdr, out);
        else if (h.cmsg_level == SOL_SOCKET)
            parse_socket(h.cmsg_type, p + hdr, h.cmsg_len - hdr, out);
        step = CMSG_ALIGN(h.cmsg_len);
        if (step >= left)
            break;
        p += step;
        left -= step;
    }
}

/* ---- marshal ---- */

static size_t put_cmsg(unsigned char *b, int level, int type, const void *data,
                       size_t len)
{
    struct cmsghdr h;

    memset(&h, 0, sizeof h);
    h.cmsg_level = level;
    h.cmsg_type = type;
    h.cmsg_len = CMSG_LEN(len);
    memcpy(b, &h, sizeof h);
    memcpy(b + CMSG_LEN(0), data, len);
    return CMSG_SPACE(len);
}

static int marshal_check(const struct mc_cmsg *cm, int family,
                         struct mc_err *err)
{
    bool v6 = family == AF_INET6;

    if ((cm->have & MC_CM_TCLASS) && (cm->tclass < 0 || cm->tclass > 255))
        return mc_err_set(err, -EINVAL,
                          "%s %d is out of range: use 0..255 (0x00..0xff)",
                          v6 ? "traffic class" : "TOS", cm->tclass);
    if ((cm->have & MC_CM_HOPLIMIT) && v6 &&
        (cm->hoplimit < 0 || cm->hoplimit > 255))
        return mc_err_set(err, -EINVAL,
                          "hop limit %d is out of range: use 0..255",
                          cm->hoplimit);
    /* ip(7) checks an IP_TTL control message for 1..255. */
    if ((cm->have & MC_CM_HOPLIMIT) && !v6 &&
        (cm->hoplimit < 1 || cm->hoplimit > 255))
        return mc_err_set(err, -EINVAL, "TTL %d is out of range: use 1..255",
                          cm->hoplimit);
    if ((cm->have & MC_CM_SRC) && cm->src.family != family)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "the source address is %s but the socket is %s: "
                          "give an %s source",
                          cm->src.family == AF_INET ||
                                  cm->src.family == AF_INET6
                              ? mc_family_name(cm->src.family)
                              : "unset",
                          mc_family_name(v6 ? AF_INET6 : AF_INET),
                          mc_family_name(v6 ? AF_INET6 : AF_INET));
    return 0;
}

/* The bytes marshalling needs; same order as mc_cmsg_marshal writes. */
static size_t marshal_size(const struct mc_cmsg *cm, int family)
{
    size_t n = 0;

    if (cm->have & MC_CM_TCLASS)
        n += CMSG_SPACE(sizeof(int));
    if (cm->have & MC_CM_HOPLIMIT)
        n += CMSG_SPACE(sizeof(int));
    if (cm->have & (MC_CM_SRC | MC_CM_IFACE))
        n += family == AF_INET6 ? CMSG_SPACE(sizeof(struct in6_pktinfo))
                                : CMSG_SPACE(sizeof(struct in_pktinfo));
    return n;
}

static size_t put_pktinfo(unsigned char *b, const struct mc_cmsg *cm,
                          int family)
{
    struct in6_pktinfo p6;
    struct in_pktinfo p4;

    if (family == AF_INET6) {
        /* RFC 3542 §6.1: source address and outgoing interface. */
        memset(&p6, 0, sizeof p6);
        if (cm->have & MC_CM_SRC)
            p6.ipi6_addr = cm->src.u.v6;
        if (cm->have & MC_CM_IFACE)
            p6.ipi6_ifindex = cm->ifindex;
        return put_cmsg(b, IPPROTO_IPV6, IPV6_PKTINFO, &p6, sizeof p6);
    }
    /* ip(7): ipi_spec_dst is the source, ipi_ifindex the interface. */
    memset(&p4, 0, sizeof p4);
    if (cm->have & MC_CM_SRC)
        p4.ipi_spec_dst = cm->src.u.v4;
    if (cm->have & MC_CM_IFACE)
        p4.ipi_ifindex = (int)cm->ifindex;
    return put_cmsg(b, IPPROTO_IP, IP_PKTINFO, &p4, sizeof p4);
}

int mc_cmsg_marshal(const struct mc_cmsg *cm, int family, void *buf, size_t len,
                    struct mc_err *err)
{
    unsigned char *b = buf;
    size_t need, used = 0;
    bool v6 = family == AF_INET6;
    int rc;

    mc_err_clear(err);
    if (family != AF_INET && family != AF_INET6)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "address family %d is neither IPv4 nor IPv6: "
                          "control messages need one of them",
                          family);
    if (cm == NULL)
        return 0;
    rc = marshal_check(cm, family, err);
    if (rc < 0)
        return rc;
    need = marshal_size(cm, family);
    if (need == 0)
        return 0;
    if (buf == NULL || len < need)
        return mc_err_set(err, -ENOBUFS,
                          "a control buffer of %zu bytes is too small: these "
                          "control messages need %zu",
                          buf == NULL ? 0 : len, need);
    memset(b, 0, need);
    if (cm->have & MC_CM_TCLASS)
        used += put_cmsg(b + used, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                         v6 ? IPV6_TCLASS : IP_TOS, &cm->tclass, sizeof(int));
    if (cm->have & MC_CM_HOPLIMIT)
        used +=
            put_cmsg(b + used, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                     v6 ? IPV6_HOPLIMIT : IP_TTL, &cm->hoplimit, sizeof(int));
    if (cm->have & (MC_CM_SRC | MC_CM_IFACE))
        used += put_pktinfo(b + used, cm, family);
    return (int)used;
}

/* ---- format ---- */

struct out {
    char *buf;
    size_t len;
    size_t used;
    bool full; /* a field did not fit: the text ends before it */
};

static void add(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Append one field, space-separated, whole or not at all. */
static void add(struct out *o, const char *fmt, ...)
{
    char field[96];
    va_list ap;
    size_t n;
    int rc;

    if (o->full)
        return;
    va_start(ap, fmt);
    rc = vsnprintf(field, sizeof field, fmt, ap);
    va_end(ap);
    if (rc < 0 || (size_t)rc >= sizeof field)
        return;
    n = (size_t)rc + (o->used > 0);
    if (o->used + n >= o->len) {
        o->full = true;
        return;
    }
    snprintf(o->buf + o->used, o->len - o->used, "%s%s", o->used > 0 ? " " : "",
             field);
    o->used += n;
}

const char *mc_cmsg_format(const struct mc_cmsg *cm, char *buf, size_t len)
{
    struct out o = {buf, len, 0, false};
    char a[MC_ADDR_STRLEN];
    bool v4 = cm->src.family == AF_INET || cm->dst.family == AF_INET;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (cm->have & MC_CM_TCLASS)
        add(&o, "%s=0x%02x", v4 ? "tos" : "tclass", (unsigned)cm->tclass);
    if (cm->have & MC_CM_HOPLIMIT)
        add(&o, "%s=%d", v4 ? "ttl" : "hoplimit", cm->hoplimit);
    if (cm->have & MC_CM_SRC)
        add(&o, "src=%s", mc_addr_format(&cm->src, a, sizeof a));
    if (cm->have & MC_CM_DST)
        add(&o, "dst=%s", mc_addr_format(&cm->dst, a, sizeof a));
    if (cm->have & MC_CM_IFACE)
        add(&o, "if=%u", cm->ifindex);
    if (cm->have & MC_CM_PATHMTU)
        add(&o, "mtu=%u", (unsigned)cm->mtu);
    if (cm->have_time)
        add(&o, "t=%lld.%09ld", (long long)cm->ts.tv_sec, cm->ts.tv_nsec);
    if (cm->have_drops)
        add(&o, "drops=%u", (unsigned)cm->drops);
    if (cm->trunc)
        add(&o, "trunc");
    if (cm->ctrunc)
        add(&o, "ctrunc");
    return buf;
}
