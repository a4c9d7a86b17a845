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
 *
 * Each phase at each size is a cmocka case of its own, on a UI made for
 * it ("xterm-256color/groups/80x24"), so one failure hides no other.
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
#include "uiscreen.h"

static const struct {
    int cols, rows;
} sizes[] = {{120, 40}, {80, 24}, {60, 16}, {40, 12}, {20, 5}};
#define NSIZES (sizeof sizes / sizeof sizes[0])

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
    return devnull_open();
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

/* ---- the tests: one phase at one size (i), on a fresh UI ---- */

static void groups_table(struct term *t, size_t i)
{
    int c = sizes[i].cols, r = sizes[i].rows;

    check_frame(t, i, NULL);
    if (!big_enough(i))
        return;
    expect_text("header", "GROUP", c, r);
    expect_text("header", "PKTS", c, r);
    expect_text("header", "PKT/S", c, r); /* units on it */
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

/* Numbers are right-aligned under their header; unknown is a dash. */
static void alignment(struct term *t, size_t i)
{
    char head[1024], row[1024];
    const char *unknown = t->utf8 ? "\xe2\x80\x94" : "-";
    int hy, gy, end;
    char *p;

    (void)i;
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

/* Two groups expanded (at 120x40), then the frame at size i. */
static void expanded_rows(struct term *t, size_t i)
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
    check_frame(t, i, NULL);
    key(t, KEY_HOME);
}

/* > cycles the sort; / filters as typed, Esc drops the filter. */
static void sort_and_filter(struct term *t, size_t i)
{
    (void)i;
    term_size(t, 120, 40);
    key(t, '>');
    expect_text("sort message", "sorted by group", 120, 40);
    for (int k = 1; k < 6; k++)
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

static void scrolling(struct term *t, size_t i)
{
    term_size(t, sizes[i].cols, sizes[i].rows);
    key(t, KEY_END);
    if (group_row("239.2.0.39") < 0 || group_row("239.1.2.3") >= 0)
        fail_msg("End did not scroll to the last group:\n%s", screen_text());
    key(t, KEY_HOME);
    if (group_row("239.1.2.3") < 0 || group_row("239.2.0.39") >= 0)
        fail_msg("Home did not scroll to the first group:\n%s", screen_text());
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

static void screen_frame(struct term *t, size_t i, enum ui_screen_id id,
                         const char *word)
{
    ui_show(t->ui, id);
    check_frame(t, i, word);
    ui_show(t->ui, UI_SCREEN_GROUPS);
}

static void detail_screen(struct term *t, size_t i)
{
    screen_frame(t, i, UI_SCREEN_DETAIL, "Membership");
}

static void events_screen(struct term *t, size_t i)
{
    screen_frame(t, i, UI_SCREEN_EVENTS, "Event log");
}

static void help_screen(struct term *t, size_t i)
{
    screen_frame(t, i, UI_SCREEN_HELP, "Help");
}

/* the detail view's sections at a full size */
static void detail_sections(struct term *t, size_t i)
{
    (void)i;
    /* drawn from the kernel's view the monitor took (as the TUI's loop does
     * before drawing) */
    assert_true(mc_monitor_refresh_kernel(mon, true));
    assert_false(mc_monitor_refresh_kernel(mon, false)); /* fresh */
    ui_show(t->ui, UI_SCREEN_DETAIL);
    term_size(t, 120, 40);
    expect_text("detail", "kernel (MSFILTER)", 120, 40);
    expect_text("detail", "the kernel holds what was asked", 120, 40);
    expect_text("detail", "/proc/net/igmp", 120, 40);
    expect_text("detail", "lo users 1", 120, 40);
    expect_text("detail", "Sources", 120, 40);
    expect_text("detail", "IPv4 multicast", 120, 40);
    last_packets(t);
    ui_show(t->ui, UI_SCREEN_GROUPS);
}

/* The control-message panel, opened at 120x40, at size i. */
static void panel_frame(struct term *t, size_t i)
{
    term_size(t, 120, 40);
    key(t, 'c');
    check_frame(t, i, NULL);
    term_size(t, 120, 40);
    expect_text("cmsg panel", "control messages", 120, 40);
    expect_text("cmsg panel", "hoplimit", 120, 40);
    key(t, 27);
}

/* The join prompt, prefilled from the selected group, at size i. */
static void prompt_frame(struct term *t, size_t i)
{
    term_size(t, 120, 40);
    key(t, KEY_HOME);
    key(t, 'j');
    check_frame(t, i, NULL);
    term_size(t, 120, 40);
    expect_text("prefilled prompt", ":join 239.1.2.3 dev lo", 120, 40);
}

/* The prompt's line checked live; a refused line does not run. */
static void prompt_edit(struct term *t, size_t i)
{
    prompt_frame(t, i);
    key(t, KEY_HOME);
    key(t, 'x');
    expect_text("the edited line", ":xjoin 239.1.2.3", 120, 40);
    expect_text("live validation", "unknown command", 120, 40);
    key(t, '\n'); /* a refused line does not run: the prompt stays */
    expect_text("prompt kept", ":xjoin 239.1.2.3", 120, 40);
    key(t, 27);
    assert_false(ui_quit_requested(t->ui));
}

/* A key's command line as the prompt offers it, with the cursor where
 * the missing word goes (at: its column on the prompt row; -1: the end). */
static void expect_prompt(struct term *t, int ch, const char *line, int at)
{
    char want[128], row[1024];
    int y = getmaxy(stdscr) - 1, cy, cx;
    size_t n;

    key(t, ch);
    getyx(stdscr, cy, cx); /* reading rows moves the cursor */
    n = (size_t)snprintf(want, sizeof want, ":%s", line);
    row_text(y, row, sizeof row);
    if (strncmp(row, want, n) != 0 || row[n + strspn(row + n, " ")] != '\0')
        fail_msg("key '%c' did not offer '%s':\n%s", ch, line, screen_text());
    assert_int_equal(cy, y);
    assert_int_equal(cx, at >= 0 ? 1 + at : 1 + (int)strlen(line));
    key(t, 27);
}

/* Each membership and sender key is a command line filled from the
 * selection (keys.c), offered at the prompt. */
static void command_keys(struct term *t, size_t i)
{
    (void)i;
    term_size(t, 120, 40);
    key(t, KEY_HOME); /* 239.1.2.3: a sender of this host, no source list */
    expect_prompt(t, 'j', "join 239.1.2.3 dev lo", -1);
    expect_prompt(t, 'l', "leave 239.1.2.3 dev lo", -1);
    expect_prompt(t, 'J', "join-source 239.1.2.3  dev lo", 22);
    expect_prompt(t, 'x', "exclude-source 239.1.2.3  dev lo", 25);
    expect_prompt(t, 's', "send 239.1.2.3 dev lo rate 10", -1);
    expect_prompt(t, 'S', "stop-send 239.1.2.3", -1);
    expect_prompt(t, ':', "", -1);
    key(t, KEY_DOWN); /* 239.1.2.4 port 5002, 10.9.9.9 excluded */
    expect_prompt(t, 'i', "include-source 239.1.2.4 10.9.9.9 dev lo port 5002",
                  -1);
    expect_prompt(t, 'L', "leave-source 239.1.2.4 10.9.9.9 dev lo port 5002",
                  -1);
    expect_prompt(t, 'J', "join-source 239.1.2.4  dev lo port 5002", 22);
    expect_prompt(t, 'S', "stop-send", -1);
    key(t, KEY_HOME);
}

static void too_small_quits(struct term *t, size_t i)
{
    (void)i;
    term_size(t, 20, 5);
    key(t, 'j'); /* nothing but q works here */
    expect_text("too small", "too small", 20, 5);
    key(t, 'q');
    assert_true(ui_quit_requested(t->ui));
}

/* vt100 in the C locale: no colours, ASCII stand-ins for every glyph. */
static void no_utf8_bytes(struct term *t, size_t i)
{
    const unsigned char *s;

    (void)i;
    term_size(t, 120, 40);
    key(t, '\n');
    s = (const unsigned char *)screen_text();
    for (; *s != '\0'; s++)
        if (*s >= 0x80)
            fail_msg("a byte 0x%02x on a C-locale screen", *s);
}

/* ---- the cases ---- */

enum { EVERY_SIZE, BIG_SIZES, ONCE };

static const struct phase {
    const char *name;
    void (*run)(struct term *t, size_t i);
    int sizes; /* EVERY_SIZE, BIG_SIZES or ONCE (i is 0) */
    bool ascii_only;
} phases[] = {
    {"groups", groups_table, EVERY_SIZE, false},
    {"alignment", alignment, ONCE, false},
    {"expanded", expanded_rows, EVERY_SIZE, false},
    {"sort_and_filter", sort_and_filter, ONCE, false},
    {"scrolling", scrolling, BIG_SIZES, false},
    {"detail", detail_screen, EVERY_SIZE, false},
    {"events", events_screen, EVERY_SIZE, false},
    {"help", help_screen, EVERY_SIZE, false},
    {"detail_sections", detail_sections, ONCE, false},
    {"cmsg_panel", panel_frame, EVERY_SIZE, false},
    {"prompt", prompt_frame, EVERY_SIZE, false},
    {"prompt_edit", prompt_edit, ONCE, false},
    {"command_keys", command_keys, ONCE, false},
    {"too_small_quits", too_small_quits, ONCE, false},
    {"no_utf8_bytes", no_utf8_bytes, ONCE, true},
};
#define NPHASES (sizeof phases / sizeof phases[0])

static const struct {
    const char *type, *locale;
    bool ascii;
} terms[] = {
    {"xterm-256color", "C.UTF-8", false},
    {"vt100", "C", true}, /* no colours, ASCII stand-ins */
};
#define NTERMS (sizeof terms / sizeof terms[0])

struct layout_case {
    char name[80];
    size_t term, phase, size;
    struct term t;
};

static struct layout_case cases[NTERMS * NPHASES * NSIZES];
static struct CMUnitTest tests[NTERMS * NPHASES * NSIZES];

static int case_setup(void **state)
{
    struct layout_case *k = *state;

    term_open(&k->t, terms[k->term].type, terms[k->term].locale);
    return 0;
}

static int case_teardown(void **state)
{
    struct layout_case *k = *state;

    term_close(&k->t);
    return 0;
}

static void case_run(void **state)
{
    struct layout_case *k = *state;

    phases[k->phase].run(&k->t, k->size);
}

static void add_case(size_t *n, size_t term, size_t phase, size_t size,
                     bool sized)
{
    struct layout_case *k = &cases[*n];

    k->term = term;
    k->phase = phase;
    k->size = size;
    if (sized)
        snprintf(k->name, sizeof k->name, "%s/%s/%dx%d", terms[term].type,
                 phases[phase].name, sizes[size].cols, sizes[size].rows);
    else
        snprintf(k->name, sizeof k->name, "%s/%s", terms[term].type,
                 phases[phase].name);
    tests[*n] =
        (struct CMUnitTest){k->name, case_run, case_setup, case_teardown, k};
    (*n)++;
}

int main(void)
{
    size_t n = 0;

    for (size_t tm = 0; tm < NTERMS; tm++)
        for (size_t p = 0; p < NPHASES; p++) {
            if (phases[p].ascii_only && !terms[tm].ascii)
                continue;
            if (phases[p].sizes == ONCE) {
                add_case(&n, tm, p, 0, false);
                continue;
            }
            for (size_t i = 0; i < NSIZES; i++)
                if (phases[p].sizes == EVERY_SIZE || big_enough(i))
                    add_case(&n, tm, p, i, true);
        }
    testns_enter_private_or_skip();
    return _cmocka_run_group_tests("ui_layout", tests, n, setup_monitor,
                                   teardown_monitor);
}
