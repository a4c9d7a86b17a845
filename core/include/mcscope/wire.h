/*
 * mcscope core: the wire.  Two halves:
 *
 *  1. Decoding (pure, no libpcap): a link-layer frame becomes a struct
 *     mc_wire_pkt: direction (when the link type tells it), the IP header
 *     fields, and the upper layer: UDP (ports, payload, probe) or an MLD /
 *     IGMP message with every record and source.  Nothing is allocated:
 *     the decoded packet points into the frame, and records and sources are
 *     read with iterators, so it is valid while the frame is.
 *
 *  2. Capture (libpcap): struct mc_capture opens an interface in immediate,
 *     non-blocking mode, hands its descriptor to the caller's poll(), and
 *     decodes every frame it reads; it can write what it reads to a pcap
 *     file for tcpdump and Wireshark.
 *
 * Protocols (message layouts in wire_mld.c and wire_igmp.c):
 *   MLDv1   RFC 2710: query/report/done, ICMPv6 types 130/131/132, 24 bytes
 *   MLDv2   RFC 3810 §5: query (130, at least 28 bytes), report (143)
 *   IGMPv1  RFC 1112: query (0x11, max resp 0), report (0x12)
 *   IGMPv2  RFC 2236: query (0x11, 8 bytes), report (0x16), leave (0x17)
 *   IGMPv3  RFC 3376 §4: query (0x11, at least 12 bytes), report (0x22)
 *
 * Linux sends MLD with a Hop-by-Hop header (Router Alert) before the
 * ICMPv6 header and IGMP with the IPv4 Router Alert option (IHL 6): the
 * decoder walks IPv6 extension headers and IPv4 options in code, so a
 * broad capture filter is enough (SOCKET-API.md §3).
 */
#ifndef MCSCOPE_WIRE_H
#define MCSCOPE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mcscope/addr.h"
#include "mcscope/err.h"
#include "mcscope/probe.h"

/* ---- decoding ---- */

/*
 * Link types the decoder reads.  The values are libpcap's DLT_ numbers on
 * Linux, so pcap_datalink()'s result can be passed as is.
 */
enum mc_wire_link {
    MC_LINK_EN10MB = 1,       /* Ethernet, 802.1Q/802.1ad tags included */
    MC_LINK_RAW = 12,         /* raw IP, version from the first nibble */
    MC_LINK_RAW_FILE = 101,   /* LINKTYPE_RAW, the same, as files say */
    MC_LINK_LINUX_SLL = 113,  /* Linux cooked v1 (16 bytes, "any") */
    MC_LINK_IPV4 = 228,       /* raw IPv4 */
    MC_LINK_IPV6 = 229,       /* raw IPv6 */
    MC_LINK_LINUX_SLL2 = 276, /* Linux cooked v2 (20 bytes, ifindex) */
};

/* Whether mc_wire_decode reads this link type. */
bool mc_wire_link_supported(int linktype);

enum mc_wire_status {
    MC_WIRE_OK = 0,    /* an IP packet, decoded as far as kind says */
    MC_WIRE_NOT_IP,    /* ARP, LLDP, ...: not IPv4 or IPv6; or a link type
                          not decoded (reason says which) */
    MC_WIRE_MALFORMED, /* truncated, inconsistent or a bad checksum:
                          reason says why.  Count it; never trust it */
};

enum mc_wire_kind {
    MC_WIRE_KIND_NONE = 0, /* status is not MC_WIRE_OK */
    MC_WIRE_KIND_UDP,      /* pkt->udp */
    MC_WIRE_KIND_MLD,      /* pkt->msg, an MLDv1 or MLDv2 message */
    MC_WIRE_KIND_IGMP,     /* pkt->msg, an IGMPv1, v2 or v3 message */
    MC_WIRE_KIND_OTHER,    /* another upper layer (ip_proto), another
                              ICMPv6/IGMP type (msg.raw_type), or a
                              fragment after the first (no L4 header) */
};

enum mc_wire_dir {
    MC_WIRE_DIR_UNKNOWN = 0, /* Ethernet and raw IP do not say */
    MC_WIRE_DIR_IN,          /* received (host, multicast, broadcast, ...) */
    MC_WIRE_DIR_OUT,         /* sent by this host */
};

enum mc_wire_proto {
    MC_PROTO_NONE = 0,
    MC_PROTO_MLDV1,
    MC_PROTO_MLDV2,
    MC_PROTO_IGMPV1,
    MC_PROTO_IGMPV2,
    MC_PROTO_IGMPV3,
};

enum mc_wire_msg_type {
    MC_MSG_NONE = 0,
    MC_MSG_QUERY,  /* general (group unspecified) or group(-and-source) */
    MC_MSG_REPORT, /* v1/v2: one group in msg.group; v2/v3: records */
    MC_MSG_LEAVE,  /* IGMPv2 leave, MLDv1 done: msg.group */
};

