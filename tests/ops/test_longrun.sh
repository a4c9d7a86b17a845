#!/bin/sh
# Long runs and health: --interval NDJSON (line count and content),
# --expect rules passing and failing (each naming the rule, the value and
# the group or source), --nagios's line and its exit statuses 0..3, and
# exit 1 (broken rule) apart from exit 2 (bad usage).
#
#   S1 sends 300 probes to ff15::1234 port 5001 through a link that drops
#      about 10% (clsact + cls_bpf random match + mirred to a down ifb, as
#      tests/netns/test_engine.c does without sch_netem);
#   S2 sends 300 probes to ff15::99 port 5002, clean;
#   RX runs several receivers at once (SO_REUSEADDR: each gets a copy),
#      and tcpdump counts what arrived on the wire.
. "$(dirname "$0")/../tui/lib.sh"
tui_init "$@"
command -v jq >/dev/null || skip "jq is missing"
command -v tcpdump >/dev/null || skip "tcpdump is missing"
command -v tc >/dev/null || skip "tc (iproute2) is missing"

# No namespaces needed: usage errors.
"$MCSCOPE" --batch 1 --expect 'loss<=0.1' >"$WORK/u.out" 2>"$WORK/u.err"
[ $? = 2 ] || fail "a bad rule did not exit 2"
grep -qF "mcscope: --expect 'loss<=0.1': loss takes a percentage with %: e.g. loss<=0.1%" \
    "$WORK/u.err" || fail "bad rule message: $(cat "$WORK/u.err")"
"$MCSCOPE" --nagios --batch 1 --expect 'bytes>1' >"$WORK/u.out" 2>"$WORK/u.err"
[ $? = 3 ] || fail "bad usage with --nagios did not exit 3 (UNKNOWN)"
[ "$(wc -l <"$WORK/u.out")" = 1 ] && grep -q "^MCSCOPE UNKNOWN - bad usage: --expect 'bytes>1': 'bytes' is not a metric" \
    "$WORK/u.out" || fail "--nagios usage line: $(cat "$WORK/u.out")"
"$MCSCOPE" --interval 5 --batch 1 >/dev/null 2>"$WORK/u.err"
[ $? = 2 ] && grep -q -- "--interval goes with --batch SECONDS --json" "$WORK/u.err" ||
    fail "--interval without --json: $(cat "$WORK/u.err")"
"$MCSCOPE" --nagios --json --batch 1 >/dev/null 2>&1
[ $? = 3 ] || fail "--nagios --json did not exit 3"

lab_up
in_ns() { h=$1; shift; ip netns exec "$(ns "$h")" "$@"; }
S1=$(ns S1)
# About 10% of S1's packets dropped on its way out.
ip -n "$S1" link add mcs-drop type ifb || skip "no ifb devices here"
in_ns S1 tc qdisc add dev lab0 clsact || skip "no clsact qdisc here"
in_ns S1 tc filter add dev lab0 egress protocol all prio 1 bpf bytecode \
    "4,32 0 0 $((0xfffff000 + 56)),53 1 0 429496729,6 0 0 4294967295,6 0 0 0" \
    action mirred egress redirect dev mcs-drop ||
    skip "no cls_bpf/mirred here"

in_ns RX tcpdump -U -i lab0 -n -w "$WORK/rx.pcap" udp >"$WORK/tcpdump.err" 2>&1 &
TCPDUMP=$!
BG_PIDS="$BG_PIDS $TCPDUMP"
sleep 1

CLEAN="-e 'join ff15::99 dev lab0 port 5002'"
LOSSY="-e 'join ff15::1234 dev lab0 port 5001'"
run() { # NAME ARGS...: a receiver in RX, 4.5 s
    name=$1
    shift
    in_ns RX "$MCSCOPE" --batch 4.5 "$@" >"$WORK/$name.out" \
        2>"$WORK/$name.err" &
    eval "PID_$name=$!"
}
run pass --json --interval 1 -e 'join ff15::99 dev lab0 port 5002' \
    --expect 'packets>=300' --expect 'packets=300' \
    --expect 'ff15::99/fd42::2:loss<=0%' --expect 'sources=1' \
    --expect 'rate>=50' --expect 'gap<=4s' --expect 'ff15::99%lab0:packets>=300'
