#!/bin/sh
# The lab's topologies (src/lab/topo.c), built by mcscope --lab-net and
# by mcscope --lab, as root, in namespaces "mctopo<pid>-HOST":
#
#  1. every topology (bridge, dual, routed, snooping) up and down: the
#     hosts and interfaces the table promises (dual: en0 and en1 in every
#     host; routed: RX's lab0 with MTU 1280 and RT's nft table), and after
#     down nothing left: no namespace, no link or nft table in this
#     namespace that was not there before, no file of the router;
#  2. the routed lab's hop limits, seen by tshark on RX's link: S1 sends
#     5 datagrams each with hop limit / TTL 8 and 1 (IPv6 and IPv4);
#     exactly 5 + 5 arrive, all with 7, none with 1 or 0; mcscope on RX
#     counts the same 5 with hop limit 7 (its cmsg);
#  3. the path MTU: mcscope's `send ... dontfrag` of 1300 bytes on RX
#     reports the IPV6_PATHMTU value, which equals RX's link MTU (ip link),
#     tracepath's pmtu from RX to S1 and from S1 to RX (learned from RT's
#     Packet Too Big), and `ip -6 route get` in S1 after that;
#  4. kill -9: the owner of a --lab-net lab killed, and a running
#     `mcscope --lab --topology routed` killed; the next sweep removes all
#     (the processes inside included); SIGTERM to `mcscope --lab
#     --topology dual`: it removes its lab itself;
#  5. smcroute where the kernel routes multicast (else a skip line saying
#     why: this kernel lacks CONFIG_IP_MROUTE); the stand-in here.
#
# Arguments: MCSCOPE.  Not root, or without ip, nft, tshark or tracepath:
# exit 77.
set -u

SKIP=77
MCSCOPE=${1:-}
PREFIX=mctopo
P="$PREFIX$$"
WORK=""
BG=""

say() { printf '%s\n' "$*" >&2; }
fail() {
    say "FAIL: $*"
    exit 1
}
skip() {
    say "SKIP: $*"
    exit $SKIP
}

cleanup() {
    for p in $BG; do kill -9 "$p" 2>/dev/null; done
    "$MCSCOPE" --lab-net down --prefix $PREFIX --owner $$ 2>/dev/null
    "$MCSCOPE" --lab-net sweep --prefix $PREFIX 2>/dev/null
    [ -n "$WORK" ] && rm -rf "$WORK"
}

[ -x "$MCSCOPE" ] || skip "no mcscope program given"
[ "$(id -u)" = 0 ] || skip "not root: the lab builds network namespaces"
for t in ip nft tshark tracepath; do
    command -v $t >/dev/null ||
        skip "$t is missing (scripts/deps.sh --test installs it)"
done
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
WORK=$(mktemp -d /tmp/mctopo.XXXXXX)
"$MCSCOPE" --lab-net sweep --prefix $PREFIX

ns() { printf '%s-%s' "$P" "$1"; }
in_ns() {
    h=$1
    shift
    ip netns exec "$(ns "$h")" "$@"
}

# Poll CMD until it succeeds, at most 5 s.
until_ok() {
    i=0
    while ! "$@" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 100 ] || return 1
        sleep 0.05
    done
}

# What this namespace has that a lab must not change.
host_state() {
    ip -o link show | sed 's/^[0-9]*: //; s/:.*//' | sort
    nft list tables 2>/dev/null | sort
}
host_state >"$WORK/before"

# No namespace, file or host change left by owner PID's lab.
nothing_left() {
    owner=$1
    ip netns list | grep -q "^$PREFIX$owner-" &&
        fail "namespaces left: $(ip netns list | grep "^$PREFIX$owner-")"
    ls /run/mcscope-"$PREFIX$owner"-* 2>/dev/null &&
        fail "router files left"
    host_state >"$WORK/after"
    cmp -s "$WORK/before" "$WORK/after" ||
        fail "this namespace changed: $(diff "$WORK/before" "$WORK/after")"
}

up() {
    "$MCSCOPE" --lab-net up --prefix $PREFIX --owner $$ --topology "$1" \
        >"$WORK/up.out" 2>"$WORK/up.err" ||
        fail "--lab-net up --topology $1: $(cat "$WORK/up.err")"
}
down() {
    "$MCSCOPE" --lab-net down --prefix $PREFIX --owner $$ ||
        fail "--lab-net down"
    nothing_left $$
}

# HOST has interface IF, up.
has_if() {
    in_ns "$1" ip -o link show "$2" up >/dev/null 2>&1 ||
        fail "$3: $1 has no $2 up: $(in_ns "$1" ip -o link show)"
}

# ---- 1. every topology up and down ----

"$MCSCOPE" --lab-net up --owner $$ --prefix $PREFIX --topology star \
    >/dev/null 2>"$WORK/bad.err" && fail "--topology star was taken"
