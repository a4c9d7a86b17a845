/* mcscope core: health rules, parsed and checked (see expect.h). */
#include "mcscope/expect.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A unit a metric accepts and what it multiplies by. */
struct unit {
    const char *name;
    double scale;
};

static const struct metric {
    const char *name;
    bool whole;       /* a count: a whole number */
    bool unit_needed; /* no bare number */
    const char *example;
    const char *what;    /* the value, in words */
    const char *unknown; /* why it may not be known */
    struct unit units[4];
} metrics[MC_EXP_NMETRICS] = {
    [MC_EXP_PACKETS] =
        {"packets", true, false, "packets>=1000", "packets", NULL, {{"", 1}}},
    [MC_EXP_LOSS] = {"loss",
                     false,
                     true,
                     "loss<=0.1%",
                     "loss",
                     "no sequence to count loss by (it needs mcscope's "
                     "probes: send GROUP on the sender)",
                     {{"%", 0.01}}},
    [MC_EXP_RATE] = {"rate",
                     false,
                     false,
                     "rate>=100",
                     "a mean rate",
                     NULL,
                     {{"", 1}, {"pps", 1}}},
    [MC_EXP_GAP] = {"gap",
                    false,
                    true,
                    "gap<=200ms",
                    "a longest silence of",
                    "no packet yet, so no silence to measure",
                    {{"ms", 1e-3}, {"s", 1}, {"us", 1e-6}}},
    [MC_EXP_SOURCES] = {"sources",
                        true,
                        false,
                        "sources>=2",
                        "sources sending",
                        NULL,
                        {{"", 1}}},
    [MC_EXP_FAILED] =
        {"failed", true, false, "failed=0", "failed checks:", NULL, {{"", 1}}},
};

static const struct {
    const char *text;
    enum mc_expect_op op;
} ops[] = {
    {">=", MC_EXP_GE}, {"<=", MC_EXP_LE}, {"==", MC_EXP_EQ},
    {">", MC_EXP_GT},  {"<", MC_EXP_LT},  {"=", MC_EXP_EQ},
};

static const char *const op_text[] = {
    [MC_EXP_GE] = ">=", [MC_EXP_LE] = "<=", [MC_EXP_GT] = ">",
    [MC_EXP_LT] = "<",  [MC_EXP_EQ] = "=",
};

#define HINT                                                                   \
    "write METRIC OP NUMBER, optionally after GROUP: or GROUP/SOURCE:, "       \
    "e.g. packets>=1000, loss<=0.1%, rate>=100, gap<=200ms, sources>=2, "      \
    "ff15::1234:loss<=0.1%"

const char *mc_expect_metric_name(enum mc_expect_metric m)
{
    return (unsigned)m < MC_EXP_NMETRICS ? metrics[m].name : "?";
}

static int find_metric(const char *s, size_t n)
{
    for (int i = 0; i < MC_EXP_NMETRICS; i++)
        if (strlen(metrics[i].name) == n && strncmp(metrics[i].name, s, n) == 0)
            return i;
    return -1;
}

static int parse_scope(char *scope, struct mc_expect_rule *r, const char *text,
                       struct mc_err *err)
{
    char *slash = strchr(scope, '/');
    struct mc_err e;

    if (slash != NULL) {
        *slash = '\0';
        if (mc_addr_parse(slash + 1, &r->source, NULL, 0, &e) < 0 ||
            mc_addr_is_multicast(&r->source))
            return mc_err_set(err, -EINVAL,
                              "--expect '%s': '%s' is not a source address: "
                              "scope a rule as GROUP/SOURCE:, e.g. "
                              "ff15::1234/fd42::1:packets>=100",
                              text, slash + 1);
        r->has_source = true;
    }
    if (mc_addr_parse(scope, &r->group, r->ifname, sizeof r->ifname, &e) < 0 ||
        !mc_addr_is_multicast(&r->group))
        return mc_err_set(err, -EINVAL,
                          "--expect '%s': '%s' is not a multicast group: "
                          "scope a rule as GROUP: or GROUP%%IFACE:, e.g. "
                          "ff15::1234:loss<=0.1%%",
                          text, scope);
    if (r->has_source && r->source.family != r->group.family)
        return mc_err_set(err, -EINVAL,
                          "--expect '%s': the source and the group are of "
                          "different families: give an %s source",
                          text, mc_family_name(r->group.family));
    r->scoped = true;
    return 0;
}

