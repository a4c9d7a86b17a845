/*
 * mcscope core: the command language's hook verb —
 * on-listener GROUP[%IFACE] first|last COMMAND...|none (cmd.h).  COMMAND is
 * the rest of the line, parsed as a command of its own and kept in its
 * canonical text.
 */
#include "cmd_priv.h"

#include <stdio.h>
#include <string.h>

#define HOOK_USAGE "on-listener GROUP first|last COMMAND...|none"

/* The nested command of rest..end into h->command. */
static int parse_command(struct mc__parser *ps, const char *rest,
                         struct mc_cmd_hook *h)
{
    char line[MC_CMD_ECHO_MAX];
    struct mc_err nerr;
    struct mc_cmd c;
    size_t n = (size_t)(ps->end - rest);
    int k;

    if (n >= sizeof line)
        return mc__cmd_fail(ps,
                            "%s: the COMMAND is %zu bytes, more than %d: a "
                            "hook runs one short command",
                            ps->ctx, n, MC_CMD_ECHO_MAX - 1);
    memcpy(line, rest, n);
    line[n] = '\0';
    if (mc_cmd_parse(line, &c, &nerr) != 0)
        return mc__cmd_fail(ps, "%s: %s", ps->ctx, nerr.msg);
    if (c.kind == MC_CMD_NONE)
        return mc__cmd_fail(ps, "%s: missing COMMAND: %s", ps->ctx, HOOK_USAGE);
    if (c.kind == MC_CMD_HOOK || c.kind == MC_CMD_WAIT)
        return mc__cmd_fail(ps,
                            "%s: a hook's COMMAND cannot be %s: it runs "
                            "one command at once (join, leave, send, "
                            "echo, ...)",
                            ps->ctx, mc_cmd_verb_name(&c));
    k = mc_cmd_format(&c, h->command, sizeof h->command);
    if (k < 0)
        return mc__cmd_fail(ps, "%s: the COMMAND's text is longer than %d",
                            ps->ctx, MC_CMD_ECHO_MAX - 1);
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
                            HOOK_USAGE);
    while (ps->p < ps->end && mc__cmd_is_blank(*ps->p))
        ps->p++;
    at = ps->p;
    r = mc__cmd_next_word(ps, &rest);
    if (r < 0)
        return r;
    if (r == 0)
        return mc__cmd_fail(ps, "%s: missing COMMAND: %s", ps->ctx, HOOK_USAGE);
    if (mc__cmd_word_is(&rest, "none")) {
        h->command[0] = '\0';
        return mc__cmd_expect_end(ps);
    }
    r = parse_command(ps, at, h);
    ps->p = ps->end;
    return r;
}