grep -q "bridge|dual|routed|snooping" "$WORK/bad.err" ||
    fail "--topology star: no list of topologies: $(cat "$WORK/bad.err")"

for t in bridge dual snooping routed; do
    up $t
    hosts=$(cut -d' ' -f1 "$WORK/up.out" | grep -v router | tr '\n' ' ')
    case $t in
    routed) want="SW S1 S2 RX RT " ;;
    *) want="SW S1 S2 RX " ;;
    esac
    [ "$hosts" = "$want" ] || fail "$t: hosts '$hosts', want '$want'"
    case $t in
    dual)
        for h in S1 S2 RX; do
            has_if $h en0 $t
            has_if $h en1 $t
        done
        in_ns RX ip -o addr show en1 | grep -q "fd43::10/64" ||
            fail "dual: RX's en1 has no fd43::10"
        ;;
    snooping)
        in_ns SW ip -d link show br0 | grep -q "mcast_snooping 1" ||
            fail "snooping: br0 does not snoop"
        in_ns SW ip -d link show br0 | grep -q "mcast_querier 1" ||
            fail "snooping: br0 is no querier"
        ;;
    routed)
        has_if RX lab0 $t
        has_if RT up0 $t
        has_if RT dn0 $t
        grep -qx "router nft\|router smcroute" "$WORK/up.out" ||
            fail "routed: no router line: $(cat "$WORK/up.out")"
        ;;
    *) has_if RX lab0 $t ;;
    esac
    [ $t = routed ] || down
done

# ---- 2. the routed lab's hop limits (tshark on RX) ----

ROUTER=$(sed -n 's/^router //p' "$WORK/up.out")
if [ "$ROUTER" = nft ]; then
    in_ns RT nft list table netdev mcslab >/dev/null ||
        fail "routed: RT has no nft table mcslab"
fi
ip netns exec "$(ns RX)" tshark -n -i lab0 -f "udp portrange 7000-7001" \
    -a duration:20 -w "$WORK/rx.pcapng" >/dev/null 2>"$WORK/tshark.err" &
TSHARK=$!
BG="$BG $TSHARK"
until_ok grep -q "Capturing on" "$WORK/tshark.err" ||
    fail "tshark did not start: $(cat "$WORK/tshark.err")"
# mcscope on RX: the same datagrams, with their hop limit (cmsg).
ip netns exec "$(ns RX)" "$MCSCOPE" --batch 3 --json -e "cmsg hoplimit on" \
    -e "join ff15::7000 dev lab0 port 7000" \
    -e "join 239.7.7.7 dev lab0 port 7000" >"$WORK/rx.json" \
    2>"$WORK/rx.err" &
RXMON=$!
BG="$BG $RXMON"
sleep 0.5
in_ns S1 "$MCSCOPE" --batch 1 \
    -e "send ff15::7000 dev lab0 port 7000 rate 50 count 5 hoplimit 8" \
    -e "send ff15::7000 dev lab0 port 7001 rate 50 count 5 hoplimit 1" \
    -e "send 239.7.7.7 dev lab0 port 7000 rate 50 count 5 ttl 8" \
    -e "send 239.7.7.7 dev lab0 port 7001 rate 50 count 5 ttl 1" \
    >/dev/null 2>"$WORK/s1.err" || fail "S1's sends: $(cat "$WORK/s1.err")"
wait $RXMON || fail "mcscope on RX: $(cat "$WORK/rx.err")"
kill -INT $TSHARK
wait $TSHARK
tshark -n -r "$WORK/rx.pcapng" -T fields -e ipv6.hlim -e ip.ttl \
    >"$WORK/hl.txt" 2>/dev/null
got6=$(awk -F'\t' '$1 != "" {print $1}' "$WORK/hl.txt" | sort | uniq -c |
    tr -s ' ')
got4=$(awk -F'\t' '$2 != "" {print $2}' "$WORK/hl.txt" | sort | uniq -c |
    tr -s ' ')
[ "$got6" = " 5 7" ] ||
    fail "routed: IPv6 hop limits on RX's link (count value): '$got6', want 5 x 7"
[ "$got4" = " 5 7" ] ||
    fail "routed: IPv4 TTLs on RX's link (count value): '$got4', want 5 x 7"
