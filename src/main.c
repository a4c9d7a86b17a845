/* mcscope: entry point.  Thin: options, then the mode that was asked for. */
#include <stdio.h>
#include <stdlib.h>

#include "options.h"

int main(int argc, char **argv)
{
    struct options opts;
    char why[256];

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
    /*
     * The monitor (TUI, --batch) and the lab are built on the core in
     * later steps; until then say so plainly instead of pretending.
     */
    fprintf(stderr,
            "mcscope: this build has the core library (memberships, socket "
            "options, control messages, batch I/O, kernel state) and its "
            "tests; the monitor, --batch and --lab are not in it yet. "
            "See README.md.\n");
    options_free(&opts);
    return 1;
}
