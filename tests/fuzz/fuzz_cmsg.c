/*
 * Fuzz target: mc_cmsg_parse on arbitrary control data and msg_name, as a
 * kernel bug or a wrong buffer length could hand it.  Input layout:
 *
 *   byte 0      msg_flags bits (MSG_TRUNC, MSG_CTRUNC) and where to cut
 *   byte 1      msg_namelen (0..255, cut to what is there)
 *   then        msg_name bytes, then the control bytes
 *
 * The control bytes are given both at an aligned and at an odd address:
 * the parser must not care.  Whatever parses must also format, and what
 * marshals must parse back to the same values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mcscope/cmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roundtrip(const struct mc_cmsg *cm, int family)
{
    union {
        struct cmsghdr align;
        unsigned char b[256];
    } ctl;
    struct mc_cmsg in = *cm, out;
    struct msghdr m;
    int n;

    in.have &= MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_IFACE;
    n = mc_cmsg_marshal(&in, family, ctl.b, sizeof ctl.b, NULL);
    if (n < 0)
        return; /* e.g. TTL 0 on IPv4: refused, fine */
    memset(&m, 0, sizeof m);
    m.msg_control = ctl.b;
    m.msg_controllen = (size_t)n;
    mc_cmsg_parse(&m, &out);
    if ((in.have & MC_CM_TCLASS) &&
        (!(out.have & MC_CM_TCLASS) || out.tclass != in.tclass))
        abort();
    if ((in.have & MC_CM_HOPLIMIT) &&
        (!(out.have & MC_CM_HOPLIMIT) || out.hoplimit != in.hoplimit))
        abort();
    if ((in.have & MC_CM_IFACE) &&
        (!(out.have & MC_CM_IFACE) || out.ifindex != in.ifindex))
        abort();
}

static void parse_one(const uint8_t *name, size_t namelen, const uint8_t *ctl,
                      size_t ctllen, int flags)
{
    struct mc_cmsg cm;
    struct msghdr m;
    char text[256];

    memset(&m, 0, sizeof m);
    m.msg_name = (void *)name;
    m.msg_namelen = (socklen_t)namelen;
    m.msg_control = (void *)ctl;
    m.msg_controllen = ctllen;
    m.msg_flags = flags;
    mc_cmsg_parse(&m, &cm);
    if (cm.have & ~(unsigned)MC_CM_ALL_V6)
        abort();
    if ((cm.have & MC_CM_TCLASS) && (cm.tclass < 0 || cm.tclass > 255))
        abort();
    if ((cm.have & MC_CM_HOPLIMIT) && (cm.hoplimit < 0 || cm.hoplimit > 255))
        abort();
    if (cm.have_time && (cm.ts.tv_nsec < 0 || cm.ts.tv_nsec > 999999999))
        abort();
    mc_cmsg_format(&cm, text, sizeof text);
    if (strlen(text) >= sizeof text)
        abort();
    check_roundtrip(&cm, AF_INET6);
    check_roundtrip(&cm, AF_INET);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy;
    size_t namelen, ctllen;
    int flags = 0;

    if (size < 2)
        return 0;
    if (data[0] & 1)
        flags |= MSG_TRUNC;
    if (data[0] & 2)
        flags |= MSG_CTRUNC;
    namelen = data[1];
    data += 2;
    size -= 2;
    if (namelen > size)
        namelen = size;
    ctllen = size - namelen;
    /* Exact-size heap copies, so that ASan sees any read past the end;
     * the control bytes once at malloc's alignment, once one byte off. */
    copy = malloc(size + (size == 0));
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    parse_one(copy, namelen, copy + namelen, ctllen, flags);
    free(copy);
    copy = malloc(ctllen + 1);
    if (copy == NULL)
        return 0;
    memcpy(copy + 1, data + namelen, ctllen);
    parse_one(data, namelen, copy + 1, ctllen, flags);
    free(copy);
    return 0;
}
