/* mcscope ui: colour roles (see colors.h). */
#include "colors.h"

#include <stdlib.h>
#include <string.h>

struct role_style {
    short fg, bg; /* -1: the terminal's default */
    attr_t color; /* extra attributes with colours */
    attr_t mono;  /* the attributes without colours */
};

static const struct role_style styles[UI_ROLE_COUNT] = {
    [UI_ROLE_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
    [UI_ROLE_STATUS] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [UI_ROLE_STATUS_ON] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD},
    [UI_ROLE_PAUSED] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_BOLD},
    [UI_ROLE_HEADER] = {COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_UNDERLINE},
    [UI_ROLE_SORTED] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_UNDERLINE | A_BOLD},
    [UI_ROLE_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [UI_ROLE_GROUP] = {-1, -1, A_BOLD, A_BOLD},
    [UI_ROLE_SOURCE] = {-1, -1, A_NORMAL, A_NORMAL},
    [UI_ROLE_BLOCKED] = {COLOR_RED, -1, A_NORMAL, A_DIM},
    [UI_ROLE_LEFT] = {COLOR_BLUE, -1, A_BOLD, A_DIM},
    [UI_ROLE_DIM] = {COLOR_BLUE, -1, A_BOLD, A_DIM},
    [UI_ROLE_SPARK] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [UI_ROLE_EV_OK] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [UI_ROLE_EV_REFUSED] = {COLOR_YELLOW, -1, A_NORMAL, A_UNDERLINE},
    [UI_ROLE_EV_ERROR] = {COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE},
    [UI_ROLE_EV_ECHO] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [UI_ROLE_EV_INFO] = {-1, -1, A_NORMAL, A_NORMAL},
    [UI_ROLE_KEY] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [UI_ROLE_KEY_LABEL] = {-1, -1, A_NORMAL, A_NORMAL},
    [UI_ROLE_TITLE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [UI_ROLE_RULE] = {COLOR_BLUE, -1, A_NORMAL, A_NORMAL},
    [UI_ROLE_VALID] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [UI_ROLE_INVALID] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [UI_ROLE_PROMPT] = {-1, -1, A_NORMAL, A_NORMAL},
    [UI_ROLE_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [UI_ROLE_LOSS] = {COLOR_RED, -1, A_BOLD, A_REVERSE | A_UNDERLINE},
};

static attr_t attrs[UI_ROLE_COUNT];
static bool can_colour, default_bg;
static enum ui_theme theme;

/* no-color.org: NO_COLOR set to a value that is not empty. */
static bool no_color(void)
{
    const char *v = getenv("NO_COLOR");

    return v != NULL && v[0] != '\0';
}

static void apply(enum ui_theme t)
{
    theme = t;
    for (int r = 0; r < UI_ROLE_COUNT; r++)
        attrs[r] = t == UI_THEME_COLOUR && can_colour
                       ? COLOR_PAIR(r + 1) | styles[r].color
                       : styles[r].mono;
    if (t == UI_THEME_COLOUR && can_colour && styles[0].fg < 0 &&
        styles[0].bg < 0 && default_bg)
        attrs[UI_ROLE_NORMAL] = A_NORMAL;
}

void ui_colors_init(bool allow)
{
    const char *want = getenv("MCSCOPE_THEME");

    can_colour = allow && has_colors() && !no_color() && start_color() == OK &&
                 COLOR_PAIRS > UI_ROLE_COUNT;
    if (can_colour) {
        default_bg = use_default_colors() == OK;
        for (int r = 0; r < UI_ROLE_COUNT; r++) {
            short fg = styles[r].fg, bg = styles[r].bg;

            if (!default_bg) {
                fg = fg < 0 ? COLOR_WHITE : fg;
                bg = bg < 0 ? COLOR_BLACK : bg;
            }
            /* Pair 0 is the terminal's own: role r uses pair r + 1. */
            init_pair((short)(r + 1), fg, bg);
        }
    }
    apply(want != NULL && strcmp(want, "mono") == 0 ? UI_THEME_MONO
          : can_colour                              ? UI_THEME_COLOUR
                                                    : UI_THEME_MONO);
}

int ui_colors_set_theme(enum ui_theme t)
{
    if (t == UI_THEME_COLOUR && !can_colour)
        return -1;
    apply(t);
    return 0;
}

enum ui_theme ui_colors_theme(void)
{
    return theme;
}

bool ui_colors_no_color(void)
{
    return no_color();
}

attr_t ui_attr(enum ui_role role)
{
    if ((int)role < 0 || role >= UI_ROLE_COUNT)
        return A_NORMAL;
    return attrs[role];
}
