/* mcscope: the command line (DESIGN.md "Command line"). */
#ifndef MCSCOPE_OPTIONS_H
#define MCSCOPE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "mcscope/expect.h"

struct config;

struct options {
    const char **commands; /* -e CMD, in order; owned (array only) */
    size_t ncommands;
    const char *script;       /* -f SCRIPT */
    bool pcap;                /* --pcap */
    const char *write_pcap;   /* --write-pcap FILE */
    double batch_seconds;     /* --batch SECONDS; < 0 when not given */
    bool json;                /* --json */
    long long expect_packets; /* --expect-packets N; < 0 when not given */
    bool lab;                 /* --lab */
    const char *lesson;       /* --lesson NAME (with --lab) */
    /* --fault NAME... (with --lab): faults switched on at the start */
#define OPTIONS_MAX_FAULTS 8
    const char *faults[OPTIONS_MAX_FAULTS];
    size_t nfaults;
    const char *topology;                 /* --topology NAME (with --lab) */
    const char *metrics;                  /* --metrics [ADDR:]PORT, or NULL */
    struct sockaddr_storage metrics_addr; /* parsed from it */
    struct mc_expect_rule *expect;        /* --expect RULE..., owned */
    size_t nexpect;
    double interval_seconds; /* --interval SECONDS; < 0 when not given */
    bool nagios;             /* --nagios */
    const char *config;      /* --config FILE, or NULL: the default place */
    bool print_config;       /* --print-config */
    int control_fd;          /* --lab-control FD; -1 when not given */
    /* The config read (main does, after parsing): NULL for --lab. */
    const struct config *cfg;
    bool help, version;
};

/*
 * Parse argv.  Returns 0, or -1 with a one-line reason (naming the option
 * and what would be right) in why.
 */
int options_parse(int argc, char **argv, struct options *opts, char *why,
                  size_t why_len);
void options_free(struct options *opts);
void options_usage(FILE *out);

/* The long options (getopt_long's table without its end), for the
 * completion generator (tools/mkcompletion.c); and whether one takes a
 * file name. */
struct option;
const struct option *options_table(size_t *n);
bool options_takes_file(const char *name);

#endif
