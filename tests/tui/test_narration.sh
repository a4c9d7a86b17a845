#!/bin/sh
# Narration a class can follow: for every lesson and every stage, at
# 80x24, when the stage waits for n (the last stage: when the lesson is
# over), every line of the stage's narration (its echo lines, as the
# lesson file has them, and the lines it shows refused with mcscope's
# reason) is on the screen, in the lesson's pane; the
# lasting line says "lesson NAME, stage k/n: TITLE".  The lab is the
# program's own (mcscope --lab --lesson NAME builds it and removes it on
# q).  LESSONS="join exclude" runs only those.
. "$(dirname "$0")/lib.sh"
tui_init "$@"
DIR="$(dirname "$0")/../../assets/lessons"
LESSONS=${LESSONS:-$(cd "$DIR" && ls *.mcs | sed 's/\.mcs$//')}
COLS=${COLS:-80}
ROWS=${ROWS:-24}

# The screen as one line: rules (─) dropped, rows trimmed, joined by
# blanks, blanks squeezed: wrapped text reads as it was written.
flat() {
    screen | sed 's/─/ /g; s/[[:space:]]*$//' | tr '\n' ' ' | tr -s ' '
}

# The echo texts of stage K of lesson file F, blanks squeezed.
stage_echoes() {
    awk -v k="$2" '/^# --- stage:/ { s++ } s == k && /^echo / {
        sub(/^echo /, ""); gsub(/[ \t]+/, " "); print }' "$1"
}

stage_title() {
    awk -v k="$2" '/^# --- stage:/ { s++; if (s == k) {
        sub(/^# --- stage: */, ""); print } }' "$1"
}

total=0
for name in $LESSONS; do
    f="$DIR/$name.mcs"
    n=$(grep -c '^# --- stage:' "$f")
    tmux -u -S "$SOCK" -f "$TMUX_CONF" new-session -d -s tui -x "$COLS" \
        -y "$ROWS" "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
$MCSCOPE_TUI --lab --lesson $name 2>$WORK/tui.err; echo mcscope-exit=\$?" ||
        fail "tmux new-session"
    k=1
    while [ "$k" -le "$n" ]; do
        if [ "$k" -lt "$n" ]; then
            wait_for "stage $k/$n done: press n" 90 ||
                fail "$name: stage $k/$n never waited for n"
        else
            wait_for "the lesson is over" 90 ||
                fail "$name: the last stage never ended"
        fi
        screen_now=$(flat)
        title=$(stage_title "$f" "$k")
        if [ "$k" -lt "$n" ]; then
            printf '%s' "$screen_now" | grep -qF "lesson $name, stage $k/$n: $title" ||
                fail "$name: no lasting line 'lesson $name, stage $k/$n: $title'"
        fi
        lines=0
        stage_echoes "$f" "$k" >"$WORK/echoes"
        while IFS= read -r text; do
            lines=$((lines + 1))
            printf '%s' "$screen_now" | grep -qF -- "$text" ||
                fail "$name stage $k/$n at ${COLS}x$ROWS: narration line $lines not on screen: $text"
        done <"$WORK/echoes"
        # a line the stage shows refused: the line, and why
        awk -v k="$k" '/^# --- stage:/ { s++ } s == k && /^# lab: refused / {
            sub(/^# lab: refused /, ""); print }' "$f" >"$WORK/refused"
        while IFS= read -r text; do
            lines=$((lines + 1))
            printf '%s' "$screen_now" | grep -qF -- "\$ $text mcscope refuses it: $text:" ||
                fail "$name stage $k/$n: the refused line '$text' and its reason are not on screen"
        done <"$WORK/refused"
        total=$((total + lines))
        say "ok: $name stage $k/$n: $lines narration lines on screen"
        [ "$k" -lt "$n" ] && keys n
        k=$((k + 1))
    done
    expect_alive
    keys q # the lab asks first: it goes too
    expect_screen "quit and remove the lab"
    keys y
    wait_exit
    tmux -S "$SOCK" kill-session -t tui
done
say "ok: every stage's narration was on the screen ($total lines)"