run fail --json -e 'join ff15::1234 dev lab0 port 5001' \
    --expect 'ff15::1234:loss<=1%' --expect 'packets>=300' \
    --expect 'gap<=100ms' --expect 'sources>=2' \
    --expect 'ff15::1234/fd42::9:packets>=1' --expect 'rate>=1'
run ok --nagios -e 'join ff15::99 dev lab0 port 5002' --expect 'packets>=300'
run crit --nagios -e 'join ff15::1234 dev lab0 port 5001' \
    --expect 'packets>=1' --expect 'loss<=1%'
run unknown --nagios -e 'join ff15::99 dev lab0 port 5002' \
    --expect 'ff15::5:packets>=1'
run warn --nagios -e 'join ff15::99 dev lab0 port 5002' \
    -e 'leave ff15::7 dev lab0' --expect 'packets>=300'
sleep 0.5
in_ns S1 "$MCSCOPE" --batch 3 -e 'send ff15::1234 dev lab0 port 5001 rate 150 count 300' \
    >"$WORK/s1.out" 2>"$WORK/s1.err" &
S1_PID=$!
in_ns S2 "$MCSCOPE" --batch 3 -e 'send ff15::99 dev lab0 port 5002 rate 150 count 300' \
    >"$WORK/s2.out" 2>"$WORK/s2.err" || fail "S2 sender: $(cat "$WORK/s2.err")"
wait $S1_PID || fail "S1 sender: $(cat "$WORK/s1.err")"

wait $PID_pass; [ $? = 0 ] || fail "the passing rules exited non-zero: $(cat "$WORK/pass.err")"
wait $PID_fail; [ $? = 1 ] || fail "the broken rules did not exit 1: $(cat "$WORK/fail.err")"
wait $PID_ok; [ $? = 0 ] || fail "--nagios OK did not exit 0: $(cat "$WORK/ok.out")"
wait $PID_crit; [ $? = 2 ] || fail "--nagios CRITICAL did not exit 2: $(cat "$WORK/crit.out")"
wait $PID_unknown; [ $? = 3 ] || fail "--nagios UNKNOWN did not exit 3: $(cat "$WORK/unknown.out")"
wait $PID_warn; [ $? = 1 ] || fail "--nagios WARNING did not exit 1: $(cat "$WORK/warn.out")"
sleep 0.5
kill $TCPDUMP
wait $TCPDUMP 2>/dev/null

# What the wire carried (tcpdump) is what the receivers counted.
W_LOSSY=$(tcpdump -r "$WORK/rx.pcap" -n 'udp dst port 5001' 2>/dev/null | wc -l)
W_CLEAN=$(tcpdump -r "$WORK/rx.pcap" -n 'udp dst port 5002' 2>/dev/null | wc -l)
[ "$W_CLEAN" = 300 ] || fail "the clean link carried $W_CLEAN, not 300 (receiver: $(tail -1 "$WORK/pass.out" | jq .groups[0].packets); $(cat "$WORK/tcpdump.err"))"
[ "$W_LOSSY" -lt 295 ] && [ "$W_LOSSY" -gt 200 ] ||
    fail "the lossy link carried $W_LOSSY of 300 (about 270 expected)"

# NDJSON: one report a second (4 in 4.5 s), then the final one; each
# line is one JSON object; counts never go down; the last is the total.
# (The first report is due at 1 s; a loaded CI machine may run it late.)
[ "$(wc -l <"$WORK/pass.out")" = 5 ] ||
    fail "--interval 1 over 4.5 s wrote $(wc -l <"$WORK/pass.out") lines, not 5"
jq -e -s 'length == 5 and all(.[]; .groups | length == 1)' "$WORK/pass.out" \
    >/dev/null || fail "the NDJSON lines are not 5 reports: $(cat "$WORK/pass.out")"
