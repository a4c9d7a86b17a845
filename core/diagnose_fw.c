/*
 * mcscope core: diagnosis — reading the firewall's rules through their own
 * tools: `nft -a list ruleset` (nftables), else `ip6tables-save` /
 * `iptables-save`.  It looks for the first rule that drops the host's
 * MLD/IGMP reports on output and the first that drops the group's UDP port
 * on input, and keeps the rule as the tool prints it and the command that
 * deletes it.  Listing rules needs CAP_NET_ADMIN; without it the reading
 * says so (MC_DIAG_FW_NOPERM).  Reads only; the verdicts are diagnose.c's.
 */
#include "diagnose_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define OUT_MAX (1 << 20)

/* Run argv (PATH searched), its stdout and stderr into *out (allocated,
 * NUL-terminated).  Returns the exit status, 127 when it could not run,
 * or a negative errno. */
static int run(char *const argv[], char **out)
{
    posix_spawn_file_actions_t fa;
    size_t n = 0, cap = 65536;
    int p[2], st = 0, rc;
    pid_t pid;
    ssize_t k;

    *out = NULL;
    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        return 127;
    }
    *out = malloc(cap);
    while (*out != NULL) {
        if (n + 1 >= cap) {
            char *bigger = cap < OUT_MAX ? realloc(*out, cap * 2) : NULL;

            if (bigger == NULL)
                break;
            *out = bigger;
            cap *= 2;
        }
        k = read(p[0], *out + n, cap - n - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    close(p[0]);
    if (*out != NULL)
        (*out)[n] = '\0';
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static bool denied(const char *text)
{
    return text != NULL && (strstr(text, "not permitted") != NULL ||
                            strstr(text, "ermission denied") != NULL);
}

/* Copy a rule without its leading blanks and nft's " # handle N". */
static void keep(char *dst, size_t len, const char *line)
{
    const char *h;

    while (*line == ' ' || *line == '\t')
        line++;
    h = strstr(line, " # handle ");
    snprintf(dst, len, "%.*s", h != NULL ? (int)(h - line) : (int)strlen(line),
             line);
}

/* A rule's verdict drops. */
static bool drops(const char *r)
{
    return strstr(r, " drop") != NULL || strstr(r, " reject") != NULL ||
           strncmp(r, "drop", 4) == 0 || strncmp(r, "reject", 6) == 0 ||
           strstr(r, "-j DROP") != NULL || strstr(r, "-j REJECT") != NULL;
}

/* The rule names port (udp/th dport N, a set or a range holding it). */
static bool names_port(const char *r, unsigned port)
{
    const char *p = strstr(r, "dport ");

    if (p == NULL)
        p = strstr(r, "--dport ");
    if (p == NULL)
        p = strstr(r, "--dports ");
    if (p == NULL || strstr(r, "udp") == NULL)
        return false;
    p = strchr(p, ' ') + 1;
    if (strncmp(p, "!=", 2) == 0 || p[-3] == '!')
        return false;
    while (*p != '\0' && *p != '#' && *p != '-' && strncmp(p, "drop", 4) &&
           strncmp(p, "reject", 6) && strncmp(p, "counter", 7)) {
        char *end;
        unsigned long a = strtoul(p, &end, 10), b = a;

        if (end == p) {
            p++;
            continue;
        }
        if (*end == '-' || *end == ':')
            b = strtoul(end + 1, &end, 10);
        if (port >= a && port <= b)
            return true;
        p = end;
    }
    return false;
}

/* The rule matches MLD (ICMPv6 types 130-132, 143) or IGMP: by type or
 * as all of ICMPv6 / IGMP. */
static bool names_mld(const char *r, int family)
{
    if (family == AF_INET)
        return strstr(r, "igmp") != NULL || strstr(r, "-p 2 ") != NULL;
    if (strstr(r, "mld") != NULL || strstr(r, "143") != NULL ||
        strstr(r, "131") != NULL)
        return true;
    /* all of ICMPv6, no type named */
    return (strstr(r, "ipv6-icmp") != NULL || strstr(r, "icmpv6") != NULL) &&
           strstr(r, "type") == NULL;
}

/* The rule matches MLD queries (ICMPv6 type 130) or IGMP queries: by
 * type, or as all of ICMPv6 / IGMP. */
static bool names_query(const char *r, int family)
{
    if (family == AF_INET)
        return strstr(r, "igmp") != NULL || strstr(r, "-p 2 ") != NULL;
    if (strstr(r, "mld-listener-query") != NULL || strstr(r, " 130") != NULL)
        return true;
    return (strstr(r, "ipv6-icmp") != NULL || strstr(r, "icmpv6") != NULL) &&
           strstr(r, "type") == NULL;
}

/* Keep rule s and the command that deletes it (del) as a finding. */
static void take(bool *have, char rule[MC_DIAG_RULE_MAX],
                 char fix[MC_DIAG_RULE_MAX], const char *s, const char *del)
{
    *have = true;
    keep(rule, MC_DIAG_RULE_MAX, s);
    snprintf(fix, MC_DIAG_RULE_MAX, "%s", del);
}

/* Another interface named (iifname/oifname/-i/-o X): not ours. */
static bool other_iface(const char *r, const char *ifname)
{
    static const char *const keys[] = {"iifname ", "oifname ", "-i ",
                                       "-o ",      "iif ",     "oif "};

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *p = strstr(r, keys[i]);
        char name[IF_NAMESIZE + 4];

        if (p == NULL)
            continue;
        p += strlen(keys[i]);
        if (*p == '"')
            p++;
        if (sscanf(p, "%19[^\" ]", name) == 1 && ifname[0] != '\0' &&
            strcmp(name, ifname) != 0)
            return true;
    }
    return false;
}

static bool family_covers(const char *tfam, int family)
{
    if (strcmp(tfam, "inet") == 0 || strcmp(tfam, "netdev") == 0 ||
        strcmp(tfam, "bridge") == 0)
        return true;
    return strcmp(tfam, family == AF_INET6 ? "ip6" : "ip") == 0;
}

/* The first rule of each kind that matters to t; out and in: the rule's
 * hook is output or input. */
static void judge_rule(const char *s, bool out, bool in,
                       const struct mc_diag_target *t, int family,
                       const char *del, struct mc_diag_fw *fw)
{
    if (!drops(s) || other_iface(s, t->ifname))
        return;
    if (out && !fw->out_drop && names_mld(s, family))
        take(&fw->out_drop, fw->out_rule, fw->out_fix, s, del);
    if (in && !fw->in_drop && names_port(s, t->port))
        take(&fw->in_drop, fw->in_rule, fw->in_fix, s, del);
    if (in && !fw->query_drop && names_query(s, family))
        take(&fw->query_drop, fw->query_rule, fw->query_fix, s, del);
}

/* nft -a list ruleset: tables, chains with their hooks, rules ending
 * "# handle N". */
static void scan_nft(char *text, const struct mc_diag_target *t, int family,
                     struct mc_diag_fw *fw)
{
    char tfam[16] = "", table[64] = "", chain[64] = "", hook[32] = "";
    char del[MC_DIAG_RULE_MAX], *save = NULL;

    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        const char *h;
        char *s = line;
        bool out, in;
        unsigned long handle;

        while (*s == ' ' || *s == '\t')
            s++;
        if (sscanf(s, "table %15s %63s", tfam, table) == 2) {
            chain[0] = hook[0] = '\0';
            continue;
        }
        if (sscanf(s, "chain %63s", chain) == 1) {
            hook[0] = '\0';
            continue;
        }
        if ((h = strstr(s, " hook ")) != NULL && strncmp(s, "type ", 5) == 0) {
            sscanf(h, " hook %31s", hook);
            continue;
        }
        h = strstr(s, "# handle ");
        if (h == NULL || chain[0] == '\0' || !family_covers(tfam, family))
            continue;
        fw->nrules++;
        handle = strtoul(h + 9, NULL, 10);
        out = strcmp(hook, "output") == 0 || strcmp(hook, "postrouting") == 0;
        in = strcmp(hook, "input") == 0 || strcmp(hook, "prerouting") == 0 ||
             strcmp(hook, "ingress") == 0;
        snprintf(del, sizeof del, "nft delete rule %s %s %s handle %lu", tfam,
                 table, chain, handle);
        judge_rule(s, out, in, t, family, del, fw);
    }
}

