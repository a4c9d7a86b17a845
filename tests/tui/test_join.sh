#!/bin/sh
# A join typed with keys: j opens the join prompt (the interface already
# filled in), the group is typed, Enter runs it; the group's row appears
# and its packet count rises while S1 sends.
. "$(dirname "$0")/lib.sh"
tui_init "$@"
lab_up
sender_in S1 ff15::1234 dev lab0 rate 100
tui_start RX 120 40

keys j
expect_screen ":join  dev lab0"
type_text "ff15::1234"
expect_screen "✓ join ff15::1234 dev lab0"
keys Enter
expect_screen "ok      join ff15::1234 dev lab0"
expect_screen "ASM"
sleep 2
a=$(group_packets ff15::1234)
sleep 2
b=$(group_packets ff15::1234)
[ "$a" -gt 0 ] || fail "no packets counted after 2 s (first read $a)"
[ "$b" -gt "$a" ] || fail "the count did not rise: $a then $b"
say "ok: join by keys, packets $a -> $b"

# p pauses the table: the numbers stay while packets still come
keys p
expect_screen "PAUSED"
sleep 0.5
c=$(group_packets ff15::1234)
sleep 1.5
d=$(group_packets ff15::1234)
[ "$c" -eq "$d" ] || fail "the paused table changed: $c then $d"
keys p
sleep 1
e=$(group_packets ff15::1234)
[ "$e" -gt "$d" ] || fail "the table did not resume: $d then $e"
say "ok: paused at $c, resumed at $e"

keys Enter # the sources of the group
expect_screen "└ fd42::1"
expect_alive
