#!/bin/sh
# r resets the selected group's counts while counting goes on: r opens
# ":reset GROUP" for the selected row, Enter runs it (the event log shows
# it), the row's packet count drops to what came since and rises again;
# ":reset" alone resets every group.  p (pause) freezes the display while
# counting goes on: tui.join checks that.
. "$(dirname "$0")/lib.sh"
tui_init "$@"
lab_up
sender_in S1 ff15::1234 dev lab0 rate 100
sender_in S2 239.1.1.1 dev lab0 rate 100
tui_start RX 120 40 -e "join ff15::1234 dev lab0" -e "join 239.1.1.1 dev lab0"

expect_screen "ASM"
sleep 4
a=$(group_packets ff15::1234)
b4=$(group_packets 239.1.1.1)
[ "$a" -ge 250 ] || fail "fewer than 250 packets after 4 s: $a"
[ "$b4" -ge 250 ] || fail "fewer than 250 IPv4 packets after 4 s: $b4"
keys r
expect_screen ":reset ff15::1234"
keys Enter
expect_screen "ok      reset ff15::1234"
b=$(group_packets ff15::1234)
c4=$(group_packets 239.1.1.1)
[ "$b" -lt 60 ] || fail "after reset the count is still $b (was $a)"
[ "$c4" -ge "$b4" ] || fail "the other group was reset too: $b4 then $c4"
sleep 2
c=$(group_packets ff15::1234)
[ "$c" -gt "$b" ] && [ "$c" -ge 150 ] ||
    fail "counting did not go on after reset: $b then $c"
say "ok: r: $a -> $b -> $c, the IPv4 group kept $c4"

keys :
type_text "reset"
keys Enter
expect_screen "ok      reset"
d=$(group_packets ff15::1234)
d4=$(group_packets 239.1.1.1)
[ "$d" -lt 60 ] && [ "$d4" -lt 60 ] || fail ":reset left counts $d and $d4"
say "ok: :reset zeroed both ($d, $d4)"
expect_alive
