/* mcscope: a lesson file and its parser (see lesson.h). */
#include "lesson.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "check.h"
#include "mcscope/cmd.h"

/* Copy text without trailing blanks and line ends. */
static void copy_trimmed(char *out, size_t len, const char *text)
{
    size_t n = strlen(text);

    while (n > 0 && strchr(" \t\r\n", text[n - 1]) != NULL)
        n--;
    snprintf(out, len, "%.*s", (int)n, text);
}

/* The rest of line after prefix (leading blanks skipped both sides), or
 * NULL when line does not start so. */
static const char *after(const char *line, const char *prefix)
{
    size_t n = strlen(prefix);

    line += strspn(line, " \t");
    if (strncmp(line, prefix, n) != 0)
        return NULL;
    return line + n + strspn(line + n, " \t");
}

enum lesson_action lesson_action_of(const char *line, char *group, size_t len)
{
    const char *rest = after(line, "# lab:");
    char word[64] = "", arg[64] = "", arg2[64] = "";

    if (rest == NULL || sscanf(rest, "%63s %63s %63s", word, arg, arg2) < 1)
        return LESSON_ACT_NONE;
    if (strcmp(word, "mdb") == 0)
        return LESSON_ACT_MDB;
    if (strcmp(word, "router") == 0)
        return LESSON_ACT_ROUTER;
    if (strcmp(word, "mcfilter") == 0)
        return LESSON_ACT_MCFILTER;
    if (strcmp(word, "stream") == 0 || strcmp(word, "loss") == 0) {
        bool stream = word[0] == 's';

        if (strcmp(arg, stream ? "stop" : "off") == 0)
            return stream ? LESSON_ACT_STREAM_STOP : LESSON_ACT_LOSS_OFF;
        if (group != NULL)
            snprintf(group, len, "%s%s%s", arg, stream ? " " : "",
                     stream ? arg2 : "");
        return stream ? LESSON_ACT_STREAM : LESSON_ACT_LOSS;
    }
    if (strcmp(word, "fault") == 0) {
        if (group != NULL)
            snprintf(group, len, "%s", arg);
        return strcmp(arg2, "off") == 0 ? LESSON_ACT_FAULT_OFF
                                        : LESSON_ACT_FAULT;
    }
    if (strcmp(word, "refused") == 0) {
        const char *l = strstr(rest, "refused") + strlen("refused");

        if (group != NULL)
            snprintf(group, len, "%s", l + strspn(l, " \t"));
        return LESSON_ACT_REFUSED;
    }
    if (strcmp(word, "listener") != 0)
        return LESSON_ACT_NONE;
    if (strcmp(arg, "stop") == 0)
        return LESSON_ACT_LISTENER_STOP;
    if (group != NULL)
        snprintf(group, len, "%s", arg);
    return LESSON_ACT_LISTENER;
}

/* The length of text up to its line end, at most 40 (for messages). */
static int text_len(const char *text)
{
    size_t n = strcspn(text, "\r\n");

    return (int)(n > 40 ? 40 : n);
}

/* A "# lab:" line before stage 1: the lab's variant.  0, or -1 with why. */
static int header_directive(struct lesson *ls, const char *rest, char *why,
                            size_t len)
{
    char word[32] = "", name[32] = "";
    int v = 0, got = sscanf(rest, "%31s %d", word, &v);
    const struct labtopo *t;

    if (got == 1 && strcmp(word, "snooping") == 0) {
        ls->topology = LABTOPO_SNOOPING;
        return 0;
    }
    if (strcmp(word, "topology") == 0 && sscanf(rest, "%*s %31s", name) == 1 &&
        (t = labtopo_by_name(name)) != NULL) {
        ls->topology = t->id;
        return 0;
    }
    if (got == 2 && strcmp(word, "mld-version") == 0 && v >= 1 && v <= 2) {
        ls->mld_version = v;
        return 0;
    }
    if (got == 2 && strcmp(word, "igmp-version") == 0 && v >= 1 && v <= 3) {
        ls->igmp_version = v;
        return 0;
    }
    snprintf(why, len,
             "'# lab: %.*s': before stage 1 the lab knows topology "
             "%s, snooping, mld-version 1|2 and igmp-version 1|2|3",
             text_len(rest), rest, labtopo_names());
    return -1;
}

