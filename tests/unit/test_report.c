/*
 * Unit tests: core/report.c — the JSON report of DESIGN.md (every
 * documented key, with its type, parsed back with json-c) and the text
 * table, from a monitor in a private network namespace that sends probes
 * to itself over lo (IPv4), plus plain (non-probe) datagrams, a group that
 * was left, refused lines and errors.  With the wire cross-check on lo:
 * wire_packets per group and source, a wire-only source (its packets
 * excluded), the note, the kernel's state next to the model (and a
 * mismatch made behind the monitor's back), the reports list with a
 * message without records, the captures, and the text report's columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcscope/io.h"
#include "mcscope/member.h"
#include "mcscope/monitor.h"
#include "mcscope/priv.h"
#include "mcscope/report.h"
#include "mcscope/sock.h"
#include "rawigmp.h"
#include "testns.h"
#include "testutil.h"

#define MS 1000000LL

static struct mc_monitor *mon(void)
{
    struct mc_monitor *m;
    struct mc_err err;

    if (mc_monitor_new(NULL, &m, &err) < 0)
        fail_msg("mc_monitor_new: %s", err.msg);
    return m;
}

static void ok(struct mc_monitor *m, const char *line)
{
    struct mc_err err;

    if (mc_monitor_exec_line(m, line, &err) != 0)
        fail_msg("'%s' failed: %s", line, err.msg);
}

/* Loop until no sender runs and nothing came for 100 ms. */
static void pump_quiet(struct mc_monitor *m)
{
    tu_monitor_run_quiet(&m, 1, 100, 20000, NULL, NULL);
}

static json_object *parse_report(struct mc_monitor *m, int64_t now)
{
    char *text = mc_report_json_string(m, now, 0);
    json_object *root;

    assert_non_null(text);
    root = json_tokener_parse(text);
    if (root == NULL)
        fail_msg("the report is not JSON: %s", text);
    free(text);
    return root;
}

static json_object *key(json_object *o, const char *k, json_type type)
{
    json_object *v;

    if (!json_object_object_get_ex(o, k, &v))
        fail_msg("key \"%s\" missing in %s", k, json_object_to_json_string(o));
    if (!json_object_is_type(v, type))
        fail_msg("key \"%s\" is a %s, not a %s", k,
                 json_type_to_name(json_object_get_type(v)),
                 json_type_to_name(type));
    return v;
}

static bool has(json_object *o, const char *k)
{
    return json_object_object_get_ex(o, k, NULL);
}

static int64_t ikey(json_object *o, const char *k)
{
    return json_object_get_int64(key(o, k, json_type_int));
}

static const char *skey(json_object *o, const char *k)
{
    return json_object_get_string(key(o, k, json_type_string));
}

static json_object *item(json_object *arr, size_t i)
{
    assert_true(i < json_object_array_length(arr));
    return json_object_array_get_idx(arr, i);
}

/* The documented top-level keys with their types. */
static void check_top(json_object *root)
{
    key(root, "elapsed_s", json_type_double);
    key(root, "groups", json_type_array);
    key(root, "reports", json_type_array);
    key(root, "errors", json_type_array);
    key(key(root, "unattributed", json_type_object), "packets", json_type_int);
    /* the link's listeners: an array, empty without listeners on */
    assert_int_equal(
        json_object_array_length(key(root, "listeners", json_type_array)), 0);
    key(root, "socket_drops", json_type_int);
    key(root, "senders", json_type_array);
    key(root, "settings", json_type_object);
}

/* The documented keys of a group. */
static void check_group(json_object *g)
{
    const char *mode = skey(g, "mode");
    json_object *filter = key(g, "filter", json_type_array);

    skey(g, "group");
    skey(g, "iface");
    ikey(g, "port");
    assert_true(strcmp(skey(g, "family"), "ipv4") == 0 ||
                strcmp(skey(g, "family"), "ipv6") == 0);
    assert_true(strcmp(mode, "asm") == 0 || strcmp(mode, "include") == 0 ||
                strcmp(mode, "exclude") == 0 || strcmp(mode, "none") == 0);
    for (size_t i = 0; i < json_object_array_length(filter); i++)
        assert_true(json_object_is_type(item(filter, i), json_type_string));
    ikey(g, "packets");
    ikey(g, "bytes");
    key(g, "by_source", json_type_array);
    assert_false(has(g, "wire_packets")); /* no capture covered it */
}

