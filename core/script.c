/*
 * mcscope core: the script runner (script.h) — lines run in order on a
 * monitor, "wait" times them, and a host's directive lines go to its
 * callbacks at their time.
 */
#include "mcscope/script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/cmd.h"
#include "mcscope/monitor.h"

struct script_line {
    char *text;
    char *origin;
};

struct directive {
    char *prefix;
    mc_script_directive_fn fn;
    void *arg;
};

struct mc_script {
    struct script_line *v;
    size_t n, cap;
    size_t pos;     /* next line to run */
    int64_t due_ns; /* 0: due now */
    bool held;      /* a directive stopped it until mc_script_resume */
    struct directive *dir;
    size_t ndir;
};

struct mc_script *mc_script_new(void)
{
    return calloc(1, sizeof(struct mc_script));
}

void mc_script_free(struct mc_script *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].text);
        free(s->v[i].origin);
    }
    for (size_t i = 0; i < s->ndir; i++)
        free(s->dir[i].prefix);
    free(s->dir);
    free(s->v);
    free(s);
}

int mc_script_add(struct mc_script *s, const char *line, const char *origin)
{
    char *t, *o;

    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 8;
        struct script_line *v = realloc(s->v, ncap * sizeof *v);

        if (v == NULL)
            return -ENOMEM;
        s->v = v;
        s->cap = ncap;
    }
    t = strdup(line);
    o = strdup(origin != NULL ? origin : "");
    if (t == NULL || o == NULL) {
        free(t);
        free(o);
        return -ENOMEM;
    }
    s->v[s->n].text = t;
    s->v[s->n].origin = o;
    s->n++;
    return 0;
}

int mc_script_load(struct mc_script *s, const char *path, struct mc_err *err)
{
    char origin[512];
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    FILE *f;
    int rc = 0;

    mc_err_clear(err);
    f = fopen(path, "re");
    if (f == NULL) {
        rc = -errno;
        return mc_err_set(err, rc, "cannot read the script %s: %s", path,
                          mc_strerror(rc));
    }
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        snprintf(origin, sizeof origin, "%s:%u", path, lineno);
        rc = mc_script_add(s, line, origin);
        if (rc < 0) {
            mc_err_set(err, rc, "out of memory reading %s", path);
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        rc = -EIO;
        mc_err_set(err, rc, "error reading the script %s", path);
    }
    free(line);
    fclose(f);
    return rc;
}

size_t mc_script_nlines(const struct mc_script *s)
{
    return s->n;
}

const char *mc_script_line(const struct mc_script *s, size_t i)
{
    return i < s->n ? s->v[i].text : NULL;
}

const char *mc_script_origin(const struct mc_script *s, size_t i)
{
    return i < s->n ? s->v[i].origin : NULL;
}

/* ---- directives ---- */

int mc_script_add_directive(struct mc_script *s, const char *prefix,
                            mc_script_directive_fn fn, void *arg)
{
    struct directive *d;
    char *p;

    if (prefix == NULL || prefix[0] == '\0' || fn == NULL)
        return -EINVAL;
    d = realloc(s->dir, (s->ndir + 1) * sizeof *d);
    if (d == NULL)
        return -ENOMEM;
    s->dir = d;
    p = strdup(prefix);
    if (p == NULL)
        return -ENOMEM;
    s->dir[s->ndir++] = (struct directive){p, fn, arg};
    return 0;
}

/* The directive that claims line, with *rest after its prefix; or NULL. */
static const struct directive *directive_of(const struct mc_script *s,
                                            const char *line, const char **rest)
{
    line += strspn(line, " \t");
    for (size_t i = 0; i < s->ndir; i++) {
        size_t n = strlen(s->dir[i].prefix);

        if (strncmp(line, s->dir[i].prefix, n) == 0) {
            *rest = line + n + strspn(line + n, " \t");
            return &s->dir[i];
        }
    }
    return NULL;
}

void mc_script_resume(struct mc_script *s, int64_t now_ns)
{
    if (!s->held)
        return;
    s->held = false;
    s->due_ns = now_ns;
}

bool mc_script_held(const struct mc_script *s)
{
    return s != NULL && s->held;
}

/* ---- checking and running ---- */

size_t mc_script_check(const struct mc_script *s, mc_script_refusal_fn fn,
                       void *arg)
{
    size_t bad = 0;
    struct mc_err err;
    const char *rest;

    for (size_t i = 0; i < s->n; i++) {
        if (directive_of(s, s->v[i].text, &rest) != NULL ||
            mc_cmd_parse(s->v[i].text, NULL, &err) == 0)
            continue;
        bad++;
        if (fn != NULL)
            fn(arg, i, &err);
    }
    return bad;
}

size_t mc_script_step(struct mc_script *s, struct mc_monitor *m, int64_t now_ns)
{
    size_t failed = 0;
    struct mc_cmd cmd;
    struct mc_err err;

    if (s->held || s->pos >= s->n || now_ns < s->due_ns)
        return 0;
    while (s->pos < s->n) {
        size_t i = s->pos++;
        const char *line = s->v[i].text, *rest;
        const struct directive *d = directive_of(s, line, &rest);

        if (d != NULL) {
            int rc = d->fn(d->arg, line, rest, i);

            if (rc < 0)
                failed++;
            if (rc == MC_SCRIPT_HOLD) {
                s->held = true;
                break;
            }
            continue;
        }
        if (mc_cmd_parse(line, &cmd, &err) < 0) {
            mc_monitor_exec_line(m, line, &err); /* logs the refusal */
            failed++;
            continue;
        }
        if (mc_monitor_apply(m, &cmd, &err) < 0)
            failed++;
        if (cmd.kind == MC_CMD_WAIT) {
            s->due_ns =
                now_ns + (int64_t)(cmd.wait_s * (double)MC_NS_PER_S + 0.5);
            break;
        }
    }
    return failed;
}

int64_t mc_script_next_ns(const struct mc_script *s)
{
    if (s == NULL || s->pos >= s->n || s->held)
        return INT64_MAX;
    return s->due_ns;
}

bool mc_script_done(const struct mc_script *s)
{
    return s == NULL || s->pos >= s->n;
}

size_t mc_script_position(const struct mc_script *s)
{
    return s->pos;
}
