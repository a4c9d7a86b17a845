#!/bin/sh
# The habits of issue 18 item 4, key by key.
# r resets the selected group's counts while counting goes on: r opens
# ":reset GROUP" for the selected row, Enter runs it (the event log shows
# it), the row's packet count drops to what came since and rises again;
# ":reset" alone resets every group.  p (pause) freezes the display while
# counting goes on: tui.join checks that.
# W writes the report as it is now to a new file in mcscope's folder
# (mcscope-report-DATE-TIME.json): python3's json reads it and its count
# for the group is the one on the screen at that moment or a little
# more; W when a file of that name exists is refused (never overwritten).
# O opens `columns` with the order in force; a typed order is shown (group
# first), an unknown name is refused naming the ones there are, and
# `columns` alone brings every column back.
# z steps the RATE sparkline: seconds, minutes, hours, seconds (the
# header says which; unit.stats checks the minute and hour counts).
# The mouse (SGR mouse reports, as xterm sends them): a click on the
# second row selects it, the wheel moves the selection up, a double click
# opens the row's sources.
# Q quits and leaves the last screen in the terminal as text (q restores
# the terminal without it: tui.theme checks that).
. "$(dirname "$0")/lib.sh"
tui_init "$@"
lab_up
sender_in S1 ff15::1234 dev lab0 rate 100
sender_in S2 239.1.1.1 dev lab0 rate 100
cd "$WORK" || fail "cd $WORK"
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

# files of the names W would take in the next 3 seconds: refused
now=$(date +%s)
for i in 0 1 2 3; do
    : >"$WORK/mcscope-report-$(date -d @$((now + i)) +%Y%m%d-%H%M%S).json"
done
keys W
expect_screen "exists already, and mcscope never overwrites a file"
for f in "$WORK"/mcscope-report-*.json; do
    [ -s "$f" ] && fail "W wrote over $f"
    rm -f "$f"
done
before=$(group_packets ff15::1234)
keys W
expect_screen "the report is in $WORK/mcscope-report-"
n=$(ls "$WORK"/mcscope-report-*.json | wc -l)
[ "$n" = 1 ] || fail "$n report files, want 1"
f=$(ls "$WORK"/mcscope-report-*.json)
got=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print([g for g in d["groups"] if g["group"] == "ff15::1234"][0]["packets"])' "$f") ||
    fail "python3 cannot read $f as JSON"
[ "$got" -ge "$before" ] && [ "$got" -lt $((before + 100)) ] ||
    fail "the report file says $got packets, the screen said $before"
say "ok: W wrote $f ($got packets; the screen said $before)"
expect_alive

keys O
expect_screen ":columns group iface port mode src pkts bytes pkt/s bit/s payload loss dup ord jitter"
keys C-u
type_text "columns pkts mode"
expect_screen "✓ columns group pkts mode"
keys Enter
wait_for_header() {
    i=0
    while [ $i -lt 30 ]; do
        screen | sed -n 2p | grep -qE "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    fail "$2: the header is '$(screen | sed -n 2p)'"
}
wait_for_header "^GROUP +PKTS +MODE *$" "columns pkts mode"
row=$(screen | strip_glyphs | awk '$1 == "ff15::1234" { print; exit }')
printf '%s\n' "$row" | awk '{ exit !($3 == "ASM" && $2 ~ /^[0-9.]+k?$/) }' ||
    fail "the row does not follow the header: $row"
keys :
type_text "columns pkts bogus"
expect_screen "unknown column 'bogus': use group, iface, port"
keys C-u
type_text "columns"
keys Enter
wait_for_header "^GROUP +IFACE +PORT +MODE +SRC +PKTS" "columns alone"
say "ok: O and columns choose and order the columns"

screen | sed -n 2p | grep -qE "RATE \([0-9]+ s\)" || fail "no RATE (N s) header"
keys z
expect_screen "RATE: one bar per minute"
screen | sed -n 2p | grep -qE "RATE \([0-9]+ min\)" || fail "z: no RATE (N min) header"
keys z
expect_screen "RATE: one bar per hour"
screen | sed -n 2p | grep -qE "RATE \([0-9]+ h\)" || fail "z: no RATE (N h) header"
keys z
expect_screen "RATE: one bar per second"
screen | sed -n 2p | grep -qE "RATE \([0-9]+ s\)" || fail "z: not back to seconds"
say "ok: z steps the sparkline through seconds, minutes and hours"

# SGR mouse report: button, column, row (1-based); M press, m release
mouse() { type_text "$(printf '\033[<%s;%s;%s%s' "$1" "$2" "$3" "$4")"; }
row2=$(screen | awk 'NR == 4')
case "$row2" in *239.1.1.1*) ;; *) fail "the second row is not 239.1.1.1: $row2" ;; esac
mouse 0 5 4 M
mouse 0 5 4 m
wait_for "▸239.1.1.1" 3 || fail "a click on the second row did not select it"
mouse 64 5 4 M
wait_for "▸ff15::1234" 3 || fail "the wheel did not move the selection up"
sleep 0.5
mouse 0 5 4 M
mouse 0 5 4 m
mouse 0 5 4 M
mouse 0 5 4 m
wait_for "└ 10.200.0.2" 3 || fail "a double click did not open 239.1.1.1"
screen | grep -qF "▾239.1.1.1" || fail "the double-clicked row is not open"
say "ok: mouse: click selects, wheel scrolls, double click opens"

keys Q
wait_exit
[ "$(exit_status)" = 0 ] || fail "Q: exit status $(exit_status)"
after=$(tmux -S "$SOCK" capture-pane -p -S - -t tui)
printf '%s\n' "$after" | grep -qE "^GROUP +IFACE +PORT +MODE" ||
    fail "Q left no table header in the terminal"
printf '%s\n' "$after" | grep -qE "ff15::1234 +lab0 +5001 +ASM" ||
    fail "Q left no row of ff15::1234 in the terminal"
printf '%s\n' "$after" | grep -qF "mcscope 0.1" ||
    fail "Q left no status line in the terminal"
say "ok: Q left the last screen"
