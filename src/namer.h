/*
 * mcscope: the socket namer — a helper process, forked before the
 * capabilities are dropped, that keeps only CAP_SYS_PTRACE and
 * CAP_DAC_READ_SEARCH to read other processes' /proc/PID/fd links, and
 * answers one question: which process holds socket inode N (apps.h).
 * mcscope itself keeps CAP_NET_RAW and CAP_NET_ADMIN only.
 */
#ifndef MCSCOPE_NAMER_H
#define MCSCOPE_NAMER_H

/* Start the helper and install it as apps.h's namer (nothing when it
 * cannot start: the walk in this process names what it may). */
void namer_start(void);
/* Stop it (the helper also ends with mcscope: PR_SET_PDEATHSIG). */
void namer_stop(void);

#endif
