/*
 * Every number on the TUI's screen true (issue 13), checked headless at
 * 80x24 and 160x45: curses draws into /dev/null (newterm) and the cells
 * of stdscr are read back.  The monitor is real, in a private network
 * namespace, with IPv4 traffic on lo from its own sender (hop limit 5,
 * traffic class 0x28: the values a row may show).
 *
 * The cases run in order on one monitor; each makes its UI anew.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mcscope/monitor.h"
#include "testns.h"
#include "ui.h"
#include "uiscreen.h"

#define DASH "\xe2\x80\x94"

static const struct {
    int cols, rows;
} sizes[] = {{160, 45}, {80, 24}};
#define NSIZES (sizeof sizes / sizeof sizes[0])

static SCREEN *scr;
static struct ui *ui;

static void ui_open(void)
{
    setenv("TERM", "xterm-256color", 1);
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    scr = newterm("xterm-256color", devnull_out, devnull_in);
    assert_non_null(scr);
    set_term(scr);
    ui = ui_new(mon, true);
    assert_non_null(ui);
}

static void ui_close(void)
{
    ui_free(ui);
    ui = NULL;
    endwin();
    delscreen(scr);
    setlocale(LC_ALL, "C");
}

static void size_to(int cols, int rows)
{
    assert_int_equal(resize_term(rows, cols), OK);
    ui_key(ui, KEY_RESIZE);
    ui_draw(ui);
}

static void press(int ch)
{
    ui_key(ui, ch);
    ui_draw(ui);
}

static void type(const char *text)
{
    for (const char *p = text; *p != '\0'; p++)
        press((unsigned char)*p);
}

/* The screen without its message line (which says what a key did). */
static char *screen_copy(void)
{
    char *s = strdup(screen_text());
    char *last, *end;

    assert_non_null(s);
    end = s + strlen(s) - 1; /* the final '\n' */
    *end = '\0';
    last = strrchr(s, '\n'); /* the key line */
    if (last != NULL) {
        *last = '\0';
        end = strrchr(s, '\n'); /* the message line */
        if (end != NULL)
            *end = '\0';
    }
    return s;
}

/*
 * The cell of the groups table under the column title on screen row y,
 * as UTF-8 ("" when blank); false when the column is not shown.  Numbers
 * are right-aligned under their title; text is left-aligned.
 */
static bool cell(int y, const char *title, bool right, char *out, size_t len)
{
    wchar_t head[256], row[256], wt[32], token[64];
    int hy = row_with("PKTS"), cols = getmaxx(stdscr), from, to;
    const wchar_t *at;
    size_t n;

    out[0] = '\0';
    if (hy < 0 || y < 0)
        return false;
    memset(head, 0, sizeof head);
    memset(row, 0, sizeof row);
    mvwinnwstr(stdscr, hy, 0, head, cols < 255 ? cols : 255);
    mvwinnwstr(stdscr, y, 0, row, cols < 255 ? cols : 255);
    swprintf(wt, 32, L" %s", title);
    at = wcsstr(head, wt);
    if (at == NULL)
        return false;
    from = (int)(at - head) + 1;
    to = from + (int)wcslen(wt) - 1; /* one past the title */
    if (right) {
        int b = to - 1;

        while (b >= 0 && row[b] == L' ')
            b--;
        to = b + 1;
        while (b >= 0 && row[b] != L' ')
            b--;
        from = b + 1;
    } else {
        to = from;
        while (row[to] != L'\0' && row[to] != L' ')
            to++;
    }
    n = (size_t)(to - from);
    wmemcpy(token, row + from, n);
    token[n] = L'\0';
    if (wcstombs(out, token, len) == (size_t)-1)
        out[0] = '\0';
    return true;
}

