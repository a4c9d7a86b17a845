/* mcscope: the programs the lab runs in its hosts (see programs.h). */
#include "programs.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "impair.h"
#include "proc.h"

#define LAB_FOREVER "31536000" /* --batch seconds of a child: a year */
/* Children get --config /dev/null: they read no config file (the
 * user's start-up commands and settings are not the lab's). */
#define LAB_SETTLE_MS 200    /* children must be alive after this */
#define LAB_STOP_MS 1000     /* SIGTERM, then SIGKILL after this */
#define LAB_ANSWER_MS 2000   /* a sender answers `on HOST` within this */
#define LAB_CONTROL_MAX 1024 /* control.h's CONTROL_MSG_MAX */

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

/* A sender's lines: its hop limit and traffic class as settings (so
 * that `on s1 set mcast-hoplimit 2` changes its running sends), then a
 * send per group. */
#define SENDER_NLINES (2 + NGROUPS)
static void sender_lines(const struct source_spec *s, const char *ifname,
                         char line[SENDER_NLINES][128])
{
    snprintf(line[0], sizeof line[0], "set mcast-hoplimit %d", s->hoplimit);
    snprintf(line[1], sizeof line[1], "set tclass 0x%02x", s->tclass);
    for (size_t g = 0; g < NGROUPS; g++)
        snprintf(line[2 + g], sizeof line[2 + g], "send %s dev %s rate %d",
                 lab_groups[g], ifname, LABPROG_RATE);
}

/* Sender i, with its end of the control socketpair as its fd 3
 * (--lab-control 3); ours in p->ctl[i]. */
static pid_t start_sender(struct labprogs *p, size_t i,
                          const struct source_spec *s)
{
    char cmd[SENDER_NLINES][128];
    char *argv[8 + 2 * SENDER_NLINES];
    size_t argc = 0;
    int sv[2];
    pid_t pid;

    argv[argc++] = (char *)p->exe;
    argv[argc++] = (char *)"--config";
    argv[argc++] = (char *)"/dev/null";
    argv[argc++] = (char *)"--batch";
    argv[argc++] = (char *)LAB_FOREVER;
    argv[argc++] = (char *)"--lab-control";
    argv[argc++] = (char *)"3";
    sender_lines(s, labnet_ifname(p->net, s->host), cmd);
    if (p->hoplimit[i] > 0) /* a fault's (fault.h) */
        snprintf(cmd[0], sizeof cmd[0], "set mcast-hoplimit %d",
                 p->hoplimit[i]);
    for (size_t k = 0; k < SENDER_NLINES; k++) {
        /* a fault's: no SSM group (ff3x::/96, 232/8) */
        if (p->asm_only[i] && k >= 2 &&
            (strncmp(cmd[k], "send ff3", 8) == 0 ||
             strncmp(cmd[k], "send 232.", 9) == 0))
            continue;
        argv[argc++] = (char *)"-e";
        argv[argc++] = cmd[k];
    }
    argv[argc] = NULL;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return -errno;
    pid = labnet_spawn_fd(p->net, s->host, argv, sv[1]);
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return pid;
    }
    p->ctl[i] = sv[0];
    return pid;
}

/* The sender of host name ("s1", "s2"; any case), or -1. */
static int sender_of(const char *host)
{
    for (size_t i = 0; i < LABPROG_NSENDERS; i++)
        if (strcasecmp(host, labnet_host_name(sources[i].host)) == 0)
            return (int)i;
    return -1;
}

