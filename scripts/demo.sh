#!/usr/bin/env bash
# The main job: install what is missing, build, and start mcscope.
# (The lab demo, `mcscope --lab`, is what this will start once it exists;
# until then it shows what the program offers.)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec build/release/mcscope --help
