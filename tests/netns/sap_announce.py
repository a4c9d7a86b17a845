#!/usr/bin/env python3
"""An independent SAP announcer for the link tests: RFC 2974 packets with
an RFC 4566 SDP payload (a=source-filter, RFC 4570), written here without
any of mcscope's code.

    sap_announce.py ipv4|ipv6 IFACE ORIGIN HASH NAME GROUP PORT SOURCE
                    COUNT INTERVAL_S [delete] [flood N]

sends COUNT announcements INTERVAL_S apart to 224.2.127.254 / ff0e::2:7ffe
port 9875 (hop limit 1), then one deletion with "delete"; "flood N" sends
N announcements of N distinct sessions (hashes HASH..HASH+N-1) instead.
"""
import socket
import struct
import sys
import time


def sdp(family, origin, name, group, port, source):
    ip = "IP4" if family == socket.AF_INET else "IP6"
    ttl = "/1" if family == socket.AF_INET else ""
    return ("v=0\r\n"
            "o=- 1 1 IN %s %s\r\n"
            "s=%s\r\n"
            "t=0 0\r\n"
            "m=video %d RTP/AVP 33\r\n"
            "c=IN %s %s%s\r\n"
            "a=source-filter: incl IN %s %s %s\r\n"
            % (ip, origin, name, port, ip, group, ttl, ip, group, source)
            ).encode()


def packet(family, origin, msg_hash, payload, delete):
    v6 = family == socket.AF_INET6
    flags = 0x20 | (0x10 if v6 else 0) | (0x04 if delete else 0)
    head = struct.pack("!BBH", flags, 0, msg_hash)
    head += socket.inet_pton(family, origin)
    return head + b"application/sdp\0" + payload


def main():
    a = sys.argv[1:]
    family = socket.AF_INET if a[0] == "ipv4" else socket.AF_INET6
    ifname, origin, msg_hash, name, group = a[1], a[2], int(a[3], 0), a[4], a[5]
    port, source, count, interval = int(a[6]), a[7], int(a[8]), float(a[9])
    rest = a[10:]
    s = socket.socket(family, socket.SOCK_DGRAM)
    ifindex = socket.if_nametoindex(ifname)
    if family == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                     ifname.encode())
        dest = ("224.2.127.254", 9875)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
        dest = ("ff0e::2:7ffe", 9875, 0, 0)
    payload = sdp(family, origin, name, group, port, source)
    if rest[:1] == ["flood"]:
        for i in range(int(rest[1])):
            s.sendto(packet(family, origin, (msg_hash + i) & 0xffff,
                            sdp(family, origin, "%s %d" % (name, i), group,
                                port, source), False), dest)
            if i % 50 == 49:
                time.sleep(0.02)
        return
    for i in range(count):
        if i:
            time.sleep(interval)
        s.sendto(packet(family, origin, msg_hash, payload, False), dest)
    if "delete" in rest:
        time.sleep(interval)
        s.sendto(packet(family, origin, msg_hash, payload, True), dest)


if __name__ == "__main__":
    main()
