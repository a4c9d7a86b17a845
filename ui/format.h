/*
 * mcscope ui: number formatting for the screens.  Numbers use SI suffixes
 * with three significant digits ("18.2k", "102k", "1.50M"); a value that
 * cannot be known is shown as an em dash, never as 0 (DESIGN.md).
 */
#ifndef MCSCOPE_UI_FORMAT_H
#define MCSCOPE_UI_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The text shown for an unknown value. */
#define UI_UNKNOWN "\xe2\x80\x94" /* U+2014 EM DASH */

/*
 * Format v with an SI suffix (k, M, G, T) into buf.  Values below 1000
 * print as integers when whole ("200", "0") and with up to three
 * significant digits otherwise.  known=false prints UI_UNKNOWN.
 * Returns buf.
 */
const char *ui_format_si(double v, bool known, char *buf, size_t len);

/* A count with an SI suffix: exact below 1000 ("999"), then "18.2k". */
const char *ui_format_count(uint64_t v, char *buf, size_t len);

/* A traffic class / TOS byte in hex ("0x28"); known=false: UI_UNKNOWN. */
const char *ui_format_tclass(int v, bool known, char *buf, size_t len);

/* A plain integer, or UI_UNKNOWN. */
const char *ui_format_int(long long v, bool known, char *buf, size_t len);

/* A time of day from CLOCK_REALTIME ns, local time: "12:01:03". */
const char *ui_format_clock(int64_t real_ns, char *buf, size_t len);

/* A duration: "850ms", "12s", "3m20s", "1h02m", "2d03h".  Negative
 * durations print as 0. */
const char *ui_format_duration(int64_t ns, char *buf, size_t len);

/* A short signed time in ns with a unit: "850ns", "12.3us", "1.20ms",
 * "2.50s"; known=false: UI_UNKNOWN. */
const char *ui_format_delay(int64_t ns, bool known, char *buf, size_t len);

/* A percentage with up to three significant digits: "0.10%", "12.5%";
 * den 0 or known=false: UI_UNKNOWN. */
const char *ui_format_percent(uint64_t num, uint64_t den, bool known, char *buf,
                              size_t len);

#endif
