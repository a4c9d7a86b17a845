/*
 * mcscope: the config file (--config FILE; else $XDG_CONFIG_HOME/mcscope/
 * config, else ~/.config/mcscope/config, when it exists), parsed by
 * libinih, for what people set once.  One table (config.c) names every
 * key, checks its value and writes the template (mcscope --print-config),
 * so the template always parses back.
 *
 *   [monitor]  source-cap, rcvbuf, holdoff-us   -> struct mc_monitor_opts
 *   [tui]      refresh (seconds between redraws of moving counters)
 *   [start]    interface (-> a first "set mcast-if IFACE"), command
 *              (repeatable: start-up commands, before -e and -f)
 *
 * The command line wins: its -e commands and script run after the
 * file's, so a setting made there is the one that stays.  Keys for
 * features mcscope does not have yet (theme, columns) are refused with
 * that said, never accepted and ignored; gap-threshold is refused
 * naming the per-group way (command = analyze GROUP auto gap MS).  A bad line
 * is refused with FILE:LINE, the cause and the fix (exit 2).
 */
#ifndef MCSCOPE_CONFIG_H
#define MCSCOPE_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mcscope/monitor.h"

struct config_command {
    char *line;
    char origin[64]; /* "FILE:LINE" (cut) */
};

struct config {
    char path[512];              /* the file read ("" : none) */
    struct mc_monitor_opts mon;  /* defaults, then the file's */
    int64_t refresh_ns;          /* 0: the TUI's default */
    char interface[IF_NAMESIZE]; /* "" : none */
    char interface_origin[64];
    struct config_command *commands;
    size_t ncommands;
};

/*
 * Read path (NULL: the default place, when a file is there; none there is
 * fine).  0; or -1 with "FILE:LINE: cause: fix" (or why the file cannot
 * be read) in why.  cfg holds the defaults for what the file does not set.
 */
int config_load(const char *path, struct config *cfg, char *why,
                size_t why_len);
void config_free(struct config *cfg);

/* The commented template with every key at its default. */
void config_print_template(FILE *out);

#endif