/* Record types, RFC 3810 §5.2.12 and RFC 3376 §4.2.12 (the same values). */
enum mc_wire_rec_type {
    MC_REC_MODE_IS_INCLUDE = 1,
    MC_REC_MODE_IS_EXCLUDE = 2,
    MC_REC_CHANGE_TO_INCLUDE = 3,
    MC_REC_CHANGE_TO_EXCLUDE = 4,
    MC_REC_ALLOW_NEW_SOURCES = 5,
    MC_REC_BLOCK_OLD_SOURCES = 6,
};

/*
 * One MLD or IGMP message.  Records (v2/v3 reports) and sources (v2/v3
 * queries) stay in the frame: read them with mc_wire_rec_begin/next and
 * mc_wire_query_source.  Every record and source was checked to lie inside
 * the message before the decoder returned MC_WIRE_OK.
 *
 * v1/v2 reports and leaves carry no records.  RFC 3810 §8.3.2 and RFC 3376
 * §7.3.2 read them as IS_EX{} (report) and TO_IN{} (done/leave) for the
 * group: callers that show one list may do the same.
 */
struct mc_wire_msg {
    enum mc_wire_proto proto;
    enum mc_wire_msg_type type;
    unsigned raw_type; /* the ICMPv6 or IGMP type byte */
    /* v1/v2 report and leave: the group; query: the group asked about
     * (unspecified: a general query); v2/v3 report: unset */
    struct mc_addr group;
    /* queries */
    uint32_t max_resp_ms; /* maximum response delay, decoded (v3/MLDv2
                             exponential codes included; IGMPv1: 10 s) */
    bool s_flag;          /* v2/v3 query: suppress router-side processing */
    unsigned qrv;         /* v2/v3 query: querier's robustness variable */
    uint32_t qqi_s;       /* v2/v3 query: querier's query interval (s) */
    size_t nsources;      /* v2/v3 query: sources */
    /* reports */
    size_t nrecords; /* v2/v3 report: records */
    /* private to the iterators */
    const uint8_t *list;
};

/* One record of a v2/v3 report. */
struct mc_wire_rec {
    unsigned type;      /* enum mc_wire_rec_type; others are possible
                           (RFC 3810 §5.2.12: ignore them) */
    unsigned aux_words; /* aux data length in 32-bit words */
    struct mc_addr group;
    size_t nsources;
    const uint8_t *sources; /* nsources addresses of 4 or 16 bytes */
    const uint8_t *aux;     /* aux_words * 4 bytes */
    int family;
};

struct mc_wire_rec_iter {
    const uint8_t *p;
    size_t left;
    int family;
};

/* What one frame holds. */
struct mc_wire_pkt {
    enum mc_wire_status status;
    const char *reason; /* MALFORMED / NOT_IP: why (static text) */
    /* A malformed packet keeps the fields read before the fault (the IP
     * addresses when the IP header was whole): to say who sent it. */
    /* link layer */
    int linktype;
    enum mc_wire_dir dir;
    int pkttype;        /* SLL/SLL2 packet type (PACKET_HOST ...), -1 */
    unsigned ifindex;   /* SLL2 interface index, 0 when not known */
    bool have_src_mac;  /* Ethernet, or SLL with a 6-byte address */
    uint8_t src_mac[6]; /* the sender's link address */
    unsigned ethertype; /* after VLAN tags (0 for raw IP) */
    unsigned nvlan;     /* 802.1Q / 802.1ad tags walked */
    unsigned vlan_id;   /* the outermost tag's VLAN id */
    /* IP */
    int family; /* AF_INET or AF_INET6 */
    struct mc_addr src, dst;
    unsigned hoplimit;   /* hop limit / TTL */
    unsigned tclass;     /* traffic class / TOS */
    unsigned ip_proto;   /* upper layer, after IPv6 extension headers */
    size_t ip_len;       /* the packet's length as its header says */
    bool truncated;      /* the frame holds less than ip_len (snaplen) */
    bool router_alert;   /* RFC 2711 (Hop-by-Hop) / RFC 2113 option */
    bool fragment;       /* one fragment of a fragmented packet */
    bool later_fragment; /* not the first: no upper-layer header */
    /* upper layer */
    enum mc_wire_kind kind;
    struct {
        uint16_t sport, dport;
        size_t len;             /* payload length the UDP header says */
        size_t caplen;          /* payload bytes in the frame */
        const uint8_t *payload; /* caplen bytes */
        bool is_probe;          /* payload starts with an mcscope probe */
        struct mc_probe probe;
    } udp;
    struct mc_wire_msg msg;
};

