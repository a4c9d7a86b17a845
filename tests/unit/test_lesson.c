/*
 * Unit tests: the lesson-file parser of the lab (src/lab/lesson.c) —
 * stages, titles, the lab's directives, and every refusal, from buffers,
 * without root; and every lesson of assets/lessons parses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/catalog.h"
#include "lab/check.h"
#include "lab/lesson.h"

/* What the parser complained about. */
struct said {
    char problem[512];
    int nproblems;
    char refused[512]; /* the first: "ORIGIN|LINE" */
    int nrefused;
};

static void on_problem(void *arg, const char *msg)
{
    struct said *s = arg;

    if (s->nproblems++ == 0)
        snprintf(s->problem, sizeof s->problem, "%s", msg);
}

static struct said *refusal_sink; /* refused gets the script as its arg */

static void on_refused(void *arg, size_t i, const struct mc_err *why)
{
    const struct mc_script *src = arg;

    assert_non_null(why->msg);
    if (refusal_sink->nrefused++ == 0)
        snprintf(refusal_sink->refused, sizeof refusal_sink->refused, "%s|%s",
                 mc_script_origin(src, i), mc_script_line(src, i));
}

static struct lesson *parse(const char *text, struct said *s)
{
    struct lesson_complaints c = {on_problem, s, on_refused};

    memset(s, 0, sizeof *s);
    refusal_sink = s;
    return lesson_parse(text, "t", "t.mcs", &c);
}

/* text must be refused with a problem that contains want. */
static void expect_problem(const char *text, const char *want)
{
    struct said s;
    struct lesson *ls = parse(text, &s);

    assert_null(ls);
    assert_int_equal(s.nproblems, 1);
    if (strstr(s.problem, want) == NULL)
        fail_msg("problem \"%s\", want \"%s\"", s.problem, want);
}

static void stages(void **state)
{
    struct said s;
    struct lesson *ls;

    (void)state;
    ls = parse("# mcscope lesson\n"
               "# title: A lesson  \n"
               "#\n"
               "\n"
               "# --- stage: One   \n"
               "echo first\n"
               "join ff15::1234 dev lab0\n"
               "wait 3\n"
               "\n"
               "# --- stage: Two\n"
               "# lab: mdb\n"
               "leave ff15::1234 dev lab0\n",
               &s);
    assert_non_null(ls);
    assert_int_equal(s.nproblems, 0);
    assert_int_equal(s.nrefused, 0);
    assert_string_equal(ls->name, "t");
    assert_string_equal(ls->path, "t.mcs");
    assert_string_equal(ls->title, "A lesson");
    assert_int_equal(ls->topology, LABTOPO_BRIDGE);
    assert_int_equal(ls->mld_version, 0);
    assert_int_equal(ls->igmp_version, 0);
    assert_int_equal(ls->nstages, 2);
    assert_string_equal(ls->stage[0].title, "One");
    assert_int_equal(ls->stage[0].first, 5);
    assert_int_equal(ls->stage[0].end, 9);
    assert_string_equal(ls->stage[1].title, "Two");
    assert_int_equal(ls->stage[1].first, 10);
    assert_int_equal(ls->stage[1].end, 12);
    assert_int_equal(mc_script_nlines(ls->src), 12);
    assert_string_equal(mc_script_line(ls->src, 5), "echo first");
    assert_string_equal(mc_script_origin(ls->src, 5), "t.mcs:6");
    lesson_free(ls);
}

static void header(void **state)
{
    struct said s;
    struct lesson *ls;

    (void)state;
    ls = parse("# lab: snooping\n"
               "# lab: mld-version 1\n"
               "# lab: igmp-version 2\n"
               "# --- stage: only\n"
               "wait 1",
               &s);
    assert_non_null(ls);
    assert_int_equal(ls->topology, LABTOPO_SNOOPING);
    assert_int_equal(ls->mld_version, 1);
    assert_int_equal(ls->igmp_version, 2);
    assert_string_equal(ls->title, "t"); /* no title: the name */
    assert_int_equal(ls->nstages, 1);
    assert_int_equal(ls->stage[0].end, 5); /* no newline at the end */
    lesson_free(ls);
    ls = parse("# lab: topology routed\n# --- stage: only\nwait 1\n", &s);
    assert_non_null(ls);
    assert_int_equal(ls->topology, LABTOPO_ROUTED);
    lesson_free(ls);
}

