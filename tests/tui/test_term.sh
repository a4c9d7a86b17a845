#!/bin/sh
# A terminal that cannot draw a screen is refused: TERM=dumb (no cursor
# addressing) ends like TERM=nosuchterm (unknown), with status 1 and a
# message that names the TERM and the fix, before anything is drawn.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

for term in nosuchterm dumb; do
    tmux -u -S "$SOCK" -f "$TMUX_CONF" new-session -d -s tui -x 80 -y 24 \
        "env TERM=$term $MCSCOPE_TUI 2>$WORK/$term.err; echo mcscope-exit=\$?" ||
        fail "tmux new-session"
    wait_exit
    [ "$(exit_status)" = 1 ] ||
        fail "TERM=$term: exit status $(exit_status), not 1"
    grep -q "cannot start the screen for TERM=$term" "$WORK/$term.err" ||
        fail "TERM=$term: no refusal: $(cat "$WORK/$term.err")"
    grep -q "e.g. xterm-256color" "$WORK/$term.err" ||
        fail "TERM=$term: the refusal gives no fix: $(cat "$WORK/$term.err")"
    # nothing of the TUI was drawn
    ! screen | grep -q "? help" || fail "TERM=$term: a screen was drawn"
    tmux -S "$SOCK" kill-session -t tui
done
say "ok: TERM=dumb and TERM=nosuchterm are refused alike (status 1)"
