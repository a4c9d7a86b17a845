/*
 * mcscope core: the probe payload that mcscope's sender puts in every
 * datagram.  Its receiver runs the sequence analysis of mcscope/seq.h on
 * (sender_id, seq), with the delay and jitter of the send time it carries.
 *
 * Wire format (MC_PROBE_HDRLEN = 32 bytes, every field in network byte
 * order, 64-bit fields on 8-byte offsets), then zero padding up to the
 * datagram size the sender asked for:
 *
 *   offset size field
 *    0     4    magic      "MCS1" (0x4d 0x43 0x53 0x31)
 *    4     1    version    MC_PROBE_VERSION (1)
 *    5     1    flags      none defined yet: sent as 0, ignored on receive
 *    6     2    reserved   sent as 0, ignored on receive
 *    8     8    sender_id  random per sender run: a restart is recognisable
 *   16     8    seq        sequence number, +1 per datagram of a run
 *   24     8    send_ns    CLOCK_REALTIME at send, ns since the epoch
 *                          (two's complement)
 *
 * Datagrams shorter than 32 bytes, or with another magic or version, are
 * not probes: the decoder says so (-EINVAL) and never reads past len.
 */
#ifndef MCSCOPE_PROBE_H
#define MCSCOPE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/seq.h"

#define MC_PROBE_MAGIC "MCS1"
#define MC_PROBE_VERSION 1
#define MC_PROBE_HDRLEN 32

struct mc_probe {
    uint8_t version;    /* decode: as received; encode writes VERSION */
    uint8_t flags;      /* carried as is */
    uint64_t sender_id; /* random per sender run */
    uint64_t seq;       /* per-run sequence number */
    int64_t send_ns;    /* CLOCK_REALTIME at send */
};

/*
 * Write the probe header for p into buf and zero the rest of buf: the whole
 * of buf[0..len) is the datagram payload.  Returns len, or 0 (nothing
 * written) when len < MC_PROBE_HDRLEN.
 */
size_t mc_probe_encode(const struct mc_probe *p, uint8_t *buf, size_t len);

/*
 * Read a probe from a received payload of len bytes.  Returns 0 and fills
 * out, or -EINVAL (out untouched) when the payload is not a probe: shorter
 * than MC_PROBE_HDRLEN, another magic or another version.  Padding is not
 * checked, so a truncated-but-complete header still decodes.
 */
int mc_probe_decode(const uint8_t *buf, size_t len, struct mc_probe *out);

#endif
