/*
 * mcscope core: small helpers the core's files share (private; not under
 * core/include).  Each exists once here instead of a copy per file: clock
 * reads and real-to-monotonic time, the unknown-value dash, array growth.
 * (Public ones: nanoseconds and arming a timerfd in clock.h, family names
 * in addr.h; the text of a filter with its sources, mode{a,b}, is
 * public: mc_filter_format in member.h.)
 */
#ifndef MCSCOPE_UTIL_H
#define MCSCOPE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mcscope/addr.h"
#include "mcscope/clock.h"

/* What a cell or field shows when a value cannot be known: an em dash
 * (U+2014) in UTF-8. */
#define MC__UNKNOWN "\xe2\x80\x94"

/* A timespec as nanoseconds. */
static inline int64_t mc__timespec_ns(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * MC_NS_PER_S + ts->tv_nsec;
}

/* clock_gettime(clock) in nanoseconds (CLOCK_MONOTONIC, CLOCK_REALTIME). */
int64_t mc__clock_ns(clockid_t clock);

/*
 * The monotonic time of a real-time (CLOCK_REALTIME) stamp, given both
 * clocks read at one moment (real_now, mono_now); never later than
 * mono_now, so a stamp from a clock stepped forward cannot lie ahead.
 */
static inline int64_t mc__real_to_mono(int64_t real, int64_t real_now,
                                       int64_t mono_now)
{
    int64_t mono = real - (real_now - mono_now);

    return mono < mono_now ? mono : mono_now;
}

/*
 * Room for one more item in an array of n items of elem bytes with
 * capacity *cap: returns the array (moved when it had to grow; the
 * capacity doubles, from 8), or NULL when out of memory (the old array
 * and *cap are untouched).
 */
void *mc__grown(void *arr, size_t *cap, size_t n, size_t elem);

/* The value of one hex digit, either case; -1 for any other character. */
static inline int mc__hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
