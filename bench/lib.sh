# Shared by the receive benchmarks (sourced by recv_cpu.sh, ceiling.sh):
# the namespace lab (mcscope --lab-net: S1 and RX on a bridge), building
# the binaries, the receivers (mcscope --batch, iperf2 -s -u, the
# baseline's recvfrom and recvmmsg loops) and the kernel's UDP counters.
# Root only; never touches a host interface.
#
# The caller sets BENCH (its name, for messages), BUILD_DIR, GROUP,
# GROUP_HEX, PORT, PORT_HEX, and may set RX_PREFIX (an array: words
# each receiver runs under, e.g. taskset -c 1) and MCSCOPE_EXEC
# (commands mcscope runs before its join, separated by ';').
# Namespace names carry our pid, so runs never collide.
[[ -v RX_PREFIX ]] || RX_PREFIX=()
P="mcb$$"
NS_S1="$P-S1" NS_RX="$P-RX"
WORK="" RX_PID="" MCSCOPE="" BASELINE=""

die() {
    echo "$BENCH.sh: $*" >&2
    exit 1
}

# ---- set-up and teardown ----

require_root() {
    if [[ $EUID -ne 0 ]]; then
        die "needs root: it builds network namespaces, a bridge and veth" \
            "pairs (none touches a host interface); run it with sudo"
    fi
}

# Build mcscope and the baseline (incremental: the figures are always of
# the source as it is).
build() {
    local src
    src="$(cd "$(dirname "$0")/.." && pwd)"
    echo "building $src in $BUILD_DIR (RelWithDebInfo) ..." >&2
    cmake -S "$src" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" \
        --target mcscope bench_recv_baseline >/dev/null
    MCSCOPE="$BUILD_DIR/mcscope"
    BASELINE="$BUILD_DIR/bench/bench_recv_baseline"
    [[ -x $MCSCOPE && -x $BASELINE ]] || die "the build made no binaries"
}

# Debian's "iperf" is iperf2.
require_iperf() {
    if ! command -v iperf >/dev/null; then
        echo "installing iperf (iperf2) ..." >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf \
            >/dev/null || die "iperf is missing and could not be installed"
    fi
    local v
    v=$(iperf -v 2>&1 || true)
    [[ $v == "iperf version 2"* ]] || die "'iperf' is not iperf2: $v"
}

# The lab of reference/LAB.md, built by mcscope itself (--lab-net, the
# builder of mcscope --lab and the tests): S1 and RX (S2 idles) on a
# bridge without snooping, in namespaces $P-HOST.  Stale labs of killed
# runs (their pid gone) are swept first.
make_lab() {
    "$MCSCOPE" --lab-net up --prefix mcb --owner $$ >/dev/null ||
        die "mcscope --lab-net up failed"
}

# Stop what runs in our namespaces (only ours: the names carry our pid),
# then mcscope --lab-net down kills what is left and deletes them.
cleanup() {
    local ns pids
    trap - EXIT INT TERM
    for ns in "$NS_RX" "$NS_S1"; do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        if [[ -n $pids ]]; then
            # shellcheck disable=SC2086
            kill -CONT $pids 2>/dev/null || true
            # shellcheck disable=SC2086
            kill -TERM $pids 2>/dev/null || true
            sleep 0.2
        fi
    done
    if [[ -n $MCSCOPE ]]; then
        "$MCSCOPE" --lab-net down --prefix mcb --owner $$ || true
    fi
    if [[ -n $WORK ]]; then
        rm -rf "$WORK"
    fi
}

# ---- measuring ----

# CPU time used so far by a process, all threads, in ns.
cpu_ns() {
    "$BASELINE" cpu "$1"
}

# "InDatagrams RcvbufErrors" of the Udp MIB of the process's namespace.
udp_in() {
    awk '/^Udp:/ && !h { for (i = 2; i <= NF; i++) k[$i] = i; h = 1; next }
         /^Udp:/ { print $k["InDatagrams"], $k["RcvbufErrors"] }' \
        "/proc/$1/net/snmp"
}

# Udp OutDatagrams of namespace S1.
# shellcheck disable=SC2016 # the $ belong to awk
udp_out_s1() {
    ip netns exec "$NS_S1" awk \
        '/^Udp:/ && !h { for (i = 2; i <= NF; i++) k[$i] = i; h = 1; next }
         /^Udp:/ { print $k["OutDatagrams"] }' /proc/net/snmp
}

