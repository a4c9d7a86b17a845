#!/usr/bin/env bash
# The main job: install what is missing, build, and start the lab demo —
# a private multicast network in network namespaces (two sources, a
# receiver, a bridge) with the TUI in the receiver.  Extra arguments go to
# mcscope, e.g.  scripts/demo.sh --lesson exclude
# MCSCOPE_BUILD_DIR: where to build (default build/release).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${MCSCOPE_BUILD_DIR:-build/release}

scripts/deps.sh
# Say what happens before the terminal goes quiet for the build.
if [ -x "$build/mcscope" ]; then
    echo "mcscope: rebuilding what changed in $build ..."
else
    echo "mcscope: building in $build for the first time" \
        "(a minute or less; later runs only rebuild what changed) ..."
fi
# The program alone: the tests (and their cmocka) are test.sh's business.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" \
    --target mcscope >/dev/null
echo "mcscope: starting the lab (the TUI; q quits and removes the lab)"
exec "$build/mcscope" --lab "$@"
