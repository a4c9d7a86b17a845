/*
 * mcscope core: a sender's SAP announcements (send ... sap; sap.h) — its
 * stream described in SDP, announced on 224.2.127.254 / ff0e::2:7ffe port
 * 9875 out of the sender's interface with the stream's hop limit: at the
 * start, every MC_SAP_INTERVAL_S (RFC 2974 §3.1), and a deletion when it
 * ends.  The originating source is the interface's address of the family.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "mcscope/clock.h"
#include "mcscope/sap.h"
#include "mcscope/sock.h"
#include "send_priv.h"

struct mc__sap_ann {
    int fd;
    struct mc_addr dest;
    uint16_t hash;
    int64_t next_ns;
    uint8_t pkt[1024];
    size_t len;
    bool del_sent;
    struct mc_addr origin;
    char sdp[768];
};

/* The first address of family on ifname ("": any interface but lo). */
static int origin_of(int family, const char *ifname, struct mc_addr *out)
{
    struct ifaddrs *ifa, *i;
    int rc = -EADDRNOTAVAIL;

    if (getifaddrs(&ifa) < 0)
        return -errno;
    for (i = ifa; i != NULL && rc != 0; i = i->ifa_next) {
        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != family ||
            (ifname[0] != '\0' && strcmp(i->ifa_name, ifname) != 0) ||
            (ifname[0] == '\0' && strcmp(i->ifa_name, "lo") == 0))
            continue;
        if (mc_addr_from_sockaddr(i->ifa_addr, out, NULL) == 0 &&
            !(family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&out->u.v6)))
            rc = 0;
    }
    freeifaddrs(ifa);
    return rc;
}

int mc__sap_ann_new(const struct mc_send_args *a, unsigned ifindex,
                    int64_t now_ns, struct mc__sap_ann **out,
                    struct mc_err *err)
{
    struct mc__sap_ann *s = calloc(1, sizeof *s);
    char name[64], g[MC_ADDR_STRLEN];
    int rc, n;

    *out = NULL;
    if (s == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a sender");
    s->fd = -1;
    rc = origin_of(a->group.family, a->ifname, &s->origin);
    if (rc < 0) {
        free(s);
        return mc_err_set(err, rc,
                          "send ... sap: no %s address on %s to announce "
                          "from: give the interface one, or send without sap",
                          a->group.family == AF_INET ? "IPv4" : "IPv6",
                          a->ifname[0] ? a->ifname : "any interface");
    }
    snprintf(name, sizeof name, "mcscope %s port %u",
             mc_addr_format(&a->group, g, sizeof g), (unsigned)a->port);
    n = mc_sdp_write(s->sdp, sizeof s->sdp, name, &s->origin, &a->group,
                     a->port, a->hoplimit > 0 ? (unsigned)a->hoplimit : 1,
                     &a->source);
    if (n < 0 || getrandom(&s->hash, sizeof s->hash, 0) < 0)
        s->hash = (uint16_t)now_ns;
    mc_addr_parse(a->group.family == AF_INET ? MC_SAP_GROUP4 : MC_SAP_GROUP6,
                  &s->dest, NULL, 0, NULL);
    s->fd = mc_sock_open_udp(a->group.family, err);
    if (s->fd < 0 ||
        (ifindex != 0 && mc_sock_set_mcast_if(s->fd, ifindex, err) < 0) ||
        (a->hoplimit > 0 &&
         mc_sock_set_mcast_hoplimit(s->fd, a->hoplimit, err) < 0)) {
        rc = err->code != 0 ? err->code : -EINVAL;
        mc__sap_ann_free(s);
        return rc;
    }
    s->next_ns = now_ns;
    *out = s;
    return 0;
}

static void send_one(struct mc__sap_ann *s, bool deletion)
{
    struct sockaddr_storage ss;
    socklen_t sl = mc_addr_to_sockaddr(&s->dest, MC_SAP_PORT, 0, &ss);
    int n = mc_sap_write(s->pkt, sizeof s->pkt, &s->origin, s->hash, deletion,
                         s->sdp);

    if (n > 0)
        (void)sendto(s->fd, s->pkt, (size_t)n, 0, (struct sockaddr *)&ss, sl);
}

void mc__sap_ann_run(struct mc__sap_ann *s, int64_t now_ns)
{
    if (s == NULL || now_ns < s->next_ns || s->del_sent)
        return;
    send_one(s, false);
    s->next_ns = now_ns + (int64_t)MC_SAP_INTERVAL_S * MC_NS_PER_S;
}

int64_t mc__sap_ann_next_ns(const struct mc__sap_ann *s)
{
    return s != NULL && !s->del_sent ? s->next_ns : INT64_MAX;
}

void mc__sap_ann_end(struct mc__sap_ann *s)
{
    if (s == NULL || s->del_sent)
        return;
    send_one(s, true);
    s->del_sent = true;
}

void mc__sap_ann_free(struct mc__sap_ann *s)
{
    if (s == NULL)
        return;
    if (s->fd >= 0)
        close(s->fd);
    free(s);
}
