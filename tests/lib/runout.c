/*
 * Test helper: run another program (tshark, tcpdump, python3) and read
 * what it writes (runout.h).
 */
#include "runout.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

bool tu_have_prog(const char *name)
{
    const char *path = getenv("PATH");
    char dir[512], full[600];

    while (path != NULL && *path != '\0') {
        size_t n = strcspn(path, ":");

        snprintf(dir, sizeof dir, "%.*s", (int)n, path);
        snprintf(full, sizeof full, "%s/%s", dir, name);
        if (access(full, X_OK) == 0)
            return true;
        path += n + (path[n] == ':');
    }
    return false;
}

/* Run argv, stdout into out (NUL-terminated), stderr to /dev/null.
 * Returns the exit status (or -errno). */
int tu_run_out(char *const argv[], char *out, size_t len)
{
    posix_spawn_file_actions_t fa;
    int pfd[2], status, rc;
    size_t used = 0;
    ssize_t n;
    pid_t pid;

    if (pipe2(pfd, O_CLOEXEC) < 0)
        return -errno;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY,
                                     0);
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (rc != 0) {
        close(pfd[0]);
        return -rc;
    }
    while ((n = read(pfd[0], out + used, len - used - 1)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        used += (size_t)n;
        if (used + 1 >= len) {
            char sink[512];

            while (read(pfd[0], sink, sizeof sink) > 0)
                ;
            break;
        }
    }
    out[used] = '\0';
    close(pfd[0]);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Split s at sep into at most max fields (in place). */
size_t tu_split(char *s, char sep, char **out, size_t max)
{
    size_t n = 0;

    if (*s == '\0')
        return 0;
    while (n < max) {
        char *e = strchr(s, sep);

        out[n++] = s;
        if (e == NULL)
            break;
        *e = '\0';
        s = e + 1;
    }
    return n;
}
