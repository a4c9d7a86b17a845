/*
 * mcscope ui: colour roles.
 *
 * Screens never name a colour: they name what a piece of text is (a
 * header, a blocked source, an error event) and this module maps the role
 * to a colour pair and attributes.  Without colours (has_colors() false,
 * or NO_COLOR set to a value in the environment, no-color.org) each role
 * falls back to monochrome attributes chosen so that the same things stay
 * distinct: bold, reverse, underline and dim.  Two themes: colour, and
 * mono (those attributes even where colours work; loss and error events
 * in reverse video and underline, which no hue is needed to see).
 * MCSCOPE_THEME=mono starts with mono; the key C switches.
 */
#ifndef MCSCOPE_UI_COLORS_H
#define MCSCOPE_UI_COLORS_H

#include <curses.h>
#include <stdbool.h>

enum ui_role {
    UI_ROLE_NORMAL,
    UI_ROLE_STATUS,    /* the top status line */
    UI_ROLE_STATUS_ON, /* a setting that is on, in the status line */
    UI_ROLE_PAUSED,    /* the PAUSED badge */
    UI_ROLE_HEADER,    /* column headers */
    UI_ROLE_SORTED,    /* the header of the sort column */
    UI_ROLE_SELECTED,  /* the selected row */
    UI_ROLE_GROUP,     /* a group row */
    UI_ROLE_SOURCE,    /* a source row */
    UI_ROLE_BLOCKED,   /* a blocked or not-included source */
    UI_ROLE_LEFT,      /* a group that was left */
    UI_ROLE_DIM,       /* unknown values, hints */
    UI_ROLE_SPARK,     /* sparklines */
    UI_ROLE_EV_OK,     /* events by kind */
    UI_ROLE_EV_REFUSED,
    UI_ROLE_EV_ERROR,
    UI_ROLE_EV_ECHO,
    UI_ROLE_EV_INFO,
    UI_ROLE_KEY,       /* a key name in the key line and help */
    UI_ROLE_KEY_LABEL, /* its label */
    UI_ROLE_TITLE,     /* section titles */
    UI_ROLE_RULE,      /* separators and box borders */
    UI_ROLE_VALID,     /* the prompt's line parses */
    UI_ROLE_INVALID,   /* it does not: the parser's reason */
    UI_ROLE_PROMPT,    /* the line being typed */
    UI_ROLE_WARN,      /* too small, differences kernel vs asked */
    UI_ROLE_LOSS,      /* a loss count above zero */
    UI_ROLE_COUNT
};

/*
 * Set up colour pairs (after newterm/initscr).  allow false forces the
 * monochrome fallback; so does has_colors() false or NO_COLOR set.
 */
void ui_colors_init(bool allow);

enum ui_theme { UI_THEME_COLOUR, UI_THEME_MONO };
/* Switch theme: 0, or -1 for colour where there is none (NO_COLOR, a
 * terminal without colours). */
int ui_colors_set_theme(enum ui_theme t);
enum ui_theme ui_colors_theme(void);
bool ui_colors_no_color(void); /* NO_COLOR is set (not empty) */

/* The attributes (colour pair included) of a role. */
attr_t ui_attr(enum ui_role role);

#endif
