/* mcscope ui: sparklines (see spark.h). */
#include "spark.h"

#include <math.h>

/* Append the UTF-8 block of level 1..8 (U+2581 + level - 1), or a blank
 * for level 0. */
static size_t put_level(char *buf, size_t at, size_t len, unsigned level)
{
    if (level == 0) {
        if (at + 1 < len)
            buf[at++] = ' ';
        return at;
    }
    if (at + 3 < len) {
        buf[at++] = (char)0xe2;
        buf[at++] = (char)0x96;
        buf[at++] = (char)(0x80 + level);
    }
    return at;
}

/* Level 1..8 of v against the largest value shown; 0 for no packets. */
static unsigned level_of(uint64_t v, uint64_t max)
{
    double level;

    if (v == 0 || max == 0)
        return 0;
    level = ceil((double)v * 8.0 / (double)max);
    return level < 1 ? 1 : level > 8 ? 8 : (unsigned)level;
}

char *ui_spark(const uint64_t *hist, unsigned n, unsigned measured, int width,
               char *buf, size_t len)
{
    unsigned first, shown;
    uint64_t max = 0;
    size_t at = 0;

    if (len == 0)
        return buf;
    if (width < 0)
        width = 0;
    shown = (unsigned)width < n ? (unsigned)width : n;
    first = n - shown;
    if (measured > n)
        measured = n;
    for (unsigned i = first; i < n; i++)
        if (i >= n - measured && hist[i] > max)
            max = hist[i];
    for (int pad = width - (int)shown; pad > 0; pad--)
        at = put_level(buf, at, len, 0);
    for (unsigned i = first; i < n; i++) {
        unsigned level = i >= n - measured ? level_of(hist[i], max) : 0;

        at = put_level(buf, at, len, level);
    }
    buf[at] = '\0';
    return buf;
}
