/*
 * mcscope: the lab's topologies — one table of what each is made of:
 * its hosts, its links (a bridge in SW, or a veth pair between two
 * hosts), each host's interface and addresses on each link, the link's
 * MTU, and whether RT forwards multicast from link 0 to link 1.  net.c
 * builds any of them with the same code; the lab's picture (the TUI's
 * lab map) and the senders read the same table.
 *
 *   bridge    S1, S2, RX on br0 (SW): lab0, fd42::/64, 10.200.0.0/24
 *   snooping  the same, br0 snooping with a querier (MLDv2, IGMPv3)
 *   dual      every host on two links, the seed's en0 (br0, fd42::/64,
 *             10.200.0.0/24) and en1 (br1, fd43::/64, 10.201.0.0/24)
 *   routed    S1, S2 and RT's up0 on br0 (subnet A: fd42::/64,
 *             10.200.0.0/24); RX's lab0 and RT's dn0 a veth pair
 *             (subnet B: fd43::/64, 10.201.0.0/24, MTU 1280); RT routes
 *             unicast (forwarding on) and forwards multicast from up0 to
 *             dn0 (router.h)
 *   twolink   (tests only) bridge, plus S1 and RX on br1 as lab1
 *             (fd43::/64, 10.201.0.0/24)
 */
#ifndef MCSCOPE_LAB_TOPO_H
#define MCSCOPE_LAB_TOPO_H

#include <stdbool.h>
#include <stddef.h>

enum labtopo_id {
    LABTOPO_BRIDGE,
    LABTOPO_DUAL,
    LABTOPO_ROUTED,
    LABTOPO_SNOOPING,
    LABTOPO_TWOLINK, /* the test library's second link; not offered */
    LABTOPO_N
};

/* Hosts, as net.h numbers them (SW 0, S1 1, S2 2, RX 3, RT 4). */
#define LABTOPO_NHOSTS 5
#define LABTOPO_MAX_LINKS 2
#define LABTOPO_MAX_PORTS 4

/* The MTU of routed's subnet B: IPv6's minimum (RFC 8200), so that a
 * datagram that fits subnet A's 1500 does not fit there. */
#define LABTOPO_SMALL_MTU 1280

struct labtopo_port {
    int host;           /* SW 0 .. RT 4 */
    const char *ifname; /* inside the host: "lab0", "en1", "up0" */
    const char *a6, *a4;
};

struct labtopo_link {
    const char *name;        /* "A", "B", "en0" (the picture) */
    const char *bridge;      /* "br0" in SW; NULL: a veth pair, ports 0 and 1 */
    int mtu;                 /* 0: veth's 1500 */
    const char *net6, *net4; /* "fd42::/64", "10.200.0.0/24" */
    const char *gw6, *gw4;   /* the router on this link, or NULL */
    struct labtopo_port port[LABTOPO_MAX_PORTS];
    size_t nports;
};

struct labtopo {
    enum labtopo_id id;
    const char *name;
    const char *summary; /* one line, for --help and the picture */
    bool offered;        /* in --topology's list */
    bool snooping;       /* br0 with snooping and a querier */
    bool router;         /* RT forwards multicast: link 0 -> link 1 */
    struct labtopo_link link[LABTOPO_MAX_LINKS];
    size_t nlinks;
};

/* The topology id, or NULL past the end. */
const struct labtopo *labtopo_get(enum labtopo_id id);
/* The offered topology of that name, or NULL. */
const struct labtopo *labtopo_by_name(const char *name);
/* "bridge|dual|routed|snooping", for usage lines. */
const char *labtopo_names(void);

/* Does host h take part (SW only when a link is a bridge)? */
bool labtopo_has_host(const struct labtopo *t, int h);
/* Host h's port on link l, or NULL. */
const struct labtopo_port *labtopo_port(const struct labtopo *t, int h,
                                        size_t l);
/* Host h's first port (the one its sender uses), or NULL. */
const struct labtopo_port *labtopo_first_port(const struct labtopo *t, int h);

/*
 * The lab's picture, one text line at a time into out (at most max
 * lines of LABTOPO_LINE bytes): per link its name, what joins it (a
 * bridge in SW or a veth pair), its networks and MTU, then each host's
 * interface and addresses on it.  RX's interfaces end with "{IFNAME}",
 * where the lab's map puts what arrives there now (ui/labmap.c); router
 * is a line about RT's router, or NULL.  Returns the number of lines.
 */
#define LABTOPO_LINE 120
size_t labtopo_picture(const struct labtopo *t, const char *router,
                       char (*out)[LABTOPO_LINE], size_t max);

#endif
