/* mcscope: the config file (see config.h). */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ui.h" /* UI_REFRESH_NS */

struct ctx {
    struct config *cfg;
    unsigned line; /* the line being read (the reader counts) */
    FILE *f;
    unsigned err_line; /* the first line a key refused, 0: none */
    char err[400];
};

typedef int (*key_fn)(struct ctx *c, const char *value, char *why, size_t len);

static int whole(const char *v, long long lo, long long hi, long long *out)
{
    char *end;
    long long n;

    errno = 0;
    n = strtoll(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi)
        return -1;
    *out = n;
    return 0;
}

static int k_source_cap(struct ctx *c, const char *v, char *why, size_t len)
{
    long long n;

    if (whole(v, 1, MC_STATS_MAX_SOURCES, &n) < 0) {
        snprintf(why, len, "give the sources tracked per group, 1 to %d",
                 MC_STATS_MAX_SOURCES);
        return -1;
    }
    c->cfg->mon.max_sources = (unsigned)n;
    return 0;
}

static int k_rcvbuf(struct ctx *c, const char *v, char *why, size_t len)
{
    long long n;

    if (whole(v, 0, 1 << 30, &n) < 0) {
        snprintf(why, len,
                 "give the receive buffer in bytes, 0 (the kernel's "
                 "default) to 1073741824, e.g. rcvbuf = 4194304");
        return -1;
    }
    c->cfg->mon.rcvbuf = (int)n;
    return 0;
}

static int k_holdoff(struct ctx *c, const char *v, char *why, size_t len)
{
    long long n;

    if (whole(v, 0, 1000000, &n) < 0) {
        snprintf(why, len,
                 "give microseconds, 0 (no holdoff) to 1000000, e.g. "
                 "holdoff-us = 1000");
        return -1;
    }
    c->cfg->mon.holdoff_us = (unsigned)n;
    return 0;
}

static int k_refresh(struct ctx *c, const char *v, char *why, size_t len)
{
    char *end;
    double s;

    errno = 0;
    s = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || !isfinite(s) || s < 0.05 ||
        s > 10) {
        snprintf(why, len, "give seconds, 0.05 to 10, e.g. refresh = 0.5");
        return -1;
    }
    c->cfg->refresh_ns = (int64_t)llround(s * (double)MC_NS_PER_S);
    return 0;
}

static void set_origin(struct ctx *c, char *out, size_t len)
{
    const char *base = strrchr(c->cfg->path, '/');

    snprintf(out, len, "%.48s:%u", base != NULL ? base + 1 : c->cfg->path,
             c->line);
}

static int k_interface(struct ctx *c, const char *v, char *why, size_t len)
{
    size_t n = strlen(v);

    if (n == 0 || n >= IF_NAMESIZE || strspn(v, " \t/%") != 0 ||
        strpbrk(v, " \t/%") != NULL) {
        snprintf(why, len,
                 "give an interface name (at most %d characters), e.g. "
                 "interface = en0",
                 IF_NAMESIZE - 1);
        return -1;
    }
    memcpy(c->cfg->interface, v, n + 1);
    set_origin(c, c->cfg->interface_origin, sizeof c->cfg->interface_origin);
    return 0;
}

static int k_command(struct ctx *c, const char *v, char *why, size_t len)
{
    struct config *cfg = c->cfg;
    struct config_command *p;

    if (v[0] == '\0') {
        snprintf(why, len,
                 "give a command of the command language, e.g. command = "
                 "join ff15::1234%%eth0 port 5001");
        return -1;
    }
    p = realloc(cfg->commands, (cfg->ncommands + 1) * sizeof *p);
    if (p == NULL) {
        snprintf(why, len, "out of memory");
        return -1;
    }
    cfg->commands = p;
    p = &cfg->commands[cfg->ncommands];
    p->line = strdup(v);
    if (p->line == NULL) {
        snprintf(why, len, "out of memory");
        return -1;
    }
    set_origin(c, p->origin, sizeof p->origin);
    cfg->ncommands++;
    return 0;
}

/* The defaults, as the template writes them. */
static void d_source_cap(FILE *out)
{
    fprintf(out, "%d", MC_STATS_DEFAULT_SOURCES);
}

static void d_rcvbuf(FILE *out)
{
    fprintf(out, "%d", MC_MON_DEFAULT_RCVBUF);
}

static void d_holdoff(FILE *out)
{
    fprintf(out, "%u", MC_MON_DEFAULT_HOLDOFF_US);
}

static void d_refresh(FILE *out)
{
    fprintf(out, "%g", (double)UI_REFRESH_NS / (double)MC_NS_PER_S);
}

/* The keys: parsing and the template come from this one table. */
static const struct key {
    const char *section, *name;
    key_fn fn;
    const char *help;
    void (*print_default)(FILE *out); /* NULL: no default */
    const char *example;              /* commented out in the template */
} keys[] = {
    {"monitor", "source-cap", k_source_cap,
     "Sources tracked per group (1..4096); packets from more sources "
     "count\n# under \"other\".  It bounds the metrics' source label.",
     d_source_cap, NULL},
    {"monitor", "rcvbuf", k_rcvbuf,
     "Receive buffer asked for every receive socket, bytes (0: the "
     "kernel's\n# default).  It must hold one holdoff of traffic.",
     d_rcvbuf, NULL},
    {"monitor", "holdoff-us", k_holdoff,
     "After a drain, the data sockets rest this many microseconds, so "
     "that\n# one wake-up reads many packets (0: one wake-up per packet).",
     d_holdoff, NULL},
    {"tui", "refresh", k_refresh,
     "Seconds between redraws of moving counters (0.05..10).", d_refresh, NULL},
    {"start", "interface", k_interface,
     "The default interface: what sends go out of and the TUI's prompts "
     "offer\n# (the same as a first command \"set mcast-if IFACE\").",
     NULL, "eth0"},
    {"start", "command", k_command,
     "A start-up command (repeatable), run before -e and -f, e.g.", NULL,
     "join ff15::1234%eth0 port 5001"},
};

