/* mcscope: the lab's topologies (see topo.h). */
#include "topo.h"

#include <stdio.h>
#include <string.h>

enum { SW, S1, S2, RX, RT };

#define NET6_A "fd42::/64"
#define NET4_A "10.200.0.0/24"
#define NET6_B "fd43::/64"
#define NET4_B "10.201.0.0/24"

/* One bridged link of S1, S2 and RX on bridge br, each as ifname. */
#define THREE_ON(lname, br, ifname, n6, n4, p6, p4)                            \
    {                                                                          \
        .name = lname, .bridge = br, .net6 = n6, .net4 = n4,                   \
        .port = {{S1, ifname, p6 "1", p4 "1"},                                 \
                 {S2, ifname, p6 "2", p4 "2"},                                 \
                 {RX, ifname, p6 "10", p4 "10"}},                              \
        .nports = 3,                                                           \
    }

static const struct labtopo topos[LABTOPO_N] =
    {
        [LABTOPO_BRIDGE] =
            {
                .id = LABTOPO_BRIDGE,
                .name = "bridge",
                .summary = "S1, S2 and RX on one bridge, snooping off",
                .offered = true,
                .link = {THREE_ON("A", "br0", "lab0", NET6_A, NET4_A,
                                  "fd42::", "10.200.0.")},
                .nlinks = 1,
            },
        [LABTOPO_SNOOPING] =
            {
                .id = LABTOPO_SNOOPING,
                .name = "snooping",
                .summary = "S1, S2 and RX on one bridge with MLD/IGMP snooping "
                           "and a querier",
                .offered = true,
                .snooping = true,
                .link = {THREE_ON("A", "br0", "lab0", NET6_A, NET4_A,
                                  "fd42::", "10.200.0.")},
                .nlinks = 1,
            },
        [LABTOPO_DUAL] =
            {
                .id = LABTOPO_DUAL,
                .name = "dual",
                .summary = "every host on two links, en0 (br0) and en1 (br1)",
                .offered = true,
                .link = {THREE_ON("en0", "br0", "en0", NET6_A, NET4_A,
                                  "fd42::", "10.200.0."),
                         THREE_ON("en1", "br1", "en1", NET6_B, NET4_B,
                                  "fd43::", "10.201.0.")},
                .nlinks = 2,
            },
        [LABTOPO_ROUTED] =
            {
                .id = LABTOPO_ROUTED,
                .name = "routed",
                .summary = "S1, S2 on subnet A; RX on subnet B (MTU 1280) "
                           "behind the router RT",
                .offered = true,
                .router = true,
                .link = {{.name = "A",
                          .bridge = "br0",
                          .net6 = NET6_A,
                          .net4 = NET4_A,
                          .gw6 = "fd42::fe",
                          .gw4 = "10.200.0.254",
                          .port = {{S1, "lab0", "fd42::1", "10.200.0.1"},
                                   {S2, "lab0", "fd42::2", "10.200.0.2"},
                                   {RT, "up0", "fd42::fe", "10.200.0.254"}},
                          .nports = 3},
                         {.name = "B",
                          .bridge = NULL,
                          .mtu = LABTOPO_SMALL_MTU,
                          .net6 = NET6_B,
                          .net4 = NET4_B,
                          .gw6 = "fd43::fe",
                          .gw4 = "10.201.0.254",
                          .port = {{RT, "dn0", "fd43::fe", "10.201.0.254"},
                                   {RX, "lab0", "fd43::10", "10.201.0.10"}},
                          .nports = 2}},
                .nlinks = 2,
            },
        [LABTOPO_TWOLINK] =
            {
                .id = LABTOPO_TWOLINK,
                .name = "twolink",
                .summary = "bridge, and S1 and RX on a second bridge (tests)",
                .link = {THREE_ON("A", "br0", "lab0", NET6_A, NET4_A,
                                  "fd42::", "10.200.0."),
                         {.name = "B",
                          .bridge = "br1",
                          .net6 = NET6_B,
                          .net4 = NET4_B,
                          .port = {{S1, "lab1", "fd43::1", "10.201.0.1"},
                                   {RX, "lab1", "fd43::10", "10.201.0.10"}},
                          .nports = 2}},
                .nlinks = 2,
            },
};

