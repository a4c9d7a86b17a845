/*
 * mcscope core, private: what the sender (send.c) uses of send_sap.c, its
 * SAP announcements.  Not installed.
 */
#ifndef MCSCOPE_SEND_PRIV_H
#define MCSCOPE_SEND_PRIV_H

#include <stdint.h>

#include "mcscope/err.h"
#include "mcscope/send.h"

struct mc__sap_ann;

/* The announcer of a's stream, out of ifindex (0: the route's). */
int mc__sap_ann_new(const struct mc_send_args *a, unsigned ifindex,
                    int64_t now_ns, struct mc__sap_ann **out,
                    struct mc_err *err);
/* Announce when due (NULL: nothing). */
void mc__sap_ann_run(struct mc__sap_ann *s, int64_t now_ns);
int64_t mc__sap_ann_next_ns(const struct mc__sap_ann *s);
/* The deletion (once). */
void mc__sap_ann_end(struct mc__sap_ann *s);
void mc__sap_ann_free(struct mc__sap_ann *s);

#endif
