#!/bin/sh
# Many groups and a storm, counted exactly (issue 17): RX's mcscope joins
# 2,000 groups (1,000 IPv6 ff15::21:I and 1,000 IPv4 239.21.I/256.I%256,
# alternately, the passive binding: a socket per group) and one storm
# group 239.22.0.1 port 5001.  S1 sends group I exactly 1 + I % 3
# datagrams (a Python socket), then 100,000 datagrams to the storm group
# from 100,000 distinct fake sources 10.1.X.Y (raw frames on S1's lab0).
# Checked:
#   - every group's JSON "packets" is exactly what S1 sent it, and
#     tshark on RX's lab0 saw exactly that many datagrams per group;
#   - the storm group keeps max_sources (64) sources of 1 packet each and
#     its other-sources bucket counts the other 99,936 exactly;
#   - no socket dropped anything (else the counts could not be exact).
. "$(dirname "$0")/../tui/lib.sh"
tui_init "$@"
command -v tshark >/dev/null || skip "tshark is missing (apt-get install tshark)"
PY=/usr/bin/python3
[ -x $PY ] || skip "python3 is missing"
lab_up

N=2000
STORM=100000
in_ns() { h=$1; shift; ip netns exec "$(ns "$h")" "$@"; }

# The script: the groups, then the storm group.
$PY - "$N" >"$WORK/join.mcs" <<'EOF'
import sys
n = int(sys.argv[1])
for i in range(n):
    g = "239.21.%d.%d" % (i >> 8, i & 255) if i % 2 else "ff15::21:%x" % i
    print("join %s dev lab0 port 5000" % g)
print("join 239.22.0.1 dev lab0 port 5001")
EOF
# Fake sources reach the socket: no reverse-path check in RX.
in_ns RX sysctl -qw net.ipv4.conf.all.rp_filter=0 \
    net.ipv4.conf.lab0.rp_filter=0 net.ipv4.conf.default.rp_filter=0

# The capture: tcpdump says "listening on" once its filter is set and its
# socket takes frames (a run under ASan that waited for tshark's
# "Capturing on" instead missed its first 135 groups); tshark decodes it.
in_ns RX tcpdump -U -n -B 65536 -i lab0 -w "$WORK/rx.pcap" \
    "udp dst port 5000 or udp dst port 5001" >"$WORK/capture.out" 2>&1 &
CAPTURE=$!
BG_PIDS="$BG_PIDS $CAPTURE"
batch_in RX 120 --json -f "$WORK/join.mcs"
RX_PID=$LAST_BG

# Joined: the kernel's tables of RX hold all N + 1 (and tcpdump captures).
i=0
while :; do
    v6=$(grep -c ' ff150000000000000000000000' "/proc/$RX_PID/net/igmp6" 2>/dev/null)
    v4=$(grep -cE '[0-9A-F]{4}(15|16)EF ' "/proc/$RX_PID/net/igmp" 2>/dev/null)
    [ $((v6 + v4)) -ge $((N + 1)) ] &&
        grep -q "listening on" "$WORK/capture.out" && break
    i=$((i + 1))
    [ $i -lt 300 ] || fail "RX joined $((v6 + v4)) of $((N + 1)) groups" \
        "in 30 s: $(cat "$WORK/RX.err")"
    kill -0 "$RX_PID" 2>/dev/null || fail "mcscope exited: $(cat "$WORK/RX.err")"
    sleep 0.1
done

in_ns S1 $PY - "$N" "$STORM" <<'EOF' || fail "the sender failed"
import socket, struct, sys, time
n, storm = int(sys.argv[1]), int(sys.argv[2])
idx = socket.if_nametoindex("lab0")
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
              struct.pack("4s4si", b"\0" * 4, b"\0" * 4, idx))
for i in range(n):
    for k in range(1 + i % 3):
        if i % 2:
            s4.sendto(b"g%d" % i, ("239.21.%d.%d" % (i >> 8, i & 255), 5000))
        else:
            s6.sendto(b"g%d" % i, ("ff15::21:%x" % i, 5000, 0, idx))
    if i % 500 == 499:
        time.sleep(0.01)