static void test_empty(void **state)
{
    struct mc_monitor *m = mon();
    json_object *root;

    (void)state;
    root = parse_report(m, mc_monitor_start_ns(m) + 3000 * MS);
    check_top(root);
    assert_true(json_object_get_double(
                    key(root, "elapsed_s", json_type_double)) == 3.0);
    assert_int_equal(
        json_object_array_length(key(root, "groups", json_type_array)), 0);
    assert_int_equal(
        json_object_array_length(key(root, "reports", json_type_array)), 0);
    assert_int_equal(
        json_object_array_length(key(root, "errors", json_type_array)), 0);
    json_object_put(root);
    mc_monitor_free(m);
}

static void test_probes(void **state)
{
    struct mc_monitor *m = mon();
    json_object *root, *g, *src, *errs, *snd;
    struct mc_err err;

    (void)state;
    ok(m, "join 239.5.0.1 dev lo port 6300");
    ok(m, "exclude-source 239.5.0.1 10.0.0.9 dev lo port 6300");
    ok(m, "send 239.5.0.1 dev lo port 6300 rate 2000 count 100 size 100 "
          "tclass 0x28 hoplimit 9");
    assert_int_equal(mc_monitor_exec_line(m, "jion 239.5.0.1", &err), -EINVAL);
    /* A quote in a user word: json-c escapes it, the text comes back. */
    assert_int_equal(mc_monitor_exec_line(m, "join 239.5.0.2 dev a\"b", &err),
                     -ENODEV);
    pump_quiet(m);
    root = parse_report(m, 0);
    check_top(root);
    g = item(key(root, "groups", json_type_array), 0);
    check_group(g);
    assert_string_equal(skey(g, "group"), "239.5.0.1");
    assert_string_equal(skey(g, "iface"), "lo");
    assert_int_equal(ikey(g, "port"), 6300);
    assert_string_equal(skey(g, "family"), "ipv4");
    assert_string_equal(skey(g, "mode"), "exclude");
    assert_string_equal(
        json_object_get_string(item(key(g, "filter", json_type_array), 0)),
        "10.0.0.9");
    assert_true(json_object_get_boolean(key(g, "joined", json_type_boolean)));
    assert_int_equal(ikey(g, "packets"), 100);
    assert_int_equal(ikey(g, "bytes"), 100 * 100);
    assert_int_equal(ikey(g, "lost"), 0);
    key(g, "pps", json_type_double);
    key(g, "first_s", json_type_double);
    src = item(key(g, "by_source", json_type_array), 0);
    assert_string_equal(skey(src, "source"), "10.255.0.1");
    assert_int_equal(ikey(src, "packets"), 100);
    assert_int_equal(ikey(src, "bytes"), 100 * 100);
    assert_int_equal(ikey(src, "lost"), 0);
    assert_int_equal(ikey(src, "duplicates"), 0);
    assert_int_equal(ikey(src, "reordered"), 0);
    assert_int_equal(ikey(src, "hoplimit"), 9);
    assert_int_equal(ikey(src, "tclass"), 0x28);
    assert_int_equal(ikey(src, "probes"), 100);
    key(key(src, "delay_us", json_type_object), "avg", json_type_double);
    key(src, "jitter_us", json_type_double);
    key(src, "mean_pps", json_type_double);
    { /* one flow (one UDP source port), its payload detected */
        json_object *fl = item(key(src, "flows", json_type_array), 0);

        assert_string_equal(skey(fl, "payload"), "probe");
        assert_int_equal(ikey(fl, "packets"), 100);
        assert_int_equal(ikey(fl, "lost"), 0);
        assert_int_equal(ikey(fl, "loss_runs"), 0);
        key(key(fl, "iat_us", json_type_object), "max", json_type_double);
        assert_int_equal(ikey(key(src, "hoplimits", json_type_object), "9"),
                         100);
        assert_int_equal(ikey(key(src, "tclasses", json_type_object), "40"),
                         100);
    }

    errs = key(root, "errors", json_type_array);
    assert_int_equal(json_object_array_length(errs), 2);
    assert_non_null(strstr(json_object_get_string(item(errs, 0)), "jion"));
    assert_non_null(strstr(json_object_get_string(item(errs, 1)),
                           "join 239.5.0.2 dev "
                           "a\"b: "));
    snd = item(key(root, "senders", json_type_array), 0);
    assert_int_equal(ikey(snd, "sent"), 100);
    assert_int_equal(ikey(snd, "count"), 100);
    assert_false(
        json_object_get_boolean(key(snd, "running", json_type_boolean)));
    assert_int_equal(strlen(skey(snd, "sender_id")), 16);
    json_object_put(root);
    mc_monitor_free(m);
}

