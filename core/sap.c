/*
 * mcscope core: SAP and SDP parsing (sap.h).  Every read is bounded by the
 * length given; nothing is allocated.
 */
#include "mcscope/sap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int refuse(const char **why, const char *text)
{
    if (why != NULL)
        *why = text;
    return -EINVAL;
}

/* ---- SAP ---- */

int mc_sap_parse(const uint8_t *b, size_t len, struct mc_sap_msg *out,
                 const char **why)
{
    static const char sdp_type[] = "application/sdp";
    size_t alen, at;
    bool v6;

    memset(out, 0, sizeof *out);
    if (len < 4)
        return refuse(why, "SAP header cut short");
    if ((b[0] >> 5) != 1)
        return refuse(why, "SAP version is not 1");
    v6 = (b[0] & 0x10) != 0;
    out->deletion = (b[0] & 0x04) != 0;
    out->encrypted = (b[0] & 0x02) != 0;
    out->compressed = (b[0] & 0x01) != 0;
    alen = (size_t)b[1] * 4;
    out->msg_id_hash = (uint16_t)(b[2] << 8 | b[3]);
    at = 4;
    if (len - at < (v6 ? 16u : 4u))
        return refuse(why, "SAP originating source cut short");
    out->origin.family = v6 ? AF_INET6 : AF_INET;
    if (v6)
        memcpy(&out->origin.u.v6, b + at, 16);
    else
        memcpy(&out->origin.u.v4, b + at, 4);
    at += v6 ? 16 : 4;
    if (len - at < alen)
        return refuse(why, "SAP authentication data cut short");
    at += alen;
    if (out->encrypted)
        return refuse(why, "SAP payload encrypted: not read");
    if (out->compressed)
        return refuse(why, "SAP payload compressed (zlib): not read");
    /* the payload type, unless the payload starts "v=0" */
    if (len - at < 3 || memcmp(b + at, "v=0", 3) != 0) {
        const uint8_t *nul = memchr(b + at, '\0', len - at);

        if (nul == NULL)
            return refuse(why, "SAP payload type not terminated");
        if ((size_t)(nul - (b + at)) != sizeof sdp_type - 1 ||
            memcmp(b + at, sdp_type, sizeof sdp_type - 1) != 0)
            return refuse(why, "SAP payload type is not application/sdp");
        at = (size_t)(nul - b) + 1;
    }
    out->payload = b + at;
    out->payload_len = len - at;
    return 0;
}

/* ---- SDP ---- */

/* A word of s..end: skip blanks, the word's start and length. */
static const char *word(const char **s, const char *end, size_t *n)
{
    const char *p = *s, *w;

    while (p < end && *p == ' ')
        p++;
    w = p;
    while (p < end && *p != ' ')
        p++;
    *n = (size_t)(p - w);
    *s = p;
    return *n > 0 ? w : NULL;
}

static bool word_is(const char *w, size_t n, const char *s)
{
    return w != NULL && n == strlen(s) && memcmp(w, s, n) == 0;
}

static void copy_text(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    dst[n] = '\0';
}

/* An address word (up to '/'), of family ("IP4"/"IP6"). */
static bool addr_word(const char *w, size_t n, const char *fam,
                      struct mc_addr *a, unsigned *ttl)
{
    char buf[64];
    const char *slash = memchr(w, '/', n);
    size_t an = slash != NULL ? (size_t)(slash - w) : n;

    if (an == 0 || an >= sizeof buf)
        return false;
    memcpy(buf, w, an);
    buf[an] = '\0';
    memset(a, 0, sizeof *a);
    if (mc_addr_parse(buf, a, NULL, 0, NULL) != 0)
        return false;
    if ((strcmp(fam, "IP4") == 0) != (a->family == AF_INET))
        return false;
    if (ttl != NULL && slash != NULL && a->family == AF_INET) {
        char t[8];
        size_t tn = n - an - 1;
        char *e;

        if (tn == 0 || tn >= sizeof t)
            return false;
        memcpy(t, slash + 1, tn);
        t[tn] = '\0';
        *ttl = (unsigned)strtoul(t, &e, 10);
        if (*e != '\0' && *e != '/')
            return false;
    }
    return true;
}

/* c=IN IP4 ADDR[/TTL] */
static bool connection(const char *s, const char *end, struct mc_addr *a,
                       unsigned *ttl)
{
    size_t n1, n2, n3;
    const char *net = word(&s, end, &n1), *fam = word(&s, end, &n2);
    const char *addr = word(&s, end, &n3);
    char f[4];

    if (!word_is(net, n1, "IN") || fam == NULL || n2 != 3 || addr == NULL)
        return false;
    memcpy(f, fam, 3);
    f[3] = '\0';
    return addr_word(addr, n3, f, a, ttl);
}

/* m=MEDIA PORT[/N] PROTO FMT... */
static bool media(const char *s, const char *end, struct mc_sdp *out)
{
    size_t n1, n2;
    const char *m = word(&s, end, &n1), *p = word(&s, end, &n2);
    unsigned long port = 0;

    if (m == NULL || p == NULL)
        return false;
    copy_text(out->media, sizeof out->media, m, n1);
    for (size_t i = 0; i < n2 && p[i] != '/'; i++) {
        if (p[i] < '0' || p[i] > '9' || port > 65535)
            return false;
        port = port * 10 + (unsigned long)(p[i] - '0');
    }
    if (port == 0 || port > 65535)
        return false;
    out->port = (uint16_t)port;
    return true;
}

