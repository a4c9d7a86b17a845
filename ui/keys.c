/* mcscope ui: the key table (see keys.h). */
#include "keys.h"

#include <curses.h>

#include "draw.h"

#define CTRL(c) ((c)&0x1f)
#define ESC 27

#define M UI_CTX_MAIN
#define G UI_CTX_GROUPS
#define D UI_CTX_DETAIL
#define E UI_CTX_EVENTS
#define H UI_CTX_HELP
#define P UI_CTX_PROMPT
#define C UI_CTX_PANEL
#define S UI_CTX_SMALL

/* clang-format off */
static const struct ui_binding bindings[] = {
    /* membership: every one opens a prompt with the command prefilled */
    {'j', 0, "j", "join", "join a group, any source (ASM): join GROUP dev IFACE",
     UI_ACT_JOIN, M, 2},
    {'J', 0, "J", "join-source",
     "SSM include: receive GROUP from SOURCE only (join-source)",
     UI_ACT_JOIN_SOURCE, M, 3},
    {'x', 0, "x", "exclude",
     "exclude mode: block SOURCE of an ASM group (exclude-source)",
     UI_ACT_EXCLUDE_SOURCE, M, 4},
    {'i', 0, "i", "include",
     "exclude mode: unblock a blocked SOURCE again (include-source)",
     UI_ACT_INCLUDE_SOURCE, M, 5},
    {'l', 0, "l", "leave", "leave a group (leave GROUP)", UI_ACT_LEAVE, M, 6},
    {'L', 0, "L", "leave-source",
     "include mode: stop receiving one SOURCE (leave-source)",
     UI_ACT_LEAVE_SOURCE, M, 14},
    /* socket options: step now, or type a value */
    {'h', 0, "h", "hop limit",
     "unicast hop limit (TTL) down by 1 (set hoplimit)",
     UI_ACT_HOPLIMIT_DOWN, M, 9},
    {'H', 0, "H", "hop limit",
     "unicast hop limit (TTL) up by 1 (set hoplimit)",
     UI_ACT_HOPLIMIT_UP, M, 9},
    {'m', 0, "m", "mcast hops",
     "multicast hop limit (TTL) down by 1: how far sent groups go",
     UI_ACT_MHOPLIMIT_DOWN, M, 10},
    {'M', 0, "M", "mcast hops",
     "multicast hop limit (TTL) up by 1 (set mcast-hoplimit)",
     UI_ACT_MHOPLIMIT_UP, M, 10},
    {'t', 0, "t", "tclass",
     "traffic class (TOS) down one DSCP step of 4 (set tclass)",
     UI_ACT_TCLASS_DOWN, M, 11},
    {'T', 0, "T", "tclass",
     "traffic class (TOS) up one DSCP step of 4 (set tclass)",
     UI_ACT_TCLASS_UP, M, 11},
    {'=', 0, "=", "set",
     "set a socket option to a value (prompt: set OPTION VALUE)",
     UI_ACT_SET, M, 19},
    {'c', 0, "c", "cmsg",
     "control-message panel: choose what each packet reports",
     UI_ACT_CMSG_PANEL, M, 7},
    {'o', 0, "o", "loop", "multicast loopback on/off (set loopback)",
     UI_ACT_LOOPBACK, M, 15},
    {'w', 0, "w", "wire", "wire cross-check on/off (pcap on|off)",
     UI_ACT_WIRE, M, 20},
    {'s', 0, "s", "send",
     "start a probe sender (prompt: send GROUP dev IFACE rate PPS)",
     UI_ACT_SEND, M, 12},
    {'S', 0, "S", "stop", "stop a sender (prompt: stop-send [GROUP])",
     UI_ACT_STOP_SEND, M, 13},
    {':', 0, ":", "cmd",
     "command prompt: any command of the language, with history",
     UI_ACT_COMMAND, M, 8},
    /* views */
    {'d', 0, "d", "detail",
     "detail of the selected group: kernel filter, /proc, sources",
     UI_ACT_DETAIL, G, 16},
    {'e', 0, "e", "events", "the whole event log", UI_ACT_EVENTS, G, 21},
    {'p', 0, "p", "pause",
     "pause the table (numbers freeze, commands still work); again: resume",
     UI_ACT_PAUSE, M, 17},
    {'>', 0, ">", "sort",
     "sort by the next column: join order, group, pkts, pps, bps, loss",
     UI_ACT_SORT, G, 18},
    {'/', 0, "/", "filter",
     "filter rows by text (group, interface, source, mode)",
     UI_ACT_FILTER, G, 22},
    {ESC, 0, "Esc", "", "clear the filter", UI_ACT_CLEAR_FILTER, G, 0},
    {'?', 0, "?", "help", "this help, made from the key table",
     UI_ACT_HELP, M, 1},
    {'q', 0, "q", "quit", "quit mcscope (the terminal is restored)",
     UI_ACT_QUIT, G, 1},
    {CTRL('l'), 0, "^L", "", "redraw the whole screen", UI_ACT_REDRAW, M, 0},
    /* moving around */
    {KEY_UP, 0, UI_G_UP, "", "select the row above / scroll up", UI_ACT_UP,
     M, 0},
    {KEY_DOWN, 0, UI_G_DOWN, "", "select the row below / scroll down",
     UI_ACT_DOWN, M, 0},
    {KEY_PPAGE, 0, "PgUp", "", "a page up", UI_ACT_PAGE_UP, M, 0},
    {KEY_NPAGE, 0, "PgDn", "", "a page down", UI_ACT_PAGE_DOWN, M, 0},
    {' ', 0, "Space", "", "a page down", UI_ACT_PAGE_DOWN, UI_CTX_SUB, 0},
    {KEY_HOME, 0, "Home", "", "to the top", UI_ACT_TOP, M, 0},
    {KEY_END, 0, "End", "", "to the end", UI_ACT_BOTTOM, M, 0},
    {'\n', 0, "Enter", "expand",
     "show or hide the selected group's sources, one row each",
     UI_ACT_TOGGLE_EXPAND, G, 23},
    {'\r', 0, "Enter", "",
     "show or hide the selected group's sources, one row each",
     UI_ACT_TOGGLE_EXPAND, G, 0},
    {KEY_ENTER, 0, "Enter", "",
     "show or hide the selected group's sources, one row each",
     UI_ACT_TOGGLE_EXPAND, G, 0},
    {KEY_RIGHT, 0, UI_G_RIGHT, "", "show the selected group's sources",
     UI_ACT_EXPAND, G, 0},
    {KEY_LEFT, 0, UI_G_LEFT, "",
     "hide the sources (on a source row: back to its group)",
     UI_ACT_COLLAPSE, G, 0},
    {'\t', 0, "Tab", "next group", "the next group", UI_ACT_NEXT_GROUP, D, 2},
    {KEY_BTAB, 0, "S-Tab", "", "the previous group", UI_ACT_PREV_GROUP, D,
     0},
    {ESC, 0, "Esc", "back", "back to the groups table", UI_ACT_BACK,
     UI_CTX_SUB, 1},
    {'q', 0, "q", "", "back to the groups table", UI_ACT_BACK, UI_CTX_SUB, 0},
    {KEY_LEFT, 0, UI_G_LEFT, "", "back to the groups table", UI_ACT_BACK,
     UI_CTX_SUB, 0},
    {'d', 0, "d", "", "back to the groups table", UI_ACT_BACK, D, 0},
    {'e', 0, "e", "", "back to the groups table", UI_ACT_BACK, E, 0},
    {'?', 0, "?", "", "back to the groups table", UI_ACT_BACK, H, 0},
    /* the control-message panel */
    {KEY_UP, 0, UI_G_UP, "", "the flag above", UI_ACT_UP, C, 0},
    {KEY_DOWN, 0, UI_G_DOWN, "", "the flag below", UI_ACT_DOWN, C, 0},
    {' ', 0, "Space", "toggle", "turn the selected flag on or off",
     UI_ACT_PANEL_TOGGLE, C, 1},
    {'\n', 0, "Enter", "", "turn the selected flag on or off",
     UI_ACT_PANEL_TOGGLE, C, 0},
    {'\r', 0, "Enter", "", "turn the selected flag on or off",
     UI_ACT_PANEL_TOGGLE, C, 0},
    {'1', '6', "1-6", "flag",
     "turn flag 1-6 on or off (cmsg FLAG on|off)", UI_ACT_PANEL_FLAG, C, 2},
    {ESC, 0, "Esc", "close", "close the panel", UI_ACT_BACK, C, 3},
    {'c', 0, "c", "", "close the panel", UI_ACT_BACK, C, 0},
    {'q', 0, "q", "", "close the panel", UI_ACT_BACK, C, 0},
    /* the prompt */
    {'\n', 0, "Enter", "run",
     "run the line; a refused line is logged and stays to edit",
     UI_ACT_PROMPT_RUN, P, 1},
    {'\r', 0, "Enter", "", "run the line; a refused line is logged and stays to edit",
     UI_ACT_PROMPT_RUN, P, 0},
    {KEY_ENTER, 0, "Enter", "",
     "run the line; a refused line is logged and stays to edit", UI_ACT_PROMPT_RUN, P,
     0},
    {ESC, 0, "Esc", "cancel", "cancel: nothing runs", UI_ACT_PROMPT_CANCEL,
     P, 2},
    {CTRL('g'), 0, "^G", "", "cancel: nothing runs", UI_ACT_PROMPT_CANCEL,
     P, 0},
    {KEY_UP, 0, UI_G_UP, "history", "the previous line of the history",
     UI_ACT_PROMPT_HIST_PREV, P, 3},
    {KEY_DOWN, 0, UI_G_DOWN, "history", "the next line of the history",
     UI_ACT_PROMPT_HIST_NEXT, P, 3},
    {KEY_LEFT, 0, UI_G_LEFT, "", "cursor left", UI_ACT_PROMPT_LEFT, P, 0},
    {KEY_RIGHT, 0, UI_G_RIGHT, "", "cursor right", UI_ACT_PROMPT_RIGHT, P,
     0},
    {KEY_HOME, 0, "Home", "", "to the start of the line",
     UI_ACT_PROMPT_HOME, P, 0},
    {CTRL('a'), 0, "^A", "", "to the start of the line",
     UI_ACT_PROMPT_HOME, P, 0},
    {KEY_END, 0, "End", "", "to the end of the line", UI_ACT_PROMPT_END, P,
     0},
    {CTRL('e'), 0, "^E", "", "to the end of the line", UI_ACT_PROMPT_END, P,
     0},
    {KEY_BACKSPACE, 0, "Bksp", "", "delete the character before the cursor",
     UI_ACT_PROMPT_BACKSPACE, P, 0},
    {127, 0, "Bksp", "", "delete the character before the cursor",
     UI_ACT_PROMPT_BACKSPACE, P, 0},
    {CTRL('h'), 0, "^H", "", "delete the character before the cursor",
     UI_ACT_PROMPT_BACKSPACE, P, 0},
    {KEY_DC, 0, "Del", "", "delete the character under the cursor",
     UI_ACT_PROMPT_DELETE, P, 0},
    {CTRL('d'), 0, "^D", "", "delete the character under the cursor",
     UI_ACT_PROMPT_DELETE, P, 0},
    {CTRL('u'), 0, "^U", "", "delete to the start of the line",
     UI_ACT_PROMPT_KILL_START, P, 0},
    {CTRL('k'), 0, "^K", "", "delete to the end of the line",
     UI_ACT_PROMPT_KILL_END, P, 0},
    {CTRL('w'), 0, "^W", "", "delete the word before the cursor",
     UI_ACT_PROMPT_KILL_WORD, P, 0},
    /* too small */
    {'q', 0, "q", "quit", "quit mcscope", UI_ACT_QUIT, S, 1},
};
/* clang-format on */

