/*
 * mcscope core: the options of raw sockets: header include, ICMP and
 * ICMPv6 filters, the IPv6 checksum offset, and classic BPF (SetBPF).
 */
#include "sock_priv.h"

#include <errno.h>
#include <linux/filter.h>
#include <netinet/icmp6.h>
#include <string.h>

/* ---- raw sockets: header include, ICMP filters, checksum ---- */

int mc_sock_set_hdrincl(int fd, bool on, struct mc_err *err)
{
    static const struct mc__sock_opt o = {
        IPPROTO_IP, IP_HDRINCL, "header include", "IP_HDRINCL", false};
    int fam, rc;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    if (fam != AF_INET)
        return mc_err_set(err, -ENOPROTOOPT,
                          "header include (IP_HDRINCL) is an IPv4 raw-socket "
                          "option and this is an IPv6 socket: open a raw "
                          "IPv4 socket (SOCK_RAW, AF_INET)");
    rc = mc__sock_set_int(fd, fam, &o, on ? 1 : 0, NULL);
    if (rc == -ENOPROTOOPT)
        return mc_err_set(err, rc,
                          "header include (IP_HDRINCL) applies to raw IPv4 "
                          "sockets only: open the socket with SOCK_RAW");
    if (rc < 0)
        return mc__sock_refused(fd, fam, &o, rc, true, on, err);
    return 0;
}

void mc_icmp_filter_accept(struct mc_icmp_filter *f, unsigned type)
{
    if (type < 256)
        f->accept[type >> 5] |= 1u << (type & 31);
}

void mc_icmp_filter_block(struct mc_icmp_filter *f, unsigned type)
{
    if (type < 256)
        f->accept[type >> 5] &= ~(1u << (type & 31));
}

void mc_icmp_filter_set_all(struct mc_icmp_filter *f, bool block)
{
    memset(f->accept, block ? 0x00 : 0xff, sizeof f->accept);
}

/* A type beyond 255 cannot be in an ICMP header; such a type "blocks". */
bool mc_icmp_filter_will_block(const struct mc_icmp_filter *f, unsigned type)
{
    if (type >= 256)
        return true;
    return (f->accept[type >> 5] & (1u << (type & 31))) == 0;
}

static int icmp_filter_refused(int fd, int fam, int e, bool set,
                               struct mc_err *err)
{
    static const struct mc__sock_opt v4 = {SOL_RAW, MC_ICMP_FILTER,
                                           "ICMP filter", "ICMP_FILTER", false};
    static const struct mc__sock_opt v6 = {
        IPPROTO_ICMPV6, ICMP6_FILTER, "ICMPv6 filter", "ICMP6_FILTER", false};

    /* A UDP socket says ENOPROTOOPT, a raw socket of another protocol
     * EOPNOTSUPP (raw(7), net/ipv6/raw.c). */
    if (e == -ENOPROTOOPT || e == -EOPNOTSUPP)
        return mc_err_set(err, e,
                          "ICMP filters apply to raw ICMP sockets only: open "
                          "the socket with SOCK_RAW, %s",
                          fam == AF_INET6 ? "IPPROTO_ICMPV6" : "IPPROTO_ICMP");
    return mc__sock_refused(fd, fam, mc__sock_pick(fam, &v4, &v6), e, set, 0,
                            err);
}

/*
 * Linux blocks where a bit is set (RFC 3542 §3.2 macros for IPv6, raw(7)
 * for IPv4); our struct accepts where a bit is set.  IPv4 filters only
 * types 0..31 and lets every other type through.
 */
int mc_sock_set_icmp_filter(int fd, const struct mc_icmp_filter *f,
                            struct mc_err *err)
{
    struct icmp6_filter f6;
    uint32_t f4;
    unsigned t;
    int fam, rc;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    if (fam == AF_INET6) {
        ICMP6_FILTER_SETBLOCKALL(&f6);
        for (t = 0; t < 256; t++)
            if (!mc_icmp_filter_will_block(f, t))
                ICMP6_FILTER_SETPASS(t, &f6);
        rc = setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, sizeof f6);
    } else {
        f4 = ~f->accept[0];
        rc = setsockopt(fd, SOL_RAW, MC_ICMP_FILTER, &f4, sizeof f4);
    }
    if (rc < 0)
        return icmp_filter_refused(fd, fam, -errno, true, err);
    return 0;
}

int mc_sock_get_icmp_filter(int fd, struct mc_icmp_filter *f,
                            struct mc_err *err)
{
    struct icmp6_filter f6;
    uint32_t f4 = 0;
    socklen_t len;
    unsigned t;
    int fam, rc;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    if (fam == AF_INET6) {
        len = sizeof f6;
        rc = getsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, &len);
    } else {
        len = sizeof f4;
        rc = getsockopt(fd, SOL_RAW, MC_ICMP_FILTER, &f4, &len);
    }
    if (rc < 0)
        return icmp_filter_refused(fd, fam, -errno, false, err);
    mc_icmp_filter_set_all(f, false);
    if (fam == AF_INET6) {
        for (t = 0; t < 256; t++)
            if (ICMP6_FILTER_WILLBLOCK(t, &f6))
                mc_icmp_filter_block(f, t);
    } else {
        f->accept[0] = ~f4;
    }
    return 0;
}

