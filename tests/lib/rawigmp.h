/*
 * Test helper: hand-made IGMP messages sent through a raw socket
 * (IPPROTO_IGMP, needs CAP_NET_RAW), for tests of what a capture makes of
 * them: good ones, and malformed ones the kernel would never send.
 */
#ifndef MCSCOPE_TEST_RAWIGMP_H
#define MCSCOPE_TEST_RAWIGMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Write the IGMP checksum of msg (len bytes) into bytes 2-3. */
void rawigmp_checksum(uint8_t *msg, size_t len);

/* Send msg to dst (an IPv4 literal) out of ifindex, TTL 1; fails the
 * test unless all of it went. */
void rawigmp_send(unsigned ifindex, const char *dst, const uint8_t *msg,
                  size_t len);

/*
 * Send an MLD message (msg: the ICMPv6 message; the kernel fills its
 * checksum) to dst (an IPv6 literal) out of ifindex as a querier does:
 * from the interface's link-local address (RFC 3810 §5), hop limit 1, a
 * Hop-by-Hop Router Alert header.  Fails the test unless all of it went.
 */
void rawmld_send(unsigned ifindex, const char *dst, const uint8_t *msg,
                 size_t len);

#endif