/* Keys of features mcscope does not have yet: refused, saying so. */
static const struct {
    const char *name, *why;
} not_yet[] = {
    {"theme", "mcscope has one colour scheme so far (NO_COLOR turns colour "
              "off): remove the line"},
    {"columns", "the groups table's columns cannot be chosen yet: remove "
                "the line"},
    {"gap-threshold", "the gap threshold is set per group: give it as a "
                      "start-up command, command = analyze GROUP auto gap "
                      "MS"},
};

static int on_pair(void *user, const char *section, const char *name,
                   const char *value)
{
    struct ctx *c = user;
    char why[300] = "";

    if (c->err_line != 0)
        return 1; /* the first refusal is the one said */
    for (size_t i = 0; i < sizeof not_yet / sizeof not_yet[0]; i++)
        if (strcmp(name, not_yet[i].name) == 0) {
            snprintf(why, sizeof why, "%s", not_yet[i].why);
            goto refuse;
        }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(name, keys[i].name) != 0)
            continue;
        if (strcmp(section, keys[i].section) != 0) {
            snprintf(why, sizeof why,
                     "it belongs in [%s], not [%s]: move the line there",
                     keys[i].section,
                     section[0] != '\0' ? section : "no section");
            goto refuse;
        }
        if (keys[i].fn(c, value, why, sizeof why) == 0)
            return 1;
        snprintf(c->err, sizeof c->err, "%s = %.80s: %s", name, value, why);
        c->err_line = c->line;
        return 0;
    }
    snprintf(why, sizeof why,
             "no such key: say source-cap, rcvbuf, holdoff-us ([monitor]), "
             "refresh ([tui]), interface or command ([start]); "
             "mcscope --print-config shows them all");
refuse:
    snprintf(c->err, sizeof c->err, "%s: %s", name, why);
    c->err_line = c->line;
    return 0;
}

/* fgets that counts lines, so a refusal knows its line. */
static char *reader(char *str, int num, void *stream)
{
    struct ctx *c = stream;
    char *r = fgets(str, num, c->f);

    if (r != NULL)
        c->line++;
    return r;
}

static int default_path(char *out, size_t len)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

    if (xdg != NULL && xdg[0] == '/')
        return snprintf(out, len, "%s/mcscope/config", xdg) < (int)len ? 0 : -1;
    if (home != NULL && home[0] != '\0')
        return snprintf(out, len, "%s/.config/mcscope/config", home) < (int)len
                   ? 0
                   : -1;
    return -1;
}

int config_load(const char *path, struct config *cfg, char *why, size_t why_len)
{
    struct ctx c = {.cfg = cfg};
    int rc;

    memset(cfg, 0, sizeof *cfg);
    mc_monitor_opts_init(&cfg->mon);
    if (path == NULL) {
        struct stat st;

        /* "When it exists": a file this user cannot even reach (HOME
         * another user's, as for a program run as nobody) is none; one
         * that is there but unreadable is refused below. */
        if (default_path(cfg->path, sizeof cfg->path) < 0 ||
            stat(cfg->path, &st) < 0) {
            cfg->path[0] = '\0';
            return 0;
        }
        c.f = fopen(cfg->path, "r");
    } else {
        snprintf(cfg->path, sizeof cfg->path, "%s", path);
        c.f = fopen(path, "r");
    }
    if (c.f == NULL) {
        snprintf(why, why_len,
                 "config %s: %s (give a readable file, or mcscope "
                 "--print-config > FILE for a template)",
                 cfg->path, strerror(errno));
        return -1;
    }
    rc = ini_parse_stream(reader, &c, on_pair, &c);
    fclose(c.f);
    if (rc == 0)
        return 0;
    if (rc > 0 && (unsigned)rc == c.err_line)
        snprintf(why, why_len, "%s:%d: %s", cfg->path, rc, c.err);
    else if (rc > 0)
        snprintf(why, why_len,
                 "%s:%d: not a [section] or a 'key = value' line (comments "
                 "start with # or ;)",
                 cfg->path, rc);
    else
        snprintf(why, why_len, "config %s: out of memory", cfg->path);
    config_free(cfg);
    return -1;
}

void config_free(struct config *cfg)
{
    for (size_t i = 0; i < cfg->ncommands; i++)
        free(cfg->commands[i].line);
    free(cfg->commands);
    cfg->commands = NULL;
    cfg->ncommands = 0;
}

void config_print_template(FILE *out)
{
    const char *section = "";

    fputs("# mcscope configuration: $XDG_CONFIG_HOME/mcscope/config (or\n"
          "# ~/.config/mcscope/config), or any file with --config FILE.\n"
          "# The command line wins: -e commands and -f scripts run after\n"
          "# the commands here.  Lines starting with # or ; are comments.\n",
          out);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const struct key *k = &keys[i];

        if (strcmp(section, k->section) != 0) {
            section = k->section;
            fprintf(out, "\n[%s]\n", section);
        }
        fprintf(out, "# %s\n", k->help);
        if (k->print_default != NULL) {
            fprintf(out, "%s = ", k->name);
            k->print_default(out);
            fputc('\n', out);
        } else {
            fprintf(out, "#%s = %s\n", k->name, k->example);
        }
    }
}
