#!/usr/bin/env bash
# bench/storm.sh: mcscope's resident memory under storms, against its own
# memory before them in the same run, in a private namespace lab.  Root
# only; never touches a host interface.
#
#   sudo bench/storm.sh          # about 30 s
#
# RX's mcscope joins 239.22.0.1 port 5001 with `listeners on` and
# `discover on` (the link views), then S1 sends, one storm after the
# other (raw frames on S1's lab0, paced), and VmRSS is read after each:
#   sources   COUNT datagrams to the group from COUNT distinct fake sources
#             (the per-group source table keeps max_sources, the other
#             bucket counts the rest);
#   garbage   COUNT datagrams of random bytes and lengths to the group and
#             to COUNT distinct other groups and ports (strays: capped);
#   reports   COUNT IGMPv3 reports from COUNT fake hosts for COUNT groups
#             (the listener table: capped, the rest counted as dropped).
# Prints each RSS and its ratio to the RSS before the storms, and the
# JSON's caps and buckets (other_sources, discovered_other,
# listeners_counters).
#
# Settings (environment): COUNT (100000), BUILD_DIR (/tmp/build-bench-scale).
set -euo pipefail

COUNT=${COUNT:-100000}
BUILD_DIR=${BUILD_DIR:-/tmp/build-bench-scale}
P="mcst$$"
NS_S1="$P-S1" NS_RX="$P-RX"
WORK="" RX_PID="" MCSCOPE=""

die() {
    echo "storm.sh: $*" >&2
    exit 1
}
[[ $EUID -eq 0 ]] || die "needs root: it builds network namespaces (none" \
    "touches a host interface); run it with sudo"

cleanup() {
    trap - EXIT INT TERM
    [[ -n $RX_PID ]] && kill -KILL "$RX_PID" 2>/dev/null
    [[ -n $MCSCOPE ]] && "$MCSCOPE" --lab-net down --prefix mcst --owner $$
    [[ -n $WORK ]] && rm -rf "$WORK"
    return 0
}

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# Send storm $1 from S1 (raw frames, paced).
storm() {
    ip netns exec "$NS_S1" /usr/bin/python3 - "$1" "$COUNT" <<'EOF'
import os, socket, struct, sys, time
kind, count = sys.argv[1], int(sys.argv[2])
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
p.bind(("lab0", 0))
mac = p.getsockname()[4]
def frame(src, dst, proto, body, opts=b""):
    ihl = 5 + len(opts) // 4
    ip = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(body), 0,
                     0, 1 if proto == 2 else 8, proto, 0, src, dst) + opts
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    d = dst
    emac = b"\x01\x00\x5e" + bytes([d[1] & 0x7f, d[2], d[3]])
    return emac + mac + b"\x08\x00" + ip + body
group = socket.inet_aton("239.22.0.1")
for i in range(count):
    src = struct.pack("!BBH", 10, 1 + (i >> 16), i & 0xffff)
    if kind == "sources":
        body = struct.pack("!HHHH", 40000, 5001, 13, 0) + b"storm"
        f = frame(src, group, 17, body)
    elif kind == "garbage":
        junk = os.urandom(i % 1400)
        if i % 2:
            dst, port = group, 5001
        else:
            dst = struct.pack("!BBH", 239, 30 + (i >> 16), i & 0xffff)
            port = 1024 + i % 60000
        body = struct.pack("!HHHH", i & 0xffff, port, 8 + len(junk), 0) + junk
        f = frame(src, dst, 17, body)
    else:  # an IGMPv3 report: one record, CHANGE_TO_EXCLUDE {} of a group
        g = struct.pack("!BBH", 239, 40 + (i >> 16), i & 0xffff)
        rec = struct.pack("!BBH4s", 4, 0, 0, g)
        igmp = struct.pack("!BBHHH", 0x22, 0, 0, 0, 1) + rec
        igmp = igmp[:2] + struct.pack("!H", csum(igmp)) + igmp[4:]
        f = frame(src, socket.inet_aton("224.0.0.22"), 2, igmp,
                  b"\x94\x04\x00\x00")
    p.send(f)
    if i % 1000 == 999:
        time.sleep(0.005)
EOF
}

main() {
    local src base r kind
    trap cleanup EXIT INT TERM
    src="$(cd "$(dirname "$0")/.." && pwd)"
    echo "building $src in $BUILD_DIR (RelWithDebInfo) ..." >&2
    cmake -S "$src" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$BUILD_DIR" -j2 --target mcscope >/dev/null
    MCSCOPE="$BUILD_DIR/mcscope"
    WORK=$(mktemp -d /tmp/storm.XXXXXX)
    "$MCSCOPE" --lab-net up --prefix mcst --owner $$ >/dev/null ||
        die "mcscope --lab-net up failed"
    ip netns exec "$NS_RX" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
        net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.lab0.rp_filter=0
    ip netns exec "$NS_RX" "$MCSCOPE" --batch 600 --json \
        -e "join 239.22.0.1 dev lab0 port 5001" -e "listeners on" \
        -e "discover on" >"$WORK/rx.json" 2>"$WORK/rx.err" &
    RX_PID=$!
    sleep 2
    kill -0 "$RX_PID" 2>/dev/null || die "mcscope: $(cat "$WORK/rx.err")"
    base=$(rss_kb "$RX_PID")
    echo "== $COUNT of each storm; RSS before: $base KB"
    for kind in sources garbage reports; do
        storm "$kind"
        sleep 1.5
        r=$(rss_kb "$RX_PID")
        printf '  after %-8s RSS %6d KB (%s x before)\n' "$kind" "$r" \
            "$(ratio "$r" "$base")"
    done
    kill -TERM "$RX_PID"
    wait "$RX_PID" 2>/dev/null || true
    RX_PID=""
    /usr/bin/python3 - "$WORK/rx.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
g = [x for x in d["groups"] if x["group"] == "239.22.0.1"][0]
print("  group: packets %d, sources kept %d, other_sources %s" % (
    g["packets"], len(g["by_source"]), g.get("other_sources")))
print("  discovered %d streams, discovered_other %s" % (
    len(d["discovered"]), d.get("discovered_other")))
print("  listeners %d rows, listeners_counters %s" % (
    len(d["listeners"]), d.get("listeners_counters")))
u = d.get("unattributed", {}).get("by_destination", [])
print("  unattributed: %d rows, other %s" % (
    len(u), [x["packets"] for x in u if x["dst"] == "other"]))
EOF
}

main "$@"
