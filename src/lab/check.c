/* mcscope: a lesson's checks (see check.h). */
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/member.h"
#include "mcscope/stats.h"
#include "mcscope/tcp.h"
#include "mcscope/wire.h"
#include "mcscope/wirecheck.h"

typedef bool eval_fn(const struct lab_check *c, const struct mc_monitor *m,
                     char *said, size_t len);

static eval_fn eval_mode, eval_hoplimit, eval_tclass, eval_wire, eval_report;
static eval_fn eval_tcp_bytes, eval_tcp_hoplimit, eval_tcp_tclass;
static eval_fn eval_reflected, eval_listeners, eval_other;

/* The lesson's own metrics; entry 0 stands for the --expect rules. */
static const struct metric {
    const char *name;
    const char *const *words; /* NULL: a number */
    const char *example;
    eval_fn *eval;
} metrics[] = {
    {"(expect)", NULL, "packets>=20", NULL},
    {"mode", (const char *const[]){"asm", "include", "exclude", "none", NULL},
     "ff15::1234:mode=exclude", eval_mode},
    {"hoplimit", NULL, "ff15::1234/fd42::1:hoplimit=2", eval_hoplimit},
    {"tclass", NULL, "ff15::1234/fd42::2:tclass=0xb8", eval_tclass},
    {"wire", NULL, "ff15::1234:wire>=20", eval_wire},
    {"report",
     (const char *const[]){"mldv1", "mldv2", "igmpv1", "igmpv2", "igmpv3",
                           "MODE_IS_INCLUDE", "MODE_IS_EXCLUDE",
                           "CHANGE_TO_INCLUDE", "CHANGE_TO_EXCLUDE",
                           "ALLOW_NEW_SOURCES", "BLOCK_OLD_SOURCES", "IS_IN",
                           "IS_EX", "TO_IN", "TO_EX", "ALLOW", "BLOCK", NULL},
     "ff3e::1234:report=mldv1", eval_report},
    /* scoped by a unicast ADDR: tcp-connect's connection to it */
    {"tcp-bytes", NULL, "fd42::1:tcp-bytes>=1", eval_tcp_bytes},
    {"tcp-hoplimit", NULL, "fd42::1:tcp-hoplimit=3", eval_tcp_hoplimit},
    {"tcp-tclass", NULL, "fd42::1:tcp-tclass=0x28", eval_tcp_tclass},
    {"reflected", NULL, "ff15::1234:reflected>=20", eval_reflected},
    /* the group's listeners in this monitor: its rows joined now (bound
     * to the group, to the wildcard); what the wildcard rows took for
     * other destinations */
    {"listeners", NULL, "ff15::1234:listeners=2", eval_listeners},
    {"other", NULL, "ff15::1234:other>=20", eval_other},
};
#define FIRST_TCP 6 /* metrics[] 6..8 are scoped by an ADDR */
#define LAST_TCP 8
#define BY_ADDR(i) ((i) >= FIRST_TCP && (i) <= LAST_TCP)
#define NMETRICS (sizeof metrics / sizeof metrics[0])

static const struct {
    const char *text;
    enum mc_expect_op op;
} ops[] = {
    {">=", MC_EXP_GE}, {"<=", MC_EXP_LE}, {"==", MC_EXP_EQ},
    {">", MC_EXP_GT},  {"<", MC_EXP_LT},  {"=", MC_EXP_EQ},
};

#define HINT                                                                   \
    "a lesson also has mode, hoplimit, tclass, wire, report "                  \
    "(GROUP:mode=exclude), tcp-bytes, tcp-hoplimit, tcp-tclass "               \
    "(ADDR:tcp-tclass=0x28), reflected, listeners, other"

/* An --expect refusal as the check's: "check 'RULE': ...; HINT". */
static int refuse(struct mc_err *err, const char *expect_msg)
{
    char msg[sizeof err->msg];
    const char *m = expect_msg;

    if (strncmp(m, "--expect ", 9) == 0)
        m += 9;
    snprintf(msg, sizeof msg, "%s", m);
    return mc_err_set(err, -EINVAL, "check %s; %s", msg, HINT);
}

static int find_own(const char *s, size_t n)
{
    for (size_t i = 1; i < NMETRICS; i++)
        if (strlen(metrics[i].name) == n && strncmp(metrics[i].name, s, n) == 0)
            return (int)i;
    return -1;
}

static bool word_ok(const struct metric *mt, const char *w)
{
    for (const char *const *p = mt->words; *p != NULL; p++)
        if (strcmp(*p, w) == 0)
            return true;
    return false;
}

/* The scope before the metric, read by the --expect parser. */
static int parse_scope(const char *text, size_t scope_len,
                       struct lab_check *out, struct mc_err *err)
{
    char probe[MC_EXPECT_TEXT_MAX + 16];

