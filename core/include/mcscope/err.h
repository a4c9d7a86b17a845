/*
 * mcscope core: errors.
 *
 * Every core function that can fail returns 0 (or a count) on success and a
 * negative errno on failure.  When the caller passes a struct mc_err, the
 * function also fills a one-line text that names the cause and the fix in
 * multicast terms ("239.1.2.3 on lab0 is already joined: leave it first").
 * The core never prints: the text is for the caller to show.
 */
#ifndef MCSCOPE_ERR_H
#define MCSCOPE_ERR_H

#include <stddef.h>

#define MC_ERR_MSG_MAX 384

struct mc_err {
    int code;                 /* negative errno, 0 when no error */
    char msg[MC_ERR_MSG_MAX]; /* cause and fix, no trailing newline */
};

/* Clear an error (code 0, empty text).  NULL is allowed. */
void mc_err_clear(struct mc_err *err);

/*
 * Record an error: code is a negative errno.  Returns code so callers can
 * write `return mc_err_set(err, -EINVAL, "...")`.  err may be NULL.
 */
int mc_err_set(struct mc_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A short text for a negative (or positive) errno, like strerror. */
const char *mc_strerror(int code);

/*
 * Copy n bytes of user text for a message into out (at least max + 4
 * bytes): bytes that are not printable ASCII become '?', so a message never
 * carries control characters to a terminal, and text longer than max is
 * cut and ends in "...".  Returns out.
 */
const char *mc_err_quote(const char *text, size_t n, size_t max, char *out);

/* The symbolic name of an errno ("EADDRINUSE"); "E?" when unknown. */
const char *mc_errno_name(int code);

#endif