/* a=source-filter: incl|excl IN IP4|IP6 DEST SRC... (RFC 4570 §3) */
static void source_filter(const char *s, const char *end, struct mc_sdp *out)
{
    size_t n[4];
    const char *mode = word(&s, end, &n[0]), *net = word(&s, end, &n[1]);
    const char *fam = word(&s, end, &n[2]), *dest = word(&s, end, &n[3]);
    const char *w;
    size_t wn;
    char f[4];

    if ((!word_is(mode, n[0], "incl") && !word_is(mode, n[0], "excl")) ||
        !word_is(net, n[1], "IN") || fam == NULL || n[2] != 3 || dest == NULL)
        return; /* not one we read: skipped, as RFC 4570 lets us */
    memcpy(f, fam, 3);
    f[3] = '\0';
    out->exclude = word_is(mode, n[0], "excl");
    while ((w = word(&s, end, &wn)) != NULL) {
        struct mc_addr a;

        if (out->nsources == MC_SDP_SOURCES_MAX)
            break;
        if (addr_word(w, wn, f, &a, NULL) && !mc_addr_is_multicast(&a))
            out->sources[out->nsources++] = a;
    }
}

int mc_sdp_parse(const char *text, size_t len, struct mc_sdp *out,
                 const char **why)
{
    const char *p = text, *end = text + len;
    struct mc_addr sess = {0}, med = {0};
    unsigned sess_ttl = 0, med_ttl = 0;
    bool have_m = false, in_first_m = false, first = true;

    memset(out, 0, sizeof *out);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl != NULL ? nl : end, *v = p + 2;

        if (le > p && le[-1] == '\r')
            le--;
        if (le - p >= 2 && p[1] == '=') {
            if (first && (p[0] != 'v' || le - v != 1 || *v != '0'))
                return refuse(why, "SDP does not start with v=0");
            first = false;
            switch (p[0]) {
            case 's':
                copy_text(out->name, sizeof out->name, v, (size_t)(le - v));
                break;
            case 'o':
                copy_text(out->origin, sizeof out->origin, v, (size_t)(le - v));
                break;
            case 'c':
                if (!have_m && !connection(v, le, &sess, &sess_ttl))
                    return refuse(why, "SDP c= line not IN IP4|IP6 ADDR");
                if (in_first_m && !connection(v, le, &med, &med_ttl))
                    return refuse(why, "SDP c= line not IN IP4|IP6 ADDR");
                break;
            case 'm':
                in_first_m = !have_m;
                if (!have_m && !media(v, le, out))
                    return refuse(why, "SDP m= line without a port 1..65535");
                have_m = true;
                break;
            case 'a':
                if ((size_t)(le - v) > 14 &&
                    memcmp(v, "source-filter:", 14) == 0 &&
                    (!have_m || in_first_m))
                    source_filter(v + 14, le, out);
                break;
            default:
                break;
            }
        } else if (first)
            return refuse(why, "SDP does not start with v=0");
        p = nl != NULL ? nl + 1 : end;
    }
    if (first)
        return refuse(why, "SDP is empty");
    if (!have_m)
        return refuse(why, "SDP has no m= line");
    out->group = med.family != 0 ? med : sess;
    out->ttl = med.family != 0 ? med_ttl : sess_ttl;
    if (out->group.family == 0 || !mc_addr_is_multicast(&out->group))
        return refuse(why, "SDP names no multicast connection address");
    return 0;
}

/* ---- writing ---- */

int mc_sdp_write(char *buf, size_t cap, const char *name,
                 const struct mc_addr *origin, const struct mc_addr *group,
                 uint16_t port, unsigned ttl, const struct mc_addr *source)
{
    char o[MC_ADDR_STRLEN], g[MC_ADDR_STRLEN], s[MC_ADDR_STRLEN], t[16] = "";
    const char *ip = group->family == AF_INET ? "IP4" : "IP6";
    int n, k;

    mc_addr_format(origin, o, sizeof o);
    mc_addr_format(group, g, sizeof g);
    if (group->family == AF_INET)
        snprintf(t, sizeof t, "/%u", ttl > 0 ? ttl : 1);
    n = snprintf(buf, cap,
                 "v=0\r\no=- 1 1 IN %s %s\r\ns=%s\r\nt=0 0\r\n"
                 "m=application %u udp mcscope\r\nc=IN %s %s%s\r\n",
                 origin->family == AF_INET ? "IP4" : "IP6", o, name,
                 (unsigned)port, ip, g, t);
    if (n < 0 || (size_t)n >= cap)
        return -ENOSPC;
    if (source != NULL && source->family != 0) {
        k = snprintf(buf + n, cap - (size_t)n,
                     "a=source-filter: incl IN %s %s %s\r\n", ip, g,
                     mc_addr_format(source, s, sizeof s));
        if (k < 0 || (size_t)k >= cap - (size_t)n)
            return -ENOSPC;
        n += k;
    }
    return n;
}

int mc_sap_write(uint8_t *buf, size_t cap, const struct mc_addr *origin,
                 uint16_t msg_id_hash, bool deletion, const char *sdp)
{
    static const char type[] = "application/sdp";
    bool v6 = origin->family == AF_INET6;
    size_t alen = v6 ? 16 : 4, n = 4 + alen + sizeof type + strlen(sdp);

    if (n > cap)
        return -ENOSPC;
    buf[0] = (uint8_t)(0x20 | (v6 ? 0x10 : 0) | (deletion ? 0x04 : 0));
    buf[1] = 0;
    buf[2] = (uint8_t)(msg_id_hash >> 8);
    buf[3] = (uint8_t)msg_id_hash;
    memcpy(buf + 4,
           v6 ? (const void *)&origin->u.v6 : (const void *)&origin->u.v4,
           alen);
    memcpy(buf + 4 + alen, type, sizeof type);
    memcpy(buf + 4 + alen + sizeof type, sdp, strlen(sdp));
    return (int)n;
}
