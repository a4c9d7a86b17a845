/*
 * Layout tests of the TUI's screens without a terminal: curses draws for a
 * fixed TERM into /dev/null (newterm), resize_term sets the size, and the
 * cells of stdscr are read back and checked.  The monitor is real, in a
 * private network namespace, with IPv4 traffic on lo from its own sender.
 *
 * Every screen (groups, expanded groups, detail, event log, help, the
 * control-message panel, the prompt) is drawn at 120x40, 80x24, 60x16,
 * 40x12 and 20x5, in UTF-8 with colours and in vt100/C without either.
 * The detail view's last packets show the sender's hop limit, traffic
 * class and size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mcscope/monitor.h"
#include "testns.h"
#include "testutil.h"
#include "ui.h"

#define SCREEN_MAX (200 * 60 * 4)

static const struct {
    int cols, rows;
} sizes[] = {{120, 40}, {80, 24}, {60, 16}, {40, 12}, {20, 5}};
#define NSIZES (sizeof sizes / sizeof sizes[0])

static struct mc_monitor *mon;
static FILE *devnull_out, *devnull_in;

/* ---- the monitor ---- */

static void run_line(const char *line)
{
    struct mc_err err;

    if (mc_monitor_exec_line(mon, line, &err) < 0)
        fail_msg("'%s' failed: %s", line, err.msg);
}

/* Run the monitor's loop for ms milliseconds. */
static void pump(int ms)
{
    tu_monitor_run_ms(&mon, 1, ms);
}

static int setup_monitor(void **state)
{
    struct mc_err err;
    char line[64];

    (void)state;
    if (mc_monitor_new(NULL, &mon, &err) < 0) {
        fprintf(stderr, "monitor: %s\n", err.msg);
        return -1;
    }
    run_line("join 239.1.2.3 dev lo");
    run_line("send 239.1.2.3 dev lo rate 500 size 300 tclass 0x28 hoplimit 5");
    run_line("join 239.1.2.4 dev lo port 5002");
    run_line("exclude-source 239.1.2.4 10.9.9.9 dev lo port 5002");
    run_line("join ff15::1234 dev lo");
    /* enough groups that the table must scroll at every size */
    for (int i = 0; i < 40; i++) {
        snprintf(line, sizeof line, "join 239.2.0.%d dev lo port 6000", i);
        run_line(line);
    }
    mc_monitor_exec_line(mon, "jion 239.1.2.3", NULL); /* a refusal */
    pump(2300);
    devnull_out = fopen("/dev/null", "w");
    devnull_in = fopen("/dev/null", "r");
    return devnull_out != NULL && devnull_in != NULL ? 0 : -1;
}

static int teardown_monitor(void **state)
{
    (void)state;
    mc_monitor_free(mon);
    if (devnull_out != NULL)
        fclose(devnull_out);
    if (devnull_in != NULL)
        fclose(devnull_in);
    return 0;
}

/* ---- the screen ---- */

struct term {
    SCREEN *scr;
    struct ui *ui;
    bool utf8;
};

static void term_open(struct term *t, const char *type, const char *locale)
{
    setenv("TERM", type, 1);
    assert_non_null(setlocale(LC_ALL, locale));
    t->scr = newterm(type, devnull_out, devnull_in);
    assert_non_null(t->scr);
    set_term(t->scr);
    t->ui = ui_new(mon, true);
    assert_non_null(t->ui);
    t->utf8 = strcmp(locale, "C") != 0;
}

static void term_close(struct term *t)
{
    ui_free(t->ui);
    endwin();
    delscreen(t->scr);
    setlocale(LC_ALL, "C");
}

static void term_size(struct term *t, int cols, int rows)
{
    assert_int_equal(resize_term(rows, cols), OK);
    ui_key(t->ui, KEY_RESIZE);
    ui_draw(t->ui);
}

/* Row y of the screen as UTF-8. */
static void row_text(int y, char *out, size_t len)
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
static char *screen_text(void)
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

