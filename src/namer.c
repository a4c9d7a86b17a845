/* mcscope: the socket namer (see namer.h). */
#include "namer.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mcscope/apps.h"

/* Inodes per question; an answer is as many rows. */
#define NAMER_BATCH 256

struct answer {
    uint64_t inode;
    int32_t pid;
    char comm[MC_COMM_MAX];
};

static int namer_fd = -1;
static pid_t namer_pid = -1;

static int by_inode(const void *a, const void *b)
{
    const struct mc_app *x = a, *y = b;

    return x->s.inode < y->s.inode ? -1 : x->s.inode > y->s.inode;
}

/* The helper: only the capabilities the fd links need. */
static bool helper_caps(void)
{
    static const cap_value_t keep[] = {CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH};
    cap_t c = cap_init();
    bool ok;

    if (c == NULL)
        return false;
    ok = cap_set_flag(c, CAP_PERMITTED, 2, keep, CAP_SET) == 0 &&
         cap_set_flag(c, CAP_EFFECTIVE, 2, keep, CAP_SET) == 0 &&
         cap_set_proc(c) == 0;
    cap_free(c);
    return ok;
}

static void helper(int fd)
{
    static uint64_t q[NAMER_BATCH];
    static struct mc_app v[NAMER_BATCH];
    static struct answer a[NAMER_BATCH];
    ssize_t got;

    while ((got = recv(fd, q, sizeof q, 0)) > 0) {
        size_t n = (size_t)got / sizeof q[0];

        memset(v, 0, n * sizeof v[0]);
        for (size_t i = 0; i < n; i++)
            v[i].s.inode = q[i];
        qsort(v, n, sizeof v[0], by_inode);
        mc_apps_name(NULL, v, n);
        for (size_t i = 0; i < n; i++) {
            a[i].inode = v[i].s.inode;
            a[i].pid = v[i].pid;
            memcpy(a[i].comm, v[i].comm, sizeof a[i].comm);
        }
        if (send(fd, a, n * sizeof a[0], MSG_NOSIGNAL) < 0)
            break;
    }
}

/* apps.h's namer: ask the helper about the unnamed entries of v. */
static void ask(void *arg, struct mc_app *v, size_t n)
{
    static uint64_t q[NAMER_BATCH];
    static struct answer a[NAMER_BATCH];
    size_t i = 0;

    (void)arg;
    while (i < n) {
        size_t k = 0;
        ssize_t got;

        for (; i < n && k < NAMER_BATCH; i++)
            if (v[i].pid == 0)
                q[k++] = v[i].s.inode;
        if (k == 0)
            break;
        if (send(namer_fd, q, k * sizeof q[0], MSG_NOSIGNAL) < 0)
            return;
        got = recv(namer_fd, a, sizeof a, 0);
        if (got <= 0)
            return;
        for (size_t j = 0; j < (size_t)got / sizeof a[0]; j++) {
            struct mc_app key, *hit;

            key.s.inode = a[j].inode;
            hit = bsearch(&key, v, n, sizeof *v, by_inode);
            if (hit == NULL || a[j].pid <= 0)
                continue;
            hit->pid = a[j].pid;
            memcpy(hit->comm, a[j].comm, sizeof hit->comm);
            hit->comm[sizeof hit->comm - 1] = '\0';
        }
    }
}

void namer_start(void)
{
    int sv[2];
    pid_t parent = getpid();

    if (geteuid() != 0 || namer_fd >= 0)
        return; /* without root the walk in this process is all there is */
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return;
    namer_pid = fork();
    if (namer_pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return;
    }
    if (namer_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(0);
        if (dup2(sv[1], 3) < 0)
            _exit(1);
        close_range(4, ~0U, 0);
        if (helper_caps())
            helper(3);
        _exit(0);
    }
    close(sv[1]);
    namer_fd = sv[0];
    mc_apps_set_namer(ask, NULL);
}

void namer_stop(void)
{
    if (namer_fd < 0)
        return;
    mc_apps_set_namer(NULL, NULL);
    close(namer_fd);
    namer_fd = -1;
    waitpid(namer_pid, NULL, 0);
    namer_pid = -1;
}