const struct labtopo *labtopo_get(enum labtopo_id id)
{
    return id >= 0 && id < LABTOPO_N ? &topos[id] : NULL;
}

const struct labtopo *labtopo_by_name(const char *name)
{
    for (size_t i = 0; i < LABTOPO_N; i++)
        if (topos[i].offered && strcmp(topos[i].name, name) == 0)
            return &topos[i];
    return NULL;
}

const char *labtopo_names(void)
{
    static char names[64];

    if (names[0] == '\0') /* the offered ones, in the table's order */
        for (size_t i = 0; i < LABTOPO_N; i++)
            if (topos[i].offered)
                snprintf(names + strlen(names), sizeof names - strlen(names),
                         "%s%s", names[0] != '\0' ? "|" : "", topos[i].name);
    return names;
}

const struct labtopo_port *labtopo_port(const struct labtopo *t, int h,
                                        size_t l)
{
    if (l >= t->nlinks)
        return NULL;
    for (size_t p = 0; p < t->link[l].nports; p++)
        if (t->link[l].port[p].host == h)
            return &t->link[l].port[p];
    return NULL;
}

const struct labtopo_port *labtopo_first_port(const struct labtopo *t, int h)
{
    for (size_t l = 0; l < t->nlinks; l++)
        if (labtopo_port(t, h, l) != NULL)
            return labtopo_port(t, h, l);
    return NULL;
}

bool labtopo_has_host(const struct labtopo *t, int h)
{
    if (h == SW) {
        for (size_t l = 0; l < t->nlinks; l++)
            if (t->link[l].bridge != NULL)
                return true;
        return false;
    }
    return labtopo_first_port(t, h) != NULL;
}

static const char *const host_label[LABTOPO_NHOSTS] = {"SW", "S1", "S2", "RX",
                                                       "RT"};

size_t labtopo_picture(const struct labtopo *t, const char *router,
                       char (*out)[LABTOPO_LINE], size_t max)
{
    size_t n = 0;

    for (size_t l = 0; l < t->nlinks && n < max; l++) {
        const struct labtopo_link *k = &t->link[l];
        char how[48];

        if (k->bridge != NULL)
            snprintf(how, sizeof how, "bridge %s in SW%s", k->bridge,
                     t->snooping ? ", snooping, querier" : "");
        else
            snprintf(how, sizeof how, "a veth pair");
        snprintf(out[n++], LABTOPO_LINE, "%s %s: %s  %s %s  MTU %d",
                 l == 0 ? "+-" : "+-", k->name, how, k->net6, k->net4,
                 k->mtu > 0 ? k->mtu : 1500);
        for (size_t p = 0; p < k->nports && n < max; p++) {
            const struct labtopo_port *q = &k->port[p];
            bool rx = q->host == 3;

            snprintf(out[n++], LABTOPO_LINE, "|    %s %-4s %-9s %-12s%s%s%s",
                     host_label[q->host], q->ifname, q->a6, q->a4,
                     rx ? " <== {" : "", rx ? q->ifname : "", rx ? "}" : "");
        }
    }
    if (t->router && n + 1 < max) {
        snprintf(out[n++], LABTOPO_LINE,
                 "+- RT forwards multicast from %s to %s, hop limit one lower",
                 t->link[0].name, t->link[1].name);
        if (router != NULL)
            snprintf(out[n++], LABTOPO_LINE, "   (%.110s)", router);
    } else if (n < max) {
        snprintf(out[n++], LABTOPO_LINE, "+-");
    }
    return n;
}