jq -e -s '[.[].groups[0].packets] as $p | ($p == ($p | sort)) and
    ([.[].elapsed_s] as $e | $e == ($e | sort) and $e[0] >= 0.9 and
     $e[0] < 3 and $e[4] >= 4.4)' "$WORK/pass.out" >/dev/null ||
    fail "the NDJSON counts or times are out of order: $(jq -c -s '[.[] | [.elapsed_s, .groups[0].packets]]' "$WORK/pass.out")"
[ "$(tail -1 "$WORK/pass.out" | jq '.groups[0].packets')" = "$W_CLEAN" ] ||
    fail "the final NDJSON line does not count $W_CLEAN"
[ ! -s "$WORK/pass.err" ] || fail "passing rules said: $(cat "$WORK/pass.err")"

# Broken rules: each named, with its value and its group or source.
P=$(jq '.groups[0].packets' "$WORK/fail.out")
L=$(jq '.groups[0].lost' "$WORK/fail.out")
[ "$P" = "$W_LOSSY" ] || fail "the lossy receiver counted $P, the wire $W_LOSSY"
E=$((P + L))
expect_err() {
    grep -qF -- "mcscope: health check: $1" "$WORK/fail.err" ||
        fail "no '$1' in: $(cat "$WORK/fail.err")"
}
expect_err "ff15::1234:loss<=1% broken: ff15::1234 dev lab0 port 5001 had loss "
grep -qF "($L of $E lost), not <= 1%" "$WORK/fail.err" ||
    fail "no '($L of $E lost)' in: $(cat "$WORK/fail.err")"
expect_err "packets>=300 broken: ff15::1234 dev lab0 port 5001 had packets $P, not >= 300"
expect_err "gap<=100ms broken: ff15::1234 dev lab0 port 5001 had a longest silence of "
expect_err "sources>=2 broken: ff15::1234 dev lab0 port 5001 had sources sending 1, not >= 2"
expect_err "ff15::1234/fd42::9:packets>=1 cannot be checked: fd42::9 sent nothing to ff15::1234"
[ "$(grep -c 'health check' "$WORK/fail.err")" = 5 ] ||
    fail "rate>=1 holds, yet: $(cat "$WORK/fail.err")"

# --nagios: one line each, the plugin's words and performance data.
for n in ok crit unknown warn; do
    [ "$(wc -l <"$WORK/$n.out")" = 1 ] || fail "--nagios $n wrote: $(cat "$WORK/$n.out")"
done
grep -q "^MCSCOPE OK - 1 of 1 rules hold, 1 groups | 'ff15::99%lab0:5002 packets'=${W_CLEAN}c;;;0 'ff15::99%lab0:5002 pps'=[0-9.]*;;;0 'ff15::99%lab0:5002 sources'=1;;;0 'ff15::99%lab0:5002 loss'=0%;;;0;100\$" \
    "$WORK/ok.out" || fail "--nagios OK line: $(cat "$WORK/ok.out")"
grep -q "^MCSCOPE CRITICAL - loss<=1% broken: ff15::1234 dev lab0 port 5001 had loss .* ($L of $E lost), not <= 1% | 'ff15::1234%lab0:5001 packets'=${W_LOSSY}c" \
    "$WORK/crit.out" || fail "--nagios CRITICAL line: $(cat "$WORK/crit.out")"
grep -q "^MCSCOPE UNKNOWN - ff15::5:packets>=1 cannot be checked: ff15::5 was not joined during the run |" \
    "$WORK/unknown.out" || fail "--nagios UNKNOWN line: $(cat "$WORK/unknown.out")"
grep -q "^MCSCOPE WARNING - 1 of 1 rules hold, but the run had failures" \
    "$WORK/warn.out" || fail "--nagios WARNING line: $(cat "$WORK/warn.out")"
grep -q "leave ff15::7" "$WORK/warn.err" || fail "the failure was not said: $(cat "$WORK/warn.err")"
say "ok: NDJSON, rules and --nagios as the wire says"
exit 0
