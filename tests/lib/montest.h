/*
 * Test helper: monitors in the namespace lab (lab.h), driven the way the
 * program drives one — commands through mc_monitor_exec_line and one
 * poll() over every monitor's fds.
 *
 * A rig is three monitors: RX receives, S1 and S2 send (mcscope's own
 * `send`).  Each is made inside its host's namespace, so its sockets and
 * captures live there; commands run inside the host too (interface names
 * resolve there), while polling and dispatch need no namespace.
 *
 * The JSON helpers (tj_*) fail the current cmocka test with the object
 * printed when a key is missing or of another type.
 */
#ifndef MCSCOPE_TEST_MONTEST_H
#define MCSCOPE_TEST_MONTEST_H

#include <stdint.h>

#include <json-c/json.h>

#include "lab.h"
#include "mcscope/monitor.h"

enum { RX, S1, S2, NMON }; /* RX first: see rig_pump */
extern const char *const rig_host[NMON];

struct rig {
    struct lab *lab;
    struct mc_monitor *m[NMON];
    struct mc_addr a1, a2; /* S1's and S2's lab0 addresses */
    int family;
};

/* Make the three monitors (default options); fails the test on error. */
void rig_open(struct rig *r, struct lab *lab, int family);
void rig_close(struct rig *r);

/* Run a command in monitor i's namespace.  Returns its result. */
int rig_run(struct rig *r, int i, struct mc_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A command that must work. */
#define RIG_OK(r, i, ...)                                                      \
    do {                                                                       \
        struct mc_err e_;                                                      \
        if (rig_run(r, i, &e_, __VA_ARGS__) != 0)                              \
            fail_msg("%s: %s", rig_host[i], e_.msg);                           \
    } while (0)

typedef void (*rig_hook)(struct rig *r, void *arg);

/*
 * Poll all three monitors and dispatch until no sender runs and RX heard
 * nothing (socket or wire) for quiet_ms; hook (may be NULL) runs after
 * every pass.  Fails the test after 60 s of traffic.
 */
void rig_pump(struct rig *r, int quiet_ms, rig_hook hook, void *arg);
/* Poll and dispatch for ms milliseconds, whatever comes. */
void rig_pump_ms(struct rig *r, int ms);

/* The newest sender of monitor i (it must have no error). */
struct mc_sender_info rig_last_sender(struct rig *r, int i);
/* RX's record of group (text) and port: its index, and the view. */
size_t rig_group(struct rig *r, const char *group, uint16_t port,
                 struct mc_group_view *v);
/* What RX's socket delivered from src in group (q: its sequence
 * analysis, may be NULL). */
uint64_t rig_from(struct rig *r, const char *group, uint16_t port,
                  const struct mc_addr *src, struct mc_seq_stats *q);

/* RX's JSON report, made inside RX's namespace (it reads /proc/net). */
json_object *rig_report(struct rig *r);

/* ---- JSON ---- */

json_object *tj_key(json_object *o, const char *k, json_type type);
int64_t tj_int(json_object *o, const char *k);
const char *tj_str(json_object *o, const char *k);
/* Whether o has key k. */
bool tj_has(json_object *o, const char *k);
/* Parse text or fail the test. */
json_object *tj_parse(const char *text);
/* The element of the array arr whose member key is the string value;
 * NULL when none (or arr is NULL). */
json_object *tj_find(json_object *arr, const char *key, const char *value);
/* The same, failing the test when there is none. */
json_object *tj_need(json_object *arr, const char *key, const char *value);
/* The by_source entry of src in group (text) of a report. */
json_object *tj_source(json_object *root, const char *group,
                       const struct mc_addr *src);
/* The group entry of group (text) in a report. */
json_object *tj_group(json_object *root, const char *group);

#endif
