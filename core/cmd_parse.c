/*
 * mcscope core: mc_cmd_parse (cmd.h) — a line by the verb table (cmd.c),
 * then, for a hook (on-listener) or on HOST, its COMMAND as a command of its
 * own: checked and kept in its canonical text (cmd_format.c).  The recursion
 * lives here, above the parser and the formatter, so neither calls back.
 */
#include "cmd_priv.h"

#include <errno.h>
#include <string.h>

/* The COMMAND (of a hook or of on HOST) as written in command: parsed,
 * refused when it is nothing, a wait, a hook or an on, else replaced by
 * its canonical text. */
static int nested(char command[MC_CMD_ECHO_MAX], const char *usage,
                  const char *what, const char *ctx, struct mc_err *err)
{
    struct mc_err nerr;
    struct mc_cmd c;

    if (mc_cmd_parse(command, &c, &nerr) != 0)
        return mc_err_set(err, -EINVAL, "%s: %s", ctx, nerr.msg);
    if (c.kind == MC_CMD_NONE)
        return mc_err_set(err, -EINVAL, "%s: missing COMMAND: %s", ctx, usage);
    if (c.kind == MC_CMD_HOOK || c.kind == MC_CMD_WAIT || c.kind == MC_CMD_ON)
        return mc_err_set(err, -EINVAL,
                          "%s: %s cannot be %s: it runs one command at "
                          "once (join, leave, send, echo, ...)",
                          ctx, what, mc_cmd_verb_name(&c));
    if (mc_cmd_format(&c, command, MC_CMD_ECHO_MAX) < 0)
        return mc_err_set(err, -EINVAL,
                          "%s: the COMMAND's text is longer than %d", ctx,
                          MC_CMD_ECHO_MAX - 1);
    return 0;
}

int mc_cmd_parse(const char *line, struct mc_cmd *out, struct mc_err *err)
{
    char ctx[MC__CMD_CTX_MAX];
    struct mc_cmd tmp;
    int r;

    if (out == NULL)
        out = &tmp;
    r = mc__cmd_parse_one(line, out, err, ctx, sizeof ctx);
    if (r == 0 && out->kind == MC_CMD_HOOK && out->hook.command[0] != '\0')
        r = nested(out->hook.command, MC__HOOK_USAGE, "a hook's COMMAND", ctx,
                   err);
    if (r == 0 && out->kind == MC_CMD_ON)
        r = nested(out->on.command, MC__ON_USAGE, "on's COMMAND", ctx, err);
    if (r != 0)
        memset(out, 0, sizeof *out);
    return r;
}
