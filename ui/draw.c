/* mcscope ui: putting text on the screen (see draw.h). */
#include "draw.h"

#include <langinfo.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

static bool utf8_terminal;

void ui_draw_init(void)
{
    const char *cs = nl_langinfo(CODESET);

    utf8_terminal = cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
                                   strcasecmp(cs, "UTF8") == 0);
}

bool ui_utf8(void)
{
    return utf8_terminal;
}

/* Decode one UTF-8 character; *cp is U+FFFD for a bad sequence.  Returns
 * the bytes it took (at least 1 unless s is at its end). */
static size_t utf8_next(const char *s, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n, i;
    unsigned c;

    if (u[0] < 0x80) {
        *cp = u[0];
        return u[0] == 0 ? 0 : 1;
    }
    if ((u[0] & 0xe0) == 0xc0) {
        n = 2;
        c = u[0] & 0x1f;
    } else if ((u[0] & 0xf0) == 0xe0) {
        n = 3;
        c = u[0] & 0x0f;
    } else if ((u[0] & 0xf8) == 0xf0) {
        n = 4;
        c = u[0] & 0x07;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    for (i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return i;
        }
        c = (c << 6) | (u[i] & 0x3f);
    }
    *cp = c;
    return n;
}

/* The ASCII stand-in of a glyph the screens use, or NULL. */
static const char *ascii_standin(unsigned cp)
{
    static const char ramp[] = "_.-:=+*#";

    static const struct {
        unsigned cp;
        const char *text;
    } map[] = {
        {0x2014, "-"}, {0x2502, "|"}, {0x2500, "-"}, {0x251c, "|"},
        {0x2514, "`"}, {0x25b8, ">"}, {0x2713, "+"}, {0x2717, "x"},
        {0x2191, "^"}, {0x2193, "v"}, {0x2190, "<"}, {0x2192, ">"},
        {0x2026, "~"}, {0x00b7, "."}, {0x250c, "+"}, {0x2510, "+"},
        {0x2518, "+"}, {0x25be, "v"},
    };
    static char one[2];

    if (cp >= 0x2581 && cp <= 0x2588) {
        one[0] = ramp[cp - 0x2581];
        one[1] = '\0';
        return one;
    }
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].cp == cp)
            return map[i].text;
    return NULL;
}

/*
 * One character of s as this terminal shows it: *out and *outlen are the
 * bytes to write, *width its columns.  Returns the bytes of s consumed.
 */
static size_t next_cell(const char *s, const char **out, size_t *outlen,
                        int *width)
{
    unsigned cp;
    size_t n = utf8_next(s, &cp);
    const char *alt;
    int w;

    if (n == 0)
        return 0;
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0xfffd) {
        *out = "?";
        *outlen = 1;
        *width = 1;
        return n;
    }
    if (cp < 0x80) {
        *out = s;
        *outlen = 1;
        *width = 1;
        return n;
    }
    if (!utf8_terminal) {
        alt = ascii_standin(cp);
        *out = alt != NULL ? alt : "?";
        *outlen = 1;
        *width = 1;
        return n;
    }
    w = wcwidth((wchar_t)cp);
    if (w < 0) {
        *out = "?";
        *outlen = 1;
        *width = 1;
        return n;
    }
    *out = s;
    *outlen = n;
    *width = w;
    return n;
}

int ui_text_width(const char *s)
{
    const char *out;
    size_t outlen, n;
    int w, total = 0;

    while ((n = next_cell(s, &out, &outlen, &w)) > 0) {
        total += w;
        s += n;
    }
    return total;
}

int ui_put(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *s)
{
    const char *out;
    size_t outlen, n;
    int cw, used = 0, right = getmaxx(w) - x;

    if (maxw > right)
        maxw = right;
    if (maxw <= 0 || y < 0 || y >= getmaxy(w) || x < 0)
        return 0;
    wattrset(w, attr);
    wmove(w, y, x);
    while ((n = next_cell(s, &out, &outlen, &cw)) > 0) {
        if (used + cw > maxw)
            break;
        waddnstr(w, out, (int)outlen);
        used += cw;
        s += n;
    }
    wattrset(w, A_NORMAL);
    return used;
}

void ui_fill(WINDOW *w, int y, int x, int width, attr_t attr)
{
    int right = getmaxx(w) - x;

    if (width < 0 || width > right)
        width = right;
    if (width <= 0 || y < 0 || y >= getmaxy(w) || x < 0)
        return;
    wattrset(w, attr);
    wmove(w, y, x);
    for (int i = 0; i < width; i++)
        waddch(w, ' ');
    wattrset(w, A_NORMAL);
}

void ui_put_field(WINDOW *w, int y, int x, int width, bool right, attr_t attr,
                  const char *s)
{
    int tw = ui_text_width(s);

    if (width <= 0)
        return;
    if (tw >= width) {
        ui_put(w, y, x, width, attr, s);
        return;
    }
    if (right) {
        ui_fill(w, y, x, width - tw, attr);
        ui_put(w, y, x + width - tw, tw, attr, s);
    } else {
        ui_put(w, y, x, tw, attr, s);
        ui_fill(w, y, x + tw, width - tw, attr);
    }
}

void ui_hrule(WINDOW *w, int y, int x, int width, attr_t attr)
{
    int right = getmaxx(w) - x;

    if (width < 0 || width > right)
        width = right;
    for (int i = 0; i < width; i++)
        ui_put(w, y, x + i, 1, attr, UI_G_HLINE);
}

/* Bytes of the longest prefix of s within width columns; *used gets its
 * columns. */
static size_t prefix_bytes(const char *s, int width, int *used)
{
    const char *out;
    size_t outlen, n, at = 0;
    int cw;

    *used = 0;
    while ((n = next_cell(s + at, &out, &outlen, &cw)) > 0) {
        if (*used + cw > width)
            break;
        *used += cw;
        at += n;
    }
    return at;
}

char *ui_cut(char *buf, size_t len, const char *s, int width)
{
    int used;
    size_t n = prefix_bytes(s, width, &used);

    if (len == 0)
        return buf;
    if (n >= len)
        n = len - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

char *ui_pad(char *buf, size_t len, const char *s, int width, bool right)
{
    int used;
    size_t n = prefix_bytes(s, width, &used), o = 0;
    int blanks = width - used;

    if (len == 0)
        return buf;
    if (right)
        for (; blanks > 0 && o + 1 < len; blanks--)
            buf[o++] = ' ';
    if (n > len - 1 - o)
        n = len - 1 - o;
    memcpy(buf + o, s, n);
    o += n;
    for (; blanks > 0 && o + 1 < len; blanks--)
        buf[o++] = ' ';
    buf[o] = '\0';
    return buf;
}

void ui_box(WINDOW *w, int y, int x, int h, int wd, attr_t a)
{
    for (int r = 0; r < h; r++) {
        ui_fill(w, y + r, x, wd, A_NORMAL);
        ui_put(w, y + r, x, 1, a, UI_G_VLINE);
        ui_put(w, y + r, x + wd - 1, 1, a, UI_G_VLINE);
    }
    ui_hrule(w, y, x, wd, a);
    ui_hrule(w, y + h - 1, x, wd, a);
    ui_put(w, y, x, 1, a, "\xe2\x94\x8c");                  /* ┌ */
    ui_put(w, y, x + wd - 1, 1, a, "\xe2\x94\x90");         /* ┐ */
    ui_put(w, y + h - 1, x, 1, a, UI_G_ELBOW);              /* └ */
    ui_put(w, y + h - 1, x + wd - 1, 1, a, "\xe2\x94\x98"); /* ┘ */
}
