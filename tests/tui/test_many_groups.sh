#!/bin/sh
# 2,000 groups in the TUI (a script of join lines, -f): the table shows
# them in join order and scrolls through all of them (PgDn to the last,
# PgUp back to the first, every screen a run of consecutive groups); a
# filter shows exactly the groups whose text holds it (the set on the
# screen is the set awk finds in the script's names, and the count the
# message line gives is awk's count), also when they do not fit on one
# screen and have to be scrolled.
. "$(dirname "$0")/lib.sh"
tui_init "$@"
N=2000
i=0
while [ $i -lt $N ]; do
    printf 'join ff15::a:%x dev lab0\n' $i
    i=$((i + 1))
done >"$WORK/joins"
lab_up
tui_start RX 120 40 -f "$WORK/joins"
expect_screen "$N groups"

# The group rows on the screen, one name a line, top to bottom.
shown() { screen | awk '$1 ~ /^ff15::a:/ && $2 == "lab0" { print $1 }'; }

# The shown rows are consecutive groups in join order (hex suffixes n,
# n+1, ...); prints the first and the last suffix as decimal numbers.
consecutive() {
    shown | awk -F: '{ v = 0; h = tolower($4)
        for (i = 1; i <= length(h); i++)
            v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
        if (NR > 1 && v != last + 1) { print "gap"; exit }
        if (NR == 1) first = v; last = v }
        END { if (NR) print first, last }'
}

# Wait until the first shown row is ff15::a:WANT (hex).
wait_top() {
    i=0
    while [ $i -lt 50 ]; do
        [ "$(shown | head -1)" = "ff15::a:$1" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    fail "the table's first row never became ff15::a:$1"
}

wait_top 0
read -r first last <<EOF
$(consecutive)
EOF
[ "$first" = 0 ] && [ "$last" -gt 10 ] ||
    fail "the first screen is not groups 0.. in join order: $first $last"

# PgDn 10 times: a screen further on, still consecutive.
tmux -S "$SOCK" send-keys -t tui -N 10 NPage
sleep 0.5
r=$(consecutive)
case $r in gap | "" | "0 "*) fail "after 10 PgDn the rows are '$r'" ;; esac
say "ok: after 10 PgDn the table shows groups $r"

# Past the end: the last screen ends with the last group.
tmux -S "$SOCK" send-keys -t tui -N 100 NPage
i=0
while [ $i -lt 50 ] && [ "$(shown | tail -1)" != "ff15::a:7cf" ]; do
    sleep 0.1
    i=$((i + 1))
done
r=$(consecutive)
[ "${r#* }" = $((N - 1)) ] || fail "the last screen is '$r', not ..$((N - 1))"
say "ok: the last screen shows groups $r"
tmux -S "$SOCK" send-keys -t tui -N 100 PPage
wait_top 0

# A filter: exactly the groups whose name holds it.
check_filter() {
    f=$1
    want=$(awk -v f="$f" '{ if (index($2, f)) print $2 }' "$WORK/joins" |
        sort)
    n=$(printf '%s\n' "$want" | grep -c .)
    keys /
    type_text "$f"
    expect_screen "$n of $N rows shown" 5
    keys Enter
    expect_screen "filter: $f" 5
    got=$(shown | sort)
    if [ "$n" -le 20 ]; then
        [ "$got" = "$want" ] ||
            fail "filter '$f': the screen shows $(echo $got), awk finds $(echo $want)"
    else
        # more than a screen: what shows is the head of awk's list in
        # join order; the rest comes with PgDn, the last one at the end
        tmux -S "$SOCK" send-keys -t tui -N 100 NPage
        lastwant=$(awk -v f="$f" '{ if (index($2, f)) l = $2 } END { print l }' \
            "$WORK/joins")
        i=0
        while [ $i -lt 50 ] && [ "$(shown | tail -1)" != "$lastwant" ]; do
            sleep 0.1
            i=$((i + 1))
        done
        [ "$(shown | tail -1)" = "$lastwant" ] ||
            fail "filter '$f': the end shows $(shown | tail -1), not $lastwant"
        for g in $(shown); do
            case $g in *"$f"*) ;; *) fail "filter '$f' shows $g" ;; esac
        done
    fi
    say "ok: filter '$f' shows the $n groups awk finds"
    keys Escape
}
check_filter "ff15::a:1f"
check_filter "a:7c"
check_filter "ff15::a:1"
expect_alive
