#!/bin/sh
# The diagnosis screen: D on the selected group runs `diagnose` for it and
# shows every check, failures first, live.  RX captures lab0, joins a
# group that S1 sends to: the verdict is ok and membership reads
# /proc/net/igmp6.  Then IFF_MULTICAST goes off on RX's lab0 (ip link):
# within the next ticks the iface check fails on the first row with the
# fix `ip link set dev lab0 multicast on`; back on, it is ok again.  D goes
# back to the groups table.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

expect_re() {
    i=0
    while [ "$i" -lt "${2:-100}" ]; do
        screen 2>/dev/null | grep -q -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    screen >&2
    fail "no line matching '$1' on the screen"
}
lab_up
sender_in S1 ff15::7d dev lab0 port 5079 rate 20
tui_start RX 150 45

keys :
type_text "pcap on dev lab0"
keys Enter
keys :
type_text "join ff15::7d dev lab0 port 5079"
keys Enter
expect_re "ff15::7d *lab0 *5079"
keys D
expect_screen "Diagnosis: why does the stream not arrive"
expect_re "diagnose ff15::7d dev lab0 port 5079: ok"
expect_re "ok *membership"
expect_re "/proc/net/igmp6: lab0 holds ff15::7d"
ip netns exec "$(ns RX)" ip link set lab0 multicast off ||
    fail "ip link set lab0 multicast off"
expect_re "diagnose ff15::7d dev lab0 port 5079: fail" 50
# failures first: the first check under the verdict is the failed one
screen | grep -A2 "diagnose ff15::7d dev lab0 port 5079: fail" |
    grep -q "fail *iface" || { screen >&2; fail "iface is not first"; }
expect_re "fix: ip link set dev lab0 multicast on"
ip netns exec "$(ns RX)" ip link set lab0 multicast on ||
    fail "ip link set lab0 multicast on"
expect_re "diagnose ff15::7d dev lab0 port 5079: ok" 50
say "ok: the diagnosis followed IFF_MULTICAST off and on"
keys D
expect_re "GROUP .*IFACE *PORT *MODE"
expect_alive