static void actions(void **state)
{
    char group[64] = "";

    (void)state;
    assert_int_equal(lesson_action_of("# lab: mdb", NULL, 0), LESSON_ACT_MDB);
    assert_int_equal(lesson_action_of("  # lab:   mdb\n", NULL, 0),
                     LESSON_ACT_MDB);
    assert_int_equal(
        lesson_action_of("# lab: listener ff15::1234", group, sizeof group),
        LESSON_ACT_LISTENER);
    assert_string_equal(group, "ff15::1234");
    assert_int_equal(lesson_action_of("# lab: listener stop", NULL, 0),
                     LESSON_ACT_LISTENER_STOP);
    assert_int_equal(lesson_action_of("# lab: snooping", NULL, 0),
                     LESSON_ACT_NONE);
    assert_int_equal(lesson_action_of("# a comment", NULL, 0), LESSON_ACT_NONE);
    assert_int_equal(lesson_action_of("join ff15::1234", NULL, 0),
                     LESSON_ACT_NONE);
    assert_int_equal(lesson_action_of("# lab:", NULL, 0), LESSON_ACT_NONE);
    assert_int_equal(
        lesson_action_of("# lab: stream rtp ff15::5004", group, sizeof group),
        LESSON_ACT_STREAM);
    assert_string_equal(group, "rtp ff15::5004");
    assert_int_equal(lesson_action_of("# lab: stream stop", NULL, 0),
                     LESSON_ACT_STREAM_STOP);
    assert_int_equal(lesson_action_of("# lab: loss 5", group, sizeof group),
                     LESSON_ACT_LOSS);
    assert_string_equal(group, "5");
    assert_int_equal(lesson_action_of("# lab: loss off", NULL, 0),
                     LESSON_ACT_LOSS_OFF);
    assert_int_equal(
        lesson_action_of("# lab: fault rp-filter", group, sizeof group),
        LESSON_ACT_FAULT);
    assert_string_equal(group, "rp-filter");
    assert_int_equal(
        lesson_action_of("# lab: fault mldv1 off", group, sizeof group),
        LESSON_ACT_FAULT_OFF);
    assert_string_equal(group, "mldv1");
}

static void bad_lessons(void **state)
{
    (void)state;
    expect_problem("# --- stage: one\n# lab: frobnicate\n",
                   "t.mcs:2: '# lab: frobnicate': in a stage the lab knows");
    expect_problem("# --- stage: one\n# lab: listener not-a-group\n",
                   "t.mcs:2: '# lab: listener not-a-group'");
    expect_problem(
        "# --- stage: one\n# lab: stream mp3 ff15::1\n",
        "t.mcs:2: '# lab: stream mp3 ff15::1': in a stage the lab "
        "knows mdb, router, mcfilter, listener GROUP, listener stop, refused "
        "LINE, stream rtp|mpegts GROUP, stream stop, loss 1..50, loss off, "
        "fault NAME and fault NAME off");
    expect_problem("# --- stage: one\n# lab: stream rtp 10.0.0.1\n",
                   "'# lab: stream rtp 10.0.0.1'");
    expect_problem("# --- stage: one\n# lab: stream rtp\n",
                   "'# lab: stream rtp'");
    expect_problem("# --- stage: one\n# lab: loss 0\n", "'# lab: loss 0'");
    expect_problem("# --- stage: one\n# lab: loss 51\n", "loss 1..50");
    /* a fault of the table, on or off, and nothing after */
    expect_problem("# --- stage: one\n# lab: fault no-such\n",
                   "t.mcs:2: '# lab: fault no-such': the lab's faults are "
                   "rp-filter, report-drop, no-querier");
    expect_problem("# --- stage: one\n# lab: fault ttl1 of\n",
                   "'# lab: fault ttl1 of': the lab's faults are");
    expect_problem("# --- stage: one\n# lab: fault ttl1 off now\n",
                   "'# lab: fault ttl1 off now'");
    expect_problem("# lab: fault ttl1\n# --- stage: one\n",
                   "'# lab: fault ttl1': before stage 1 the lab knows");
    expect_problem("# --- stage: one\n# lab: loss some\n",
                   "'# lab: loss some'");
    expect_problem("# lab: mdb\n# --- stage: one\n",
                   "t.mcs:1: '# lab: mdb': before stage 1");
    expect_problem("# lab: mld-version 3\n# --- stage: one\n",
                   "before stage 1 the lab knows topology "
                   "bridge|dual|routed|snooping, snooping");
    expect_problem("# lab: topology star\n# --- stage: one\n",
                   "'# lab: topology star': before stage 1");
    expect_problem("# lab: topology twolink\n# --- stage: one\n",
                   "'# lab: topology twolink'");
    expect_problem("# lab: igmp-version 4\n# --- stage: one\n",
                   "igmp-version 1|2|3");
    expect_problem("# lab: snooping\njoin ff15::1234 dev lab0\n",
                   "t.mcs:2: a command before the first");
    expect_problem("echo no stage\n", "a command before the first");
    expect_problem("# title: nothing\n",
                   "t.mcs has no '# --- stage: TITLE' line");
    expect_problem("", "has no '# --- stage: TITLE' line");
}