static const struct mc__sock_opt opt_csum = {
    SOL_RAW, IPV6_CHECKSUM, "checksum offset", "IPV6_CHECKSUM", false};

static int checksum_refused(int fd, int fam, int e, bool set, int val,
                            struct mc_err *err)
{
    if (e == -ENOPROTOOPT || e == -EOPNOTSUPP)
        return mc_err_set(err, e,
                          "the checksum offset (IPV6_CHECKSUM) applies to "
                          "raw IPv6 sockets only: open the socket with "
                          "SOCK_RAW and the protocol to checksum");
    return mc__sock_refused(fd, fam, &opt_csum, e, set, val, err);
}

static int checksum_family(int fd, struct mc_err *err)
{
    int fam = mc__sock_family_of(fd, err);

    if (fam == AF_INET)
        return mc_err_set(err, -ENOPROTOOPT,
                          "the checksum offset (IPV6_CHECKSUM) is an IPv6 "
                          "raw-socket option and this is an IPv4 socket: "
                          "open a raw IPv6 socket");
    return fam;
}

int mc_sock_set_checksum(int fd, int offset, struct mc_err *err)
{
    int fam, rc;

    mc_err_clear(err);
    fam = checksum_family(fd, err);
    if (fam < 0)
        return fam;
    if (offset < -1)
        return mc_err_set(err, -EINVAL,
                          "checksum offset %d is out of range: use an even "
                          "offset from 0, or -1 for off",
                          offset);
    if (offset > 0 && (offset & 1))
        return mc_err_set(err, -EINVAL,
                          "checksum offset %d is odd: the 16-bit checksum "
                          "must sit at an even offset (ipv6(7)), or use -1 "
                          "for off",
                          offset);
    /* RFC 3542 §3.1: an ICMPv6 socket always checksums at offset 2. */
    if (mc__sock_int(fd, SO_TYPE) == SOCK_RAW &&
        mc__sock_int(fd, SO_PROTOCOL) == IPPROTO_ICMPV6)
        return mc_err_set(err, -EINVAL,
                          "an ICMPv6 socket always computes the checksum at "
                          "offset 2 (RFC 3542 §3.1): it cannot be changed");
    if (setsockopt(fd, SOL_RAW, IPV6_CHECKSUM, &offset, sizeof offset) < 0) {
        rc = -errno;
        return checksum_refused(fd, fam, rc, true, offset, err);
    }
    return 0;
}

int mc_sock_get_checksum(int fd, int *offset, struct mc_err *err)
{
    socklen_t len = sizeof *offset;
    int fam, v = 0;

    mc_err_clear(err);
    fam = checksum_family(fd, err);
    if (fam < 0)
        return fam;
    if (getsockopt(fd, SOL_RAW, IPV6_CHECKSUM, &v, &len) < 0)
        return checksum_refused(fd, fam, -errno, false, 0, err);
    *offset = v;
    return 0;
}

/* ---- classic BPF (SetBPF) ---- */

static const struct mc__sock_opt opt_bpf = {
    SOL_SOCKET, SO_ATTACH_FILTER, "socket filter", "SO_ATTACH_FILTER", false};

int mc_sock_attach_bpf(int fd, const struct sock_filter *insns,
                       unsigned short n, struct mc_err *err)
{
    struct sock_fprog prog = {.len = n, .filter = (struct sock_filter *)insns};
    int fam = mc__sock_family_of(fd, err);

    if (fam < 0)
        return fam;
    if (insns == NULL || n == 0)
        return mc_err_set(err, -EINVAL,
                          "an empty socket filter: give at least one BPF "
                          "instruction (a final 'ret')");
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
        if (errno == EINVAL)
            return mc_err_set(err, -EINVAL,
                              "the kernel's BPF checker refused the filter "
                              "(%u instructions): it must end in 'ret' and "
                              "jump only forward inside the program",
                              (unsigned)n);
        return mc__sock_refused(fd, fam, &opt_bpf, -errno, true, n, err);
    }
    return 0;
}

int mc_sock_detach_bpf(int fd, struct mc_err *err)
{
    int fam = mc__sock_family_of(fd, err);
    int zero = 0;

    if (fam < 0)
        return fam;
    if (setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &zero, sizeof zero) < 0) {
        if (errno == ENOENT)
            return mc_err_set(err, -ENOENT,
                              "no socket filter is attached: nothing to "
                              "detach");
        return mc__sock_refused(fd, fam, &opt_bpf, -errno, true, 0, err);
    }
    return 0;
}
