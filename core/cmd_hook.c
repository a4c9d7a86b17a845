/*
 * mcscope core: the command language's verbs that carry a command —
 * on-listener GROUP[%IFACE] first|last COMMAND...|none and on HOST
 * COMMAND... (cmd.h).  COMMAND is the rest of the line, kept as written
 * here; mc_cmd_parse (cmd_parse.c) parses it as a command of its own and
 * keeps its canonical text.
 */
#include "cmd_priv.h"

#include <stdio.h>
#include <string.h>

/* The nested command as written (rest..end) into h->command; cmd_parse.c
 * parses it, checks it and puts its canonical text there. */
static int keep_command(struct mc__parser *ps, const char *rest,
                        char command[MC_CMD_ECHO_MAX])
{
    size_t n = (size_t)(ps->end - rest);

    if (n >= MC_CMD_ECHO_MAX)
        return mc__cmd_fail(ps,
                            "%s: the COMMAND is %zu bytes, more than %d: it "
                            "runs one short command",
                            ps->ctx, n, MC_CMD_ECHO_MAX - 1);
    memcpy(command, rest, n);
    command[n] = '\0';
    return 0;
}

int mc__cmd_parse_hook(struct mc__parser *ps, struct mc_cmd *out)
{
    struct mc_cmd_hook *h = &out->hook;
    struct mc_group_info info;
    struct mc__word w, rest;
    const char *at;
    int r;

    out->kind = MC_CMD_HOOK;
    r = mc__cmd_need_group(ps, &h->group, h->ifname, &info);
    if (r == 0)
        r = mc__cmd_need_word(ps, "first|last", &w);
    if (r != 0)
        return r;
    if (mc__cmd_word_is(&w, "last"))
        h->last = true;
    else if (!mc__cmd_word_is(&w, "first"))
        return mc__cmd_fail(ps, "%s: not first or last: %s", ps->ctx,
                            MC__HOOK_USAGE);
    while (ps->p < ps->end && mc__cmd_is_blank(*ps->p))
        ps->p++;
    at = ps->p;
    r = mc__cmd_next_word(ps, &rest);
    if (r < 0)
        return r;
    if (r == 0)
        return mc__cmd_fail(ps, "%s: missing COMMAND: %s", ps->ctx,
                            MC__HOOK_USAGE);
    if (mc__cmd_word_is(&rest, "none")) {
        h->command[0] = '\0';
        return mc__cmd_expect_end(ps);
    }
    r = keep_command(ps, at, h->command);
    ps->p = ps->end;
    return r;
}

/* A host's name: 1..MC_CMD_HOST_MAX-1 lower-case letters and digits. */
static bool host_word(const struct mc__word *w)
{
    if (w->len == 0 || w->len >= MC_CMD_HOST_MAX)
        return false;
    for (size_t i = 0; i < w->len; i++)
        if (!((w->s[i] >= 'a' && w->s[i] <= 'z') ||
              (w->s[i] >= '0' && w->s[i] <= '9')))
            return false;
    return true;
}

int mc__cmd_parse_on(struct mc__parser *ps, struct mc_cmd *out)
{
    struct mc_cmd_on *o = &out->on;
    struct mc__word w;
    const char *at;
    int r;

    out->kind = MC_CMD_ON;
    r = mc__cmd_need_word(ps, "HOST", &w);
    if (r != 0)
        return r;
    if (!host_word(&w))
        return mc__cmd_fail(ps,
                            "%s: '%.*s' is not a host's name (lower-case "
                            "letters and digits, e.g. s1): %s",
                            ps->ctx, (int)w.len, w.s, MC__ON_USAGE);
    memcpy(o->host, w.s, w.len);
    o->host[w.len] = '\0';
    while (ps->p < ps->end && mc__cmd_is_blank(*ps->p))
        ps->p++;
    at = ps->p;
    if (at == ps->end)
        return mc__cmd_fail(ps, "%s: missing COMMAND: %s", ps->ctx,
                            MC__ON_USAGE);
    r = keep_command(ps, at, o->command);
    ps->p = ps->end;
    return r;
}
