/*
 * Test helpers shared by the unit and integration tests (cmocka): they
 * fail the running test on a bad input instead of returning an error.
 */
#ifndef MCSCOPE_TESTUTIL_H
#define MCSCOPE_TESTUTIL_H

#include <stddef.h>

#include "mcscope/addr.h"
#include "mcscope/monitor.h"

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
/*
 * The program's loop for tests, over one monitor or several (at most
 * TU_MAX_MONITORS): one poll() over every monitor's fds, then a dispatch
 * of each.  The unit tests pass one monitor; montest.h's rig passes its
 * three.
 */
enum { TU_MAX_MONITORS = 4, TU_FDS_PER_MONITOR = 64 };

/* One pass: poll at most max_ms (less when a monitor's timer is due
 * sooner), dispatch each.  Returns the MC_MON_* flags of all dispatches. */
int tu_monitor_pass(struct mc_monitor *const *m, size_t n, int max_ms);

/* Passes for ms milliseconds, whatever comes. */
void tu_monitor_run_ms(struct mc_monitor *const *m, size_t n, int ms);

/*
 * Passes until no monitor has a sender running and m[0] counted no packet
 * (socket or wire) for quiet_ms; hook (may be NULL) runs with arg after
 * every pass.  Fails the test when that takes more than limit_ms.
 */
void tu_monitor_run_quiet(struct mc_monitor *const *m, size_t n, int quiet_ms,
                          int limit_ms, void (*hook)(void *arg), void *arg);

#endif