# The storm: raw frames, source 10.1.X.Y for X.Y = 0 .. storm - 1.
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
p.bind(("lab0", 0))
src_mac = p.getsockname()[4]
eth = b"\x01\x00\x5e\x16\x00\x01" + src_mac + b"\x08\x00"
dst = socket.inet_aton("239.22.0.1")
payload = b"storm"
udp = struct.pack("!HHHH", 40000, 5001, 8 + len(payload), 0) + payload
for i in range(storm):
    src = struct.pack("!BBH", 10, 1 + (i >> 16), i & 0xffff)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff, 0,
                     4, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    p.send(eth + ip + udp)
    if i % 1000 == 999:
        time.sleep(0.01) # at most 100,000 a second: no queue overflows
                         # on a loaded machine
EOF

# Everything sent reached RX's sockets (Udp InDatagrams has them all when
# mcscope read them), then the report.
# the sum of 1 + I % 3 over I < N, plus the storm
WANT=$($PY -c "print(sum(1 + i % 3 for i in range($N)) + $STORM)")
i=0
while :; do
    got=$(in_ns RX awk '/^Udp:/ && !h { h = 1; next } /^Udp:/ { print $2 }' /proc/net/snmp)
    got6=$(in_ns RX awk '/^Udp6InDatagrams/ { print $2 }' /proc/net/snmp6)
    [ $((got + got6)) -ge "$WANT" ] && break
    i=$((i + 1))
    [ $i -lt 200 ] || break # the report below says what is missing
    sleep 0.1
done
sleep 0.5
kill -TERM "$RX_PID" "$CAPTURE"
wait "$RX_PID" "$CAPTURE" 2>/dev/null

in_ns RX tshark -n -r "$WORK/rx.pcap" -T fields -e ip.dst -e ipv6.dst \
    -e udp.dstport >"$WORK/wire.txt" 2>"$WORK/tshark.err" ||
    fail "tshark could not read the capture: $(cat "$WORK/tshark.err" "$WORK/capture.out")"
$PY - "$WORK/RX.out" "$WORK/wire.txt" "$N" "$STORM" <<'EOF' || fail "counts differ (above)"
import ipaddress, json, sys
doc = json.load(open(sys.argv[1]))
n, storm = int(sys.argv[3]), int(sys.argv[4])
wire = {}
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    dst = f[0] or f[1]
    wire[(str(ipaddress.ip_address(dst)), f[2])] = wire.get((str(ipaddress.ip_address(dst)), f[2]), 0) + 1
bad = []
groups = {(g["group"], str(g["port"])): g for g in doc["groups"]}
for i in range(n):
    name = "239.21.%d.%d" % (i >> 8, i & 255) if i % 2 else "ff15::21:%x" % i
    want = 1 + i % 3
    g = groups.get((name, "5000"))
    if g is None or g["packets"] != want or wire.get((name, "5000")) != want:
        bad.append("%s: sent %d, mcscope %s, tshark %s" % (
            name, want, g and g["packets"], wire.get((name, "5000"))))
s = groups.get(("239.22.0.1", "5001"))
if s is None:
    bad.append("no storm group in the report")
else:
    srcs = s["by_source"]
    other = s.get("other_sources", {}).get("packets", 0)
    if s["packets"] != storm or wire.get(("239.22.0.1", "5001")) != storm:
        bad.append("storm: sent %d, mcscope %d, tshark %s" % (
            storm, s["packets"], wire.get(("239.22.0.1", "5001"))))
    if len(srcs) != 64 or any(x["packets"] != 1 for x in srcs):
        bad.append("storm: %d sources kept (want 64 of 1 packet)" % len(srcs))
    if other != storm - 64:
        bad.append("storm: other bucket %d, want %d" % (other, storm - 64))
if doc.get("socket_drops", 0):
    bad.append("socket drops: %s" % doc["socket_drops"])
for b in bad[:20]:
    print(b, file=sys.stderr)
print("%d groups exact, storm %d in 64 sources + other" % (n - len(bad), storm))
sys.exit(1 if bad else 0)
EOF
say "PASS"