static void expect_cell(const char *group, const char *title, bool right,
                        const char *want)
{
    char got[64];

    if (!cell(group_row(group), title, right, got, sizeof got))
        return; /* the column does not fit this size */
    if (strcmp(got, want) != 0)
        fail_msg("%s's %s is '%s', not '%s':\n%s", group, title, got, want,
                 screen_text());
}

static bool column_shown(const char *title)
{
    char got[64];

    return cell(row_with("PKTS"), title, true, got, sizeof got);
}

/* ---- the monitor ---- */

static int setup(void **state)
{
    struct mc_err err;

    (void)state;
    testns_enter_private_or_skip();
    if (mc_monitor_new(NULL, &mon, &err) < 0) {
        fprintf(stderr, "monitor: %s\n", err.msg);
        return -1;
    }
    return devnull_open();
}

/* ---- 1: HL and TC once their control message is off ---- */

static void hl_tc_after_cmsg_off(void **state)
{
    (void)state;
    run_line("cmsg hoplimit on");
    run_line("cmsg tclass on");
    run_line("join 239.1.2.3 dev lo");
    run_line("send 239.1.2.3 dev lo rate 200 size 100 tclass 0x28 hoplimit 5");
    pump(1200);
    ui_open();
    for (size_t i = 0; i < NSIZES; i++) {
        size_to(sizes[i].cols, sizes[i].rows);
        expect_cell("239.1.2.3", "HL", true, "5");
        expect_cell("239.1.2.3", "TC", true, "0x28");
    }
    assert_true(column_shown("HL") || sizes[0].cols < 120);
    /* traffic class off, packets go on: TC is no longer known */
    run_line("cmsg tclass off");
    pump(500);
    for (size_t i = 0; i < NSIZES; i++) {
        size_to(sizes[i].cols, sizes[i].rows);
        expect_cell("239.1.2.3", "HL", true, "5");
        expect_cell("239.1.2.3", "TC", true, DASH);
    }
    /* the sender stopped: the last packet's value stays only while its
     * flag is on */
    run_line("stop-send 239.1.2.3");
    pump(300);
    run_line("cmsg hoplimit off");
    for (size_t i = 0; i < NSIZES; i++) {
        size_to(sizes[i].cols, sizes[i].rows);
        expect_cell("239.1.2.3", "HL", true, DASH);
        expect_cell("239.1.2.3", "TC", true, DASH);
    }
    ui_close();
    run_line("cmsg hoplimit on");
    run_line("cmsg tclass on");
}

/* ---- 2: WIRE after pcap off ---- */

static void wire_after_pcap_off(void **state)
{
    (void)state;
    run_line("join 239.1.2.5 dev lo port 5005");
    run_line("pcap on");
    run_line("send 239.1.2.5 dev lo port 5005 rate 200 size 64");
    pump(800);
    ui_open();
    size_to(160, 45);
    assert_true(column_shown("WIRE"));
    {
        char got[32];

        assert_true(
            cell(group_row("239.1.2.5"), "WIRE", true, got, sizeof got));
        if (strcmp(got, DASH) == 0 || strcmp(got, "0") == 0)
            fail_msg("no wire count while pcap is on:\n%s", screen_text());
    }
    run_line("pcap off");
    run_line("join 239.1.2.6 dev lo port 5006");
    pump(300);
    for (size_t i = 0; i < NSIZES; i++) {
        size_to(sizes[i].cols, sizes[i].rows);
        expect_cell("239.1.2.5", "WIRE", true, "stopped");
        expect_cell("239.1.2.6", "WIRE", true, DASH);
        /* the header keeps the wire state at every size (item 16) */
        expect_text("status line", "wire off", sizes[i].cols, sizes[i].rows);
    }
    run_line("stop-send 239.1.2.5");
    ui_close();
}

/* ---- 3: pause freezes what the screen shows ---- */