for g in ff15::7000 239.7.7.7; do
    hl=$(jq -c --arg g $g '.groups[] | select(.group == $g) |
        .by_source[0].hoplimits' "$WORK/rx.json")
    [ "$hl" = '{"7":5}' ] ||
        fail "routed: mcscope on RX saw $g with hop limits $hl, tshark 5 x 7"
done
say "ok: routed: sent with 8, 5 arrive with 7 (tshark, mcscope); 1 never arrives ($ROUTER)"

# ---- 3. the path MTU ----

in_ns RX "$MCSCOPE" --batch 0.3 --json \
    -e "send ff15::7001 dev lab0 size 1300 count 1 dontfrag" \
    >"$WORK/pmtu.json" 2>"$WORK/pmtu.err" ||
    fail "the dontfrag send: $(cat "$WORK/pmtu.err")"
pmtu=$(jq '.senders[0].pathmtu' "$WORK/pmtu.json")
sent=$(jq '.senders[0].sent' "$WORK/pmtu.json")
mtu=$(in_ns RX ip -o link show lab0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
[ "$sent" = 0 ] || fail "pmtu: the 1300-byte dontfrag datagram went ($sent)"
[ "$mtu" = 1280 ] || fail "pmtu: RX's lab0 has MTU $mtu, not 1280"
[ "$pmtu" = "$mtu" ] || fail "pmtu: mcscope says $pmtu, ip link $mtu"
tp_rx=$(in_ns RX tracepath -n -m 3 fd42::1 | sed -n 's/.*pmtu \([0-9]*\).*/\1/p' |
    head -1)
[ "$tp_rx" = "$pmtu" ] || fail "pmtu: tracepath from RX says $tp_rx, mcscope $pmtu"
tp_s1=$(in_ns S1 tracepath -n -m 3 fd43::10 | sed -n 's/.*pmtu \([0-9]*\).*/\1/p' |
    tail -1)
[ "$tp_s1" = "$pmtu" ] ||
    fail "pmtu: tracepath from S1 (through RT) says $tp_s1, mcscope $pmtu"
rg=$(in_ns S1 ip -6 route get fd43::10 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
[ "$rg" = "$pmtu" ] || fail "pmtu: ip -6 route get in S1 says mtu '$rg'"
say "ok: path MTU $pmtu: mcscope = ip link = tracepath both ways = ip -6 route get"
down

# ---- 4. kill -9, then the sweep ----

sleep 60 &
OWNER=$!
BG="$BG $OWNER"
"$MCSCOPE" --lab-net up --prefix $PREFIX --owner $OWNER --topology routed \
    >/dev/null 2>"$WORK/k.err" || fail "--lab-net up for $OWNER: $(cat "$WORK/k.err")"
ip netns exec "$PREFIX$OWNER-RX" sleep 60 &
INSIDE=$!
BG="$BG $INSIDE"
kill -9 $OWNER
wait $OWNER 2>/dev/null
"$MCSCOPE" --lab-net sweep --prefix $PREFIX 2>"$WORK/sweep.err"
grep -q "$PREFIX$OWNER-RT" "$WORK/sweep.err" ||
    fail "the sweep did not say it removed $PREFIX$OWNER-RT: $(cat "$WORK/sweep.err")"
until_ok sh -c "! kill -0 $INSIDE" || fail "the process inside RX lives on"
nothing_left $OWNER

# A running lab killed: its children die with it, the next sweep removes
# the namespaces (--lab as root uses the default prefix mcslab).
"$MCSCOPE" --lab --topology routed --batch 30 >/dev/null 2>&1 &
LAB=$!
BG="$BG $LAB"
until_ok sh -c "ip netns pids mcslab$LAB-S1 | grep -q ." ||
    fail "mcscope --lab --topology routed did not start its senders"
SENDERS=$(ip netns pids "mcslab$LAB-S1"; ip netns pids "mcslab$LAB-S2")
kill -9 $LAB
wait $LAB 2>/dev/null
# The senders end with the lab (PR_SET_PDEATHSIG), before any sweep.
for s in $SENDERS; do
    until_ok sh -c "! kill -0 $s" || fail "the killed lab's sender $s lives on"
done
"$MCSCOPE" --lab-net sweep --prefix mcslab 2>/dev/null
ip netns list | grep -q "^mcslab$LAB-" && fail "the killed lab's namespaces stay"
say "ok: kill -9 and sweep leave nothing"

# SIGTERM: the dual lab takes itself down.
"$MCSCOPE" --lab --topology dual --batch 30 >/dev/null 2>&1 &
LAB=$!
BG="$BG $LAB"
until_ok sh -c "ip netns pids mcslab$LAB-S1 | grep -q ." ||
    fail "mcscope --lab --topology dual did not start its senders"
kill -TERM $LAB
wait $LAB 2>/dev/null
ip netns list | grep -q "^mcslab$LAB-" && fail "SIGTERM left the dual lab"
say "ok: SIGTERM removes the dual lab"

# ---- 5. smcroute ----

if [ -e /proc/net/ip_mr_vif ] && [ -e /proc/net/ip6_mr_vif ] &&
    command -v smcrouted >/dev/null; then
    [ "$ROUTER" = smcroute ] ||
        fail "the kernel routes multicast, yet the routed lab ran '$ROUTER'"
    say "ok: smcroute ran the routed lab"
else
    [ "$ROUTER" = nft ] || fail "no multicast routing here, yet '$ROUTER' ran"
    say "skip: smcroute: kernel without CONFIG_IP_MROUTE / CONFIG_IPV6_MROUTE" \
        "or smcroute not installed (the nft stand-in ran the routed lab)"
fi
exit 0
