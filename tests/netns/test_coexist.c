/*
 * Integration: mcscope beside receivers nobody here wrote, in the lab
 * (RX receives, S1 sends; every count exact):
 *  - a plain UDP receiver (python3, SO_REUSEADDR, wildcard, joined) and
 *    socat (UDP4-RECV, reuseaddr, ip-add-membership), each on a port
 *    mcscope joins the group on, get all of their unicast and multicast
 *    while mcscope runs and after it left (on one port together the kernel
 *    gives a unicast datagram to one of the two, mcscope or not, so each
 *    has its own); mcscope counts the group's datagrams only (passive:
 *    bound to the group, nothing unattributed) and lists both programs
 *    with their pids and names (the kernel's /proc/PID/comm);
 *  - IPv6, a link-scope group (bound with its scope id): the same;
 *  - bind any, the explicit choice: the same plain receiver loses the
 *    port's unicast to mcscope, which names it in by_destination;
 *  - an application holding the port without SO_REUSEADDR (omping's way;
 *    Debian has no omping) started first: mcscope does not fail, it goes
 *    wire-only and names the process (pid and name in the JSON), the
 *    application gets everything and mcscope counts the group on the wire,
 *    and names the datagrams its capture saw for a group nobody joined
 *    (by_destination, seen on the wire);
 *  - the same application started after mcscope: refused by the kernel
 *    (EADDRINUSE) when mcscope holds the group's port, and working with
 *    `bind wire`;
 *  - iperf2's server (`iperf -s -u -B GROUP`) loses nothing of what the
 *    iperf2 client sent, with mcscope on the same group and port;
 *  - two listeners in one mcscope (the seed's: one bound to the wildcard,
 *    one to the group), both families: the group and a second group
 *    joined on the same port, with the port's unicast and multicast-all
 *    on; each row's count equals tshark's count of the datagrams to its
 *    group on RX's link (tcpdump's capture), the second group counted once
 *    (by its own socket), and the wildcard row's other destinations equal
 *    tshark's count of the second group's and the unicast datagrams.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lab.h"
#include "montest.h"
#include "progrun.h"
#include "runout.h"
#include "tcpdump.h"

#define RX_ADDR "10.200.0.10"
#define S1_ADDR "10.200.0.1"
#define RX_ADDR6 "fd42::10"
#define N 200 /* datagrams of each kind and phase */

static struct lab *lab;
static char rx_py[64], tx_py[64];

/* A receiver: binds the wildcard and PORT (SO_REUSEADDR or not), joins
 * GROUP on IFADDR (IPv6: on the interface named IFADDR), counts datagrams
 * by their first two bytes for SECONDS, prints the counts as JSON; a
 * refused bind prints its errno name, exit 3. */
static const char rx_src[] =
    "import errno, json, socket, struct, sys, time\n"
    "port, secs, group, ifaddr = int(sys.argv[1]), float(sys.argv[2]), "
    "sys.argv[3], sys.argv[4]\n"
    "v6 = ':' in group\n"
    "s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, "
    "socket.SOCK_DGRAM)\n"
    "if sys.argv[5] == 'reuse':\n"
    "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
    "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)\n"
    "try:\n"
    "    s.bind(('::' if v6 else '0.0.0.0', port))\n"
    "except OSError as e:\n"
    "    print(json.dumps({'bind': errno.errorcode.get(e.errno)}), "
    "flush=True)\n"
    "    sys.exit(3)\n"
    "if v6:\n"
    "    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, "
    "socket.inet_pton(socket.AF_INET6, group) + "
    "struct.pack('@I', socket.if_nametoindex(ifaddr)))\n"
    "else:\n"
    "    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, "
    "socket.inet_aton(group) + socket.inet_aton(ifaddr))\n"
    "counts, end = {}, time.time() + secs\n"
    "s.settimeout(0.05)\n"
    "while time.time() < end:\n"
    "    try:\n"
    "        d = s.recv(2048)\n"
    "    except socket.timeout:\n"
    "        continue\n"
    "    k = d[:2].decode('ascii', 'replace')\n"
    "    counts[k] = counts.get(k, 0) + 1\n"
    "print(json.dumps(counts), flush=True)\n";

