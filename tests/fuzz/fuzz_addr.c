/*
 * libFuzzer target: the address parser (mc_addr_parse, with and without
 * "%IFACE"), mc_group_explain and the header parsers.  Besides the
 * sanitizers' checks it asserts a few invariants:
 * - a parsed address formats to a text that parses back to the same
 *   address, and a refusal always comes with a one-line message;
 * - an explanation is NUL-terminated, printable and as long as returned;
 * - a parsed IPv4 header marshals back to the same bytes, its checksum
 *   aside, and that marshal parses to the same header.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/addr.h"
#include "mcscope/hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

/* A message is one line of printable text. */
static void check_line(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    size_t i;

    CHECK(n < max);
    for (i = 0; i < n; i++)
        CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f);
}

static void check_explain(const struct mc_addr *a)
{
    char buf[512], small[24];
    size_t n;

    n = mc_group_explain(a, buf, sizeof buf);
    CHECK(n == strlen(buf));
    check_line(buf, sizeof buf);
    CHECK(n > 0 && buf[n - 1] == '.');
    /* A short buffer holds the beginning of the same text. */
    n = mc_group_explain(a, small, sizeof small);
    CHECK(n == strlen(small) && n < sizeof small);
    CHECK(strncmp(small, buf, n) == 0);
}

static void check_group(const struct mc_addr *a)
{
    struct mc_group_info gi;

    mc_group_classify(a, &gi);
    CHECK(gi.multicast == mc_addr_is_multicast(a));
    if (!gi.multicast)
        CHECK(!gi.ssm && !gi.link_local && !gi.never_reported &&
              gi.scope == MC_SCOPE_NONE && gi.flags == 0);
    CHECK(mc_scope_name(gi.scope) != NULL);
}

static void fuzz_addr_text(const char *text)
{
    char ifname[IF_NAMESIZE], fmt[MC_ADDR_STRLEN];
    struct mc_addr a, back;
    struct mc_err err;
    int with_if, rc;

    for (with_if = 0; with_if < 2; with_if++) {
        mc_err_clear(&err);
        rc = mc_addr_parse(text, &a, with_if ? ifname : NULL,
                           with_if ? sizeof ifname : 0, &err);
        if (rc != 0) {
            CHECK(rc == -EINVAL && err.code == rc && err.msg[0] != '\0');
            check_line(err.msg, sizeof err.msg);
            continue;
        }
        CHECK(a.family == AF_INET || a.family == AF_INET6);
        if (with_if)
            CHECK(strlen(ifname) < IF_NAMESIZE);
        mc_addr_format(&a, fmt, sizeof fmt);
        CHECK(mc_addr_parse(fmt, &back, NULL, 0, NULL) == 0);
        CHECK(mc_addr_equal(&a, &back));
        check_group(&a);
        check_explain(&a);
    }
}

/* The bytes themselves as an address, so that every value is reached. */
static void fuzz_addr_bytes(const uint8_t *data, size_t size)
{
    struct mc_addr a;

    memset(&a, 0, sizeof a);
    if (size >= 16) {
        a.family = AF_INET6;
        memcpy(&a.u.v6, data, 16);
    } else if (size >= 4) {
        a.family = AF_INET;
        memcpy(&a.u.v4, data, 4);
    }
    check_group(&a);
    check_explain(&a);
}

static void fuzz_ip4(const uint8_t *data, size_t size)
{
    struct mc_ip4_hdr h, h2;
    uint8_t out[60];
    int n;

    if (mc_ip4_hdr_parse(data, size, &h) != 0)
        return;
    CHECK(h.len >= MC_IP4_HDRLEN && h.len <= size && h.len <= sizeof out);
    n = mc_ip4_hdr_marshal(&h, out, sizeof out);
    CHECK(n == (int)h.len);
    CHECK(mc_inet_checksum(out, h.len) == 0);
    CHECK(memcmp(out, data, 10) == 0);
    CHECK(memcmp(out + 12, data + 12, h.len - 12) == 0);
    CHECK(mc_ip4_hdr_parse(out, h.len, &h2) == 0);
    CHECK(h2.total_len == h.total_len && h2.flags == h.flags &&
          h2.frag_off == h.frag_off && h2.options_len == h.options_len);
    CHECK(mc_addr_equal(&h2.src, &h.src) && mc_addr_equal(&h2.dst, &h.dst));
}

static void fuzz_ip6(const uint8_t *data, size_t size)
{
    struct mc_ip6_hdr h;

    if (mc_ip6_hdr_parse(data, size, &h) != 0)
        return;
    CHECK(h.version == 6 && h.tclass <= 0xff && h.flow_label <= 0xfffff);
    CHECK(h.src.family == AF_INET6 && h.dst.family == AF_INET6);
    check_explain(&h.dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[128];
    size_t n = size < sizeof text - 1 ? size : sizeof text - 1;

    memcpy(text, data, n);
    text[n] = '\0';
    fuzz_addr_text(text);
    fuzz_addr_bytes(data, size);
    fuzz_ip4(data, size);
    fuzz_ip6(data, size);
    (void)mc_inet_checksum(data, size);
    return 0;
}