static void pause_freezes(void **state)
{
    (void)state;
    run_line("join 239.1.2.7 dev lo port 5007");
    run_line("send 239.1.2.7 dev lo port 5007 rate 100 size 64");
    pump(1200);
    ui_open();
    for (size_t i = 0; i < NSIZES; i++) {
        char *before, *after;

        size_to(sizes[i].cols, sizes[i].rows);
        press(KEY_END); /* the last joined */
        press('d');     /* its detail: totals, sources, last packets */
        expect_text("detail", "239.1.2.7", sizes[i].cols, sizes[i].rows);
        press('p');
        before = screen_copy();
        pump(1100); /* packets, a tick, membership reads */
        ui_monitor_changed(ui, MC_MON_CHANGED);
        ui_draw(ui);
        after = screen_copy();
        if (strcmp(before, after) != 0)
            fail_msg("the paused detail view changed at %dx%d:\n%s\n---\n%s",
                     sizes[i].cols, sizes[i].rows, before, after);
        press('p'); /* resumed: it moves again */
        pump(300);
        ui_monitor_changed(ui, MC_MON_CHANGED);
        ui_draw(ui);
        free(after);
        after = screen_copy();
        if (strcmp(before, after) == 0)
            fail_msg("the detail view stayed after p resumed at %dx%d",
                     sizes[i].cols, sizes[i].rows);
        free(before);
        free(after);
        press(27);
        /* the groups screen paused: what stays live says so */
        press('p');
        if (sizes[i].rows >= 24)
            expect_text("event pane", "the table is frozen, events are live",
                        sizes[i].cols, sizes[i].rows);
        press('p');
    }
    run_line("stop-send 239.1.2.7");
    ui_close();
}

/* ---- 5: a DSCP step keeps ECN; the live check foretells refusals ---- */

static void steps_and_precheck(void **state)
{
    struct mc_monitor_settings set;

    (void)state;
    run_line("set tclass 0xfc");
    run_line("join 239.1.2.8 dev lo port 5008");
    run_line("exclude-source 239.1.2.8 10.9.9.8 dev lo port 5008");
    ui_open();
    for (size_t i = 0; i < NSIZES; i++) {
        int c = sizes[i].cols, r = sizes[i].rows;

        size_to(c, r);
        press('T'); /* DSCP 63 is the top: ECN stays 00 */
        mc_monitor_settings(mon, &set);
        assert_int_equal(set.v4.tclass, 0xfc);
        assert_int_equal(set.v6.tclass, 0xfc);
        press('t');
        mc_monitor_settings(mon, &set);
        assert_int_equal(set.v4.tclass, 0xf8);
        run_line("set tclass 0xfc");
        /* lines the kernel (or apply) will refuse are marked before Enter */
        press(':');
        type("set hoplimit 0");
        expect_text("precheck", "\xe2\x9c\x97 hoplimit 0: an IPv4 TTL", c, r);
        press(27);
        press(KEY_END); /* 239.1.2.8, joined last */
        press('j');
        expect_text("prefilled", ":join 239.1.2.8 dev lo port 5008", c, r);
        expect_text("precheck", "is already joined on this socket", c, r);
        press(27);
        press('x');
        type("10.9.9.8");
        expect_text("precheck", "10.9.9.8 is already excluded", c, r);
        press(27);
        press('x');
        type("10.9.9.7"); /* this one the kernel takes */
        expect_text("check", "\xe2\x9c\x93 exclude-source 239.1.2.8 10.9.9.7",
                    c, r);
        press(27);
    }
    ui_close();
    run_line("leave 239.1.2.8 dev lo port 5008");
}

/* ---- 5b: two listeners of one group and port: the wildcard's row reads
 * "GROUP *"; l on either row names which (bind any, bind group), so the
 * line is not refused as ambiguous ---- */

