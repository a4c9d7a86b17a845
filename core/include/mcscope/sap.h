/*
 * mcscope core: SAP (RFC 2974) announcements and the SDP (RFC 4566) they
 * carry — a pure parser (no allocation, no I/O) and a table of the
 * sessions announced, aged the way RFC 2974 §4 says.
 *
 * SAP header (RFC 2974 §3): V=1 (3 bits), A (0: IPv4 origin, 1: IPv6),
 * R, T (0: announcement, 1: deletion), E (encrypted), C (compressed);
 * authentication length (32-bit words); message id hash (16 bits); the
 * originating source (4 or 16 bytes); the authentication data; an
 * optional payload type ("application/sdp", NUL-terminated: absent when
 * the payload starts "v=0"); the payload.
 *
 * SDP: the lines mcscope reads — v=, o= (origin), s= (session name),
 * c= (connection: "IN IP4 233.1.1.1/127" or "IN IP6 ff15::1"; session or
 * media level), m= (media: "video 5004 RTP/AVP 33"), and
 * a=source-filter (RFC 4570: "incl IN IP4 232.1.1.1 10.0.0.1 10.0.0.2";
 * "excl" is read too; the destination may be "*").  The first m= line
 * gives the port and media; its c= line, else the session's, the group.
 * Everything else is skipped.  Lines end with CRLF or LF.
 *
 * Refusals (MC_SAP_* reasons) say what is wrong: a version not 1, a header
 * cut short, an encrypted or compressed payload (not read), a payload
 * type other than application/sdp, an SDP without v=0, without a
 * multicast connection address, without an m= line or with a bad port.
 */
#ifndef MCSCOPE_SAP_H
#define MCSCOPE_SAP_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"

#define MC_SAP_PORT 9875
#define MC_SAP_GROUP4 "224.2.127.254" /* RFC 2974 §3: global scope */
#define MC_SAP_GROUP6 "ff0e::2:7ffe"  /* SAPv1 IPv6 global scope */

/* ---- parsing ---- */

struct mc_sap_msg {
    bool deletion; /* T: a deletion of the session */
    bool encrypted, compressed;
    uint16_t msg_id_hash;
    struct mc_addr origin;  /* the originating source */
    const uint8_t *payload; /* into the packet */
    size_t payload_len;
};

/* One SAP packet of len bytes.  0, or -EINVAL with *why (static text). */
int mc_sap_parse(const uint8_t *b, size_t len, struct mc_sap_msg *out,
                 const char **why);

#define MC_SDP_TEXT_MAX 128
#define MC_SDP_SOURCES_MAX 16

struct mc_sdp {
    char name[MC_SDP_TEXT_MAX];   /* s= */
    char origin[MC_SDP_TEXT_MAX]; /* o=, as written */
    char media[32];               /* the first m=: "video", "audio", ... */
    struct mc_addr group;         /* its connection address (multicast) */
    uint16_t port;
    unsigned ttl; /* IPv4 c= "/TTL"; 0 when not given */
    bool exclude; /* a=source-filter: excl (else incl) */
    size_t nsources;
    struct mc_addr sources[MC_SDP_SOURCES_MAX]; /* more are cut */
};

/* An SDP description of len bytes (not NUL-terminated).  0, or -EINVAL
 * with *why (static text). */
int mc_sdp_parse(const char *text, size_t len, struct mc_sdp *out,
                 const char **why);

/* ---- writing (send ... sap) ---- */

/* RFC 2974 §3.1: at least 300 s between announcements of one session. */
#define MC_SAP_INTERVAL_S 300

/* An SDP of one stream: "s=NAME", o= from origin, c= group (IPv4 with
 * "/TTL"), m=application PORT udp mcscope, and a=source-filter incl when
 * source is set (family != 0).  Returns the length, -ENOSPC when short. */
int mc_sdp_write(char *buf, size_t cap, const char *name,
                 const struct mc_addr *origin, const struct mc_addr *group,
                 uint16_t port, unsigned ttl, const struct mc_addr *source);
/* A SAP packet (announcement or deletion) carrying sdp (application/sdp).
 * Returns the length, -ENOSPC when short. */
int mc_sap_write(uint8_t *buf, size_t cap, const struct mc_addr *origin,
                 uint16_t msg_id_hash, bool deletion, const char *sdp);

/* ---- the sessions announced ---- */

#define MC_SAP_SESSIONS_MAX 256u
/* RFC 2974 §4: a session goes when no announcement came for ten times
 * its announcement interval or one hour, whichever is greater. */
#define MC_SAP_TIMEOUT_MIN_S 3600

struct mc_sap_table; /* opaque */

struct mc_sap_session {
    char ifname[IF_NAMESIZE];
    struct mc_addr origin;
    uint16_t msg_id_hash;
    struct mc_sdp sdp;
    uint64_t announcements;
    int64_t first_ns, last_ns, interval_ns; /* interval: the last gap */
    int64_t expires_ns;
};

struct mc_sap_counters {
    uint64_t packets, refused, deletions, dropped, expired;
};

/* max 0: MC_SAP_SESSIONS_MAX.  0 or -ENOMEM. */
int mc_sap_table_new(size_t max, struct mc_sap_table **out);
void mc_sap_table_free(struct mc_sap_table *t); /* NULL ok */
void mc_sap_table_clear(struct mc_sap_table *t);
/* Forget the sessions heard on ifname. */
void mc_sap_table_forget(struct mc_sap_table *t, const char *ifname);

enum mc_sap_change {
    MC_SAP_NONE,    /* refused (why set), or a repeat */
    MC_SAP_NEW,     /* a session was announced for the first time */
    MC_SAP_CHANGED, /* its SDP changed */
    MC_SAP_DELETED, /* a deletion packet removed it */
    MC_SAP_REFRESH, /* announced again, unchanged */
    MC_SAP_FULL,    /* new, but the table is full: not kept */
};

/* One SAP packet (UDP payload) captured on ifname at now_ns.  *out (may
 * be NULL) gets the session concerned (a copy). */
enum mc_sap_change mc_sap_table_feed(struct mc_sap_table *t, const char *ifname,
                                     const uint8_t *b, size_t len,
                                     int64_t now_ns, struct mc_sap_session *out,
                                     const char **why);
/* Sessions whose timeout ran out at now_ns go; how many went. */
size_t mc_sap_table_expire(struct mc_sap_table *t, int64_t now_ns);
int64_t mc_sap_table_next_ns(const struct mc_sap_table *t);
size_t mc_sap_table_count(const struct mc_sap_table *t);
int mc_sap_table_get(const struct mc_sap_table *t, size_t i,
                     struct mc_sap_session *out);
void mc_sap_table_counters(const struct mc_sap_table *t,
                           struct mc_sap_counters *out);

/*
 * The command that joins a session the right way into buf: join-source
 * GROUP SOURCE (the first included source) when the SDP names included
 * sources (RFC 4570 incl); join GROUP otherwise (an excl filter's
 * sources are then blocked with exclude-source); " dev IFACE port PORT".
 * Returns the length, -EINVAL for an SSM group without an included
 * source (RFC 4607: no any-source join), -ENOSPC when buf is short.
 */
int mc_sap_join_command(const struct mc_sap_session *s, char *buf, size_t len);

#endif
