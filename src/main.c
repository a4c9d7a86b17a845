/* mcscope: entry point.  Thin: options, then the mode that was asked for. */
#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
#include "mcscope/monitor.h"
#include "options.h"
#include "script.h"
#include "tui.h"

/* The TUI, after the start-up commands were all checked (a refused line
 * is reported on the plain terminal, before curses starts). */
static int run_tui(const struct options *opts)
{
    struct mc_monitor *m;
    struct mc_script *script;
    struct mc_err err;
    int rc;

    script = script_from_options(opts, &rc);
    if (script == NULL)
        return rc;
    if (mc_monitor_new(NULL, &m, &err) < 0) {
        fprintf(stderr, "mcscope: %s\n", err.msg);
        mc_script_free(script);
        return 1;
    }
    rc = tui_run(m, script);
    mc_monitor_free(m);
    mc_script_free(script);
    return rc;
}

int main(int argc, char **argv)
{
    struct options opts;
    char why[256];
    int rc;

    if (options_parse(argc, argv, &opts, why, sizeof why) < 0) {
        fprintf(stderr, "mcscope: %s\n", why);
        options_free(&opts);
        return 2;
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
    if (opts.lab) {
        fprintf(stderr, "mcscope: --lab is not built yet: it comes with the "
                        "TUI. Meanwhile --batch SECONDS runs commands "
                        "headless (see --help).\n");
        options_free(&opts);
        return 1;
    }
    if (opts.batch_seconds >= 0) {
        rc = batch_run(&opts);
        options_free(&opts);
        return rc;
    }
    rc = run_tui(&opts);
    options_free(&opts);
    return rc;
}
