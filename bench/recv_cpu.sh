#!/usr/bin/env bash
# bench/recv_cpu.sh: CPU per received packet of mcscope's receive path,
# against iperf2's UDP multicast server and a plain recvfrom() loop
# (bench/bench_recv_baseline.c), at the same offered load, in a private
# namespace lab.  Root only; never touches a host interface.
#
#   sudo bench/recv_cpu.sh            # about 2 minutes (3 rates x 3 runs)
#
# What it does, for each offered rate and each repetition, one receiver at
# a time in namespace RX (the order rotates from one repetition to the
# next), with the same sender in namespace S1:
#   - the receiver's CPU time (all threads, exact to the ns: the kernel's
#     process CPU clock) is read before the sender starts and after the
#     last packet had 0.3 s to be read;
#   - "sent" is the sender namespace's Udp OutDatagrams delta, "received"
#     the receiver namespace's Udp InDatagrams delta (counted when the
#     application reads a datagram), so all three receivers are counted
#     the same way; mcscope's and the baseline's own counts are checked
#     against it;
#   - CPU us/packet = CPU time / received.
# Each figure is the median of REPS runs; the ratios are medians of the
# per-repetition ratios (the receivers of one repetition ran back to back),
# because absolute times drift by +-25 % on a shared machine.
#
# Then real streams at STREAM_RATE: mcscope's sender with payload rtp
# (RTP carrying 7 TS packets, 1328 bytes) and payload mpegts (7 TS
# packets, 1316 bytes), so mcscope's receiver runs its RTP and MPEG-TS
# analysis on every packet (the others read the same datagrams).
#
# Then the same at one rate with iperf2's client as the sender: it paces
# packet by packet, where mcscope's sender sends a burst every 1 ms.  And
# the drain capacity: the receiver is stopped (SIGSTOP), DRAIN_PACKETS are
# queued, it is continued, and the CPU it takes to empty the queue is
# measured.
#
# Settings (environment): RATES ("20000 50000 100000"), RUN_S (2), REPS (3),
# STREAM_RATE (20000; empty skips the RTP and MPEG-TS blocks),
# PACED_RATE (50000; empty skips), DRAIN_PACKETS (8000; 0 skips),
# BUILD_DIR (/tmp/build-bench: configured and built here, RelWithDebInfo),
# BEFORE (the path of another mcscope binary, e.g. a build of the previous
# commit: it runs as a fourth receiver, "before", with the same command
# line, and the ratio mcscope/before shows a change of the receive path in
# the same run).
set -euo pipefail

RATES=${RATES:-"20000 50000 100000"}
RUN_S=${RUN_S:-2}
REPS=${REPS:-3}
PACED_RATE=${PACED_RATE-50000}
STREAM_RATE=${STREAM_RATE-20000}
DRAIN_PACKETS=${DRAIN_PACKETS:-8000}
BUILD_DIR=${BUILD_DIR:-/tmp/build-bench}

GROUP=239.1.1.1
GROUP_HEX=010101EF # as /proc/net/igmp prints it (little-endian)
PORT=5001
PORT_HEX=1389
SIZE=64
BEFORE=${BEFORE:-}
RECEIVERS=(mcscope iperf2 baseline)
[[ -n $BEFORE ]] && RECEIVERS+=(before)

BENCH=recv_cpu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

run_sender() {
    local rate=$2 what="size $SIZE"
    case $1 in
    mcscope | rtp | mpegts)
        [[ $1 != mcscope ]] && what="payload $1"
        ip netns exec "$NS_S1" "$MCSCOPE" --batch "$((RUN_S + 1))" \
            -e "send $GROUP dev lab0 port $PORT rate $rate count $((rate * RUN_S)) $what" \
            >/dev/null
        ;;
    iperf2)
        ip netns exec "$NS_S1" iperf -c "$GROUP%lab0" -p "$PORT" -u \
            -b "${rate}pps" -l "$SIZE" -t "$RUN_S" -T 1 >/dev/null
        ;;
    esac
}

# One streaming run: receiver $1, sender $2, rate $3.  Prints
# "sent received rcvbuf_errors cpu_ns own_count".
measure_stream() {
    local rcv=$1 snd=$2 rate=$3 c0 c1 o0 o1 in0 in1 e0 e1 own
    start_receiver "$rcv"
    read -r in0 e0 < <(udp_in "$RX_PID")
    o0=$(udp_out_s1)
    c0=$(cpu_ns "$RX_PID")
    run_sender "$snd" "$rate"
    sleep 0.3 # the last packets get read
    c1=$(cpu_ns "$RX_PID")
    read -r in1 e1 < <(udp_in "$RX_PID")
    o1=$(udp_out_s1)
    own=$(stop_receiver "$rcv")
    echo "$((o1 - o0)) $((in1 - in0)) $((e1 - e0)) $((c1 - c0)) $own"
}

