/* mcscope: entry point.  Thin: options, then the mode that was asked for. */
#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
#include "options.h"

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
    fprintf(stderr, "mcscope: the TUI is not built yet: use --batch SECONDS "
                    "to run commands and get a report (see --help).\n");
    options_free(&opts);
    return 1;
}
