/*
 * mcscope core: the diagnoses in the reports — the JSON's top-level
 * `diagnosis` list (DESIGN.md "Diagnosis") and the text report's lines,
 * failures first.
 */
#include "report_priv.h"

#include "mcscope/diagnose.h"

static json_object *jstr(const char *s)
{
    return json_object_new_string(s);
}

static json_object *json_check(const struct mc_diag_result *r)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "id", jstr(mc_diag_id_name(r->id)));
    json_object_object_add(o, "status", jstr(mc_diag_status_name(r->status)));
    json_object_object_add(o, "evidence", jstr(r->evidence));
    json_object_object_add(o, "fix", jstr(r->fix));
    return o;
}

json_object *mc__report_diagnosis(const struct mc_monitor *m)
{
    json_object *arr = json_object_new_array();
    const struct mc_diagnosis *d;
    char a[MC_ADDR_STRLEN];

    for (size_t i = 0; (d = mc_monitor_diagnosis(m, i)) != NULL; i++) {
        json_object *o = json_object_new_object(), *checks;

        json_object_object_add(o, "group",
                               jstr(mc_addr_format(&d->t.group, a, sizeof a)));
        json_object_object_add(o, "iface", jstr(d->t.ifname));
        json_object_object_add(o, "port", json_object_new_int(d->t.port));
        json_object_object_add(
            o, "source",
            d->t.source.family != 0
                ? jstr(mc_addr_format(&d->t.source, a, sizeof a))
                : NULL);
        json_object_object_add(o, "verdict",
                               jstr(mc_diag_status_name(d->verdict)));
        json_object_object_add(o, "fail", json_object_new_int((int)d->nfail));
        json_object_object_add(o, "warn", json_object_new_int((int)d->nwarn));
        checks = json_object_new_array();
        for (size_t k = 0; k < MC_DIAG_NCHECKS; k++)
            json_object_array_add(checks, json_check(&d->checks[k]));
        json_object_object_add(o, "checks", checks);
        json_object_array_add(arr, o);
    }
    return arr;
}

void mc__report_diagnosis_text(FILE *out, const struct mc_monitor *m)
{
    const struct mc_diagnosis *d;
    char t[2 * MC_ADDR_STRLEN + IF_NAMESIZE + 32];
    size_t idx[MC_DIAG_NCHECKS];

    for (size_t i = 0; (d = mc_monitor_diagnosis(m, i)) != NULL; i++) {
        fprintf(out, "\ndiagnose %s: %s (%u fail, %u warn, %u unknown)\n",
                mc_diag_target_format(&d->t, t, sizeof t),
                mc_diag_status_name(d->verdict), d->nfail, d->nwarn,
                d->nunknown);
        mc_diag_order(d, idx);
        for (size_t k = 0; k < MC_DIAG_NCHECKS; k++) {
            const struct mc_diag_result *r = &d->checks[idx[k]];

            fprintf(out, "  %-7s %-16s %s\n", mc_diag_status_name(r->status),
                    mc_diag_id_name(r->id), r->evidence);
            if (r->fix[0] != '\0' && r->status != MC_DIAG_OK)
                fprintf(out, "  %-7s %-16s fix: %s\n", "", "", r->fix);
        }
    }
}
