# Shared by the TUI tests (sourced): a namespace lab, mcscope under a
# private tmux server, keys in and screens out.
#
#   S1 lab0 fd42::1  10.200.0.1  --+
#   S2 lab0 fd42::2  10.200.0.2  --+-- SW: bridge br0 (snooping off)
#   RX lab0 fd42::10 10.200.0.10 --+
#
# The lab is the program's own (mcscope --lab-net up, src/lab/net.c), in
# namespaces "mctui<pid>-HOST"; the tmux server has a private socket in a
# temporary directory; the trap removes both, and whatever runs inside,
# on every way out (mcscope --lab-net down); what a killed run left is
# swept by the next (mcscope --lab-net sweep).
#
# Usage in a test:   . "$(dirname "$0")/lib.sh"; tui_init "$@"
# Arguments: MCSCOPE (the program) and, for the help test, KEYS_DUMP.
# MCSCOPE_TUI overrides the program that runs the TUI (default MCSCOPE).

set -u

SKIP=77
PREFIX="mctui$$"
SOCK=""
TMUX_CONF=""
BG_PIDS=""
WORK=""

say() { printf '%s\n' "$*" >&2; }
fail() {
    say "FAIL: $*"
    if [ -n "$SOCK" ] && tmux -S "$SOCK" has-session 2>/dev/null; then
        say "--- screen ---"
        tmux -S "$SOCK" capture-pane -p -t tui >&2 2>/dev/null
        say "--------------"
    fi
    exit 1
}
skip() { say "SKIP: $*"; exit $SKIP; }

ns() { printf '%s-%s' "$PREFIX" "$1"; }

LAB_UP=""

cleanup() {
    for p in $BG_PIDS; do kill "$p" 2>/dev/null; done
    [ -n "$SOCK" ] && tmux -S "$SOCK" kill-server 2>/dev/null
    [ -n "$LAB_UP" ] &&
        "$MCSCOPE" --lab-net down --prefix mctui --owner $$ 2>/dev/null
    [ -n "$WORK" ] && rm -rf "$WORK"
}

tui_init() {
    MCSCOPE=${1:-}
    export KEYS_DUMP="${2:-}" # for the help test
    if [ -z "$MCSCOPE" ] || [ ! -x "$MCSCOPE" ]; then
        skip "no mcscope program given"
    fi
    MCSCOPE_TUI=${MCSCOPE_TUI:-$MCSCOPE}
    [ "$(id -u)" = 0 ] || skip "not root: the TUI tests build network namespaces"
    command -v tmux >/dev/null || skip "tmux is missing (apt-get install tmux)"
    command -v ip >/dev/null || skip "iproute2 is missing"
    trap cleanup EXIT
    trap 'exit 1' INT TERM HUP
    # What killed runs of these tests left (their pid is gone).
    "$MCSCOPE" --lab-net sweep --prefix mctui
    WORK=$(mktemp -d /tmp/mctui.XXXXXX)
    SOCK="$WORK/tmux.sock"
    TMUX_CONF="$WORK/tmux.conf"
    # exit-empty off: a test that kills its session and starts another must
    # not race the server's exit ("server exited unexpectedly"); cleanup
    # kills the server.
    cat >"$TMUX_CONF" <<'EOF'
set -g remain-on-exit on
set -g exit-empty off
set -g status off
set -g default-terminal "xterm-256color"
EOF
}

# The lab of LAB.md, in namespaces of our own: HOST is $(ns HOST).
lab_up() {
    LAB_UP=1
    "$MCSCOPE" --lab-net up --prefix mctui --owner $$ >"$WORK/lab.out" \
        2>"$WORK/lab.err" ||
        fail "mcscope --lab-net up: $(cat "$WORK/lab.err")"
    grep -q "^RX $(ns RX)\$" "$WORK/lab.out" ||
        fail "mcscope --lab-net up named other namespaces: $(cat "$WORK/lab.out")"
}

# A headless mcscope in HOST (batch mode) for SECONDS: -e arguments follow.
# Its report goes to $WORK/HOST.out (stdout) and $WORK/HOST.err.
batch_in() {
    host=$1
    secs=$2
    shift 2
    ip netns exec "$(ns "$host")" "$MCSCOPE" --batch "$secs" "$@" \
        >"$WORK/$host.out" 2>"$WORK/$host.err" &
    BG_PIDS="$BG_PIDS $!"
    export LAST_BG=$! # for a test that waits for it
}

# A probe sender in HOST: send GROUP dev lab0 with extra words.
sender_in() {
    host=$1
    shift
    batch_in "$host" 120 -e "send $* "
}

