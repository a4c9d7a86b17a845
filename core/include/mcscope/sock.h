/*
 * mcscope core: sockets and their options, the C form of x/net/ipv6's
 * Conn/PacketConn options and x/net/ipv4's siblings.
 *
 * Every function takes a plain file descriptor (so it works on any socket,
 * TCP included, as ipv6.NewConn does) and works out the family from the
 * socket itself (SO_DOMAIN).  Getters read the value back from the kernel.
 * Each returns 0 or a negative errno and fills err with cause and fix.
 */
#ifndef MCSCOPE_SOCK_H
#define MCSCOPE_SOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/err.h"

/* The socket's family (AF_INET or AF_INET6), or a negative errno. */
int mc_sock_family(int fd);

/*
 * Open a UDP socket for receiving or sending multicast: non-blocking,
 * close-on-exec, IP(V6)_MULTICAST_ALL off (a socket otherwise receives
 * every group anyone on the host joined, ip(7)), IPV6_V6ONLY on.
 * Returns the fd or a negative errno.
 */
int mc_sock_open_udp(int family, struct mc_err *err);

/*
 * Bind fd to addr (NULL: the family's wildcard) and port.  ifindex gives
 * the scope of a link-local IPv6 address (ff02::/16 needs it: EINVAL
 * otherwise).  reuse sets SO_REUSEADDR first, so that several listeners
 * can share the port.
 */
int mc_sock_bind(int fd, const struct mc_addr *addr, uint16_t port,
                 unsigned ifindex, bool reuse, struct mc_err *err);

/* SO_REUSEADDR on or off (not SO_REUSEPORT: see sock.c). */
int mc_sock_set_reuse(int fd, bool on, struct mc_err *err);

/* Traffic class (IPv6, IPV6_TCLASS) or TOS (IPv4, IP_TOS): 0..255;
 * -1 on IPv6 means the default (0). */
int mc_sock_set_tclass(int fd, int tclass, struct mc_err *err);
int mc_sock_get_tclass(int fd, int *tclass, struct mc_err *err);

/* Unicast hop limit (IPV6_UNICAST_HOPS, -1: route default) or TTL
 * (IP_TTL, 1..255). */
int mc_sock_set_hoplimit(int fd, int hops, struct mc_err *err);
int mc_sock_get_hoplimit(int fd, int *hops, struct mc_err *err);

/* Multicast hop limit / TTL (IPV6_MULTICAST_HOPS, IP_MULTICAST_TTL):
 * 0..255, -1 resets to 1. */
int mc_sock_set_mcast_hoplimit(int fd, int hops, struct mc_err *err);
int mc_sock_get_mcast_hoplimit(int fd, int *hops, struct mc_err *err);

/*
 * Outgoing multicast interface (IPV6_MULTICAST_IF; IPv4 IP_MULTICAST_IF
 * with struct ip_mreqn, by index).  0 clears it.  The IPv4 kernel reads
 * back only an address (ip(7)), so the IPv4 getter reports the index that
 * mc_sock_set_mcast_if set on this socket, kept in user space; a socket
 * whose interface was set by address (by other code) maps the address back
 * to its interface.
 */
int mc_sock_set_mcast_if(int fd, unsigned ifindex, struct mc_err *err);
int mc_sock_get_mcast_if(int fd, unsigned *ifindex, struct mc_err *err);

/* Multicast loopback (IPV6_MULTICAST_LOOP, IP_MULTICAST_LOOP). */
int mc_sock_set_mcast_loop(int fd, bool on, struct mc_err *err);
int mc_sock_get_mcast_loop(int fd, bool *on, struct mc_err *err);

/* IPV6_MULTICAST_ALL / IP_MULTICAST_ALL (default on in the kernel). */
int mc_sock_set_multicast_all(int fd, bool on, struct mc_err *err);
int mc_sock_get_multicast_all(int fd, bool *on, struct mc_err *err);

/* Path MTU of a connected socket (IPV6_PATHMTU / IP_MTU); ENOTCONN when
 * not connected. */
int mc_sock_path_mtu(int fd, int *mtu, struct mc_err *err);

/* Receive buffer: SO_RCVBUFFORCE when privileged, else SO_RCVBUF. The
 * getter reports what the kernel granted. */
int mc_sock_set_rcvbuf(int fd, int bytes, struct mc_err *err);
int mc_sock_get_rcvbuf(int fd, int *bytes, struct mc_err *err);

/* Kernel receive timestamps (SO_TIMESTAMPNS) and drop counter
 * (SO_RXQ_OVFL), both delivered as control messages. */
int mc_sock_set_rx_timestamps(int fd, bool on, struct mc_err *err);
int mc_sock_set_rx_drops(int fd, bool on, struct mc_err *err);

/* IP_HDRINCL on a raw IPv4 socket (ipv4.NewRawConn). */
int mc_sock_set_hdrincl(int fd, bool on, struct mc_err *err);

/*
 * ICMP filters on raw sockets (ipv6.ICMPFilter, ipv4.ICMPFilter).  The
 * struct is the portable form: a set bit means *accept*; the functions
 * translate to Linux, where a set bit means block.  IPv4 filters cover
 * types 0..31 only.
 */
struct mc_icmp_filter {
    uint32_t accept[8];
};
void mc_icmp_filter_accept(struct mc_icmp_filter *f, unsigned type);
void mc_icmp_filter_block(struct mc_icmp_filter *f, unsigned type);
void mc_icmp_filter_set_all(struct mc_icmp_filter *f, bool block);
bool mc_icmp_filter_will_block(const struct mc_icmp_filter *f, unsigned type);
int mc_sock_set_icmp_filter(int fd, const struct mc_icmp_filter *f,
                            struct mc_err *err);
int mc_sock_get_icmp_filter(int fd, struct mc_icmp_filter *f,
                            struct mc_err *err);

/* Checksum offset on a raw IPv6 socket (IPV6_CHECKSUM at SOL_RAW); -1 is
 * off; odd offsets are refused.  Not for ICMPv6 sockets (always on). */
int mc_sock_set_checksum(int fd, int offset, struct mc_err *err);
int mc_sock_get_checksum(int fd, int *offset, struct mc_err *err);

/*
 * A classic BPF program on the socket (SetBPF: SO_ATTACH_FILTER, socket(7)):
 * the kernel runs it on every packet before queueing it; a return of 0
 * drops the packet.  insns is copied by the kernel.  Detach removes it
 * (-ENOENT when none is attached).
 */
struct sock_filter;
int mc_sock_attach_bpf(int fd, const struct sock_filter *insns,
                       unsigned short n, struct mc_err *err);
int mc_sock_detach_bpf(int fd, struct mc_err *err);

/* The IANA name of an ICMP (AF_INET) or ICMPv6 (AF_INET6) message type
 * (ICMPType.String), e.g. 143 -> "version 2 multicast listener report";
 * "unassigned" for a type with no name. */
const char *mc_icmp_type_name(int family, unsigned type);

#endif
