/*
 * mcscope: the commands a run starts with, from -e (in order) and -f, as
 * one mc_script for batch mode and the TUI alike.
 */
#ifndef MCSCOPE_SCRIPT_H
#define MCSCOPE_SCRIPT_H

#include "mcscope/monitor.h"
#include "options.h"

/*
 * Build the script and check every line before anything runs.  Returns it
 * (free with mc_script_free), or NULL with *status 2 (a refused line or an
 * unreadable script file: stderr names it) or 1 (out of memory).
 */
struct mc_script *script_from_options(const struct options *opts, int *status);

/* An mc_script_check refusal callback (arg: the script): one stderr line
 * with where the line came from, the line and what is wrong. */
void script_print_refusal(void *arg, size_t i, const struct mc_err *why);

#endif
