/* mcscope ui: number formatting. */
#include "format.h"

#include <math.h>
#include <stdio.h>

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
