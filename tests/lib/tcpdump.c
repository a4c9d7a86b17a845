/* Test helper: tcpdump in a lab namespace (see tcpdump.h). */
#include "tcpdump.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

bool tcpdump_start(struct tcpdump *t, const char *ns, const char *dir,
                   const char *filter, const char *file)
{
    /* --immediate-mode: without it, frames wait in a ring block until it
     * fills or times out, and those still waiting when it stops are lost */
    char *argv[] = {"ip",           "netns",   "exec",
                    (char *)ns,     "tcpdump", "-Z",
                    "root",         "-U",      "--immediate-mode",
                    "-i",           "lab0",    "-Q",
                    (char *)dir,    "-w",      (char *)file,
                    (char *)filter, NULL};
    posix_spawn_file_actions_t fa;
    char buf[1024];
    size_t used = 0;
    long deadline = now_ms() + 5000;
    int pfd[2];

    if (pipe2(pfd, O_CLOEXEC) < 0)
        return false;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY,
                                     0);
    if (posix_spawnp(&t->pid, "ip", &fa, NULL, argv, environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        close(pfd[0]);
        close(pfd[1]);
        return false;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    t->err_fd = pfd[0];
    /* capturing starts before it says "listening on" */
    while (now_ms() < deadline && used + 1 < sizeof buf) {
        struct pollfd p = {t->err_fd, POLLIN, 0};
        ssize_t n;

        if (poll(&p, 1, 100) <= 0)
            continue;
        n = read(t->err_fd, buf + used, sizeof buf - used - 1);
        if (n <= 0)
            break;
        used += (size_t)n;
        buf[used] = '\0';
        if (strstr(buf, "listening on") != NULL)
            return true;
    }
    fprintf(stderr, "tcpdump did not start: %s\n", used ? buf : "(silent)");
    kill(t->pid, SIGKILL);
    waitpid(t->pid, NULL, 0);
    close(t->err_fd);
    return false;
}

void tcpdump_stop(struct tcpdump *t)
{
    char sink[512];

    kill(t->pid, SIGINT);
    while (read(t->err_fd, sink, sizeof sink) > 0)
        ;
    close(t->err_fd);
    waitpid(t->pid, NULL, 0);
}
