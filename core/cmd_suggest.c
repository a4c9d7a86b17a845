/*
 * mcscope core: the command language's suggestions: "did you mean" the
 * nearest word of a list, or the whole list.
 */
#include "cmd_priv.h"

#include <stdio.h>
#include <string.h>

/* ---- suggestions ---- */

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/*
 * Edit distance with adjacent transpositions (optimal string alignment),
 * ignoring case; both strings at most MC__CMD_SUGGEST_MAX bytes.
 */
static size_t distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t d[MC__CMD_SUGGEST_MAX + 1][MC__CMD_SUGGEST_MAX + 1];
    size_t i, j;

    for (i = 0; i <= n; i++)
        d[i][0] = i;
    for (j = 0; j <= m; j++)
        d[0][j] = j;
    for (i = 1; i <= n; i++) {
        for (j = 1; j <= m; j++) {
            size_t cost = lower(a[i - 1]) != lower(b[j - 1]);
            size_t v = d[i - 1][j - 1] + cost;

            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[n][m];
}

/*
 * The candidate a mistyped word most likely meant, or NULL: the only
 * candidate it begins (two bytes or more), else the first nearest one
 * within 1 edit (words of up to 4 bytes) or 2 edits (longer words).
 */
const char *mc__cmd_suggest(const struct mc__word *w, const char *const *cand,
                            size_t ncand)
{
    const char *best = NULL;
    size_t i, bestd = w->len <= 4 ? 1 : 2, nprefix = 0;

    if (w->len > MC__CMD_SUGGEST_MAX)
        return NULL;
    for (i = 0; i < ncand; i++) {
        if (w->len >= 2 && strlen(cand[i]) > w->len &&
            strncmp(cand[i], w->s, w->len) == 0) {
            best = cand[i];
            nprefix++;
        }
    }
    if (nprefix == 1)
        return best;
    best = NULL;
    for (i = 0; i < ncand; i++) {
        size_t m = strlen(cand[i]);
        size_t d;

        if (m > MC__CMD_SUGGEST_MAX)
            continue;
        d = distance(w->s, w->len, cand[i], m);
        if (d <= bestd && (best == NULL || d < bestd)) {
            best = cand[i];
            bestd = d;
        }
    }
    return best;
}

/* An unknown word among names: suggest one, or list them all. */
int mc__cmd_fail_unknown(struct mc__parser *ps, const struct mc__word *w,
                         const char *what, const char *const *names, size_t n)
{
    const char *hint = mc__cmd_suggest(w, names, n);
    char list[256];
    char q[MC__CMD_QUOTE_BUF];
    size_t i, used = 0;

    if (hint != NULL)
        return mc__cmd_fail(ps, "%s: unknown %s '%s': did you mean '%s'?",
                            ps->ctx, what, mc__cmd_qword(w, q), hint);
    list[0] = '\0';
    for (i = 0; i < n && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                 i == 0 ? "" : (i + 1 == n ? " or " : ", "),
                                 names[i]);
    return mc__cmd_fail(ps, "%s: unknown %s '%s': use %s", ps->ctx, what,
                        mc__cmd_qword(w, q), list);
}
