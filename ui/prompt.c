/* mcscope ui: the prompt (see prompt.h). */
#include "prompt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "draw.h"
#include "keys.h"

/* The code point of the UTF-8 sequence at s (n bytes of it there), or
 * -1 when it is cut short or not UTF-8; *len gets its length. */
static long utf8_char(const unsigned char *s, size_t n, size_t *len)
{
    size_t need = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
    long cp = need == 4 ? s[0] & 0x07 : need == 3 ? s[0] & 0x0f : s[0] & 0x1f;

    *len = 1;
    if (need == 1 || n < need)
        return -1;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    *len = need;
    return cp;
}

/* A command line is ASCII: the first character that is not, named (a
 * full-width digit looks like a digit and is not one).  False when the
 * text is ASCII. */
static bool refuse_non_ascii(struct ui_prompt *p)
{
    const unsigned char *s = (const unsigned char *)p->text;
    size_t at = 0, len, column = 1;
    long cp;

    while (at < p->len && s[at] < 0x80) {
        at++;
        column++;
    }
    if (at == p->len)
        return false;
    cp = utf8_char(s + at, p->len - at, &len);
    if (cp < 0)
        mc_err_set(&p->why, -EINVAL,
                   "byte 0x%02x at column %zu is not ASCII: a command is "
                   "plain ASCII; delete it and type the character again",
                   s[at], column);
    else
        mc_err_set(&p->why, -EINVAL,
                   "'%.*s' (U+%04lX) at column %zu is not ASCII: a command is "
                   "plain ASCII%s; delete it and type it again",
                   (int)len, p->text + at, (unsigned long)cp, column,
                   cp >= 0xff01 && cp <= 0xff5e
                       ? " (a full-width character only looks like one)"
                       : "");
    return true;
}

static void check(struct ui_prompt *p)
{
    struct mc_cmd cmd;

    p->canonical[0] = '\0';
    mc_err_clear(&p->why);
    if (p->kind != UI_PROMPT_COMMAND) {
        p->valid = true;
        return;
    }
    p->not_ascii = refuse_non_ascii(p);
    if (p->not_ascii) {
        p->valid = false;
        return;
    }
    p->valid = mc_cmd_parse(p->text, &cmd, &p->why) == 0;
    if (p->valid && p->m != NULL)
        p->valid = mc_monitor_precheck(p->m, &cmd, &p->why) == 0;
    if (p->valid && mc_cmd_format(&cmd, p->canonical, sizeof p->canonical) < 0)
        p->canonical[0] = '\0';
}

static void set_text(struct ui_prompt *p, const char *text, size_t cursor)
{
    size_t n = strlen(text);

    if (n >= sizeof p->text)
        n = sizeof p->text - 1;
    memcpy(p->text, text, n);
    p->text[n] = '\0';
    p->len = n;
    p->cursor = cursor > n ? n : cursor;
    check(p);
}

void ui_prompt_open(struct ui_prompt *p, enum ui_prompt_kind kind,
                    const char *text, size_t cursor)
{
    p->active = true;
    p->kind = kind;
    p->browse = p->nhistory;
    p->stash[0] = '\0';
    set_text(p, text != NULL ? text : "", cursor);
}

void ui_prompt_close(struct ui_prompt *p)
{
    p->active = false;
}

void ui_prompt_free(struct ui_prompt *p)
{
    for (size_t i = 0; i < p->nhistory; i++)
        free(p->history[i]);
    p->nhistory = 0;
}

void ui_prompt_remember(struct ui_prompt *p, const char *line)
{
    char *copy;

    if (line[0] == '\0' ||
        (p->nhistory > 0 && strcmp(p->history[p->nhistory - 1], line) == 0))
        return;
    if ((copy = strdup(line)) == NULL)
        return;
    if (p->nhistory == UI_PROMPT_HISTORY) {
        free(p->history[0]);
        memmove(p->history, p->history + 1,
                (UI_PROMPT_HISTORY - 1) * sizeof p->history[0]);
        p->nhistory--;
    }
    p->history[p->nhistory++] = copy;
}

/* Byte offsets of the UTF-8 character before / after the cursor. */
static size_t char_before(const struct ui_prompt *p, size_t at)
{
    if (at == 0)
        return 0;
    at--;
    while (at > 0 && ((unsigned char)p->text[at] & 0xc0) == 0x80)
        at--;
    return at;
}

static size_t char_after(const struct ui_prompt *p, size_t at)
{
    if (at >= p->len)
        return p->len;
    at++;
    while (at < p->len && ((unsigned char)p->text[at] & 0xc0) == 0x80)
        at++;
    return at;
}

