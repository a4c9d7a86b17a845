#!/usr/bin/env bash
# Install the Debian packages mcscope needs that are missing.
#   scripts/deps.sh            what building and running need
#   scripts/deps.sh --test     also what the test suite needs
# Installs only what is missing; needs root (or sudo) when something is.
set -euo pipefail

build_pkgs=(gcc make cmake pkg-config libncurses-dev libpcap-dev
    libjson-c-dev libcap-dev iproute2)
test_pkgs=(libcmocka-dev tmux tcpdump tshark clang clang-format socat iperf python3)

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
