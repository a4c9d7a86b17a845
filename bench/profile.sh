#!/usr/bin/env bash
# Where a received packet's time goes: mcscope next to a plain recvmmsg
# loop on the same packets, profiled with perf (issue 17, "find where the
# time goes").  In the namespace lab of bench/lib.sh, each receiver in
# turn joins GROUP; S1 sends BURSTS bursts of BURST 64-byte datagrams
# while the receiver is stopped (SIGSTOP), then the receiver drains its
# queue under `perf record` — every receiver gets the same packets, so
# the sample counts compare per-packet costs.  Prints, per receiver, the
# samples and their ratio to the loop's, then the symbols where mcscope
# spends more than the loop, grouped: the kernel building control
# messages, mcscope's own code, task switches, the rest.
#
#   sudo bench/profile.sh           (BURSTS=12 BURST=8000 RECEIVERS=...)
#
# Root only (namespaces, perf -p); never touches a host interface.
set -euo pipefail
BENCH=profile GROUP=239.1.1.3 GROUP_HEX=030101EF PORT=5003 PORT_HEX=138B
BUILD_DIR=${BUILD_DIR:-/tmp/build-bench}
BURSTS=${BURSTS:-12} BURST=${BURST:-8000}
read -r -a RECEIVERS <<<"${RECEIVERS:-mmsg mcscope mclean}"
. "$(dirname "$0")/lib.sh"
require_root
command -v perf >/dev/null || die "perf is missing (apt-get install linux-perf)"
build
WORK=$(mktemp -d)
trap cleanup EXIT INT TERM
make_lab

# perf's samples per symbol of one receiver: "COUNT SYMBOL" lines.
profile() {
    local rcv=$1 ps r i
    start_receiver "$rcv"
    perf record -q -F 20000 -p "$RX_PID" -o "$WORK/$rcv.data" \
        >/dev/null 2>&1 &
    ps=$!
    sleep 0.3
    for ((r = 0; r < BURSTS; r++)); do
        kill -STOP "$RX_PID"
        ip netns exec "$NS_S1" "$MCSCOPE" --batch 0.3 -e \
            "send $GROUP dev lab0 port $PORT rate 100000 count $BURST size 64" \
            >/dev/null
        sleep 0.05
        kill -CONT "$RX_PID"
        for ((i = 0; i < 400; i++)); do
            [[ $(rx_queue "$RX_PID") -eq 0 ]] && break
            sleep 0.005
        done
    done
    kill -INT "$ps"
    wait "$ps" || true
    echo "  $rcv: received $(stop_receiver "$rcv") of $((BURSTS * BURST))" >&2
    perf report -i "$WORK/$rcv.data" --stdio --no-children -g none \
        --sort symbol --show-nr-samples 2>/dev/null |
        awk '/^ *[0-9.]+%/ { for (i = 3; i < NF; i++)
             if ($i == "[k]" || $i == "[.]") { print $2, $(i + 1); break } }' \
            >"$WORK/$rcv.syms"
}

total() { awk '{ t += $1 } END { print t + 0 }' "$WORK/$1.syms"; }

echo "== profile: $BURSTS bursts of $BURST datagrams of 64 bytes, drained" \
    "under perf record -F 20000"
for rcv in "${RECEIVERS[@]}"; do profile "$rcv"; done
base=$(total mmsg)
printf '%-10s %8s %s\n' receiver samples "ratio to the recvmmsg loop"
for rcv in "${RECEIVERS[@]}"; do
    printf '%-10s %8d %s\n' "$rcv" "$(total "$rcv")" \
        "$(div "$(total "$rcv")" "$base")"
done

# mcscope's samples less the loop's, per symbol, grouped.
echo "-- where mcscope spends more than the loop (samples; share of the" \
    "difference)"
awk 'NR == FNR { loop[$2] = $1; next }
     { d = $1 - loop[$2]; if (d <= 0) next
       if ($2 ~ /cmsg|recv_timestamp|check_object_size|check_stack_object|check_heap_object|put_user/)
           g = "kernel: control messages and their copy checks"
       else if ($2 ~ /^(mc_|mc__)|constprop|probe_|source_get|count_rx|memcmp/)
           g = "mcscope: its own code per packet"
       else if ($2 ~ /write_msr|task_switch|schedule|x2apic/)
           g = "task switches (waking up for a burst, ticks)"
       else g = "other kernel paths"
       s[g] += d; t += d }
     END { for (g in s) printf "  %6d  %4.0f%%  %s\n", s[g], 100 * s[g] / t, g }' \
    "$WORK/mmsg.syms" "$WORK/mcscope.syms" | sort -rn
echo "-- the top symbols of mcscope's profile"
sort -rn "$WORK/mcscope.syms" | head -15 | sed 's/^/  /'
