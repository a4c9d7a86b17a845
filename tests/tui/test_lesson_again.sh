#!/bin/sh
# A lesson again, in the TUI: N (previous stage) and R (restart) leave the
# monitor as a fresh run of that stage has it.  For the cmsg lesson the
# state when a stage waits for n (the status line's settings and cmsg
# flags, and the groups joined with their interface, port and mode) is
# taken in a fresh run of stages 1 and 2, the lesson run to its end
# (stage 4 joins an SSM group and turns the traffic class on), then N
# twice (stage 3, then stage 2) and R (stage 1) must show the same
# state again.  For the listeners lesson, R after stage 4 (a second
# program on RX, multicast-all on) ends that program and turns
# multicast-all off again.  The help lists n, N, R and b; b opens the
# lesson list: a lesson of another lab variant is refused, one of this
# variant starts from its stage 1 with the monitor reset.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

COLS=160
ROWS=45

start_lesson() {
    tmux -u -S "$SOCK" -f "$TMUX_CONF" new-session -d -s tui -x "$COLS" \
        -y "$ROWS" "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
$MCSCOPE_TUI --lab --lesson $1 2>$WORK/tui.err; echo mcscope-exit=\$?" ||
        fail "tmux new-session"
}

# The lesson's pane: from its lasting line to the event pane.
pane() { screen | sed -n '/── lesson /,/── events/p'; }

# Wait until the pane says TEXT (fixed string), at most SECONDS.
pane_wait() {
    i=0
    while [ "$i" -lt $(($2 * 10)) ]; do
        pane | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    fail "the lesson's pane never said '$1'"
}

# The state on screen: the status line without the program's name, and
# every joined group row as GROUP IFACE PORT MODE.
state() {
    screen | sed -n '1p' | sed 's/^ *mcscope [^│]*│//'
    screen | strip_glyphs | awk '$1 ~ /^(ff|2[23][0-9]\.)/ && $2 !~ /^[0-9]/ &&
        $4 != "left" && $4 != "none" { print $1, $2, $3, $4 }'
}

same_state() {
    [ "$1" = "$2" ] || fail "$3: the state differs from a fresh run's:
--- fresh ---
$1
--- now ---
$2"
}

# ---- cmsg: N, N, R ----
start_lesson cmsg
pane_wait "stage 1/4 done: press n" 60
s1=$(state)
printf '%s\n' "$s1" | grep -q "ff15::1234 lab0 5001 ASM" ||
    fail "stage 1 joined no ff15::1234: $s1"
keys n
pane_wait "stage 2/4 done: press n" 60
s2=$(state)
keys n
pane_wait "stage 3/4 done: press n" 60
s3=$(state)
keys n
pane_wait "the lesson is over" 60
s4=$(state)
printf '%s\n' "$s4" | grep -q "ff3e::1234 lab0 5001 INCL" ||
    fail "stage 4 joined no ff3e::1234 in include mode: $s4"
[ "$s4" != "$s2" ] || fail "stages 2 and 4 look the same: the test shows nothing"

keys N
pane_wait "stage 3/4 done: press n" 60
screen | grep -qF "lesson cmsg, stage 3/4" || fail "N: no lasting line of stage 3/4"
same_state "$s3" "$(state)" "N from the end (stage 3)"
keys N
pane_wait "stage 2/4 done: press n" 60
same_state "$s2" "$(state)" "N again (stage 2)"
keys e
wait_for "the lesson cmsg again from stage 2/4" 5 ||
    fail "N: the event log does not say what happened"
keys Escape
keys R
pane_wait "stage 1/4 done: press n" 60
same_state "$s1" "$(state)" "R (stage 1)"
# and on from there, as a fresh run goes
keys n
pane_wait "stage 2/4 done: press n" 60
same_state "$s2" "$(state)" "n after R (stage 2)"

# the help lists the lesson's keys
keys '?'
wait_for "The lesson (groups table)" 5 || fail "no lesson section in the help"
for k in "n +next stage" "N +previous stage" "R +restart lesson" "b +lessons"; do
    screen | grep -qE "^$k" || fail "the help does not list '$k'"
done
keys Escape

# b: the lesson list; the snooping lesson needs another lab (refused, the
# log says how to run it); join starts here, from its stage 1, with the
# cmsg lesson's ff3e::1234 group left and its flags as before it began
keys b
wait_for "lessons: Enter starts one from stage 1" 5 || fail "b: no lesson list"
screen | grep -qE "cmsg +control messages.*\(this one\)" ||
    fail "b: the list does not mark the lesson that runs"
screen | grep -qE "join +joining on an interface" || fail "b: no join in the list"
# the list's rows are the catalogue's, from tour down: Down to a name
down_to() {
    first=$(screen | grep -n "│ *tour " | head -1 | cut -d: -f1)
    at=$(screen | grep -n "│ *$1 " | head -1 | cut -d: -f1)
    [ -n "$first" ] && [ -n "$at" ] || fail "no $1 in the lesson list"
    i=$first
    while [ "$i" -lt "$at" ]; do
        keys Down
        i=$((i + 1))
    done
}
down_to snooping
keys Enter
wait_for "the lesson snooping needs another lab" 5 ||
    fail "the snooping lesson was not refused in this lab"
screen | grep -qF "lesson cmsg, stage 2/4" || fail "a refused pick changed the lesson"
keys b
wait_for "lessons: Enter starts one from stage 1" 5 || fail "b: no lesson list"
down_to join
keys Enter
pane_wait "stage 1/4 done: press n" 60
screen | grep -qF "lesson join, stage 1/4: Listen on a port" ||
    fail "the join lesson did not start at its stage 1"
now=$(state)
printf '%s\n' "$now" | grep -q "ff15::1234 lab0 5001 ASM" ||
    fail "join stage 1 joined no ff15::1234: $now"
printf '%s\n' "$now" | grep -q "ff3e::" && fail "the cmsg lesson's ff3e::1234 is still joined"
[ "$(printf '%s\n' "$now" | sed -n 1p)" = "$(printf '%s\n' "$s1" | sed -n 1p |
    sed 's/cmsg tc hl/cmsg TC HL/')" ] ||
    fail "the settings are not those before the cmsg lesson: $now"
keys q y
wait_exit
tmux -S "$SOCK" kill-server 2>/dev/null

# ---- listeners: R ends the second program and multicast-all ----
start_lesson listeners
pid=""
for k in 1 2 3; do
    pane_wait "stage $k/6 done: press n" 60
    [ "$k" = 2 ] && pid=$(screen |
        sed -n 's/.*another program on RX (pid \([0-9]*\).*/\1/p' | head -1)
    keys n
done
pane_wait "stage 4/6 done: press n" 60
screen | sed -n 1p | grep -qF "all on" || fail "stage 4: multicast-all is not on"
[ -n "$pid" ] || fail "no pid of the second program on screen at stage 2"
kill -0 "$pid" 2>/dev/null || fail "the second program (pid $pid) is not running"
keys R
pane_wait "stage 1/6 done: press n" 60
screen | sed -n 1p | grep -qF "all off" || fail "R: multicast-all is still on"
kill -0 "$pid" 2>/dev/null && fail "R: the second program (pid $pid) still runs"
keys q y
wait_exit
echo "ok: N and R bring back the state of a fresh run of the stage"
