/*
 * mcscope: the lab's network for scripts (mcscope --lab-net), so that the
 * shell tests and the benchmarks build the very topology of the lab
 * (net.h) rather than a copy of it:
 *
 *   mcscope --lab-net up --owner PID [--prefix P]
 *                        [--topology bridge|dual|routed|snooping]
 *                        [--fault NAME]...
 *       sweep stale labs of prefix P (default mcslab), build the lab
 *       (topo.h) in named namespaces P<PID>-SW, -S1, -S2, -RX (and -RT in
 *       the routed lab), switch its faults on (fault.h) and leave it
 *       standing; print one "HOST NAMESPACE" line per host on stdout, and
 *       in the routed lab "router nft" or "router smcroute" (router.h).
 *       PID is the
 *       caller's (a script's $$): once that process is gone the lab
 *       counts as stale, and the next sweep removes it (a killed run
 *       leaves nothing for long).
 *       --fault NAME switches one of the lab's faults on (fault.h) once
 *       it is built: those of the network alone (rp-filter, report-drop,
 *       no-querier, multicast-off, mldv1, port-drop; the others change
 *       the lab's programs, which --lab-net does not run).  To switch
 *       one off, take the lab down and up again.
 *   mcscope --lab-net down --owner PID [--prefix P]
 *       kill what runs inside P<PID>-* and remove them.
 *   mcscope --lab-net sweep [--prefix P]
 *       remove the labs of prefix P whose PID is gone.
 *
 * Root only (named namespaces).  Exit status 0; 2 bad usage; 1 a failure
 * (stderr says what).
 */
#ifndef MCSCOPE_LAB_NETCLI_H
#define MCSCOPE_LAB_NETCLI_H

/* argv[0] is "--lab-net"; returns the exit status. */
int labnet_cli(int argc, char **argv);

#endif