static void too_many_stages(void **state)
{
    char text[4096] = "";

    (void)state;
    for (int i = 0; i <= LESSON_MAX_STAGES; i++) {
        size_t n = strlen(text);

        snprintf(text + n, sizeof text - n, "# --- stage: %d\nwait 1\n", i);
    }
    expect_problem(text, "more than 24 stages");
}

static void refused_commands(void **state)
{
    struct said s;

    (void)state;
    assert_null(parse("# --- stage: one\njoin ff15::1234 dev lab0\njion x\n"
                      "wait 1\nfrob\n",
                      &s));
    assert_int_equal(s.nproblems, 0);
    assert_int_equal(s.nrefused, 2); /* every refused line, not the first */
    assert_string_equal(s.refused, "t.mcs:3|jion x");
}

/* Every lesson the lab ships parses, with a stage or more. */
static void shipped_lessons(void **state)
{
    DIR *d = opendir(MCSCOPE_LESSON_DIR);
    struct dirent *e;
    int files = 0;

    (void)state;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        char path[1024], name[64];
        struct lesson_complaints c = {on_problem, NULL, NULL};
        struct lesson *ls;

        if (n < 5 || strcmp(e->d_name + n - 4, ".mcs") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", MCSCOPE_LESSON_DIR, e->d_name);
        snprintf(name, sizeof name, "%.*s", (int)(n - 4), e->d_name);
        struct said s = {0};
        c.arg = &s;
        ls = lesson_read(path, name, &c);
        if (ls == NULL)
            fail_msg("%s: %s", path, s.problem);
        assert_true(ls->nstages >= 1);
        assert_string_not_equal(ls->title, name);
        lesson_free(ls);
        files++;
    }
    closedir(d);
    assert_true(files >= 11);
}

/* ---- the texts agree with the screen ---- */

/* Words a lesson must not say, because the screen says otherwise. */
static const struct {
    const char *phrase, *screen;
} not_on_screen[] = {
    {"mode none", "the MODE column says left"},
    {"back to ASM", "an emptied exclude list reads EXCLUDE{0}"},
};

/* The second word of a command line (its group), or "". */
static void group_word(const char *line, char *out, size_t len)
{
    if (sscanf(line, "%*s %63s", out) != 1 || len < 64)
        out[0] = '\0';
}

/* Does a line of [from, to) of ls start with prefix and have needle? */
static bool stage_has(const struct lesson *ls, size_t from, size_t to,
                      const char *prefix, const char *needle)
{
    for (size_t i = from; i < to; i++) {
        const char *l = mc_script_line(ls->src, i);

        if (strncmp(l, prefix, strlen(prefix)) == 0 &&
            (needle == NULL || strstr(l, needle) != NULL))
            return true;
    }
    return false;
}

/*
 * Every shipped lesson: no phrase the screen contradicts; a stage that
 * promises a refusal shows one (# lab: refused); a stage where LOSS
 * appears because packets were missed on purpose (a rejoin after a leave,
 * include-source after exclude-source, multicast-all after a leave)
 * explains LOSS; a message named by its RFC name also names what the
 * event log shows ("Done message" is "leave" there).
 */
