/* mcscope: the programs the lab runs in its hosts (see programs.h). */
#include "programs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "impair.h"
#include "proc.h"

#define LAB_FOREVER "31536000" /* --batch seconds of a child: a year */
/* Children get --config /dev/null: they read no config file (the
 * user's start-up commands and settings are not the lab's). */
#define LAB_SETTLE_MS 200 /* children must be alive after this */
#define LAB_STOP_MS 1000  /* SIGTERM, then SIGKILL after this */

static const char *const lab_groups[] = {"ff15::1234", "ff3e::1234",
                                         "239.1.1.1", "232.1.1.1"};
#define NGROUPS (sizeof lab_groups / sizeof lab_groups[0])

struct source_spec {
    enum labnet_host host;
    int tclass, hoplimit;
};
static const struct source_spec sources[LABPROG_NSENDERS] = {
    {LABNET_S1, 0x28, 7}, /* AF11 */
    {LABNET_S2, 0xb8, 9}, /* EF */
};

static pid_t start_sender(struct labprogs *p, const struct source_spec *s)
{
    char cmd[NGROUPS][128];
    char *argv[6 + 2 * NGROUPS];
    size_t argc = 0;

    argv[argc++] = (char *)p->exe;
    argv[argc++] = (char *)"--config";
    argv[argc++] = (char *)"/dev/null";
    argv[argc++] = (char *)"--batch";
    argv[argc++] = (char *)LAB_FOREVER;
    for (size_t g = 0; g < NGROUPS; g++) {
        snprintf(cmd[g], sizeof cmd[g],
                 "send %s dev %s rate %d tclass 0x%02x hoplimit %d",
                 lab_groups[g], labnet_ifname(p->net, s->host), LABPROG_RATE,
                 s->tclass, s->hoplimit);
        argv[argc++] = (char *)"-e";
        argv[argc++] = cmd[g];
    }
    argv[argc] = NULL;
    return labnet_spawn(p->net, s->host, argv, -1, -1);
}

/* SIGTERM, then SIGKILL after LAB_STOP_MS; reaped. */
static void stop_child(pid_t *pid)
{
    if (*pid <= 0)
        return;
    kill(*pid, SIGTERM);
    for (long t = 0; t < LAB_STOP_MS; t += 10) {
        pid_t r = waitpid(*pid, NULL, WNOHANG);

        if (r == *pid || (r < 0 && errno != EINTR)) {
            *pid = 0;
            return;
        }
        labproc_sleep_ms(10);
    }
    kill(*pid, SIGKILL);
    while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
        ;
    *pid = 0;
}

/* A child that ended: its status text in why; false when it runs. */
static bool child_ended(pid_t *pid, char *why, size_t len)
{
    int st;

    if (*pid <= 0 || waitpid(*pid, &st, WNOHANG) != *pid)
        return false;
    *pid = 0;
    if (WIFEXITED(st))
        snprintf(why, len, "exit status %d", WEXITSTATUS(st));
    else
        snprintf(why, len, "signal %d", WTERMSIG(st));
    return true;
}

int labprogs_start_senders(struct labprogs *p)
{
    char why[64];

    for (size_t i = 0; i < LABPROG_NSENDERS; i++) {
        pid_t pid = start_sender(p, &sources[i]);

        if (pid < 0) {
            fprintf(stderr, "mcscope: cannot start the sender in %s: %s\n",
                    labnet_host_name(sources[i].host), strerror((int)-pid));
            return -1;
        }
        p->sender[i] = pid;
    }
    labproc_sleep_ms(LAB_SETTLE_MS);
    for (size_t i = 0; i < LABPROG_NSENDERS; i++) {
        if (child_ended(&p->sender[i], why, sizeof why)) {
            fprintf(stderr, "mcscope: the sender in %s ended at once (%s)\n",
                    labnet_host_name(sources[i].host), why);
            return -1;
        }
    }
    return 0;
}

int labprogs_check_senders(struct labprogs *p)
{
    char why[64];
    int status = 0;

    for (size_t i = 0; i < LABPROG_NSENDERS; i++) {
        if (child_ended(&p->sender[i], why, sizeof why)) {
            fprintf(stderr, "mcscope: the sender in %s ended (%s)\n",
                    labnet_host_name(sources[i].host), why);
            status = 1;
        }
    }
    return status;
}

/* `mcscope --batch FOREVER -e LINE` in host h, in *slot (the one before
 * stopped). */
static pid_t start_one(struct labprogs *p, enum labnet_host h, pid_t *slot,
                       char *line)
{
    char *argv[] = {(char *)p->exe,
                    (char *)"--config",
                    (char *)"/dev/null",
                    (char *)"--batch",
                    (char *)LAB_FOREVER,
                    (char *)"-e",
                    line,
                    NULL};
    pid_t pid;

    stop_child(slot);
    pid = labnet_spawn(p->net, h, argv, -1, -1);
    if (pid > 0)
        *slot = pid;
    return pid;
}

/* Stop *slot; the pid it had, 0: none ran. */
static pid_t stop_one(pid_t *slot)
{
    pid_t was = *slot;

    stop_child(slot);
    return was;
}

pid_t labprogs_start_listener(struct labprogs *p, const char *group, char *join,
                              size_t join_len)
{
    snprintf(join, join_len, "join %s dev %s", group,
             labnet_ifname(p->net, LABNET_RX));
    return start_one(p, LABNET_RX, &p->listener, join);
}

pid_t labprogs_stop_listener(struct labprogs *p)
{
    return stop_one(&p->listener);
}

pid_t labprogs_start_stream(struct labprogs *p, const char *kind,
                            const char *group, char *line, size_t line_len)
{
    snprintf(line, line_len, "send %s dev %s port %d rate %d payload %s", group,
             labnet_ifname(p->net, LABNET_S1), LABIMPAIR_PORT,
             LABPROG_STREAM_RATE, kind);
    return start_one(p, LABNET_S1, &p->stream, line);
}

pid_t labprogs_stop_stream(struct labprogs *p)
{
    return stop_one(&p->stream);
}

void labprogs_stop_all(struct labprogs *p)
{
    stop_child(&p->stream);
    for (size_t i = 0; i < LABPROG_NSENDERS; i++)
        stop_child(&p->sender[i]);
    stop_child(&p->listener);
}
