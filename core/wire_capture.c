/*
 * mcscope core: the libpcap capture: open an interface (or a file), hand
 * its descriptor to the caller's poll(), decode every frame it reads with
 * mc_wire_decode, count, and write a pcap file for tcpdump and Wireshark.
 */
#include "mcscope/wire.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcscope/priv.h"

/* ---- capture (libpcap) ---- */

#define DISPATCH_CHUNK 256
#define QUOTE_MAX 64

struct mc_capture {
    pcap_t *p;
    pcap_dumper_t *dump;
    char *name; /* interface, or the file's path */
    enum mc_capture_dir dir;
    int linktype;
    bool nano; /* time stamps in ns (else us) */
    bool offline;
    bool have_mac; /* the interface's own MAC, for MC_CAPTURE_BOTH */
    uint8_t mac[6];
    struct mc_capture_stats st;
    bool dumped_since_flush;
    mc_capture_fn fn; /* during mc_capture_dispatch */
    void *arg;
};

static const char *quote(const char *text, char *out)
{
    return mc_err_quote(text, strlen(text), QUOTE_MAX, out);
}

static struct mc_capture *capture_new(const char *name)
{
    struct mc_capture *c = calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->name = strdup(name);
    if (c->name == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

void mc_capture_close(struct mc_capture *c)
{
    if (c == NULL)
        return;
    mc_capture_dump_close(c, NULL);
    if (c->p != NULL)
        pcap_close(c->p);
    free(c->name);
    free(c);
}

/* The filter (NULL: the default, "": none) compiled and set on c. */
static int set_filter(struct mc_capture *c, const char *filter,
                      struct mc_err *err)
{
    struct bpf_program prog;
    char q[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    int rc;

    if (filter == NULL)
        filter = MC_CAPTURE_FILTER_DEFAULT;
    if (filter[0] == '\0')
        return 0;
    if (pcap_compile(c->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
        return mc_err_set(err, -EINVAL,
                          "capture filter \"%s\" does not compile: %s "
                          "(see pcap-filter(7))",
                          quote(filter, q), quote(pcap_geterr(c->p), e));
    rc = pcap_setfilter(c->p, &prog);
    pcap_freecode(&prog);
    if (rc < 0)
        return mc_err_set(err, -EIO, "cannot set the capture filter: %s",
                          quote(pcap_geterr(c->p), e));
    return 0;
}

/* pcap_activate's refusal as an errno and a sentence with the fix. */
static int activate_error(struct mc_capture *c, int rc, struct mc_err *err)
{
    char n[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    const char *why = pcap_geterr(c->p);

    quote(c->name, n);
    if (rc == PCAP_ERROR_PERM_DENIED || strstr(why, "not permitted") != NULL)
        return mc_err_set(err, -EPERM, "capturing on %s needs CAP_NET_RAW: %s",
                          n, MC_PRIV_HOWTO);
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
        return mc_err_set(err, -ENODEV,
                          "no interface %s in this network namespace: "
                          "see `ip link`",
                          n);
    if (rc == PCAP_ERROR_IFACE_NOT_UP)
        return mc_err_set(err, -ENETDOWN,
                          "%s is down: bring it up (ip link set %s up)", n, n);
    return mc_err_set(err, -EIO, "cannot capture on %s: %s", n, quote(why, e));
}

/*
 * The default snaplen: whole frames (MTU + 32: an SLL2 header and two
 * VLAN tags) and no more, because libpcap's immediate-mode ring has
 * fixed slots of snaplen bytes (see wire.h).
 */
static int default_snaplen(const char *name)
{
    int mtu = 0;

    if (mc_if_mtu(name, &mtu) < 0 || mtu <= 0)
        return MC_CAPTURE_SNAPLEN_ANY;
    if (mtu > 65535 - 32)
        return 65535;
    return mtu + 32 < 256 ? 256 : mtu + 32;
}

/* Everything pcap_create'd handles need set before pcap_activate. */
static void configure(pcap_t *p, const char *name, int snaplen, int bufsize)
{
    pcap_set_snaplen(p, snaplen > 0 ? snaplen : default_snaplen(name));
    pcap_set_promisc(p, 0);
    /* deliver each frame at once, not when a ring block fills */
    pcap_set_immediate_mode(p, 1);
    pcap_set_buffer_size(p, bufsize > 0 ? bufsize : MC_CAPTURE_BUFSIZE_DEFAULT);
    /* refused (PCAP_ERROR_TSTAMP_PRECISION_NOTSUP) means microseconds */
    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
}

/* pcap_setdirection(3PCAP): Linux supports it on live captures. */
static int set_direction(struct mc_capture *c, struct mc_err *err)
{
    char e[PCAP_ERRBUF_SIZE + 4];
    pcap_direction_t d = c->dir == MC_CAPTURE_IN ? PCAP_D_IN : PCAP_D_OUT;

    if (c->dir == MC_CAPTURE_BOTH)
        return 0;
    if (pcap_setdirection(c->p, d) < 0)
        return mc_err_set(err, -ENOTSUP,
                          "cannot capture only %s frames here: %s",
                          c->dir == MC_CAPTURE_IN ? "incoming" : "outgoing",
                          quote(pcap_geterr(c->p), e));
    return 0;
}

static int open_live(struct mc_capture *c, int snaplen, int bufsize,
                     const char *filter, struct mc_err *err)
{
    char ebuf[PCAP_ERRBUF_SIZE], e[PCAP_ERRBUF_SIZE + 4];
    int rc;

    ebuf[0] = '\0';
    c->p = pcap_create(c->name, ebuf);
    if (c->p == NULL)
        return mc_err_set(err, -EIO, "pcap_create: %s", quote(ebuf, e));
    configure(c->p, c->name, snaplen, bufsize);
    rc = pcap_activate(c->p);
    if (rc < 0)
        return activate_error(c, rc, err);
    if (pcap_setnonblock(c->p, 1, ebuf) < 0)
        return mc_err_set(err, -EIO, "pcap_setnonblock: %s", quote(ebuf, e));
    rc = set_direction(c, err);
    if (rc == 0)
        rc = set_filter(c, filter, err);
    if (rc < 0)
        return rc;
    c->linktype = pcap_datalink(c->p);
    c->nano = pcap_get_tstamp_precision(c->p) == PCAP_TSTAMP_PRECISION_NANO;
    if (c->linktype == MC_LINK_EN10MB)
        c->have_mac = mc_if_hwaddr(c->name, c->mac) == 0;
    return 0;
}

int mc_capture_open(const char *ifname, enum mc_capture_dir dir, int snaplen,
                    int bufsize, const char *filter, struct mc_capture **out,
                    struct mc_err *err)
{
    struct mc_capture *c;
    int rc;

    mc_err_clear(err);
    *out = NULL;
    if (ifname == NULL || ifname[0] == '\0' || strlen(ifname) >= IF_NAMESIZE)
        return mc_err_set(err, -EINVAL,
                          "pcap needs an interface name (pcap on dev IFACE)");
    if (dir != MC_CAPTURE_BOTH && dir != MC_CAPTURE_IN && dir != MC_CAPTURE_OUT)
        return mc_err_set(err, -EINVAL, "capture direction %d unknown",
                          (int)dir);
    c = capture_new(ifname);
    if (c == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory");
    c->dir = dir;
    rc = open_live(c, snaplen, bufsize, filter, err);
    if (rc < 0) {
        mc_capture_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

int mc_capture_open_offline(const char *path, const char *filter,
                            struct mc_capture **out, struct mc_err *err)
{
    char ebuf[PCAP_ERRBUF_SIZE], q[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    struct mc_capture *c;
    int rc;

    mc_err_clear(err);
    *out = NULL;
    if (path == NULL)
        return mc_err_set(err, -EINVAL, "no pcap file named");
    c = capture_new(path);
    if (c == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory");
    c->offline = true;
    ebuf[0] = '\0';
    errno = 0;
    c->p = pcap_open_offline_with_tstamp_precision(
        path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
    if (c->p == NULL) {
        rc = errno == ENOENT || errno == EACCES ? -errno : -EINVAL;
        mc_capture_close(c);
        return mc_err_set(err, rc, "cannot read %s as a pcap file: %s",
                          quote(path, q), quote(ebuf, e));
    }
    rc = set_filter(c, filter, err);
    if (rc < 0) {
        mc_capture_close(c);
        return rc;
    }
    c->linktype = pcap_datalink(c->p);
    c->nano = true;
    *out = c;
    return 0;
}

int mc_capture_fd(const struct mc_capture *c)
{
    return c->offline ? -1 : pcap_get_selectable_fd(c->p);
}

int mc_capture_linktype(const struct mc_capture *c)
{
    return c->linktype;
}

int mc_capture_snaplen(const struct mc_capture *c)
{
    return pcap_snapshot(c->p);
}

const char *mc_capture_ifname(const struct mc_capture *c)
{
    return c->name;
}

/* The direction of a frame the link layer did not describe. */
static enum mc_wire_dir infer_dir(const struct mc_capture *c,
                                  const struct mc_wire_pkt *pkt)
{
    if (c->dir == MC_CAPTURE_IN)
        return MC_WIRE_DIR_IN;
    if (c->dir == MC_CAPTURE_OUT)
        return MC_WIRE_DIR_OUT;
    if (c->have_mac && pkt->have_src_mac)
        return memcmp(c->mac, pkt->src_mac, 6) == 0 ? MC_WIRE_DIR_OUT
                                                    : MC_WIRE_DIR_IN;
    return MC_WIRE_DIR_UNKNOWN;
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h,
                     const u_char *bytes)
{
    struct mc_capture *c = (struct mc_capture *)user;
    struct mc_capture_frame f;
    struct mc_wire_pkt pkt;

    if (c->dump != NULL) {
        pcap_dump((u_char *)c->dump, h, bytes);
        c->st.dumped++;
        c->dumped_since_flush = true;
    }
    f.ts.tv_sec = h->ts.tv_sec;
    f.ts.tv_nsec = (long)h->ts.tv_usec * (c->nano ? 1 : 1000);
    f.data = bytes;
    f.caplen = h->caplen;
    f.len = h->len;
    f.linktype = c->linktype;
    mc_wire_decode(c->linktype, bytes, h->caplen, &pkt);
    if (pkt.dir == MC_WIRE_DIR_UNKNOWN && !c->offline)
        pkt.dir = infer_dir(c, &pkt);
    c->st.frames++;
    if (pkt.status == MC_WIRE_MALFORMED)
        c->st.malformed++;
    else if (pkt.status == MC_WIRE_NOT_IP)
        c->st.not_ip++;
    if (c->fn != NULL)
        c->fn(&f, &pkt, c->arg);
}

static int dispatch_error(struct mc_capture *c, struct mc_err *err)
{
    char n[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    const char *why = pcap_geterr(c->p);

    quote(c->name, n);
    /* libpcap on Linux: "The interface went down" / "... disappeared" */
    if (strstr(why, "interface") != NULL || strstr(why, "Interface") != NULL)
        return mc_err_set(err, -ENETDOWN, "capture on %s stopped: %s", n,
                          quote(why, e));
    return mc_err_set(err, -EIO, "capture on %s failed: %s", n, quote(why, e));
}

int mc_capture_dispatch(struct mc_capture *c, mc_capture_fn fn, void *arg,
                        struct mc_err *err)
{
    int total = 0, rc = 0;

    c->fn = fn;
    c->arg = arg;
    while (total < MC_CAPTURE_DISPATCH_MAX) {
        int want = MC_CAPTURE_DISPATCH_MAX - total;
        int n =
            pcap_dispatch(c->p, want < DISPATCH_CHUNK ? want : DISPATCH_CHUNK,
                          on_frame, (u_char *)c);

        if (n == 0 || n == PCAP_ERROR_BREAK)
            break;
        if (n < 0) {
            rc = dispatch_error(c, err);
            break;
        }
        total += n;
    }
    c->fn = NULL;
    c->arg = NULL;
    if (c->dump != NULL && c->dumped_since_flush) {
        pcap_dump_flush(c->dump);
        c->dumped_since_flush = false;
    }
    return rc < 0 ? rc : total;
}

int mc_capture_stats(struct mc_capture *c, struct mc_capture_stats *out,
                     struct mc_err *err)
{
    struct pcap_stat ps;
    char e[PCAP_ERRBUF_SIZE + 4];

    *out = c->st;
    if (c->offline)
        return 0;
    if (pcap_stats(c->p, &ps) < 0)
        return mc_err_set(err, -EIO, "pcap_stats: %s",
                          quote(pcap_geterr(c->p), e));
    out->received = ps.ps_recv;
    out->dropped = ps.ps_drop;
    out->if_dropped = ps.ps_ifdrop;
    return 0;
}

int mc_capture_dump_open(struct mc_capture *c, const char *path,
                         struct mc_err *err)
{
    char q[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    int saved, fd;
    FILE *f;

    if (c->dump != NULL)
        return mc_err_set(err, -EBUSY,
                          "the capture on %s is already being written: "
                          "one file at a time",
                          quote(c->name, q));
    if (path == NULL || path[0] == '\0')
        return mc_err_set(err, -EINVAL, "no file named to write to");
    /* A new file only (O_EXCL): a capture of an earlier run stays. */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST)
        return mc_err_set(err, -EEXIST,
                          "%s exists already, and mcscope never overwrites a "
                          "file: name a new one or remove it",
                          quote(path, q));
    if (fd < 0 || (f = fdopen(fd, "wb")) == NULL) {
        saved = errno != 0 ? errno : EIO;
        if (fd >= 0)
            close(fd);
        return mc_err_set(err, -saved, "cannot write the capture to %s: %s",
                          quote(path, q), strerror(saved));
    }
    errno = 0;
    c->dump = pcap_dump_fopen(c->p, f);
    if (c->dump == NULL) {
        saved = errno != 0 ? errno : EIO;
        fclose(f);
        unlink(path); /* the empty file made just now */
        return mc_err_set(err, -saved, "cannot write the capture to %s: %s",
                          quote(path, q), quote(pcap_geterr(c->p), e));
    }
    return 0;
}

int mc_capture_dump_close(struct mc_capture *c, struct mc_err *err)
{
    int rc = 0;

    if (c->dump == NULL)
        return 0;
    if (pcap_dump_flush(c->dump) < 0)
        rc = mc_err_set(err, -EIO,
                        "the capture file could not be written "
                        "in full (disk full?)");
    pcap_dump_close(c->dump);
    c->dump = NULL;
    c->dumped_since_flush = false;
    return rc;
}

int mc_capture_filter_check(int linktype, const char *filter,
                            struct mc_err *err)
{
    struct bpf_program prog;
    char q[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    pcap_t *p;
    int rc = 0;

    if (filter == NULL || filter[0] == '\0')
        return 0;
    p = pcap_open_dead(linktype, 65535);
    if (p == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory");
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
        rc = mc_err_set(err, -EINVAL,
                        "capture filter \"%s\" does not compile: %s "
                        "(see pcap-filter(7))",
                        quote(filter, q), quote(pcap_geterr(p), e));
    else
        pcap_freecode(&prog);
    pcap_close(p);
    return rc;
}
