/* mcscope: the monitor brought back to a state it had (see restore.h). */
#include "restore.h"

#include <stdio.h>
#include <string.h>

#include "mcscope/cmd.h"
#include "mcscope/cmsg.h"
#include "mcscope/sockopt.h"

void restore_save(struct restore_point *p, const struct mc_monitor *m)
{
    mc_monitor_settings(m, &p->s);
    p->saved = true;
}

static size_t run(struct mc_monitor *m, const char *line)
{
    return mc_monitor_exec_line(m, line, NULL) < 0 ? 1 : 0;
}

static size_t leave_all(struct mc_monitor *m)
{
    char group[MC_ADDR_STRLEN], line[MC_CMD_TEXT_MAX];
    struct mc_group_view g;
    size_t failed = 0;

    for (size_t i = 0; mc_monitor_group(m, i, &g) == 0; i++) {
        if (!g.joined)
            continue;
        mc_addr_format(&g.group, group, sizeof group);
        snprintf(line, sizeof line, "leave %s%s%s port %u", group,
                 g.ifname[0] != '\0' ? " dev " : "", g.ifname,
                 (unsigned)g.port);
        failed += run(m, line);
    }
    return failed;
}

/* The family whose readback is the setting (IPv6 when it is there). */
static const struct mc_family_settings *fam(const struct mc_monitor_settings *s)
{
    return s->v6.ok ? &s->v6 : &s->v4;
}

static size_t options(const struct mc_monitor_settings *was,
                      const struct mc_monitor_settings *now,
                      struct mc_monitor *m)
{
    size_t n, failed = 0;
    const struct mc_sockopt *t = mc_sockopt_table(&n);
    char line[MC_CMD_TEXT_MAX];

    for (size_t i = 0; i < n; i++) {
        int a, b;

        if (t[i].opt == MC_OPT_MULTICAST_ALL) {
            a = was->multicast_all;
            b = now->multicast_all;
        } else if (t[i].readback.type != MC_FIELD_NONE) {
            a = mc_field_get(fam(was), t[i].readback);
            b = mc_field_get(fam(now), t[i].readback);
        } else {
            continue;
        }
        if (a == b)
            continue;
        if (t[i].value == MC_SOCKOPT_ONOFF)
            snprintf(line, sizeof line, "set %s %s", t[i].name,
                     a ? "on" : "off");
        else if (t[i].value == MC_SOCKOPT_IFACE)
            snprintf(line, sizeof line, "set %s %s", t[i].name,
                     a != 0 ? fam(was)->mcast_ifname : "none");
        else
            snprintf(line, sizeof line, "set %s %d", t[i].name, a);
        failed += run(m, line);
    }
    return failed;
}

static size_t flags(unsigned was, unsigned now, struct mc_monitor *m)
{
    size_t n, failed = 0;
    const struct mc_cm_flag_info *t = mc_cm_flags(&n);
    char line[64];

    for (size_t i = 0; i < n; i++) {
        if ((was & t[i].flag) == (now & t[i].flag))
            continue;
        snprintf(line, sizeof line, "cmsg %s %s", t[i].word,
                 (was & t[i].flag) ? "on" : "off");
        failed += run(m, line);
    }
    return failed;
}

size_t restore_run(const struct restore_point *p, struct mc_monitor *m)
{
    struct mc_monitor_settings now;
    size_t failed = 0;

    if (!p->saved)
        return 0;
    if (mc_monitor_senders_running(m) > 0)
        failed += run(m, "stop-send");
    failed += leave_all(m);
    mc_monitor_settings(m, &now);
    failed += options(&p->s, &now, m);
    failed += flags(p->s.cm_flags, now.cm_flags, m);
    if (p->s.pcap != now.pcap)
        failed += run(m, p->s.pcap ? "pcap on" : "pcap off");
    return failed;
}
