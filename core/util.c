/*
 * mcscope core: the shared helpers of util.h.
 */
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>

int64_t mc__clock_ns(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return mc__timespec_ns(&ts);
}

void *mc__grown(void *arr, size_t *cap, size_t n, size_t elem)
{
    size_t ncap;
    void *p;

    if (n < *cap)
        return arr;
    ncap = *cap ? *cap * 2 : 8;
    p = realloc(arr, ncap * elem);
    if (p != NULL)
        *cap = ncap;
    return p;
}

int mc_timerfd_arm(int fd, int64_t ns, bool absolute)
{
    struct itimerspec its;

    if (ns <= 0)
        ns = 1;
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = ns / MC_NS_PER_S;
    its.it_value.tv_nsec = ns % MC_NS_PER_S;
    if (timerfd_settime(fd, absolute ? TFD_TIMER_ABSTIME : 0, &its, NULL) < 0)
        return -errno;
    return 0;
}
