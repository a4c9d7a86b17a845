/* mcscope core: the subjects of health rules, from a monitor (expect.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/expect.h"
#include "mcscope/flow.h"
#include "mcscope/monitor.h"
#include "util.h"

/* The values shared by a group and a source: packets, rate since the
 * group's first join, loss from the sequences, the final silence. */
static void fill(struct mc_expect_subject *s, const struct mc_group_view *v,
                 const struct mc_counters *c, const struct mc_seq_stats *q,
                 int64_t now_ns)
{
    int64_t span = now_ns - v->first_join_ns;

    s->group = v->group;
    memcpy(s->ifname, v->ifname, sizeof s->ifname);
    s->port = v->port;
    s->known[MC_EXP_PACKETS] = true;
    s->value[MC_EXP_PACKETS] = (double)c->packets;
    s->known[MC_EXP_RATE] = span > 0;
    s->value[MC_EXP_RATE] =
        span > 0 ? (double)c->packets * (double)MC_NS_PER_S / (double)span : 0;
    s->known[MC_EXP_LOSS] = q->known && q->expected > 0;
    s->value[MC_EXP_LOSS] =
        s->known[MC_EXP_LOSS] ? (double)q->lost / (double)q->expected : 0;
    s->lost = q->lost;
    s->expected = q->expected;
    s->known[MC_EXP_GAP] = c->packets > 0;
    s->value[MC_EXP_GAP] =
        c->packets > 0 && now_ns > c->last_ns
            ? (double)(now_ns - c->last_ns) / (double)MC_NS_PER_S
            : 0;
}

/* The longest time between two packets of one of s's flows (0: none). */
static double flows_iat_max_s(const struct mc_source_stats *s)
{
    unsigned n = mc_source_flow_count(s);
    int64_t max = 0;

    for (unsigned i = 0; i < n; i++) {
        const struct mc_flow *f = mc_source_flow(s, i);

        if (f->iat_n > 0 && f->iat_max_ns > max)
            max = f->iat_max_ns;
    }
    return (double)max / (double)MC_NS_PER_S;
}

/* A diagnosis: its failed checks, and the first of them by name. */
static void diagnosis_subject(struct mc_expect_subject *s,
                              const struct mc_diagnosis *d)
{
    s->diagnosis = true;
    s->group = d->t.group;
    memcpy(s->ifname, d->t.ifname, sizeof s->ifname);
    s->port = d->t.port;
    s->known[MC_EXP_FAILED] = true;
    s->value[MC_EXP_FAILED] = d->nfail;
    for (size_t k = 0; k < MC_DIAG_NCHECKS; k++)
        if (d->checks[k].status == MC_DIAG_FAIL) {
            snprintf(s->failed_id, sizeof s->failed_id, "%s",
                     mc_diag_id_name(d->checks[k].id));
            break;
        }
}

int mc_expect_subjects(const struct mc_monitor *m, int64_t now_ns,
                       struct mc_expect_subject **out)
{
    struct mc_expect_subject *arr = NULL, *s;
    struct mc_group_view v;
    struct mc_seq_stats q;
    size_t n = 0, cap = 0;

    for (size_t gi = 0; mc_monitor_group(m, gi, &v) == 0; gi++) {
        unsigned ns = mc_group_stats_source_count(v.stats), sending = 0;
        size_t at;

        if ((s = mc__grown(arr, &cap, n, sizeof *arr)) == NULL)
            goto nomem;
        arr = s;
        at = n++;
        memset(&arr[at], 0, sizeof arr[at]);
        mc_group_stats_seq(v.stats, &q);
        fill(&arr[at], &v, mc_group_stats_counters(v.stats), &q, now_ns);
        for (unsigned i = 0; i < ns; i++) {
            const struct mc_source_stats *src =
                mc_group_stats_source(v.stats, i);
            const struct mc_counters *c = mc_source_counters(src);

            if (c->packets > 0)
                sending++;
            if ((s = mc__grown(arr, &cap, n, sizeof *arr)) == NULL)
                goto nomem;
            arr = s;
            s = &arr[n++];
            memset(s, 0, sizeof *s);
            mc_source_seq(src, &q);
            if (!q.known) /* as the JSON report: the flows' sequences */
                mc_source_flows_seq(src, &q);
            fill(s, &v, c, &q, now_ns);
            /* gap: the longest silence, between two packets or at the
             * end; the group's is its sources' longest. */
            if (flows_iat_max_s(src) > s->value[MC_EXP_GAP])
                s->value[MC_EXP_GAP] = flows_iat_max_s(src);
            if (s->known[MC_EXP_GAP] &&
                s->value[MC_EXP_GAP] > arr[at].value[MC_EXP_GAP])
                arr[at].value[MC_EXP_GAP] = s->value[MC_EXP_GAP];
            s->has_source = true;
            s->source = *mc_source_addr(src);
        }
        arr[at].known[MC_EXP_SOURCES] = true;
        arr[at].value[MC_EXP_SOURCES] = sending;
    }
    for (size_t i = 0; mc_monitor_diagnosis(m, i) != NULL; i++) {
        const struct mc_diagnosis *d = mc_monitor_diagnosis(m, i);

        if ((s = mc__grown(arr, &cap, n, sizeof *arr)) == NULL)
            goto nomem;
        arr = s;
        s = &arr[n++];
        memset(s, 0, sizeof *s);
        diagnosis_subject(s, d);
    }
    *out = arr;
    return (int)n;
nomem:
    free(arr);
    *out = NULL;
    return -ENOMEM;
}
