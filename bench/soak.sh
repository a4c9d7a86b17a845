#!/usr/bin/env bash
# bench/soak.sh: endurance — mcscope's monitor runs for SOAK_SECONDS with
# churn and traffic, in a private namespace lab (mcscope --lab-net: S1,
# S2 and RX on a bridge); root only, never touches a host interface.
#
#   sudo bench/soak.sh                      # 10 minutes
#   sudo SOAK_SECONDS=3600 bench/soak.sh    # the release check
#
# The receiver in RX is `mcscope --batch --json --pcap -f SCRIPT` (the
# wire cross-check on), the script:
#   - joins ff15::5 and ff15::6 port 5001 for the whole run (the fed
#     groups), and
#   - every 100 ms joins one group of a pool of POOL (ff15::c:N port 5003)
#     and leaves the one it joined CHURN_HOLD steps before (so about
#     CHURN_HOLD are joined at any time; every join and leave sends MLD
#     reports the wire cross-check sees);
# S1 sends probes to ff15::5 at RATE - S2_RATE per second, all the run;
# S2 is a source that comes and goes: a new sender process (a new source
# port, a new flow) sends to ff15::6 at S2_RATE for 2 s, is silent for
# 1 s, and so on.  tcpdump counts what arrived on RX's link.
#
# Every SAMPLE_S seconds the receiver's resident memory (VmRSS of
# /proc/PID/status) and open descriptors (/proc/PID/fd) are sampled.  It
# fails (exit 1) unless
#   - after warm-up (WARMUP_S) the descriptors never change and the
#     resident memory never rises more than RSS_SLACK_KB over its first
#     sample after warm-up,
#   - the receiver ends with status 0 (under ASan: no leak at exit), and
#   - every count is exact at the end: each fed group's packets in
#     mcscope's report = what its senders sent = what tcpdump counted on
#     the link, with no socket drops; mcscope's own wire count (--pcap)
#     too, or short by no more than the frames its capture reported
#     dropped (pcap_stats: on a starved machine its buffer fills; the
#     report says so and it is printed).
# It prints the RSS and descriptor series summary (first after warm-up,
# last, min, max, growth per minute).
#
# Settings (environment): SOAK_SECONDS (600), RATE (10000 packets/s in
# all), S2_RATE (1000), POOL (50), CHURN_HOLD (10), SAMPLE_S (5, or
# less on short runs), WARMUP_S (a fifth of the run, 5 at least),
# RSS_SLACK_KB (1024), MCSCOPE (a built mcscope; else it is built in
# BUILD_DIR, /tmp/build-bench), KEEP (a directory: keep the samples,
# the report and the capture there).
set -euo pipefail

SOAK_SECONDS=${SOAK_SECONDS:-600}
RATE=${RATE:-10000}
S2_RATE=${S2_RATE:-1000}
POOL=${POOL:-50}
CHURN_HOLD=${CHURN_HOLD:-10}
SAMPLE_S=${SAMPLE_S:-$((SOAK_SECONDS >= 300 ? 5 : 1))}
WARMUP_S=${WARMUP_S:-$((SOAK_SECONDS / 5 > 5 ? SOAK_SECONDS / 5 : 5))}
RSS_SLACK_KB=${RSS_SLACK_KB:-1024}
BUILD_DIR=${BUILD_DIR:-/tmp/build-bench}
MCSCOPE=${MCSCOPE:-}
KEEP=${KEEP:-}

PORT=5001
P="mcsk$$"
NS_S1="$P-S1" NS_S2="$P-S2" NS_RX="$P-RX"
WORK="" LAB_UP="" RX_PID="" TCPDUMP_PID="" S1_PID="" S2_LOOP=""

die() {
    echo "soak.sh: $*" >&2
    exit 1
}

