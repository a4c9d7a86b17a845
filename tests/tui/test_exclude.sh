#!/bin/sh
# Exclude mode by keys: with S1 and S2 sending to an ASM group, select
# S2's source row and press x: the prompt holds the whole command, Enter
# blocks S2; S2's count stops while S1's goes on.  Then i (include-source)
# on the same row lets S2 in again.
. "$(dirname "$0")/lib.sh"
tui_init "$@"
lab_up
sender_in S1 ff15::1234 dev lab0 rate 100
sender_in S2 ff15::1234 dev lab0 rate 100
tui_start RX 120 40 -e "join ff15::1234 dev lab0"

expect_screen "ff15::1234"
keys Enter # expand: sources sorted by address, fd42::1 then fd42::2
expect_screen "└ fd42::2"
expect_screen "├ fd42::1"
keys Down Down
keys x
expect_screen ":exclude-source ff15::1234 fd42::2 dev lab0"
keys Enter
expect_screen "ok      exclude-source ff15::1234 fd42::2 dev lab0"
expect_screen "EXCLUDE{1}"
expect_screen "blocked"
sleep 1.5
s2a=$(source_packets fd42::2)
s1a=$(source_packets fd42::1)
sleep 2.5
s2b=$(source_packets fd42::2)
s1b=$(source_packets fd42::1)
[ "$s2a" -gt 0 ] || fail "fd42::2 had sent nothing before the block"
[ "$s2b" -eq "$s2a" ] || fail "fd42::2 went on after the block: $s2a -> $s2b"
[ "$s1b" -gt "$s1a" ] || fail "fd42::1 stopped too: $s1a -> $s1b"
say "ok: blocked fd42::2 stays at $s2a, fd42::1 $s1a -> $s1b"

# unblock: the selection is still on fd42::2
keys i
expect_screen ":include-source ff15::1234 fd42::2 dev lab0"
keys Enter
expect_screen "ok      include-source ff15::1234 fd42::2 dev lab0"
sleep 2
s2c=$(source_packets fd42::2)
[ "$s2c" -gt "$s2b" ] || fail "fd42::2 did not come back: $s2b -> $s2c"
expect_alive
say "ok: include-source lets fd42::2 in again ($s2b -> $s2c)"
