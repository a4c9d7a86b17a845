/* mcscope: the start of a batch or TUI run (see session.h). */
#include "session.h"

#include <stdio.h>
#include <string.h>

#include "mcscope/priv.h"
#include "namer.h"
#include "script.h"

/*
 * Everything a run may still need is CAP_NET_RAW (`pcap on`, captures on
 * interfaces joined later) and CAP_NET_ADMIN (SO_RCVBUFFORCE on receive
 * sockets opened later): the rest goes, the bounding set included
 * (mc_priv_drop_unneeded).  A process without capabilities is untouched.
 */
static void drop_capabilities(void)
{
    struct mc_err err;

    if (mc_priv_drop_unneeded(true, true, &err) < 0)
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
    if (mc_monitor_new(NULL, &s->m, &err) < 0) {
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
        drop_capabilities();
    }
    return 0;
}

void session_close(struct session *s)
{
    mc_monitor_free(s->m);
    namer_stop();
    mc_script_free(s->script);
    s->m = NULL;
    s->script = NULL;
}