/* Remove bytes [from, to). */
static void cut(struct ui_prompt *p, size_t from, size_t to)
{
    if (from >= to)
        return;
    memmove(p->text + from, p->text + to, p->len - to + 1);
    p->len -= to - from;
    p->cursor = from;
    check(p);
}

static enum ui_prompt_result insert(struct ui_prompt *p, int ch)
{
    /* No control character could be part of a line.  Bytes of other
     * characters are kept, so that the check names them: a line is never
     * changed behind the person's back (ff15::１２３４ is not ff15::). */
    if (ch < 0x20 || ch == 0x7f || ch > 0xff || p->len + 1 >= sizeof p->text)
        return UI_PROMPT_KEPT;
    memmove(p->text + p->cursor + 1, p->text + p->cursor,
            p->len - p->cursor + 1);
    p->text[p->cursor++] = (char)ch;
    p->len++;
    check(p);
    return UI_PROMPT_CHANGED;
}

static enum ui_prompt_result browse(struct ui_prompt *p, int dir)
{
    size_t to;

    if (dir < 0 && p->browse == 0)
        return UI_PROMPT_KEPT;
    if (dir > 0 && p->browse >= p->nhistory)
        return UI_PROMPT_KEPT;
    if (p->browse == p->nhistory)
        memcpy(p->stash, p->text, p->len + 1);
    to = dir < 0 ? p->browse - 1 : p->browse + 1;
    p->browse = to;
    set_text(p, to == p->nhistory ? p->stash : p->history[to], SIZE_MAX);
    return UI_PROMPT_CHANGED;
}

static size_t word_start(const struct ui_prompt *p)
{
    size_t at = p->cursor;

    while (at > 0 && p->text[at - 1] == ' ')
        at--;
    while (at > 0 && p->text[at - 1] != ' ')
        at--;
    return at;
}

enum ui_prompt_result ui_prompt_key(struct ui_prompt *p, int action, int ch)
{
    switch (action) {
    case UI_ACT_PROMPT_RUN:
        return p->valid ? UI_PROMPT_SUBMIT : UI_PROMPT_REFUSED;
    case UI_ACT_PROMPT_CANCEL:
        return UI_PROMPT_CANCEL;
    case UI_ACT_PROMPT_LEFT:
        p->cursor = char_before(p, p->cursor);
        return UI_PROMPT_KEPT;
    case UI_ACT_PROMPT_RIGHT:
        p->cursor = char_after(p, p->cursor);
        return UI_PROMPT_KEPT;
    case UI_ACT_PROMPT_HOME:
        p->cursor = 0;
        return UI_PROMPT_KEPT;
    case UI_ACT_PROMPT_END:
        p->cursor = p->len;
        return UI_PROMPT_KEPT;
    case UI_ACT_PROMPT_BACKSPACE:
        cut(p, char_before(p, p->cursor), p->cursor);
        return UI_PROMPT_CHANGED;
    case UI_ACT_PROMPT_DELETE:
        cut(p, p->cursor, char_after(p, p->cursor));
        return UI_PROMPT_CHANGED;
    case UI_ACT_PROMPT_KILL_START:
        cut(p, 0, p->cursor);
        return UI_PROMPT_CHANGED;
    case UI_ACT_PROMPT_KILL_END:
        cut(p, p->cursor, p->len);
        return UI_PROMPT_CHANGED;
    case UI_ACT_PROMPT_KILL_WORD:
        cut(p, word_start(p), p->cursor);
        return UI_PROMPT_CHANGED;
    case UI_ACT_PROMPT_HIST_PREV:
        return p->kind == UI_PROMPT_COMMAND ? browse(p, -1) : UI_PROMPT_KEPT;
    case UI_ACT_PROMPT_HIST_NEXT:
        return p->kind == UI_PROMPT_COMMAND ? browse(p, +1) : UI_PROMPT_KEPT;
    case UI_ACT_NONE:
        return insert(p, ch);
    default:
        return UI_PROMPT_KEPT;
    }
}

int ui_prompt_draw(const struct ui_prompt *p, WINDOW *w, int y, int cols)
{
    const char *lead = p->kind == UI_PROMPT_FILTER ? "/" : ":";
    int room = cols - 1;
    size_t skip = 0;

    ui_fill(w, y, 0, cols, ui_attr(UI_ROLE_PROMPT));
    ui_put(w, y, 0, 1, ui_attr(UI_ROLE_KEY), lead);
    if (room < 2)
        return cols > 0 ? cols - 1 : 0;
    /* The line is ASCII (insert() takes nothing else): scroll it so that
     * the cursor stays on screen, one column before the edge. */
    if (p->cursor > (size_t)room - 1)
        skip = p->cursor - ((size_t)room - 1);
    ui_put(w, y, 1, room, ui_attr(UI_ROLE_PROMPT), p->text + skip);
    return 1 + (int)(p->cursor - skip);
}
