#!/usr/bin/env bash
# bench/ceiling.sh: the lossless ceiling — the highest offered rate of
# 64-byte UDP datagrams from one source that a receiver takes for RUN_S
# seconds with nothing lost, on one core — of mcscope next to a plain
# recvmmsg loop (bench/bench_recv_baseline.c mrecv) and iperf2's server,
# found by a rate sweep in the same run, in a private namespace lab (S1
# sends, RX receives, a bridge between; bench/lib.sh).  Root only; never
# touches a host interface.
#
#   sudo bench/ceiling.sh        # a few minutes
#
# Each run: one receiver in RX pinned to CPU RX_CPU (taskset), the sender
# (mcscope send: sendmmsg, a burst every 1 ms, rate x RUN_S datagrams)
# pinned to TX_CPU.  A run is lossless when
#   - the sender kept the pace (all sent within RUN_S + 1 s),
#   - the RX namespace's UDP InDatagrams rose by what S1's OutDatagrams
#     did (the kernel counts both: nothing lost on the way or in the
#     socket), and its RcvbufErrors (socket queue overflows, which
#     SO_RXQ_OVFL reports to mcscope) did not rise, and
#   - the receiver's own count (mcscope's JSON report, the loop's) is
#     the same (iperf2 has no count that means anything for these
#     datagrams).
# A rate is passed when one of TRIES runs is lossless (the machine is
# shared: a neighbour's burst can cost a run).  The sweep starts at START
# and multiplies by STEP while every receiver still passes some rate, then
# halves the step between each receiver's last pass and first failure
# BISECT times.  The figures: each receiver's ceiling and the ratios to
# the recvmmsg loop's.  The goal for mcscope: at least 0.9 x the loop.
#
# One core's share: the sender's core also carries the whole kernel path
# (veth, bridge, UDP delivery run in its softirq), so on a small machine
# it tops out far below what a whole core of receiver can read.  So every
# receiver runs in a CPU cgroup of its own limited to CPU_SHARE percent of
# one core (cfs quota: CPU_SHARE x 200 us every 20 ms); the ceilings then
# scale down by that share and stay within the sender's reach, and the
# ratios between receivers are what the share does not change.
# CPU_SHARE=100 measures whole cores (a machine with cores to spare).
#
# Settings (environment): RUN_S (5), START (20000), STEP (1.25), MAX
# (3000000), BISECT (3), TRIES (2), RX_CPU (1), TX_CPU (0), CPU_SHARE
# (5), RECEIVERS
# ("mcscope mclean mmsg iperf2"; mclean: mcscope with `cmsg ttl off` and
# `cmsg tos off`, what the kernel writes per packet for the HL and TC
# columns left out), MCSCOPE_EXEC (commands mcscope runs first,
# separated by ';', e.g. "cmsg tclass off;cmsg hoplimit off"), BUILD_DIR
# (/tmp/build-bench).
set -euo pipefail

RUN_S=${RUN_S:-5}
START=${START:-20000}
STEP=${STEP:-1.25}
MAX=${MAX:-3000000}
BISECT=${BISECT:-3}
TRIES=${TRIES:-2}
RX_CPU=${RX_CPU:-1}
TX_CPU=${TX_CPU:-0}
CPU_SHARE=${CPU_SHARE:-5}
CG=""
BUILD_DIR=${BUILD_DIR:-/tmp/build-bench}
read -r -a RECEIVERS <<<"${RECEIVERS:-mcscope mclean mmsg iperf2}"

GROUP=239.1.1.2
GROUP_HEX=020101EF # as /proc/net/igmp prints it (little-endian)
PORT=5002
PORT_HEX=138A
SIZE=64
BENCH=ceiling
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# Send rate x RUN_S datagrams from S1 (mcscope's batch ends a second
# after the last should have gone: a sender that fell behind sends less).
send_run() {
    ip netns exec "$NS_S1" taskset -c "$TX_CPU" "$MCSCOPE" \
        --batch "$((RUN_S + 1))" -e "send $GROUP dev lab0 port $PORT rate \
$1 count $(($1 * RUN_S)) size $SIZE" >/dev/null 2>&1 || true
}

