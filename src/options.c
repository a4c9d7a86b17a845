/* mcscope: the command line (DESIGN.md "Command line"). */
#include "options.h"

#include "lab/catalog.h"
#include "lab/fault.h"
#include "lab/topo.h"
#include "metrics_http.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    OPT_PCAP = 256,
    OPT_WRITE_PCAP,
    OPT_BATCH,
    OPT_JSON,
    OPT_EXPECT_PACKETS,
    OPT_LAB,
    OPT_LESSON,
    OPT_METRICS,
    OPT_EXPECT,
    OPT_INTERVAL,
    OPT_NAGIOS,
    OPT_CONFIG,
    OPT_PRINT_CONFIG,
    OPT_FAULT,
    OPT_TOPOLOGY,
    OPT_LAB_CONTROL,
};

static const struct option long_options[] = {
    {"exec", required_argument, NULL, 'e'},
    {"file", required_argument, NULL, 'f'},
    {"pcap", no_argument, NULL, OPT_PCAP},
    {"write-pcap", required_argument, NULL, OPT_WRITE_PCAP},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"json", no_argument, NULL, OPT_JSON},
    {"expect-packets", required_argument, NULL, OPT_EXPECT_PACKETS},
    {"lab", no_argument, NULL, OPT_LAB},
    {"lesson", required_argument, NULL, OPT_LESSON},
    {"fault", required_argument, NULL, OPT_FAULT},
    {"topology", required_argument, NULL, OPT_TOPOLOGY},
    {"metrics", required_argument, NULL, OPT_METRICS},
    {"expect", required_argument, NULL, OPT_EXPECT},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"nagios", no_argument, NULL, OPT_NAGIOS},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"print-config", no_argument, NULL, OPT_PRINT_CONFIG},
    {"lab-control", required_argument, NULL, OPT_LAB_CONTROL},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Options whose value is a file name (shell completion offers files). */
static const char *const file_options[] = {"file", "write-pcap", "config",
                                           "lesson"};

const struct option *options_table(size_t *n)
{
    *n = sizeof long_options / sizeof long_options[0] - 1;
    return long_options;
}

bool options_takes_file(const char *name)
{
    for (size_t i = 0; i < sizeof file_options / sizeof file_options[0]; i++)
        if (strcmp(file_options[i], name) == 0)
            return true;
    return false;
}

