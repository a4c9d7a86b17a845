/* mcscope ui: the groups table's columns (see columns.h). */
#include "columns.h"

#include <stdio.h>
#include <string.h>

const struct ui_column ui_columns[NCOLS] = {
    [COL_GROUP] = {"GROUP", "group", 13, false, 1000, UI_SORT_GROUP},
    [COL_IFACE] = {"IFACE", "iface", 6, false, 60, UI_SORT_COUNT},
    [COL_PORT] = {"PORT", "port", 5, true, 40, UI_SORT_COUNT},
    [COL_MODE] = {"MODE", "mode", 11, false, 80, UI_SORT_COUNT},
    [COL_SRC] = {"SRC", "src", 3, true, 35, UI_SORT_COUNT},
    [COL_PKTS] = {"PKTS", "pkts", 6, true, 100, UI_SORT_PACKETS},
    [COL_BYTES] = {"BYTES", "bytes", 6, true, 20, UI_SORT_COUNT},
    [COL_PPS] = {"PKT/S", "pkt/s", 6, true, 90, UI_SORT_PPS},
    [COL_BPS] = {"BIT/S", "bit/s", 6, true, 65, UI_SORT_BPS},
    [COL_PAYLOAD] = {"PAYLOAD", "payload", 7, false, 48, UI_SORT_COUNT},
    [COL_LOSS] = {"LOSS", "loss", 5, true, 50, UI_SORT_LOSS},
    [COL_DUP] = {"DUP", "dup", 4, true, 25, UI_SORT_COUNT},
    [COL_ORD] = {"ORD", "ord", 4, true, 24, UI_SORT_COUNT},
    [COL_JIT] = {"JITTER", "jitter", 7, true, 47, UI_SORT_COUNT},
    [COL_HL] = {"HL", "hl", 3, true, 45, UI_SORT_COUNT},
    [COL_TC] = {"TC", "tc", 4, true, 44, UI_SORT_COUNT},
    [COL_WIRE] = {"WIRE", "wire", 7, true, 58, UI_SORT_COUNT},
    [COL_NOTE] = {"NOTE", "note", 10, false, 30, UI_SORT_COUNT},
    [COL_RATE] = {"RATE", "rate", 8, false, 55, UI_SORT_COUNT},
};

#define BLANKS " \t"

_Static_assert(NCOLS <= UI_COLS_MAX, "struct ui_col_order holds them all");

void ui_columns_default(struct ui_col_order *o)
{
    for (int c = 0; c < NCOLS; c++)
        o->col[c] = (unsigned char)c;
    o->n = NCOLS;
}

bool ui_columns_line(const char *line)
{
    size_t at = strspn(line, BLANKS);

    return strncmp(line + at, "columns", 7) == 0 &&
           (line[at + 7] == '\0' || strchr(BLANKS, line[at + 7]) != NULL);
}

static int find(const char *w, size_t len)
{
    for (int c = 0; c < NCOLS; c++)
        if (strlen(ui_columns[c].word) == len &&
            strncmp(ui_columns[c].word, w, len) == 0)
            return c;
    return -1;
}

static void names(char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int c = 0; c < NCOLS && used < len; c++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                 c > 0 ? ", " : "", ui_columns[c].word);
}

int ui_columns_parse(const char *line, struct ui_col_order *o, char *why,
                     size_t len)
{
    struct ui_col_order n = {.n = 1, .col = {COL_GROUP}};
    bool seen[NCOLS] = {[COL_GROUP] = true};
    const char *p = line + strspn(line, BLANKS) + 7;
    bool group_named = false;
    char all[256];

    for (p += strspn(p, BLANKS); *p != '\0' && *p != '#';
         p += strspn(p, BLANKS)) {
        size_t wl = strcspn(p, BLANKS);
        int c = find(p, wl);

        if (c < 0) {
            names(all, sizeof all);
            snprintf(why, len, "columns %.*s: unknown column '%.*s': use %s",
                     (int)(wl > 40 ? 40 : wl), p, (int)(wl > 40 ? 40 : wl), p,
                     all);
            return -1;
        }
        if (seen[c] && (c != COL_GROUP || group_named)) {
            snprintf(why, len, "columns %s: %s is named twice: name each once",
                     ui_columns[c].word, ui_columns[c].word);
            return -1;
        }
        if (c == COL_GROUP)
            group_named = true;
        else
            n.col[n.n++] = (unsigned char)c;
        seen[c] = true;
        p += wl;
    }
    if (n.n == 1 && !group_named)
        ui_columns_default(&n); /* `columns` alone */
    *o = n;
    return 0;
}

void ui_columns_format(const struct ui_col_order *o, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "columns");

    for (size_t i = 0; i < o->n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, " %s",
                                 ui_columns[o->col[i]].word);
}