/*
 * Decode one frame of caplen bytes (what the capture holds; a frame cut
 * by the snaplen is decoded as far as it goes).  Never reads outside
 * frame[0..caplen) and allocates nothing; pointers in out point into
 * frame.  Returns out->status.
 *
 * Checks made (MC_WIRE_MALFORMED with a reason otherwise): every header
 * fits; the IPv4 header checksum; IPv4 options and IPv6 option TLVs
 * well-formed; Hop-by-Hop only first (RFC 8200 §4.1); UDP length within
 * the IP payload; the whole MLD/IGMP message captured, not fragmented, its
 * checksum right (ICMPv6 over the RFC 8200 §8.1 pseudo-header), its length
 * one the RFCs allow, every record and source inside it.  Bytes after the
 * IP length (Ethernet padding) are ignored.  The UDP checksum is not
 * checked: outgoing frames are captured before the NIC fills it in.
 */
enum mc_wire_status mc_wire_decode(int linktype, const uint8_t *frame,
                                   size_t caplen, struct mc_wire_pkt *out);

/* Iterate over the records of a v2/v3 report (none for other messages). */
void mc_wire_rec_begin(const struct mc_wire_msg *m,
                       struct mc_wire_rec_iter *it);
bool mc_wire_rec_next(struct mc_wire_rec_iter *it, struct mc_wire_rec *rec);
/* Source i (< nsources) of a record, or of a v2/v3 query. */
void mc_wire_rec_source(const struct mc_wire_rec *r, size_t i,
                        struct mc_addr *out);
void mc_wire_query_source(const struct mc_wire_msg *m, size_t i,
                          struct mc_addr *out);

/* Names: "mldv1".."igmpv3" (DESIGN.md's proto), "MODE_IS_INCLUDE" ..
 * "BLOCK_OLD_SOURCES" ("UNKNOWN" for other values), "query"/"report"/
 * "leave", "in"/"out"/"?" (NULL is never returned). */
const char *mc_wire_proto_name(enum mc_wire_proto p);
const char *mc_wire_rec_type_name(unsigned type);
const char *mc_wire_msg_type_name(enum mc_wire_msg_type t);
const char *mc_wire_dir_name(enum mc_wire_dir d);

/*
 * One line for the event log, e.g.
 *   "mldv2 report: CHANGE_TO_EXCLUDE ff15::1 {}; ALLOW_NEW_SOURCES
 *    ff3e::1 {fd42::1}"
 *   "igmpv2 leave 239.1.2.3", "mldv2 query ff15::1 {fd42::1}",
 *   "udp 10.0.0.1:5000 -> 239.1.2.3:5001 32 bytes",
 *   "malformed: bad ICMPv6 checksum".
 * Cut to len - 1 bytes (ending "..." when cut).  Returns buf.
 */
const char *mc_wire_format(const struct mc_wire_pkt *p, char *buf, size_t len);

/* ---- capture (libpcap) ---- */

enum mc_capture_dir {
    MC_CAPTURE_BOTH = 0,
    MC_CAPTURE_IN,  /* pcap_setdirection(PCAP_D_IN): data from others */
    MC_CAPTURE_OUT, /* PCAP_D_OUT: the host's own reports */
};

/*
 * The default filter (pcap-filter(7)): all IPv4 and IPv6 multicast, IGMP
 * to unicast addresses, and IPv6 packets whose Hop-by-Hop header carries
 * ICMPv6 (MLD to a unicast address).  Plain "icmp6" would miss Linux's MLD
 * reports: it does not look past a Hop-by-Hop header (SOCKET-API.md §3).
 */
#define MC_CAPTURE_FILTER_DEFAULT                                              \
    "ip multicast or igmp or ip6 multicast or "                                \
    "(ip6 and ip6[6] == 0 and ip6[40] == 58)"

/*
 * Sizes.  In immediate mode libpcap (1.10) uses a TPACKET_V2 ring of
 * fixed slots of about snaplen + 68 bytes each, rounded so that whole
 * slots fit in a page-sized block: the buffer holds bufsize / slot frames,
 * whatever their real size.  A snaplen of 65535 leaves a 4 MiB buffer
 * only 64 slots (measured: a burst of 400 frames lost 336); the interface
 * MTU + 32 (link header, SLL2, two VLAN tags) gives about 2,600.
 */
#define MC_CAPTURE_SNAPLEN_ANY 1600          /* when the MTU is not known */
#define MC_CAPTURE_BUFSIZE_DEFAULT (4 << 20) /* ~2,600 frames at MTU 1500 */

struct mc_capture; /* opaque */

