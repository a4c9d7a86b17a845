/* mcscope: programs run inside a network namespace (see proc.h). */
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mcscope/clock.h"

#define REAP_MS 2000 /* killed processes must be gone by then */
#define MAX_PIDS 256

/* Report errno to the parent through the exec-error pipe and end. */
static void child_fail(int errpipe)
{
    int e = errno;
    ssize_t n = write(errpipe, &e, sizeof e);

    (void)n;
    _exit(127);
}

/* In the forked child: set up and exec argv; never returns. */
static void child_exec(const struct labproc_io *io, char *const argv[],
                       int errpipe, pid_t parent)
{
    static const int dfl[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT};
    sigset_t none;
    int null;

    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(127); /* the parent died before prctl */
    setpgid(0, 0);
    for (size_t i = 0; i < sizeof dfl / sizeof dfl[0]; i++)
        signal(dfl[i], SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (io->ns_fd >= 0 && setns(io->ns_fd, CLONE_NEWNET) < 0)
        child_fail(errpipe);
    null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 ||
        dup2(io->out_fd >= 0 ? io->out_fd : null, 1) < 0 ||
        dup2(io->err_fd >= 0 ? io->err_fd : null, 2) < 0)
        child_fail(errpipe);
    if (io->pass_fd >= 0 && io->pass_fd != LABPROC_PASS_FD &&
        dup2(io->pass_fd, LABPROC_PASS_FD) < 0)
        child_fail(errpipe);
    if (io->pass_fd == LABPROC_PASS_FD)
        fcntl(LABPROC_PASS_FD, F_SETFD, 0);
    execvp(argv[0], argv);
    child_fail(errpipe);
}

/* Fork and exec; the pid, or -errno when the program did not start. */
pid_t labproc_spawn(const struct labproc_io *io, char *const argv[])
{
    pid_t parent = getpid(), pid;
    int ep[2], e = 0;
    ssize_t n;

    if (pipe2(ep, O_CLOEXEC) < 0)
        return -errno;
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        e = errno;
        close(ep[0]);
        close(ep[1]);
        return -e;
    }
    if (pid == 0) {
        close(ep[0]);
        child_exec(io, argv, ep[1], parent);
    }
    close(ep[1]);
    do
        n = read(ep[0], &e, sizeof e);
    while (n < 0 && errno == EINTR);
    close(ep[0]);
    if (n == (ssize_t)sizeof e) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        return -(e != 0 ? e : EIO);
    }
    return pid;
}

/* Wait for pid: its exit status, 128 + N after signal N, or -errno. */
int labproc_wait(pid_t pid)
{
    int st;

    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -errno;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return 128 + WTERMSIG(st);
}

/* Read fd to its end into out (NUL-terminated; the rest is dropped). */
void labproc_read_all(int fd, char *out, size_t len)
{
    char sink[512];
    size_t used = 0;
    ssize_t n;

    for (;;) {
        if (out != NULL && used + 1 < len)
            n = read(fd, out + used, len - used - 1);
        else
            n = read(fd, sink, sizeof sink);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (out != NULL && used + 1 < len)
            used += (size_t)n;
    }
    if (out != NULL && len > 0)
        out[used] = '\0';
}

/* Run argv in the namespace ns_fd with pass_fd as fd 3; output in out. */
int labproc_run(int ns_fd, int pass_fd, char *const argv[], char *out,
                size_t len)
{
    struct labproc_io io = {ns_fd, -1, -1, pass_fd};
    int p[2];
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    io.out_fd = io.err_fd = p[1];
    pid = labproc_spawn(&io, argv);
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return (int)pid;
    }
    labproc_read_all(p[0], out, len);
    close(p[0]);
    return labproc_wait(pid);
}

/* Pids (not this one) whose network namespace is (dev, ino). */
static size_t pids_in(dev_t dev, ino_t ino, pid_t *pids, size_t max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    struct stat st;
    char path[64];
    size_t n = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);

        if (*end != '\0' || pid <= 0 || pid == (long)getpid())
            continue;
        snprintf(path, sizeof path, "/proc/%ld/ns/net", pid);
        if (stat(path, &st) < 0 || st.st_dev != dev || st.st_ino != ino)
            continue;
        if (n < max)
            pids[n] = (pid_t)pid;
        n++;
    }
    closedir(d);
    return n;
}

size_t labproc_pids_in(int ns_fd, pid_t *pids, size_t max)
{
    struct stat st;

    if (ns_fd < 0 || fstat(ns_fd, &st) < 0)
        return 0;
    return pids_in(st.st_dev, st.st_ino, pids, max);
}

void labproc_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * MC_NS_PER_MS};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Gone: reaped if it was our child, or no longer there at all. */
static bool gone(pid_t pid)
{
    pid_t r = waitpid(pid, NULL, WNOHANG);

    if (r == pid)
        return true;
    if (r < 0 && errno == ECHILD)
        return kill(pid, 0) < 0 && errno == ESRCH;
    return false;
}

/* SIGKILL every process in the namespace of fd, and wait until they are
 * gone (our children are reaped). */
void labproc_kill_in(int fd)
{
    pid_t pids[MAX_PIDS];
    size_t n = labproc_pids_in(fd, pids, MAX_PIDS);

    if (n > MAX_PIDS)
        n = MAX_PIDS;
    for (size_t i = 0; i < n; i++)
        kill(pids[i], SIGKILL);
    for (long waited = 0; waited < REAP_MS; waited += 10) {
        size_t left = 0;

        for (size_t i = 0; i < n; i++)
            if (pids[i] > 0 && !gone(pids[i]))
                left++;
            else
                pids[i] = 0;
        if (left == 0)
            return;
        labproc_sleep_ms(10);
    }
}
