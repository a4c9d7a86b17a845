#!/bin/sh
# Help lists every binding: the key table (dumped by the helper that
# links the same table) against what ? shows, page by page.
. "$(dirname "$0")/lib.sh"
tui_init "$@"
if [ -z "$KEYS_DUMP" ] || [ ! -x "$KEYS_DUMP" ]; then
    skip "no key table dumper given"
fi
lab_up
tui_start RX 120 40

keys '?'
expect_screen "Help ("
pages="$WORK/help.txt"
: >"$pages"
i=0
while [ $i -lt 20 ]; do
    screen >>"$pages"
    grep -qF "Commands (at" "$pages" && screen | grep -qF "echo TEXT" && break
    keys NPage
    sleep 0.3
    i=$((i + 1))
done
"$KEYS_DUMP" >"$WORK/keys.txt" || fail "the key table dumper failed"
n=0
while IFS='	' read -r name help; do
    grep -qF -- "$help" "$pages" || fail "help lacks '$help' (key $name)"
    grep -F -- "$help" "$pages" | grep -qF -- "$name" ||
        fail "help shows '$help' without its key $name"
    n=$((n + 1))
done <"$WORK/keys.txt"
[ "$n" -gt 30 ] || fail "only $n bindings in the table?"
# every verb of the command language
for verb in join leave join-source leave-source exclude-source \
    include-source set cmsg pcap send stop-send wait echo; do
    grep -qE "^ +$verb( |\$)" "$pages" || fail "help lacks the verb $verb"
done
keys Escape
expect_screen "GROUP"
expect_alive
say "ok: help shows all $n bindings and every verb"
