#!/usr/bin/env python3
"""An independent multicast member for the link tests: joins, source
filters and leaves through the kernel's RFC 3678 socket options
(MCAST_JOIN_GROUP, MCAST_BLOCK_SOURCE, MCAST_UNBLOCK_SOURCE,
MCAST_JOIN_SOURCE_GROUP, MCAST_LEAVE_SOURCE_GROUP, MCAST_LEAVE_GROUP),
written without any of mcscope's code.

    member.py ipv4|ipv6 IFACE      then one command a line on stdin:
    join G | leave G | block G S | unblock G S | join-source G S |
    leave-source G S
Each line is answered "ok" or "error: TEXT" on stdout.
"""
import socket
import struct
import sys

MCAST_JOIN_GROUP = 42
MCAST_BLOCK_SOURCE = 43
MCAST_UNBLOCK_SOURCE = 44
MCAST_LEAVE_GROUP = 45
MCAST_JOIN_SOURCE_GROUP = 46
MCAST_LEAVE_SOURCE_GROUP = 47


def sockaddr(family, addr):
    """A struct sockaddr_storage (128 bytes) holding addr."""
    if family == socket.AF_INET:
        raw = struct.pack("=HH4s", socket.AF_INET, 0,
                          socket.inet_pton(socket.AF_INET, addr))
    else:
        raw = struct.pack("=HHI16sI", socket.AF_INET6, 0, 0,
                          socket.inet_pton(socket.AF_INET6, addr), 0)
    return raw + b"\0" * (128 - len(raw))


def main():
    family = socket.AF_INET if sys.argv[1] == "ipv4" else socket.AF_INET6
    level = socket.IPPROTO_IP if family == socket.AF_INET else socket.IPPROTO_IPV6
    ifindex = socket.if_nametoindex(sys.argv[2])
    s = socket.socket(family, socket.SOCK_DGRAM)
    # struct group_req / group_source_req: uint32 ifindex, 4 bytes of
    # padding (the sockaddr_storage that follows is 8-aligned), addresses.
    head = struct.pack("=I4x", ifindex)
    names = {
        "join": MCAST_JOIN_GROUP, "leave": MCAST_LEAVE_GROUP,
        "block": MCAST_BLOCK_SOURCE, "unblock": MCAST_UNBLOCK_SOURCE,
        "join-source": MCAST_JOIN_SOURCE_GROUP,
        "leave-source": MCAST_LEAVE_SOURCE_GROUP,
    }
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            opt = names[words[0]]
            arg = head + sockaddr(family, words[1])
            if len(words) > 2:
                arg += sockaddr(family, words[2])
            s.setsockopt(level, opt, arg)
            print("ok", flush=True)
        except (KeyError, IndexError, OSError) as e:
            print("error: %s" % e, flush=True)


if __name__ == "__main__":
    main()