static void two_listeners_rows(void **state)
{
    (void)state;
    run_line("join 239.1.2.9 dev lo port 5009 bind any");
    run_line("join 239.1.2.9 dev lo port 5009");
    ui_open();
    for (size_t i = 0; i < NSIZES; i++) {
        int c = sizes[i].cols, r = sizes[i].rows;

        size_to(c, r);
        assert_true(row_with("239.1.2.9 *") >= 0);
        press(KEY_END); /* the row bound to the group, joined last */
        press('l');
        expect_text("prefilled", ":leave 239.1.2.9 dev lo port 5009 bind group",
                    c, r);
        expect_text("check", "\xe2\x9c\x93 leave 239.1.2.9", c, r);
        press(27);
        press(KEY_UP); /* the wildcard's */
        press('l');
        expect_text("prefilled", ":leave 239.1.2.9 dev lo port 5009 bind any",
                    c, r);
        press(27);
        /* typed without bind: the live check says what to add */
        press(':');
        type("leave 239.1.2.9 dev lo port 5009");
        expect_text("precheck", "joined twice", c, r);
        press(27);
    }
    ui_close();
    run_line("leave 239.1.2.9 dev lo port 5009 bind any");
    run_line("leave 239.1.2.9 dev lo port 5009");
}

/* ---- 6: MODE tells a fresh join from an emptied exclude list; the
 * interface the kernel chose ---- */

static void modes_and_chosen_interface(void **state)
{
    (void)state;
    /* a route for multicast, so that a join may name no interface */
    assert_int_equal(system("ip route replace 224.0.0.0/4 dev lo"), 0);
    run_line("join 239.1.3.1 dev lo port 5010");
    run_line("join 239.1.3.2 dev lo port 5010");
    run_line("exclude-source 239.1.3.2 10.1.1.1 dev lo port 5010");
    run_line("include-source 239.1.3.2 10.1.1.1 dev lo port 5010");
    run_line("join 239.1.3.3 port 5011");
    assert_true(mc_monitor_refresh_kernel(mon, true));
    ui_open();
    for (size_t i = 0; i < NSIZES; i++) {
        int c = sizes[i].cols, r = sizes[i].rows;

        size_to(c, r);
        expect_cell("239.1.3.1", "MODE", false, "ASM");
        expect_cell("239.1.3.2", "MODE", false, "EXCLUDE{0}");
        expect_cell("239.1.3.3", "IFACE", false, "(lo)");
        expect_cell("239.1.3.1", "IFACE", false, "lo");
        assert_true(column_shown("MODE"));
        press(KEY_END);
        press(KEY_UP); /* 239.1.3.2 */
        press('d');
        expect_text("detail", "EXCLUDE{0}: an exclude list emptied again", c,
                    r);
        press(27);
        press(KEY_END); /* 239.1.3.3 */
        press('d');
        expect_text("detail", "(no interface named: the kernel chose lo)", c,
                    r);
        press(27);
    }
    ui_close();
    /* the kernel agrees: join-source is refused on the emptied list, a
     * fresh join switches to include mode */
    assert_int_equal(
        mc_monitor_exec_line(
            mon, "join-source 239.1.3.2 10.1.1.2 dev lo port 5010", NULL),
        -EINVAL);
    run_line("join-source 239.1.3.1 10.1.1.2 dev lo port 5010");
    run_line("leave 239.1.3.2 dev lo port 5010");
    run_line("leave-source 239.1.3.1 10.1.1.2 dev lo port 5010");
    run_line("leave 239.1.3.3 port 5011");
}

/* ---- 7: rates say their units ---- */

/* "40.0k" -> 40000 */
static double si_number(const char *s)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s)
        fail_msg("'%s' is not a number", s);
    return *end == 'k' ? v * 1e3 : *end == 'M' ? v * 1e6 : v;
}

