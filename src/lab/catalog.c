/* mcscope: the lesson catalogue (see catalog.h). */
#include "catalog.h"

#include <dirent.h>
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
    {"diagnose", "why a stream does not arrive: three faults, diagnose"},
    {"senders", "on s1 / on s2: change what the senders send, live"},
    {"exclude-ssm", "the seed's exclude on ff32::8000:9: refused, then forced"},
    {"dual", "two links per host: a join and a send per interface, en0/en1"},
    {"router", "a routed lab: hop limits decrement, TTL 1 stays home"},
    {"pmtu", "the path MTU control message: a send refused, dontfrag"},
    {"unicast", "the seed's TCP server: traffic class, hop limit per conn"},
    {"reflector", "a unicast reply to each probe: the sender's round trip"},
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
        fprintf(out, "  %-11s %s\n", lesson_list[i].name,
                lesson_list[i].summary);
}

/* ---- a teacher's lessons: the other NAME.mcs in $MCSCOPE_LESSONS ---- */

#define TEACHER_MAX 32
static struct {
    bool read;
    size_t n;
    char name[TEACHER_MAX][LESSON_NAME_MAX];
    char summary[TEACHER_MAX][LESSON_TITLE_MAX];
} teacher;

static bool lesson_name_ok(const char *name);

static bool shipped(const char *name)
{
    for (size_t i = 0; i < NLESSONS; i++)
        if (strcmp(name, lesson_list[i].name) == 0)
            return true;
    return false;
}

/* The "# title:" of the file, or "" (the first 64 lines are read). */
static void read_title(const char *path, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    char line[512];

    out[0] = '\0';
    for (int i = 0; f != NULL && i < 64 && fgets(line, sizeof line, f); i++) {
        const char *t = strstr(line, "# title:");

        if (t != NULL && line[strspn(line, " \t")] == '#') {
            t += strlen("# title:");
            t += strspn(t, " \t");
            snprintf(out, len, "%.*s", (int)strcspn(t, "\r\n"), t);
            break;
        }
    }
    if (f != NULL)
        fclose(f);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void read_teacher(void)
{
    const char *dir = getenv("MCSCOPE_LESSONS");
    struct dirent *e;
    DIR *d;

    if (teacher.read)
        return;
    teacher.read = true;
    d = dir != NULL && dir[0] != '\0' ? opendir(dir) : NULL;
    while (d != NULL && (e = readdir(d)) != NULL && teacher.n < TEACHER_MAX) {
        size_t n = strlen(e->d_name);
        char name[LESSON_NAME_MAX];

        if (n < 5 || n - 4 >= LESSON_NAME_MAX ||
            strcmp(e->d_name + n - 4, ".mcs") != 0)
            continue;
        snprintf(name, sizeof name, "%.*s", (int)(n - 4), e->d_name);
        if (lesson_name_ok(name) && !shipped(name))
            snprintf(teacher.name[teacher.n++], LESSON_NAME_MAX, "%s", name);
    }
    if (d != NULL)
        closedir(d);
    qsort(teacher.name, teacher.n, LESSON_NAME_MAX, by_name);
    for (size_t i = 0; i < teacher.n; i++) {
        char path[PATH_MAX + LESSON_NAME_MAX + 8], title[LESSON_TITLE_MAX];

        snprintf(path, sizeof path, "%s/%s.mcs", dir, teacher.name[i]);
        read_title(path, title, sizeof title);
        snprintf(teacher.summary[i], LESSON_TITLE_MAX, "%.100s (in %s)",
                 title[0] != '\0' ? title : "a lesson", "$MCSCOPE_LESSONS");
    }
}

size_t catalog_count(void)
{
    read_teacher();
    return NLESSONS + teacher.n;
}

const char *catalog_name(size_t i)
{
    read_teacher();
    if (i < NLESSONS)
        return lesson_list[i].name;
    return i - NLESSONS < teacher.n ? teacher.name[i - NLESSONS] : NULL;
}

const char *catalog_summary(size_t i)
{
    read_teacher();
    if (i < NLESSONS)
        return lesson_list[i].summary;
    return i - NLESSONS < teacher.n ? teacher.summary[i - NLESSONS] : NULL;
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
    for (size_t i = 0; i < catalog_count(); i++)
        fprintf(stderr, "%s %s", i > 0 ? "," : "", catalog_name(i));
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