/* Datagrams that are no probes: counted, loss unknown (no keys, "—"). */
static void test_plain_and_left(void **state)
{
    struct mc_monitor *m = mon();
    uint8_t payload[40] = "not a probe";
    struct mc_txmsg msg = {
        .data = payload, .len = sizeof payload, .port = 6301};
    json_object *root, *g, *src;
    struct mc_err err;
    char *text, *line;
    int fd;

    (void)state;
    ok(m, "join 239.5.0.3 dev lo port 6301");
    fd = mc_sock_open_udp(AF_INET, &err);
    assert_true(fd >= 0);
    assert_int_equal(mc_sock_set_mcast_if(fd, testns_lo_index(), &err), 0);
    assert_int_equal(mc_addr_parse("239.5.0.3", &msg.dst, NULL, 0, &err), 0);
    for (int i = 0; i < 7; i++)
        assert_int_equal(mc_send_one(fd, &msg, &err), sizeof payload);
    close(fd);
    pump_quiet(m);
    ok(m, "leave 239.5.0.3 dev lo port 6301");
    root = parse_report(m, 0);
    g = item(key(root, "groups", json_type_array), 0);
    check_group(g);
    assert_string_equal(skey(g, "mode"), "none");
    assert_false(json_object_get_boolean(key(g, "joined", json_type_boolean)));
    assert_int_equal(ikey(g, "packets"), 7);
    assert_false(has(g, "lost"));
    src = item(key(g, "by_source", json_type_array), 0);
    assert_int_equal(ikey(src, "packets"), 7);
    assert_int_equal(ikey(src, "bytes"), 7 * 40);
    assert_false(has(src, "lost"));
    assert_false(has(src, "duplicates"));
    assert_false(has(src, "reordered"));
    json_object_put(root);

    text = mc_report_text_string(m, 0);
    assert_non_null(text);
    line = strstr(text, "\n  10.255.0.1");
    assert_non_null(line);
    assert_non_null(strstr(line, "\xe2\x80\x94")); /* loss: unknown */
    free(text);
    mc_monitor_free(m);
}

/* Column positions of the header's words. */
static size_t col_end(const char *header, const char *word)
{
    const char *p = strstr(header, word);

    assert_non_null(p);
    return (size_t)(p - header) + strlen(word);
}

