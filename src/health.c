/* mcscope: health rules and the --nagios line (see health.h). */
#include "health.h"

#include <stdlib.h>
#include <string.h>

enum { NAGIOS_OK, NAGIOS_WARNING, NAGIOS_CRITICAL, NAGIOS_UNKNOWN };

static const char *const nagios_name[] = {"OK", "WARNING", "CRITICAL",
                                          "UNKNOWN"};

/* Each rule's result into res[]; -1 when the subjects cannot be built. */
static int check_all(const struct mc_monitor *m, int64_t now_ns,
                     const struct mc_expect_rule *rules, size_t n,
                     struct mc_expect_result *res)
{
    struct mc_expect_subject *subj;
    int ns = mc_expect_subjects(m, now_ns, &subj);

    if (ns < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        mc_expect_check(&rules[i], subj, (size_t)ns, &res[i]);
    free(subj);
    return 0;
}

int health_check(const struct mc_monitor *m, int64_t now_ns,
                 const struct mc_expect_rule *rules, size_t n)
{
    struct mc_expect_result *res;
    int status = 0;

    if (n == 0)
        return 0;
    res = calloc(n, sizeof *res);
    if (res == NULL || check_all(m, now_ns, rules, n, res) < 0) {
        fprintf(stderr, "mcscope: health check: out of memory\n");
        free(res);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (res[i].status == MC_EXPECT_OK)
            continue;
        fprintf(stderr, "mcscope: health check: %s\n", res[i].text);
        status = 1;
    }
    free(res);
    return status;
}

/* A perfdata label: no quote or '=' can occur in it (addresses, names). */
static void perf(FILE *out, const struct mc_group_view *v, const char *what,
                 const char *value)
{
    char a[MC_ADDR_STRLEN];

    fprintf(out, " '%s%s%s:%u %s'=%s", mc_addr_format(&v->group, a, sizeof a),
            v->ifname[0] != '\0' ? "%" : "", v->ifname, (unsigned)v->port, what,
            value);
}

static void perfdata(FILE *out, const struct mc_monitor *m, int64_t now_ns)
{
    struct mc_expect_subject *subj;
    struct mc_group_view v;
    char val[64];
    int ns = mc_expect_subjects(m, now_ns, &subj);
    size_t gi = 0;

    if (ns < 0)
        return;
    fputs(" |", out);
    for (int i = 0; i < ns; i++) {
        const struct mc_expect_subject *s = &subj[i];

        if (s->has_source || mc_monitor_group(m, gi++, &v) < 0)
            continue;
        snprintf(val, sizeof val, "%.0fc;;;0", s->value[MC_EXP_PACKETS]);
        perf(out, &v, "packets", val);
        snprintf(val, sizeof val, "%.1f;;;0", s->value[MC_EXP_RATE]);
        perf(out, &v, "pps", val);
        snprintf(val, sizeof val, "%.0f;;;0", s->value[MC_EXP_SOURCES]);
        perf(out, &v, "sources", val);
        if (s->known[MC_EXP_LOSS]) {
            snprintf(val, sizeof val, "%.4g%%;;;0;100",
                     s->value[MC_EXP_LOSS] * 100);
            perf(out, &v, "loss", val);
        }
    }
    free(subj);
}

int health_nagios(FILE *out, const struct mc_monitor *m, int64_t now_ns,
                  const struct mc_expect_rule *rules, size_t n, int run_status)
{
    struct mc_expect_result *res = calloc(n ? n : 1, sizeof *res);
    const char *first = NULL;
    size_t held = 0;
    int status = NAGIOS_OK;

    if (res == NULL || check_all(m, now_ns, rules, n, res) < 0) {
        free(res);
        health_nagios_unknown(out, "out of memory");
        return NAGIOS_UNKNOWN;
    }
    for (size_t i = 0; i < n; i++) {
        if (res[i].status == MC_EXPECT_OK) {
            held++;
            continue;
        }
        fprintf(stderr, "mcscope: health check: %s\n", res[i].text);
        if (res[i].status == MC_EXPECT_BROKEN && status != NAGIOS_CRITICAL) {
            status = NAGIOS_CRITICAL;
            first = res[i].text;
        } else if (status == NAGIOS_OK) {
            status = NAGIOS_UNKNOWN;
            first = res[i].text;
        }
    }
    if (status == NAGIOS_OK && run_status != 0)
        status = NAGIOS_WARNING;
    fprintf(out, "MCSCOPE %s - ", nagios_name[status]);
    if (first != NULL)
        fputs(first, out);
    else if (status == NAGIOS_WARNING)
        fprintf(out,
                "%zu of %zu rules hold, but the run had failures (see "
                "stderr)",
                held, n);
    else
        fprintf(out, "%zu of %zu rules hold, %zu groups", held, n,
                mc_monitor_ngroups(m));
    perfdata(out, m, now_ns);
    fputc('\n', out);
    fflush(out);
    free(res);
    return status;
}

void health_nagios_unknown(FILE *out, const char *why)
{
    fprintf(out, "MCSCOPE UNKNOWN - %s\n", why);
    fflush(out);
}
