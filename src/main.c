/* mcscope: entry point.  Thin: options, then the mode that was asked for. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "config.h"
#include "health.h"
#include "lab/lab.h"
#include "lab/netcli.h"
#include "options.h"
#include "session.h"
#include "tui.h"

/* The TUI, after the start-up commands were all checked (a refused line
 * is reported on the plain terminal, before curses starts). */
static int run_tui(const struct options *opts)
{
    struct session sess;
    int rc = session_open(opts, true, &sess);

    if (rc != 0)
        return rc;
    struct tui_ext ext = {.metrics = sess.metrics,
                          .refresh_ns = opts->cfg->refresh_ns};

    rc = tui_run_ext(sess.m, sess.script, &ext);
    session_close(&sess);
    return rc;
}

/* The lab: its own namespaces, senders, and the TUI (or batch) in RX. */
static int run_lab(const struct options *opts)
{
    struct lab_opts lo;

    lab_opts_init(&lo);
    lo.lesson = opts->lesson;
    lo.faults = opts->faults;
    lo.nfaults = opts->nfaults;
    lo.topology = opts->topology;
    lo.batch_seconds = opts->batch_seconds;
    lo.json = opts->json;
    lo.commands = opts->commands;
    lo.ncommands = opts->ncommands;
    lo.script = opts->script;
    lo.pcap = opts->pcap;
    lo.write_pcap = opts->write_pcap;
    /* Tests: the unprivileged build of the lab even as root. */
    lo.userns = getenv("MCSCOPE_LAB_USERNS") != NULL;
    return lab_run(&lo);
}

/* --nagios anywhere on a command line that did not parse: the plugin's
 * UNKNOWN (3), since 2 would read as CRITICAL (health.h). */
static bool asked_nagios(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--nagios") == 0)
            return true;
    return false;
}

static int nagios_usage(const char *why)
{
    char line[700];

    snprintf(line, sizeof line, "bad usage: %s", why);
    health_nagios_unknown(stdout, line);
    return 3;
}

int main(int argc, char **argv)
{
    struct options opts;
    struct config cfg;
    char why[600];
    int rc;

    /* The lab's network alone, for scripts (its own small language). */
    if (argc > 1 && strcmp(argv[1], "--lab-net") == 0)
        return labnet_cli(argc - 1, argv + 1);
    if (options_parse(argc, argv, &opts, why, sizeof why) < 0) {
        fprintf(stderr, "mcscope: %s\n", why);
        options_free(&opts);
        return asked_nagios(argc, argv) ? nagios_usage(why) : 2;
    }
    if (opts.help) {
        options_usage(stdout);
        options_free(&opts);
        return 0;
    }
    if (opts.version) {
        printf("mcscope %s\n", MCSCOPE_VERSION);
        options_free(&opts);
        return 0;
    }
    if (opts.print_config) {
        config_print_template(stdout);
        options_free(&opts);
        return 0;
    }
    if (opts.lab) {
        rc = run_lab(&opts);
        options_free(&opts);
        return rc;
    }
    if (config_load(opts.config, &cfg, why, sizeof why) < 0) {
        fprintf(stderr, "mcscope: %s\n", why);
        options_free(&opts);
        return opts.nagios ? nagios_usage(why) : 2;
    }
    opts.cfg = &cfg;
    rc = opts.batch_seconds >= 0 ? batch_run(&opts) : run_tui(&opts);
    config_free(&cfg);
    options_free(&opts);
    return rc;
}