static void units(void **state)
{
    (void)state;
    run_line("join 239.1.3.9 dev lo port 5019");
    run_line("send 239.1.3.9 dev lo port 5019 rate 50 size 100");
    pump(2300);
    ui_open();
    for (size_t i = 0; i < NSIZES; i++) {
        int c = sizes[i].cols, r = sizes[i].rows;
        char pps[32], bits[32];

        size_to(c, r);
        expect_text("header", "PKT/S", c, r);
        if (strstr(screen_text(), " BPS") != NULL)
            fail_msg("a rate without its unit:\n%s", screen_text());
        if (!cell(group_row("239.1.3.9"), "BIT/S", true, bits, sizeof bits))
            continue;
        if (c >= 160)
            expect_text("header", "BYTES", c, r);
        assert_true(
            cell(group_row("239.1.3.9"), "PKT/S", true, pps, sizeof pps));
        /* bits of UDP payload: 100 bytes, 8 bits each, per packet */
        if (si_number(bits) < si_number(pps) * 800 * 0.99 ||
            si_number(bits) > si_number(pps) * 800 * 1.01)
            fail_msg("BIT/S %s is not 800 x PKT/S %s", bits, pps);
    }
    ui_close();
    run_line("stop-send 239.1.3.9");
    run_line("leave 239.1.3.9 dev lo port 5019");
}

/* ---- 8: the prompt names a character that is not ASCII ---- */

static void non_ascii_refused(void **state)
{
    size_t groups = mc_monitor_ngroups(mon);

    (void)state;
    ui_open();
    for (size_t i = 0; i < NSIZES; i++) {
        int c = sizes[i].cols, r = sizes[i].rows;

        size_to(c, r);
        press(':');
        /* full-width digits: ff15::１２３４ */
        type("join ff15::\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94"
             " dev lo");
        expect_text("the line as typed", ":join ff15::１２３４ dev lo", c, r);
        expect_text("refusal", "'１' (U+FF11) at column 12 is not ASCII", c, r);
        press('\r');
        expect_text("the line stays", ":join ff15::１２３４ dev lo", c, r);
        press(27);
        /* a line that would parse: it still does not run */
        press(':');
        type("join 239.1.4.1 dev lo # \xc3\xa9");
        expect_text("refusal", "'é' (U+00E9) at column 25 is not ASCII", c, r);
        press('\r');
        press(27);
        assert_int_equal(mc_monitor_ngroups(mon), groups);
    }
    ui_close();
}

/* ---- 12, 15: keys as the help says ---- */

static void keys_as_help_says(void **state)
{
    (void)state;
    ui_open();
    ui_set_ext_key(ui, 'n', "next stage");
    for (size_t i = 0; i < NSIZES; i++) {
        int c = sizes[i].cols, r = sizes[i].rows;

        size_to(c, r);
        if (c >= 160) { /* the teaching keys on the key line */
            expect_text("key line", "d detail", c, r);
            expect_text("key line", "e events", c, r);
        }
        press(KEY_F(1)); /* as in htop */
        expect_text("F1", "Help (", c, r);
        press(KEY_END);
        press(KEY_HOME);
        expect_text("help", "marked (at once)", c, r);
        while (row_with("next stage: the stage that waits starts") < 0 &&
               row_with("Commands (at") < 0)
            press(KEY_NPAGE);
        expect_text("n in the help", "next stage: the stage that waits starts",
                    c, r);
        press(27);
        press(':');
        type("join 239.9.9.9");
        expect_text("prompt", ":join 239.9.9.9", c, r);
        press(3); /* ^C: the line goes, nothing runs, mcscope stays */
        if (row_with(":join 239.9.9.9") >= 0)
            fail_msg("^C left the prompt open:\n%s", screen_text());
        assert_false(ui_quit_requested(ui));
        /* quitting asks first when told to (the lab) */
        ui_set_quit_confirm(ui, "quit and remove the lab? y or q quits");
        press('q');
        expect_text("question", "quit and remove the lab? y or q quits", c, r);
        assert_false(ui_quit_requested(ui));
        press('x'); /* any other key stays */
        assert_false(ui_quit_requested(ui));
        press(KEY_F(10));
        expect_text("question", "quit and remove the lab?", c, r);
        press('y');
        assert_true(ui_quit_requested(ui));
        ui_close();
        ui_open();
        ui_set_ext_key(ui, 'n', "next stage");
    }
    size_to(80, 24);
    press(KEY_F(10)); /* no question: at once */
    assert_true(ui_quit_requested(ui));
    ui_close();
}

