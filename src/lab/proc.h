/*
 * mcscope: programs run inside a network namespace — the one way the lab
 * starts anything (its `ip` commands, its senders, a second listener):
 * a forked child enters the namespace (an fd of it), moves to a process
 * group of its own (the terminal's ^C goes to the caller only), gets
 * SIGTERM when the caller dies (PR_SET_PDEATHSIG), a clear signal mask,
 * stdin from /dev/null, and stdout / stderr where the caller says.  Also
 * the processes inside a namespace: listed, and killed.
 */
#ifndef MCSCOPE_LAB_PROC_H
#define MCSCOPE_LAB_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* A program finds the namespace passed to it (pass_fd) as this fd. */
#define LABPROC_PASS_FD 3
#define LABPROC_PASS_PATH "/proc/self/fd/3"

struct labproc_io {
    int ns_fd;          /* the namespace to enter; -1: stay */
    int out_fd, err_fd; /* -1: /dev/null */
    int pass_fd;        /* becomes fd LABPROC_PASS_FD; -1: none */
};

/* Start argv (PATH searched): the pid (the caller reaps it), or -errno
 * when the program could not start (-ENOENT: not found). */
pid_t labproc_spawn(const struct labproc_io *io, char *const argv[]);

/* Wait for pid: its exit status, 128 + N after signal N, or -errno. */
int labproc_wait(pid_t pid);

/* Run argv in ns_fd (-1: here) with pass_fd (-1: none) to its end, its
 * stdout and stderr together into out (NUL-terminated, cut at len; out
 * may be NULL).  The exit status as labproc_wait, or -errno. */
int labproc_run(int ns_fd, int pass_fd, char *const argv[], char *out,
                size_t len);

/* Read fd to its end into out (NUL-terminated; the rest is dropped). */
void labproc_read_all(int fd, char *out, size_t len);

/* Pids of the processes (this one excluded) in the namespace of ns_fd: up
 * to max into pids; returns how many there are. */
size_t labproc_pids_in(int ns_fd, pid_t *pids, size_t max);

/* SIGKILL every process in the namespace of ns_fd (this one excluded)
 * and wait until they are gone (our children are reaped). */
void labproc_kill_in(int ns_fd);

/* Sleep ms milliseconds (through signals). */
void labproc_sleep_ms(long ms);

#endif
