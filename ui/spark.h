/*
 * mcscope ui: sparklines of a rate history (stats.h mc_rate_history).
 */
#ifndef MCSCOPE_UI_SPARK_H
#define MCSCOPE_UI_SPARK_H

#include <stddef.h>
#include <stdint.h>

/* Bytes a sparkline of width glyphs needs (UTF-8 blocks), NUL included. */
#define UI_SPARK_BYTES(width) ((size_t)(width)*3 + 1)

/*
 * Draw the newest width seconds of hist (n values, oldest first; the last
 * `measured` of them lie in measured time) as a sparkline of width glyphs
 * into buf: one block per second, U+2581..U+2588 scaled to the largest
 * value shown; a second with no packets, or before measuring began, is a
 * blank.  A history shorter than width is padded with blanks on the left.
 * Returns buf.
 */
char *ui_spark(const uint64_t *hist, unsigned n, unsigned measured, int width,
               char *buf, size_t len);

#endif
