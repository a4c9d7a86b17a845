/*
 * mcscope core: what the kernel holds, from the live files of /proc/net
 * (parsed by kstate_parse.c) and /proc/sys.
 */
#include "mcscope/kstate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- live files ---- */

/* Files under /proc report size 0: read until EOF.  Caller frees *text. */
static int read_text(const char *path, char **text)
{
    size_t len = 0, cap = 8192;
    char *buf = malloc(cap), *grown;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;
    int rc = 0;

    *text = NULL;
    if (fd < 0 || buf == NULL) {
        rc = fd < 0 ? -errno : -ENOMEM;
        goto out;
    }
    for (;;) {
        if (cap - len < 4096) {
            grown = realloc(buf, cap * 2);
            if (grown == NULL) {
                rc = -ENOMEM;
                goto out;
            }
            buf = grown;
            cap *= 2;
        }
        n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = -errno;
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *text = buf;
    buf = NULL;
out:
    if (fd >= 0)
        close(fd);
    free(buf);
    return rc;
}

static int read_error(const char *path, int rc, struct mc_err *err)
{
    if (rc == -ENOENT)
        return mc_err_set(err, rc,
                          "%s does not exist: is this address family "
                          "disabled (ipv6.disable=1) or /proc not mounted?",
                          path);
    return mc_err_set(err, rc, "cannot read %s: %s", path, mc_strerror(rc));
}

/* The per-family file and parser behind mc_kstate_read_groups/_sources. */
struct proc_file {
    const char *path;
    int (*parse)(const char *text, void *out);
};

static int proc_parse_igmp(const char *text, void *out)
{
    return mc_kstate_parse_igmp(text, out, NULL);
}

static int proc_parse_igmp6(const char *text, void *out)
{
    return mc_kstate_parse_igmp6(text, out, NULL);
}

static int proc_parse_mcfilter(const char *text, void *out)
{
    return mc_kstate_parse_mcfilter(text, out, NULL);
}

static int proc_parse_mcfilter6(const char *text, void *out)
{
    return mc_kstate_parse_mcfilter6(text, out, NULL);
}

/* Read files[0] (IPv4) or files[1] (IPv6) and parse it into out. */
static int read_proc(int family, const struct proc_file files[2], void *out,
                     struct mc_err *err)
{
    const struct proc_file *f;
    char *text;
    int rc;

    mc_err_clear(err);
    if (family != AF_INET && family != AF_INET6)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "address family %d has no /proc/net multicast "
                          "state: ask for AF_INET or AF_INET6",
                          family);
    f = &files[family == AF_INET ? 0 : 1];
    rc = read_text(f->path, &text);
    if (rc < 0)
        return read_error(f->path, rc, err);
    rc = f->parse(text, out);
    free(text);
    if (rc < 0)
        return mc_err_set(err, rc, "out of memory reading %s", f->path);
    return 0;
}

int mc_kstate_read_groups(int family, struct mc_kgroups *out,
                          struct mc_err *err)
{
    static const struct proc_file files[2] = {
        {"/proc/net/igmp", proc_parse_igmp},
        {"/proc/net/igmp6", proc_parse_igmp6}};

    return read_proc(family, files, out, err);
}

int mc_kstate_read_sources(int family, struct mc_ksources *out,
                           struct mc_err *err)
{
    static const struct proc_file files[2] = {
        {"/proc/net/mcfilter", proc_parse_mcfilter},
        {"/proc/net/mcfilter6", proc_parse_mcfilter6}};

    return read_proc(family, files, out, err);
}

/* ---- /proc/sys ---- */

/*
 * "net.ipv4.igmp_max_msf" or "net/ipv4/igmp_max_msf".  A name that has a
 * '/' is taken as a path, so that dotted interface names (eth0.100) work.
 */
static int sysctl_path(const char *name, char *path, size_t len)
{
    const char *prefix = "/proc/sys/";
    size_t plen = strlen(prefix), nlen, i;
    bool slashes;

    if (name == NULL || name[0] == '\0' || name[0] == '/' || name[0] == '.' ||
        strstr(name, "..") != NULL)
        return -EINVAL;
    nlen = strlen(name);
    if (plen + nlen + 1 > len)
        return -ENAMETOOLONG;
    slashes = strchr(name, '/') != NULL;
    memcpy(path, prefix, plen);
    for (i = 0; i < nlen; i++)
        path[plen + i] = (!slashes && name[i] == '.') ? '/' : name[i];
    path[plen + nlen] = '\0';
    return 0;
}

int mc_sysctl_read_long(const char *name, long *value)
{
    char path[PATH_MAX], *text, *end;
    long v;
    int rc;

    rc = sysctl_path(name, path, sizeof path);
    if (rc < 0)
        return rc;
    rc = read_text(path, &text);
    if (rc < 0)
        return rc;
    errno = 0;
    v = strtol(text, &end, 10);
    if (end == text || errno == ERANGE) {
        free(text);
        return -EINVAL;
    }
    while (*end != '\0' && strchr(" \t\r\v\f\n", *end) != NULL)
        end++;
    rc = *end == '\0' ? 0 : -EINVAL; /* one number, nothing else */
    free(text);
    if (rc == 0 && value != NULL)
        *value = v;
    return rc;
}
