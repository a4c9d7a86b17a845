/*
 * What the headless UI tests share (test_ui_layout.c, test_ui_truth.c):
 * the monitor they drive (mon, made by the test) run for a while, and the
 * cells of stdscr read back as UTF-8 text.
 */
#ifndef MCSCOPE_TEST_UISCREEN_H
#define MCSCOPE_TEST_UISCREEN_H

#include <curses.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mcscope/monitor.h"
#include "testutil.h"

#define SCREEN_MAX (200 * 60 * 4)

static struct mc_monitor *mon;
static FILE *devnull_out, *devnull_in; /* curses draws there */

/* Open what curses draws into; 0 or -1 (a cmocka setup's answer). */
static inline int devnull_open(void)
{
    devnull_out = fopen("/dev/null", "w");
    devnull_in = fopen("/dev/null", "r");
    return devnull_out != NULL && devnull_in != NULL ? 0 : -1;
}

/* A cmocka group teardown: the monitor and /dev/null closed. */
static inline int teardown_monitor(void **state)
{
    (void)state;
    mc_monitor_free(mon);
    if (devnull_out != NULL)
        fclose(devnull_out);
    if (devnull_in != NULL)
        fclose(devnull_in);
    return 0;
}

/* ---- the monitor ---- */

static inline void run_line(const char *line)
{
    struct mc_err err;

    if (mc_monitor_exec_line(mon, line, &err) < 0)
        fail_msg("'%s' failed: %s", line, err.msg);
}

/* Run the monitor's loop for ms milliseconds. */
static inline void pump(int ms)
{
    tu_monitor_run_ms(&mon, 1, ms);
}

/* ---- the screen ---- */

/* Row y of the screen as UTF-8. */
static inline void row_text(int y, char *out, size_t len)
{
    wchar_t w[256];
    int cols = getmaxx(stdscr);
    size_t n;

    memset(w, 0, sizeof w);
    if (mvwinnwstr(stdscr, y, 0, w, cols < 255 ? cols : 255) == ERR) {
        out[0] = '\0';
        return;
    }
    n = wcstombs(out, w, len - 1);
    if (n == (size_t)-1)
        n = 0;
    out[n] = '\0';
}

/* The whole screen, rows joined by '\n'. */
static inline char *screen_text(void)
{
    static char buf[SCREEN_MAX];
    char row[1024];
    size_t o = 0;

    buf[0] = '\0';
    for (int y = 0; y < getmaxy(stdscr); y++) {
        row_text(y, row, sizeof row);
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s\n", row);
    }
    return buf;
}

static inline void expect_text(const char *what, const char *text, int cols,
                               int rows)
{
    const char *s = screen_text();

    if (strstr(s, text) == NULL)
        fail_msg("%s at %dx%d: '%s' not on screen:\n%s", what, cols, rows, text,
                 s);
}

static inline int row_with(const char *text)
{
    char row[1024];

    for (int y = 0; y < getmaxy(stdscr); y++) {
        row_text(y, row, sizeof row);
        if (strstr(row, text) != NULL)
            return y;
    }
    return -1;
}

/* The screen row of a group's table row: its first cell (after the
 * one-column expansion marker) is the group, then blanks. */
static inline int group_row(const char *group)
{
    char row[1024];
    size_t n = strlen(group);

    for (int y = 0; y < getmaxy(stdscr); y++) {
        const char *p = row;

        row_text(y, row, sizeof row);
        if (*p == '\0')
            continue;
        p++;
        while (((unsigned char)*p & 0xc0) == 0x80)
            p++; /* the rest of a UTF-8 marker */
        if (strncmp(p, group, n) == 0 && p[n] == ' ')
            return y;
    }
    return -1;
}

#endif