/* A "# lab:" line inside a stage.  0, or -1 with why. */
static int stage_directive(const char *line, const char *rest, char *why,
                           size_t len)
{
    char group[256], join[300];
    enum lesson_action a = lesson_action_of(line, group, sizeof group);

    char kind[16], g[64];
    unsigned pct;

    if (a == LESSON_ACT_MDB || a == LESSON_ACT_ROUTER ||
        a == LESSON_ACT_MCFILTER || a == LESSON_ACT_LISTENER_STOP ||
        a == LESSON_ACT_STREAM_STOP || a == LESSON_ACT_LOSS_OFF)
        return 0;
    if (a == LESSON_ACT_REFUSED) {
        if (group[0] != '\0' && mc_cmd_parse(group, NULL, NULL) < 0)
            return 0;
        snprintf(why, len,
                 "'# lab: %.*s': the command parser takes this line; "
                 "'# lab: refused' shows a line it refuses",
                 text_len(rest), rest);
        return -1;
    }
    if (a == LESSON_ACT_LISTENER) {
        snprintf(join, sizeof join, "join %s dev lab0", group);
        if (mc_cmd_parse(join, NULL, NULL) == 0)
            return 0;
    }
    if (a == LESSON_ACT_STREAM && sscanf(group, "%15s %63s", kind, g) == 2 &&
        (strcmp(kind, "rtp") == 0 || strcmp(kind, "mpegts") == 0)) {
        snprintf(join, sizeof join, "send %s payload %s", g, kind);
        if (mc_cmd_parse(join, NULL, NULL) == 0)
            return 0;
    }
    if (a == LESSON_ACT_LOSS && sscanf(group, "%u", &pct) == 1 && pct >= 1 &&
        pct <= 50)
        return 0;
    if ((a == LESSON_ACT_FAULT || a == LESSON_ACT_FAULT_OFF) &&
        labfault_find(group) != NULL &&
        sscanf(rest, "%*s %*s %15s %15s", kind, g) <=
            (a == LESSON_ACT_FAULT_OFF))
        return 0;
    if (a == LESSON_ACT_FAULT || a == LESSON_ACT_FAULT_OFF) {
        char names[200];

        labfault_names(names, sizeof names);
        snprintf(why, len, "'# lab: %.*s': the lab's faults are %.200s",
                 text_len(rest), rest, names);
        return -1;
    }
    snprintf(why, len,
             "'# lab: %.*s': in a stage the lab knows mdb, router, mcfilter, "
             "listener "
             "GROUP, listener stop, refused LINE, stream rtp|mpegts GROUP, "
             "stream stop, loss 1..50, loss off, fault NAME and fault NAME "
             "off",
             text_len(rest), rest);
    return -1;
}

/* A "# check: RULE" line: in a stage, a rule check.h parses. */
static int check_directive(struct lesson *ls, const char *rest, char *why,
                           size_t len)
{
    struct lab_check c;
    struct mc_err err;
    char rule[MC_EXPECT_TEXT_MAX];

    if (ls->nstages == 0) {
        snprintf(why, len,
                 "'# check: %.*s' before the first '# --- stage: TITLE' "
                 "line: a check belongs to a stage",
                 text_len(rest), rest);
        return -1;
    }
    copy_trimmed(rule, sizeof rule, rest);
    if (lab_check_parse(rule, &c, &err) < 0) {
        snprintf(why, len, "%s", err.msg);
        return -1;
    }
    ls->stage[ls->nstages - 1].nchecks++;
    return 0;
}

