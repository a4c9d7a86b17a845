/*
 * mcscope core: what the files of the sockets share (private; not under
 * core/include).  The public contract is mcscope/sock.h.
 *
 * sock.c opens and binds; sock_options.c gets and sets the IP options of
 * x/net's Conn/PacketConn; sock_mif.c the multicast interface; sock_raw.c
 * the raw-socket options (header include, ICMP filters, checksum, BPF).
 * All of them reach the kernel through sock_opt.c, which also says what a
 * refusal means.
 *
 * Option numbers, argument types and the kernel's own checks come from
 * ip(7), ipv6(7), socket(7), raw(7), RFC 3542 and SOCKET-API.md §1.2.
 * Ranges are checked before the kernel is asked, so that a refusal can
 * name the range that is right; whatever the kernel still refuses is
 * explained from its errno and the kind of socket it was.
 */
#ifndef MCSCOPE_SOCK_PRIV_H
#define MCSCOPE_SOCK_PRIV_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "mcscope/sock.h"

#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29 /* Linux 4.20, not in ipv6(7) */
#endif
#ifndef IP_MULTICAST_ALL
#define IP_MULTICAST_ALL 49 /* Linux 2.6.31, ip(7) */
#endif
#ifndef SOL_RAW
#define SOL_RAW 255
#endif
/* <linux/icmp.h> ICMP_FILTER at SOL_RAW: a u32, bit t set blocks type t
 * (raw(7)).  That header clashes with <net/if.h>, so the number is here. */
#define MC_ICMP_FILTER 1
#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62 /* Linux 5.0, socket(7) */
#endif

/* One socket option, named for a person and for the man page. */
/* One socket option, named for a person and for the man page. */
struct mc__sock_opt {
    int level;
    int name;
    const char *what;  /* "traffic class" */
    const char *cname; /* "IPV6_TCLASS" */
    bool mcast;        /* a multicast option: meaningless on TCP */
};

/* The option for a family: v6 on AF_INET6, v4 otherwise. */
static inline const struct mc__sock_opt *
mc__sock_pick(int family, const struct mc__sock_opt *v4,
              const struct mc__sock_opt *v6)
{
    return family == AF_INET6 ? v6 : v4;
}

/* sock_opt.c */
/* The family of fd, or a negative errno with the reason in err. */
int mc__sock_family_of(int fd, struct mc_err *err);
/* An int option at SOL_SOCKET (SO_TYPE, ...), or -1. */
int mc__sock_int(int fd, int name);
/* Explain an errno the kernel gave for option o on fd; returns e.  val is
 * the value set (ignored for a getter). */
int mc__sock_refused(int fd, int family, const struct mc__sock_opt *o, int e,
                     bool set, int val, struct mc_err *err);
int mc__sock_set_int(int fd, int family, const struct mc__sock_opt *o, int val,
                     struct mc_err *err);
int mc__sock_get_int(int fd, int family, const struct mc__sock_opt *o, int *val,
                     struct mc_err *err);
/* Set or get an int option after finding the family: v4 or v6. */
int mc__sock_set_pair(int fd, const struct mc__sock_opt *v4,
                      const struct mc__sock_opt *v6, int val,
                      struct mc_err *err);
int mc__sock_get_pair(int fd, const struct mc__sock_opt *v4,
                      const struct mc__sock_opt *v6, int *val,
                      struct mc_err *err);
int mc__sock_get_bool(int fd, const struct mc__sock_opt *v4,
                      const struct mc__sock_opt *v6, bool *on,
                      struct mc_err *err);

#endif
