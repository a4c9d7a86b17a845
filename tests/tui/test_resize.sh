#!/bin/sh
# Resizing: down to 40x12 (a narrow table), 20x5 (too small), and back to
# 120x40 (the full table) keeps mcscope alive and drawing; q then quits
# with status 0, and SIGTERM ends it with status 1 and the terminal
# restored (its message prints on the normal screen).
. "$(dirname "$0")/lib.sh"
tui_init "$@"
lab_up
sender_in S1 ff15::1234 dev lab0 rate 100
tui_start RX 120 40 -e "join ff15::1234 dev lab0"

expect_screen "RATE"
resize 40 12
expect_screen "PKTS" 5
expect_screen "ff15::1234"
screen | grep -q "IFACE" && fail "40 columns should drop IFACE"
resize 20 5
expect_screen "too small" 5
keys j # nothing but q works while too small
resize 80 24
expect_screen "MODE" 5
resize 120 40
expect_screen "RATE" 5
expect_screen "IFACE"
screen | grep -q ":join" && fail "a key pressed while too small opened a prompt"
expect_alive
keys q
wait_exit
[ "$(exit_status)" = 0 ] || fail "q quit with status $(exit_status)"
screen | grep -q "GROUP" && fail "q: the TUI's screen is still up"
tmux -S "$SOCK" kill-server

tui_start RX 120 40
pid=$(ip netns pids "$(ns RX)" | head -1)
[ -n "$pid" ] || fail "no mcscope process in RX"
kill -TERM "$pid"
wait_exit
[ "$(exit_status)" = 1 ] || fail "SIGTERM: status $(exit_status), not 1"
grep -q "ended by" "$WORK/tui.err" || fail "SIGTERM: no message on stderr"
# endwin ran: the terminal is back on its normal screen, the table gone
screen | grep -q "GROUP" && fail "SIGTERM: the TUI's screen is still up"
say "ok: resizes survived; q quits 0, SIGTERM quits 1"
