/*
 * mcscope: what batch mode and the TUI both start with — the start-up
 * script (every line checked first), the monitor, the --write-pcap file,
 * and the capabilities trimmed to what running needs.
 */
#ifndef MCSCOPE_SESSION_H
#define MCSCOPE_SESSION_H

#include <stdbool.h>

#include "mcscope/monitor.h"
#include "metrics_http.h"
#include "options.h"

struct session {
    struct mc_monitor *m;
    struct mc_script *script;
    struct metrics_http *metrics; /* --metrics, or NULL */
};

/*
 * Open a session for opts.  Returns 0, or the exit status to end with (2:
 * a refused line or unreadable script; 1: a failure), having said why on
 * stderr.  With drop_caps, a process that holds capabilities keeps only
 * CAP_NET_RAW (capture), and CAP_NET_ADMIN only when the receive buffer
 * asked for is above net.core.rmem_max (SO_RCVBUFFORCE), the bounding
 * set included; the lab, which must remove its namespaces at the end,
 * passes false.
 */
int session_open(const struct options *opts, bool drop_caps, struct session *s);
void session_close(struct session *s);

#endif
