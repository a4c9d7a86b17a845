#!/usr/bin/env bash
# The main job: install what is missing, build, and start the lab demo —
# a private multicast network in network namespaces (two sources, a
# receiver, a bridge) with the TUI in the receiver.  Extra arguments go to
# mcscope, e.g.  scripts/demo.sh --lesson exclude
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec build/release/mcscope --lab "$@"
