#!/bin/sh
# The listeners screen: u shows it; with listeners off it says how to turn
# them on; after `listeners on dev lab0`, S1's join (a headless mcscope)
# shows as S1's row for the group, exclude {} over MLDv2, and S2's SSM
# join as include {fd42::1}; u again goes back to the groups table.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

# expect_screen with a basic regular expression
expect_re() {
    i=0
    while [ "$i" -lt 100 ]; do
        screen 2>/dev/null | grep -q -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    screen >&2
    fail "no line matching '$1' on the screen"
}
lab_up
tui_start RX 150 40

keys u
expect_screen "Listeners of the link: 0"
expect_screen "listeners are off: type :listeners on dev IFACE"
keys :
type_text "listeners on dev lab0"
keys Enter
expect_screen "Listeners of the link: "
batch_in S1 60 -e "join ff15::77 dev lab0"
batch_in S2 60 -e "join-source ff3e::77 fd42::1 dev lab0"
expect_re "ff15::77 *fe80::[0-9a-f:]* *lab0 *exclude *mldv2 .*{}"
expect_re "ff3e::77 *fe80::[0-9a-f:]* *lab0 *include *mldv2 .*{fd42::1}"
expect_screen "QRV 2, QQI 125 s, QRI 10000 ms (RFC defaults, no querier)"
say "ok: both listeners shown"
keys u
expect_re "GROUP .*IFACE *PORT *MODE"
expect_alive