/* A sender: N datagrams of 20 bytes to UNICAST:PORT ('u' PHASE ...) and
 * as many to GROUP:PORT ('m' PHASE ...), 2 ms apart, out of IFADDR
 * (IPv6: out of the interface named IFADDR). */
static const char tx_src[] =
    "import socket, struct, sys, time\n"
    "uni, group, port, phase, n, ifaddr = sys.argv[1], sys.argv[2], "
    "int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6]\n"
    "if ':' in group:\n"
    "    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
    "    idx = socket.if_nametoindex(ifaddr)\n"
    "    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, "
    "struct.pack('@I', idx))\n"
    "    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 4)\n"
    "    dst = (group, port, 0, idx)\n"
    "else:\n"
    "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, "
    "socket.inet_aton(ifaddr))\n"
    "    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 4)\n"
    "    dst = (group, port)\n"
    "for i in range(n):\n"
    "    s.sendto(('u' + phase).encode().ljust(20, b'.'), (uni, port))\n"
    "    s.sendto(('m' + phase).encode().ljust(20, b'.'), dst)\n"
    "    time.sleep(0.002)\n";

static void write_file(char *path, const char *tmpl, const char *text)
{
    int fd;

    strcpy(path, tmpl);
    fd = mkstemps(path, 3);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* Start argv (NULL-terminated) in host's namespace. */
static void ns_spawn(struct prog *p, const char *host, const char **args)
{
    const char *argv[24] = {"/usr/bin/env", "ip", "netns", "exec",
                            lab_ns_name(lab, host)};
    size_t n = 5;

    for (size_t i = 0; args[i] != NULL && n < 23; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    prog_spawn(p, argv);
}

static bool is_v6(const char *group)
{
    return strchr(group, ':') != NULL;
}

static void rx_start(struct prog *p, uint16_t port, const char *secs,
                     const char *group, bool reuse)
{
    char ps[8];

    snprintf(ps, sizeof ps, "%u", (unsigned)port);
    ns_spawn(p, "RX",
             (const char *[]){"python3", rx_py, ps, secs, group,
                              is_v6(group) ? "lab0" : RX_ADDR,
                              reuse ? "reuse" : "noreuse", NULL});
}

static void send_phase(const char *group, uint16_t port, const char *phase)
{
    char cmd[512];

    snprintf(cmd, sizeof cmd, "ip netns exec %s python3 %s %s %s %u %s %d %s",
             lab_ns_name(lab, "S1"), tx_py, is_v6(group) ? RX_ADDR6 : RX_ADDR,
             group, (unsigned)port, phase, N, is_v6(group) ? "lab0" : S1_ADDR);
    assert_int_equal(system(cmd), 0);
}

/* The receiver's counts (its stdout): key -> count. */
static json_object *rx_counts(struct prog *p, int want_status)
{
    char *out, *err;
    json_object *o;

    if (prog_wait(p, 20000, &out, &err) != want_status)
        fail_msg("receiver: exit status not %d: %s %s", want_status, out, err);
    o = tj_parse(out);
    free(out);
    free(err);
    return o;
}

static int64_t count_of(json_object *o, const char *k)
{
    json_object *v;

    return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

/* /proc/PID/comm as the kernel says it. */
static void comm_of(pid_t pid, char *buf, size_t len)
{
    char path[64];
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, (int)len, f));
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

static json_object *mc_report(struct prog *p)
{
    char *out, *err;
    json_object *o;

    if (prog_wait(p, 30000, &out, &err) != 0)
        fail_msg("mcscope: %s %s", out, err);
    o = tj_parse(out);
    free(out);
    free(err);
    return o;
}

/* The app of a group's "apps" with pid, NULL when none. */
static json_object *app_with_pid(json_object *g, pid_t pid)
{
    json_object *apps = tj_key(g, "apps", json_type_array);

    for (size_t i = 0; i < json_object_array_length(apps); i++) {
        json_object *a = json_object_array_get_idx(apps, i);

        if (tj_int(a, "pid") == pid)
            return a;
    }
    return NULL;
}

/* socat's output file: datagrams of 20 bytes, counted by their first two
 * bytes. */
static void socat_counts(const char *path, unsigned *u1, unsigned *m1,
                         unsigned *u2, unsigned *m2, unsigned *other)
{
    char *text = prog_slurp(path);
    size_t len = strlen(text);

    *u1 = *m1 = *u2 = *m2 = *other = 0;
    assert_int_equal(len % 20, 0);
    for (size_t i = 0; i < len; i += 20) {
        if (strncmp(text + i, "u1", 2) == 0)
            (*u1)++;
        else if (strncmp(text + i, "m1", 2) == 0)
            (*m1)++;
        else if (strncmp(text + i, "u2", 2) == 0)
            (*u2)++;
        else if (strncmp(text + i, "m2", 2) == 0)
            (*m2)++;
        else
            (*other)++;
    }
    free(text);
}

/* The group of root's report on port. */
static json_object *group_on(json_object *root, const char *group, int port)
{
    json_object *arr = tj_key(root, "groups", json_type_array);

    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *g = json_object_array_get_idx(arr, i);

        if (strcmp(tj_str(g, "group"), group) == 0 && tj_int(g, "port") == port)
            return g;
    }
    fail_msg("no group %s port %d in the report", group, port);
    return NULL;
}

/* A plain receiver and socat beside mcscope: all of theirs, while it
 * runs and after; mcscope's is the group's only, both named. */
static void passive_beside(void **state)
{
    const char *group = "239.12.0.1";
    struct prog rx, so, mc;
    char sock_file[64], socat_recv[128], socat_out[96], join[96], join2[96];
    char comm_rx[32], comm_so[32];
    unsigned u1, m1, u2, m2, other;
    json_object *root, *g, *a, *c;
    int st;

    (void)state;
    snprintf(sock_file, sizeof sock_file, "/tmp/mcs-socat-%d.out",
             (int)getpid());
    snprintf(socat_recv, sizeof socat_recv,
             "UDP4-RECV:7125,reuseaddr,ip-add-membership=%s:%s", group,
             RX_ADDR);
    snprintf(socat_out, sizeof socat_out, "CREATE:%s", sock_file);
    rx_start(&rx, 7120, "7", group, true);
    ns_spawn(&so, "RX",
             (const char *[]){"socat", "-u", socat_recv, socat_out, NULL});
    prog_sleep_ms(700);
    comm_of(rx.pid, comm_rx, sizeof comm_rx);
    comm_of(so.pid, comm_so, sizeof comm_so);
    assert_string_equal(comm_so, "socat");
    snprintf(join, sizeof join, "join %s dev lab0 port 7120", group);
    snprintf(join2, sizeof join2, "join %s dev lab0 port 7125", group);
    prog_start(&mc, lab, "RX", "--batch", "3.5", "--json", "-e", join, "-e",
               join2, NULL);
    prog_sleep_ms(700);
    send_phase(group, 7120, "1");
    send_phase(group, 7125, "1");
    root = mc_report(&mc); /* mcscope left */
    send_phase(group, 7120, "2");
    send_phase(group, 7125, "2");
    c = rx_counts(&rx, 0);
    assert_int_equal(count_of(c, "u1"), N);
    assert_int_equal(count_of(c, "m1"), N);
    assert_int_equal(count_of(c, "u2"), N);
    assert_int_equal(count_of(c, "m2"), N);
    json_object_put(c);
    prog_sleep_ms(200);
    kill(so.pid, SIGTERM);
    waitpid(so.pid, &st, 0);
    socat_counts(sock_file, &u1, &m1, &u2, &m2, &other);
    unlink(sock_file);
    assert_int_equal(u1, N);
    assert_int_equal(m1, N);
    assert_int_equal(u2, N);
    assert_int_equal(m2, N);
    assert_int_equal(other, 0);

    assert_int_equal(
        tj_int(tj_key(root, "unattributed", json_type_object), "packets"), 0);
    g = group_on(root, group, 7125);
    assert_string_equal(tj_str(g, "binding"), "group");
    assert_int_equal(tj_int(g, "packets"), N);
    a = app_with_pid(g, so.pid);
    assert_non_null(a);
    assert_string_equal(tj_str(a, "comm"), "socat");
    assert_string_equal(tj_str(a, "local"), "0.0.0.0:7125");
    assert_null(app_with_pid(g, rx.pid)); /* another port */
    g = group_on(root, group, 7120);
    assert_string_equal(tj_str(g, "binding"), "group");
    assert_int_equal(tj_int(g, "packets"), N);
    a = app_with_pid(g, rx.pid);
    assert_non_null(a);
    assert_string_equal(tj_str(a, "comm"), comm_rx);
    assert_string_equal(tj_str(a, "local"), "0.0.0.0:7120");
    assert_true(json_object_get_boolean(
        tj_key(a, "receives_group", json_type_boolean)));
    assert_int_equal(tj_int(a, "drops"), 0);
    /* /proc counts the sockets holding the group on lab0 (Users):
     * mcscope's two, the receiver's and socat's */
    assert_int_equal(tj_int(g, "other_members"), 2);
    json_object_put(root);
}

/* IPv6, a link-scope group: its socket is bound to ff12::…%lab0 (the
 * scope id the bind needs); the plain receiver keeps all of its own. */
static void passive_v6_link_scope(void **state)
{
    const char *group = "ff12::c:1";
    struct prog rx, mc;
    json_object *root, *g, *c;

    (void)state;
    rx_start(&rx, 7126, "4", group, true);
    prog_sleep_ms(700);
    prog_start(&mc, lab, "RX", "--batch", "2.5", "--json", "-e",
               "join ff12::c:1 dev lab0 port 7126", NULL);
    prog_sleep_ms(700);
    send_phase(group, 7126, "1");
    root = mc_report(&mc);
    g = tj_group(root, group);
    assert_string_equal(tj_str(g, "binding"), "group");
    assert_int_equal(tj_int(g, "packets"), N);
    assert_int_equal(
        tj_int(tj_key(root, "unattributed", json_type_object), "packets"), 0);
    assert_non_null(app_with_pid(g, rx.pid));
    assert_int_equal(
        json_object_array_length(tj_key(root, "errors", json_type_array)), 0);
    json_object_put(root);
    c = rx_counts(&rx, 0);
    assert_int_equal(count_of(c, "u1"), N);
    assert_int_equal(count_of(c, "m1"), N);
    json_object_put(c);
}

/* bind any, asked for: the port's unicast goes to mcscope's wildcard
 * socket (the most recent bind), named in by_destination. */
static void bind_any_takes_unicast(void **state)
{
    const char *group = "239.12.0.2";
    struct prog rx, mc;
    json_object *root, *g, *un, *d;

    (void)state;
    rx_start(&rx, 7121, "4", group, true);
    prog_sleep_ms(700);
    prog_start(&mc, lab, "RX", "--batch", "2.5", "--json", "-e",
               "join 239.12.0.2 dev lab0 port 7121 bind any", NULL);
    prog_sleep_ms(700);
    send_phase(group, 7121, "1");
    root = mc_report(&mc);
    g = tj_group(root, group);
    assert_string_equal(tj_str(g, "binding"), "any");
    assert_int_equal(tj_int(g, "packets"), N);
    un = tj_key(root, "unattributed", json_type_object);
    assert_int_equal(tj_int(un, "packets"), N);
    d = json_object_array_get_idx(tj_key(un, "by_destination", json_type_array),
                                  0);
    assert_non_null(d);
    assert_string_equal(tj_str(d, "dst"), RX_ADDR);
    assert_int_equal(tj_int(d, "port"), 7121);
    assert_string_equal(tj_str(d, "seen"), "socket");
    assert_int_equal(tj_int(d, "packets"), N);
    json_object_put(root);
    root = rx_counts(&rx, 0);
    assert_int_equal(count_of(root, "m1"), N);
    assert_int_equal(count_of(root, "u1"), 0); /* taken: why it is opt-in */
    json_object_put(root);
}

/* An application holding the port without SO_REUSEADDR, first: mcscope
 * watches the wire and names it. */
static void holder_first(void **state)
{
    const char *group = "239.12.0.3";
    struct prog app, mc;
    char comm[32];
    json_object *root, *g, *h, *c, *d;

    (void)state;
    rx_start(&app, 7122, "4.5", group, false);
    prog_sleep_ms(700);
    comm_of(app.pid, comm, sizeof comm);
    prog_start(&mc, lab, "RX", "--batch", "3", "--json", "-e",
               "join 239.12.0.3 dev lab0 port 7122", NULL);
    assert_true(prog_wait_capture(&mc, 10000));
    prog_sleep_ms(200); /* its filter follows the open in the same pass */
    send_phase(group, 7122, "1");
    send_phase("239.12.0.9", 7127, "x"); /* a group nobody joined */
    root = mc_report(&mc);
    d = json_object_array_get_idx(
        tj_key(tj_key(root, "unattributed", json_type_object), "by_destination",
               json_type_array),
        0);
    assert_non_null(d);
    assert_string_equal(tj_str(d, "dst"), "239.12.0.9");
    assert_int_equal(tj_int(d, "port"), 7127);
    assert_string_equal(tj_str(d, "seen"), "wire");
    assert_int_equal(tj_int(d, "packets"), N);
    g = tj_group(root, group);
    assert_string_equal(tj_str(g, "binding"), "wire-only");
    h = tj_key(g, "holder", json_type_object);
    assert_int_equal(tj_int(h, "pid"), app.pid);
    assert_string_equal(tj_str(h, "comm"), comm);
    assert_int_equal(tj_int(g, "packets"), 0);
    assert_int_equal(tj_int(g, "wire_packets"), N);
    assert_non_null(app_with_pid(g, app.pid));
    assert_int_equal(
        json_object_array_length(tj_key(root, "errors", json_type_array)), 0);
    json_object_put(root);
    c = rx_counts(&app, 0);
    assert_int_equal(count_of(c, "u1"), N);
    assert_int_equal(count_of(c, "m1"), N);
    json_object_put(c);
}

/* The same application after mcscope: the kernel refuses its bind when
 * mcscope holds the group's port (no SO_REUSEADDR on its side: the rule
 * of udp_lib_lport_inuse); with bind wire mcscope binds nothing there. */
static void holder_second(void **state)
{
    const char *group = "239.12.0.4";
    struct prog app, mc;
    json_object *root, *g, *c;

    (void)state;
    prog_start(&mc, lab, "RX", "--batch", "1.5", "--json", "-e",
               "join 239.12.0.4 dev lab0 port 7123", NULL);
    prog_sleep_ms(700);
    rx_start(&app, 7123, "1", group, false);
    c = rx_counts(&app, 3);
    assert_string_equal(tj_str(c, "bind"), "EADDRINUSE");
    json_object_put(c);
    json_object_put(mc_report(&mc));

    prog_start(&mc, lab, "RX", "--batch", "3", "--json", "-e",
               "join 239.12.0.4 dev lab0 port 7123 bind wire", NULL);
    prog_sleep_ms(1000);
    rx_start(&app, 7123, "3", group, false);
    prog_sleep_ms(500);
    send_phase(group, 7123, "1");
    root = mc_report(&mc);
    g = tj_group(root, group);
    assert_string_equal(tj_str(g, "binding"), "wire-only");
    assert_int_equal(tj_int(tj_key(g, "holder", json_type_object), "pid"), 0);
    assert_int_equal(tj_int(g, "packets"), 0);
    assert_int_equal(tj_int(g, "wire_packets"), N);
    assert_non_null(app_with_pid(g, app.pid));
    json_object_put(root);
    c = rx_counts(&app, 0);
    assert_int_equal(count_of(c, "u1"), N);
    assert_int_equal(count_of(c, "m1"), N);
    json_object_put(c);
}

/* The last "A/B (" of iperf2's server report: lost A of total B. */
static bool iperf_loss(const char *out, long *lost, long *total)
{
    const char *p = out, *hit = NULL;

    while ((p = strstr(p, "%)")) != NULL)
        hit = p++;
    if (hit == NULL)
        return false;
    while (hit > out && hit[-1] != ' ')
        hit--; /* at "(0%)" */
    while (hit > out && hit[-1] == ' ')
        hit--;
    while (hit > out && hit[-1] != ' ')
        hit--; /* at "0/625" */
    return sscanf(hit, "%ld/%ld", lost, total) == 2;
}

static void iperf_server(void **state)
{
    struct prog srv, mc;
    char cmd[512], *out, *err;
    long lost = -1, total = -1, sent = -1;
    json_object *root, *g;
    FILE *p;
    char line[512];

    (void)state;
    if (access("/usr/bin/iperf", X_OK) != 0)
        skip();
    ns_spawn(&srv, "RX",
             (const char *[]){"iperf", "-s", "-u", "-B", "239.12.0.5", "-p",
                              "7124", "-l", "200", NULL});
    prog_sleep_ms(700);
    prog_start(&mc, lab, "RX", "--batch", "4", "--json", "--pcap", "-e",
               "join 239.12.0.5 dev lab0 port 7124", NULL);
    prog_sleep_ms(1200);
    snprintf(cmd, sizeof cmd,
             "ip netns exec %s iperf -c 239.12.0.5 -u -p 7124 -B %s -T 4 "
             "-l 200 -b 400K -t 1 2>&1",
             lab_ns_name(lab, "S1"), S1_ADDR);
    p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(line, sizeof line, p) != NULL) {
        const char *s = strstr(line, "Sent ");

        if (s != NULL)
            sscanf(s, "Sent %ld datagrams", &sent);
    }
    assert_int_equal(pclose(p), 0);
    root = mc_report(&mc);
    prog_sleep_ms(300);
    kill(srv.pid, SIGTERM);
    prog_wait(&srv, 5000, &out, &err);
    if (!iperf_loss(out, &lost, &total))
        fail_msg("no loss line in iperf's output: %s %s", out, err);
    assert_int_equal(lost, 0);
    assert_true(total > 200);
    assert_true(sent >= total);
    g = tj_group(root, "239.12.0.5");
    assert_string_equal(tj_str(g, "binding"), "group");
    /* mcscope's socket got every datagram the wire carried */
    assert_int_equal(tj_int(g, "packets"), tj_int(g, "wire_packets"));
    assert_true(tj_int(g, "packets") >= total);
    free(out);
    free(err);
    json_object_put(root);
}

