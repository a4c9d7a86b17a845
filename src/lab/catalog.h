/*
 * mcscope: the lesson catalogue — which lessons there are, and where
 * their files are: NAME.mcs in $MCSCOPE_LESSONS, then (relative to the
 * program) ../share/mcscope/lessons, assets/lessons, ../assets/lessons,
 * ../../assets/lessons, and MCSCOPE_LESSON_DIR when the build defines it.
 * --lesson also takes a path to a .mcs file.
 */
#ifndef MCSCOPE_LAB_CATALOG_H
#define MCSCOPE_LAB_CATALOG_H

#include <stddef.h>
#include <stdio.h>

#include "lesson.h"

/* The lessons, one "  NAME  summary" line each, for --help. */
void lab_lessons_usage(FILE *out);
/* The name of lesson i (help order), NULL past the end. */
const char *lab_lesson_name(size_t i);

/* The catalogue's lessons: how many, and entry i's name and summary
 * (NULL past the end): the TUI's lesson list.  After the shipped ones
 * come a teacher's: every other NAME.mcs in $MCSCOPE_LESSONS (at most
 * 32, by name), its summary the file's "# title:". */
size_t catalog_count(void);
const char *catalog_name(size_t i);
const char *catalog_summary(size_t i);

/*
 * The lesson arg (a NAME of the catalogue or a path to a .mcs file), read
 * and parsed; exe is this program's path (its lesson folders).  NULL when
 * there is none or it is not a good lesson: an unknown name or a missing
 * file is said on stderr, the parser's complaints go to c.
 */
struct lesson *catalog_open(const char *arg, const char *exe,
                            const struct lesson_complaints *c);

#endif