# One drain run for receiver $1: stop it, queue DRAIN_PACKETS, continue
# it, measure the CPU it takes to read the queue empty.  Prints
# "queued drained cpu_ns".
measure_drain() {
    local rcv=$1 c0 c1 in0 in1 e0 e1 o0 o1 i
    start_receiver "$rcv"
    kill -STOP "$RX_PID"
    read -r in0 e0 < <(udp_in "$RX_PID")
    o0=$(udp_out_s1)
    ip netns exec "$NS_S1" "$MCSCOPE" --batch 0.5 \
        -e "send $GROUP dev lab0 port $PORT rate 100000 count $DRAIN_PACKETS size $SIZE" \
        >/dev/null
    sleep 0.05
    o1=$(udp_out_s1)
    read -r _ e1 < <(udp_in "$RX_PID")
    c0=$(cpu_ns "$RX_PID")
    kill -CONT "$RX_PID"
    for ((i = 0; i < 400; i++)); do
        [[ $(rx_queue "$RX_PID") -eq 0 ]] && break
        sleep 0.005
    done
    sleep 0.02
    c1=$(cpu_ns "$RX_PID")
    read -r in1 _ < <(udp_in "$RX_PID")
    stop_receiver "$rcv" >/dev/null
    echo "$((o1 - o0 - (e1 - e0))) $((in1 - in0)) $((c1 - c0))"
}