# One run of receiver $1 at rate $2.  Prints "verdict sent got drops own"
# (verdict: ok, lost, or slow: the sender did not keep the pace).
one_run() {
    local rcv=$1 rate=$2 in0 e0 in1 e1 o0 o1 own i verdict=ok
    start_receiver "$rcv"
    read -r in0 e0 < <(udp_in "$RX_PID")
    o0=$(udp_out_s1)
    send_run "$rate"
    for ((i = 0; i < 100; i++)); do # the queue read empty (2 s at most)
        [[ $(rx_queue "$RX_PID") -eq 0 ]] && break
        sleep 0.02
    done
    sleep 0.1
    read -r in1 e1 < <(udp_in "$RX_PID")
    o1=$(udp_out_s1)
    own=$(stop_receiver "$rcv")
    local sent=$((o1 - o0)) got=$((in1 - in0)) drops=$((e1 - e0)) ovfl
    # mcscope's own drop count (SO_RXQ_OVFL) against the kernel's
    ovfl=$(sed -n 's/^  "socket_drops": \([0-9]*\).*/\1/p' "$WORK/rx.out")
    if [[ -n $ovfl && $ovfl != "$drops" ]]; then
        echo "  WARNING: $rcv counted $ovfl socket drops, the kernel $drops" >&2
    fi
    if [[ $sent -lt $((rate * RUN_S)) ]]; then
        verdict=slow
    elif [[ $got -ne $sent || $drops -ne 0 ]]; then
        verdict=lost
    elif [[ $own != - && $own != "$got" ]]; then
        verdict=lost
    fi
    echo "$verdict $sent $got $drops $own"
}

# Does receiver $1 pass rate $2 (one of TRIES runs lossless)?  0 yes,
# 1 no, 2 the sender could not keep the pace.
passes() {
    local rcv=$1 rate=$2 t line verdict sent got drops own
    for ((t = 0; t < TRIES; t++)); do
        line=$(one_run "$rcv" "$rate")
        read -r verdict sent got drops own <<<"$line"
        printf '  %-8s %8d/s  sent %9d  received %9d  rcvbuf drops %7d  own %9s  %s\n' \
            "$rcv" "$rate" "$sent" "$got" "$drops" "$own" "$verdict" >&2
        case $verdict in
        ok) return 0 ;;
        slow) return 2 ;;
        esac
    done
    return 1
}

# The receivers' CPU cgroup (cgroup v2 cpu.max, else v1's cfs quota).
make_cgroup() {
    local quota=$((CPU_SHARE * 200)) period=20000
    if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
        CG=/sys/fs/cgroup/mcbench-$$
        mkdir "$CG" || die "cannot make the cgroup $CG"
        echo "$quota $period" >"$CG/cpu.max" ||
            die "no cpu controller in $CG (cgroup.subtree_control)"
    elif [[ -d /sys/fs/cgroup/cpu ]]; then
        CG=/sys/fs/cgroup/cpu/mcbench-$$
        mkdir "$CG" || die "cannot make the cgroup $CG"
        echo "$period" >"$CG/cpu.cfs_period_us"
        echo "$quota" >"$CG/cpu.cfs_quota_us"
    else
        die "no CPU cgroup to limit the receivers with (CPU_SHARE=100 runs" \
            "without one)"
    fi
}

ceiling_cleanup() {
    cleanup
    [[ -n $CG ]] && rmdir "$CG" 2>/dev/null
    return 0
}

