/*
 * mcscope ui: number formatting for the screens.  Numbers use SI suffixes
 * with three significant digits ("18.2k", "102k", "1.50M"); a value that
 * cannot be known is shown as an em dash, never as 0 (DESIGN.md).
 */
#ifndef MCSCOPE_UI_FORMAT_H
#define MCSCOPE_UI_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

/* The text shown for an unknown value. */
#define UI_UNKNOWN "\xe2\x80\x94" /* U+2014 EM DASH */

/*
 * Format v with an SI suffix (k, M, G, T) into buf.  Values below 1000
 * print as integers when whole ("200", "0") and with up to three
 * significant digits otherwise.  known=false prints UI_UNKNOWN.
 * Returns buf.
 */
const char *ui_format_si(double v, bool known, char *buf, size_t len);

#endif