static void test_text(void **state)
{
    struct mc_monitor *m = mon();
    struct mc_err err;
    char *text, *nl, *row;
    size_t pk_end;
    FILE *f;
    static char buf[1 << 16]; /* the whole JSON, flows included */
    size_t n;

    (void)state;
    ok(m, "join 239.5.0.4 dev lo port 6302");
    ok(m, "join-source 232.5.0.4 10.0.0.1 dev lo port 6302");
    ok(m, "send 239.5.0.4 dev lo port 6302 rate 1000 count 12 tclass 0x28 "
          "hoplimit 5");
    assert_int_equal(mc_monitor_exec_line(m, "join 239.5.0.5 dev nosuch", &err),
                     -ENODEV);
    pump_quiet(m);
    text = mc_report_text_string(m, 0);
    assert_non_null(text);
    assert_true(strncmp(text, "GROUP", 5) == 0);
    nl = strchr(text, '\n');
    assert_non_null(nl);
    *nl = '\0';
    pk_end = col_end(text, "PACKETS");
    assert_true(strstr(text, "IFACE") != NULL && strstr(text, "MODE") &&
                strstr(text, "LOSS") && strstr(text, "REORD") &&
                strstr(text, " HL ") && strstr(text, " TC"));
    /* Numbers are right-aligned under their heading. */
    row = nl + 1;
    assert_true(strncmp(row, "239.5.0.4", 9) == 0);
    assert_true(row[pk_end - 1] == '2' && row[pk_end - 2] == '1' &&
                row[pk_end] == ' ');
    assert_non_null(strstr(row, " asm "));
    assert_non_null(strstr(row, "0x28"));
    row = strchr(row, '\n') + 1;
    assert_true(strncmp(row, "  10.255.0.1", 12) == 0);
    row = strchr(row, '\n') + 1;
    assert_true(strncmp(row, "232.5.0.4", 9) == 0);
    assert_non_null(strstr(row, "include{10.0.0.1}"));
    *nl = '\n';
    assert_non_null(strstr(text, "\nelapsed "));
    assert_non_null(strstr(text, "\nflows of 239.5.0.4 port 6302:\n"));
    assert_non_null(strstr(text, "probe  packets 12"));
    /* under the flow's line, its TTL and TOS tables */
    row = strstr(text, "probe  packets 12");
    row = strchr(row, '\n') + 1;
    assert_true(strncmp(row, "    TTL 5: 12 (0 changes)\n", 26) == 0);
    row = strchr(row, '\n') + 1;
    assert_true(strncmp(row, "    TOS 0x28: 12 (0 changes)\n", 29) == 0);
    assert_non_null(strstr(text, "sender 239.5.0.4 port 6302 dev lo: 12 sent"));
    assert_non_null(strstr(text, "\nerror: join 239.5.0.5 dev nosuch: "));
    free(text);

    /* The FILE* forms write the same, JSON with a final newline. */
    f = tmpfile();
    assert_non_null(f);
    assert_int_equal(mc_report_json(m, 0, MC_REPORT_PRETTY, f, &err), 0);
    rewind(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    assert_true(n > 0 && buf[n - 1] == '\n');
    assert_non_null(strstr(buf, "\n  \"groups\": ["));
    fclose(f);
    mc_monitor_free(m);
}

/* Capture needs CAP_NET_RAW (in this namespace's user namespace). */
static void need_net_raw(void)
{
    if (!mc_priv_have_net_raw())
        skip();
}

/* The report entry of a message without records: IGMPv2 leave of g. */
static json_object *leave_entry(json_object *root, const char *g)
{
    json_object *reps = key(root, "reports", json_type_array);

    for (size_t i = 0; i < json_object_array_length(reps); i++) {
        json_object *r = item(reps, i);

        if (strcmp(skey(r, "type"), "leave") == 0 && has(r, "group") &&
            strcmp(skey(r, "group"), g) == 0)
            return r;
    }
    fail_msg("no leave of %s in the reports", g);
    return NULL;
}

/* The monitor's receive socket bound to (group, port): the monitor
 * polls its sockets through one epoll descriptor, so it is found among
 * this process's descriptors by its bound address. */
static int socket_bound_to(const struct mc_addr *group, uint16_t port)
{
    for (int fd = 3; fd < 4096; fd++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        struct mc_addr a;
        uint16_t p;
        int type;
        socklen_t tl = sizeof type;

        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 ||
            type != SOCK_DGRAM ||
            getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
            mc_addr_from_sockaddr((struct sockaddr *)&ss, &a, &p) < 0)
            continue;
        if (p == port && mc_addr_equal(&a, group))
            return fd;
    }
    fail_msg("no socket bound to the group");
    return -1;
}

