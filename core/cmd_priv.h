/*
 * mcscope core: the command language's private header (not installed).
 *
 * The parser is split by concept, one file each; this header holds what
 * they share, with a section per file saying what that file offers the
 * others (tmux's tmux.h is the model):
 *
 *   cmd.c         the verb table, mc_cmd_parse, names, equality
 *   cmd_lex.c     words of a line, the refusal text, the context
 *   cmd_suggest.c "did you mean": the nearest word of a list
 *   cmd_values.c  numbers, on|off, seconds, interfaces, addresses
 *   cmd_opts.c    KEYWORD VALUE options and the positional words
 *   cmd_verbs.c   one parser per verb (reached through the verb table)
 *   cmd_format.c  mc_cmd_format: a command back to its canonical text
 *
 * The calls go one way, down this list: cmd_format.c -> cmd.c (through
 * the table) -> cmd_verbs.c -> cmd_opts.c -> cmd_values.c ->
 * cmd_suggest.c -> cmd_lex.c; no file calls one above it.
 */
#ifndef MCSCOPE_CMD_PRIV_H
#define MCSCOPE_CMD_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "mcscope/cmd.h"

/* User text quoted in a message is cut to this many bytes, plus "...". */
#define MC__CMD_QUOTE_MAX 40
#define MC__CMD_QUOTE_BUF (MC__CMD_QUOTE_MAX + 4)
/* The context: the verb and up to three more words, each quoted. */
#define MC__CMD_CTX_MAX (16 + 4 * MC__CMD_QUOTE_BUF)
/* Longest word handed to mc_addr_parse (ADDR%IFACE fits in 62). */
#define MC__CMD_ADDR_WORD_MAX 128
/* Words longer than this get no "did you mean" suggestion. */
#define MC__CMD_SUGGEST_MAX 32

#define MC__ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A word of the line: not NUL-terminated. */
struct mc__word {
    const char *s;
    size_t len;
};

struct mc__verb_impl;

/* The parser's cursor and what a refusal names. */
struct mc__parser {
    const char *line; /* the start, for column numbers */
    const char *p;    /* the next byte to read */
    const char *end;  /* the end, trailing CR and LF excluded */
    struct mc_err *err;
    const struct mc_cmd_verb *verb;
    const struct mc__verb_impl *impl;
    char ctx[MC__CMD_CTX_MAX];     /* "VERB WORD..." read so far, quoted */
    char gword[MC__CMD_QUOTE_BUF]; /* the GROUP word as written, quoted */
};

/* The option keywords (cmd_opts.c); KWB() makes a set of them. */
enum mc__kw {
    KW_DEV,
    KW_PORT,
    KW_RATE,
    KW_COUNT,
    KW_SIZE,
    KW_TCLASS,
    KW_HOPLIMIT,
    KW_SOURCE,
    KW_BIND,
    KW_GAP,
    KW_PAYLOAD,
    KW_SAP,      /* a flag: no value */
    KW_FORCE,    /* a flag: no value */
    KW_DONTFRAG, /* a flag: no value */
};
#define KWB(k) (1u << (k))

/* One row of the verb table's private half (cmd.c): how to parse it. */
typedef int (*mc__parse_fn)(struct mc__parser *ps, struct mc_cmd *out);
struct mc__verb_impl {
    mc__parse_fn parse;
    enum mc_member_op op;    /* MC_CMD_MEMBER only */
    bool has_source;         /* MC_CMD_MEMBER: GROUP SOURCE */
    const char *with_source; /* join, leave: the verb that takes SOURCE */
    unsigned options;        /* KWB() of the keywords it takes */
};

/* ---- cmd_lex.c ---- */

const char *mc__cmd_quote(const char *s, size_t n, char out[MC__CMD_QUOTE_BUF]);
const char *mc__cmd_qword(const struct mc__word *w,
                          char out[MC__CMD_QUOTE_BUF]);
