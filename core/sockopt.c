/*
 * mcscope core: the table of socket options (see sockopt.h).
 */
#include "mcscope/sockopt.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "mcscope/send.h"
#include "mcscope/sock.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the setters and getters of sock.h, as int values ---- */

static int set_loop(int fd, int value, struct mc_err *err)
{
    return mc_sock_set_mcast_loop(fd, value != 0, err);
}

static int get_loop(int fd, int *value, struct mc_err *err)
{
    bool on = false;
    int rc = mc_sock_get_mcast_loop(fd, &on, err);

    *value = on;
    return rc;
}

static int set_mcast_if(int fd, int value, struct mc_err *err)
{
    return mc_sock_set_mcast_if(fd, (unsigned)value, err);
}

static int get_mcast_if(int fd, int *value, struct mc_err *err)
{
    unsigned ifindex = 0;
    int rc = mc_sock_get_mcast_if(fd, &ifindex, err);

    *value = (int)ifindex;
    return rc;
}

static int set_all(int fd, int value, struct mc_err *err)
{
    return mc_sock_set_multicast_all(fd, value != 0, err);
}

static int get_all(int fd, int *value, struct mc_err *err)
{
    bool on = false;
    int rc = mc_sock_get_multicast_all(fd, &on, err);

    *value = on;
    return rc;
}

/* ---- the table ---- */

#define RB(type, f)                                                            \
    {                                                                          \
        MC_FIELD_##type, offsetof(struct mc_family_settings, f)                \
    }
#define ENV(type, f)                                                           \
    {                                                                          \
        MC_FIELD_##type, offsetof(struct mc_sender_env, f)                     \
    }
#define NOFIELD                                                                \
    {                                                                          \
        MC_FIELD_NONE, 0                                                       \
    }
#define TCLASS_TAIL " (e.g. 0x28 for AF11)"

static const struct mc_sockopt table[] = {
    {
        .opt = MC_OPT_HOPLIMIT,
        .name = "hoplimit",
        .alias = "ttl",
        .value = MC_SOCKOPT_NUMBER,
        .where = MC_SOCKOPT_SEND,
        .min = 0,
        .max = 255,
        .what = "the hop limit is",
        .alias_what = "the TTL is",
        .tail = "",
        .apply_min = 1,
        .apply_why = "an IPv4 TTL must be 1..255 (ip(7) IP_TTL) and set "
                     "changes both families: use 1..255 (to keep multicast "
                     "on this host: set mcast-hoplimit 0)",
        .set = mc_sock_set_hoplimit,
        .get = mc_sock_get_hoplimit,
        .readback = RB(INT, hoplimit),
        .env = ENV(INT, hoplimit),
        .step = 1,
        .step_min = 1,
        .step_max = 255,
    },
    {
        .opt = MC_OPT_MCAST_HOPLIMIT,
        .name = "mcast-hoplimit",
        .value = MC_SOCKOPT_NUMBER,
        .where = MC_SOCKOPT_SEND,
        .min = 0,
        .max = 255,
        .what = "the multicast hop limit is",
        .tail = "",
        .set = mc_sock_set_mcast_hoplimit,
        .get = mc_sock_get_mcast_hoplimit,
        .readback = RB(INT, mcast_hoplimit),
        .env = ENV(INT, mcast_hoplimit),
        .step = 1,
        .step_min = 0,
        .step_max = 255,
    },
    {
        .opt = MC_OPT_TCLASS,
        .name = "tclass",
        .alias = "tos",
        .value = MC_SOCKOPT_NUMBER,
        .where = MC_SOCKOPT_SEND,
        .min = 0,
        .max = 255,
        .hex = true,
        .what = "traffic class is",
        .alias_what = "TOS is",
        .tail = TCLASS_TAIL,
        .set = mc_sock_set_tclass,
        .get = mc_sock_get_tclass,
        .readback = RB(INT, tclass),
        .env = ENV(INT, tclass),
        .step = 4, /* one DSCP code point */
        .step_min = 0,
        .step_max = 255,
        .step_keep = 0x03, /* ECN (RFC 3168): never a DSCP step's */
    },
    {
        .opt = MC_OPT_LOOPBACK,
        .name = "loopback",
        .value = MC_SOCKOPT_ONOFF,
        .where = MC_SOCKOPT_SEND,
        .hint = "use on or off",
        .set = set_loop,
        .get = get_loop,
        .readback = RB(BOOL, loopback),
        .env = ENV(INT, loopback),
    },
    {
        .opt = MC_OPT_MCAST_IF,
        .name = "mcast-if",
        .value = MC_SOCKOPT_IFACE,
        .where = MC_SOCKOPT_SEND,
        .hint = "name an interface, or none to clear it",
        .set = set_mcast_if,
        .get = get_mcast_if,
        .readback = RB(UINT, mcast_if),
        .env = ENV(UINT, mcast_if),
    },
    {
        .opt = MC_OPT_MULTICAST_ALL,
        .name = "multicast-all",
        .value = MC_SOCKOPT_ONOFF,
        .where = MC_SOCKOPT_RECEIVE,
        .hint = "use on or off",
        .set = set_all,
        .get = get_all,
        .readback = NOFIELD,
        .env = NOFIELD,
    },
};