cleanup() {
    local ns pids
    trap - EXIT INT TERM
    [[ -n $S2_LOOP ]] && kill "$S2_LOOP" 2>/dev/null
    for ns in "$NS_RX" "$NS_S1" "$NS_S2"; do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        # shellcheck disable=SC2086
        [[ -n $pids ]] && kill -TERM $pids 2>/dev/null
    done
    if [[ -n $LAB_UP ]]; then
        "$MCSCOPE" --lab-net down --prefix mcsk --owner $$ >/dev/null 2>&1 ||
            true
    fi
    [[ -n $WORK ]] && rm -rf "$WORK"
    return 0
}

prepare() {
    [[ $EUID -eq 0 ]] || die "needs root: it builds network namespaces" \
        "(none touches a host interface); run it with sudo"
    command -v tcpdump >/dev/null || die "tcpdump is missing"
    if [[ -z $MCSCOPE ]]; then
        local src
        src="$(cd "$(dirname "$0")/.." && pwd)"
        echo "building $src in $BUILD_DIR (RelWithDebInfo) ..." >&2
        cmake -S "$src" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            >/dev/null
        cmake --build "$BUILD_DIR" -j"$(nproc)" --target mcscope >/dev/null
        MCSCOPE="$BUILD_DIR/mcscope"
    fi
    [[ -x $MCSCOPE ]] || die "no mcscope program at $MCSCOPE"
    [[ $SOAK_SECONDS -ge 10 ]] || die "SOAK_SECONDS must be 10 at least"
    [[ $WARMUP_S -lt $((SOAK_SECONDS - 2 * SAMPLE_S)) ]] ||
        die "WARMUP_S ($WARMUP_S) leaves no samples in $SOAK_SECONDS s"
}

# The receiver's script: the fed groups, then the churn every 100 ms
# until a second before the end.
write_script() {
    local k steps=$(((SOAK_SECONDS - 1) * 10))
    {
        echo "join ff15::5 dev lab0 port $PORT"
        echo "join ff15::6 dev lab0 port $PORT"
        for ((k = 0; k < steps; k++)); do
            printf 'join ff15::c:%x dev lab0 port 5003\n' $((k % POOL))
            if [[ $k -ge $CHURN_HOLD ]]; then
                printf 'leave ff15::c:%x dev lab0 port 5003\n' \
                    $(((k - CHURN_HOLD) % POOL))
            fi
            echo "wait 0.1"
        done
    } >"$WORK/soak.script"
}

# Wait until the receiver has joined ff15::5 (its MLD membership).
wait_joined() {
    local i
    for ((i = 0; i < 200; i++)); do
        grep -q "ff150000000000000000000000000005" \
            "/proc/$RX_PID/net/igmp6" 2>/dev/null && return 0
        kill -0 "$RX_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$WORK/rx.err" >&2
    die "the receiver did not join ff15::5"
}

# The "N sent" of a sender's report.
sent_of() {
    sed -n 's/.*: \([0-9]*\) sent at .*/\1/p' "$1" | head -1
}

# S2: senders that come and go until the end is near; the sum of what
# they sent goes to $WORK/s2.sent.
s2_loop() {
    local end=$1 n=0 total=0 s
    while [[ $SECONDS -lt $end ]]; do
        ip netns exec "$NS_S2" "$MCSCOPE" --batch 2.3 -e "send ff15::6 dev \
lab0 port $PORT rate $S2_RATE count $((S2_RATE * 2))" \
            >"$WORK/s2.$n.out" 2>&1 || true
        s=$(sent_of "$WORK/s2.$n.out")
        total=$((total + ${s:-0}))
        echo "$total" >"$WORK/s2.sent"
        n=$((n + 1))
        sleep 1
    done
    echo "$n" >"$WORK/s2.runs"
}

# The receiver's open descriptors: the least of three looks 20 ms apart
# (a file it holds open for a moment, such as /proc/net/udp read once a
# second, is no leak; a leaked one stays).
fd_count() {
    local k n least=""
    for ((k = 0; k < 3; k++)); do
        n=$(find "/proc/$RX_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null |
            wc -l)
        [[ -z $least || $n -lt $least ]] && least=$n
        sleep 0.02
    done
    echo "$least"
}

