/*
 * Unit tests: core/sockopt.c — the table of socket options: one row per
 * option in enum order, the words of `set` in usage order, the IPv4 rule
 * of apply, the TUI's steps, the read-back and sender-env fields, and
 * every setter and getter on a real UDP socket of each family.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcscope/monitor.h"
#include "mcscope/send.h"
#include "mcscope/sock.h"
#include "mcscope/sockopt.h"

static void test_rows(void **state)
{
    size_t n, i;
    const struct mc_sockopt *t = mc_sockopt_table(&n);

    (void)state;
    assert_int_equal(n, 6);
    for (i = 0; i < n; i++) {
        assert_int_equal(t[i].opt, (enum mc_cmd_opt)i);
        assert_ptr_equal(mc_sockopt_get((enum mc_cmd_opt)i), &t[i]);
        assert_non_null(t[i].set);
        assert_non_null(t[i].get);
        if (t[i].value == MC_SOCKOPT_NUMBER) {
            assert_non_null(t[i].what);
            assert_non_null(t[i].tail);
            assert_true(t[i].min < t[i].max);
        } else {
            assert_non_null(t[i].hint);
        }
    }
    assert_null(mc_sockopt_get((enum mc_cmd_opt)50));
    assert_string_equal(mc_sockopt_name(MC_OPT_MCAST_IF), "mcast-if");
    assert_string_equal(mc_sockopt_name((enum mc_cmd_opt)50), "?");
    assert_int_equal(mc_sockopt_get(MC_OPT_MULTICAST_ALL)->where,
                     MC_SOCKOPT_RECEIVE);
    assert_int_equal(mc_sockopt_get(MC_OPT_LOOPBACK)->where, MC_SOCKOPT_SEND);
}

static void test_words(void **state)
{
    static const char *const want[] = {
        "hoplimit", "mcast-hoplimit", "tclass",   "ttl",
        "tos",      "loopback",       "mcast-if", "multicast-all",
    };
    const char *words[16];
    bool alias = true;

    (void)state;
    assert_int_equal(mc_sockopt_words(words, 16), 8);
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(words[i], want[i]);
    assert_int_equal(mc_sockopt_words(words, 1), 8);
    assert_ptr_equal(mc_sockopt_find("ttl", 3, &alias),
                     mc_sockopt_get(MC_OPT_HOPLIMIT));
    assert_true(alias);
    assert_ptr_equal(mc_sockopt_find("tclass", 6, &alias),
                     mc_sockopt_get(MC_OPT_TCLASS));
    assert_false(alias);
    /* The length counts, not a NUL. */
    assert_ptr_equal(mc_sockopt_find("tosx", 3, NULL),
                     mc_sockopt_get(MC_OPT_TCLASS));
    assert_null(mc_sockopt_find("tosx", 4, NULL));
    assert_null(mc_sockopt_find("", 0, NULL));
}

static void test_apply_and_step(void **state)
{
    const struct mc_sockopt *hl = mc_sockopt_get(MC_OPT_HOPLIMIT);
    const struct mc_sockopt *mhl = mc_sockopt_get(MC_OPT_MCAST_HOPLIMIT);
    const struct mc_sockopt *tc = mc_sockopt_get(MC_OPT_TCLASS);
    const struct mc_sockopt *loop = mc_sockopt_get(MC_OPT_LOOPBACK);
    struct mc_err err;

    (void)state;
    assert_int_equal(mc_sockopt_check_apply(hl, 0, &err), -EINVAL);
    assert_string_equal(err.msg,
                        "hoplimit 0: an IPv4 TTL must be 1..255 (ip(7) "
                        "IP_TTL) and set changes both families: use 1..255 "
                        "(to keep multicast on this host: set mcast-hoplimit "
                        "0)");
    assert_int_equal(mc_sockopt_check_apply(hl, 1, &err), 0);
    assert_int_equal(mc_sockopt_check_apply(mhl, 0, &err), 0);
    assert_int_equal(mc_sockopt_step(hl, 1, -1), 1);
    assert_int_equal(mc_sockopt_step(hl, 1, 1), 2);
    assert_int_equal(mc_sockopt_step(hl, 255, 1), 255);
    assert_int_equal(mc_sockopt_step(mhl, 1, -1), 0);
    assert_int_equal(mc_sockopt_step(tc, 0x28, 1), 0x2c);
    /* a DSCP step never touches the ECN bits (issue 13: 0xfc went to
     * 0xff): at either end the DSCP stays, ECN as it was */
    assert_int_equal(mc_sockopt_step(tc, 2, -1), 2);
    assert_int_equal(mc_sockopt_step(tc, 0, -1), 0);
    assert_int_equal(mc_sockopt_step(tc, 0xfc, 1), 0xfc);
    assert_int_equal(mc_sockopt_step(tc, 0xfd, 1), 0xfd);
    assert_int_equal(mc_sockopt_step(tc, 0xf9, 1), 0xfd);
    assert_int_equal(mc_sockopt_step(tc, 0x2b, -1), 0x27);
    assert_int_equal(mc_sockopt_step(loop, 1, 1), 1); /* no step */
}

static void test_fields(void **state)
{
    struct mc_family_settings rb;
    struct mc_sender_env env;

    (void)state;
    memset(&rb, 0, sizeof rb);
    mc_field_put(&rb, mc_sockopt_get(MC_OPT_LOOPBACK)->readback, 7);
    assert_true(rb.loopback);
    mc_field_put(&rb, mc_sockopt_get(MC_OPT_MCAST_IF)->readback, 3);
    assert_int_equal(rb.mcast_if, 3);
    mc_field_put(&rb, mc_sockopt_get(MC_OPT_TCLASS)->readback, 0x28);
    assert_int_equal(rb.tclass, 0x28);
    assert_int_equal(
        mc_field_get(&rb, mc_sockopt_get(MC_OPT_LOOPBACK)->readback), 1);
    assert_int_equal(
        mc_field_get(&rb, mc_sockopt_get(MC_OPT_MULTICAST_ALL)->readback), 0);
    mc_sender_env_init(&env);
    assert_int_equal(env.hoplimit, -1);
    assert_int_equal(env.mcast_hoplimit, -1);
    assert_int_equal(env.tclass, -1);
    assert_int_equal(env.loopback, -1);
    assert_int_equal(env.mcast_if, 0);
    mc_field_put(&env, mc_sockopt_get(MC_OPT_MCAST_HOPLIMIT)->env, 9);
    assert_int_equal(env.mcast_hoplimit, 9);
}

/* Each sending option set and read back through its row, both families
 * (a family this host lacks is skipped). */
static void test_set_get(void **state)
{
    static const int values[] = {7, 9, 0x28, 0};
    int fams[] = {AF_INET6, AF_INET};

    (void)state;
    for (size_t f = 0; f < 2; f++) {
        struct mc_err err;
        int fd = mc_sock_open_udp(fams[f], &err);

        if (fd < 0)
            continue;
        for (int o = MC_OPT_HOPLIMIT; o <= MC_OPT_LOOPBACK; o++) {
            const struct mc_sockopt *row = mc_sockopt_get((enum mc_cmd_opt)o);
            int v = -5;

            assert_int_equal(row->set(fd, values[o], &err), 0);
            assert_int_equal(row->get(fd, &v, &err), 0);
            assert_int_equal(v, values[o]);
        }
        close(fd);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),           cmocka_unit_test(test_words),
        cmocka_unit_test(test_apply_and_step), cmocka_unit_test(test_fields),
        cmocka_unit_test(test_set_get),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
