/*
 * mcscope core: the membership operations, one table: the word of the
 * command language, the MCAST_* option of RFC 3678 §5.1, and whether the
 * operation names a source; and the names of the filter modes, alone and
 * with their sources.
 */
#include "member_priv.h"

#include <stdio.h>

static const struct mc__member_op op_table[] = {
    [MC_OP_JOIN] = {"join", MCAST_JOIN_GROUP, false},
    [MC_OP_LEAVE] = {"leave", MCAST_LEAVE_GROUP, false},
    [MC_OP_JOIN_SOURCE] = {"join-source", MCAST_JOIN_SOURCE_GROUP, true},
    [MC_OP_LEAVE_SOURCE] = {"leave-source", MCAST_LEAVE_SOURCE_GROUP, true},
    [MC_OP_EXCLUDE_SOURCE] = {"exclude-source", MCAST_BLOCK_SOURCE, true},
    [MC_OP_INCLUDE_SOURCE] = {"include-source", MCAST_UNBLOCK_SOURCE, true},
};

#define N_OPS (sizeof op_table / sizeof op_table[0])

const struct mc__member_op *mc__member_op(enum mc_member_op op)
{
    return (unsigned)op < N_OPS ? &op_table[op] : NULL;
}

const char *mc_member_op_name(enum mc_member_op op)
{
    return mc__member_op(op) != NULL ? op_table[op].name
                                     : "membership operation";
}

const char *mc_filter_mode_name(enum mc_filter_mode mode)
{
    switch (mode) {
    case MC_MODE_NONE:
        return "none";
    case MC_MODE_ASM:
        return "asm";
    case MC_MODE_INCLUDE:
        return "include";
    case MC_MODE_EXCLUDE:
        return "exclude";
    }
    return "?";
}

const char *mc_filter_format(enum mc_filter_mode mode,
                             const struct mc_addr *src, size_t n, char *buf,
                             size_t len)
{
    char a[MC_ADDR_STRLEN];
    size_t used;

    if (len == 0)
        return buf;
    snprintf(buf, len, "%s", mc_filter_mode_name(mode));
    for (size_t i = 0; i < n; i++) {
        used = strlen(buf);
        snprintf(buf + used, len - used, "%c%s", i == 0 ? '{' : ',',
                 mc_addr_format(&src[i], a, sizeof a));
    }
    used = strlen(buf);
    if (n > 0 && used + 1 < len)
        snprintf(buf + used, len - used, "}");
    return buf;
}
