/*
 * mcscope core: the command language's lexer: the words of a line, the
 * refusal text and the context it starts with.
 */
#include "cmd_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *mc__cmd_quote(const char *s, size_t n, char out[MC__CMD_QUOTE_BUF])
{
    return mc_err_quote(s, n, MC__CMD_QUOTE_MAX, out);
}

const char *mc__cmd_qword(const struct mc__word *w, char out[MC__CMD_QUOTE_BUF])
{
    return mc__cmd_quote(w->s, w->len, out);
}

bool mc__cmd_word_is(const struct mc__word *w, const char *s)
{
    return strlen(s) == w->len && memcmp(w->s, s, w->len) == 0;
}

/* Record the refusal; always returns -EINVAL. */
int mc__cmd_fail(struct mc__parser *ps, const char *fmt, ...)
{
    va_list ap;

    if (ps->err == NULL)
        return -EINVAL;
    ps->err->code = -EINVAL;
    va_start(ap, fmt);
    vsnprintf(ps->err->msg, sizeof ps->err->msg, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* Append " WORD" (quoted) to the context. */
void mc__cmd_ctx_add(struct mc__parser *ps, const struct mc__word *w)
{
    char q[MC__CMD_QUOTE_BUF];
    size_t n = strlen(ps->ctx);

    snprintf(ps->ctx + n, sizeof ps->ctx - n, " %s", mc__cmd_qword(w, q));
}

/* ---- the lexer ---- */

bool mc__cmd_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

bool mc__cmd_is_control(char c)
{
    unsigned char u = (unsigned char)c;

    return (u < 0x20 && !mc__cmd_is_blank(c)) || u == 0x7f;
}

int mc__cmd_fail_control(struct mc__parser *ps, const char *at)
{
    return mc__cmd_fail(
        ps,
        "column %zu: control character 0x%02x: a line holds one "
        "command in printable text",
        (size_t)(at - ps->line) + 1, (unsigned char)*at);
}

/*
 * Read the next word into *w.  Returns 1 for a word, 0 at the end of the
 * line or at a comment, or -EINVAL for a control character.
 */
int mc__cmd_next_word(struct mc__parser *ps, struct mc__word *w)
{
    const char *p = ps->p;

    while (p < ps->end && mc__cmd_is_blank(*p))
        p++;
    if (p < ps->end && mc__cmd_is_control(*p)) {
        ps->p = p;
        return mc__cmd_fail_control(ps, p);
    }
    if (p == ps->end || *p == '#') {
        ps->p = ps->end;
        return 0;
    }
    w->s = p;
    while (p < ps->end && !mc__cmd_is_blank(*p)) {
        if (mc__cmd_is_control(*p)) {
            ps->p = p;
            return mc__cmd_fail_control(ps, p);
        }
        p++;
    }
    w->len = (size_t)(p - w->s);
    ps->p = p;
    return 1;
}