# Start the TUI in HOST at COLS x ROWS; more arguments go to mcscope.
tui_start() {
    host=$1
    cols=$2
    rows=$3
    shift 3
    args=""
    for a in "$@"; do
        args="$args '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
    done
    # After mcscope ends, its exit status shows on the (restored) screen.
    tmux -u -S "$SOCK" -f "$TMUX_CONF" new-session -d -s tui -x "$cols" \
        -y "$rows" "ip netns exec $(ns "$host") env TERM=xterm-256color \
LANG=C.UTF-8 LC_ALL=C.UTF-8 $MCSCOPE_TUI $args 2>$WORK/tui.err; \
echo mcscope-exit=\$?" || fail "tmux new-session"
    i=0
    while [ $i -lt 100 ] && ! screen | grep -qF "mcscope"; do
        sleep 0.1
        i=$((i + 1))
    done
    if screen | grep -qF "mcscope-exit=" || ! screen | grep -qF "mcscope"
    then
        if grep -q "TUI is not built" "$WORK/tui.err" 2>/dev/null; then
            skip "this mcscope runs no TUI yet (main.c does not call tui_run)"
        fi
        fail "the TUI did not start: $(cat "$WORK/tui.err" 2>/dev/null)"
    fi
}

screen() { tmux -S "$SOCK" capture-pane -p -t tui; }

keys() { tmux -S "$SOCK" send-keys -t tui "$@"; }

# Type text literally (no key names).
type_text() { tmux -S "$SOCK" send-keys -t tui -l "$1"; }

# mcscope's exit status once it has ended ("" while it runs).
exit_status() {
    # with the history: tmux may scroll it there to say "Pane is dead"
    tmux -S "$SOCK" capture-pane -p -S - -t tui | sed -n 's/^mcscope-exit=\([0-9]*\).*/\1/p' | tail -1
}

# Wait (5 s at most) until mcscope has ended.
wait_exit() {
    i=0
    while [ $i -lt 50 ] && [ -z "$(exit_status)" ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ -n "$(exit_status)" ] || fail "mcscope did not end"
}

resize() { tmux -S "$SOCK" resize-window -t tui -x "$1" -y "$2"; }

# Wait until the screen contains TEXT (fixed string), at most SECONDS.
wait_for() {
    text=$1
    secs=${2:-10}
    i=0
    while [ "$i" -lt $((secs * 10)) ]; do
        if screen 2>/dev/null | grep -qF -- "$text"; then
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

expect_screen() {
    wait_for "$1" "${2:-10}" || fail "'$1' never showed on the screen"
}

expect_alive() {
    [ -z "$(exit_status)" ] ||
        fail "mcscope ended (status $(exit_status)): $(cat "$WORK/tui.err")"
}

# An SI number from the screen ("18.2k") as an integer.
si_value() {
    printf '%s\n' "$1" | awk '{
        v = $1; m = 1; s = substr(v, length(v), 1)
        if (s == "k") m = 1e3; else if (s == "M") m = 1e6;
        else if (s == "G") m = 1e9;
        if (m > 1) v = substr(v, 1, length(v) - 1)
        if (v !~ /^[0-9.]+$/) { print -1; exit }
        printf "%d\n", v * m }'
}

# The screen row of a table row: the group row of GROUP (IFACE next to
# it), or the source row of SOURCE (a tree branch before it).  Glyphs are
# turned into blanks so that fields split cleanly.
strip_glyphs() { sed 's/▸/ /g; s/▾/ /g; s/├/ /g; s/└/ /g'; }

group_row() {
    screen | strip_glyphs | awk -v g="$1" '$1 == g && $2 !~ /^[0-9]/ {
        print; exit }'
}

source_row() {
    screen | grep -E '(├|└) ' | strip_glyphs |
        awk -v s="$1" '$1 == s { print; exit }'
}

# PKTS of a group row: GROUP IFACE PORT MODE SRC PKTS ...
group_packets() {
    row=$(group_row "$1")
    [ -n "$row" ] || fail "no row for group $1"
    si_value "$(printf '%s\n' "$row" | awk '{print $6}')"
}

# PKTS of a source row: the first number after the address (a state word
# such as "blocked" may come between).
source_packets() {
    row=$(source_row "$1")
    [ -n "$row" ] || fail "no row for source $1"
    si_value "$(printf '%s\n' "$row" | awk '{
        for (i = 2; i <= NF; i++) if ($i ~ /^[0-9.]+[kMGT]?$/) {
            print $i; exit } }')"
}
