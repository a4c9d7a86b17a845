/* mcscope ui: number formatting. */
#include "format.h"

#include <math.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "mcscope/clock.h"

static const char si_suffixes[] = {'\0', 'k', 'M', 'G', 'T', 'P'};

/* Three significant digits: 1.23, 12.3, 123. */
static int decimals_for(double mantissa)
{
    if (mantissa < 10)
        return 2;
    if (mantissa < 100)
        return 1;
    return 0;
}

const char *ui_format_si(double v, bool known, char *buf, size_t len)
{
    size_t step = 0;
    double m;

    if (!known || !isfinite(v)) {
        snprintf(buf, len, "%s", UI_UNKNOWN);
        return buf;
    }
    m = fabs(v);
    if (m < 1000) {
        if (v == floor(v))
            snprintf(buf, len, "%.0f", v);
        else
            snprintf(buf, len, "%.*f", decimals_for(m), v);
        return buf;
    }
    while (m >= 999.5 && step + 1 < sizeof si_suffixes) {
        m /= 1000;
        step++;
    }
    snprintf(buf, len, "%.*f%c", decimals_for(m), v < 0 ? -m : m,
             si_suffixes[step]);
    return buf;
}

const char *ui_format_count(uint64_t v, char *buf, size_t len)
{
    if (v < 1000) {
        snprintf(buf, len, "%" PRIu64, v);
        return buf;
    }
    return ui_format_si((double)v, true, buf, len);
}

const char *ui_format_tclass(int v, bool known, char *buf, size_t len)
{
    if (!known || v < 0)
        snprintf(buf, len, "%s", UI_UNKNOWN);
    else
        snprintf(buf, len, "0x%02x", (unsigned)v & 0xffu);
    return buf;
}

const char *ui_format_int(long long v, bool known, char *buf, size_t len)
{
    if (!known)
        snprintf(buf, len, "%s", UI_UNKNOWN);
    else
        snprintf(buf, len, "%lld", v);
    return buf;
}

const char *ui_format_clock(int64_t real_ns, char *buf, size_t len)
{
    time_t t = (time_t)(real_ns / MC_NS_PER_S);
    struct tm tm;

    if (localtime_r(&t, &tm) == NULL ||
        strftime(buf, len, "%H:%M:%S", &tm) == 0)
        snprintf(buf, len, "--:--:--");
    return buf;
}

const char *ui_format_duration(int64_t ns, char *buf, size_t len)
{
    int64_t s = ns > 0 ? ns / MC_NS_PER_S : 0;

    if (ns < MC_NS_PER_S)
        snprintf(buf, len, "%" PRId64 "ms", ns > 0 ? ns / MC_NS_PER_MS : 0);
    else if (s < 60)
        snprintf(buf, len, "%" PRId64 "s", s);
    else if (s < 3600)
        snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
    else if (s < 86400)
        snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m", s / 3600, s / 60 % 60);
    else
        snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", s / 86400,
                 s / 3600 % 24);
    return buf;
}

const char *ui_format_delay(int64_t ns, bool known, char *buf, size_t len)
{
    static const struct {
        double scale;
        const char *unit;
    } units[] = {{1e9, "s"}, {1e6, "ms"}, {1e3, "us"}};
    double m = fabs((double)ns);

    if (!known) {
        snprintf(buf, len, "%s", UI_UNKNOWN);
        return buf;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (m >= units[i].scale) {
            double v = (double)ns / units[i].scale;

            snprintf(buf, len, "%.*f%s", decimals_for(fabs(v)), v,
                     units[i].unit);
            return buf;
        }
    }
    snprintf(buf, len, "%" PRId64 "ns", ns);
    return buf;
}

const char *ui_format_percent(uint64_t num, uint64_t den, bool known, char *buf,
                              size_t len)
{
    double p;

    if (!known || den == 0) {
        snprintf(buf, len, "%s", UI_UNKNOWN);
        return buf;
    }
    p = 100.0 * (double)num / (double)den;
    if (num == 0)
        snprintf(buf, len, "0%%");
    else if (p >= 100)
        snprintf(buf, len, "%.0f%%", p);
    else
        snprintf(buf, len, "%.*f%%", decimals_for(p), p);
    return buf;
}
