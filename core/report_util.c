/*
 * mcscope core: what the JSON and the text report share — times relative
 * to the monitor's start, the lifetime mean rate, the report's time, and
 * writing a report out.
 */
#include <errno.h>
#include <stdlib.h>

#include "report_priv.h"
#include "util.h"

/* Seconds of a monotonic time after the monitor's start. */
double mc__report_rel_s(const struct mc_monitor *m, int64_t ns)
{
    return (double)(ns - mc_monitor_start_ns(m)) / (double)MC_NS_PER_S;
}

/* The rate while packets came: (packets - 1) / (last - first). */
bool mc__report_rate_of(const struct mc_counters *c, double *pps, double *bps)
{
    double span = (double)(c->last_ns - c->first_ns) / (double)MC_NS_PER_S;

    if (c->packets < 2 || span <= 0)
        return false;
    *pps = (double)(c->packets - 1) / span;
    *bps = *pps * 8.0 * (double)c->bytes / (double)c->packets;
    return true;
}

int64_t mc__report_time(int64_t now_ns)
{
    return now_ns != 0 ? now_ns : mc_monitor_now_ns();
}

int mc__report_write(FILE *out, char *text, struct mc_err *err)
{
    int rc = 0;

    if (text == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for the report");
    if (fputs(text, out) == EOF)
        rc = mc_err_set(err, -EIO, "writing the report failed");
    free(text);
    return rc;
}