void options_usage(FILE *out)
{
    fputs(
        "usage: mcscope [-e CMD]... [-f SCRIPT] [--pcap] "
        "[--write-pcap FILE]\n"
        "               [--batch SECONDS [--json [--interval SECONDS]]\n"
        "                [--expect RULE]... [--nagios] [--expect-packets N]]\n"
        "               [--metrics [ADDR:]PORT] [--config FILE] "
        "[--print-config]\n"
        "               [--lab [--lesson NAME] [--topology T] [--fault "
        "NAME]...]\n"
        "               [-h] [-V]\n"
        "\n"
        "An interactive multicast monitor: join and leave groups, switch\n"
        "between ASM, SSM include and SSM exclude, watch per-group and\n"
        "per-source packet statistics next to what the wire carried.\n"
        "\n"
        "  -e, --exec CMD       run a command at start (repeatable), e.g.\n"
        "                       -e 'join ff15::1234%lab0 port 5001'\n"
        "  -f, --file SCRIPT    run the commands of a script file\n"
        "      --pcap           cross-check against a libpcap capture\n"
        "                       (a leading -e 'pcap on'; needs\n"
        "                       CAP_NET_RAW)\n"
        "      --write-pcap FILE  --pcap, and save what was captured\n"
        "                       (pcap format; a second interface writes\n"
        "                       FILE with .IFACE before .pcap)\n"
        "      --batch SECONDS  no TUI: run the commands, collect for\n"
        "                       SECONDS, print a report and exit\n"
        "      --json           with --batch: the report as JSON\n"
        "      --interval SECONDS  with --batch --json: a report every\n"
        "                       SECONDS, one JSON object a line (NDJSON),\n"
        "                       then the final one\n"
        "      --expect RULE    with --batch: a health rule checked at the\n"
        "                       end (repeatable): METRIC OP NUMBER[UNIT],\n"
        "                       METRIC packets, loss (%), rate (pps), gap\n"
        "                       (ms, s: the longest silence), sources or\n"
        "                       failed (checks of a diagnose that failed),\n"
        "                       optionally after GROUP: or GROUP/SOURCE:,\n"
        "                       e.g. packets>=1000, ff15::1234:loss<=0.1%\n"
        "      --nagios         with --batch: one monitoring-plugin status\n"
        "                       line with performance data instead of the\n"
        "                       report; exit 0 OK, 1 WARNING, 2 CRITICAL,\n"
        "                       3 UNKNOWN (bad usage too)\n"
        "      --expect-packets N  with --batch: a health check, exit 1\n"
        "                       unless every group joined during the run\n"
        "                       received at least N packets\n"
        "      --metrics [ADDR:]PORT  serve the Prometheus exposition at\n"
        "                       http://ADDR:PORT/metrics while the run\n"
        "                       goes on (PORT alone: 127.0.0.1; [::]:PORT\n"
        "                       every address)\n"
        "      --config FILE    settings read at start (default:\n"
        "                       $XDG_CONFIG_HOME/mcscope/config, or\n"
        "                       ~/.config/mcscope/config, if it exists;\n"
        "                       not with --lab); the command line wins\n"
        "      --print-config   write a commented config template\n"
        "      --lab            a private multicast network in network\n"
        "                       namespaces (two sources, a receiver,\n"
        "                       a bridge) with the TUI in the receiver;\n"
        "                       with --batch, headless\n"
        "      --lesson NAME    with --lab: a guided lesson (below), or\n"
        "                       a lesson file PATH.mcs\n"
        "      --fault NAME     with --lab: switch a fault of the lab on\n"
        "                       (rp-filter, report-drop, no-querier, ttl1,\n"
        "                       wrong-source, multicast-off, tiny-rcvbuf,\n"
        "                       mldv1, multicast-all, port-drop), to find\n"
        "                       with diagnose; may be repeated\n"
        "      --topology T     with --lab: bridge (default), dual (two\n"
        "                       links per host, en0 and en1), routed\n"
        "                       (the receiver behind a router), snooping\n"
        "      --lab-control FD  with --batch: take commands from the\n"
        "                       socket at descriptor FD and answer each\n"
        "                       (how the lab's senders obey on HOST)\n"
        "      --lab-net up|down|sweep --owner PID [--prefix P]\n"
        "                       [--topology T] [--fault NAME]...\n"
        "                       (first, alone; root) the lab's network\n"
        "                       only, left standing for scripts and\n"
        "                       removed by down, or by a sweep once PID\n"
        "                       is gone\n"
        "  -h, --help           this text\n"
        "  -V, --version        the version\n"
        "\n"
        "In batch mode every command is checked before any runs; errors\n"
        "and echo lines go to stderr, the report to stdout.\n"
        "\n"
        "Exit status: 0 done; 2 bad usage or a refused command; 1 a "
        "failure\n(a command the system refused, an interrupt, or "
        "--expect-packets or an\n--expect rule not met); with --nagios "
        "the plugin's 0..3 instead.\n\n",
        out);
    lab_lessons_usage(out);
}

static int add_command(struct options *opts, const char *cmd)
{
    const char **grown =
        realloc(opts->commands, (opts->ncommands + 1) * sizeof *grown);

    if (grown == NULL)
        return -ENOMEM;
    grown[opts->ncommands++] = cmd;
    opts->commands = grown;
    return 0;
}

static int add_rule(struct options *opts, const char *text, char *why,
                    size_t why_len)
{
    struct mc_expect_rule *grown;
    struct mc_err err;

    grown = realloc(opts->expect, (opts->nexpect + 1) * sizeof *grown);
    if (grown == NULL) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    opts->expect = grown;
    if (mc_expect_parse(text, &grown[opts->nexpect], &err) < 0) {
        snprintf(why, why_len, "%s", err.msg);
        return -1;
    }
    opts->nexpect++;
    return 0;
}

static int parse_count(const char *text, long long *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < 1)
        return -1;
    *out = v;
    return 0;
}

static int parse_seconds(const char *text, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !isfinite(v) || v <= 0 ||
        v > 86400 * 365)
        return -1;
    *out = v;
    return 0;
}

