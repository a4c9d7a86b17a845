/* mcscope: loss on a lab link for a lesson (see impair.h). */
#include "impair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DROP_DEV "mcs-drop"
#define SKF_RANDOM 0xfffff038u /* SKF_AD_OFF + SKF_AD_RANDOM */

/*
 *  0 ldh [12]            ethertype
 *  1 jeq 0x86dd, 2, 6
 *  2 ldb [20]            IPv6 next header (no extension headers)
 *  3 jeq 17, 4, 15
 *  4 ldh [56]            UDP destination port
 *  5 ja 11
 *  6 jeq 0x0800, 7, 15
 *  7 ldb [23]            IPv4 protocol
 *  8 jeq 17, 9, 15
 *  9 ldxb 4*([14]&0xf)   IPv4 header length
 * 10 ldh [x+16]          UDP destination port
 * 11 jeq PORT, 12, 15
 * 12 ld rand
 * 13 jge SHARE, 15, 14
 * 14 ret -1              match: the action drops it
 * 15 ret 0               no match
 */
void labimpair_bytecode(unsigned percent, uint16_t port, char *out, size_t len)
{
    unsigned share = (unsigned)((double)percent / 100.0 * 4294967296.0);

    snprintf(out, len,
             "16,40 0 0 12,21 0 4 34525,48 0 0 20,21 0 11 17,40 0 0 56,"
             "5 0 0 5,21 0 8 2048,48 0 0 23,21 0 6 17,177 0 0 14,"
             "72 0 0 16,21 0 3 %u,32 0 0 %u,53 1 0 %u,6 0 0 4294967295,"
             "6 0 0 0",
             (unsigned)port, SKF_RANDOM, share);
}

static int run(struct labnet *net, enum labnet_host h, char *const argv[],
               char *out, size_t len)
{
    char buf[512];
    int rc = labnet_run(net, h, argv, out != NULL ? out : buf,
                        out != NULL ? len : sizeof buf);

    return rc;
}

int labimpair_loss(struct labnet *net, enum labnet_host h, unsigned percent,
                   char *why, size_t len)
{
    char bpf[512], out[512], *dev = (char *)labnet_ifname(net, h);
    char *ifb[] = {"ip", "link", "add", DROP_DEV, "type", "ifb", NULL};
    char *qd[] = {"tc", "qdisc", "add", "dev", dev, "clsact", NULL};
    char *flt[] = {"tc",     "filter",   "add", "dev",    dev,
                   "egress", "protocol", "all", "prio",   "1",
                   "bpf",    "bytecode", bpf,   "action", "mirred",
                   "egress", "redirect", "dev", DROP_DEV, NULL};
    char *const *steps[] = {ifb, qd, flt};

    if (percent < 1 || percent > LABIMPAIR_MAX_PERCENT) {
        snprintf(why, len, "loss %u%%: give 1..%d", percent,
                 LABIMPAIR_MAX_PERCENT);
        return -1;
    }
    labimpair_off(net, h); /* one at a time */
    labimpair_bytecode(percent, LABIMPAIR_PORT, bpf, sizeof bpf);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int rc = run(net, h, steps[i], out, sizeof out);

        if (rc != 0) {
            out[strcspn(out, "\n")] = '\0';
            snprintf(why, len, "%s %s failed (%s): %.200s", steps[i][0],
                     steps[i][1], rc < 0 ? "not run" : "exit status", out);
            labimpair_off(net, h);
            return -1;
        }
    }
    return 0;
}

/* "Sent 1234 bytes 56 pkt" of the mirred action: 56. */
static long action_packets(const char *text)
{
    const char *p = strstr(text, "mirred");

    p = p != NULL ? strstr(p, "Sent ") : NULL;
    if (p == NULL)
        return -1;
    p = strstr(p, " bytes ");
    return p != NULL ? strtol(p + 7, NULL, 10) : -1;
}

long labimpair_off(struct labnet *net, enum labnet_host h)
{
    char out[8192], *dev = (char *)labnet_ifname(net, h);
    char *show[] = {"tc", "-s", "filter", "show", "dev", dev, "egress", NULL};
    char *del[] = {"tc", "qdisc", "del", "dev", dev, "clsact", NULL};
    char *link[] = {"ip", "link", "del", DROP_DEV, NULL};
    long dropped = -1;

    if (run(net, h, show, out, sizeof out) == 0)
        dropped = action_packets(out);
    run(net, h, del, NULL, 0);
    run(net, h, link, NULL, 0);
    return dropped;
}