const struct mc_sockopt *mc_sockopt_table(size_t *n)
{
    if (n != NULL)
        *n = ARRAY_SIZE(table);
    return table;
}

const struct mc_sockopt *mc_sockopt_get(enum mc_cmd_opt opt)
{
    if ((unsigned)opt >= ARRAY_SIZE(table))
        return NULL;
    return &table[opt];
}

const char *mc_sockopt_name(enum mc_cmd_opt opt)
{
    const struct mc_sockopt *o = mc_sockopt_get(opt);

    return o != NULL ? o->name : "?";
}

static bool is_word(const char *word, size_t len, const char *s)
{
    return s != NULL && strlen(s) == len && memcmp(word, s, len) == 0;
}

const struct mc_sockopt *mc_sockopt_find(const char *word, size_t len,
                                         bool *alias)
{
    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        bool a = is_word(word, len, table[i].alias);

        if (a || is_word(word, len, table[i].name)) {
            if (alias != NULL)
                *alias = a;
            return &table[i];
        }
    }
    return NULL;
}

size_t mc_sockopt_words(const char **words, size_t max)
{
    size_t n = 0;

    /* pass 0: the numbers; 1: their IPv4 spellings; 2: the others */
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
            bool number = table[i].value == MC_SOCKOPT_NUMBER;
            const char *w = pass == 0   ? (number ? table[i].name : NULL)
                            : pass == 1 ? (number ? table[i].alias : NULL)
                                        : (number ? NULL : table[i].name);

            if (w == NULL)
                continue;
            if (n < max)
                words[n] = w;
            n++;
        }
    }
    return n;
}

int mc_sockopt_check_apply(const struct mc_sockopt *o, int value,
                           struct mc_err *err)
{
    if (o->apply_why == NULL || value >= o->apply_min)
        return 0;
    return mc_err_set(err, -EINVAL, "%s %d: %s", o->name, value, o->apply_why);
}

int mc_sockopt_step(const struct mc_sockopt *o, int value, int dir)
{
    int keep = value & o->step_keep;
    int lo = o->step_min & ~o->step_keep, hi = o->step_max & ~o->step_keep;
    int to = (value & ~o->step_keep) + dir * o->step;

    if (o->step == 0)
        return value;
    return (to < lo ? lo : to > hi ? hi : to) | keep;
}

int mc_field_get(const void *rec, struct mc_field f)
{
    const char *p = (const char *)rec + f.off;

    switch (f.type) {
    case MC_FIELD_INT:
        return *(const int *)(const void *)p;
    case MC_FIELD_UINT:
        return (int)*(const unsigned *)(const void *)p;
    case MC_FIELD_BOOL:
        return *(const bool *)(const void *)p;
    default:
        return 0;
    }
}

void mc_field_put(void *rec, struct mc_field f, int value)
{
    char *p = (char *)rec + f.off;

    switch (f.type) {
    case MC_FIELD_INT:
        *(int *)(void *)p = value;
        break;
    case MC_FIELD_UINT:
        *(unsigned *)(void *)p = (unsigned)value;
        break;
    case MC_FIELD_BOOL:
        *(bool *)(void *)p = value != 0;
        break;
    default:
        break;
    }
}
