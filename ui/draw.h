/*
 * mcscope ui: putting text on the screen.
 *
 * Every screen writes UTF-8 (the glyphs below, em dashes, addresses, the
 * event log's texts).  These helpers measure text in terminal columns,
 * clip it to a field, and, when the terminal's locale is not UTF-8, write
 * an ASCII stand-in for each glyph (a '-' for the em dash, "|-" style
 * tree branches, a character ramp for sparklines), so a vt100 in the C
 * locale gets readable text instead of mojibake.  Control characters are
 * written as '?': no text from the monitor can move the cursor.
 *
 * Only curses output; nothing here prints outside curses or exits.
 */
#ifndef MCSCOPE_UI_DRAW_H
#define MCSCOPE_UI_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* Glyphs, as UTF-8; ui_put writes ASCII stand-ins on a terminal without
 * UTF-8. */
#define UI_G_VLINE "\xe2\x94\x82"  /* │ */
#define UI_G_HLINE "\xe2\x94\x80"  /* ─ */
#define UI_G_TEE "\xe2\x94\x9c"    /* ├ */
#define UI_G_ELBOW "\xe2\x94\x94"  /* └ */
#define UI_G_MARKER "\xe2\x96\xb8" /* ▸ */
#define UI_G_CHECK "\xe2\x9c\x93"  /* ✓ */
#define UI_G_CROSS "\xe2\x9c\x97"  /* ✗ */
#define UI_G_UP "\xe2\x86\x91"     /* ↑ */
#define UI_G_DOWN "\xe2\x86\x93"   /* ↓ */
#define UI_G_LEFT "\xe2\x86\x90"   /* ← */
#define UI_G_RIGHT "\xe2\x86\x92"  /* → */

/*
 * Decide once whether the terminal gets UTF-8 (from LC_CTYPE, so call it
 * after setlocale).
 */
void ui_draw_init(void);

/* Whether it does (ui_draw_init): renderers choose UTF-8 or ASCII text. */
bool ui_utf8(void);

/* Columns the UTF-8 text s takes on this terminal. */
int ui_text_width(const char *s);

/*
 * Write s at (y, x) of w with attr, at most maxw columns (and never past
 * the window's right edge).  Returns the columns written.
 */
int ui_put(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *s);

/* Write s in a field of width columns at (y, x), padded with blanks on the
 * right (right == false) or the left (right == true), cut if longer. */
void ui_put_field(WINDOW *w, int y, int x, int width, bool right, attr_t attr,
                  const char *s);

/* Blank width columns from (y, x) with attr (width < 0: to the edge). */
void ui_fill(WINDOW *w, int y, int x, int width, attr_t attr);

/* A horizontal rule of width columns. */
void ui_hrule(WINDOW *w, int y, int x, int width, attr_t attr);
/* A framed box of h rows and wd columns at y, x (its frame in a), the
 * inside cleared. */
void ui_box(WINDOW *w, int y, int x, int h, int wd, attr_t a);

/*
 * Copy s into buf padded to width columns (right-aligned when right),
 * cut at width columns.  Returns buf.
 */
char *ui_pad(char *buf, size_t len, const char *s, int width, bool right);

/* Copy the longest prefix of s that fits in width columns into buf. */
char *ui_cut(char *buf, size_t len, const char *s, int width);

#endif