static void expect_text(const char *what, const char *text, int cols, int rows)
{
    const char *s = screen_text();

    if (strstr(s, text) == NULL)
        fail_msg("%s at %dx%d: '%s' not on screen:\n%s", what, cols, rows, text,
                 s);
}

static int row_with(const char *text)
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
static int group_row(const char *group)
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

static void key(struct term *t, int ch)
{
    ui_key(t->ui, ch);
    ui_draw(t->ui);
}

static bool big_enough(size_t i)
{
    return sizes[i].cols >= UI_MIN_COLS && sizes[i].rows >= UI_MIN_ROWS;
}

/* At each size: the too-small message, or the frame with the words that
 * must fit everywhere. */
static void check_frame(struct term *t, size_t i, const char *screen_word)
{
    int c = sizes[i].cols, r = sizes[i].rows;

    term_size(t, c, r);
    if (!big_enough(i)) {
        expect_text("too small", "too small", c, r);
        return;
    }
    expect_text("status line", "mcscope", c, r);
    if (screen_word != NULL)
        expect_text("screen", screen_word, c, r);
}

/* ---- the tests ---- */

static void groups_table(struct term *t)
{
    for (size_t i = 0; i < NSIZES; i++) {
        int c = sizes[i].cols, r = sizes[i].rows;

        check_frame(t, i, NULL);
        if (!big_enough(i))
            continue;
        expect_text("header", "GROUP", c, r);
        expect_text("header", "PKTS", c, r);
        expect_text("header", "PPS", c, r);
        if (group_row("239.1.2.3") < 0)
            fail_msg("no row for 239.1.2.3 at %dx%d:\n%s", c, r, screen_text());
        expect_text("key line", "? help", c, r);
        expect_text("key line", "q quit", c, r);
        if (c >= 80) {
            expect_text("header", "MODE", c, r);
            expect_text("mode", "EXCLUDE{1}", c, r);
            expect_text("events", "events", c, r);
        }
        if (c >= 120) {
            expect_text("header", "IFACE", c, r);
            expect_text("header", "LOSS", c, r);
            expect_text("header", "RATE", c, r);
            expect_text("refusal in the event log", "refused", c, r);
        }
    }
}

/* Numbers are right-aligned under their header; unknown is a dash. */
static void alignment(struct term *t)
{
    char head[1024], row[1024];
    const char *unknown = t->utf8 ? "\xe2\x80\x94" : "-";
    int hy, gy, end;
    char *p;

    term_size(t, 120, 40);
    hy = row_with("PKTS");
    gy = group_row("239.1.2.3");
    assert_true(hy >= 0 && gy >= 0);
    row_text(hy, head, sizeof head);
    /* columns are cells; the header row is ASCII */
    p = strstr(head, "PKTS");
    end = (int)(p - head) + 4; /* the cell after "PKTS" */
    assert_true(end < 120);
    assert_int_equal(mvwinch(stdscr, gy, end) & A_CHARTEXT, ' ');
    assert_true(((mvwinch(stdscr, gy, end - 1) & A_CHARTEXT) != ' '));
    /* ff15::1234 has no probes and no packets: LOSS is unknown */
    gy = group_row("ff15::1234");
    assert_true(gy >= 0);
    row_text(gy, row, sizeof row);
    assert_non_null(strstr(row, unknown));
}

static void expanded_rows(struct term *t)
{
    term_size(t, 120, 40);
    key(t, KEY_HOME);
    key(t, KEY_DOWN); /* 239.1.2.4 */
    key(t, '\n');
    expect_text("blocked source", "10.9.9.9", 120, 40);
    expect_text("blocked source", "blocked", 120, 40);
    key(t, KEY_UP);
    key(t, KEY_RIGHT); /* 239.1.2.3: its sender's source */
    expect_text("source row", "10.255.0.1", 120, 40);
    for (size_t i = 0; i < NSIZES; i++)
        check_frame(t, i, NULL);
    key(t, KEY_HOME);
}

