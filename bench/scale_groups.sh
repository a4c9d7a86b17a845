#!/usr/bin/env bash
# bench/scale_groups.sh: mcscope with many groups joined — resident
# memory idle and fed, the time to join them all, and the receive CPU per
# packet with N groups joined against one group joined, on the same
# traffic, in a private namespace lab.  Root only; never touches a host
# interface.
#
#   sudo bench/scale_groups.sh          # about 1 minute
#
# For each family set (v6: ff15::20:I, v4: 239.20.I/256.I%256, mixed:
# alternately), in namespace RX, `mcscope --batch --json -f` a script of
# N `join GROUP dev lab0 port 5000` lines (the passive binding: a socket
# per group, bound to it, all in one epoll set):
#   - join time: from the process's start to the moment all N receive
#     sockets exist (/proc/PID/fd) — start-up included;
#   - idle RSS: VmRSS one second later (no packet yet);
#   - fed RSS: VmRSS after every group got FEED packets from S1 (a Python
#     sender, one socket), once RX's Udp InDatagrams counted them all;
#     mcscope's JSON must count FEED packets for every group (exit 1 if
#     not);
# against the same with ONE group joined (the baseline of the same run)
# and against the goals of issue 17 (32 MiB idle, 48 MiB fed).
# Then CPU per packet, for IPv4 and IPv6: RATE packets/s for RUN_S
# seconds from mcscope's sender to one group, received by a monitor with
# N groups of that family joined and by one with that group alone
# (alternating, REPS times, the median of the per-repetition ratios):
# CPU = the receiver's process CPU clock delta, packets = RX's Udp
# InDatagrams delta (printed: what did not arrive was lost on the way).
#
# IPv6: the kernel looks a datagram's group up in a list of the
# interface's groups (ipv6_chk_mcast_addr, once per packet, in softirq):
# with 10,000 groups that walk is most of the machine's time, part of it
# charged to the receiver, and packets are lost before the receiver's
# interface — the v6 figures show the kernel's limit; IPv4 hashes its
# groups and shows mcscope's.
#
# Settings (environment): N (10000), FAMILIES ("v6 v4 mixed"; "" skips
# the memory part), CPU_FAMILIES ("v4 v6"; "" skips), FEED (3),
# RATE (20000), RUN_S (3), REPS (3), SETTLE_S (8: seconds between the
# last join and the traffic), BUILD_DIR (/tmp/build-bench-scale).
set -euo pipefail

N=${N:-10000}
FAMILIES=${FAMILIES-"v6 v4 mixed"}
CPU_FAMILIES=${CPU_FAMILIES-"v4 v6"}
FEED=${FEED:-3}
RATE=${RATE:-20000}
RUN_S=${RUN_S:-3}
REPS=${REPS:-3}
SETTLE_S=${SETTLE_S:-8}
BUILD_DIR=${BUILD_DIR:-/tmp/build-bench-scale}
PORT=5000
IDLE_GOAL_KB=$((32 * 1024))
FED_GOAL_KB=$((48 * 1024))

P="mcg$$"
NS_S1="$P-S1" NS_RX="$P-RX"
WORK="" RX_PID="" MCSCOPE="" BASELINE=""

die() {
    echo "scale_groups.sh: $*" >&2
    exit 1
}

[[ $EUID -eq 0 ]] || die "needs root: it builds network namespaces, a" \
    "bridge and veth pairs (none touches a host interface); run it with sudo"

build() {
    local src
    src="$(cd "$(dirname "$0")/.." && pwd)"
    echo "building $src in $BUILD_DIR (RelWithDebInfo) ..." >&2
    cmake -S "$src" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        >/dev/null
    cmake --build "$BUILD_DIR" -j2 --target mcscope bench_recv_baseline \
        >/dev/null
    MCSCOPE="$BUILD_DIR/mcscope"
    BASELINE="$BUILD_DIR/bench/bench_recv_baseline"
    [[ -x $MCSCOPE && -x $BASELINE ]] || die "the build made no binaries"
}

