#!/usr/bin/env bash
# Install the Debian packages mcscope needs that are missing.
#   scripts/deps.sh            what building and running need
#   scripts/deps.sh --test     also what the test suite needs
# Installs only what is missing; needs root (or sudo) when something is.
set -euo pipefail

# Checked on a fresh Debian 12 (debootstrap minbase) by scripts/fresh-debian.sh.
# nftables: the routed lab's stand-in router (src/lab/router.h).  Not
# smcroute: Debian's package starts its daemon on the host, which mcscope
# must not do unasked; where the kernel routes multicast and smcroute is
# installed by hand, the routed lab runs it instead of the stand-in.
build_pkgs=(gcc libc6-dev make cmake pkg-config libncurses-dev libpcap-dev
    libjson-c-dev libcap-dev iproute2 libmicrohttpd-dev
    libinih-dev scdoc nftables)
# libclang-rt-dev: clang's sanitizer and libFuzzer runtime for the fuzz
# build (only recommended by clang, so --no-install-recommends skips it);
# procps: sysctl in the TUI tests' and the benchmark's namespaces;
# ffmpeg: independent RTP and MPEG-TS senders for tests/netns/test_streams.c
# (about 156 MB with --no-install-recommends on Debian 12);
# prometheus (with promtool), curl and jq: the --metrics scrape test;
# man-db, bash-completion, dpkg-dev (dpkg-shlibdeps for CPack's Depends):
# the package test; libcap2-bin (setcap) and util-linux (setpriv):
# netns.nonroot; socat, iperf, python3: receivers nobody here wrote
# (tests/netns/test_coexist); nftables: an input rule that drops MLD
# queries (tests/netns/test_querier), an output rule that drops MLD reports
# (tests/netns/test_diagnose), the lab's faults (tests/netns/test_faults).
# At run time nft is optional (diagnose reads the firewall with it, else
# with iptables-save; without either its firewall checks answer unknown;
# the lab's faults port-drop and report-drop say it is not installed):
# the .deb recommends nftables.  iputils-tracepath: the path MTU of the
# routed lab, checked against mcscope's (tests/netns/test_topo.sh).
test_pkgs=(libcmocka-dev tmux tcpdump tshark clang libclang-rt-dev
    clang-format procps ffmpeg prometheus curl jq man-db bash-completion
    dpkg-dev libcap2-bin util-linux socat iperf python3 nftables
    iputils-tracepath)

want=("${build_pkgs[@]}")
[ "${1:-}" = "--test" ] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "mcscope: installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || {
        echo "mcscope: need root to install ${missing[*]}" \
            "(run as root, or install them with apt-get)" >&2
        exit 1
    }
    sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
