#!/usr/bin/env bash
# The test suite: install what is missing, build with -Werror, run every
# test; then the same suite again in an ASan + UBSan build.
# Integration tests create their own network namespaces and need root;
# without root they are reported as skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh --test

jobs=$(nproc 2>/dev/null || echo 2)
status=0
run_suite() { # NAME CTEST-LABEL-REGEX CMAKE-ARGS...
    local dir="build/$1" labels="$2"
    shift 2
    echo "== $dir: configure and build"
    cmake -S . -B "$dir" -DMCSCOPE_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j"$jobs" >/dev/null ||
        cmake --build "$dir" -j1 # print the errors plainly
    echo "== $dir: ctest"
    (cd "$dir" && ctest --output-on-failure -j"$jobs" -L "$labels") ||
        status=1
}

run_suite strict . -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_suite asan . -DCMAKE_BUILD_TYPE=Debug -DMCSCOPE_SANITIZE=ON
# The fuzz build: clang, libFuzzer targets for the parsers and decoders,
# each run for a bounded time.
run_suite fuzz fuzz -DCMAKE_C_COMPILER=clang -DMCSCOPE_FUZZ=ON \
    -DMCSCOPE_FUZZ_SECONDS="${MCSCOPE_FUZZ_SECONDS:-20}"
exit $status