const struct ui_binding *ui_bindings(size_t *n)
{
    if (n != NULL)
        *n = sizeof bindings / sizeof bindings[0];
    return bindings;
}

static bool matches(const struct ui_binding *b, int key)
{
    if (b->key_last != 0)
        return key >= b->key && key <= b->key_last;
    return key == b->key;
}

const struct ui_binding *ui_binding_find(int key, unsigned ctx)
{
    const struct ui_binding *shared = NULL;
    size_t n;
    const struct ui_binding *t = ui_bindings(&n);

    for (size_t i = 0; i < n; i++) {
        if (!(t[i].ctx & ctx) || !matches(&t[i], key))
            continue;
        if (t[i].ctx == ctx)
            return &t[i];
        if (shared == NULL)
            shared = &t[i];
    }
    return shared;
}

const char *ui_ctx_title(unsigned ctx)
{
    switch (ctx) {
    case UI_CTX_MAIN:
        return "Everywhere";
    case UI_CTX_GROUPS:
        return "Groups table";
    case UI_CTX_DETAIL:
        return "Group detail";
    case UI_CTX_EVENTS:
        return "Event log";
    case UI_CTX_HELP:
        return "Help";
    case UI_CTX_SUB:
        return "Detail, event log and help";
    case UI_CTX_PROMPT:
        return "Prompt (every action's command line, and :)";
    case UI_CTX_PANEL:
        return "Control-message panel";
    case UI_CTX_SMALL:
        return "Terminal too small";
    default:
        return "Other";
    }
}
