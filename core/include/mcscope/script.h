/*
 * mcscope core: the script runner — -e commands and -f files, run in time.
 *
 * Lines run in order on a monitor; "wait S" makes the script due again at
 * now + S.  It never sleeps: the event loop calls mc_script_step when
 * mc_script_next_ns says, so batch mode and the TUI run scripts the same
 * way, with packets flowing during the waits.
 *
 * A host program may claim lines of its own (directives): every line that
 * starts, after blanks, with a prefix it registered with
 * mc_script_add_directive is handed to its callback at that line's time
 * instead of being run as a command.
 */
#ifndef MCSCOPE_CORE_SCRIPT_H
#define MCSCOPE_CORE_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/err.h"

struct mc_monitor;
struct mc_script; /* opaque */

struct mc_script *mc_script_new(void); /* NULL when out of memory */
void mc_script_free(struct mc_script *s);

/*
 * Add a line (copied).  origin names where it came from for messages
 * ("-e 2", "demo.mcs:9").
 */
int mc_script_add(struct mc_script *s, const char *line, const char *origin);
/* Add every line of a file (origin "PATH:LINE").  -errno and a text when
 * the file cannot be read. */
int mc_script_load(struct mc_script *s, const char *path, struct mc_err *err);

size_t mc_script_nlines(const struct mc_script *s);
const char *mc_script_line(const struct mc_script *s, size_t i);
const char *mc_script_origin(const struct mc_script *s, size_t i);

/*
 * Parse every line without running any (mc_cmd_parse).  Returns the
 * number refused; for each of them, fn (may be NULL) is called with the
 * line's index and the parser's text.  Directive lines are the host's:
 * never refused here.
 */
typedef void (*mc_script_refusal_fn)(void *arg, size_t index,
                                     const struct mc_err *why);
size_t mc_script_check(const struct mc_script *s, mc_script_refusal_fn fn,
                       void *arg);

/* ---- directives: lines a host program runs itself ---- */

/*
 * Called by mc_script_step for a directive line, at its time: line is the
 * whole line, rest what follows the prefix (blanks skipped), index the
 * line's index.  Returns MC_SCRIPT_GO to run on, MC_SCRIPT_HOLD to stop
 * the script after this line until mc_script_resume, or a negative value
 * to count the line as failed (and run on).
 */
enum { MC_SCRIPT_GO = 0, MC_SCRIPT_HOLD = 1 };
typedef int (*mc_script_directive_fn)(void *arg, const char *line,
                                      const char *rest, size_t index);
/*
 * Lines starting (after blanks) with prefix (copied; e.g. "# lab:") go to
 * fn(arg, ...).  Several prefixes may be registered; the first that
 * matches wins.  0, or -ENOMEM, or -EINVAL for an empty prefix.
 */
int mc_script_add_directive(struct mc_script *s, const char *prefix,
                            mc_script_directive_fn fn, void *arg);
/* Let a held script run on: due again at now_ns. */
void mc_script_resume(struct mc_script *s, int64_t now_ns);
bool mc_script_held(const struct mc_script *s);
/* Run on from line pos (clamped to the end), due at now_ns, not held:
 * the lab's restart and previous stage run a lesson again. */
void mc_script_rewind(struct mc_script *s, size_t pos, int64_t now_ns);
/* Keep the first n lines only (the lab's lesson list: another lesson
 * after the lab's own lines); the position stays within them. */
void mc_script_truncate(struct mc_script *s, size_t n);

/* ---- running ---- */

/*
 * Run the lines due at now_ns on m, up to the next wait (or the end, or a
 * directive that holds).  Returns how many of them failed (refused or
 * errors; each is in m's event log; or a directive's negative result).
 * Does nothing before mc_script_next_ns.
 */
size_t mc_script_step(struct mc_script *s, struct mc_monitor *m,
                      int64_t now_ns);
/* When the script is due next; INT64_MAX when it has run to the end or is
 * held. */
int64_t mc_script_next_ns(const struct mc_script *s);
bool mc_script_done(const struct mc_script *s);
/* Lines run so far. */
size_t mc_script_position(const struct mc_script *s);

#endif
