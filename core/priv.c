/*
 * mcscope core: privileges with libcap (cap_get_proc(3), cap_set_proc(3),
 * cap_drop_bound(3)).  See mcscope/priv.h.
 */
#include "mcscope/priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

static bool have_effective(cap_value_t v)
{
    cap_t caps = cap_get_proc();
    cap_flag_value_t on = CAP_CLEAR;

    if (caps == NULL)
        return false;
    if (cap_get_flag(caps, v, CAP_EFFECTIVE, &on) < 0)
        on = CAP_CLEAR;
    cap_free(caps);
    return on == CAP_SET;
}

bool mc_priv_have_net_raw(void)
{
    return have_effective(CAP_NET_RAW);
}

bool mc_priv_have_net_admin(void)
{
    return have_effective(CAP_NET_ADMIN);
}

static bool permitted(cap_t caps, cap_value_t v)
{
    cap_flag_value_t on = CAP_CLEAR;

    return cap_get_flag(caps, v, CAP_PERMITTED, &on) == 0 && on == CAP_SET;
}

/* Whether any capability is permitted (an empty set needs no drop). */
static bool holds_any(cap_t caps)
{
    cap_t none = cap_init();
    bool any;

    if (none == NULL)
        return true;
    /* cap_compare: 0 when every set is equal */
    any = CAP_DIFFERS(cap_compare(caps, none), CAP_PERMITTED) ||
          CAP_DIFFERS(cap_compare(caps, none), CAP_EFFECTIVE);
    cap_free(none);
    return any;
}

/* The reduced set: keep[i] when held, in permitted and effective. */
static cap_t reduced(cap_t now, const cap_value_t *keep, size_t n)
{
    cap_t want = cap_init();

    if (want == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!permitted(now, keep[i]))
            continue;
        if (cap_set_flag(want, CAP_PERMITTED, 1, &keep[i], CAP_SET) < 0 ||
            cap_set_flag(want, CAP_EFFECTIVE, 1, &keep[i], CAP_SET) < 0) {
            cap_free(want);
            return NULL;
        }
    }
    return want;
}

static bool kept(cap_value_t v, const cap_value_t *keep, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (keep[i] == v)
            return true;
    return false;
}

/* Drop every other capability from the bounding set (needs CAP_SETPCAP,
 * checked by the caller). */
static int drop_bounding(const cap_value_t *keep, size_t n)
{
    cap_value_t max = cap_max_bits();

    for (cap_value_t v = 0; v < max; v++) {
        if (kept(v, keep, n) || cap_get_bound(v) != 1)
            continue;
        if (cap_drop_bound(v) < 0)
            return -errno;
    }
    return 0;
}

int mc_priv_drop_unneeded(bool keep_net_raw, bool keep_net_admin,
                          struct mc_err *err)
{
    cap_value_t keep[2];
    size_t n = 0;
    cap_t now, want;
    int rc = 0;

    mc_err_clear(err);
    if (keep_net_raw)
        keep[n++] = CAP_NET_RAW;
    if (keep_net_admin)
        keep[n++] = CAP_NET_ADMIN;
    now = cap_get_proc();
    if (now == NULL)
        return mc_err_set(err, -errno, "cannot read the capabilities: %s",
                          strerror(errno));
    if (!holds_any(now)) {
        cap_free(now);
        return 0;
    }
    if (have_effective(CAP_SETPCAP))
        rc = drop_bounding(keep, n);
    want = rc == 0 ? reduced(now, keep, n) : NULL;
    if (rc == 0 && want == NULL)
        rc = -(errno ? errno : ENOMEM);
    if (rc == 0 && cap_set_proc(want) < 0)
        rc = -errno;
    cap_free(want);
    cap_free(now);
    if (rc < 0)
        return mc_err_set(err, rc,
                          "cannot drop the capabilities not in use: "
                          "%s",
                          strerror(-rc));
    return 0;
}

bool mc_priv_rcvbuf_needs_admin(int bytes)
{
    FILE *f = fopen("/proc/sys/net/core/rmem_max", "re");
    long max = -1;

    if (f != NULL) {
        if (fscanf(f, "%ld", &max) != 1)
            max = -1;
        fclose(f);
    }
    return max < 0 || (long)bytes > max;
}

const char *mc_priv_describe(char *buf, size_t len)
{
    cap_t caps = cap_get_proc();
    char *text = caps ? cap_to_text(caps, NULL) : NULL;

    if (len > 0)
        snprintf(buf, len, "%s", text ? text : "?");
    cap_free(text);
    cap_free(caps);
    return buf;
}