static void lesson_texts(void **state)
{
    static const char *const names[] = {
        "cmsg",  "exclude",  "join",        "leave",  "listeners",
        "mldv1", "snooping", "ssm",         "tclass", "tour",
        "wire",  "senders",  "exclude-ssm",
    };

    (void)state;
    for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
        char path[1024], left[8][64];
        struct lesson_complaints c = {on_problem, NULL, NULL};
        struct said s = {0};
        struct lesson *ls;
        size_t nleft = 0;
        bool any_leave = false;

        c.arg = &s;
        snprintf(path, sizeof path, "%s/%s.mcs", MCSCOPE_LESSON_DIR, names[f]);
        ls = lesson_read(path, names[f], &c);
        if (ls == NULL)
            fail_msg("%s: %s", path, s.problem);
        for (size_t k = 0; k < ls->nstages; k++) {
            size_t from = ls->stage[k].first - 1, to = ls->stage[k].end - 1;
            bool lossy = false;

            for (size_t i = from; i < to; i++) {
                const char *l = mc_script_line(ls->src, i);
                char g[64];

                for (size_t p = 0;
                     p < sizeof not_on_screen / sizeof not_on_screen[0]; p++)
                    if (strncmp(l, "echo ", 5) == 0 &&
                        strstr(l, not_on_screen[p].phrase) != NULL)
                        fail_msg("%s stage %zu says '%s', but %s", names[f],
                                 k + 1, not_on_screen[p].phrase,
                                 not_on_screen[p].screen);
                if (strncmp(l, "echo ", 5) == 0 &&
                    strstr(l, "Done message") != NULL &&
                    strstr(l, "leave") == NULL)
                    fail_msg("%s stage %zu: 'Done message' without the "
                             "word the event log shows (leave)",
                             names[f], k + 1);
                group_word(l, g, sizeof g);
                if (strncmp(l, "leave ", 6) == 0 && nleft < 8) {
                    snprintf(left[nleft++], sizeof left[0], "%s", g);
                    any_leave = true;
                }
                if (strncmp(l, "join ", 5) == 0)
                    for (size_t j = 0; j < nleft; j++)
                        lossy |= strcmp(left[j], g) == 0;
                if (strncmp(l, "include-source ", 15) == 0 ||
                    (strncmp(l, "set multicast-all on", 20) == 0 && any_leave))
                    lossy = true;
            }
            if (lossy && !stage_has(ls, from, to, "echo ", "LOSS"))
                fail_msg("%s stage %zu: LOSS shows the packets missed on "
                         "purpose, and the narration does not explain it",
                         names[f], k + 1);
            if (stage_has(ls, from, to, "echo ", "refuses the line") &&
                !stage_has(ls, from, to, "# lab: refused ", NULL))
                fail_msg("%s stage %zu promises a refused line and shows "
                         "none (# lab: refused LINE)",
                         names[f], k + 1);
        }
        lesson_free(ls);
    }
}

static void missing_file(void **state)
{
    struct said s = {0};
    struct lesson_complaints c = {on_problem, &s, NULL};

    (void)state;
    assert_null(lesson_read("/nonexistent/x.mcs", "x", &c));
    assert_non_null(strstr(s.problem, "lesson x: cannot read"));
}

