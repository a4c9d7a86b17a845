/*
 * mcscope ui: what is on the link ('v'): the multicast streams seen on
 * the wire (discover on) and the sessions SAP announces (sap on), one row
 * each; j or Enter opens the prompt with the command that joins the
 * selected one the right way (join-source in the SSM range or for a
 * session whose SDP names its sources, join otherwise).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "format.h"
#include "screen.h"

#define STREAM_FMT "%-26s %5s %-26s %-8s %8s %8s  %s"
#define SESSION_FMT "%-26s %5s %-26s %-8s %-6s  %s"

struct streams {
    size_t sel, first;
    int rows, cols;
};

static void *streams_init(void)
{
    return calloc(1, sizeof(struct streams));
}

static void streams_free(void *st)
{
    free(st);
}

static void streams_resize(void *st, int rows, int cols)
{
    struct streams *s = st;

    s->rows = rows;
    s->cols = cols;
}

static size_t nstreams(const struct ui_ctx *c)
{
    const struct mc_discover *d = mc_monitor_discover(c->m);

    return d != NULL ? mc_discover_count(d) : 0;
}

static size_t nsessions(const struct ui_ctx *c)
{
    const struct mc_sap_table *t = mc_monitor_sap(c->m);

    return t != NULL ? mc_sap_table_count(t) : 0;
}

/* The command joining a stream: join-source in the SSM range. */
static int stream_join(const struct mc_stream_view *v, char *buf, size_t len)
{
    char g[MC_ADDR_STRLEN], src[MC_ADDR_STRLEN];
    struct mc_group_info info;

    mc_group_classify(&v->group, &info);
    mc_addr_format(&v->group, g, sizeof g);
    if (info.ssm)
        return snprintf(buf, len, "join-source %s %s dev %s port %u", g,
                        mc_addr_format(&v->source, src, sizeof src), v->ifname,
                        (unsigned)v->port);
    return snprintf(buf, len, "join %s dev %s port %u", g, v->ifname,
                    (unsigned)v->port);
}

/* Item i (streams first, then sessions): its join command. */
static bool item_join(const struct ui_ctx *c, size_t i, char *buf, size_t len)
{
    struct mc_stream_view v;
    struct mc_sap_session s;
    size_t ns = nstreams(c);

    if (i < ns)
        return mc_discover_get(mc_monitor_discover(c->m), i, &v) == 0 &&
               stream_join(&v, buf, len) > 0;
    return mc_sap_table_get(mc_monitor_sap(c->m), i - ns, &s) == 0 &&
           mc_sap_join_command(&s, buf, len) > 0;
}

static void stream_row(const struct ui_ctx *c, const struct mc_stream_view *v,
                       char *buf, size_t len)
{
    char g[MC_ADDR_STRLEN], src[MC_ADDR_STRLEN], port[8], pk[16], rate[16];
    struct mc_group_view gv;
    bool joined = false;
    double pps = 0;

    for (size_t i = 0; !joined && mc_monitor_group(c->m, i, &gv) == 0; i++)
        joined = gv.joined && gv.port == v->port &&
                 mc_addr_equal(&gv.group, &v->group);
    snprintf(port, sizeof port, "%u", (unsigned)v->port);
    snprintf(buf, len, STREAM_FMT, mc_addr_format(&v->group, g, sizeof g), port,
             mc_addr_format(&v->source, src, sizeof src), v->ifname,
             ui_format_count(v->packets, pk, sizeof pk),
             ui_format_si(pps, mc_stream_pps(v, &pps), rate, sizeof rate),
             joined ? "joined here" : "");
}

static void session_row(const struct mc_sap_session *s, char *buf, size_t len)
{
    char g[MC_ADDR_STRLEN], src[MC_ADDR_STRLEN] = "any", port[8];

    if (s->sdp.nsources > 0)
        mc_addr_format(&s->sdp.sources[0], src, sizeof src);
    snprintf(port, sizeof port, "%u", (unsigned)s->sdp.port);
    snprintf(buf, len, SESSION_FMT, mc_addr_format(&s->sdp.group, g, sizeof g),
             port, src, s->ifname, s->sdp.media, s->sdp.name);
}

