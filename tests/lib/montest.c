/* Test helper: monitors in the namespace lab (see montest.h). */
#include "montest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stddef.h>
#include <cmocka.h>

#include "mcscope/report.h"
#include "testutil.h"

const char *const rig_host[NMON] = {"RX", "S1", "S2"};

void rig_open(struct rig *r, struct lab *lab, int family)
{
    struct mc_err err;

    memset(r, 0, sizeof *r);
    r->lab = lab;
    r->family = family;
    for (int i = 0; i < NMON; i++) {
        lab_enter(lab, rig_host[i]);
        if (mc_monitor_new(NULL, &r->m[i], &err) < 0) {
            lab_leave(lab);
            fail_msg("monitor in %s: %s", rig_host[i], err.msg);
        }
        lab_leave(lab);
    }
    lab_host_addr("S1", family, 0, &r->a1);
    lab_host_addr("S2", family, 0, &r->a2);
}

void rig_close(struct rig *r)
{
    for (int i = 0; i < NMON; i++) {
        mc_monitor_free(r->m[i]);
        r->m[i] = NULL;
    }
}

int rig_run(struct rig *r, int i, struct mc_err *err, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int rc;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    lab_enter(r->lab, rig_host[i]);
    rc = mc_monitor_exec_line(r->m[i], line, err);
    lab_leave(r->lab);
    return rc;
}

struct rig_hook_call {
    struct rig *r;
    rig_hook hook;
    void *arg;
};

static void rig_call_hook(void *p)
{
    struct rig_hook_call *c = p;

    c->hook(c->r, c->arg);
}

void rig_pump(struct rig *r, int quiet_ms, rig_hook hook, void *arg)
{
    struct rig_hook_call c = {r, hook, arg};

    /* m[RX] first: its counters say when the lab went quiet */
    tu_monitor_run_quiet(r->m, NMON, quiet_ms, 60000,
                         hook != NULL ? rig_call_hook : NULL, &c);
}

void rig_pump_ms(struct rig *r, int ms)
{
    tu_monitor_run_ms(r->m, NMON, ms);
}

struct mc_sender_info rig_last_sender(struct rig *r, int i)
{
    struct mc_sender_info si;
    size_t n = mc_monitor_nsenders(r->m[i]);

    assert_true(n > 0);
    assert_int_equal(mc_monitor_sender(r->m[i], n - 1, &si), 0);
    assert_int_equal(si.error, 0);
    return si;
}

size_t rig_group(struct rig *r, const char *group, uint16_t port,
                 struct mc_group_view *v)
{
    struct mc_addr g = tu_addr(group);

    for (size_t i = 0; mc_monitor_group(r->m[RX], i, v) == 0; i++)
        if (mc_addr_equal(&v->group, &g) && v->port == port)
            return i;
    fail_msg("RX has no group %s port %u", group, (unsigned)port);
    return 0;
}

uint64_t rig_from(struct rig *r, const char *group, uint16_t port,
                  const struct mc_addr *src, struct mc_seq_stats *q)
{
    struct mc_group_view v;
    const struct mc_source_stats *s;

    rig_group(r, group, port, &v);
    s = mc_group_stats_lookup(v.stats, src);
    if (q != NULL)
        memset(q, 0, sizeof *q);
    if (s == NULL)
        return 0;
    if (q != NULL)
        mc_source_seq(s, q);
    return mc_source_counters(s)->packets;
}

json_object *rig_report(struct rig *r)
{
    char *text;
    json_object *root;

    lab_enter(r->lab, "RX");
    text = mc_report_json_string(r->m[RX], 0, 0);
    lab_leave(r->lab);
    root = text != NULL ? json_tokener_parse(text) : NULL;
    if (root == NULL)
        fail_msg("RX's report is not JSON: %s", text ? text : "(null)");
    free(text);
    return root;
}

/* ---- JSON ---- */

json_object *tj_key(json_object *o, const char *k, json_type type)
{
    json_object *v;

    if (!json_object_object_get_ex(o, k, &v))
        fail_msg("key \"%s\" missing: %s", k, json_object_to_json_string(o));
    if (!json_object_is_type(v, type))
        fail_msg("key \"%s\": %s, want %s", k,
                 json_type_to_name(json_object_get_type(v)),
                 json_type_to_name(type));
    return v;
}

int64_t tj_int(json_object *o, const char *k)
{
    return json_object_get_int64(tj_key(o, k, json_type_int));
}

const char *tj_str(json_object *o, const char *k)
{
    return json_object_get_string(tj_key(o, k, json_type_string));
}

bool tj_has(json_object *o, const char *k)
{
    return json_object_object_get_ex(o, k, NULL);
}

json_object *tj_parse(const char *text)
{
    json_object *o = json_tokener_parse(text);

    if (o == NULL)
        fail_msg("not JSON: %s", text);
    return o;
}

json_object *tj_find(json_object *arr, const char *key, const char *value)
{
    for (size_t i = 0; arr != NULL && i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        json_object *v;

        if (json_object_object_get_ex(o, key, &v) &&
            strcmp(json_object_get_string(v), value) == 0)
            return o;
    }
    return NULL;
}

json_object *tj_need(json_object *arr, const char *key, const char *value)
{
    json_object *o = tj_find(arr, key, value);

    if (o == NULL)
        fail_msg("no %s %s in %.300s", key, value,
                 json_object_to_json_string(arr));
    return o;
}

json_object *tj_group(json_object *root, const char *group)
{
    return tj_need(tj_key(root, "groups", json_type_array), "group", group);
}

json_object *tj_source(json_object *root, const char *group,
                       const struct mc_addr *src)
{
    char a[MC_ADDR_STRLEN];

    mc_addr_format(src, a, sizeof a);
    return tj_need(tj_key(tj_group(root, group), "by_source", json_type_array),
                   "source", a);
}