    snprintf(probe, sizeof probe, "%.*s:packets>=0", (int)scope_len, text);
    if (mc_expect_parse(probe, &out->rule, err) < 0)
        return refuse(err, err->msg);
    snprintf(out->rule.text, sizeof out->rule.text, "%s", text);
    return 0;
}

static int parse_value(const char *text, const struct metric *mt, const char *v,
                       struct lab_check *out, struct mc_err *err)
{
    char *end;

    if (mt->words != NULL) {
        if (out->op != MC_EXP_EQ || !word_ok(mt, v))
            return mc_err_set(err, -EINVAL,
                              "check '%s': %s takes = and a word, e.g. %s",
                              text, mt->name, mt->example);
        snprintf(out->word, sizeof out->word, "%s", v);
        return 0;
    }
    errno = 0;
    out->value = (double)strtol(v, &end, 0);
    if (*v == '\0' || *end != '\0' || errno != 0 || out->value < 0)
        return mc_err_set(err, -EINVAL,
                          "check '%s': '%s' is not a whole number: e.g. %s",
                          text, v, mt->example);
    return 0;
}

int lab_check_parse(const char *text, struct lab_check *out, struct mc_err *err)
{
    const char *op = strpbrk(text, "<>="), *name, *v;
    const struct metric *mt;
    size_t oplen = 0;
    int i;

    memset(out, 0, sizeof *out);
    if (op == NULL || op == text)
        return mc_err_set(err, -EINVAL,
                          "check '%s': no METRIC OP VALUE: write "
                          "[GROUP[/SOURCE]:]METRIC OP VALUE, an --expect "
                          "rule (packets>=20); " HINT,
                          text);
    for (name = op; name > text && name[-1] != ':'; name--)
        ;
    i = find_own(name, (size_t)(op - name));
    if (i < 0) {
        out->metric = 0;
        if (mc_expect_parse(text, &out->rule, err) < 0)
            return refuse(err, err->msg);
        return 0;
    }
    mt = &metrics[i];
    out->metric = i;
    if (name == text)
        return mc_err_set(err, -EINVAL, "check '%s': %s needs %s: e.g. %s",
                          text, mt->name, BY_ADDR(i) ? "an address" : "a group",
                          mt->example);
    if (BY_ADDR(i)) {
        char a[MC_EXPECT_TEXT_MAX];

        snprintf(a, sizeof a, "%.*s", (int)(name - 1 - text), text);
        if (mc_addr_parse(a, &out->peer, NULL, 0, err) < 0 ||
            mc_addr_is_multicast(&out->peer))
            return mc_err_set(err, -EINVAL,
                              "check '%s': %s is scoped by the unicast "
                              "address tcp-connect connected to: e.g. %s",
                              text, mt->name, mt->example);
        snprintf(out->rule.text, sizeof out->rule.text, "%s", text);
    } else if (parse_scope(text, (size_t)(name - 1 - text), out, err) < 0) {
        return -EINVAL;
    }
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (strncmp(op, ops[k].text, strlen(ops[k].text)) == 0) {
            out->op = ops[k].op;
            oplen = strlen(ops[k].text);
            break;
        }
    v = op + oplen;
    if (out->rule.has_source && i == 1)
        return mc_err_set(err, -EINVAL,
                          "check '%s': a mode is the group's: drop the "
                          "/SOURCE, e.g. %s",
                          text, mt->example);
    return parse_value(text, mt, v, out, err);
}

/* ---- checking ---- */

static bool compare(double got, enum mc_expect_op op, double want)
{
    switch (op) {
    case MC_EXP_GE:
        return got >= want;
    case MC_EXP_LE:
        return got <= want;
    case MC_EXP_GT:
        return got > want;
    case MC_EXP_LT:
        return got < want;
    case MC_EXP_EQ:
        break;
    }
    return got == want;
}

/* Group record k in the check's scope (from *i on): true, *v filled. */
static bool next_group(const struct lab_check *c, const struct mc_monitor *m,
                       size_t *i, struct mc_group_view *v)
{
    for (; mc_monitor_group(m, *i, v) == 0; (*i)++)
        if (mc_addr_equal(&v->group, &c->rule.group) &&
            (c->rule.ifname[0] == '\0' ||
             strcmp(c->rule.ifname, v->ifname) == 0)) {
            (*i)++;
            return true;
        }
    return false;
}

static bool eval_mode(const struct lab_check *c, const struct mc_monitor *m,
                      char *said, size_t len)
{
    struct mc_group_view v;
    size_t i = 0;
    char f[256];
    bool any = false, ok = true;

    said[0] = '\0';
    while (next_group(c, m, &i, &v)) {
        mc_filter_format(v.mode, v.sources, v.nsources, f, sizeof f);
        snprintf(said, len, "mode %s", f);
        any = true;
        ok = ok && strcmp(mc_filter_mode_name(v.mode), c->word) == 0;
    }
    if (!any)
        snprintf(said, len, "never joined (mode none)");
    return any ? ok : strcmp(c->word, "none") == 0;
}