static int parse_value(const char *num, struct mc_expect_rule *r,
                       const char *text, struct mc_err *err)
{
    const struct metric *mt = &metrics[r->metric];
    char *end;
    double v;

    errno = 0;
    v = strtod(num, &end);
    if (end == num || errno != 0 || !isfinite(v) || v < 0 ||
        strchr("+-", num[0]) != NULL)
        return mc_err_set(err, -EINVAL,
                          "--expect '%s': '%s' is not a number of 0 or more: "
                          "e.g. %s",
                          text, num, mt->example);
    for (size_t i = 0; i < 4 && mt->units[i].name != NULL; i++) {
        if (strcmp(end, mt->units[i].name) != 0)
            continue;
        if (mt->unit_needed && end[0] == '\0')
            break;
        if (mt->whole && v != floor(v))
            return mc_err_set(err, -EINVAL,
                              "--expect '%s': %s counts whole things: give a "
                              "whole number, e.g. %s",
                              text, mt->name, mt->example);
        if (r->metric == MC_EXP_LOSS && v > 100)
            return mc_err_set(err, -EINVAL,
                              "--expect '%s': loss is a percentage, 0%% to "
                              "100%%: e.g. loss<=0.1%%",
                              text);
        r->value = v * mt->units[i].scale;
        return 0;
    }
    return mc_err_set(
        err, -EINVAL, "--expect '%s': %s takes %s: e.g. %s", text, mt->name,
        r->metric == MC_EXP_LOSS   ? "a percentage with %"
        : r->metric == MC_EXP_GAP  ? "a time in ms, s or us"
        : r->metric == MC_EXP_RATE ? "packets per second, a bare number or pps"
                                   : "a bare number",
        mt->example);
}

int mc_expect_parse(const char *text, struct mc_expect_rule *out,
                    struct mc_err *err)
{
    char buf[MC_EXPECT_TEXT_MAX], *colon;
    size_t at, oplen = 0;
    int metric;

    memset(out, 0, sizeof *out);
    if (strlen(text) >= sizeof buf)
        return mc_err_set(err, -EINVAL,
                          "--expect: a rule of %zu characters is too long: "
                          "%s",
                          strlen(text), HINT);
    snprintf(out->text, sizeof out->text, "%s", text);
    snprintf(buf, sizeof buf, "%s", text);
    if (strchr(buf, '@') != NULL || strchr(buf, ' ') != NULL)
        return mc_err_set(err, -EINVAL, "--expect '%s': %s", text, HINT);
    at = strcspn(buf, "<>=");
    if (buf[at] == '\0')
        return mc_err_set(err, -EINVAL,
                          "--expect '%s': no comparison (>=, <=, >, <, =): %s",
                          text, HINT);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].text);

        if (strncmp(buf + at, ops[i].text, n) == 0) {
            out->op = ops[i].op;
            oplen = n;
            break;
        }
    }
    buf[at] = '\0';
    colon = strrchr(buf, ':');
    metric = colon != NULL ? find_metric(colon + 1, strlen(colon + 1))
                           : find_metric(buf, at);
    if (metric < 0)
        return mc_err_set(err, -EINVAL,
                          "--expect '%s': '%s' is not a metric: say packets, "
                          "loss, rate, gap, sources or failed (%s)",
                          text, colon != NULL ? colon + 1 : buf, HINT);
    out->metric = (enum mc_expect_metric)metric;
    if (colon != NULL) {
        *colon = '\0';
        if (parse_scope(buf, out, text, err) < 0)
            return -EINVAL;
    }
    if (out->has_source && out->metric == MC_EXP_SOURCES)
        return mc_err_set(err, -EINVAL,
                          "--expect '%s': sources counts a group's senders: "
                          "scope it to GROUP:, not GROUP/SOURCE:",
                          text);
    if (out->has_source && out->metric == MC_EXP_FAILED)
        return mc_err_set(err, -EINVAL,
                          "--expect '%s': failed counts a diagnosis's checks: "
                          "scope it to GROUP:, not GROUP/SOURCE: (the source "
                          "goes in the diagnose command)",
                          text);
    return parse_value(buf + at + oplen, out, text, err);
}

const char *mc_expect_value_format(enum mc_expect_metric m, double v, char *buf,
                                   size_t len)
{
    switch (m) {
    case MC_EXP_LOSS:
        snprintf(buf, len, "%.4g%%", v * 100);
        break;
    case MC_EXP_RATE:
        snprintf(buf, len, "%.1f pps", v);
        break;
    case MC_EXP_GAP:
        if (v < 1)
            snprintf(buf, len, "%.1f ms", v * 1e3);
        else
            snprintf(buf, len, "%.3f s", v);
        break;
    default:
        snprintf(buf, len, "%.0f", v);
        break;
    }
    return buf;
}

static bool holds(enum mc_expect_op op, double v, double limit)
{
    switch (op) {
    case MC_EXP_GE:
        return v >= limit;
    case MC_EXP_LE:
        return v <= limit;
    case MC_EXP_GT:
        return v > limit;
    case MC_EXP_LT:
        return v < limit;
    default:
        return v == limit;
    }
}