/* > cycles the sort; / filters as typed, Esc drops the filter. */
static void sort_and_filter(struct term *t)
{
    term_size(t, 120, 40);
    key(t, '>');
    expect_text("sort message", "sorted by group", 120, 40);
    for (int i = 1; i < 6; i++)
        key(t, '>'); /* around to join order again */
    expect_text("sort message", "sorted by join order", 120, 40);
    key(t, '/');
    for (const char *p = "239.2.0.39"; *p != '\0'; p++)
        key(t, *p);
    expect_text("filtered", "239.2.0.39", 120, 40);
    assert_true(group_row("239.2.0.39") > 0);
    if (group_row("239.1.2.3") >= 0)
        fail_msg("the filter left 239.1.2.3 on screen:\n%s", screen_text());
    key(t, '\n'); /* keep it */
    expect_text("filter kept", "filter: 239.2.0.39", 120, 40);
    key(t, '/');
    key(t, 27);       /* Esc in the filter prompt: no filter */
    key(t, KEY_HOME); /* the selection stayed on 239.2.0.39 */
    if (group_row("239.1.2.3") < 0)
        fail_msg("Esc left the filter on:\n%s", screen_text());
}

static void scrolling(struct term *t)
{
    for (size_t i = 0; i < NSIZES; i++) {
        if (!big_enough(i))
            continue;
        term_size(t, sizes[i].cols, sizes[i].rows);
        key(t, KEY_END);
        if (group_row("239.2.0.39") < 0 || group_row("239.1.2.3") >= 0)
            fail_msg("End did not scroll to the last group:\n%s",
                     screen_text());
        key(t, KEY_HOME);
        if (group_row("239.1.2.3") < 0 || group_row("239.2.0.39") >= 0)
            fail_msg("Home did not scroll to the first group:\n%s",
                     screen_text());
    }
}

/* A row below the one with title (or -1) that has every text of want
 * (NULL-terminated); -1 when there is none. */
static int row_below_with(const char *title, const char *const *want)
{
    char row[1024];
    int top = row_with(title);

    if (top < 0)
        return -1;
    for (int y = top + 1; y < getmaxy(stdscr); y++) {
        size_t k = 0;

        row_text(y, row, sizeof row);
        while (want[k] != NULL && strstr(row, want[k]) != NULL)
            k++;
        if (want[k] == NULL)
            return y;
    }
    return -1;
}

/*
 * The detail view of 239.1.2.3 (selected) lists its last packets with
 * the control data its sender's packets carry (hoplimit 5, tclass 0x28,
 * 300 bytes, probes): in full at 120 columns, compact at 80.
 */
static void last_packets(struct term *t)
{
    const char *dash = t->utf8 ? "\xe2\x80\x94" : "-";
    char mtu[16], cmtu[16];
    const char *full[] = {"ago",   "src 10.255.0.1", "dst 239.1.2.3",
                          "if lo", "hoplimit 5",     "tclass 0x28",
                          mtu,     "size 300",       "seq ",
                          NULL};
    const char *compact[] = {"10.255.0.1", "239.1.2.3", "if lo",
                             "hl 5",       "tc 0x28",   cmtu,
                             "size 300",   "seq ",      NULL};

    snprintf(mtu, sizeof mtu, "pathmtu %s", dash); /* IPv4: none */
    snprintf(cmtu, sizeof cmtu, "pmtu %s", dash);
    term_size(t, 120, 40);
    key(t, KEY_HOME);
    expect_text("detail of the sender's group", "239.1.2.3 dev lo port", 120,
                40);
    if (row_below_with("Last packets", full) < 0)
        fail_msg("no last packet with hoplimit 5, tclass 0x28, size 300 at "
                 "120x40:\n%s",
                 screen_text());
    term_size(t, 80, 24);
    key(t, KEY_END); /* the section is near the end */
    if (row_below_with("Last packets", compact) < 0)
        fail_msg("no compact last packet at 80x24:\n%s", screen_text());
    key(t, KEY_HOME);
}

