/*
 * Test helper: move the calling test process into a private network
 * namespace, so that nothing it does can reach a host interface.
 */
#ifndef MCSCOPE_TESTNS_H
#define MCSCOPE_TESTNS_H

/* Exit status ctest treats as "skipped" (SKIP_RETURN_CODE). */
#define TESTNS_SKIP 77

/*
 * unshare(CLONE_NEWNET) (as root) or a user + network namespace (as an
 * unprivileged user, where the kernel allows it); then bring lo up with
 * IFF_MULTICAST, a non-127 IPv4 address (10.255.0.1/32) and the routes
 * 224.0.0.0/4 and ff00::/8 on lo.  Returns 0, or a negative errno with a
 * reason in why (at least 160 bytes) when no namespace can be had.
 */
int testns_enter_private(char *why, unsigned long why_len);

/* As above, but on failure print the reason and exit(TESTNS_SKIP). */
void testns_enter_private_or_skip(void);

/* The index of lo in the private namespace. */
unsigned testns_lo_index(void);

#endif
