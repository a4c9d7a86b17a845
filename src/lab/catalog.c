/* mcscope: the lesson catalogue (see catalog.h). */
#include "catalog.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct lesson_info {
    const char *name, *summary;
};

static const struct lesson_info lesson_list[] = {
    {"tour", "the demo: ASM, then SSM include, then exclude"},
    {"tclass", "unicast traffic class: set tclass, DSCP, what arrives"},
    {"join", "joining on an interface: GROUP%IFACE, both families"},
    {"cmsg", "control messages: destination, hop limit, traffic class"},
    {"listeners", "several listeners on one port; multicast-all"},
    {"leave", "leave and rejoin: the counts stop and resume"},
    {"ssm", "SSM include: join-source, a second source, leave-source"},
    {"exclude", "exclude mode: exclude-source, include-source"},
    {"wire", "what each operation sends: MLDv2 and IGMPv3 records"},
    {"mldv1", "the fallback: RX forced to MLDv1 and IGMPv2"},
    {"snooping", "the bridge variant: snooping and a querier per source"},
    {"streams", "real streams: RTP and MPEG-TS, loss on a link, CC errors"},
    {"link", "what is on the link: discovered streams, SAP sessions"},
    {"dual", "two links per host: a join and a send per interface, en0/en1"},
    {"router", "a routed lab: hop limits decrement, TTL 1 stays home"},
    {"pmtu", "the path MTU control message: a send refused, dontfrag"},
};
#define NLESSONS (sizeof lesson_list / sizeof lesson_list[0])

const char *lab_lesson_name(size_t i)
{
    return i < NLESSONS ? lesson_list[i].name : NULL;
}

void lab_lessons_usage(FILE *out)
{
    fputs("Lessons (mcscope --lab --lesson NAME; n steps to the next "
          "stage):\n",
          out);
    for (size_t i = 0; i < NLESSONS; i++)
        fprintf(out, "  %-10s %s\n", lesson_list[i].name,
                lesson_list[i].summary);
}

size_t catalog_count(void)
{
    return NLESSONS;
}

const char *catalog_name(size_t i)
{
    return i < NLESSONS ? lesson_list[i].name : NULL;
}

const char *catalog_summary(size_t i)
{
    return i < NLESSONS ? lesson_list[i].summary : NULL;
}

static bool lesson_name_ok(const char *name)
{
    size_t n = strlen(name);

    return n > 0 && n < LESSON_NAME_MAX &&
           strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* Try DIR/NAME.mcs; note DIR in looked when it is not there. */
static bool try_dir(const char *dir, const char *name, char *path, size_t len,
                    char *looked, size_t looked_len)
{
    size_t used = strlen(looked);

    if (dir == NULL || dir[0] == '\0')
        return false;
    snprintf(path, len, "%s/%s.mcs", dir, name);
    if (access(path, R_OK) == 0)
        return true;
    if (used + 3 < looked_len)
        snprintf(looked + used, looked_len - used, "%s%s", used > 0 ? ", " : "",
                 dir);
    return false;
}

static bool find_lesson_file(const char *exe, const char *name, char *path,
                             size_t len, char *looked, size_t looked_len)
{
    static const char *const rel[] = {"/../share/mcscope/lessons",
                                      "/assets/lessons", "/../assets/lessons",
                                      "/../../assets/lessons"};
    char dir[PATH_MAX + 32], exe_dir[PATH_MAX];
    char *slash;

    looked[0] = '\0';
    if (try_dir(getenv("MCSCOPE_LESSONS"), name, path, len, looked, looked_len))
        return true;
    snprintf(exe_dir, sizeof exe_dir, "%s", exe);
    slash = strrchr(exe_dir, '/');
    if (slash != NULL) {
        *slash = '\0';
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            snprintf(dir, sizeof dir, "%s%s", exe_dir, rel[i]);
            if (try_dir(dir, name, path, len, looked, looked_len))
                return true;
        }
    }
#ifdef MCSCOPE_LESSON_DIR
    if (try_dir(MCSCOPE_LESSON_DIR, name, path, len, looked, looked_len))
        return true;
#endif
    return false;
}

static void unknown_lesson(const char *name)
{
    fprintf(stderr, "mcscope: no lesson '%.40s': the lessons are", name);
    for (size_t i = 0; i < NLESSONS; i++)
        fprintf(stderr, "%s %s", i > 0 ? "," : "", lesson_list[i].name);
    fputs(" (see mcscope --help)\n", stderr);
}

/* NAME, or a path to a .mcs file: its path and name.  0, or -1 with the
 * reason on stderr. */
static int resolve(const char *exe, const char *arg, char *path,
                   size_t path_len, char *name, size_t name_len)
{
    size_t n = strlen(arg);
    char looked[1024];
    const char *base;

    if (strchr(arg, '/') != NULL || (n > 4 && !strcmp(arg + n - 4, ".mcs"))) {
        base = strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg;
        snprintf(path, path_len, "%s", arg);
        snprintf(name, name_len, "%.*s",
                 (int)(strlen(base) > 4 ? strlen(base) - 4 : strlen(base)),
                 base);
        return 0;
    }
    if (!lesson_name_ok(arg)) {
        unknown_lesson(arg);
        return -1;
    }
    snprintf(name, name_len, "%s", arg);
    if (find_lesson_file(exe, arg, path, path_len, looked, sizeof looked))
        return 0;
    for (size_t i = 0; i < NLESSONS; i++) {
        if (strcmp(arg, lesson_list[i].name) == 0) {
            fprintf(stderr,
                    "mcscope: the lesson file %s.mcs is not in %s: set "
                    "MCSCOPE_LESSONS to the folder that holds it "
                    "(assets/lessons in the sources)\n",
                    arg, looked);
            return -1;
        }
    }
    unknown_lesson(arg);
    return -1;
}

struct lesson *catalog_open(const char *arg, const char *exe,
                            const struct lesson_complaints *c)
{
    char path[PATH_MAX], name[LESSON_NAME_MAX];

    if (resolve(exe, arg, path, sizeof path, name, sizeof name) < 0)
        return NULL;
    return lesson_read(path, name, c);
}
