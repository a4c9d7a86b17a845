/*
 * mcscope: nanoseconds and the timerfd, shared by the core, the UI and
 * the program (the core's time is int64_t nanoseconds of
 * CLOCK_MONOTONIC; mc_monitor_now_ns in monitor.h reads it).
 */
#ifndef MCSCOPE_CLOCK_H
#define MCSCOPE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define MC_NS_PER_S INT64_C(1000000000)
#define MC_NS_PER_MS INT64_C(1000000)

/*
 * Arm a timerfd to fire once at ns: an absolute CLOCK_MONOTONIC time
 * (absolute) or ns from now.  ns <= 0 becomes 1 ns (0 would disarm it).
 * Returns 0 or a negative errno.
 */
int mc_timerfd_arm(int fd, int64_t ns, bool absolute);

#endif