/* ---- two listeners in one monitor ---- */

/* tshark's count of the UDP datagrams to dst:port in pcap. */
static long tshark_to(const char *pcap, const char *dst, uint16_t port)
{
    char filter[160], out[1 << 16], *lines[4096];
    size_t n;
    int rc;

    snprintf(filter, sizeof filter, "udp.dstport == %u && %s.dst == %s",
             (unsigned)port, is_v6(dst) ? "ipv6" : "ip", dst);
    rc = tu_run_out((char *const[]){"tshark", "-r", (char *)pcap, "-Y", filter,
                                    "-T", "fields", "-e", "frame.number", NULL},
                    out, sizeof out);
    if (rc != 0)
        fail_msg("tshark -r %s -Y '%s': exit %d", pcap, filter, rc);
    n = tu_split(out, '\n', lines, 4096);
    while (n > 0 && lines[n - 1][0] == '\0')
        n--; /* after the last newline */
    return (long)n;
}

/* The row of group on port with binding ("group", "any"). */
static json_object *row_bound(json_object *root, const char *group, int port,
                              const char *binding)
{
    json_object *arr = tj_key(root, "groups", json_type_array);

    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *g = json_object_array_get_idx(arr, i);

        if (strcmp(tj_str(g, "group"), group) == 0 &&
            tj_int(g, "port") == port &&
            strcmp(tj_str(g, "binding"), binding) == 0)
            return g;
    }
    fail_msg("no row %s port %d bound to %s in the report", group, port,
             binding);
    return NULL;
}

