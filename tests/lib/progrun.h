/*
 * Test helper: the mcscope program run as a child, its stdout and stderr
 * caught in files: inside a lab host with `ip netns exec` (prog_start),
 * or directly in the test's own namespaces (prog_start_direct,
 * prog_spawn).
 *
 * The program is found next to the test's build directory (tests run
 * from BUILD/tests, the program is BUILD/mcscope), or in $MCSCOPE_BIN.
 */
#ifndef MCSCOPE_TEST_PROGRUN_H
#define MCSCOPE_TEST_PROGRUN_H

#include <stdbool.h>
#include <sys/types.h>

#include "lab.h"

struct prog {
    pid_t pid;
    char out[64], err[64]; /* files for stdout and stderr */
};

/* The program's path; prints why and exits 1 when there is none. */
const char *prog_find(void);

/* Start `ip netns exec NS mcscope ARGS...` in host (args end with NULL);
 * fails the test when it cannot. */
void prog_start(struct prog *p, struct lab *lab, const char *host, ...)
    __attribute__((sentinel));

/* Start `mcscope ARGS...` directly (args end with NULL), stdin from
 * /dev/null; fails the test when it cannot. */
void prog_start_direct(struct prog *p, ...) __attribute__((sentinel));

/* Start argv (argv[0] the program's path; NULL-terminated) directly,
 * stdin from /dev/null; fails the test when it cannot. */
void prog_spawn(struct prog *p, const char *const *argv);

/* Wait for p; its exit status; its stdout and stderr (caller frees).
 * Fails the test when p ended by a signal. */
int prog_finish(struct prog *p, char **out, char **err);

/* Wait for p at most timeout_ms (no limit when negative); its exit
 * status, 128 + N after signal N; its stdout and stderr (caller frees).
 * Killed, and the test failed, when it runs out of time. */
int prog_wait(struct prog *p, long timeout_ms, char **out, char **err);

/* A whole file, NUL-terminated (caller frees); fails the test. */
char *prog_slurp(const char *path);

/* The monotonic clock in milliseconds. */
long prog_now_ms(void);

/* Sleep ms milliseconds (through signals). */
void prog_sleep_ms(long ms);

/* Wait at most timeout_ms until p holds a packet socket (its capture is
 * open: /proc/PID/net/packet lists an inode that /proc/PID/fd holds);
 * true when it does.  A test polls this instead of sleeping a fixed time
 * that a loaded machine may overrun. */
bool prog_wait_capture(const struct prog *p, long timeout_ms);

#endif