/* The newest packet of the scope that carried flag (MC_CM_*): its value
 * of hoplimit (true) or tclass. */
static bool eval_packet(const struct lab_check *c, const struct mc_monitor *m,
                        bool hop, char *said, size_t len)
{
    struct mc_pkt_record p[MC_MON_RECENT_PACKETS];
    struct mc_group_view v;
    size_t i = 0;

    while (next_group(c, m, &i, &v)) {
        size_t n =
            mc_monitor_recent_packets(m, i - 1, p, MC_MON_RECENT_PACKETS);

        for (size_t k = 0; k < n; k++) {
            int got = hop ? p[k].hoplimit : p[k].tclass;

            if ((c->rule.has_source &&
                 !mc_addr_equal(&p[k].src, &c->rule.source)) ||
                got < 0)
                continue;
            snprintf(said, len, hop ? "hop limit %d" : "traffic class 0x%02x",
                     got);
            return compare(got, c->op, c->value);
        }
    }
    snprintf(said, len,
             "no packet with its %s yet (cmsg %s on, and a packet of the "
             "group%s)",
             hop ? "hop limit" : "traffic class", hop ? "hoplimit" : "tclass",
             c->rule.has_source ? " from the source" : "");
    return false;
}

static bool eval_hoplimit(const struct lab_check *c, const struct mc_monitor *m,
                          char *said, size_t len)
{
    return eval_packet(c, m, true, said, len);
}

static bool eval_tclass(const struct lab_check *c, const struct mc_monitor *m,
                        char *said, size_t len)
{
    return eval_packet(c, m, false, said, len);
}

static bool eval_wire(const struct lab_check *c, const struct mc_monitor *m,
                      char *said, size_t len)
{
    struct mc_group_view v;
    size_t i = 0;
    uint64_t n = 0;

    while (next_group(c, m, &i, &v)) {
        struct mc_source_wire sw;

        if (!c->rule.has_source)
            n += mc_group_stats_counters(v.stats)->wire_packets;
        else if (mc_monitor_source_wire(m, i - 1, &c->rule.source, &sw) == 0)
            n += sw.wire_packets;
    }
    snprintf(said, len, "%llu on the wire", (unsigned long long)n);
    return compare((double)n, c->op, c->value);
}

static bool eval_reflected(const struct lab_check *c,
                           const struct mc_monitor *m, char *said, size_t len)
{
    struct mc_group_view v;
    size_t i = 0;
    uint64_t n = 0;

    while (next_group(c, m, &i, &v))
        n += v.reflected;
    snprintf(said, len, "%llu sent back", (unsigned long long)n);
    return compare((double)n, c->op, c->value);
}

static bool eval_listeners(const struct lab_check *c,
                           const struct mc_monitor *m, char *said, size_t len)
{
    struct mc_group_view v;
    size_t i = 0;
    unsigned n = 0, any = 0;

    while (next_group(c, m, &i, &v))
        if (v.joined) {
            n++;
            any += v.binding == MC_BIND_ANY;
        }
    snprintf(said, len, "%u joined (%u bound to the group, %u to the wildcard)",
             n, n - any, any);
    return compare(n, c->op, c->value);
}

static bool eval_other(const struct lab_check *c, const struct mc_monitor *m,
                       char *said, size_t len)
{
    struct mc_group_view v;
    size_t i = 0;
    uint64_t n = 0;
    bool wild = false;

    while (next_group(c, m, &i, &v))
        if (v.binding == MC_BIND_ANY) {
            n += v.other_dst;
            wild = true;
        }
    if (!wild)
        snprintf(said, len, "no row bound to the wildcard (join ... bind any)");
    else
        snprintf(said, len, "%llu for other destinations",
                 (unsigned long long)n);
    return compare((double)n, c->op, c->value);
}

/* The short record names a teacher may write. */
static unsigned rec_type_of(const char *w)
{
    static const char *const shortn[] = {"",      "IS_IN", "IS_EX", "TO_IN",
                                         "TO_EX", "ALLOW", "BLOCK"};

    for (unsigned t = 1; t < sizeof shortn / sizeof shortn[0]; t++)
        if (strcmp(w, shortn[t]) == 0 ||
            strcmp(w, mc_wire_rec_type_name(t)) == 0)
            return t;
    return 0;
}

