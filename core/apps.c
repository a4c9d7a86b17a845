/*
 * mcscope core: the other UDP sockets on the host (apps.h).  The line
 * format is udp4_format_sock and udp6_sock_seq_show (net/ipv4/udp.c,
 * net/ipv6/datagram.c __ip6_dgram_sock_seq_show):
 *
 *   "%5d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu
 *    %d %pK %u"   sl local rem st tx:rx tr:when retrnsmt uid timeout inode
 *                 ref pointer drops
 *
 * udp6 prints each address as four %08X words.  Every word is the
 * kernel's 32-bit value in host order, so it goes back into the address
 * as it was read.  The parser trusts nothing: a line that does not fit
 * is -EINVAL.
 */
#include "mcscope/apps.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define FIELDS 13 /* sl .. drops */
#define FIELD_MAX 64

/* The next whitespace-separated field of *s into f (cut fields fail). */
static bool next_field(const char **s, char f[FIELD_MAX])
{
    const char *p = *s;
    size_t n = 0;

    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || *p == '\n' || *p == '\r')
        return false;
    while (*p != '\0' && !isspace((unsigned char)*p)) {
        if (n + 1 >= FIELD_MAX)
            return false;
        f[n++] = *p++;
    }
    f[n] = '\0';
    *s = p;
    return true;
}

/* Exactly digits hex digits (digits 0: one or more, up to 16). */
static bool hex_n(const char *s, size_t digits, uint64_t *out)
{
    uint64_t v = 0;
    size_t n = 0;

    for (; mc__hex_digit(s[n]) >= 0; n++) {
        if (n >= 16)
            return false;
        v = v << 4 | (uint64_t)mc__hex_digit(s[n]);
    }
    if (n == 0 || s[n] != '\0' || (digits != 0 && n != digits))
        return false;
    *out = v;
    return true;
}

