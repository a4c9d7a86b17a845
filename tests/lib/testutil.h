/*
 * Test helpers shared by the unit and integration tests (cmocka): they
 * fail the running test on a bad input instead of returning an error.
 */
#ifndef MCSCOPE_TESTUTIL_H
#define MCSCOPE_TESTUTIL_H

#include "mcscope/addr.h"

/* Parse an address literal with mc_addr_parse; fails the test if bad. */
struct mc_addr tu_addr(const char *text);

/* Assert that a formats as text. */
void tu_expect_addr(const struct mc_addr *a, const char *text);

/* An int socket option read with getsockopt; fails the test on error. */
int tu_sockopt(int fd, int level, int name);

/* An event's line (mc_event_format, UTF-8), in a buffer of its own that
 * the next call overwrites. */
struct mc_event;
const char *tu_event_text(const struct mc_event *e);

/* A monitor with default options but this receive holdoff; fails the
 * test when it cannot be made. */
struct mc_monitor;
struct mc_monitor *tu_monitor(unsigned holdoff_us);

#endif