/* One line of the lesson file (index i).  0, or -1 with why. */
static int lesson_line(struct lesson *ls, size_t i, char *why, size_t len)
{
    const char *line = mc_script_line(ls->src, i), *rest;
    struct lesson_stage *st;
    struct mc_cmd cmd;

    if ((rest = after(line, "# --- stage:")) != NULL) {
        if (ls->nstages == LESSON_MAX_STAGES) {
            snprintf(why, len, "more than %d stages", LESSON_MAX_STAGES);
            return -1;
        }
        if (ls->nstages > 0)
            ls->stage[ls->nstages - 1].end = i;
        st = &ls->stage[ls->nstages++];
        copy_trimmed(st->title, sizeof st->title, rest);
        st->first = i + 1;
        return 0;
    }
    if (ls->nstages == 0 && (rest = after(line, "# title:")) != NULL) {
        copy_trimmed(ls->title, sizeof ls->title, rest);
        return 0;
    }
    if ((rest = after(line, "# check:")) != NULL)
        return check_directive(ls, rest, why, len);
    if ((rest = after(line, "# lab:")) != NULL)
        return ls->nstages == 0 ? header_directive(ls, rest, why, len)
                                : stage_directive(line, rest, why, len);
    if (ls->nstages == 0 && mc_cmd_parse(line, &cmd, NULL) == 0 &&
        cmd.kind != MC_CMD_NONE) {
        snprintf(why, len,
                 "a command before the first '# --- stage: "
                 "TITLE' line: put it in a stage");
        return -1;
    }
    return 0;
}

__attribute__((format(printf, 2, 3))) static void
complain(const struct lesson_complaints *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    if (c == NULL || c->problem == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->problem(c->arg, msg);
}

/* The lines are in ls->src: find the stages and check every line.
 * 0, or -1 after the complaints. */
static int scan(struct lesson *ls, const struct lesson_complaints *c)
{
    size_t n = mc_script_nlines(ls->src);
    char why[MC_ERR_MSG_MAX];

    for (size_t i = 0; i < n; i++) {
        if (lesson_line(ls, i, why, sizeof why) < 0) {
            complain(c, "%s: %s", mc_script_origin(ls->src, i), why);
            return -1;
        }
    }
    if (ls->nstages == 0) {
        complain(c, "%s has no '# --- stage: TITLE' line", ls->path);
        return -1;
    }
    ls->stage[ls->nstages - 1].end = n;
    if (ls->title[0] == '\0')
        snprintf(ls->title, sizeof ls->title, "%s", ls->name);
    if (mc_script_check(ls->src, c != NULL ? c->refused : NULL, ls->src) > 0)
        return -1;
    return 0;
}

static struct lesson *lesson_new(const char *name, const char *path,
                                 const struct lesson_complaints *c)
{
    struct lesson *ls = calloc(1, sizeof *ls);

    if (ls != NULL)
        ls->src = mc_script_new();
    if (ls == NULL || ls->src == NULL) {
        complain(c, "lesson %s: out of memory", name);
        lesson_free(ls);
        return NULL;
    }
    snprintf(ls->name, sizeof ls->name, "%s", name);
    snprintf(ls->path, sizeof ls->path, "%s", path);
    return ls;
}

static struct lesson *scanned(struct lesson *ls,
                              const struct lesson_complaints *c)
{
    if (scan(ls, c) == 0)
        return ls;
    lesson_free(ls);
    return NULL;
}

struct lesson *lesson_parse(const char *text, const char *name,
                            const char *path, const struct lesson_complaints *c)
{
    struct lesson *ls = lesson_new(name, path, c);
    char origin[PATH_MAX + 16], *line;
    unsigned lineno = 0;

    if (ls == NULL)
        return NULL;
    while (*text != '\0') {
        size_t n = strcspn(text, "\n");

        line = strndup(text, n);
        snprintf(origin, sizeof origin, "%s:%u", path, ++lineno);
        if (line == NULL || mc_script_add(ls->src, line, origin) < 0) {
            free(line);
            complain(c, "lesson %s: out of memory", name);
            lesson_free(ls);
            return NULL;
        }
        free(line);
        text += n + (text[n] == '\n');
    }
    return scanned(ls, c);
}

struct lesson *lesson_read(const char *path, const char *name,
                           const struct lesson_complaints *c)
{
    struct lesson *ls = lesson_new(name, path, c);
    struct mc_err err;

    if (ls == NULL)
        return NULL;
    if (mc_script_load(ls->src, path, &err) < 0) {
        complain(c, "lesson %s: %s", name, err.msg);
        lesson_free(ls);
        return NULL;
    }
    return scanned(ls, c);
}

void lesson_free(struct lesson *ls)
{
    if (ls == NULL)
        return;
    mc_script_free(ls->src);
    free(ls);
}