static bool report_names(const struct mc_wiremsg_view *w, const char *word,
                         const struct mc_addr *group)
{
    unsigned want = rec_type_of(word);

    if (w->dir == MC_WIRE_DIR_IN || w->type != MC_MSG_REPORT)
        return false;
    if (want == 0 && strcmp(mc_wire_proto_name(w->proto), word) != 0)
        return false;
    if (w->nrecords == 0)
        return want == 0 && mc_addr_equal(&w->group, group);
    for (size_t r = 0; r < w->nrecords; r++)
        if (mc_addr_equal(&w->records[r].group, group) &&
            (want == 0 || w->records[r].type == want))
            return true;
    return false;
}

static bool eval_report(const struct lab_check *c, const struct mc_monitor *m,
                        char *said, size_t len)
{
    struct mc_wiremsg_view w;
    size_t n = 0, total = mc_monitor_nwiremsgs(m);

    for (size_t i = 0; i < total; i++)
        if (mc_monitor_wiremsg(m, i, &w) == 0 &&
            report_names(&w, c->word, &c->rule.group))
            n++;
    snprintf(said, len, "%zu sent", n);
    return n > 0;
}

/* tcp-connect's newest connection to the check's ADDR: which (0: the
 * bytes, 1: hop limit, 2: traffic class) of it. */
static bool eval_tcp(const struct lab_check *c, const struct mc_monitor *m,
                     int which, char *said, size_t len)
{
    static const char *const what[] = {"bytes", "hop limit", "traffic class"};
    struct mc_tcp_conn t, last;
    bool any = false;
    long long v;

    for (size_t i = 0; mc_monitor_tcp_conn(m, i, &t) == 0; i++)
        if (!t.accepted && mc_addr_equal(&t.peer, &c->peer)) {
            last = t;
            any = true;
        }
    if (!any) {
        snprintf(said, len, "no tcp-connect to the address yet");
        return false;
    }
    v = which == 0   ? (long long)last.bytes_in
        : which == 1 ? last.hoplimit
                     : last.tclass;
    if (v < 0) {
        snprintf(said, len, "no segment with data read yet");
        return false;
    }
    snprintf(said, len, which == 2 ? "%s 0x%02llx" : "%s %lld", what[which], v);
    return compare((double)v, c->op, c->value);
}

static bool eval_tcp_bytes(const struct lab_check *c,
                           const struct mc_monitor *m, char *said, size_t len)
{
    return eval_tcp(c, m, 0, said, len);
}

static bool eval_tcp_hoplimit(const struct lab_check *c,
                              const struct mc_monitor *m, char *said,
                              size_t len)
{
    return eval_tcp(c, m, 1, said, len);
}

static bool eval_tcp_tclass(const struct lab_check *c,
                            const struct mc_monitor *m, char *said, size_t len)
{
    return eval_tcp(c, m, 2, said, len);
}

/* What a rule that held found: the value of the first subject in its
 * scope ("packets 40"), and how many records it held for. */
static void said_value(const struct lab_check *c,
                       const struct mc_expect_subject *subj, size_t n,
                       size_t matched, char *said, size_t len)
{
    const struct mc_expect_rule *r = &c->rule;
    char v[64];

    for (size_t i = 0; i < n; i++) {
        const struct mc_expect_subject *x = &subj[i];

        if (x->has_source != r->has_source || !x->known[r->metric] ||
            (r->scoped && !mc_addr_equal(&x->group, &r->group)) ||
            (r->has_source && !mc_addr_equal(&x->source, &r->source)) ||
            (r->ifname[0] != '\0' && strcmp(r->ifname, x->ifname) != 0))
            continue;
        snprintf(
            said, len, "%s %s%s", mc_expect_metric_name(r->metric),
            mc_expect_value_format(r->metric, x->value[r->metric], v, sizeof v),
            matched > 1 ? " (the first of the records it holds for)" : "");
        return;
    }
    snprintf(said, len, "holds for %zu record%s", matched,
             matched == 1 ? "" : "s");
}

static bool eval_expect(const struct lab_check *c, const struct mc_monitor *m,
                        int64_t now_ns, char *said, size_t len)
{
    struct mc_expect_subject *subj = NULL;
    struct mc_expect_result res;
    int n = mc_expect_subjects(m, now_ns, &subj);
    enum mc_expect_status st;

    if (n < 0) {
        snprintf(said, len, "out of memory");
        return false;
    }
    st = mc_expect_check(&c->rule, subj, (size_t)n, &res);
    if (st == MC_EXPECT_OK)
        said_value(c, subj, (size_t)n, res.matched, said, len);
    else
        snprintf(said, len, "%s", res.text);
    free(subj);
    return st == MC_EXPECT_OK;
}

bool lab_check_eval(const struct lab_check *c, const struct mc_monitor *m,
                    int64_t now_ns, char *said, size_t len)
{
    if (c->metric <= 0 || (size_t)c->metric >= NMETRICS)
        return eval_expect(c, m, now_ns, said, len);
    return metrics[c->metric].eval(c, m, said, len);
}
