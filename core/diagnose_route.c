/*
 * mcscope core: diagnosis — the checks of the way back to the source:
 * the IPv4 reverse-path filter, the route to the source (and the group's
 * own route, where a join without an interface lands), and the hop limit
 * packets arrive with.  Pure: they read struct mc_diag_evidence only
 * (diagnose_priv.h).
 */
#include "diagnose_priv.h"

#include <stdio.h>
#include <string.h>

static uint64_t delta(const struct mc_diag_counter *c)
{
    return c->now >= c->base ? c->now - c->base : 0;
}

void mc__diag_rp_filter(const struct mc_diag_evidence *ev,
                        struct mc_diag_result *r)
{
    const struct mc_addr *src = mc__diag_source(ev);
    const char *x = ev->t.ifname;
    long rp = ev->rp_all > ev->rp_if ? ev->rp_all : ev->rp_if;
    char s[MC_ADDR_STRLEN], fix[MC_DIAG_TEXT_MAX], val[160], drops[64] = "";

    if (ev->family == AF_INET6) {
        mc__diag_say(r, MC_DIAG_OK, NULL,
                     "IPv6: the kernel has no reverse-path filter "
                     "(rp_filter is IPv4's)");
        return;
    }
    if (ev->rp_all < 0 || ev->rp_if < 0) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                     "net.ipv4.conf.%s.rp_filter could not be read",
                     ev->rp_if < 0 ? x : "all");
        return;
    }
    snprintf(val, sizeof val,
             "net.ipv4.conf.all.rp_filter=%ld, net.ipv4.conf.%s.rp_filter=%ld",
             ev->rp_all, x, ev->rp_if);
    if (ev->rpf_drops.read)
        snprintf(drops, sizeof drops, "; IPReversePathFilter +%llu",
                 (unsigned long long)delta(&ev->rpf_drops));
    if (rp == 0) {
        mc__diag_say(r, MC_DIAG_OK, NULL, "%s: off%s", val, drops);
        return;
    }
    if (src == NULL) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                     "%s (%s), and no source to check the route back to: "
                     "name SOURCE, or let a packet arrive with pcap on",
                     val, rp == 1 ? "strict" : "loose");
        return;
    }
    mc__diag_addr(src, s, sizeof s);
    if (!ev->route_read) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                     "%s, and the route back to %s could not be read", val, s);
        return;
    }
    if (rp == 1 && ev->route_found && strcmp(ev->route_oif, x) == 0) {
        mc__diag_say(r, MC_DIAG_OK, NULL,
                     "%s (strict): the route back to %s leaves by %s%s", val, s,
                     x, drops);
        return;
    }
    if (rp == 1) {
        snprintf(fix, sizeof fix,
                 "sysctl -w net.ipv4.conf.all.rp_filter=2 "
                 "net.ipv4.conf.%s.rp_filter=2",
                 x);
        mc__diag_say(r, MC_DIAG_FAIL, fix,
                     "%s (strict): the route back to %s %s%s, not %s: the "
                     "kernel drops its packets%s",
                     val, s, ev->route_found ? "leaves by " : "is missing",
                     ev->route_found ? ev->route_oif : "", x, drops);
        return;
    }
    if (!ev->route_found) {
        snprintf(fix, sizeof fix, "ip route add %s dev %s", s, x);
        mc__diag_say(r, MC_DIAG_FAIL, fix,
                     "%s (loose): no route back to %s at all: the kernel "
                     "drops its packets%s",
                     val, s, drops);
        return;
    }
    mc__diag_say(r, MC_DIAG_OK, NULL,
                 "%s (loose): a route back to %s exists (by %s)%s", val, s,
                 ev->route_oif, drops);
}

