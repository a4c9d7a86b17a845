/*
 * mcscope core: the socket options that `set` changes, in one table.
 *
 * One row per option says everything the program knows about it: its word
 * in the command language (and the IPv4 spelling), the values it takes and
 * how a bad one is explained, whether it is a sending or a receiving
 * option, the mc_sock_* setter and getter (sock.h), the field of struct
 * mc_family_settings (below) it reads back into, the field of struct
 * mc_sender_env (send.h) a new sender takes it from, and how the TUI's
 * keys step it.  The parser (cmd), the sender (send), the monitor's apply
 * and read-back and the TUI's current-value lookup all read this table,
 * so a new option is one new row.
 *
 * Every option exists in both families, with one setting for both; where
 * the families differ (an IPv4 TTL of 0 is refused, ip(7)), the row says
 * so in apply_min and apply_why.
 */
#ifndef MCSCOPE_SOCKOPT_H
#define MCSCOPE_SOCKOPT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "mcscope/err.h"

/* Settings as the kernel reports them back, per family (the monitor's
 * settings view, monitor.h, holds one per family; each option's row
 * names its field). */
struct mc_family_settings {
    int hoplimit;       /* unicast hop limit / TTL */
    int mcast_hoplimit; /* multicast hop limit / TTL */
    int tclass;         /* traffic class / TOS */
    bool loopback;
    unsigned mcast_if; /* 0: none */
    char mcast_ifname[IF_NAMESIZE];
    bool ok; /* false: the family is not available here */
};

/* The socket options "set" changes (ttl and tos are spelt aliases). */
enum mc_cmd_opt {
    MC_OPT_HOPLIMIT,       /* hoplimit, ttl: unicast hop limit, 0..255 */
    MC_OPT_MCAST_HOPLIMIT, /* mcast-hoplimit: 0..255 */
    MC_OPT_TCLASS,         /* tclass, tos: 0..255 */
    MC_OPT_LOOPBACK,       /* loopback: on|off */
    MC_OPT_MCAST_IF,       /* mcast-if: IFACE, or none to clear it */
    MC_OPT_MULTICAST_ALL,  /* multicast-all: on|off */
};

/* What an option's value is. */
enum mc_sockopt_value {
    MC_SOCKOPT_NUMBER, /* min..max, decimal (or 0x hex when hex) */
    MC_SOCKOPT_ONOFF,  /* on = 1, off = 0 */
    MC_SOCKOPT_IFACE,  /* an interface (its index), none = 0 */
};

/* Which sockets an option is for. */
enum mc_sockopt_where {
    MC_SOCKOPT_SEND,    /* the settings sockets and every sender */
    MC_SOCKOPT_RECEIVE, /* every receive socket (listener) */
};

/* A field of a struct, found by offset and read or written as an int. */
enum mc_field_type {
    MC_FIELD_NONE, /* the struct has no such field */
    MC_FIELD_INT,
    MC_FIELD_UINT,
    MC_FIELD_BOOL,
};
struct mc_field {
    enum mc_field_type type;
    size_t off;
};

struct mc_sockopt {
    enum mc_cmd_opt opt;
    const char *name;  /* the word of `set` ("hoplimit") */
    const char *alias; /* its IPv4 spelling ("ttl"), or NULL */
    enum mc_sockopt_value value;
    enum mc_sockopt_where where;
    /* MC_SOCKOPT_NUMBER: the range and the words that explain it, as in
     * "set ttl 300: the TTL is 0..255". */
    int min, max;
    bool hex;               /* 0x28 accepted, and written so */
    const char *what;       /* "the hop limit is" */
    const char *alias_what; /* "the TTL is" (the alias's words) */
    const char *tail;       /* after "MIN..MAX", e.g. " (e.g. 0x28 ...)" */
    /* Any other kind: what a missing or bad value should be. */
    const char *hint; /* "use on or off" */
    /* Refused when applied below apply_min (both families are set at
     * once), because apply_why ("an IPv4 TTL must be 1..255 ..."). */
    int apply_min;
    const char *apply_why;
    /* The socket option itself, on a UDP socket of either family. */
    int (*set)(int fd, int value, struct mc_err *err);
    int (*get)(int fd, int *value, struct mc_err *err);
    struct mc_field readback; /* in struct mc_family_settings */
    struct mc_field env;      /* in struct mc_sender_env */
    /* The TUI's step keys: step (0: none) within step_min..step_max.
     * step_keep: bits a step never touches (the traffic class's two ECN
     * bits: a step moves the DSCP only). */
    int step, step_min, step_max, step_keep;
};

/* The table, in enum order; *n (may be NULL) gets its length.  Static:
 * never freed, never changes. */
const struct mc_sockopt *mc_sockopt_table(size_t *n);

/* The row of opt, or NULL for a value outside the enum. */
const struct mc_sockopt *mc_sockopt_get(enum mc_cmd_opt opt);

/* The spelling of opt ("mcast-hoplimit"); "?" when unknown. */
const char *mc_sockopt_name(enum mc_cmd_opt opt);

/*
 * The row a word of len bytes names (its name or its alias), or NULL;
 * *alias (may be NULL) says whether it was the alias.
 */
const struct mc_sockopt *mc_sockopt_find(const char *word, size_t len,
                                         bool *alias);

/*
 * Every word of `set` in usage order (the numbers with their IPv6 names,
 * then their IPv4 spellings, then the others): "hoplimit",
 * "mcast-hoplimit", "tclass", "ttl", "tos", "loopback", "mcast-if",
 * "multicast-all".  Writes at most max into words; returns how many there
 * are.
 */
size_t mc_sockopt_words(const char **words, size_t max);

/* 0, or -EINVAL with "NAME VALUE: apply_why" when value < apply_min. */
int mc_sockopt_check_apply(const struct mc_sockopt *o, int value,
                           struct mc_err *err);

/*
 * The value one step of the TUI's keys gives from value in direction dir
 * (+1 or -1), kept within step_min..step_max with the step_keep bits of
 * value as they were; value itself when there is no step or it is at the
 * end already.
 */
int mc_sockopt_step(const struct mc_sockopt *o, int value, int dir);

/* A field of rec as an int (0 for MC_FIELD_NONE), and writing one. */
int mc_field_get(const void *rec, struct mc_field f);
void mc_field_put(void *rec, struct mc_field f, int value);

#endif
