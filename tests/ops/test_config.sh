#!/bin/sh
# The config file: the template parses back; the default places
# ($XDG_CONFIG_HOME, then ~/.config) are read, --config replaces them;
# every bad line is refused with FILE:LINE and the fix (exit 2); the
# settings act (tcpdump sees the hop limit and the interface; the source
# cap folds a second sender into "other"; the receive buffer is asked);
# the command line wins over the file.
. "$(dirname "$0")/../tui/lib.sh"
tui_init "$@"
command -v jq >/dev/null || skip "jq is missing"
command -v tcpdump >/dev/null || skip "tcpdump is missing"

# ---- no network needed ----
"$MCSCOPE" --print-config >"$WORK/template" || fail "--print-config failed"
grep -q '^\[monitor\]$' "$WORK/template" && grep -q '^source-cap = 64$' "$WORK/template" &&
    grep -q '^refresh = 0.2$' "$WORK/template" && grep -q '^#command = ' "$WORK/template" ||
    fail "template: $(cat "$WORK/template")"
env -u XDG_CONFIG_HOME HOME="$WORK/none" "$MCSCOPE" --config "$WORK/template" --batch 0.1 \
    >/dev/null 2>"$WORK/err" || fail "the template does not parse back: $(cat "$WORK/err")"

refused() { # WHAT EXPECTED-STDERR (the file is $WORK/bad)
    env -u XDG_CONFIG_HOME HOME="$WORK/none" "$MCSCOPE" --config "$WORK/bad" \
        --batch 0.1 >"$WORK/out" 2>"$WORK/err"
    rc=$?
    [ $rc = 2 ] || fail "$1: exit $rc, not 2"
    [ "$(cat "$WORK/err")" = "$2" ] ||
        fail "$1: said '$(cat "$WORK/err")', not '$2'"
}
printf '[monitor]\n# a comment\nsource-cap = 0\n' >"$WORK/bad"
refused "a bad value" "mcscope: $WORK/bad:3: source-cap = 0: give the sources tracked per group, 1 to 4096"
printf '[monitor]\nsources = 5\n' >"$WORK/bad"
refused "an unknown key" "mcscope: $WORK/bad:2: sources: no such key: say source-cap, rcvbuf, holdoff-us ([monitor]), refresh ([tui]), interface or command ([start]); mcscope --print-config shows them all"
printf '[tui]\ntheme = dark\n' >"$WORK/bad"
refused "theme (not built)" "mcscope: $WORK/bad:2: theme: mcscope has one colour scheme so far (NO_COLOR turns colour off): remove the line"
printf '[tui]\ncolumns = group,pkts\n' >"$WORK/bad"
refused "columns (not built)" "mcscope: $WORK/bad:2: columns: the groups table's columns cannot be chosen yet: remove the line"
printf '[monitor]\ngap-threshold = 200ms\n' >"$WORK/bad"
refused "gap-threshold (per group)" "mcscope: $WORK/bad:2: gap-threshold: the gap threshold is set per group: give it as a start-up command, command = analyze GROUP auto gap MS"
printf '[tui]\nrefresh = 0.2\nrcvbuf = 1000\n' >"$WORK/bad"
refused "a key in the wrong section" "mcscope: $WORK/bad:3: rcvbuf: it belongs in [monitor], not [tui]: move the line there"
printf '[tui]\nrefresh = 0.2\njust words\n' >"$WORK/bad"
refused "not a key = value line" "mcscope: $WORK/bad:3: not a [section] or a 'key = value' line (comments start with # or ;)"
printf '[tui]\nrefresh = 20\n' >"$WORK/bad"
refused "refresh out of range" "mcscope: $WORK/bad:2: refresh = 20: give seconds, 0.05 to 10, e.g. refresh = 0.5"
printf '[start]\ninterface = a b\n' >"$WORK/bad"
refused "a bad interface" "mcscope: $WORK/bad:2: interface = a b: give an interface name (at most 15 characters), e.g. interface = en0"
# A command the parser refuses is named by its line, as -e's are.
printf '[start]\n\ncommand = join 232.1.1.1\n' >"$WORK/bad"
env -u XDG_CONFIG_HOME HOME="$WORK/none" "$MCSCOPE" --config "$WORK/bad" --batch 0.1 \
    >/dev/null 2>"$WORK/err"
[ $? = 2 ] && grep -q "^mcscope: bad:3: refused 'join 232.1.1.1': .*RFC 4607" "$WORK/err" ||
    fail "a refused config command: $(cat "$WORK/err")"
env -u XDG_CONFIG_HOME HOME="$WORK/none" "$MCSCOPE" --config "$WORK/missing" --batch 0.1 \
    >/dev/null 2>"$WORK/err"
[ $? = 2 ] && grep -q "config $WORK/missing: No such file or directory (give a readable file, or mcscope --print-config > FILE for a template)" \
    "$WORK/err" || fail "a missing --config file: $(cat "$WORK/err")"

# The default places: $XDG_CONFIG_HOME first, else ~/.config; --config
# replaces them (so a bad default file is not read then).
mkdir -p "$WORK/xdg/mcscope" "$WORK/home/.config/mcscope"
printf '[tui]\nrefresh = 99\n' >"$WORK/xdg/mcscope/config"
printf '[tui]\nrefresh = 98\n' >"$WORK/home/.config/mcscope/config"
XDG_CONFIG_HOME="$WORK/xdg" HOME="$WORK/home" "$MCSCOPE" --batch 0.1 >/dev/null 2>"$WORK/err"
[ $? = 2 ] && grep -qF "$WORK/xdg/mcscope/config:2: refresh = 99" "$WORK/err" ||
    fail "\$XDG_CONFIG_HOME/mcscope/config not read: $(cat "$WORK/err")"