void mc__diag_route(const struct mc_diag_evidence *ev, struct mc_diag_result *r)
{
    const struct mc_addr *src = mc__diag_source(ev);
    char s[MC_ADDR_STRLEN], fix[MC_DIAG_TEXT_MAX], via[MC_ADDR_STRLEN + 8];
    char g[MC_ADDR_STRLEN], groute[96] = "", fwd[128] = "";

    mc__diag_addr(&ev->t.group, g, sizeof g);
    if (ev->groute_found)
        snprintf(groute, sizeof groute, "; ip route get %s: dev %s", g,
                 ev->groute_oif);
    if (ev->mc_forwarding > 0)
        snprintf(fwd, sizeof fwd,
                 "; net.%s.conf.%s.mc_forwarding=%ld (a multicast router "
                 "runs here)",
                 ev->family == AF_INET6 ? "ipv6" : "ipv4", ev->t.ifname,
                 ev->mc_forwarding);
    /* not held where asked, and a join without an interface lands
     * elsewhere: the wrong interface */
    if (ev->mem_read && !ev->mem_held && ev->groute_found &&
        strcmp(ev->groute_oif, ev->t.ifname) != 0) {
        snprintf(fix, sizeof fix, "join %s dev %s port %u", g, ev->t.ifname,
                 (unsigned)ev->t.port);
        mc__diag_say(r, MC_DIAG_WARN, fix,
                     "ip route get %s: dev %s: a join without an interface "
                     "lands on %s, not %s",
                     g, ev->groute_oif, ev->groute_oif, ev->t.ifname);
        return;
    }

    if (src == NULL) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                     "no source named and none seen on the wire: name "
                     "SOURCE, or pcap on dev %s",
                     ev->t.ifname[0] ? ev->t.ifname : "IFACE");
        return;
    }
    mc__diag_addr(src, s, sizeof s);
    if (!ev->route_read) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                     "the route to %s could not be read (RTM_GETROUTE)", s);
        return;
    }
    snprintf(fix, sizeof fix, "ip %sroute add %s dev %s",
             ev->family == AF_INET6 ? "-6 " : "", s, ev->t.ifname);
    if (!ev->route_found) {
        mc__diag_say(r, MC_DIAG_WARN, fix,
                     "ip route get %s: %s (no route back to the source)", s,
                     strerror(ev->route_errno));
        return;
    }
    snprintf(via, sizeof via, "%s%s", ev->route_via[0] ? " via " : "",
             ev->route_via);
    if (strcmp(ev->route_oif, ev->t.ifname) != 0) {
        mc__diag_say(r, MC_DIAG_WARN, fix,
                     "ip route get %s: dev %s%s, but the stream is asked on "
                     "%s (the route back is asymmetric)",
                     s, ev->route_oif, via, ev->t.ifname);
        return;
    }
    mc__diag_say(r, MC_DIAG_OK, NULL, "ip route get %s: dev %s%s%s%s", s,
                 ev->route_oif, via, groute, fwd);
}

/* The source sits behind a router: the route back to it has a gateway. */
static bool behind_router(const struct mc_diag_evidence *ev)
{
    return ev->route_read && ev->route_found && ev->route_via[0] != '\0';
}

void mc__diag_hoplimit(const struct mc_diag_evidence *ev,
                       struct mc_diag_result *r)
{
    const char *what = ev->family == AF_INET6 ? "hop limit" : "TTL";
    const char *fix = "on the sender: set mcast-hoplimit 8 "
                      "(IPV6_MULTICAST_HOPS / IP_MULTICAST_TTL)";
    char s[MC_ADDR_STRLEN] = "";

    if (ev->route_read)
        mc__diag_addr(&ev->route_to, s, sizeof s);
    if (ev->hoplimit < 0 && ev->packets == 0 && ev->wire_packets == 0 &&
        ev->t.source.family != 0 && behind_router(ev)) {
        mc__diag_say(r, MC_DIAG_WARN, fix,
                     "nothing arrived, and the source %s is behind the "
                     "router %s: a sender's multicast %s is 1 unless set, "
                     "and 1 does not cross a router",
                     s, ev->route_via, what);
        return;
    }
    if (ev->hoplimit < 0) {
        if (ev->packets == 0)
            mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                         "no packet received, so no %s to read", what);
        else
            mc__diag_say(r, MC_DIAG_UNKNOWN, "cmsg hoplimit on",
                         "the packets' %s is not carried: cmsg hoplimit is "
                         "off",
                         what);
        return;
    }
    if (ev->hoplimit <= 1 && behind_router(ev)) {
        mc__diag_say(r, MC_DIAG_WARN, fix,
                     "the last packet arrived with %s %d from %s behind the "
                     "router %s: one router more and it would not arrive",
                     what, ev->hoplimit, s, ev->route_via);
        return;
    }
    mc__diag_say(r, MC_DIAG_OK, NULL, "the last packet arrived with %s %d%s",
                 what, ev->hoplimit,
                 ev->hoplimit <= 1 ? " (the sender is on this link; it "
                                     "would not cross a router)"
                                   : "");
}