cleanup() {
    local ns pids
    trap - EXIT INT TERM
    for ns in "$NS_RX" "$NS_S1"; do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        # shellcheck disable=SC2086
        [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
    done
    if [[ -n $MCSCOPE ]]; then
        "$MCSCOPE" --lab-net down --prefix mcg --owner $$ || true
    fi
    [[ -n $WORK ]] && rm -rf "$WORK"
    return 0
}

# Group I of family set $1 (mixed: even I IPv6, odd I IPv4).
group_of() {
    local fam=$1 i=$2
    [[ $fam == mixed ]] && { ((i % 2)) && fam=v4 || fam=v6; }
    if [[ $fam == v6 ]]; then
        printf 'ff15::20:%x' "$i"
    else
        printf '239.20.%d.%d' $((i >> 8)) $((i & 255))
    fi
}

# The script of n joins of family set $1 in $WORK/$1-$2.mcs.
make_script() {
    local fam=$1 n=$2 i
    for ((i = 0; i < n; i++)); do
        echo "join $(group_of "$fam" "$i") dev lab0 port $PORT"
    done >"$WORK/$fam-$n.mcs"
}

# Udp InDatagrams of namespace RX.
udp_in_rx() {
    # shellcheck disable=SC2016 # the $ belong to awk
    ip netns exec "$NS_RX" awk \
        '/^Udp:/ && !h { for (i = 2; i <= NF; i++) k[$i] = i; h = 1; next }
         /^Udp:/ { print $k["InDatagrams"] }' /proc/net/snmp
    # shellcheck disable=SC2016
    ip netns exec "$NS_RX" awk \
        '/^Udp6InDatagrams/ { print $2 }' /proc/net/snmp6
}
udp_in_sum() { udp_in_rx | awk '{ s += $1 } END { print s }'; }

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
# Memberships of our groups in the process's namespace (the kernel's
# tables: /proc/net/igmp prints a group as the hex of its bytes reversed).
joined() {
    local v6 v4
    v6=$(grep -c ' ff150000000000000000000000' "/proc/$1/net/igmp6" || true)
    v4=$(grep -cE '[0-9A-F]{4}14EF ' "/proc/$1/net/igmp" || true)
    echo $((v6 + v4))
}
now_ns() { date +%s%N; }

# Start mcscope in RX on script $1 (RX_PID), wait until it holds $2
# receive sockets; JOIN_S: the seconds that took since its start.
start_rx() {
    local script=$1 want=$2 t0 t1 i
    t0=$(now_ns)
    ip netns exec "$NS_RX" "$MCSCOPE" --batch 600 --json -f "$script" \
        >"$WORK/rx.json" 2>"$WORK/rx.err" &
    RX_PID=$!
    for ((i = 0; i < 1200; i++)); do
        kill -0 "$RX_PID" 2>/dev/null || {
            cat "$WORK/rx.err" >&2
            die "mcscope exited while joining"
        }
        if (($(joined "$RX_PID") >= want)); then
            t1=$(now_ns)
            JOIN_S=$(awk -v a="$t0" -v b="$t1" \
                'BEGIN { printf "%.2f", (b - a) / 1e9 }')
            return 0
        fi
        sleep 0.05
    done
    die "mcscope did not join $want groups in 60 s"
}

stop_rx() {
    kill -TERM "$RX_PID" 2>/dev/null || true
    wait "$RX_PID" 2>/dev/null || true
}

# Send $3 packets to each of the first $2 groups of family set $1 from
# S1 (64-byte payloads), one socket per family.
feed() {
    local fam=$1 n=$2 count=$3
    ip netns exec "$NS_S1" /usr/bin/python3 - "$fam" "$n" "$count" "$PORT" <<'EOF'
import socket, struct, sys, time
fam, n, count, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
idx = socket.if_nametoindex("lab0")
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
              struct.pack("4s4si", b"\0" * 4, b"\0" * 4, idx))
payload = b"x" * 64
for c in range(count):
    for i in range(n):
        f = fam if fam != "mixed" else ("v4" if i % 2 else "v6")
        if f == "v6":
            s6.sendto(payload, ("ff15::20:%x" % i, port, 0, idx))
        else:
            s4.sendto(payload, ("239.20.%d.%d" % (i >> 8, i & 255), port))
        if i % 2000 == 1999:
            time.sleep(0.01)  # the socket queues of S1 stay short
EOF
}

# Wait until RX's Udp InDatagrams rose by $2 over $1 (5 s at most).
wait_in() {
    local base=$1 want=$2 i
    for ((i = 0; i < 500; i++)); do
        (($(udp_in_sum) - base >= want)) && return 0
        sleep 0.01
    done
    return 1
}

