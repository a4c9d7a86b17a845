#!/bin/sh
# Colour themes and NO_COLOR (no-color.org), read from the terminal's
# cells as tmux holds them (capture-pane -e: the SGR sequences):
#  - by default the screen has colours (SGR 30-37/40-47 or 38;5/48;5);
#  - NO_COLOR=1: none at all, from the first frame; C says why it stays so;
#  - NO_COLOR= (empty) is not set: colours;
#  - C switches to the mono theme (no colour left on the screen, the
#    message says so) and back;
#  - MCSCOPE_THEME=mono starts in mono.
. "$(dirname "$0")/lib.sh"
tui_init "$@"
lab_up
BASE=$MCSCOPE_TUI

# The screen with its attributes; 0 when a colour SGR is on it.
has_colour() {
    tmux -S "$SOCK" capture-pane -e -p -t tui |
        grep -qE $(printf '\033')'\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5)[;m]'
}

session() {
    MCSCOPE_TUI="$1"
    tui_start RX 120 40 -e "join ff15::1234 dev lab0"
    expect_screen "ASM"
}

end_session() {
    keys q
    wait_exit
    # q restores the terminal: the screen goes with the alternate screen
    tmux -S "$SOCK" capture-pane -p -S - -t tui | grep -qE "^ ?GROUP +IFACE" &&
        fail "q left the screen in the terminal (only Q does)"
    tmux -S "$SOCK" kill-server 2>/dev/null
}

session "$BASE"
has_colour || fail "the default screen has no colours"
keys C
expect_screen "theme mono: no colours"
sleep 0.3
has_colour && fail "the mono theme still shows colours"
keys C
expect_screen "theme colour"
sleep 0.3
has_colour || fail "C did not bring the colours back"
end_session
say "ok: colour by default, C: mono and back"

session "env NO_COLOR=1 $BASE"
has_colour && fail "NO_COLOR=1: colours on the screen"
keys C
expect_screen "NO_COLOR is set: no colours"
has_colour && fail "NO_COLOR=1: C turned colours on"
end_session
say "ok: NO_COLOR=1 has no colours, C says why"

session "env NO_COLOR= $BASE"
has_colour || fail "NO_COLOR empty (not set, no-color.org): no colours"
end_session

session "env MCSCOPE_THEME=mono $BASE"
has_colour && fail "MCSCOPE_THEME=mono: colours on the screen"
end_session
say "ok: NO_COLOR empty has colours; MCSCOPE_THEME=mono has none"
