#!/bin/sh
# The querier timeline: y shows it.  RX captures lab0 and joins a group
# (its own reports make the group a row with its expiry on a snooping
# switch); SW's bridge becomes a querier (mcast_querier 1): its IGMPv2
# general query (from 0.0.0.0: br0 has no IPv4 address) shows as a
# timeline row, with its maximum response time as the QRI; y again goes
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
tui_start RX 150 40

keys y
expect_screen "Querier timeline"
expect_screen "no MLD/IGMP seen: the timeline comes from the wire"
keys y
keys :
type_text "pcap on dev lab0"
keys Enter
keys :
type_text "join ff15::78 dev lab0 port 5078"
keys Enter
expect_re "ff15::78 *lab0 *5078"
keys y
expect_re "lab0 MLD: no query yet in"
expect_re "ff15::78 *mldv2 .*expires in 4m"
ip netns exec "$(ns SW)" ip link set br0 type bridge mcast_snooping 1 \
    mcast_querier 1 || fail "the bridge would not become a querier"
expect_re "lab0 IGMP: querier 0.0.0.0 (igmpv2), last query" 150
expect_re "0.0.0.0 *igmpv2 general *- *10000 ms *- *- *-" 20
expect_re "QRV 2, QQI 125 s, QRI 10000 ms (the querier's)" 20
say "ok: the bridge's query and RX's group shown"
keys y
expect_re "GROUP .*IFACE *PORT *MODE"
expect_alive
