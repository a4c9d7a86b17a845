/*
 * Test helper: the mcscope program run inside a lab host with
 * `ip netns exec`, its stdout and stderr caught in files.
 *
 * The program is found next to the test's build directory (tests run
 * from BUILD/tests, the program is BUILD/mcscope), or in $MCSCOPE_BIN.
 */
#ifndef MCSCOPE_TEST_PROGRUN_H
#define MCSCOPE_TEST_PROGRUN_H

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

/* Wait for p; its exit status; its stdout and stderr (caller frees). */
int prog_finish(struct prog *p, char **out, char **err);

/* A whole file, NUL-terminated (caller frees); fails the test. */
char *prog_slurp(const char *path);

#endif
