/* mcscope: entry point.  Thin: options, then the mode that was asked for. */
#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
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
    rc = tui_run(sess.m, sess.script);
    session_close(&sess);
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