env -u XDG_CONFIG_HOME HOME="$WORK/home" "$MCSCOPE" --batch 0.1 >/dev/null 2>"$WORK/err"
[ $? = 2 ] && grep -qF "$WORK/home/.config/mcscope/config:2: refresh = 98" "$WORK/err" ||
    fail "~/.config/mcscope/config not read: $(cat "$WORK/err")"
XDG_CONFIG_HOME="$WORK/xdg" HOME="$WORK/home" "$MCSCOPE" --config "$WORK/template" \
    --batch 0.1 >/dev/null 2>"$WORK/err" || fail "--config did not replace the default: $(cat "$WORK/err")"
env -u XDG_CONFIG_HOME HOME="$WORK/none" "$MCSCOPE" --batch 0.1 >/dev/null 2>"$WORK/err" ||
    fail "no config file at all is fine: $(cat "$WORK/err")"

# ---- the settings act (namespaces) ----
lab_up
in_ns() { h=$1; shift; ip netns exec "$(ns "$h")" "$@"; }
export XDG_CONFIG_HOME="$WORK/none" # no stray config

# S1's config: the default interface and a hop limit; a send that names
# no interface goes out of lab0 with hop limit 5; -e on the command line
# wins with 9.
cat >"$WORK/s1.cfg" <<CFG
[start]
interface = lab0
command = set mcast-hoplimit 5
CFG
# RX's: one source tracked per group, a 1 MiB receive buffer.
cat >"$WORK/rx.cfg" <<CFG
[monitor]
source-cap = 1
rcvbuf = 1048576
CFG
in_ns RX tcpdump -U -i lab0 -n -v -w "$WORK/rx.pcap" udp >"$WORK/tcpdump.err" 2>&1 &
TCPDUMP=$!
BG_PIDS="$BG_PIDS $TCPDUMP"
sleep 1
in_ns RX "$MCSCOPE" --config "$WORK/rx.cfg" --batch 3 --json \
    -e 'join ff15::1234 dev lab0 port 5001' >"$WORK/rx.out" 2>"$WORK/rx.err" &
RX=$!
sleep 0.5
in_ns S1 "$MCSCOPE" --config "$WORK/s1.cfg" --batch 0.5 \
    -e 'send ff15::1234 port 5001 rate 100 count 20' >/dev/null 2>"$WORK/s1a.err" ||
    fail "S1 with the config: $(cat "$WORK/s1a.err")"
in_ns S1 "$MCSCOPE" --config "$WORK/s1.cfg" --batch 0.5 -e 'set mcast-hoplimit 9' \
    -e 'send ff15::1234 port 5002 rate 100 count 20' >/dev/null 2>"$WORK/s1b.err" ||
    fail "S1 with -e: $(cat "$WORK/s1b.err")"
in_ns S2 "$MCSCOPE" --batch 0.5 -e 'send ff15::1234 dev lab0 port 5001 rate 100 count 30' \
    >/dev/null 2>"$WORK/s2.err" || fail "S2: $(cat "$WORK/s2.err")"
wait $RX || fail "RX: $(cat "$WORK/rx.err")"
sleep 0.3
kill $TCPDUMP
wait $TCPDUMP 2>/dev/null

hl() { # PORT: the hop limits tcpdump saw on it, one per line, unique
    tcpdump -r "$WORK/rx.pcap" -n -v "udp dst port $1" 2>/dev/null |
        sed -n 's/.*hlim \([0-9]*\).*/\1/p' | sort -u
}
n_from() { # PORT SRC
    tcpdump -r "$WORK/rx.pcap" -n "udp dst port $1 and src host $2" 2>/dev/null | wc -l
}
[ "$(tcpdump -r "$WORK/rx.pcap" -n -v 'udp dst port 5001 and src host fd42::1' 2>/dev/null |
    sed -n 's/.*hlim \([0-9]*\).*/\1/p' | sort -u)" = 5 ] ||
    fail "the config's hop limit 5 did not reach the wire"
[ "$(n_from 5001 fd42::1)" = 20 ] || fail "the config's interface: $(n_from 5001 fd42::1) of 20 on lab0"
[ "$(hl 5002)" = 9 ] || fail "the command line did not win: hop limits $(hl 5002)"
[ "$(n_from 5002 fd42::1)" = 20 ] || fail "port 5002: $(n_from 5002 fd42::1) of 20"

# source-cap = 1: the first source keeps its record, the second is
# "other", with what tcpdump counted from it.
W1=$(n_from 5001 fd42::1)
W2=$(n_from 5001 fd42::2)
[ "$W2" = 30 ] || fail "S2 sent $W2 of 30"
jq -e --argjson w1 "$W1" --argjson w2 "$W2" '.groups[0] |
    (.by_source | length) == 1 and .by_source[0].source == "fd42::1" and
    .by_source[0].packets == $w1 and .other_sources.packets == $w2' \
    "$WORK/rx.out" >/dev/null ||
    fail "source-cap = 1: $(jq -c '.groups[0] | {by_source: [.by_source[] | {source, packets}], other_sources}' "$WORK/rx.out")"
# rcvbuf = 1048576: asked with SO_RCVBUFFORCE, the kernel doubles it.
[ "$(jq '.settings.rcvbuf' "$WORK/rx.out")" = 2097152 ] ||
    fail "rcvbuf: the socket holds $(jq '.settings.rcvbuf' "$WORK/rx.out")"
say "ok: the config file"
exit 0
