/* mcscope: the start-up commands of -e and -f (see script.h). */
#include "script.h"

#include "config.h"

#include <stdio.h>
#include <string.h>

/* The config file's start-up lines: its interface, then its commands
 * (before -e and -f, so that the command line wins). */
static int add_config(struct mc_script *s, const struct config *cfg)
{
    char line[64];

    if (cfg == NULL)
        return 0;
    if (cfg->interface[0] != '\0') {
        snprintf(line, sizeof line, "set mcast-if %s", cfg->interface);
        if (mc_script_add(s, line, cfg->interface_origin) < 0)
            return -1;
    }
    for (size_t i = 0; i < cfg->ncommands; i++)
        if (mc_script_add(s, cfg->commands[i].line, cfg->commands[i].origin) <
            0)
            return -1;
    return 0;
}

static int add_commands(struct mc_script *s, const struct options *opts)
{
    char origin[32];

    if (add_config(s, opts->cfg) < 0)
        return -1;

    /* --pcap / --write-pcap ask for the wire cross-check: the same as a
     * leading "pcap on". */
    if ((opts->pcap || opts->write_pcap != NULL) &&
        mc_script_add(s, "pcap on", opts->pcap ? "--pcap" : "--write-pcap") < 0)
        return -1;
    for (size_t i = 0; i < opts->ncommands; i++) {
        snprintf(origin, sizeof origin, "-e %zu", i + 1);
        if (mc_script_add(s, opts->commands[i], origin) < 0)
            return -1;
    }
    return 0;
}

void script_print_refusal(void *arg, size_t i, const struct mc_err *why)
{
    const struct mc_script *s = arg;
    const char *line = mc_script_line(s, i);
    size_t len = strcspn(line, "\r\n");

    fprintf(stderr, "mcscope: %s: refused '%.*s': %s\n", mc_script_origin(s, i),
            (int)(len > 200 ? 200 : len), line, why->msg);
}

struct mc_script *script_from_options(const struct options *opts, int *status)
{
    struct mc_script *s = mc_script_new();
    struct mc_err err;

    *status = 0;
    if (s == NULL || add_commands(s, opts) < 0) {
        fprintf(stderr, "mcscope: out of memory\n");
        *status = 1;
    } else if (opts->script != NULL &&
               mc_script_load(s, opts->script, &err) < 0) {
        fprintf(stderr, "mcscope: -f %s: %s\n", opts->script, err.msg);
        *status = 2;
    } else if (mc_script_check(s, script_print_refusal, s) > 0) {
        *status = 2; /* nothing has run */
    }
    if (*status != 0) {
        mc_script_free(s);
        return NULL;
    }
    return s;
}