static void screens(struct term *t)
{
    static const struct {
        enum ui_screen_id id;
        const char *word;
    } s[] = {
        {UI_SCREEN_DETAIL, "Membership"},
        {UI_SCREEN_EVENTS, "Event log"},
        {UI_SCREEN_HELP, "Help"},
    };

    for (size_t k = 0; k < sizeof s / sizeof s[0]; k++) {
        ui_show(t->ui, s[k].id);
        for (size_t i = 0; i < NSIZES; i++)
            check_frame(t, i, s[k].word);
        ui_show(t->ui, UI_SCREEN_GROUPS);
    }
    /* the detail view's sections at a full size */
    ui_show(t->ui, UI_SCREEN_DETAIL);
    term_size(t, 120, 40);
    expect_text("detail", "kernel (MSFILTER)", 120, 40);
    expect_text("detail", "/proc/net/igmp", 120, 40);
    expect_text("detail", "Sources", 120, 40);
    expect_text("detail", "IPv4 multicast", 120, 40);
    last_packets(t);
    ui_show(t->ui, UI_SCREEN_GROUPS);
}

static void overlays(struct term *t)
{
    term_size(t, 120, 40);
    key(t, 'c');
    for (size_t i = 0; i < NSIZES; i++)
        check_frame(t, i, NULL);
    term_size(t, 120, 40);
    expect_text("cmsg panel", "control messages", 120, 40);
    expect_text("cmsg panel", "hoplimit", 120, 40);
    key(t, 27);
    /* the join prompt, prefilled from the selected group, checked live */
    key(t, KEY_HOME);
    key(t, 'j');
    for (size_t i = 0; i < NSIZES; i++)
        check_frame(t, i, NULL);
    term_size(t, 120, 40);
    expect_text("prefilled prompt", ":join 239.1.2.3 dev lo", 120, 40);
    key(t, KEY_HOME);
    key(t, 'x');
    expect_text("the edited line", ":xjoin 239.1.2.3", 120, 40);
    expect_text("live validation", "unknown command", 120, 40);
    key(t, '\n'); /* a refused line does not run: the prompt stays */
    expect_text("prompt kept", ":xjoin 239.1.2.3", 120, 40);
    key(t, 27);
    assert_false(ui_quit_requested(t->ui));
}

static void too_small_quits(struct term *t)
{
    term_size(t, 20, 5);
    key(t, 'j'); /* nothing but q works here */
    expect_text("too small", "too small", 20, 5);
    key(t, 'q');
    assert_true(ui_quit_requested(t->ui));
}

static void all_screens(const char *type, const char *locale)
{
    struct term t;

    term_open(&t, type, locale);
    groups_table(&t);
    alignment(&t);
    expanded_rows(&t);
    sort_and_filter(&t);
    scrolling(&t);
    screens(&t);
    overlays(&t);
    too_small_quits(&t);
    term_close(&t);
}

static void test_utf8_colour(void **state)
{
    (void)state;
    all_screens("xterm-256color", "C.UTF-8");
}

/* vt100 in the C locale: no colours, ASCII stand-ins for every glyph. */
static void test_vt100_ascii(void **state)
{
    struct term t;
    const unsigned char *s;

    (void)state;
    all_screens("vt100", "C");
    term_open(&t, "vt100", "C");
    term_size(&t, 120, 40);
    key(&t, '\n');
    s = (const unsigned char *)screen_text();
    for (; *s != '\0'; s++)
        if (*s >= 0x80)
            fail_msg("a byte 0x%02x on a C-locale screen", *s);
    term_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_colour),
        cmocka_unit_test(test_vt100_ascii),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, setup_monitor, teardown_monitor);
}