static void test_wire(void **state)
{
    struct mc_monitor *m;
    uint8_t leave[8] = {0x17, 0, 0, 0, 239, 5, 9, 9};
    json_object *root, *g, *src, *k, *r, *cap, *row;
    struct mc_addr grp = tu_addr("239.5.0.6"), self = tu_addr("10.255.0.1");
    struct mc_group_kernel gk;
    struct pollfd fds[8];
    struct mc_err err;
    char *text;

    (void)state;
    need_net_raw();
    m = mon();
    ok(m, "pcap on");
    ok(m, "join 239.5.0.6 dev lo port 6303");
    ok(m, "exclude-source 239.5.0.6 10.255.0.1 dev lo port 6303");
    ok(m, "send 239.5.0.6 dev lo port 6303 rate 2000 count 20");
    rawigmp_checksum(leave, sizeof leave);
    rawigmp_send(testns_lo_index(), "224.0.0.2", leave, sizeof leave);
    pump_quiet(m);
    root = parse_report(m, 0);
    check_top(root);
    g = item(key(root, "groups", json_type_array), 0);
    assert_int_equal(ikey(g, "packets"), 0);
    assert_int_equal(ikey(g, "wire_packets"), 20);
    assert_int_equal(ikey(g, "wire_bytes"), 20 * 64);
    /* A source only the wire saw: an entry with packets 0. */
    src = item(key(g, "by_source", json_type_array), 0);
    assert_string_equal(skey(src, "source"), "10.255.0.1");
    assert_int_equal(ikey(src, "packets"), 0);
    assert_int_equal(ikey(src, "bytes"), 0);
    assert_int_equal(ikey(src, "wire_packets"), 20);
    assert_string_equal(skey(src, "wire_note"),
                        "filtered by the kernel: SSM exclude");
    assert_int_equal(
        ikey(key(src, "wire_filtered", json_type_object), "excluded"), 20);
    assert_false(has(src, "lost"));
    /* The kernel's side */
    k = key(g, "kernel", json_type_object);
    assert_string_equal(skey(k, "mode"), "exclude");
    assert_string_equal(
        json_object_get_string(item(key(k, "sources", json_type_array), 0)),
        "10.255.0.1");
    assert_false(
        json_object_get_boolean(key(k, "mismatch", json_type_boolean)));
    assert_false(has(k, "mismatch_text"));
    assert_true(ikey(key(k, "proc", json_type_object), "users") >= 1);
    row = item(
        key(key(k, "proc", json_type_object), "sources", json_type_array), 0);
    assert_string_equal(skey(row, "source"), "10.255.0.1");
    assert_int_equal(ikey(row, "exc"), 1);
    assert_int_equal(ikey(row, "inc"), 0);
    /* The reports list: a message without records */
    r = leave_entry(root, "239.5.9.9");
    key(r, "t", json_type_double);
    assert_string_equal(skey(r, "dir"), "in");
    assert_string_equal(skey(r, "iface"), "lo");
    assert_string_equal(skey(r, "proto"), "igmpv2");
    skey(r, "src");
    assert_int_equal(
        json_object_array_length(key(r, "records", json_type_array)), 0);
    /* The captures */
    k = key(root, "wire", json_type_object);
    assert_true(json_object_get_boolean(key(k, "pcap", json_type_boolean)));
    cap = item(key(k, "captures", json_type_array), 0);
    assert_string_equal(skey(cap, "iface"), "lo");
    assert_true(json_object_get_boolean(key(cap, "open", json_type_boolean)));
    assert_string_equal(skey(cap, "directions"), "in+out");
    assert_int_equal(ikey(cap, "dropped"), 0);
    assert_false(has(cap, "file"));
    assert_int_equal(ikey(k, "malformed"), 0);
    skey(key(root, "settings", json_type_object), "capabilities");
    json_object_put(root);

    text = mc_report_text_string(m, 0);
    assert_non_null(text);
    assert_non_null(strstr(text, " WIRE NOTE\n"));
    assert_non_null(strstr(text, "20 filtered by the kernel: SSM exclude\n"));
    assert_non_null(strstr(text, "capture lo (open, in+out)"));
    assert_non_null(strstr(text, "leave 239.5.9.9"));
    assert_null(strstr(text, "kernel mismatch"));
    free(text);

    /* Behind the monitor's back: its socket unblocks the source. */
    assert_true(mc_monitor_pollfds(m, fds, 8) >= 2);
    assert_int_equal(mc_include_source(socket_bound_to(&grp, 6303),
                                       testns_lo_index(), &grp, &self, &err),
                     0);
    assert_int_equal(mc_monitor_group_kernel(m, 0, NULL, &gk, &err), 0);
    assert_true(gk.mismatch);
    assert_string_equal(gk.mismatch_text, "mcscope asked exclude{10.255.0.1}, "
                                          "the socket holds asm");
    assert_true(gk.in_proc);
    mc_group_kernel_free(&gk);
    root = parse_report(m, 0);
    k = key(item(key(root, "groups", json_type_array), 0), "kernel",
            json_type_object);
    assert_true(json_object_get_boolean(key(k, "mismatch", json_type_boolean)));
    assert_non_null(strstr(skey(k, "mismatch_text"), "the socket holds asm"));
    json_object_put(root);
    text = mc_report_text_string(m, 0);
    assert_non_null(strstr(text, "kernel mismatch: 239.5.0.6 dev lo port "
                                 "6303: mcscope asked"));
    free(text);
    /* The view the TUI draws from has the same verdict, in the same
     * words: one function decides for both. */
    assert_null(mc_monitor_kernel_snapshot(m)); /* none taken yet */
    assert_null(mc_monitor_kernel_view(m, 0));
    assert_true(mc_monitor_refresh_kernel(m, false));
    assert_non_null(mc_monitor_kernel_snapshot(m));
    assert_non_null(mc_monitor_kernel_view(m, 0));
    assert_true(mc_monitor_kernel_view(m, 0)->mismatch);
    assert_string_equal(mc_monitor_kernel_view(m, 0)->mismatch_text,
                        "mcscope asked exclude{10.255.0.1}, the socket holds "
                        "asm");
    assert_null(mc_monitor_kernel_view(m, 1));
    mc_monitor_free(m);
}