static void put_row(WINDOW *w, int y, int cols, bool sel, enum ui_role role,
                    const char *text)
{
    attr_t a = ui_attr(sel ? UI_ROLE_SELECTED : role);

    if (sel)
        ui_fill(w, y, 0, cols, a);
    ui_put(w, y, 0, cols, a, text);
}

static void streams_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                         int rows, int cols)
{
    struct streams *s = st;
    size_t ns = nstreams(c), nss = nsessions(c), n = ns + nss;
    char line[512];
    int y = top;

    if (n > 0 && s->sel >= n)
        s->sel = n - 1;
    snprintf(line, sizeof line,
             "On the link: %zu streams (discover %s), %zu SAP sessions (sap "
             "%s)   j/Enter: join the selected one   Esc back",
             ns, mc_monitor_discover_on(c->m) ? "on" : "off", nss,
             mc_monitor_sap_on(c->m) ? "on" : "off");
    ui_put(w, y++, 0, cols, ui_attr(UI_ROLE_TITLE), line);
    snprintf(line, sizeof line, STREAM_FMT, "GROUP", "PORT", "SOURCE", "IFACE",
             "PKTS", "PPS", "");
    ui_put(w, y++, 0, cols, ui_attr(UI_ROLE_HEADER), line);
    if (ns == 0)
        ui_put(w, y++, 0, cols, ui_attr(UI_ROLE_DIM),
               "no streams: discover on dev IFACE shows the multicast UDP on "
               "the wire");
    for (size_t i = 0; i < ns && y < top + rows; i++) {
        struct mc_stream_view v;

        if (mc_discover_get(mc_monitor_discover(c->m), i, &v) < 0)
            break;
        stream_row(c, &v, line, sizeof line);
        put_row(w, y++, cols, i == s->sel, UI_ROLE_GROUP, line);
    }
    if (y >= top + rows)
        return;
    snprintf(line, sizeof line, SESSION_FMT, "SESSION GROUP", "PORT", "SOURCE",
             "IFACE", "MEDIA", "NAME");
    ui_put(w, y++, 0, cols, ui_attr(UI_ROLE_HEADER), line);
    if (nss == 0 && y < top + rows)
        ui_put(w, y++, 0, cols, ui_attr(UI_ROLE_DIM),
               "no sessions: sap on dev IFACE reads SAP announcements "
               "(224.2.127.254, ff0e::2:7ffe port 9875)");
    for (size_t i = 0; i < nss && y < top + rows; i++) {
        struct mc_sap_session ss;

        if (mc_sap_table_get(mc_monitor_sap(c->m), i, &ss) < 0)
            break;
        session_row(&ss, line, sizeof line);
        put_row(w, y++, cols, ns + i == s->sel, UI_ROLE_SOURCE, line);
    }
}

static unsigned streams_key(struct ui_ctx *c, void *st, enum ui_action act,
                            int ch, struct ui_reply *out)
{
    struct streams *s = st;
    size_t n = nstreams(c) + nsessions(c);

    (void)ch;
    switch (act) {
    case UI_ACT_UP:
        if (s->sel > 0)
            s->sel--;
        break;
    case UI_ACT_DOWN:
        if (s->sel + 1 < n)
            s->sel++;
        break;
    case UI_ACT_TOP:
        s->sel = 0;
        break;
    case UI_ACT_BOTTOM:
        s->sel = n > 0 ? n - 1 : 0;
        break;
    case UI_ACT_LINK_JOIN:
        if (n == 0 || !item_join(c, s->sel, out->line, sizeof out->line)) {
            ui_message(c->exec, UI_ROLE_EV_REFUSED, "%s",
                       n == 0 ? "nothing to join: no stream or session yet"
                              : "this session's group is in the SSM range "
                                "and its SDP names no source: nothing to "
                                "join-source");
            return UI_R_REDRAW;
        }
        out->cursor = strlen(out->line);
        return UI_R_PROMPT;
    default:
        break;
    }
    return UI_R_REDRAW;
}

const struct ui_screen_ops ui_streams_screen = {
    .ctx = UI_CTX_STREAMS,
    .init = streams_init,
    .free = streams_free,
    .resize = streams_resize,
    .key = streams_key,
    .draw = streams_draw,
};
