/*
 * mcscope: --metrics [ADDR:]PORT — the Prometheus exposition
 * (core/metrics.c) served over HTTP by libmicrohttpd.
 *
 * No thread: the daemon runs in MHD's external mode with epoll
 * (MHD_USE_EPOLL), so all its sockets sit behind one epoll fd that joins
 * the one poll() of src/loop.c (loop_add_fd_timed, with MHD_get_timeout
 * for its idle-connection timer), and MHD_run answers the requests in the
 * loop's thread.  The text is built from the monitor's views right there,
 * between two dispatches, so nothing is shared with another thread and
 * nothing needs a lock or a snapshot copy.  A scrape costs the loop the
 * time to format the text (microseconds for a few groups).
 *
 * Read-only: GET or HEAD /metrics; another path is 404, another method
 * 405.  Bounded: 16 connections, 4 per address, 16 KiB of memory per
 * connection (so request headers are bounded), 10 s idle timeout.
 * Binds only where told: PORT alone is 127.0.0.1:PORT; ADDR:PORT an IPv4
 * address; [ADDR]:PORT an IPv6 one ([::]:PORT every address).
 */
#ifndef MCSCOPE_METRICS_HTTP_H
#define MCSCOPE_METRICS_HTTP_H

#include <stddef.h>
#include <sys/socket.h>

#include "loop.h"
#include "mcscope/monitor.h"

struct metrics_http;

/*
 * Parse "[ADDR:]PORT" into addr (127.0.0.1 when ADDR is left out).  0, or
 * -1 with a one-line reason naming the fix in why.
 */
int metrics_http_parse_addr(const char *text, struct sockaddr_storage *addr,
                            char *why, size_t why_len);

/* Start serving m at addr.  NULL with the reason in why (a port in use, a
 * port below 1024 without CAP_NET_BIND_SERVICE, ...). */
struct metrics_http *metrics_http_start(const struct sockaddr_storage *addr,
                                        const struct mc_monitor *m, char *why,
                                        size_t why_len);
/* Put its epoll fd in lp's poll set.  0 or -errno. */
int metrics_http_attach(struct metrics_http *h, struct loop *lp);
void metrics_http_stop(struct metrics_http *h); /* NULL is fine */

#endif
