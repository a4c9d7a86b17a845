#!/bin/sh
# Hop limits by keys, checked where they matter: a TUI in S1 starts a
# sender with s (the prompt offers lab0), M raises the multicast hop limit
# twice (1 -> 3), and a headless receiver in RX reports the hop limit of
# the last packet it got: 3.  h lowers the unicast hop limit, read back
# on the status line.
. "$(dirname "$0")/lib.sh"
tui_init "$@"
lab_up
batch_in RX 7 --json -e "join ff15::4321 dev lab0" -e "cmsg hoplimit on"
rx=$LAST_BG
tui_start S1 120 40

expect_screen "mhops 1 "
keys s
expect_screen ":send  dev lab0 rate 10"
type_text "ff15::4321"
expect_screen "✓ send ff15::4321 dev lab0"
keys Enter
expect_screen "ok      send ff15::4321 dev lab0"
sleep 1
keys M
expect_screen "ok      set mcast-hoplimit 2"
keys M
expect_screen "ok      set mcast-hoplimit 3"
expect_screen "mhops 3 "
keys h
expect_screen "ok      set hoplimit 63"
expect_screen "hops 63 "
wait "$rx"
grep -q '"hoplimit": *3' "$WORK/RX.out" ||
    fail "the receiver did not see hop limit 3 last: $(cat "$WORK/RX.out")"
expect_alive
say "ok: mcast-hoplimit 3 set by keys is what the receiver saw"
