/*
 * mcscope ui: the key table.
 *
 * One static table binds every key of every screen.  A binding does one
 * of three things:
 *   - command: a line of the command language, filled from the selection
 *     ("leave {group}[ dev {iface}][ port {port}]", see actions.c), that
 *     opens the prompt: a key is literally a command, to run, edit or
 *     cancel;
 *   - handler: a function that returns reactions (screen.h) for ui.c to
 *     carry out (switch screens, pause, step an option, quit);
 *   - action: an action of the screen or overlay that has the input
 *     (moving, scrolling, editing the prompt).
 * The same table generates the bottom key line and the help screen, so a
 * binding cannot exist without being documented, and the help cannot
 * list a key that does nothing.
 *
 * Keys are looked up in a context: the screen or overlay that has the
 * input.  Bindings of the current screen come first, then the bindings
 * every main screen shares (UI_CTX_MAIN).
 */
#ifndef MCSCOPE_UI_KEYS_H
#define MCSCOPE_UI_KEYS_H

#include <stddef.h>

/* Contexts (bit flags: a binding may serve several). */
#define UI_CTX_GROUPS 0x01u
#define UI_CTX_DETAIL 0x02u
#define UI_CTX_EVENTS 0x04u
#define UI_CTX_HELP 0x08u
#define UI_CTX_PROMPT 0x10u
#define UI_CTX_PANEL 0x20u      /* the control-message panel */
#define UI_CTX_SMALL 0x40u      /* "terminal too small" */
#define UI_CTX_CHOICE 0x80u     /* a list to choose from (the lessons) */
#define UI_CTX_LISTENERS 0x100u /* the link's listeners */
#define UI_CTX_STREAMS 0x200u   /* the link's streams and SAP sessions */
#define UI_CTX_QUERIER 0x400u   /* the querier timeline */
/* Shared by the main screens: also listed once under "Everywhere". */
#define UI_CTX_MAIN                                                            \
    (UI_CTX_GROUPS | UI_CTX_DETAIL | UI_CTX_EVENTS | UI_CTX_HELP |             \
     UI_CTX_LISTENERS | UI_CTX_STREAMS | UI_CTX_QUERIER)
#define UI_CTX_SUB                                                             \
    (UI_CTX_DETAIL | UI_CTX_EVENTS | UI_CTX_HELP | UI_CTX_LISTENERS |          \
     UI_CTX_STREAMS | UI_CTX_QUERIER)

/* Actions of the screens and overlays, and the arguments of handlers
 * that serve several keys. */
enum ui_action {
    UI_ACT_NONE = 0,
    /* moving around */
    UI_ACT_UP,
    UI_ACT_DOWN,
    UI_ACT_PAGE_UP,
    UI_ACT_PAGE_DOWN,
    UI_ACT_TOP,
    UI_ACT_BOTTOM,
    UI_ACT_TOGGLE_EXPAND,
    UI_ACT_EXPAND,
    UI_ACT_COLLAPSE,
    UI_ACT_NEXT_GROUP,
    UI_ACT_PREV_GROUP,
    /* the groups table */
    UI_ACT_SORT,
    UI_ACT_CLEAR_FILTER,
    /* which screen (ui_do_show) */
    UI_ACT_BACK,
    UI_ACT_DETAIL,
    UI_ACT_EVENTS,
    UI_ACT_LISTENERS,
    UI_ACT_STREAMS,
    UI_ACT_QUERIER,
    UI_ACT_LINK_JOIN, /* the streams screen: join the selected one */
    UI_ACT_HELP,
    /* which step (ui_do_step) */
    UI_ACT_HOPLIMIT_DOWN,
    UI_ACT_HOPLIMIT_UP,
    UI_ACT_MHOPLIMIT_DOWN,
    UI_ACT_MHOPLIMIT_UP,
    UI_ACT_TCLASS_DOWN,
    UI_ACT_TCLASS_UP,
    /* the control-message panel */
    UI_ACT_PANEL_TOGGLE,
    UI_ACT_PANEL_FLAG, /* keys '1'..'6': the flag is the key's digit */
    UI_ACT_PICK,       /* a list: the selected item */
    UI_ACT_QUIT_KEEP,  /* quit, the last screen left as text */
    UI_ACT_MOUSE,      /* KEY_MOUSE: the event is read with getmouse */
    /* the prompt */
    UI_ACT_PROMPT_RUN,
    UI_ACT_PROMPT_CANCEL,
    UI_ACT_PROMPT_LEFT,
    UI_ACT_PROMPT_RIGHT,
    UI_ACT_PROMPT_HOME,
    UI_ACT_PROMPT_END,
    UI_ACT_PROMPT_BACKSPACE,
    UI_ACT_PROMPT_DELETE,
    UI_ACT_PROMPT_KILL_START,
    UI_ACT_PROMPT_KILL_END,
    UI_ACT_PROMPT_KILL_WORD,
    UI_ACT_PROMPT_HIST_PREV,
    UI_ACT_PROMPT_HIST_NEXT,
};

struct ui_ctx;
struct ui_reply;
struct ui_binding;

/* A key's handler: returns UI_R_* reactions (screen.h). */
typedef unsigned (*ui_handler)(struct ui_ctx *c, const struct ui_binding *b,
                               struct ui_reply *out);

struct ui_binding {
    int key;           /* a character or a KEY_* code */
    int key_last;      /* 0, or the last key of a range ('1'..'6') */
    const char *name;  /* as shown: "j", "Enter", "↑", "1-6" */
    const char *label; /* short, for the key line ("join"); "" for none */
    const char *help;  /* one line for the help screen */
    /* what it does: the first of these that is set */
    const char *command;   /* a command line to fill and offer */
    ui_handler handler;    /* reactions */
    enum ui_action action; /* the input layer's action (or the handler's
                              argument) */
    unsigned ctx;          /* UI_CTX_* where it works */
    unsigned rank;         /* key line priority, 1 first; 0: not in the line */
};

/* The table, in help order; *n gets its length. */
const struct ui_binding *ui_bindings(size_t *n);

/*
 * The binding of key in context ctx (one UI_CTX_* bit): bindings whose
 * context is exactly the screen's are preferred over shared ones.  NULL
 * when the key is not bound there.
 */
const struct ui_binding *ui_binding_find(int key, unsigned ctx);

/* A context's title for the help screen ("Groups table"). */
const char *ui_ctx_title(unsigned ctx);

#endif
