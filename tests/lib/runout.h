/*
 * Test helper: run another program (tshark, tcpdump, python3) and read
 * what it writes.
 */
#ifndef MCSCOPE_TEST_RUNOUT_H
#define MCSCOPE_TEST_RUNOUT_H

#include <stdbool.h>
#include <stddef.h>

/* Whether PATH has an executable name. */
bool tu_have_prog(const char *name);

/* Run argv (found in PATH), stdout into out (NUL-terminated, cut to len -
 * 1 bytes), stderr to /dev/null.  Returns the exit status, 128 + N after
 * signal N, or -errno. */
int tu_run_out(char *const argv[], char *out, size_t len);

/* Split s at sep into at most max fields, in place (a program's output
 * into lines, a line into columns).  "" has none. */
size_t tu_split(char *s, char sep, char **out, size_t max);

#endif
