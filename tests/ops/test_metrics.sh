#!/bin/sh
# --metrics, the way users run it: Debian's Prometheus in one namespace
# scrapes two mcscope instances in two others, and PromQL (its HTTP API)
# returns the per-source totals the instances' JSON reports give.
# promtool check metrics finds nothing in the exposition; the endpoint
# answers 404/405 to anything but GET /metrics; PORT alone is localhost.
#
#   S1 (10.200.0.1): the sender, and Prometheus on 127.0.0.1:9090
#   S2 (10.200.0.2): mcscope --metrics [::]:9184, joins ff15::1234
#   RX (10.200.0.10): mcscope --metrics 0.0.0.0:9184, joins both groups
. "$(dirname "$0")/../tui/lib.sh"
tui_init "$@"
command -v prometheus >/dev/null ||
    skip "prometheus is missing (apt-get install prometheus)"
command -v promtool >/dev/null || skip "promtool is missing"
command -v curl >/dev/null || skip "curl is missing"
command -v jq >/dev/null || skip "jq is missing"
lab_up

G6=ff15::1234
G4=239.1.2.3
RUN=14 # seconds the receivers collect
in_ns() { h=$1; shift; ip netns exec "$(ns "$h")" "$@"; }

batch_in RX $RUN --json --metrics 0.0.0.0:9184 \
    -e "join $G6 dev lab0 port 5001" -e "join $G4 dev lab0 port 5002"
RX_PID=$LAST_BG
batch_in S2 $RUN --json --metrics '[::]:9184' \
    -e "join $G6 dev lab0 port 5001"
S2_PID=$LAST_BG
# PORT alone: on 127.0.0.1 of its namespace only.
ip netns exec "$(ns S2)" "$MCSCOPE" --batch $RUN --metrics 9185 \
    >"$WORK/local.out" 2>"$WORK/local.err" &
BG_PIDS="$BG_PIDS $!"

cat >"$WORK/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: mcscope
    static_configs:
      - targets: ['10.200.0.10:9184', '[fd42::2]:9184']
CONF
promtool check config "$WORK/prometheus.yml" >"$WORK/pcheck" 2>&1 ||
    fail "promtool check config: $(cat "$WORK/pcheck")"
in_ns S1 prometheus --config.file="$WORK/prometheus.yml" \
    --storage.tsdb.path="$WORK/tsdb" --web.listen-address=127.0.0.1:9090 \
    >"$WORK/prom.log" 2>&1 &
BG_PIDS="$BG_PIDS $!"

# Prometheus ready, and both endpoints up (scraped) before sending.
i=0
until [ "$(in_ns S1 curl -s 'http://127.0.0.1:9090/api/v1/query' \
    --data-urlencode 'query=sum(up{job="mcscope"})' |
    sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p')" = 2 ]; do
    i=$((i + 1))
    [ $i -lt 100 ] || fail "Prometheus never scraped both instances: \
$(tail -5 "$WORK/prom.log")"
    sleep 0.1
done

# The sender: 400 probes to the IPv6 group, 300 to the IPv4 one.
in_ns S1 "$MCSCOPE" --batch 4 \
    -e "send $G6 dev lab0 port 5001 rate 400 count 400" \
    -e "send $G4 dev lab0 port 5002 rate 300 count 300" \
    >"$WORK/S1.out" 2>"$WORK/S1.err" || fail "sender: $(cat "$WORK/S1.err")"

# The exposition itself, from another namespace, while data is in it.
in_ns S1 curl -sf http://10.200.0.10:9184/metrics >"$WORK/rx.prom" ||
    fail "GET /metrics from RX failed"
grep -q '^mcscope_packets_total{group="ff15::1234",iface="lab0",port="5001",source="fd42::1"} 400$' \
    "$WORK/rx.prom" || fail "no 400 packets from fd42::1 in: $(cat "$WORK/rx.prom")"
grep -q '^mcscope_membership_info{group="239.1.2.3",iface="lab0",port="5002",mode="asm"} 1$' \
    "$WORK/rx.prom" || fail "no membership_info for $G4: $(cat "$WORK/rx.prom")"
promtool check metrics <"$WORK/rx.prom" >"$WORK/lint" 2>&1 ||
    fail "promtool check metrics: $(cat "$WORK/lint")"
[ ! -s "$WORK/lint" ] || fail "promtool check metrics said: $(cat "$WORK/lint")"

# Read-only: another path 404, another method 405.
code=$(in_ns S1 curl -s -o /dev/null -w '%{http_code}' http://10.200.0.10:9184/)
[ "$code" = 404 ] || fail "GET / answered $code, not 404"
code=$(in_ns S1 curl -s -o /dev/null -w '%{http_code}' -X POST -d x \
    http://10.200.0.10:9184/metrics)
[ "$code" = 405 ] || fail "POST /metrics answered $code, not 405"
# PORT alone: localhost in its namespace, nothing from outside.
in_ns S2 curl -sf http://127.0.0.1:9185/metrics | grep -q '^mcscope_build_info' ||
    fail "--metrics 9185 does not answer on 127.0.0.1: $(cat "$WORK/local.err")"
if in_ns S1 curl -s -m 2 -o /dev/null http://10.200.0.2:9185/metrics; then
    fail "--metrics 9185 answered from another host: it must bind 127.0.0.1"
fi

wait $RX_PID || fail "RX mcscope failed: $(cat "$WORK/RX.err")"
wait $S2_PID || fail "S2 mcscope failed: $(cat "$WORK/S2.err")"

# What PromQL says equals what each JSON report says, per source.
promql() {
    in_ns S1 curl -s 'http://127.0.0.1:9090/api/v1/query' \
        --data-urlencode "query=$1" |
        sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p'
}
json_count() { # FILE GROUP SOURCE KEY
    jq -r --arg g "$2" --arg s "$3" --arg k "$4" '.groups[] |
        select(.group == $g) | .by_source[] | select(.source == $s) |
        .[$k]' "$1"
}
check() { # HOST INSTANCE GROUP SOURCE EXPECTED
    for key in packets bytes; do
        want=$(json_count "$WORK/$1.out" "$3" "$4" $key)
        got=$(promql "last_over_time(mcscope_${key}_total{instance=\"$2\",group=\"$3\",source=\"$4\"}[5m])")
        [ -n "$want" ] || fail "$1's JSON has no $key for $3 from $4"
        [ "$got" = "$want" ] ||
            fail "$1 $3 from $4: PromQL mcscope_${key}_total '$got', JSON $key $want"
    done
    [ "$(json_count "$WORK/$1.out" "$3" "$4" packets)" = "$5" ] ||
        fail "$1 $3 from $4: JSON packets not $5"
}
check RX 10.200.0.10:9184 $G6 fd42::1 400
check RX 10.200.0.10:9184 $G4 10.200.0.1 300
check S2 '[fd42::2]:9184' $G6 fd42::1 400
# S2 never joined the IPv4 group: no such series.
[ -z "$(promql "last_over_time(mcscope_packets_total{instance=\"[fd42::2]:9184\",group=\"$G4\"}[5m])")" ] ||
    fail "S2 exposes $G4, which it never joined"
say "ok: Prometheus's totals equal the JSON reports'"
exit 0