static bool in_scope(const struct mc_expect_rule *r,
                     const struct mc_expect_subject *s)
{
    if (s->has_source != r->has_source ||
        s->diagnosis != (r->metric == MC_EXP_FAILED))
        return false;
    if (!r->scoped)
        return true;
    if (!mc_addr_equal(&s->group, &r->group))
        return false;
    if (r->ifname[0] != '\0' && strcmp(r->ifname, s->ifname) != 0)
        return false;
    return !r->has_source || mc_addr_equal(&s->source, &r->source);
}

/* "ff15::1234 dev lab0 port 5001 from fd42::1" */
static const char *subject_words(const struct mc_expect_subject *s, char *buf,
                                 size_t len)
{
    char g[MC_ADDR_STRLEN], src[MC_ADDR_STRLEN];

    snprintf(buf, len, "%s%s%s port %u%s%s",
             mc_addr_format(&s->group, g, sizeof g),
             s->ifname[0] != '\0' ? " dev " : "", s->ifname, (unsigned)s->port,
             s->has_source ? " from " : "",
             s->has_source ? mc_addr_format(&s->source, src, sizeof src) : "");
    return buf;
}

static void say_subject(const struct mc_expect_rule *r,
                        const struct mc_expect_subject *s,
                        struct mc_expect_result *res)
{
    const struct metric *mt = &metrics[r->metric];
    char who[2 * MC_ADDR_STRLEN + IF_NAMESIZE + 32], val[48], lim[48];
    char extra[64] = "";

    subject_words(s, who, sizeof who);
    if (res->status == MC_EXPECT_UNKNOWN) {
        snprintf(res->text, sizeof res->text, "%s cannot be checked: %s has %s",
                 r->text, who, mt->unknown);
        return;
    }
    if (r->metric == MC_EXP_LOSS)
        snprintf(extra, sizeof extra, " (%llu of %llu lost)",
                 (unsigned long long)s->lost, (unsigned long long)s->expected);
    if (r->metric == MC_EXP_FAILED && s->failed_id[0] != '\0')
        snprintf(extra, sizeof extra, " (the first: %s)", s->failed_id);
    snprintf(
        res->text, sizeof res->text, "%s broken: %s had %s %s%s, not %s %s",
        r->text, who, mt->what,
        mc_expect_value_format(r->metric, s->value[r->metric], val, sizeof val),
        extra, op_text[r->op],
        mc_expect_value_format(r->metric, r->value, lim, sizeof lim));
}

static void say_nothing(const struct mc_expect_rule *r,
                        struct mc_expect_result *res)
{
    char g[MC_ADDR_STRLEN], src[MC_ADDR_STRLEN];

    if (r->metric == MC_EXP_FAILED)
        snprintf(res->text, sizeof res->text,
                 "%s cannot be checked: no diagnose of %s ran (-e 'diagnose "
                 "GROUP ...')",
                 r->text,
                 r->scoped ? mc_addr_format(&r->group, g, sizeof g)
                           : "any group");
    else if (!r->scoped)
        snprintf(res->text, sizeof res->text,
                 "%s cannot be checked: no group was joined during the run",
                 r->text);
    else if (r->has_source)
        snprintf(res->text, sizeof res->text,
                 "%s cannot be checked: %s sent nothing to %s%s%s during the "
                 "run (or it was never joined)",
                 r->text, mc_addr_format(&r->source, src, sizeof src),
                 mc_addr_format(&r->group, g, sizeof g),
                 r->ifname[0] != '\0' ? "%" : "", r->ifname);
    else
        snprintf(res->text, sizeof res->text,
                 "%s cannot be checked: %s%s%s was not joined during the run",
                 r->text, mc_addr_format(&r->group, g, sizeof g),
                 r->ifname[0] != '\0' ? "%" : "", r->ifname);
}

enum mc_expect_status mc_expect_check(const struct mc_expect_rule *rule,
                                      const struct mc_expect_subject *subj,
                                      size_t n, struct mc_expect_result *result)
{
    const struct mc_expect_subject *unknown = NULL;

    memset(result, 0, sizeof *result);
    for (size_t i = 0; i < n; i++) {
        const struct mc_expect_subject *s = &subj[i];

        if (!in_scope(rule, s))
            continue;
        result->matched++;
        if (!s->known[rule->metric]) {
            if (unknown == NULL)
                unknown = s;
            continue;
        }
        if (!holds(rule->op, s->value[rule->metric], rule->value)) {
            result->status = MC_EXPECT_BROKEN;
            say_subject(rule, s, result);
            return result->status;
        }
    }
    if (unknown != NULL) {
        result->status = MC_EXPECT_UNKNOWN;
        say_subject(rule, unknown, result);
    } else if (result->matched == 0) {
        result->status = MC_EXPECT_UNKNOWN;
        say_nothing(rule, result);
    } else {
        snprintf(result->text, sizeof result->text, "%s holds (%zu checked)",
                 rule->text, result->matched);
    }
    return result->status;
}