main() {
    local rate rcv t0 rc
    declare -A PASS=() FAIL=() SLOW=()
    require_root
    build
    require_iperf
    command -v taskset >/dev/null || die "taskset is missing (util-linux)"
    [[ $(nproc) -ge 2 ]] || RX_CPU=0 TX_CPU=0
    t0=$SECONDS
    WORK=$(mktemp -d /tmp/ceiling.XXXXXX)
    trap ceiling_cleanup EXIT
    RX_PREFIX=(taskset -c "$RX_CPU")
    if [[ $CPU_SHARE -lt 100 ]]; then
        make_cgroup
        # the receiver enters the cgroup, then becomes itself (exec)
        # shellcheck disable=SC2016 # $$ and $@ are the inner shell's
        RX_PREFIX+=(sh -c 'echo $$ >"$0" && exec "$@"' "$CG/cgroup.procs")
    fi
    trap 'exit 130' INT TERM
    make_lab

    echo "== ceiling: lossless rate, $SIZE-byte datagrams from one source," \
        "$RUN_S s a run, receiver on CPU $RX_CPU ($CPU_SHARE % of it), sender" \
        "on CPU $TX_CPU"
    echo "   kernel $(uname -r), $(nproc) CPUs; receivers: ${RECEIVERS[*]}" \
        "(mmsg: a plain recvmmsg loop, 64 a call)"
    # The sweep up: every receiver that has not failed runs at each rate.
    rate=$START
    while :; do
        local left=0
        for rcv in "${RECEIVERS[@]}"; do
            [[ -n ${FAIL[$rcv]:-} ]] && continue
            rc=0
            passes "$rcv" "$rate" || rc=$?
            case $rc in
            0) PASS[$rcv]=$rate left=1 ;;
            1) FAIL[$rcv]=$rate ;;
            2) SLOW[$rcv]=$rate FAIL[$rcv]=$rate ;;
            esac
        done
        [[ $left -eq 1 ]] || break
        rate=$(awk -v r="$rate" -v s="$STEP" 'BEGIN { printf "%d", r * s }')
        [[ $rate -le $MAX ]] || break
    done
    # Halve the step between each receiver's last pass and first failure.
    for rcv in "${RECEIVERS[@]}"; do
        local lo=${PASS[$rcv]:-0} hi=${FAIL[$rcv]:-0} k
        [[ $hi -gt 0 && -z ${SLOW[$rcv]:-} ]] || continue
        for ((k = 0; k < BISECT; k++)); do
            rate=$(((lo + hi) / 2))
            rc=0
            passes "$rcv" "$rate" || rc=$?
            case $rc in
            0) lo=$rate ;;
            1) hi=$rate ;;
            2) SLOW[$rcv]=$rate && break ;;
            esac
        done
        PASS[$rcv]=$lo FAIL[$rcv]=$hi
    done

    echo
    printf '%-9s %12s %12s  %s\n' receiver "ceiling/s" "failed at/s" \
        "ratio to mmsg"
    for rcv in "${RECEIVERS[@]}"; do
        local note=""
        [[ -n ${SLOW[$rcv]:-} ]] &&
            note="  (the sender could not keep ${SLOW[$rcv]}/s: the ceiling is at least this)"
        [[ -z ${FAIL[$rcv]:-} ]] && note="  (no loss up to MAX)"
        printf '%-9s %12s %12s  %s%s\n' "$rcv" "${PASS[$rcv]:-<$START}" \
            "${FAIL[$rcv]:--}" \
            "$(div "${PASS[$rcv]:-0}" "${PASS[mmsg]:-0}")" "$note"
    done
    if [[ -n ${PASS[mcscope]:-} && -n ${PASS[mmsg]:-} ]]; then
        local r
        r=$(div "${PASS[mcscope]}" "${PASS[mmsg]}")
        echo "goal: mcscope >= 0.9 x the recvmmsg loop: $r ($(awk -v r="$r" \
            'BEGIN { print (r ~ /^[0-9]/ && r >= 0.9 ? "met" : "NOT MET") }'))"
    fi
    echo "   ($((SECONDS - t0)) s)"
}

main "$@"
