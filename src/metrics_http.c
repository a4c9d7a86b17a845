/* mcscope: the --metrics HTTP endpoint (see metrics_http.h). */
#include "metrics_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/metrics.h"

#define METRICS_PATH "/metrics"

struct metrics_http {
    struct MHD_Daemon *d;
    const struct mc_monitor *m;
    int epoll_fd;
};

static int parse_port(const char *text, uint16_t *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < 1 || v > 65535)
        return -1;
    *out = (uint16_t)v;
    return 0;
}

int metrics_http_parse_addr(const char *text, struct sockaddr_storage *addr,
                            char *why, size_t why_len)
{
    struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
    char host[INET6_ADDRSTRLEN + 2];
    const char *colon = strrchr(text, ':'), *port = text;
    size_t hl;
    uint16_t p;

    memset(addr, 0, sizeof *addr);
    a4->sin_family = AF_INET;
    a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (colon != NULL) {
        port = colon + 1;
        hl = (size_t)(colon - text);
        if (hl >= sizeof host)
            goto bad;
        memcpy(host, text, hl);
        host[hl] = '\0';
        if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
            host[hl - 1] = '\0';
            a6->sin6_family = AF_INET6;
            if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
                goto bad;
        } else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) {
            goto bad;
        }
    }
    if (parse_port(port, &p) < 0)
        goto bad;
    if (a6->sin6_family == AF_INET6)
        a6->sin6_port = htons(p);
    else
        a4->sin_port = htons(p);
    return 0;
bad:
    snprintf(why, why_len,
             "--metrics '%s': give PORT (on 127.0.0.1), ADDR:PORT or "
             "[ADDR6]:PORT, e.g. --metrics 9184, --metrics 0.0.0.0:9184 or "
             "--metrics [::]:9184",
             text);
    return -1;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
                             const char *type, const char *body, size_t len,
                             bool owned)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)body,
        owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    if (r == NULL) {
        if (owned)
            free((void *)body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **state)
{
    static const char not_found[] = "not found: mcscope serves /metrics\n";
    static const char not_allowed[] = "method not allowed: GET /metrics\n";
    struct metrics_http *h = cls;
    char *text;
    size_t len;

    (void)version;
    (void)upload;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
        strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        /* A body is not read: the reply goes out and the connection
         * closes. */
        *upload_size = 0;
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", not_allowed,
                     sizeof not_allowed - 1, false);
    }
    if (*state == NULL) { /* the headers: answer on the next call */
        *state = h;
        return MHD_YES;
    }
    if (strcmp(url, METRICS_PATH) != 0)
        return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
                     sizeof not_found - 1, false);
    text = mc_metrics_text(h->m, mc_monitor_now_ns(), MCSCOPE_VERSION, &len);
    if (text == NULL)
        return MHD_NO;
    return reply(c, MHD_HTTP_OK, MC_METRICS_CONTENT_TYPE, text, len, true);
}

struct metrics_http *metrics_http_start(const struct sockaddr_storage *addr,
                                        const struct mc_monitor *m, char *why,
                                        size_t why_len)
{
    struct metrics_http *h = calloc(1, sizeof *h);
    const union MHD_DaemonInfo *info;
    unsigned flags = MHD_USE_EPOLL;
    uint16_t port;
    int e;

    if (h == NULL) {
        snprintf(why, why_len, "--metrics: out of memory");
        return NULL;
    }
    h->m = m;
    if (addr->ss_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
        port = ntohs(((const struct sockaddr_in6 *)addr)->sin6_port);
    } else {
        port = ntohs(((const struct sockaddr_in *)addr)->sin_port);
    }
    errno = 0;
    h->d = MHD_start_daemon(
        flags, port, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)16,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)4,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
    if (h->d == NULL) {
        e = errno;
        snprintf(why, why_len, "--metrics: cannot listen on port %u: %s%s",
                 (unsigned)port, e != 0 ? strerror(e) : "libmicrohttpd failed",
                 e == EACCES       ? " (a port below 1024 needs "
                                     "CAP_NET_BIND_SERVICE: use a higher one, "
                                     "e.g. 9184)"
                 : e == EADDRINUSE ? " (choose another port)"
                                   : "");
        free(h);
        return NULL;
    }
    info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);
    h->epoll_fd = info != NULL ? info->epoll_fd : -1;
    if (h->epoll_fd < 0) {
        snprintf(why, why_len,
                 "--metrics: libmicrohttpd gave no epoll descriptor");
        metrics_http_stop(h);
        return NULL;
    }
    return h;
}

static void on_ready(void *arg, int fd, short revents)
{
    struct metrics_http *h = arg;

    (void)fd;
    (void)revents;
    MHD_run(h->d);
}

static int next_timeout(void *arg)
{
    struct metrics_http *h = arg;
    MHD_UNSIGNED_LONG_LONG ms;

    if (MHD_get_timeout(h->d, &ms) != MHD_YES)
        return -1;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

int metrics_http_attach(struct metrics_http *h, struct loop *lp)
{
    return loop_add_fd_timed(lp, h->epoll_fd, POLLIN, on_ready, next_timeout,
                             h);
}

void metrics_http_stop(struct metrics_http *h)
{
    if (h == NULL)
        return;
    if (h->d != NULL)
        MHD_stop_daemon(h->d);
    free(h);
}