bool mc__cmd_word_is(const struct mc__word *w, const char *s);
/* Record the refusal; always returns -EINVAL. */
int mc__cmd_fail(struct mc__parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append " WORD" (quoted) to the context. */
void mc__cmd_ctx_add(struct mc__parser *ps, const struct mc__word *w);
bool mc__cmd_is_blank(char c);
bool mc__cmd_is_control(char c);
int mc__cmd_fail_control(struct mc__parser *ps, const char *at);
/* The next word: 1, 0 at the end or a comment, -EINVAL for a control
 * character. */
int mc__cmd_next_word(struct mc__parser *ps, struct mc__word *w);

/* ---- cmd_suggest.c ---- */

/* The candidate a mistyped word most likely meant, or NULL. */
const char *mc__cmd_suggest(const struct mc__word *w, const char *const *cand,
                            size_t ncand);
/* An unknown word among names (what: "option"): suggest one, or list
 * them all.  Returns -EINVAL. */
int mc__cmd_fail_unknown(struct mc__parser *ps, const struct mc__word *w,
                         const char *what, const char *const *names, size_t n);

/* ---- cmd_values.c ---- */

/* A range of a number and the words that explain it. */
struct mc__numspec {
    const char *what; /* "the port must be" */
    unsigned long min, max;
    const char *tail; /* after "MIN..MAX" */
    bool hex;         /* 0x... accepted */
};

/* The range of a numeric socket option (sockopt.h), as its name or its
 * alias (alias) explains it. */
void mc__cmd_sockopt_numspec(const struct mc_sockopt *o, bool alias,
                             struct mc__numspec *ns);

int mc__cmd_parse_number(struct mc__parser *ps, const char *prefix,
                         const struct mc__word *w, const struct mc__numspec *ns,
                         unsigned long *out);
int mc__cmd_parse_onoff(struct mc__parser *ps, const char *prefix,
                        const struct mc__word *w, bool *on);
int mc__cmd_parse_seconds(struct mc__parser *ps, const struct mc__word *w,
                          double *s);
int mc__cmd_parse_ifname(struct mc__parser *ps, const char *prefix,
                         const struct mc__word *w, char ifname[IF_NAMESIZE]);
int mc__cmd_parse_addr_word(struct mc__parser *ps, const char *prefix,
                            const struct mc__word *w, struct mc_addr *a,
                            char *ifname);
int mc__cmd_check_group(struct mc__parser *ps, const struct mc__word *w,
                        const struct mc_addr *g, struct mc_group_info *info);
int mc__cmd_check_source(struct mc__parser *ps, const char *prefix,
                         const struct mc__word *w, const struct mc_addr *g,
                         struct mc_addr *s);

/* ---- cmd_opts.c ---- */

/* What a verb's options gave; defaults filled by mc__cmd_opts_init. */
struct mc__opts {
    unsigned allowed; /* KWB() of the keywords this verb takes */
    unsigned seen;
    const struct mc_addr *group; /* for the source's family */
    bool iface_from_group;       /* ifname came from GROUP%IFACE */
    char ifname[IF_NAMESIZE];
    unsigned long port, rate, count, size, tclass, hoplimit, gap, payload;
    struct mc_addr source;
    bool sap, force, dontfrag;
    enum mc_cmd_bind bind;
};

void mc__cmd_opts_init(struct mc__opts *o, unsigned allowed,
                       const struct mc_addr *group, const char *ifname);
/* Options up to the end of the line. */
int mc__cmd_parse_options(struct mc__parser *ps, struct mc__opts *o);
/* The line must end here. */
int mc__cmd_expect_end(struct mc__parser *ps);
/* A positional word (what: "GROUP"), added to the context. */
int mc__cmd_need_word(struct mc__parser *ps, const char *what,
                      struct mc__word *w);
/* GROUP or GROUP%IFACE, multicast; remembers the word for messages. */
int mc__cmd_need_group(struct mc__parser *ps, struct mc_addr *g, char *ifname,
                       struct mc_group_info *info);

/* ---- cmd_verbs.c (reached through the verb table only) ---- */

int mc__cmd_parse_member(struct mc__parser *ps, struct mc_cmd *out);
int mc__cmd_parse_set(struct mc__parser *ps, struct mc_cmd *out);
int mc__cmd_parse_cmsg(struct mc__parser *ps, struct mc_cmd *out);
int mc__cmd_parse_pcap(struct mc__parser *ps, struct mc_cmd *out);
int mc__cmd_parse_send(struct mc__parser *ps, struct mc_cmd *out);
int mc__cmd_parse_stop_send(struct mc__parser *ps, struct mc_cmd *out);
int mc__cmd_parse_reset(struct mc__parser *ps, struct mc_cmd *out);
int mc__cmd_parse_wait(struct mc__parser *ps, struct mc_cmd *out);
int mc__cmd_parse_echo(struct mc__parser *ps, struct mc_cmd *out);
int mc__cmd_parse_diagnose(struct mc__parser *ps, struct mc_cmd *out);
/* cmd_analyze.c */
int mc__cmd_parse_analyze(struct mc__parser *ps, struct mc_cmd *out);
/* cmd.c */
/* One line by the verb table; on success ctx gets the "VERB WORD..." the
 * parser read (for a hook's nested refusals). */
int mc__cmd_parse_one(const char *line, struct mc_cmd *out, struct mc_err *err,
                      char *ctx, size_t ctxlen);

/* cmd_hook.c */
#define MC__HOOK_USAGE "on-listener GROUP first|last COMMAND...|none"
int mc__cmd_parse_hook(struct mc__parser *ps, struct mc_cmd *out);
#define MC__ON_USAGE "on HOST COMMAND..., e.g. on s1 set mcast-hoplimit 2"
int mc__cmd_parse_on(struct mc__parser *ps, struct mc_cmd *out);
/* cmd_tcp.c: tcp-listen, tcp-connect (ps->verb->kind says which) */
int mc__cmd_parse_tcp(struct mc__parser *ps, struct mc_cmd *out);

#endif
