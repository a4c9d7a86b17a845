#!/bin/sh
# The control-message panel: with the hop limit flag off, the detail view
# shows no hop limit for the source; c, then 2, turns "cmsg hoplimit" on;
# the panel and the status line show it, and the detail view then shows
# the hop limit the sender put on its packets (7).
. "$(dirname "$0")/lib.sh"
tui_init "$@"
lab_up
sender_in S1 ff15::1234 dev lab0 rate 50 hoplimit 7
tui_start RX 120 40 -e "cmsg hoplimit off" -e "join ff15::1234 dev lab0"

expect_screen "ff15::1234"
expect_screen "TC hl SRC" # the status line: the flag is off
keys d
expect_screen "Last packets ("
expect_screen "src fd42::1"
expect_screen "hoplimit —"
keys Escape
keys c
expect_screen "[ ] hoplimit"
keys 2
expect_screen "[x] hoplimit"
expect_screen "ok      cmsg hoplimit on"
expect_screen "TC HL SRC"
keys Escape
keys d
expect_screen "hoplimit 7" 5
expect_alive
say "ok: cmsg hoplimit toggled in the panel; the detail view shows hoplimit 7"
