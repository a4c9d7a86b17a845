/* Test helper: mcscope run in a lab host (see progrun.h). */
#include "progrun.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stddef.h>
#include <cmocka.h>

extern char **environ;

static char mcscope[PATH_MAX];

/* BUILD/tests/TEST -> BUILD/mcscope, unless $MCSCOPE_BIN. */
const char *prog_find(void)
{
    const char *env = getenv("MCSCOPE_BIN");
    char self[PATH_MAX - 16]; /* room for "/../mcscope" */
    ssize_t n;
    char *slash;

    if (mcscope[0] != '\0')
        return mcscope;
    if (env != NULL && env[0] != '\0') {
        snprintf(mcscope, sizeof mcscope, "%s", env);
    } else {
        n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) {
            fprintf(stderr, "cannot find my own path\n");
            exit(1);
        }
        self[n] = '\0';
        slash = strrchr(self, '/');
        *slash = '\0';
        snprintf(mcscope, sizeof mcscope, "%s/../mcscope", self);
    }
    if (access(mcscope, X_OK) != 0) {
        fprintf(stderr,
                "no mcscope program at %s: build it (cmake --build) or set "
                "MCSCOPE_BIN\n",
                mcscope);
        exit(1);
    }
    return mcscope;
}

void prog_start(struct prog *p, struct lab *lab, const char *host, ...)
{
    const char *argv[40];
    posix_spawn_file_actions_t fa;
    static unsigned serial;
    int argc = 0;
    va_list ap;

    argv[argc++] = "ip";
    argv[argc++] = "netns";
    argv[argc++] = "exec";
    argv[argc++] = lab_ns_name(lab, host);
    argv[argc++] = prog_find();
    va_start(ap, host);
    while (argc < 39 && (argv[argc] = va_arg(ap, const char *)) != NULL)
        argc++;
    va_end(ap);
    argv[argc] = NULL;
    snprintf(p->out, sizeof p->out, "/tmp/mcs-cli-%d-%u.out", (int)getpid(),
             serial);
    snprintf(p->err, sizeof p->err, "/tmp/mcs-cli-%d-%u.err", (int)getpid(),
             serial++);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, p->out,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, p->err,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (posix_spawnp(&p->pid, "ip", &fa, NULL, (char *const *)argv, environ) !=
        0)
        fail_msg("cannot start mcscope");
    posix_spawn_file_actions_destroy(&fa);
}

char *prog_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long n;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

int prog_finish(struct prog *p, char **out, char **err)
{
    int status;

    while (waitpid(p->pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    *out = prog_slurp(p->out);
    *err = prog_slurp(p->err);
    unlink(p->out);
    unlink(p->err);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}
