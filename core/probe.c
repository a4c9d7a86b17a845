/*
 * mcscope core: the probe payload.  See mcscope/probe.h for the wire
 * format; the sequence analysis is in seq.c.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "mcscope/probe.h"

/* ---- wire format ---- */

static void put_be64(uint8_t *b, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        b[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be64(const uint8_t *b)
{
    uint64_t v;

    memcpy(&v, b, sizeof v); /* one load: every packet is decoded */
    return be64toh(v);
}

size_t mc_probe_encode(const struct mc_probe *p, uint8_t *buf, size_t len)
{
    if (len < MC_PROBE_HDRLEN)
        return 0;
    memset(buf, 0, len);
    memcpy(buf, MC_PROBE_MAGIC, 4);
    buf[4] = MC_PROBE_VERSION;
    buf[5] = p->flags;
    /* buf[6..7]: reserved, zero */
    put_be64(buf + 8, p->sender_id);
    put_be64(buf + 16, p->seq);
    put_be64(buf + 24, (uint64_t)p->send_ns);
    return len;
}

int mc_probe_decode(const uint8_t *buf, size_t len, struct mc_probe *out)
{
    if (buf == NULL || len < MC_PROBE_HDRLEN)
        return -EINVAL;
    if (memcmp(buf, MC_PROBE_MAGIC, 4) != 0 || buf[4] != MC_PROBE_VERSION)
        return -EINVAL;
    out->version = buf[4];
    out->flags = buf[5];
    out->sender_id = get_be64(buf + 8);
    out->seq = get_be64(buf + 16);
    out->send_ns = (int64_t)get_be64(buf + 24);
    return 0;
}