/* ---- 16: 80x24 keeps the wire state and the probe figures ---- */

static void small_keeps_figures(void **state)
{
    (void)state;
    run_line("join 239.1.6.1 dev lo port 5061");
    run_line("send 239.1.6.1 dev lo port 5061 rate 50 size 64");
    pump(1300);
    ui_open();
    for (size_t i = 0; i < NSIZES; i++) {
        int c = sizes[i].cols, r = sizes[i].rows;
        const char *titles[] = {"LOSS", "DUP", "ORD", "DELAY", "JITTER"};

        size_to(c, r);
        expect_text("status line", "wire off", c, r);
        press(KEY_END); /* 239.1.6.1 */
        press('d');
        expect_text("detail", "239.1.6.1 dev lo port 5061", c, r);
        while (row_with("Sources (") < 0 && row_with("Last packets") < 0)
            press(KEY_NPAGE);
        for (size_t t = 0; t < 5; t++)
            expect_text("sources table", titles[t], c, r);
        expect_text("the source", "10.255.0.1", c, r);
        press(27);
    }
    ui_close();
    run_line("stop-send 239.1.6.1");
}

/* ---- 13: what the narration talks about is visible ---- */

static void sources_shown(void **state)
{
    const char *note;
    size_t gi = mc_monitor_ngroups(mon); /* the next group's index */
    struct mc_addr self;

    (void)state;
    ui_open();
    size_to(160, 45);
    run_line("join 239.1.7.1 dev lo port 5071");
    run_line("pcap on");
    run_line("send 239.1.7.1 dev lo port 5071 rate 100 size 64");
    pump(500);
    /* a command about a source (typed, keyed or a lesson's) */
    run_line("exclude-source 239.1.7.1 10.255.0.1 dev lo port 5071");
    pump(1000);
    assert_int_equal(mc_addr_parse("10.255.0.1", &self, NULL, 0, NULL), 0);
    note = mc_wire_note_text(mc_monitor_wire_note(mon, gi, &self));
    assert_non_null(note);
    assert_string_equal(note, "filtered by the kernel: SSM exclude");
    for (size_t i = 0; i < NSIZES; i++) {
        int c = sizes[i].cols, r = sizes[i].rows;

        size_to(c, r);
        press(KEY_END); /* the source row, shown without Enter */
        expect_text("the source row", "10.255.0.1", c, r);
        expect_text("its state", "blocked", c, r);
        if (c >= 160)
            expect_text("NOTE", note, c, r);
        press(KEY_UP);
        press('d');
        while (row_with("Sources (") < 0 && row_with("Last packets") < 0)
            press(KEY_NPAGE);
        expect_text("the note in the detail", "wire: filtered by the kernel", c,
                    r);
        press(27);
    }
    ui_close();
    run_line("stop-send 239.1.7.1");
    run_line("pcap off");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hl_tc_after_cmsg_off),
        cmocka_unit_test(wire_after_pcap_off),
        cmocka_unit_test(pause_freezes),
        cmocka_unit_test(steps_and_precheck),
        cmocka_unit_test(two_listeners_rows),
        cmocka_unit_test(modes_and_chosen_interface),
        cmocka_unit_test(units),
        cmocka_unit_test(non_ascii_refused),
        cmocka_unit_test(keys_as_help_says),
        cmocka_unit_test(small_keeps_figures),
        cmocka_unit_test(sources_shown),
    };

    return cmocka_run_group_tests_name("ui_truth", tests, setup,
                                       teardown_monitor);
}