/*
 * /proc/net/mcfilter6 leaves out an interface whose newest group has no
 * source filter (the kernel starts its listing at the head of each
 * interface's list): after `join ff01::114` the include row of an earlier
 * join-source is not listed, though the socket holds it (MSFILTER).  No
 * mismatch is claimed from rows the listing does not show; the other
 * order lists the row.
 */
static void test_unlisted_sources(void **state)
{
    static const char *const orders[2][2] = {
        {"join-source ff32::8000:9 fe80::cafe dev lo port 6310",
         "join ff01::114 dev lo port 6310"},
        {"join ff01::114 dev lo port 6310",
         "join-source ff32::8000:9 fe80::cafe dev lo port 6310"},
    };

    (void)state;
    for (int o = 0; o < 2; o++) {
        struct mc_monitor *m = mon();
        size_t gi = o == 0 ? 0 : 1; /* ff32::8000:9 */
        const struct mc_group_kernel *kv;
        struct mc_group_kernel gk;
        struct mc_err err;
        json_object *root, *k, *proc;
        char *text;

        ok(m, orders[o][0]);
        ok(m, orders[o][1]);
        assert_int_equal(mc_monitor_group_kernel(m, gi, NULL, &gk, &err), 0);
        assert_int_equal(gk.filter.mode, MC_MODE_INCLUDE);
        assert_int_equal(gk.filter.nsources, 1);
        assert_true(gk.in_proc);
        assert_false(gk.mismatch);
        assert_int_equal(gk.proc_sources_unlisted, o == 0);
        assert_int_equal(gk.nproc_sources, o == 0 ? 0 : 1);
        mc_group_kernel_free(&gk);
        /* the TUI's view: the same verdict */
        assert_true(mc_monitor_refresh_kernel(m, true));
        kv = mc_monitor_kernel_view(m, gi);
        assert_non_null(kv);
        assert_false(kv->mismatch);
        assert_int_equal(kv->proc_sources_unlisted, o == 0);
        /* the reports */
        root = parse_report(m, 0);
        k = key(item(key(root, "groups", json_type_array), gi), "kernel",
                json_type_object);
        assert_false(
            json_object_get_boolean(key(k, "mismatch", json_type_boolean)));
        proc = key(k, "proc", json_type_object);
        assert_int_equal(json_object_get_boolean(
                             key(proc, "sources_listed", json_type_boolean)),
                         o != 0);
        json_object_put(root);
        text = mc_report_text_string(m, 0);
        assert_non_null(text);
        assert_null(strstr(text, "kernel mismatch"));
        free(text);
        mc_monitor_free(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_probes),
        cmocka_unit_test(test_plain_and_left),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_wire),
        cmocka_unit_test(test_unlisted_sources),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
