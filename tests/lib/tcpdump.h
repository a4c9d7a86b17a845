/*
 * Test helper: tcpdump in a lab namespace, writing the frames of lab0 to
 * a file (-U --immediate-mode: every frame is in the file when it stops).
 */
#ifndef MCSCOPE_TEST_TCPDUMP_H
#define MCSCOPE_TEST_TCPDUMP_H

#include <stdbool.h>
#include <sys/types.h>

struct tcpdump {
    pid_t pid;
    int err_fd; /* its stderr */
};

/* Start tcpdump -i lab0 in namespace ns: dir "in" or "out" (-Q), filter a
 * pcap-filter(7) expression or NULL (every frame).  Returns once it
 * captures (it said "listening on"), false when it did not start within
 * 5 s (why on stderr). */
bool tcpdump_start(struct tcpdump *t, const char *ns, const char *dir,
                   const char *filter, const char *file);
/* Stop it (SIGINT: it flushes and closes the file) and reap it. */
void tcpdump_stop(struct tcpdump *t);

#endif