/*
 * Open a live capture on ifname (in the calling thread's network
 * namespace): pcap_create, immediate mode, nanosecond time stamps where
 * the kernel gives them, bufsize bytes of ring (0: the default), snaplen
 * (0: the interface's MTU + 32, so whole frames and a ring of many slots;
 * MC_CAPTURE_SNAPLEN_ANY when it has none, as "any"), no promiscuous mode,
 * non-blocking, the direction (not set for MC_CAPTURE_BOTH) and filter
 * (NULL: MC_CAPTURE_FILTER_DEFAULT; "": none).  A frame longer than the
 * snaplen is cut: UDP still decodes (truncated), MLD/IGMP is malformed.
 *
 * Errors: -EPERM without CAP_NET_RAW, with a text that says how to grant
 * it (MC_PRIV_HOWTO in priv.h); -ENODEV no such interface; -ENETDOWN the
 * interface is down; -EINVAL a filter that does not compile (the text
 * quotes libpcap's complaint); -ENOTSUP a direction the platform cannot
 * set; -EIO anything else libpcap refuses.
 */
int mc_capture_open(const char *ifname, enum mc_capture_dir dir, int snaplen,
                    int bufsize, const char *filter, struct mc_capture **out,
                    struct mc_err *err);

/* Read a pcap file (tcpdump -w) through the same decoder and callback.
 * Direction comes from the link type only (SLL); filter as above. */
int mc_capture_open_offline(const char *path, const char *filter,
                            struct mc_capture **out, struct mc_err *err);

/* Flushes and closes a dump file first.  NULL is allowed. */
void mc_capture_close(struct mc_capture *c);

/* The descriptor for poll() (POLLIN); -1 for a file. */
int mc_capture_fd(const struct mc_capture *c);
int mc_capture_linktype(const struct mc_capture *c);
int mc_capture_snaplen(const struct mc_capture *c);
const char *mc_capture_ifname(const struct mc_capture *c);

/* What the callback gets besides the decoded packet. */
struct mc_capture_frame {
    struct timespec ts; /* libpcap's stamp (CLOCK_REALTIME) */
    const uint8_t *data;
    size_t caplen; /* bytes in data */
    size_t len;    /* the frame's length on the wire */
    int linktype;
};

/*
 * Called once per frame; frame and pkt are valid during the call only.
 * pkt->dir is filled in when the link type does not say: from the
 * capture's direction, or for MC_CAPTURE_BOTH on Ethernet from the
 * source MAC (the interface's own: out).
 */
typedef void (*mc_capture_fn)(const struct mc_capture_frame *frame,
                              const struct mc_wire_pkt *pkt, void *arg);

/*
 * Read what is pending without blocking (pcap_dispatch), at most
 * MC_CAPTURE_DISPATCH_MAX frames per call so one busy interface cannot
 * starve the caller's loop; each frame is written to the dump file (when
 * open), decoded, counted and handed to fn (NULL: count and dump only). Returns
 * the number of frames (0: nothing pending; for a file: the end) or a negative
 * errno (-ENETDOWN: the interface went away; -EIO otherwise, with libpcap's
 * text).
 */
#define MC_CAPTURE_DISPATCH_MAX 4096
int mc_capture_dispatch(struct mc_capture *c, mc_capture_fn fn, void *arg,
                        struct mc_err *err);

struct mc_capture_stats {
    /* libpcap's counters (pcap_stats(3PCAP); 0 for a file) */
    uint64_t received;   /* ps_recv: frames the filter passed */
    uint64_t dropped;    /* ps_drop: no room in the buffer */
    uint64_t if_dropped; /* ps_ifdrop: dropped by the interface */
    /* ours */
    uint64_t frames;    /* handed to callbacks */
    uint64_t malformed; /* of which MC_WIRE_MALFORMED */
    uint64_t not_ip;    /* of which MC_WIRE_NOT_IP */
    uint64_t dumped;    /* written to the dump file */
};
int mc_capture_stats(struct mc_capture *c, struct mc_capture_stats *out,
                     struct mc_err *err);

/*
 * Write every frame read from now on to path (pcap format, readable by
 * tcpdump -r and Wireshark; nanosecond stamps when the capture has them).
 * One dump file per capture: -EBUSY when one is open.  The file must be
 * new: -EEXIST when path exists (a file is never overwritten).  It is
 * flushed after each dispatch and closed by mc_capture_dump_close or
 * mc_capture_close.
 */
int mc_capture_dump_open(struct mc_capture *c, const char *path,
                         struct mc_err *err);
int mc_capture_dump_close(struct mc_capture *c, struct mc_err *err);

/* Compile filter for linktype without opening anything: 0 or -EINVAL
 * with libpcap's complaint (for the command language's checks). */
int mc_capture_filter_check(int linktype, const char *filter,
                            struct mc_err *err);

#endif