/* # check: lines: counted per stage; each rule by lab_check_parse. */
static void checks(void **state)
{
    static const struct {
        const char *rule;
        int metric; /* 0: an --expect rule */
        enum mc_expect_op op;
        double value;
        const char *word;
    } good[] = {
        {"packets>=20", 0, MC_EXP_GE, 0, ""},
        {"ff15::1234/fd42::1:loss<=0.1%", 0, MC_EXP_LE, 0, ""},
        {"ff15::1234:mode=exclude", 1, MC_EXP_EQ, 0, "exclude"},
        {"ff15::1234/fd42::1:hoplimit=2", 2, MC_EXP_EQ, 2, ""},
        {"ff15::1234/fd42::2:tclass=0xb8", 3, MC_EXP_EQ, 0xb8, ""},
        {"232.1.1.1%lab0:wire>=20", 4, MC_EXP_GE, 20, ""},
        {"ff3e::1234:report=mldv1", 5, MC_EXP_EQ, 0, "mldv1"},
        {"ff3e::1234:report==TO_EX", 5, MC_EXP_EQ, 0, "TO_EX"},
        {"fd42::1:tcp-bytes>=1", 6, MC_EXP_GE, 1, ""},
        {"fd42::1:tcp-hoplimit=3", 7, MC_EXP_EQ, 3, ""},
        {"fd42::1:tcp-tclass=0x28", 8, MC_EXP_EQ, 0x28, ""},
        {"ff15::1234:reflected>=20", 9, MC_EXP_GE, 20, ""},
        {"ff15::1234%lab0:listeners=2", 10, MC_EXP_EQ, 2, ""},
        {"ff15::1234:other>=40", 11, MC_EXP_GE, 40, ""},
    };
    static const struct {
        const char *rule, *want;
    } bad[] = {
        {"frob>1", "check 'frob>1': 'frob' is not a metric"},
        {"mode=asm", "check 'mode=asm': mode needs a group"},
        {"ff15::1:mode=maybe", "mode takes = and a word"},
        {"ff15::1:mode>=asm", "mode takes = and a word"},
        {"ff15::1/fd42::1:mode=asm", "a mode is the group's"},
        {"ff15::1:hoplimit=two", "'two' is not a whole number"},
        {"fd42::1:hoplimit=2", "is not a multicast group"},
        {"ff15::1:report=mldv3", "report takes = and a word"},
        {"listeners=2", "check 'listeners=2': listeners needs a group"},
        {"ff15::1:other>=many", "'many' is not a whole number"},
        {"nothing", "no METRIC OP VALUE"},
        {"tcp-bytes>=1", "check 'tcp-bytes>=1': tcp-bytes needs an address"},
        {"ff15::1:tcp-tclass=0", "scoped by the unicast address tcp-connect"},
        {"fd42::zz:tcp-tclass=0", "scoped by the unicast address tcp-connect"},
    };
    struct lab_check c;
    struct mc_err err;
    struct said s;
    struct lesson *ls;

    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (lab_check_parse(good[i].rule, &c, &err) != 0)
            fail_msg("%s: %s", good[i].rule, err.msg);
        assert_int_equal(c.metric, good[i].metric);
        if (c.metric != 0) {
            assert_int_equal(c.op, good[i].op);
            assert_true(c.value == good[i].value);
            assert_string_equal(c.word, good[i].word);
            if (c.metric < 6 || c.metric > 8)
                assert_true(c.rule.scoped);
            else
                assert_int_equal(c.peer.family, AF_INET6);
        }
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(lab_check_parse(bad[i].rule, &c, &err), -EINVAL);
        if (strstr(err.msg, bad[i].want) == NULL)
            fail_msg("%s: \"%s\", want \"%s\"", bad[i].rule, err.msg,
                     bad[i].want);
    }
    ls = parse("# --- stage: One\n"
               "join ff15::1234 dev lab0\n"
               "# check: ff15::1234:packets>=1\n"
               "  # check:   ff15::1234:mode=asm  \n"
               "# --- stage: Two\n"
               "wait 1\n"
               "# --- stage: Three\n"
               "# check: sources>=1\n",
               &s);
    assert_non_null(ls);
    assert_int_equal(ls->stage[0].nchecks, 2);
    assert_int_equal(ls->stage[1].nchecks, 0);
    assert_int_equal(ls->stage[2].nchecks, 1);
    lesson_free(ls);
    expect_problem("# check: packets>=1\n# --- stage: One\n",
                   "t.mcs:1: '# check: packets>=1' before the first '# --- "
                   "stage: TITLE' line");
    expect_problem("# --- stage: One\n# check: ff15::1:mode=maybe\n",
                   "t.mcs:2: check 'ff15::1:mode=maybe': mode takes =");
}

/* A teacher's lesson in $MCSCOPE_LESSONS joins the catalogue (the TUI's
 * list) after the shipped ones, its title as its summary; a shipped name
 * there is not listed twice.  (The catalogue reads the folder once: this
 * is the only test here that asks it.) */
static void teacher_lessons(void **state)
{
    char dir[] = "/tmp/mcs-teach-XXXXXX", path[64];
    size_t shipped_n = 0;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/mine.mcs", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("# title: My own lesson\n# --- stage: one\nwait 1\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/tour.mcs", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("# --- stage: one\nwait 1\n", f);
    fclose(f);
    setenv("MCSCOPE_LESSONS", dir, 1);
    while (lab_lesson_name(shipped_n) != NULL)
        shipped_n++;
    assert_int_equal(catalog_count(), shipped_n + 1);
    assert_string_equal(catalog_name(shipped_n), "mine");
    assert_non_null(strstr(catalog_summary(shipped_n), "My own lesson"));
    assert_null(catalog_name(shipped_n + 1));
    unlink(path);
    snprintf(path, sizeof path, "%s/mine.mcs", dir);
    unlink(path);
    rmdir(dir);
    unsetenv("MCSCOPE_LESSONS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stages),          cmocka_unit_test(header),
        cmocka_unit_test(actions),         cmocka_unit_test(bad_lessons),
        cmocka_unit_test(too_many_stages), cmocka_unit_test(refused_commands),
        cmocka_unit_test(shipped_lessons), cmocka_unit_test(missing_file),
        cmocka_unit_test(lesson_texts),    cmocka_unit_test(checks),
        cmocka_unit_test(teacher_lessons),
    };

    return cmocka_run_group_tests_name("lesson", tests, NULL, NULL);
}
