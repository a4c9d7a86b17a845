/* mcscope: the one event loop (see loop.h). */
#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

struct extra_fd {
    int fd;
    short events;
    loop_fd_fn fn;
    void *arg;
};

struct loop {
    struct mc_monitor *m;
    struct mc_script *script;
    int sfd;
    sigset_t old_mask;
    struct extra_fd *extra;
    size_t nextra;
    struct pollfd *fds;
    size_t capfds;
    int64_t deadline_ns;
    loop_pass_fn pass_fn;
    void *pass_arg;
    bool stop;
    int signo;
};

struct loop *loop_new(struct mc_monitor *m, struct mc_script *script)
{
    struct loop *lp = calloc(1, sizeof *lp);
    sigset_t mask;
    int e;

    if (lp == NULL)
        return NULL;
    lp->m = m;
    lp->script = script;
    lp->deadline_ns = INT64_MAX;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    /* signalfd(2): the signals must be blocked to be read from the fd. */
    if (sigprocmask(SIG_BLOCK, &mask, &lp->old_mask) < 0) {
        e = errno;
        free(lp);
        errno = e;
        return NULL;
    }
    lp->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (lp->sfd < 0) {
        e = errno;
        sigprocmask(SIG_SETMASK, &lp->old_mask, NULL);
        free(lp);
        errno = e;
        return NULL;
    }
    return lp;
}

void loop_free(struct loop *lp)
{
    if (lp == NULL)
        return;
    close(lp->sfd);
    sigprocmask(SIG_SETMASK, &lp->old_mask, NULL);
    free(lp->extra);
    free(lp->fds);
    free(lp);
}

int loop_add_fd(struct loop *lp, int fd, short events, loop_fd_fn fn, void *arg)
{
    struct extra_fd *p =
        realloc(lp->extra, (lp->nextra + 1) * sizeof *lp->extra);

    if (p == NULL)
        return -ENOMEM;
    lp->extra = p;
    p[lp->nextra++] = (struct extra_fd){fd, events, fn, arg};
    return 0;
}

void loop_set_deadline(struct loop *lp, int64_t mono_ns)
{
    lp->deadline_ns = mono_ns;
}

void loop_on_pass(struct loop *lp, loop_pass_fn fn, void *arg)
{
    lp->pass_fn = fn;
    lp->pass_arg = arg;
}

void loop_stop(struct loop *lp)
{
    lp->stop = true;
}

int loop_signal(const struct loop *lp)
{
    return lp->signo;
}

/* Room for n pollfds. */
static int reserve(struct loop *lp, size_t n)
{
    struct pollfd *p;

    if (n <= lp->capfds)
        return 0;
    p = realloc(lp->fds, n * sizeof *p);
    if (p == NULL)
        return -ENOMEM;
    lp->fds = p;
    lp->capfds = n;
    return 0;
}

/* signalfd, extra fds, then the monitor's; returns the count, or -1. */
static int build_fds(struct loop *lp, size_t *mon_at)
{
    size_t head = 1 + lp->nextra, need;

    if (reserve(lp, head + 8) < 0)
        return -1;
    lp->fds[0] = (struct pollfd){lp->sfd, POLLIN, 0};
    for (size_t i = 0; i < lp->nextra; i++)
        lp->fds[1 + i] =
            (struct pollfd){lp->extra[i].fd, lp->extra[i].events, 0};
    need = mc_monitor_pollfds(lp->m, lp->fds + head, lp->capfds - head);
    if (head + need > lp->capfds) {
        if (reserve(lp, head + need) < 0)
            return -1;
        need = mc_monitor_pollfds(lp->m, lp->fds + head, lp->capfds - head);
    }
    *mon_at = head;
    return (int)(head + need);
}

/* Milliseconds until t (rounded up), capped by cur. */
static int ms_until(int64_t t, int64_t now, int cur)
{
    int64_t left;

    if (t == INT64_MAX)
        return cur;
    left = t <= now ? 0 : (t - now + MC_NS_PER_MS - 1) / MC_NS_PER_MS;
    if (cur >= 0 && left > cur)
        return cur;
    return left > 3600000 ? 3600000 : (int)left;
}

static bool read_signal(struct loop *lp)
{
    struct signalfd_siginfo si;

    if (read(lp->sfd, &si, sizeof si) != (ssize_t)sizeof si)
        return false;
    lp->signo = (int)si.ssi_signo;
    return true;
}

enum loop_end loop_run(struct loop *lp)
{
    size_t mon_at, ran;
    int64_t now;
    int n, timeout, flags;

    while (!lp->stop) {
        now = mc_monitor_now_ns();
        ran = lp->script != NULL ? mc_script_step(lp->script, lp->m, now) : 0;
        if (now >= lp->deadline_ns)
            return LOOP_DEADLINE;
        n = build_fds(lp, &mon_at);
        if (n < 0)
            return LOOP_ERROR;
        timeout = mc_monitor_next_timeout_ms(lp->m);
        timeout = ms_until(mc_script_next_ns(lp->script), now, timeout);
        timeout = ms_until(lp->deadline_ns, now, timeout);
        if (ran > 0)
            timeout = 0; /* report the script's events in this pass */
        if (poll(lp->fds, (nfds_t)n, timeout) < 0) {
            if (errno == EINTR)
                continue;
            return LOOP_ERROR;
        }
        if ((lp->fds[0].revents & POLLIN) && read_signal(lp))
            return LOOP_SIGNAL;
        for (size_t i = 0; i < lp->nextra; i++)
            if (lp->fds[1 + i].revents != 0)
                lp->extra[i].fn(lp->extra[i].arg, lp->fds[1 + i].fd,
                                lp->fds[1 + i].revents);
        flags =
            mc_monitor_dispatch(lp->m, lp->fds + mon_at, (size_t)n - mon_at);
        if (ran > 0)
            flags |= MC_MON_EVENTS;
        if (lp->pass_fn != NULL)
            lp->pass_fn(lp->pass_arg, flags);
    }
    return LOOP_STOPPED;
}