/* iptables-save: "-A CHAIN ..." lines of the built-in chains. */
static void scan_save(char *text, const struct mc_diag_target *t, int family,
                      struct mc_diag_fw *fw)
{
    const char *cmd = family == AF_INET6 ? "ip6tables" : "iptables";
    char del[MC_DIAG_RULE_MAX], *save = NULL;

    for (char *s = strtok_r(text, "\n", &save); s != NULL;
         s = strtok_r(NULL, "\n", &save)) {
        bool out, in;

        if (strncmp(s, "-A ", 3) != 0)
            continue;
        fw->nrules++;
        out = strncmp(s, "-A OUTPUT ", 10) == 0 ||
              strncmp(s, "-A POSTROUTING ", 15) == 0;
        in = strncmp(s, "-A INPUT ", 9) == 0 ||
             strncmp(s, "-A PREROUTING ", 14) == 0;
        snprintf(del, sizeof del, "%s -D %s", cmd, s + 3);
        judge_rule(s, out, in, t, family, del, fw);
    }
}

void mc__diag_fw_list(struct mc__diag_fw_text *out)
{
    char *nft[] = {"nft", "-a", "list", "ruleset", NULL};
    char *ipt4[] = {"iptables-save", NULL};
    char *ipt6[] = {"ip6tables-save", NULL};
    int st;

    mc__diag_fw_text_free(out);
    st = run(nft, &out->nft);
    if (st == 0 && out->nft != NULL) {
        out->state = MC_DIAG_FW_READ;
        return;
    }
    out->state = denied(out->nft) ? MC_DIAG_FW_NOPERM : MC_DIAG_FW_NOTOOL;
    free(out->nft);
    out->nft = NULL;
    if (run(ipt4, &out->ipt4) == 0 && !denied(out->ipt4) &&
        run(ipt6, &out->ipt6) == 0 && !denied(out->ipt6)) {
        out->state = MC_DIAG_FW_READ;
        return;
    }
    if (denied(out->ipt4) || denied(out->ipt6))
        out->state = MC_DIAG_FW_NOPERM;
    free(out->ipt4);
    free(out->ipt6);
    out->ipt4 = out->ipt6 = NULL;
}

void mc__diag_fw_text_free(struct mc__diag_fw_text *t)
{
    free(t->nft);
    free(t->ipt4);
    free(t->ipt6);
    memset(t, 0, sizeof *t);
}

void mc__diag_fw_scan(const struct mc__diag_fw_text *txt,
                      const struct mc_diag_target *t, int family,
                      struct mc_diag_fw *fw)
{
    const char *src = txt->nft;
    char *copy;

    memset(fw, 0, sizeof *fw);
    fw->state = txt->state;
    if (txt->state != MC_DIAG_FW_READ)
        return;
    fw->tool = "nft";
    if (src == NULL) {
        src = family == AF_INET6 ? txt->ipt6 : txt->ipt4;
        fw->tool = family == AF_INET6 ? "ip6tables-save" : "iptables-save";
    }
    copy = strdup(src != NULL ? src : "");
    if (copy == NULL) {
        fw->state = MC_DIAG_FW_UNREAD;
        return;
    }
    if (txt->nft != NULL)
        scan_nft(copy, t, family, fw);
    else
        scan_save(copy, t, family, fw);
    free(copy);
}