int labprogs_command(struct labprogs *p, const char *host, const char *line,
                     char *reply, size_t len)
{
    char answer[LAB_CONTROL_MAX];
    struct pollfd pfd;
    int i = sender_of(host), rc, off = 0;
    ssize_t n;

    if (i < 0) {
        snprintf(reply, len,
                 "the lab has no host %s that takes commands: on s1 and on "
                 "s2 speak to the senders; rx is this mcscope (type the "
                 "command alone), sw the bridge",
                 host);
        return -EHOSTUNREACH;
    }
    if (p->sender[i] <= 0 || p->ctl[i] < 0) {
        snprintf(reply, len,
                 "the sender in %s is not running: quit and start "
                 "the lab again",
                 labnet_host_name(sources[i].host));
        return -ESRCH;
    }
    if (send(p->ctl[i], line, strlen(line), MSG_NOSIGNAL) < 0) {
        rc = -errno;
        snprintf(reply, len, "cannot reach the sender in %s: %s",
                 labnet_host_name(sources[i].host), strerror(errno));
        return rc;
    }
    pfd = (struct pollfd){.fd = p->ctl[i], .events = POLLIN};
    while ((rc = poll(&pfd, 1, LAB_ANSWER_MS)) < 0 && errno == EINTR)
        ;
    n = rc > 0 ? recv(p->ctl[i], answer, sizeof answer - 1, 0) : -1;
    if (n <= 0) {
        snprintf(reply, len,
                 "the sender in %s did not answer within %d ms (it may "
                 "still run the command)",
                 labnet_host_name(sources[i].host), LAB_ANSWER_MS);
        return -ETIMEDOUT;
    }
    answer[n] = '\0';
    if (sscanf(answer, "%d %n", &rc, &off) < 1)
        rc = -EPROTO;
    snprintf(reply, len, "%s says: %s", labnet_host_name(sources[i].host),
             answer + off);
    return rc;
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
        pid_t pid = start_sender(p, i, &sources[i]);

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

size_t labprogs_reset_senders(struct labprogs *p)
{
    char line[SENDER_NLINES][128], reply[512];
    size_t failed = 0;

    for (size_t i = 0; i < LABPROG_NSENDERS; i++) {
        const char *host = labnet_host_name(sources[i].host);

        sender_lines(&sources[i], labnet_ifname(p->net, sources[i].host), line);
        failed +=
            labprogs_command(p, host, "stop-send", reply, sizeof reply) < 0 &&
            !strstr(reply, "no sender");
        for (size_t k = 0; k < SENDER_NLINES; k++)
            failed +=
                labprogs_command(p, host, line[k], reply, sizeof reply) < 0;
    }
    return failed;
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

pid_t labprogs_restart_sender(struct labprogs *p, size_t k)
{
    pid_t pid;

    if (k >= LABPROG_NSENDERS)
        return -EINVAL;
    stop_child(&p->sender[k]);
    if (p->ctl[k] > 0)
        close(p->ctl[k]);
    p->ctl[k] = -1;
    pid = start_sender(p, k, &sources[k]);
    if (pid > 0)
        p->sender[k] = pid;
    return pid;
}

pid_t labprogs_start_in(struct labprogs *p, enum labnet_host h,
                        const char *config, const char *const *lines)
{
    char *argv[6 + 2 * 4 + 1];
    size_t argc = 0;

    argv[argc++] = (char *)p->exe;
    argv[argc++] = (char *)"--config";
    argv[argc++] = (char *)(config != NULL ? config : "/dev/null");
    argv[argc++] = (char *)"--batch";
    argv[argc++] = (char *)LAB_FOREVER;
    for (size_t i = 0; lines[i] != NULL && i < 4; i++) {
        argv[argc++] = (char *)"-e";
        argv[argc++] = (char *)lines[i];
    }
    argv[argc] = NULL;
    return labnet_spawn(p->net, h, argv, -1, -1);
}

pid_t labprogs_stop(pid_t *slot)
{
    return stop_one(slot);
}

void labprogs_stop_all(struct labprogs *p)
{
    stop_child(&p->stream);
    for (size_t i = 0; i < LABPROG_NSENDERS; i++) {
        stop_child(&p->sender[i]);
        if (p->ctl[i] > 0)
            close(p->ctl[i]);
        p->ctl[i] = -1;
    }
    stop_child(&p->listener);
}