# Bytes queued on the receiver's sockets of our port (rx_queue is hex).
rx_queue() {
    local _sl local_addr _rem _st queues _rest n=0
    while read -r _sl local_addr _rem _st queues _rest; do
        [[ $local_addr == *":$PORT_HEX" ]] && n=$((n + 16#${queues#*:}))
    done <"/proc/$1/net/udp"
    echo "$n"
}

# Start receiver $1 in RX (RX_PID; its stdout in $WORK/rx.out) and wait
# until it has joined.  `ip netns exec` and taskset exec, so $! is the
# receiver.  Receivers: mcscope, before (BEFORE, mcscope's command line),
# mclean (mcscope without the TTL/TOS control messages), iperf2, baseline
# (a recvfrom loop), mmsg (a recvmmsg loop).
start_receiver() {
    local i pin=("${RX_PREFIX[@]}")
    case $1 in
    mcscope | before | mclean)
        local bin=$MCSCOPE exec=${MCSCOPE_EXEC:-}
        [[ $1 == before ]] && bin=$BEFORE
        # without the TTL and TOS control messages (the kernel's work
        # per packet that only the HL and TC columns need)
        [[ $1 == mclean ]] && exec="cmsg ttl off;cmsg tos off${exec:+;$exec}"
        local more=() c
        IFS=';' read -r -a c <<<"$exec"
        for i in "${c[@]}"; do more+=(-e "$i"); done
        "${pin[@]}" ip netns exec "$NS_RX" "$bin" --batch 600 --json \
            "${more[@]}" -e "join $GROUP dev lab0 port $PORT" \
            >"$WORK/rx.out" 2>"$WORK/rx.err" &
        ;;
    iperf2)
        # -w 4M: the same 8 MiB queue as mcscope's and the baseline's
        # (the kernel doubles it); iperf2's default would hold 208 KiB.
        "${pin[@]}" ip netns exec "$NS_RX" iperf -s -u -B "$GROUP%lab0" \
            -p "$PORT" -i 0 -w 4M >"$WORK/rx.out" 2>"$WORK/rx.err" &
        ;;
    baseline | mmsg)
        local how=recv
        [[ $1 == mmsg ]] && how=mrecv
        "${pin[@]}" ip netns exec "$NS_RX" "$BASELINE" "$how" "$GROUP" lab0 \
            "$PORT" >"$WORK/rx.out" 2>"$WORK/rx.err" &
        ;;
    esac
    RX_PID=$!
    for ((i = 0; i < 200; i++)); do
        if grep -q "$GROUP_HEX" "/proc/$RX_PID/net/igmp" 2>/dev/null &&
            grep -q ":$PORT_HEX " "/proc/$RX_PID/net/udp"; then
            sleep 0.05 # let it reach its receive loop
            return 0
        fi
        kill -0 "$RX_PID" 2>/dev/null || break
        sleep 0.01
    done
    cat "$WORK/rx.err" >&2
    die "receiver $1 did not join $GROUP"
}

# Stop the receiver; print its own packet count ("-" when it has none
# that means anything: iperf2 parses mcscope's probes as its own header).
stop_receiver() {
    local kind=$1 i
    kill -CONT "$RX_PID" 2>/dev/null || true
    # iperf2 waits for its threads after a first SIGTERM; its report is
    # not used, so it gets SIGKILL.
    if [[ $kind == iperf2 ]]; then
        kill -KILL "$RX_PID" 2>/dev/null || true
    else
        kill -TERM "$RX_PID" 2>/dev/null || true
    fi
    for ((i = 0; i < 100; i++)); do
        kill -0 "$RX_PID" 2>/dev/null || break
        sleep 0.02
    done
    kill -KILL "$RX_PID" 2>/dev/null || true
    wait "$RX_PID" 2>/dev/null || true # mcscope exits 1 on SIGTERM
    case $kind in
    # The first "packets" of the JSON report is the group's.
    mcscope | before | mclean) sed -n '/"packets": /{s/.*"packets": \([0-9]*\).*/\1/p;q;}' \
        "$WORK/rx.out" ;;
    baseline | mmsg) sed -n 's/^received \([0-9]*\)$/\1/p' "$WORK/rx.out" ;;
    *) echo - ;;
    esac
}

# Send from S1 at rate $2 for RUN_S seconds with sender $1: "mcscope"
# (sendmmsg, a burst every 1 ms; probes), "rtp" or "mpegts" (the same
# with that payload, its default size) or "iperf2" (paced packet by
# packet).

# ---- figures ----

median() {
    printf '%s\n' "$@" | sort -g |
        awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# $1 / $2 with 3 decimals ("n/a" when $2 is 0).
div() {
    awk -v a="$1" -v b="$2" \
        'BEGIN { if (b == 0) print "n/a"; else printf "%.3f\n", a / b }'
}

