/*
 * Unit tests of core/apps.c: /proc/net/udp{,6} lines as the kernel prints
 * them (udp4_format_sock, __ip6_dgram_sock_seq_show), refusals of lines
 * that do not fit, a fake /proc tree (the sockets of the ports asked for,
 * named by their fd links, the last answer lending its names), and the
 * live /proc against sockets this test binds itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mcscope/apps.h"

static const char *v4_header =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
    "retrnsmt   uid  timeout inode ref pointer drops\n";

/* 239.1.2.3:5000 (0x1388), rx queue 0x9C0, uid 0, inode 4242, drops 17 */
static const char *v4_line =
    "  123: 030201EF:1388 00000000:0000 07 00000000:000009C0 00:00000000 "
    "00000000     0        0 4242 2 0000000000000000 17\n";

/* [::]:5001 and [ff15::1234]:5002 (each word %08X of s6_addr32[i]) */
static const char *v6_any =
    "  7: 00000000000000000000000000000000:1389 "
    "00000000000000000000000000000000:0000 07 00000000:00000000 "
    "00:00000000 00000000  1000        0 99 2 0000000000000000 0\n";

static void test_parse_v4(void **state)
{
    struct mc_udp_sock s;
    char a[INET6_ADDRSTRLEN];

    (void)state;
    assert_int_equal(mc_udp_parse_line(v4_header, AF_INET, &s), 1);
    assert_int_equal(mc_udp_parse_line(v4_line, AF_INET, &s), 0);
    assert_int_equal(s.family, AF_INET);
    assert_string_equal(mc_addr_format(&s.local, a, sizeof a), "239.1.2.3");
    assert_int_equal(s.lport, 5000);
    assert_int_equal(s.state, 7);
    assert_int_equal(s.rx_queue, 0x9c0);
    assert_int_equal(s.tx_queue, 0);
    assert_int_equal(s.inode, 4242);
    assert_int_equal(s.drops, 17);
    assert_int_equal(s.uid, 0);
}

static void test_parse_v6(void **state)
{
    struct mc_udp_sock s;
    struct in6_addr g;
    uint32_t w[4];
    char line[512], a[INET6_ADDRSTRLEN];

    (void)state;
    assert_int_equal(mc_udp_parse_line(v6_any, AF_INET6, &s), 0);
    assert_true(mc_addr_is_unspecified(&s.local));
    assert_int_equal(s.lport, 5001);
    assert_int_equal(s.uid, 1000);
    assert_int_equal(s.inode, 99);
    /* a group, printed the kernel's way */
    inet_pton(AF_INET6, "ff15::1234", &g);
    memcpy(w, &g, sizeof w);
    snprintf(line, sizeof line,
             "  8: %08X%08X%08X%08X:138A 00000000000000000000000000000000:0000 "
             "07 00000000:00000000 00:00000000 00000000     0        0 100 2 "
             "0000000000000000 3\n",
             w[0], w[1], w[2], w[3]);
    assert_int_equal(mc_udp_parse_line(line, AF_INET6, &s), 0);
    assert_string_equal(mc_addr_format(&s.local, a, sizeof a), "ff15::1234");
    assert_int_equal(s.lport, 5002);
    assert_int_equal(s.drops, 3);
}

static void test_parse_refused(void **state)
{
    static const char *const bad[] = {
        "",
        "\n",
        "garbage",
        /* an IPv4 line read as IPv6: the address is too short */
        NULL,
        "  1: 030201EF:1388 00000000:0000 07 00000000:000009C0 00:00000000",
        "  1: 030201EG:1388 00000000:0000 07 00000000:000009C0 00:00000000 "
        "00000000 0 0 1 2 0 0",
        "  1: 030201EF:13889 00000000:0000 07 00000000:000009C0 00:00000000 "
        "00000000 0 0 1 2 0 0",
        "  1: 030201EF:1388 00000000:0000 07 00000000:000009C0 00:00000000 "
        "00000000 0 0 -1 2 0 0",
        "  1 030201EF:1388 00000000:0000 07 00000000:000009C0 00:00000000 "
        "00000000 0 0 1 2 0 0",
        "  1: 030201EF:1388 00000000:0000 07 00000000:000009C0 00:00000000 "
        "00000000 0 0 1 2 0 99999999999",
    };
    struct mc_udp_sock s;

    (void)state;
    assert_int_equal(mc_udp_parse_line(v4_line, AF_INET6, &s), -EINVAL);
    assert_int_equal(s.inode, 0); /* cleared */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (bad[i] == NULL)
            continue;
        if (mc_udp_parse_line(bad[i], AF_INET, &s) != -EINVAL)
            fail_msg("accepted: '%s'", bad[i]);
    }
    assert_int_equal(mc_udp_parse_line(v4_line, AF_UNIX, &s), -EINVAL);
    assert_int_equal(mc_udp_parse_line(NULL, AF_INET, &s), -EINVAL);
}

