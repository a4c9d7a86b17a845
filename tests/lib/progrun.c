/* Test helper: mcscope run as a child (see progrun.h). */
#include "progrun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stddef.h>
#include <cmocka.h>

#define ARGS_MAX 40 /* argv entries, the NULL included */

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

/* argv[argc..] from ap, up to the NULL that ends the list. */
static void add_args(const char **argv, int argc, va_list ap)
{
    while (argc < ARGS_MAX - 1 &&
           (argv[argc] = va_arg(ap, const char *)) != NULL)
        argc++;
    argv[argc] = NULL;
}

/* Start argv with stdout and stderr into p's files: in_lab, `ip` found
 * on PATH with the test's stdin; else argv[0] as it is, stdin from
 * /dev/null. */
static void spawn(struct prog *p, const char *const *argv, bool in_lab)
{
    posix_spawn_file_actions_t fa;
    static unsigned serial;
    int rc;

    snprintf(p->out, sizeof p->out, "/tmp/mcs-cli-%d-%u.out", (int)getpid(),
             serial);
    snprintf(p->err, sizeof p->err, "/tmp/mcs-cli-%d-%u.err", (int)getpid(),
             serial++);
    posix_spawn_file_actions_init(&fa);
    if (!in_lab)
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, p->out,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, p->err,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in_lab)
        rc = posix_spawnp(&p->pid, argv[0], &fa, NULL, (char *const *)argv,
                          environ);
    else
        rc = posix_spawn(&p->pid, argv[0], &fa, NULL, (char *const *)argv,
                         environ);
    if (rc != 0)
        fail_msg("cannot start %s", in_lab ? "mcscope" : argv[0]);
    posix_spawn_file_actions_destroy(&fa);
}

void prog_start(struct prog *p, struct lab *lab, const char *host, ...)
{
    const char *argv[ARGS_MAX];
    va_list ap;

    argv[0] = "ip";
    argv[1] = "netns";
    argv[2] = "exec";
    argv[3] = lab_ns_name(lab, host);
    argv[4] = prog_find();
    va_start(ap, host);
    add_args(argv, 5, ap);
    va_end(ap);
    spawn(p, argv, true);
}

void prog_start_direct(struct prog *p, ...)
{
    const char *argv[ARGS_MAX];
    va_list ap;

    argv[0] = prog_find();
    va_start(ap, p);
    add_args(argv, 1, ap);
    va_end(ap);
    spawn(p, argv, false);
}

void prog_spawn(struct prog *p, const char *const *argv)
{
    spawn(p, argv, false);
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

long prog_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void prog_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Whether /proc/PID/fd holds socket inode ino. */
static bool holds_socket(pid_t pid, unsigned long ino)
{
    char dir[64], link[PATH_MAX], want[64], target[128];
    DIR *d;
    struct dirent *e;
    bool found = false;
    ssize_t n;

    snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid);
    snprintf(want, sizeof want, "socket:[%lu]", ino);
    if ((d = opendir(dir)) == NULL)
        return false;
    while (!found && (e = readdir(d)) != NULL) {
        snprintf(link, sizeof link, "%s/%s", dir, e->d_name);
        n = readlink(link, target, sizeof target - 1);
        if (n > 0) {
            target[n] = '\0';
            found = strcmp(target, want) == 0;
        }
    }
    closedir(d);
    return found;
}

/* Whether p holds one of the packet sockets of its network namespace
 * (/proc/PID/net/packet: sk RefCnt Type Proto Iface R Rmem User Inode). */
static bool has_capture(pid_t pid)
{
    char path[64], line[256];
    unsigned long ino;
    bool found = false;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/net/packet", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return false;
    while (!found && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %lu", &ino) == 1)
            found = holds_socket(pid, ino);
    fclose(f);
    return found;
}

bool prog_wait_capture(const struct prog *p, long timeout_ms)
{
    long end = prog_now_ms() + timeout_ms;

    while (!has_capture(p->pid)) {
        if (prog_now_ms() >= end)
            return false;
        prog_sleep_ms(20);
    }
    return true;
}

/* Kill p and reap it; its wait status. */
static int kill_reap(struct prog *p)
{
    int st = 0;

    kill(p->pid, SIGKILL);
    waitpid(p->pid, &st, 0);
    return st;
}

/* Wait for p, at most timeout_ms when that is not negative (then killed,
 * *late set); its wait status. */
static int reap(struct prog *p, long timeout_ms, bool *late)
{
    long end = prog_now_ms() + timeout_ms;
    int st = 0;
    pid_t got;

    *late = false;
    if (timeout_ms < 0) {
        while (waitpid(p->pid, &st, 0) < 0)
            assert_int_equal(errno, EINTR);
        return st;
    }
    while ((got = waitpid(p->pid, &st, WNOHANG)) == 0 && prog_now_ms() < end)
        prog_sleep_ms(20);
    if (got == 0) {
        *late = true;
        st = kill_reap(p);
    }
    return st;
}

/* p's stdout and stderr (caller frees); their files removed. */
static void collect(struct prog *p, char **out, char **err)
{
    *out = prog_slurp(p->out);
    *err = prog_slurp(p->err);
    unlink(p->out);
    unlink(p->err);
}

int prog_finish(struct prog *p, char **out, char **err)
{
    bool late;
    int st = reap(p, -1, &late);

    collect(p, out, err);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

int prog_wait(struct prog *p, long timeout_ms, char **out, char **err)
{
    bool late;
    int st = reap(p, timeout_ms, &late);

    collect(p, out, err);
    if (late)
        fail_msg("mcscope did not end within %ld ms: %s", timeout_ms, *err);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
