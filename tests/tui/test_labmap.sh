#!/bin/sh
# The lab's picture (key g), for two topologies, at 100x30:
#  - routed: subnet A with S1, S2 and RT's up0, subnet B (MTU 1280) with
#    RT's dn0 and RX's lab0, the router line; on RX's lab0 what arrives
#    now (a rate, 2 groups), and per source the hop limit RT left: 6 from
#    fd42::1 (sent with 7), 8 from fd42::2 (sent with 9) — the same the
#    routed lesson's test checks in JSON;
#  - dual: en0 and en1 in every host, RX's en0 with its rate;
#  Esc goes back to the table; q y removes the lab (nothing left).
. "$(dirname "$0")/lib.sh"
tui_init "$@"

run_lab() {
    tmux -u -S "$SOCK" -f "$TMUX_CONF" new-session -d -s tui -x 100 -y 30 \
        "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $MCSCOPE_TUI --lab --topology $1 2>$WORK/tui.err; echo mcscope-exit=\$?" ||
        fail "tmux new-session"
    expect_screen "The mcscope lab: S1" 20
}

quit_lab() {
    lab=$(sed -n 's/.*named network namespaces \(mcslab[0-9]*\)-SW.*/\1/p' \
        "$WORK/tui.err")
    keys q
    expect_screen "quit and remove the lab"
    keys y
    wait_exit
    [ "$(exit_status)" = 0 ] || fail "q y ended with status $(exit_status)"
    [ -n "$lab" ] || fail "the lab did not say its namespaces: $(cat "$WORK/tui.err")"
    ip netns list | grep -q "^$lab-" && fail "$lab's namespaces stay after q"
    tmux -S "$SOCK" kill-session -t tui
}

# The line of the screen that holds TEXT.
line_of() { screen | grep -F -- "$1" | head -1; }

run_lab routed
sleep 3 # a whole second of rates
keys g
expect_screen "the lab: routed"
for text in "+- A: bridge br0 in SW  fd42::/64 10.200.0.0/24  MTU 1500" \
    "+- B: a veth pair  fd43::/64 10.201.0.0/24  MTU 1280" \
    "RT up0  fd42::fe" "RT dn0  fd43::fe" "RT forwards multicast from A to B" \
    "a stand-in in nftables" "RX lab0 fd43::10"; do
    expect_screen "$text" 3
done
line_of "RX lab0 fd43::10" | grep -qE "<== [0-9.]+k? pkt/s, .* bit/s in 2 groups" ||
    fail "no rate on RX's lab0: $(line_of "RX lab0 fd43::10")"
line_of "from fd42::1 " | grep -qE "HL 6 " ||
    fail "fd42::1 not with hop limit 6: $(line_of "from fd42::1 ")"
line_of "from fd42::2 " | grep -qE "HL 8 " ||
    fail "fd42::2 not with hop limit 8: $(line_of "from fd42::2 ")"
keys Escape
sleep 0.3
screen | grep -qF "the lab: routed" && fail "Esc did not leave the picture"
expect_screen "GROUP"
quit_lab

run_lab dual
sleep 2
keys g
expect_screen "the lab: dual"
for text in "+- en0: bridge br0 in SW  fd42::/64" "+- en1: bridge br1 in SW  fd43::/64" \
    "S1 en1  fd43::1" "RX en1  fd43::10"; do
    expect_screen "$text" 3
done
line_of "RX en0  fd42::10" | grep -qE "<== [0-9.]+k? pkt/s, .* in 2 groups" ||
    fail "no rate on RX's en0: $(line_of "RX en0  fd42::10")"
line_of "RX en1  fd43::10" | grep -qE "<== .* in 0 groups" ||
    fail "RX's en1 should carry no group: $(line_of "RX en1  fd43::10")"
keys Escape
quit_lab
say "ok: the lab's picture of the routed and the dual lab"
