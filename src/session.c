/* mcscope: the start of a batch or TUI run (see session.h). */
#include "session.h"

#include <stdio.h>
#include <string.h>

#include "mcscope/priv.h"
#include "config.h"
#include "namer.h"
#include "script.h"

/*
 * What a run may still need: CAP_NET_RAW (`pcap on`, captures on
 * interfaces joined later), and CAP_NET_ADMIN only when the receive
 * buffer the monitor asks for is larger than net.core.rmem_max (the
 * sockets opened for later joins set it with SO_RCVBUFFORCE; without it
 * they get SO_RCVBUF, capped at rmem_max, which the report shows as
 * granted).  Joins need no capability at all.  The rest goes, the bounding
 * set included (mc_priv_drop_unneeded).  A process without capabilities
 * is untouched.
 */
static void drop_capabilities(const struct mc_monitor *m)
{
    struct mc_monitor_settings st;
    struct mc_err err;

    mc_monitor_settings(m, &st);
    if (mc_priv_drop_unneeded(true, mc_priv_rcvbuf_needs_admin(st.rcvbuf_asked),
                              &err) < 0)
        fprintf(stderr, "mcscope: warning: %s\n", err.msg);
}

int session_open(const struct options *opts, bool drop_caps, struct session *s)
{
    struct mc_err err;
    int status;

    memset(s, 0, sizeof *s);
    s->script = script_from_options(opts, &status);
    if (s->script == NULL)
        return status;
    if (mc_monitor_new(opts->cfg != NULL ? &opts->cfg->mon : NULL, &s->m,
                       &err) < 0) {
        fprintf(stderr, "mcscope: %s\n", err.msg);
        session_close(s);
        return 1;
    }
    /* Before any command runs, so the first capture writes it.  (The
     * script starts with "pcap on" for --write-pcap, see script.c.) */
    if (opts->write_pcap != NULL &&
        mc_monitor_write_pcap(s->m, opts->write_pcap, &err) < 0) {
        fprintf(stderr, "mcscope: --write-pcap %s: %s\n", opts->write_pcap,
                err.msg);
        session_close(s);
        return 1;
    }
    if (drop_caps) {
        namer_start(); /* before: it keeps what naming a socket needs */
        if (mc_priv_have_net_admin()) /* diagnose reads them later */
            mc_monitor_firewall_prime(s->m);
        drop_capabilities(s->m);
    }
    /* After the capabilities went (DESIGN.md: the endpoint starts after
     * they are dropped). */
    if (opts->metrics != NULL) {
        char why[256];

        s->metrics =
            metrics_http_start(&opts->metrics_addr, s->m, why, sizeof why);
        if (s->metrics == NULL) {
            fprintf(stderr, "mcscope: %s\n", why);
            session_close(s);
            return 1;
        }
    }
    return 0;
}

void session_close(struct session *s)
{
    metrics_http_stop(s->metrics);
    s->metrics = NULL;
    mc_monitor_free(s->m);
    namer_stop();
    mc_script_free(s->script);
    s->m = NULL;
    s->script = NULL;
}