# Sample the receiver every SAMPLE_S s into $WORK/samples: "t rss_kb fds".
sampler() {
    local t0=$SECONDS rss fds
    while kill -0 "$RX_PID" 2>/dev/null; do
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$RX_PID/status" 2>/dev/null ||
            true)
        fds=$(fd_count)
        [[ -n $rss ]] && echo "$((SECONDS - t0)) $rss $fds" >>"$WORK/samples"
        sleep "$SAMPLE_S"
    done
}

# A group's field from mcscope's JSON report (the first match).
report_field() {
    local group=$1 field=$2
    awk -v g="\"group\": \"$group\"," -v f="\"$field\": " '
        index($0, g) { on = 1 }
        on && index($0, f) { sub(/.*: /, ""); sub(/,$/, ""); print; exit }' \
        "$WORK/rx.json"
}

# Datagrams to GROUP port PORT in the capture.
wire_count() {
    tcpdump -r "$WORK/rx.pcap" -n "ip6 dst $1 and udp dst port $PORT" \
        2>/dev/null | wc -l
}

main() {
    local t0 end rc=0 s1_sent s2_sent fails=0
    prepare
    WORK=$(mktemp -d /tmp/soak.XXXXXX)
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    write_script
    "$MCSCOPE" --lab-net sweep --prefix mcsk >/dev/null 2>&1 || true
    LAB_UP=1
    "$MCSCOPE" --lab-net up --prefix mcsk --owner $$ >/dev/null ||
        die "mcscope --lab-net up failed"
    echo "== soak: ${SOAK_SECONDS} s, $RATE packets/s (S1 steady," \
        "S2 $S2_RATE/s coming and going), a join and a leave every 100 ms" \
        "over $POOL groups, wire cross-check on; samples every $SAMPLE_S s," \
        "warm-up $WARMUP_S s"
    echo "   $("$MCSCOPE" --version | head -1), kernel $(uname -r)"

    ip netns exec "$NS_RX" tcpdump -U -i lab0 -n -w "$WORK/rx.pcap" \
        "udp dst port $PORT" >"$WORK/tcpdump.err" 2>&1 &
    TCPDUMP_PID=$!
    t0=$SECONDS
    ip netns exec "$NS_RX" "$MCSCOPE" --batch "$((SOAK_SECONDS + 2))" \
        --json --pcap -f "$WORK/soak.script" >"$WORK/rx.json" \
        2>"$WORK/rx.err" &
    RX_PID=$!
    wait_joined
    sampler &
    end=$((t0 + SOAK_SECONDS - 2))
    ip netns exec "$NS_S1" "$MCSCOPE" --batch "$((SOAK_SECONDS - 2))" -e \
        "send ff15::5 dev lab0 port $PORT rate $((RATE - S2_RATE)) count \
$(((RATE - S2_RATE) * (SOAK_SECONDS - 4)))" >"$WORK/s1.out" 2>&1 &
    S1_PID=$!
    s2_loop "$end" &
    S2_LOOP=$!
    wait "$S1_PID" || true
    wait "$S2_LOOP" || true
    S2_LOOP=""
    wait "$RX_PID" || rc=$?
    sleep 0.5
    kill -INT "$TCPDUMP_PID" 2>/dev/null || true
    wait "$TCPDUMP_PID" 2>/dev/null || true
    [[ -n $KEEP ]] && mkdir -p "$KEEP" &&
        cp "$WORK/samples" "$WORK/rx.json" "$WORK/rx.err" "$WORK/rx.pcap" \
            "$KEEP/"

    echo
    echo "-- the receiver: exit status $rc ($((SECONDS - t0)) s)"
    if [[ $rc -ne 0 ]]; then
        tail -20 "$WORK/rx.err" >&2
        fails=$((fails + 1))
    fi

    # Resident memory and descriptors after warm-up.
    echo "-- resident memory (KiB) and open descriptors, after ${WARMUP_S} s" \
        "of warm-up ($(wc -l <"$WORK/samples") samples in all)"
    if ! awk -v w="$WARMUP_S" -v slack="$RSS_SLACK_KB" '
        $1 < w { next }
        n == 0 { t0 = $1; r0 = $2; f0 = $3; rmin = rmax = $2; fmin = fmax = $3 }
        { n++; t = $1; r = $2; f = $3
          if ($2 < rmin) rmin = $2; if ($2 > rmax) rmax = $2
          if ($3 < fmin) fmin = $3; if ($3 > fmax) fmax = $3 }
        END {
            if (n < 2) { print "   too few samples after warm-up"; exit 1 }
            printf "   rss: first %d  last %d  min %d  max %d  growth %+.1f KiB/min\n",
                r0, r, rmin, rmax, (t > t0 ? (r - r0) * 60 / (t - t0) : 0)
            printf "   fds: first %d  last %d  min %d  max %d\n", f0, f, fmin, fmax
            bad = 0
            if (rmax - r0 > slack) {
                printf "   FAIL: resident memory rose %d KiB (more than %d)\n",
                    rmax - r0, slack; bad = 1 }
            if (fmax != fmin) {
                printf "   FAIL: the descriptors changed (%d..%d)\n", fmin, fmax
                bad = 1 }
            exit bad
        }' "$WORK/samples"; then
        fails=$((fails + 1))
    fi

    # Counts: senders, tcpdump, mcscope's socket and wire counts.
    s1_sent=$(sent_of "$WORK/s1.out")
    s2_sent=$(cat "$WORK/s2.sent" 2>/dev/null || echo 0)
    echo "-- counts (S2 ran $(cat "$WORK/s2.runs" 2>/dev/null || echo 0)" \
        "times)"
    printf '   %-9s %10s %10s %10s %10s\n' group sent tcpdump mcscope \
        "its wire"
    local g sent tcp got wire short=0 pdrop
    # what mcscope's capture says it lost (pcap_stats: its buffer was full)
    pdrop=$(sed -n 's/^    "pcap_dropped": \([0-9]*\).*/\1/p' "$WORK/rx.json")
    for g in ff15::5 ff15::6; do
        if [[ $g == ff15::5 ]]; then sent=${s1_sent:-0}; else sent=$s2_sent; fi
        tcp=$(wire_count "$g")
        got=$(report_field "$g" packets)
        wire=$(report_field "$g" wire_packets)
        printf '   %-9s %10s %10s %10s %10s\n' "$g" "$sent" "$tcp" \
            "${got:--}" "${wire:--}"
        if [[ $sent -eq 0 || $tcp != "$sent" || $got != "$sent" ||
            ! $wire -le $sent ]]; then
            echo "   FAIL: the counts of $g differ"
            fails=$((fails + 1))
        fi
        short=$((short + sent - ${wire:-0}))
    done
    # The wire counts are exact, or short by no more than the frames the
    # capture itself reported dropped (a starved machine; the capture's
    # own count says so, and the socket counts above are exact anyway).
    if [[ $short -gt 0 ]]; then
        if [[ $short -le ${pdrop:-0} ]]; then
            echo "   note: the wire counts are $short short; the capture" \
                "reported $pdrop frames dropped (its buffer was full)"
        else
            echo "   FAIL: the wire counts are $short short, more than the" \
                "${pdrop:-0} the capture reported dropped"
            fails=$((fails + 1))
        fi
    fi
    if ! grep -q '"socket_drops": 0' "$WORK/rx.json"; then
        echo "   FAIL: socket drops: $(grep -m1 socket_drops "$WORK/rx.json")"
        fails=$((fails + 1))
    fi
    if [[ $fails -gt 0 ]]; then
        echo "soak: FAILED ($fails)"
        return 1
    fi
    echo "soak: ok"
}

main "$@"