static bool dec(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t n = 0;

    for (; isdigit((unsigned char)s[n]); n++) {
        if (v > (max - (uint64_t)(s[n] - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(s[n] - '0');
    }
    if (n == 0 || s[n] != '\0')
        return false;
    *out = v;
    return true;
}

/* "A:B" into two pieces of hex (widths wa, wb; 0: any). */
static bool hex_pair(const char *f, size_t wa, size_t wb, uint64_t *a,
                     uint64_t *b, char left[FIELD_MAX])
{
    const char *colon = strchr(f, ':');

    if (colon == NULL || strchr(colon + 1, ':') != NULL)
        return false;
    memcpy(left, f, (size_t)(colon - f));
    left[colon - f] = '\0';
    if (b != NULL && !hex_n(colon + 1, wb, b))
        return false;
    return a == NULL || hex_n(left, wa, a);
}

/* ADDR:PORT of the family: 8 hex digits (IPv4) or 32 (IPv6). */
static bool endpoint(const char *f, int family, struct mc_addr *a,
                     uint16_t *port)
{
    char left[FIELD_MAX], word[9];
    uint64_t p, v;

    if (!hex_pair(f, 0, 4, NULL, &p, left))
        return false;
    memset(a, 0, sizeof *a);
    a->family = family;
    *port = (uint16_t)p;
    if (family == AF_INET) {
        if (!hex_n(left, 8, &v))
            return false;
        a->u.v4.s_addr = (uint32_t)v;
        return true;
    }
    if (strlen(left) != 32)
        return false;
    for (int i = 0; i < 4; i++) {
        uint32_t w;

        memcpy(word, left + 8 * i, 8);
        word[8] = '\0';
        if (!hex_n(word, 8, &v))
            return false;
        w = (uint32_t)v;
        memcpy(&a->u.v6.s6_addr[4 * i], &w, 4);
    }
    return true;
}

static bool is_header(const char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    return strncmp(line, "sl ", 3) == 0;
}

int mc_udp_parse_line(const char *line, int family, struct mc_udp_sock *out)
{
    char f[FIELDS][FIELD_MAX], left[FIELD_MAX];
    struct mc_udp_sock s;
    uint64_t a, b;
    size_t len;
    int i;

    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (line == NULL || out == NULL ||
        (family != AF_INET && family != AF_INET6))
        return -EINVAL;
    if (is_header(line))
        return 1;
    for (i = 0; i < FIELDS; i++)
        if (!next_field(&line, f[i]))
            return -EINVAL;
    memset(&s, 0, sizeof s);
    s.family = family;
    len = strlen(f[0]);
    if (len < 2 || f[0][len - 1] != ':')
        return -EINVAL;
    f[0][len - 1] = '\0';
    if (!dec(f[0], UINT32_MAX, &a))
        return -EINVAL;
    if (!endpoint(f[1], family, &s.local, &s.lport) ||
        !endpoint(f[2], family, &s.remote, &s.rport))
        return -EINVAL;
    if (!hex_n(f[3], 2, &a))
        return -EINVAL;
    s.state = (unsigned)a;
    if (!hex_pair(f[4], 8, 8, &a, &b, left))
        return -EINVAL;
    s.tx_queue = (uint32_t)a;
    s.rx_queue = (uint32_t)b;
    if (!hex_pair(f[5], 0, 0, &a, &b, left) || !hex_n(f[6], 0, &a))
        return -EINVAL;
    if (!dec(f[7], UINT32_MAX, &a))
        return -EINVAL;
    s.uid = (uint32_t)a;
    if (!dec(f[9], UINT64_MAX, &s.inode) || !dec(f[12], UINT32_MAX, &a))
        return -EINVAL;
    s.drops = a;
    *out = s;
    return 0;
}

/* ---- the live files ---- */

static bool port_wanted(uint16_t port, const uint16_t *ports, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ports[i] == port)
            return true;
    return false;
}

static int by_inode(const void *a, const void *b)
{
    const struct mc_app *x = a, *y = b;

    return x->s.inode < y->s.inode ? -1 : x->s.inode > y->s.inode;
}

static struct mc_app *find_inode(const struct mc_app *v, size_t n,
                                 uint64_t inode)
{
    struct mc_app key;

    key.s.inode = inode;
    return v == NULL ? NULL : bsearch(&key, v, n, sizeof *v, by_inode);
}

static void read_comm(const char *proc, int pid, char comm[MC_COMM_MAX])
{
    char path[64];
    FILE *f;

    comm[0] = '\0';
    snprintf(path, sizeof path, "%s/%d/comm", proc, pid);
    f = fopen(path, "re");
    if (f == NULL)
        return;
    if (fgets(comm, MC_COMM_MAX, f) == NULL)
        comm[0] = '\0';
    comm[strcspn(comm, "\n")] = '\0';
    fclose(f);
}

/* The inode of a link "socket:[N]"; false for anything else. */
static bool socket_inode(const char *link, uint64_t *inode)
{
    char num[24];
    size_t n;

    if (strncmp(link, "socket:[", 8) != 0)
        return false;
    n = strlen(link + 8);
    if (n < 2 || n > sizeof num || link[8 + n - 1] != ']')
        return false;
    memcpy(num, link + 8, n - 1);
    num[n - 1] = '\0';
    return dec(num, UINT64_MAX, inode);
}

/* Give the sockets of v (sorted by inode) that process pid holds its pid
 * and name; returns how many it named. */
static size_t name_from_pid(const char *proc, const char *pid, struct mc_app *v,
                            size_t n)
{
    char path[300], link[64], comm[MC_COMM_MAX] = "";
    struct dirent *e;
    size_t named = 0;
    uint64_t p;
    DIR *d;

    if (!dec(pid, INT32_MAX, &p))
        return 0;
    snprintf(path, sizeof path, "%s/%s/fd", proc, pid);
    d = opendir(path);
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char fdpath[600];
        struct mc_app *a;
        uint64_t inode;
        ssize_t len;

        if (e->d_name[0] == '.')
            continue;
        snprintf(fdpath, sizeof fdpath, "%s/%s", path, e->d_name);
        len = readlink(fdpath, link, sizeof link - 1);
        if (len <= 0)
            continue;
        link[len] = '\0';
        if (!socket_inode(link, &inode))
            continue;
        a = find_inode(v, n, inode);
        if (a == NULL || a->pid != 0)
            continue;
        if (comm[0] == '\0')
            read_comm(proc, (int)p, comm);
        a->pid = (int)p;
        memcpy(a->comm, comm, sizeof a->comm);
        named++;
    }
    closedir(d);
    return named;
}

/* One walk of /proc/PID/fd for every socket of v without a process. */
static void name_all(const char *proc, struct mc_app *v, size_t n,
                     size_t unnamed)
{
    struct dirent *e;
    DIR *d = opendir(proc);

    if (d == NULL)
        return;
    while (unnamed > 0 && (e = readdir(d)) != NULL) {
        size_t k = name_from_pid(proc, e->d_name, v, n);

        unnamed -= k < unnamed ? k : unnamed;
    }
    closedir(d);
}

void mc_apps_name(const char *proc, struct mc_app *v, size_t n)
{
    size_t unnamed = 0;

    for (size_t i = 0; i < n; i++)
        unnamed += v[i].pid == 0;
    if (unnamed > 0)
        name_all(proc != NULL ? proc : "/proc", v, n, unnamed);
}

static mc_apps_namer_fn namer;
static void *namer_arg;

void mc_apps_set_namer(mc_apps_namer_fn fn, void *arg)
{
    namer = fn;
    namer_arg = arg;
}

void mc_apps_owner(const char *proc, uint64_t inode, int *pid,
                   char comm[MC_COMM_MAX])
{
    struct mc_app a;

    memset(&a, 0, sizeof a);
    a.s.inode = inode;
    name_all(proc != NULL ? proc : "/proc", &a, 1, 1);
    *pid = a.pid;
    memcpy(comm, a.comm, MC_COMM_MAX);
}

/* Where the sockets of one read go. */
struct sock_sink {
    const uint16_t *ports;
    size_t nports;
    struct mc_app **v;
    size_t *n, *cap;
};

/* One socket into the sink when it is on a port asked for: 0 or
 * -ENOMEM. */
static int sink_add(void *arg, const struct mc_udp_sock *s)
{
    struct sock_sink *k = arg;
    struct mc_app *g;

    if (s->inode == 0 || !port_wanted(s->lport, k->ports, k->nports))
        return 0;
    g = mc__grown(*k->v, k->cap, *k->n, sizeof **k->v);
    if (g == NULL)
        return -ENOMEM;
    *k->v = g;
    memset(&g[*k->n], 0, sizeof g[*k->n]);
    g[*k->n].s = *s;
    (*k->n)++;
    return 0;
}

static int read_file(const char *proc, int family, const uint16_t *ports,
                     size_t nports, struct mc_app **v, size_t *n, size_t *cap,
                     struct mc_err *err)
{
    char path[256], line[512];
    struct mc_udp_sock s;
    struct sock_sink sink = {ports, nports, v, n, cap};
    size_t had = *n;
    FILE *f;
    int rc;

    /* This host's own tables: the kernel's dump, when it has one. */
    if (strcmp(proc, "/proc") == 0) {
        rc = mc_udp_diag_read(family, sink_add, &sink);
        if (rc == -ENOMEM)
            return mc_err_set(err, rc,
                              "out of memory for the sockets of a port");
        if (rc == 0)
            return 0;
        *n = had; /* what a failed dump gave goes; /proc tells */
    }

    snprintf(path, sizeof path, "%s/net/%s", proc,
             family == AF_INET ? "udp" : "udp6");
    f = fopen(path, "re");
    if (f == NULL) {
        int e = errno;

        if (e == ENOENT) /* no IPv6 on this host */
            return 0;
        return mc_err_set(err, -e, "%s: %s", path, mc_strerror(-e));
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (mc_udp_parse_line(line, family, &s) != 0)
            continue;
        if (sink_add(&sink, &s) < 0) {
            fclose(f);
            return mc_err_set(err, -ENOMEM,
                              "out of memory for the sockets of a port");
        }
    }
    fclose(f);
    return 0;
}

int mc_apps_read(const char *proc, const uint16_t *ports, size_t nports,
                 const struct mc_app *prev, size_t nprev, struct mc_app **v,
                 size_t *n, struct mc_err *err)
{
    size_t cap = 0, unnamed = 0;
    int rc;

    mc_err_clear(err);
    *v = NULL;
    *n = 0;
    if (proc == NULL)
        proc = "/proc";
    if (nports == 0)
        return 0;
    rc = read_file(proc, AF_INET, ports, nports, v, n, &cap, err);
    if (rc == 0)
        rc = read_file(proc, AF_INET6, ports, nports, v, n, &cap, err);
    if (rc < 0) {
        free(*v);
        *v = NULL;
        *n = 0;
        return rc;
    }
    if (*n == 0)
        return 0;
    qsort(*v, *n, sizeof **v, by_inode);
    for (size_t i = 0; i < *n; i++) {
        const struct mc_app *old = find_inode(prev, nprev, (*v)[i].s.inode);

        if (old != NULL && old->pid != 0) {
            (*v)[i].pid = old->pid;
            memcpy((*v)[i].comm, old->comm, sizeof old->comm);
        } else {
            unnamed++;
        }
    }
    if (unnamed > 0 && namer != NULL && strcmp(proc, "/proc") == 0)
        namer(namer_arg, *v, *n);
    else if (unnamed > 0)
        name_all(proc, *v, *n, unnamed);
    return 0;
}
