#!/bin/sh
# The demo as a newcomer meets it.
#  - scripts/demo.sh says it is building before the build starts, not a
#    blank terminal: the build tool is a slow stand-in here (cmake on
#    PATH that waits 3 s), so the message must show while it waits;
#  - mcscope --lab at 80x24: the welcome and the hints stay on the screen
#    (the demo's pinned pane) while MLD and packets fill the event log;
#  - ^C at the prompt cancels the line and mcscope stays; q asks before
#    the lab goes (n stays, y quits with status 0).
. "$(dirname "$0")/lib.sh"
tui_init "$@"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$WORK/bin" "$WORK/build"
cat >"$WORK/bin/cmake" <<'STUB'
#!/bin/sh
sleep 3
STUB
chmod +x "$WORK/bin/cmake"
printf '#!/bin/sh\necho demo-started\nsleep 30\n' >"$WORK/build/mcscope"
chmod +x "$WORK/build/mcscope"
rm "$WORK/build/mcscope" # the first run: nothing built yet
tmux -u -S "$SOCK" -f "$TMUX_CONF" new-session -d -s tui -x 80 -y 24 \
    "env PATH=$WORK/bin:\$PATH MCSCOPE_BUILD_DIR=$WORK/build $ROOT/scripts/demo.sh; echo mcscope-exit=\$?" ||
    fail "tmux new-session"
wait_for "building in $WORK/build for the first time" 2 ||
    fail "scripts/demo.sh said nothing while it built"
screen | grep -q "mcscope-exit=" && fail "demo.sh ended: $(screen)"
tmux -S "$SOCK" kill-session -t tui

# The demo itself (its own lab, removed on q).
tmux -u -S "$SOCK" -f "$TMUX_CONF" new-session -d -s tui -x 80 -y 24 \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $MCSCOPE_TUI --lab 2>$WORK/tui.err; echo mcscope-exit=\$?" ||
    fail "tmux new-session"
expect_screen "The mcscope lab: S1" 20
expect_screen "Try: x blocks a source" 20
sleep 6 # joins, reports, packets: the event log moves on
flat=$(screen | sed 's/[[:space:]]*$//' | tr '\n' ' ' | tr -s ' ')
for text in "The mcscope lab: S1" "Try: x blocks a source" "Guided lessons: mcscope --lab --lesson NAME"; do
    printf '%s' "$flat" | grep -qF "$text" || fail "'$text' was pushed away"
done
expect_alive
# ^C at the prompt cancels the line (a key, not SIGINT); q asks first
keys :
type_text "join ff15::99 dev lab0"
expect_screen ":join ff15::99 dev lab0"
keys C-c
sleep 0.5
screen | grep -qF ":join ff15::99" && fail "^C left the line at the prompt"
expect_alive
keys q
expect_screen "quit and remove the lab"
keys n
sleep 0.3
expect_alive
keys q
expect_screen "quit and remove the lab"
keys y
wait_exit
[ "$(exit_status)" = 0 ] || fail "q ended with status $(exit_status)"
say "ok: demo.sh says it builds; the demo's welcome and hints stay on screen"
