/* mcscope: the lab's network for scripts (see netcli.h). */
#include "netcli.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "net.h"
#include "topo.h"

#define PREFIX_MAX 24

struct netcli {
    const char *verb;
    const char *prefix;
    long owner; /* 0: not given */
    const struct labtopo *topo;
    const char *faults[LABFAULT_MAX];
    size_t nfaults;
};

static int usage(const char *why)
{
    fprintf(stderr,
            "mcscope: --lab-net: %s\n"
            "usage: mcscope --lab-net up --owner PID [--prefix P] "
            "[--topology %s] [--fault NAME]...\n"
            "       mcscope --lab-net down --owner PID [--prefix P]\n"
            "       mcscope --lab-net sweep [--prefix P]\n",
            why, labtopo_names());
    return 2;
}

static bool prefix_ok(const char *p)
{
    size_t n = strlen(p);

    return n > 0 && n <= PREFIX_MAX &&
           strspn(p, "abcdefghijklmnopqrstuvwxyz") == n;
}

static int parse(int argc, char **argv, struct netcli *c)
{
    char *end;

    memset(c, 0, sizeof *c);
    c->prefix = LABNET_PREFIX;
    c->topo = labtopo_get(LABTOPO_BRIDGE);
    if (argc < 2)
        return usage("say up, down or sweep");
    c->verb = argv[1];
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--topology") && i + 1 < argc) {
            c->topo = labtopo_by_name(argv[++i]);
            if (c->topo == NULL)
                return usage("--topology: the lab has these (below)");
        } else if (!strcmp(argv[i], "--fault") && i + 1 < argc) {
            const struct labfault *f = labfault_find(argv[++i]);

            if (f == NULL || f->needs_progs || c->nfaults == LABFAULT_MAX) {
                fprintf(stderr,
                        "mcscope: --lab-net: --fault '%.40s': the lab's "
                        "network alone takes rp-filter, report-drop, "
                        "no-querier, multicast-off, mldv1 and port-drop (the "
                        "others change the lab's programs: mcscope --lab "
                        "--fault NAME)\n",
                        argv[i]);
                return usage("see below");
            }
            c->faults[c->nfaults++] = argv[i];
        } else if (!strcmp(argv[i], "--prefix") && i + 1 < argc) {
            c->prefix = argv[++i];
            if (!prefix_ok(c->prefix))
                return usage("--prefix: 1 to 24 lower-case letters");
        } else if (!strcmp(argv[i], "--owner") && i + 1 < argc) {
            errno = 0;
            c->owner = strtol(argv[++i], &end, 10);
            if (errno != 0 || *end != '\0' || c->owner <= 0)
                return usage("--owner: the pid of the script that owns "
                             "the lab, e.g. --owner $$");
        } else {
            fprintf(stderr, "mcscope: --lab-net: unknown word '%.40s'\n",
                    argv[i]);
            return usage("see below");
        }
    }
    if (strcmp(c->verb, "up") && strcmp(c->verb, "down") &&
        strcmp(c->verb, "sweep"))
        return usage("say up, down or sweep");
    if (strcmp(c->verb, "sweep") != 0 && c->owner == 0)
        return usage("up and down need --owner PID (the script's $$)");
    return 0;
}

/* The faults asked for, on the lab just built (said on stderr). */
static int add_faults(const struct netcli *c, struct labnet *net)
{
    struct labfaults f;
    char why[512];

    labfaults_init(&f, net, NULL);
    for (size_t i = 0; i < c->nfaults; i++) {
        if (labfault_on(&f, c->faults[i], why, sizeof why) < 0) {
            fprintf(stderr, "mcscope: the lab's fault %s: %s\n", c->faults[i],
                    why);
            return -1;
        }
        fprintf(stderr, "mcscope: lab fault %s is on: %s\n", c->faults[i],
                labfault_find(c->faults[i])->breaks);
    }
    return 0;
}

/* Build the lab and leave it standing: its names on stdout. */
static int up(const struct netcli *c)
{
    struct labnet_opts o = {
        .prefix = c->prefix,
        .owner = (pid_t)c->owner,
        .mode = LABNET_MODE_NAMED,
        .topology = c->topo->id,
    };
    struct labnet net;
    sigset_t set, old;
    char why[512];
    int rc;

    /* A signal in the middle would leave a half-built lab (for the
     * sweep); blocked, it comes after the lab is whole or removed. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, &old);
    labnet_sweep_stale(c->prefix, stderr);
    labnet_remove_owned(c->prefix, (pid_t)c->owner, NULL); /* a rerun */
    rc = labnet_up(&o, &net, why, sizeof why);
    if (rc < 0) {
        fprintf(stderr, "mcscope: cannot build the lab: %s\n", why);
    } else if (add_faults(c, &net) < 0) {
        labnet_down(&net);
        rc = -1;
    } else {
        for (int h = 0; h < LABNET_NHOSTS; h++)
            if (labnet_has(&net, (enum labnet_host)h))
                printf("%s %s\n", labnet_host_name((enum labnet_host)h),
                       net.name[h]);
        if (net.topo->router)
            printf("router %s\n",
                   net.router == LABROUTER_SMCROUTE ? "smcroute" : "nft");
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc < 0 ? 1 : (fflush(stdout) != 0);
}

int labnet_cli(int argc, char **argv)
{
    struct netcli c;
    int rc = parse(argc, argv, &c);

    if (rc != 0)
        return rc;
    if (geteuid() != 0) {
        fprintf(stderr, "mcscope: --lab-net makes named network namespaces: "
                        "run it as root\n");
        return 1;
    }
    if (!strcmp(c.verb, "up"))
        return up(&c);
    if (!strcmp(c.verb, "down"))
        labnet_remove_owned(c.prefix, (pid_t)c.owner, NULL);
    else
        labnet_sweep_stale(c.prefix, stderr);
    return 0;
}
