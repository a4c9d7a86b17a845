#!/usr/bin/env bash
# The main job: install what is missing, build, and start the lab demo —
# a private multicast network in network namespaces (two sources, a
# receiver, a bridge) with the TUI in the receiver.  Extra arguments go to
# mcscope, e.g.  scripts/demo.sh --lesson exclude
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
# The program alone: the tests (and their cmocka) are test.sh's business.
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBUILD_TESTING=OFF >/dev/null
cmake --build build/release -j"$(nproc 2>/dev/null || echo 2)" \
    --target mcscope >/dev/null
exec build/release/mcscope --lab "$@"
