#!/bin/sh
# The streams screen: v shows it; with discover and sap on, S1's probe
# stream to ff15::88 shows with its source, and a SAP session announced from
# S2 by tests/netns/sap_announce.py (an independent RFC 2974 writer) shows
# with its name; j on the stream opens the prompt with the any-source join
# of it, j on the session (an SSM group whose SDP names fd42::1) with
# join-source; Enter runs it.
. "$(dirname "$0")/lib.sh"
tui_init "$@"
command -v python3 >/dev/null || skip "python3 not installed"
lab_up
tui_start RX 150 40

keys :
type_text "discover on dev lab0"
keys Enter
keys :
type_text "sap on dev lab0"
keys Enter
sender_in S1 ff15::88 dev lab0 rate 50
keys v
expect_screen "On the link: "
expect_screen "ff15::88" # the first stream seen: selected
ip netns exec "$(ns S2)" python3 "$(dirname "$0")/../netns/sap_announce.py" \
    ipv6 lab0 fd42::2 0x77 "TUI camera" ff3e::88 5004 fd42::1 1 0 ||
    fail "sap_announce.py failed"
expect_screen "TUI camera"
keys j
expect_screen ":join ff15::88 dev lab0 port 5001"
keys Escape
keys Down Down Down Down Down
keys j
expect_screen ":join-source ff3e::88 fd42::1 dev lab0 port 5004"
keys Enter
expect_screen "1 group  rx" # the join ran
say "ok: stream and session joined from the streams screen"
keys v
expect_alive