int options_parse(int argc, char **argv, struct options *opts, char *why,
                  size_t why_len)
{
    int c;

    memset(opts, 0, sizeof *opts);
    opts->batch_seconds = -1;
    opts->expect_packets = -1;
    opts->control_fd = -1;
    opts->interval_seconds = -1;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:f:hV", long_options, NULL)) != -1) {
        switch (c) {
        case 'e':
            if (add_command(opts, optarg) < 0) {
                snprintf(why, why_len, "out of memory");
                return -1;
            }
            break;
        case 'f':
            opts->script = optarg;
            break;
        case OPT_PCAP:
            opts->pcap = true;
            break;
        case OPT_WRITE_PCAP:
            opts->write_pcap = optarg;
            break;
        case OPT_BATCH:
            if (parse_seconds(optarg, &opts->batch_seconds) < 0) {
                snprintf(why, why_len,
                         "--batch '%s': give the collection time in seconds, "
                         "a number above 0 (e.g. --batch 3)",
                         optarg);
                return -1;
            }
            break;
        case OPT_JSON:
            opts->json = true;
            break;
        case OPT_EXPECT_PACKETS:
            if (parse_count(optarg, &opts->expect_packets) < 0) {
                snprintf(why, why_len,
                         "--expect-packets '%s': give the least number of "
                         "packets every joined group must receive, a whole "
                         "number of 1 or more",
                         optarg);
                return -1;
            }
            break;
        case OPT_LAB:
            opts->lab = true;
            break;
        case OPT_LESSON:
            opts->lesson = optarg;
            break;
        case OPT_FAULT:
            if (labfault_find(optarg) == NULL ||
                opts->nfaults == OPTIONS_MAX_FAULTS) {
                char names[256];

                labfault_names(names, sizeof names);
                snprintf(why, why_len,
                         "--fault '%.40s': the lab's faults are %s (at most "
                         "%d)",
                         optarg, names, OPTIONS_MAX_FAULTS);
                return -1;
            }
            opts->faults[opts->nfaults++] = optarg;
            break;
        case OPT_TOPOLOGY:
            if (labtopo_by_name(optarg) == NULL) {
                snprintf(why, why_len,
                         "--topology '%.40s': the lab has %s, e.g. "
                         "mcscope --lab --topology routed",
                         optarg, labtopo_names());
                return -1;
            }
            opts->topology = optarg;
            break;
        case OPT_EXPECT:
            if (add_rule(opts, optarg, why, why_len) < 0)
                return -1;
            break;
        case OPT_INTERVAL:
            if (parse_seconds(optarg, &opts->interval_seconds) < 0) {
                snprintf(why, why_len,
                         "--interval '%s': give the seconds between two "
                         "reports, a number above 0 (e.g. --interval 10)",
                         optarg);
                return -1;
            }
            break;
        case OPT_NAGIOS:
            opts->nagios = true;
            break;
        case OPT_CONFIG:
            opts->config = optarg;
            break;
        case OPT_PRINT_CONFIG:
            opts->print_config = true;
            break;
        case OPT_LAB_CONTROL: {
            char *end;
            long fd = strtol(optarg, &end, 10);

            if (*optarg == '\0' || *end != '\0' || fd < 3 || fd > 1023) {
                snprintf(why, why_len,
                         "--lab-control '%s': give the descriptor of a "
                         "socket this process inherited, 3..1023 (the lab "
                         "passes it to its senders)",
                         optarg);
                return -1;
            }
            opts->control_fd = (int)fd;
            break;
        }
        case OPT_METRICS:
            opts->metrics = optarg;
            if (metrics_http_parse_addr(optarg, &opts->metrics_addr, why,
                                        why_len) < 0)
                return -1;
            break;
        case 'h':
            opts->help = true;
            break;
        case 'V':
            opts->version = true;
            break;
        case ':':
            snprintf(why, why_len, "%s needs a value: see mcscope --help",
                     argv[optind - 1]);
            return -1;
        default:
            snprintf(why, why_len, "unknown option '%s': see mcscope --help",
                     argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        snprintf(why, why_len,
                 "unexpected argument '%s': commands go after -e, e.g. "
                 "-e 'join 239.1.2.3%%lab0'",
                 argv[optind]);
        return -1;
    }
    if (opts->json && opts->batch_seconds < 0) {
        snprintf(why, why_len,
                 "--json goes with --batch SECONDS (the TUI has no JSON "
                 "output)");
        return -1;
    }
    if (opts->control_fd >= 0 && (opts->batch_seconds < 0 || opts->lab)) {
        snprintf(why, why_len,
                 "--lab-control goes with --batch SECONDS, without --lab "
                 "(the lab starts its senders so)");
        return -1;
    }
    if (opts->write_pcap != NULL && opts->write_pcap[0] == '\0') {
        snprintf(why, why_len,
                 "--write-pcap needs a file name, e.g. --write-pcap "
                 "wire.pcap");
        return -1;
    }
    if (opts->write_pcap != NULL && access(opts->write_pcap, F_OK) == 0) {
        snprintf(why, why_len,
                 "--write-pcap %s: the file exists, and mcscope never "
                 "overwrites one: name a new file or remove it",
                 opts->write_pcap);
        return -1;
    }
    if (opts->nfaults > 0 && !opts->lab) {
        snprintf(why, why_len,
                 "--fault goes with --lab (a fault of the lab's network), "
                 "e.g. mcscope --lab --fault rp-filter");
        return -1;
    }
    if (opts->nfaults > 0 && opts->topology != NULL &&
        strcmp(opts->topology, "bridge") != 0) {
        snprintf(why, why_len,
                 "--fault goes with the bridge lab, not --topology %s: the "
                 "faults are made on its br0 and RX's lab0, e.g. mcscope "
                 "--lab --fault %s",
                 opts->topology, opts->faults[0]);
        return -1;
    }
    if (opts->topology != NULL && !opts->lab) {
        snprintf(why, why_len,
                 "--topology goes with --lab (it shapes the lab), e.g. "
                 "mcscope --lab --topology dual");
        return -1;
    }
    if (opts->lesson != NULL && !opts->lab) {
        snprintf(why, why_len,
                 "--lesson goes with --lab (a lesson runs in the lab), e.g. "
                 "mcscope --lab --lesson exclude");
        return -1;
    }
    if (opts->expect_packets >= 0 && opts->lab) {
        snprintf(why, why_len,
                 "--expect-packets is a health check of a real network, not "
                 "of --lab: use it with --batch alone");
        return -1;
    }
    if (opts->interval_seconds >= 0 &&
        (opts->batch_seconds < 0 || !opts->json)) {
        snprintf(why, why_len,
                 "--interval goes with --batch SECONDS --json (one JSON "
                 "report a line per interval), e.g. --batch 3600 --json "
                 "--interval 60");
        return -1;
    }
    if ((opts->nexpect > 0 || opts->nagios) && opts->lab) {
        snprintf(why, why_len,
                 "--expect and --nagios check a real network, not --lab's: "
                 "use them with --batch alone");
        return -1;
    }
    if (opts->nexpect > 0 && opts->batch_seconds < 0) {
        snprintf(why, why_len,
                 "--expect goes with --batch SECONDS (the rules are checked "
                 "at the end of a batch run)");
        return -1;
    }
    if (opts->nagios && (opts->batch_seconds < 0 || opts->json)) {
        snprintf(why, why_len,
                 "--nagios goes with --batch SECONDS and without --json (it "
                 "prints one status line instead of the report)");
        return -1;
    }
    if (opts->config != NULL && opts->lab) {
        snprintf(why, why_len,
                 "--config sets up a real host's runs; --lab runs with the "
                 "defaults: drop --config");
        return -1;
    }
    if (opts->metrics != NULL && opts->lab) {
        snprintf(why, why_len,
                 "--metrics serves a real host's groups to Prometheus, not "
                 "--lab's: use it without --lab");
        return -1;
    }
    if (opts->expect_packets >= 0 && opts->batch_seconds < 0) {
        snprintf(why, why_len,
                 "--expect-packets goes with --batch SECONDS (a health "
                 "check runs headless)");
        return -1;
    }
    return 0;
}

void options_free(struct options *opts)
{
    free(opts->expect);
    opts->expect = NULL;
    opts->nexpect = 0;
    free(opts->commands);
    opts->commands = NULL;
    opts->ncommands = 0;
}