/* One family's rows against tshark: g1 joined bound to the group and to
 * the wildcard, g2 bound to its group, the port's unicast to uni. */
static void two_rows_check(json_object *root, const char *pcap, const char *g1,
                           const char *g2, const char *uni, uint16_t port)
{
    long t1 = tshark_to(pcap, g1, port), t2 = tshark_to(pcap, g2, port);
    long tu = tshark_to(pcap, uni, port);
    json_object *bg = row_bound(root, g1, port, "group");
    json_object *ba = row_bound(root, g1, port, "any");
    json_object *b2 = row_bound(root, g2, port, "group");

    print_message("  %s: tshark %ld to it, %ld to %s, %ld unicast; mcscope "
                  "group %ld, any %ld (other %ld), %s %ld\n",
                  g1, t1, t2, g2, tu, (long)tj_int(bg, "packets"),
                  (long)tj_int(ba, "packets"),
                  (long)tj_int(ba, "other_destinations"), g2,
                  (long)tj_int(b2, "packets"));
    assert_int_equal(t1, N); /* the sender's: tshark saw them all */
    assert_int_equal(t2, N);
    assert_int_equal(tu, 2 * N);
    assert_int_equal(tj_int(bg, "packets"), t1);
    assert_int_equal(tj_int(ba, "packets"), t1);
    assert_int_equal(tj_int(b2, "packets"), t2); /* once: its own socket */
    assert_int_equal(tj_int(ba, "other_destinations"), t2 + tu);
    assert_false(tj_has(bg, "other_destinations"));
    assert_false(tj_has(b2, "other_destinations"));
}