# Receivers in the order for repetition $1 (rotated each time).
order() {
    local r=$1 k n=${#RECEIVERS[@]}
    for ((k = 0; k < n; k++)); do
        printf '%s ' "${RECEIVERS[$(((k + r) % n))]}"
    done
}

# All repetitions of receivers x one rate with sender $1; prints a block
# of the table.
stream_block() {
    local snd=$1 rate=$2 r rcv line sent got drops cpu own upp
    declare -A S=() G=() L=() U=()
    declare -A lost_sum=() drops_sum=()
    local -a rm_i=() rm_b=() rm_p=()
    for ((r = 0; r < REPS; r++)); do
        for rcv in $(order "$r"); do
            line=$(measure_stream "$rcv" "$snd" "$rate")
            read -r sent got drops cpu own <<<"$line"
            upp=$(awk -v c="$cpu" -v n="$got" \
                'BEGIN { printf "%.3f\n", n ? c / n / 1000 : 0 }')
            printf '  run: %-7s %6s/s  %-8s sent %7d  received %7d  ' \
                "$snd" "$rate" "$rcv" "$sent" "$got" >&2
            printf 'rcvbuf drops %5d  cpu %7.1f ms  %s us/pkt  own count %s\n' \
                "$drops" "$(div "$cpu" 1000000)" "$upp" "$own" >&2
            if [[ $own != - && $own != "$got" ]]; then
                echo "  WARNING: $rcv counted $own packets, the kernel $got" >&2
            fi
            S[$rcv]+="$sent " G[$rcv]+="$got " U[$rcv.$r]=$upp
            L[$rcv]+="$((sent - got)) "
            lost_sum[$rcv]=$((${lost_sum[$rcv]:-0} + sent - got))
            drops_sum[$rcv]=$((${drops_sum[$rcv]:-0} + drops))
        done
        rm_i+=("$(div "${U[mcscope.$r]}" "${U[iperf2.$r]}")")
        rm_b+=("$(div "${U[mcscope.$r]}" "${U[baseline.$r]}")")
        [[ -n $BEFORE ]] && rm_p+=("$(div "${U[mcscope.$r]}" "${U[before.$r]}")")
    done
    for rcv in "${RECEIVERS[@]}"; do
        local us=()
        for ((r = 0; r < REPS; r++)); do us+=("${U[$rcv.$r]}"); done
        # shellcheck disable=SC2086
        printf '%9s  %-8s %9s %9s %6s %6s  %8s\n' "$rate/s" "$rcv" \
            "$(median ${S[$rcv]})" "$(median ${G[$rcv]})" \
            "${lost_sum[$rcv]}" "${drops_sum[$rcv]}" "$(median "${us[@]}")"
    done
    printf '%9s  ratios (CPU/pkt):  mcscope/iperf2 %s   mcscope/baseline %s%s\n' \
        "" "$(median "${rm_i[@]}")" "$(median "${rm_b[@]}")" "$(before_ratio)"
}

# "   mcscope/before R" when BEFORE runs (reads the caller's rm_p).
before_ratio() {
    [[ -n $BEFORE ]] && printf '   mcscope/before %s' "$(median "${rm_p[@]}")"
    return 0
}

stream_header() {
    printf '%9s  %-8s %9s %9s %6s %6s  %8s\n' offered receiver sent \
        received lost drops "us/pkt"
}

drain_block() {
    local r rcv q d c
    declare -A U=() Q=()
    local -a rm_i=() rm_b=() rm_p=()
    for ((r = 0; r < REPS; r++)); do
        for rcv in $(order "$r"); do
            read -r q d c < <(measure_drain "$rcv")
            U[$rcv.$r]=$(awk -v c="$c" -v n="$d" \
                'BEGIN { printf "%.3f\n", n ? c / n / 1000 : 0 }')
            Q[$rcv]+="$d "
            printf '  drain: %-8s queued %5d  read %5d  cpu %6.2f ms  %s us/pkt\n' \
                "$rcv" "$q" "$d" "$(div "$c" 1000000)" "${U[$rcv.$r]}" >&2
        done
        rm_i+=("$(div "${U[mcscope.$r]}" "${U[iperf2.$r]}")")
        rm_b+=("$(div "${U[mcscope.$r]}" "${U[baseline.$r]}")")
        [[ -n $BEFORE ]] && rm_p+=("$(div "${U[mcscope.$r]}" "${U[before.$r]}")")
    done
    printf '%-8s %8s %8s %12s\n' receiver read "us/pkt" "pkts/CPU-s"
    for rcv in "${RECEIVERS[@]}"; do
        local us=() m
        for ((r = 0; r < REPS; r++)); do us+=("${U[$rcv.$r]}"); done
        m=$(median "${us[@]}")
        # shellcheck disable=SC2086
        printf '%-8s %8s %8s %12s\n' "$rcv" "$(median ${Q[$rcv]})" "$m" \
            "$(awk -v u="$m" 'BEGIN { printf "%.0f", (u > 0 ? 1e6 / u : 0) }')"
    done
    printf 'ratios (CPU/pkt): mcscope/iperf2 %s   mcscope/baseline %s%s\n' \
        "$(median "${rm_i[@]}")" "$(median "${rm_b[@]}")" "$(before_ratio)"
}

main() {
    local rate t0
    require_root
    build
    require_iperf
    t0=$SECONDS
    WORK=$(mktemp -d /tmp/recv_cpu.XXXXXX)
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    make_lab

    echo "== recv_cpu: CPU per received packet, $SIZE-byte payload, $GROUP" \
        "port $PORT, $RUN_S s per run, median of $REPS runs"
    echo "   kernel $(uname -r), $(nproc) CPUs; receivers: mcscope --batch" \
        "(recvmmsg, 1 ms holdoff), iperf2 -s -u, baseline (recvfrom loop)"
    echo "   lost = sent - received, summed over the runs; drops = the" \
        "receiver's socket buffer overflows (RcvbufErrors), summed"
    echo
    echo "-- sender: mcscope send (sendmmsg, a burst every 1 ms)"
    stream_header
    for rate in $RATES; do
        stream_block mcscope "$rate"
    done
    if [[ -n $STREAM_RATE ]]; then
        echo
        echo "-- sender: mcscope send payload rtp (RTP, PT 33, 7 TS packets:" \
            "1328 bytes) and payload mpegts (7 TS packets: 1316 bytes);" \
            "mcscope analyses RTP and MPEG-TS"
        stream_header
        stream_block rtp "$STREAM_RATE"
        stream_block mpegts "$STREAM_RATE"
    fi
    if [[ -n $PACED_RATE ]]; then
        echo
        echo "-- sender: iperf2 -c (paced packet by packet; mcscope sees" \
            "non-probe traffic, iperf2 its own)"
        stream_header
        stream_block iperf2 "$PACED_RATE"
    fi
    if [[ $DRAIN_PACKETS -gt 0 ]]; then
        echo
        echo "-- drain: receiver stopped, $DRAIN_PACKETS packets queued," \
            "then CPU to read the queue empty"
        drain_block
    fi
    echo
    echo "   ($((SECONDS - t0)) s)"
}

main "$@"