# The number of groups whose JSON "packets" is not $1 (the first
# "packets" after each "group").
json_wrong_counts() {
    /usr/bin/python3 - "$WORK/rx.json" "$1" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
want = int(sys.argv[2])
print(sum(1 for g in doc["groups"] if g["packets"] != want), len(doc["groups"]))
EOF
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

# One family set: prints its table row.  Sets FAIL on a wrong count.
measure_memory() {
    local fam=$1 n join idle fed base b_idle b_fed wrong total
    for n in 1 "$N"; do
        make_script "$fam" "$n"
        start_rx "$WORK/$fam-$n.mcs" "$n"
        join=$JOIN_S
        sleep 1
        idle=$(rss_kb "$RX_PID")
        base=$(udp_in_sum)
        feed "$fam" "$n" "$FEED"
        wait_in "$base" $((n * FEED)) || echo "  (RX counted fewer than sent)" >&2
        sleep 0.3
        fed=$(rss_kb "$RX_PID")
        stop_rx
        read -r wrong total < <(json_wrong_counts "$FEED")
        if [[ $wrong != 0 || $total != "$n" ]]; then
            echo "  $fam $n: $wrong of $total groups without exactly $FEED packets" >&2
            FAIL=1
        fi
        if [[ $n == 1 ]]; then
            b_idle=$idle b_fed=$fed
        fi
    done
    printf '%-6s join %5s s | idle %9s (%s x 1 group, %s x goal) | fed %9s (%s x 1 group, %s x goal) | per group idle %d B, fed %d B\n' \
        "$fam" "$join" "$(mib "$idle")" "$(ratio "$idle" "$b_idle")" \
        "$(ratio "$idle" "$IDLE_GOAL_KB")" "$(mib "$fed")" \
        "$(ratio "$fed" "$b_fed")" "$(ratio "$fed" "$FED_GOAL_KB")" \
        $(((idle - b_idle) * 1024 / (N - 1))) $(((fed - b_fed) * 1024 / (N - 1)))
}

# "NS RECEIVED": CPU ns per received packet of a monitor on script $1
# (holding $2 groups) while group 0 of family $3 gets the traffic.
cpu_per_packet() {
    local script=$1 want=$2 fam=$3 c0 c1 in0 in1
    start_rx "$script" "$want"
    # The kernel's unsolicited reports of the joins (each sent again
    # within a second or two) are done, and so are the first ticks.
    sleep "$SETTLE_S"
    c0=$("$BASELINE" cpu "$RX_PID")
    in0=$(udp_in_sum)
    ip netns exec "$NS_S1" "$MCSCOPE" --batch "$((RUN_S + 1))" \
        -e "send $(group_of "$fam" 0) dev lab0 port $PORT rate $RATE count $((RATE * RUN_S)) size 64" \
        >/dev/null 2>&1
    sleep 0.3
    c1=$("$BASELINE" cpu "$RX_PID")
    in1=$(udp_in_sum)
    stop_rx
    awk -v c=$((c1 - c0)) -v p=$((in1 - in0)) \
        'BEGIN { printf "%.0f %d\n", (p > 0 ? c / p : 0), p }'
}

# The CPU figures of family $1 (v4 or v6): REPS pairs, the median ratio.
measure_cpu() {
    local fam=$1 r one many n1 nm ratios=""
    echo "-- $fam: $RATE packets/s for $RUN_S s ($((RATE * RUN_S)) sent) to one group, $N joined vs that one alone"
    make_script "$fam" 1
    make_script "$fam" "$N"
    for ((r = 0; r < REPS; r++)); do
        read -r one n1 < <(cpu_per_packet "$WORK/$fam-1.mcs" 1 "$fam")
        read -r many nm < <(cpu_per_packet "$WORK/$fam-$N.mcs" "$N" "$fam")
        echo "  rep $r: 1 joined $one ns/packet ($n1 received), $N joined $many ns/packet ($nm received): $(ratio "$many" "$one") x"
        ratios+="$(ratio "$many" "$one") "
    done
    echo "  $fam median ratio $(tr ' ' '\n' <<<"$ratios" | grep . | median) x (goal <= 1.10)"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

main() {
    local fam
    trap cleanup EXIT INT TERM
    build
    WORK=$(mktemp -d /tmp/scale_groups.XXXXXX)
    "$MCSCOPE" --lab-net up --prefix mcg --owner $$ >/dev/null ||
        die "mcscope --lab-net up failed"
    # Namespaced: the receive namespace may hold this many memberships
    # per socket (bind any) — the host's settings are not touched.
    ip netns exec "$NS_RX" sysctl -qw \
        net.ipv4.igmp_max_memberships=$((N + 64))
    ulimit -n $((N + 1024)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    FAIL=0
    [[ -n $FAMILIES ]] &&
        echo "== $N groups on port $PORT, passive binding; $FEED packets to each when fed"
    for fam in $FAMILIES; do
        measure_memory "$fam"
    done
    echo "== CPU per packet (the receiver's process CPU clock / RX's Udp InDatagrams)"
    for fam in $CPU_FAMILIES; do
        measure_cpu "$fam"
    done
    ((FAIL == 0)) || die "a group's count was not exact"
}

main "$@"