static void two_listeners(void **state)
{
    struct tcpdump td;
    struct prog mc;
    char pcap[64];
    json_object *root;

    (void)state;
    if (!tu_have_prog("tshark") || !tu_have_prog("tcpdump"))
        skip();
    snprintf(pcap, sizeof pcap, "/tmp/mcs-two-%d.pcap", (int)getpid());
    assert_true(tcpdump_start(&td, lab_ns_name(lab, "RX"), "in",
                              "udp port 7128", pcap));
    prog_start(&mc, lab, "RX", "--batch", "5", "--json", "-e",
               "join 239.12.0.7 dev lab0 port 7128", "-e",
               "join 239.12.0.7 dev lab0 port 7128 bind any", "-e",
               "join 239.12.0.8 dev lab0 port 7128", "-e",
               "join ff15::c:7 dev lab0 port 7128", "-e",
               "join ff15::c:7 dev lab0 port 7128 bind any", "-e",
               "join ff15::c:8 dev lab0 port 7128", "-e",
               "set multicast-all on", NULL);
    prog_sleep_ms(700);
    send_phase("239.12.0.7", 7128, "1");
    send_phase("239.12.0.8", 7128, "2");
    send_phase("ff15::c:7", 7128, "1");
    send_phase("ff15::c:8", 7128, "2");
    root = mc_report(&mc);
    tcpdump_stop(&td);
    assert_int_equal(
        json_object_array_length(tj_key(root, "errors", json_type_array)), 0);
    two_rows_check(root, pcap, "239.12.0.7", "239.12.0.8", RX_ADDR, 7128);
    two_rows_check(root, pcap, "ff15::c:7", "ff15::c:8", RX_ADDR6, 7128);
    unlink(pcap);
    json_object_put(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(passive_beside),
        cmocka_unit_test(passive_v6_link_scope),
        cmocka_unit_test(bind_any_takes_unicast),
        cmocka_unit_test(holder_first),
        cmocka_unit_test(holder_second),
        cmocka_unit_test(iperf_server),
        cmocka_unit_test(two_listeners),
    };
    int rc;

    lab = lab_create(false); /* not root: skips (77) */
    prog_find();
    if (access("/usr/bin/socat", X_OK) != 0 ||
        system("python3 -c '' 2>/dev/null") != 0) {
        fprintf(stderr, "socat or python3 missing: scripts/deps.sh --test\n");
        lab_destroy(lab);
        return LAB_SKIP;
    }
    write_file(rx_py, "/tmp/mcs-rx-XXXXXX.py", rx_src);
    write_file(tx_py, "/tmp/mcs-tx-XXXXXX.py", tx_src);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(rx_py);
    unlink(tx_py);
    lab_destroy(lab);
    return rc;
}