/* ---- a fake /proc ---- */

static char root[64];

static void put_file(const char *rel, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", root, rel);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void mk(const char *rel)
{
    char path[256];

    snprintf(path, sizeof path, "%s/%s", root, rel);
    assert_int_equal(mkdir(path, 0755), 0);
}

static void link_fd(const char *pid, const char *fd, const char *target)
{
    char path[256];

    snprintf(path, sizeof path, "%s/%s/fd/%s", root, pid, fd);
    assert_int_equal(symlink(target, path), 0);
}

static int fake_setup(void **state)
{
    char text[1024];

    (void)state;
    snprintf(root, sizeof root, "/tmp/mcscope-apps-XXXXXX");
    assert_non_null(mkdtemp(root));
    mk("net");
    snprintf(text, sizeof text, "%s%s", v4_header, v4_line);
    /* a second socket on 5000 (inode 4243) and one on another port */
    strcat(text, "  124: 00000000:1388 00000000:0000 07 00000000:00000000 "
                 "00:00000000 00000000     0        0 4243 2 0 5\n");
    strcat(text, "  125: 00000000:0035 00000000:0000 07 00000000:00000000 "
                 "00:00000000 00000000     0        0 4244 2 0 0\n");
    put_file("net/udp", text);
    snprintf(text, sizeof text, "  sl  local_address ...\n%s", v6_any);
    put_file("net/udp6", text);
    mk("321");
    mk("321/fd");
    put_file("321/comm", "omping\n");
    link_fd("321", "0", "/dev/null");
    link_fd("321", "3", "socket:[4242]");
    mk("654");
    mk("654/fd");
    put_file("654/comm", "iperf\n");
    link_fd("654", "5", "socket:[99]");
    mk("self-not-a-pid");
    return 0;
}

static int fake_teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void test_fake_proc(void **state)
{
    const uint16_t ports[] = {5000, 5001};
    struct mc_app *v, *w;
    size_t n, nw;
    struct mc_err err;
    int pid;
    char comm[MC_COMM_MAX];

    (void)state;
    assert_int_equal(mc_apps_read(root, ports, 2, NULL, 0, &v, &n, &err), 0);
    assert_int_equal(n, 3); /* 4242 and 4243 on 5000, 99 on 5001 */
    assert_int_equal(v[0].s.inode, 99);
    assert_int_equal(v[0].pid, 654);
    assert_string_equal(v[0].comm, "iperf");
    assert_int_equal(v[0].s.family, AF_INET6);
    assert_int_equal(v[1].s.inode, 4242);
    assert_int_equal(v[1].pid, 321);
    assert_string_equal(v[1].comm, "omping");
    assert_int_equal(v[1].s.drops, 17);
    assert_int_equal(v[2].s.inode, 4243);
    assert_int_equal(v[2].pid, 0); /* no process holds it */
    assert_string_equal(v[2].comm, "");
    /* The last answer lends its names: the walk is not needed. */
    v[1].pid = 777;
    strcpy(v[1].comm, "kept");
    assert_int_equal(mc_apps_read(root, ports, 2, v, n, &w, &nw, &err), 0);
    assert_int_equal(nw, 3);
    assert_int_equal(w[1].pid, 777);
    assert_string_equal(w[1].comm, "kept");
    assert_int_equal(w[0].pid, 654);
    free(w);
    free(v);
    /* No port: nothing read. */
    assert_int_equal(mc_apps_read(root, ports, 0, NULL, 0, &v, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_null(v);
    mc_apps_owner(root, 99, &pid, comm);
    assert_int_equal(pid, 654);
    assert_string_equal(comm, "iperf");
    mc_apps_owner(root, 12345, &pid, comm);
    assert_int_equal(pid, 0);
}

/* The live /proc: a socket this process binds is found, named as this
 * process, with the queue the kernel reports. */
static void test_live(void **state)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_DGRAM, 0), tx;
    uint16_t port;
    struct mc_app *v;
    size_t n;
    struct mc_err err;
    char comm[MC_COMM_MAX] = "", buf[100] = {0};
    FILE *f;

    (void)state;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    tx = socket(AF_INET, SOCK_DGRAM, 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(
            sendto(tx, buf, sizeof buf, 0, (struct sockaddr *)&a, sizeof a),
            (ssize_t)sizeof buf);
    assert_int_equal(mc_apps_read(NULL, &port, 1, NULL, 0, &v, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].pid, getpid());
    f = fopen("/proc/self/comm", "r");
    assert_non_null(f);
    assert_non_null(fgets(comm, sizeof comm, f));
    fclose(f);
    comm[strcspn(comm, "\n")] = '\0';
    assert_string_equal(v[0].comm, comm);
    assert_int_equal(v[0].s.lport, port);
    assert_true(v[0].s.rx_queue >= 3 * sizeof buf); /* with skb overhead */
    free(v);
    close(tx);
    close(fd);
}

/* What the sock_diag dump found of the sockets of one port. */
struct diag_found {
    uint16_t port;
    struct mc_udp_sock s[4];
    size_t n;
};

static int diag_keep(void *arg, const struct mc_udp_sock *s)
{
    struct diag_found *d = arg;

    if (s->lport == d->port && d->n < 4)
        d->s[d->n++] = *s;
    return 0;
}

/* The /proc line of inode in /proc/net/udp{,6}: 0 and *out, or -1. */
static int proc_line(int family, uint64_t inode, struct mc_udp_sock *out)
{
    char line[512];
    FILE *f =
        fopen(family == AF_INET ? "/proc/net/udp" : "/proc/net/udp6", "r");
    int rc = -1;

    if (f == NULL)
        return -1;
    while (rc < 0 && fgets(line, sizeof line, f) != NULL)
        if (mc_udp_parse_line(line, family, out) == 0 && out->inode == inode)
            rc = 0;
    fclose(f);
    return rc;
}

/* The kernel's sock_diag dump (udp_diag.c) says of a socket what its
 * /proc/net/udp line says: address, port, state, queues, uid, inode and
 * drops, for a socket with 3 datagrams queued and one connected. */
static void test_diag_as_proc(void **state)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_DGRAM, 0),
        tx = socket(AF_INET, SOCK_DGRAM, 0);
    struct diag_found d = {0};
    char buf[100] = {0};
    int rc;

    (void)state;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(
            sendto(tx, buf, sizeof buf, 0, (struct sockaddr *)&a, sizeof a),
            (ssize_t)sizeof buf);
    d.port = ntohs(a.sin_port);
    rc = mc_udp_diag_read(AF_INET, diag_keep, &d);
    if (rc == -ENOENT || rc == -EPROTONOSUPPORT) {
        close(tx);
        close(fd);
        skip(); /* no udp_diag in this kernel: mcscope reads /proc */
    }
    assert_int_equal(rc, 0);
    assert_int_equal(d.n, 1);
    {
        struct mc_udp_sock p, *s = &d.s[0];

        assert_int_equal(proc_line(AF_INET, s->inode, &p), 0);
        assert_int_equal(s->family, p.family);
        assert_true(mc_addr_equal(&s->local, &p.local));
        assert_int_equal(s->lport, p.lport);
        assert_int_equal(s->rport, p.rport);
        assert_int_equal(s->state, p.state);
        assert_int_equal(s->rx_queue, p.rx_queue);
        assert_true(s->rx_queue >= 3 * sizeof buf);
        assert_int_equal(s->tx_queue, p.tx_queue);
        assert_int_equal(s->uid, p.uid);
        assert_int_equal(s->drops, p.drops);
    }
    close(tx);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_v4),
        cmocka_unit_test(test_parse_v6),
        cmocka_unit_test(test_parse_refused),
        cmocka_unit_test_setup_teardown(test_fake_proc, fake_setup,
                                        fake_teardown),
        cmocka_unit_test(test_live),
        cmocka_unit_test(test_diag_as_proc),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
