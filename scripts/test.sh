#!/usr/bin/env bash
# The test suite: install what is missing, build with -Werror, run every
# test; then the same suite again in an ASan + UBSan build, then the fuzz
# targets for a bounded time each.
# Integration tests create their own network namespaces and need root;
# without root they are reported as skipped.
#
# Time: most of the strict suite waits (namespace tests run one at a
# time and send at fixed rates), so the ASan and fuzz builds run beside
# it at the lowest CPU priority (nice 19: a test that needs the CPU gets
# it) instead of after it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh --test

jobs=$(nproc 2>/dev/null || echo 2)
status=0
fuzz_seconds=${MCSCOPE_FUZZ_SECONDS:-12}

configure() { # DIR CMAKE-ARGS...
    local dir=$1
    shift
    cmake -S . -B "$dir" -DMCSCOPE_WERROR=ON "$@" >/dev/null
}

build() { # DIR [TARGET...]
    local dir=$1 targets=()
    shift
    [ $# -gt 0 ] && targets=(--target "$@")
    cmake --build "$dir" -j"$jobs" "${targets[@]}" >/dev/null ||
        cmake --build "$dir" -j1 "${targets[@]}" # print the errors plainly
}

# Twice as many ctest jobs as CPUs: the tests that may run side by side
# (unit tests, the narration parts, lesson_again) mostly wait for a
# lesson's pace; the namespace tests that count against the clock are
# RUN_SERIAL and run alone whatever -j says.
run_tests() { # DIR CTEST-LABEL-REGEX
    echo "== $1: ctest"
    (cd "$1" && ctest --output-on-failure -j$((jobs * 2)) -L "$2") ||
        status=1
}

echo "== configure build/strict, build/asan, build/fuzz"
configure build/strict -DCMAKE_BUILD_TYPE=RelWithDebInfo
configure build/asan -DCMAKE_BUILD_TYPE=Debug -DMCSCOPE_SANITIZE=ON
configure build/fuzz -DCMAKE_C_COMPILER=clang -DMCSCOPE_FUZZ=ON \
    -DMCSCOPE_FUZZ_SECONDS="$fuzz_seconds"
# Only the fuzz targets of the fuzz build (its other tests run above).
fuzz_targets=()
for f in tests/fuzz/fuzz_*.c; do
    fuzz_targets+=("$(basename "$f" .c)")
done

echo "== build/strict: build"
build build/strict || status=1

echo "== build/asan and build/fuzz: build (nice 19, beside the strict suite)"
(
    nice -n 19 bash -c "$(declare -f build); jobs=$jobs
        build build/asan && build build/fuzz ${fuzz_targets[*]}"
) >build/background.log 2>&1 &
background=$!

[ $status -eq 0 ] && run_tests build/strict .
if ! wait $background; then
    echo "== the ASan or fuzz build failed:"
    cat build/background.log
    exit 1
fi
run_tests build/asan .
run_tests build/fuzz fuzz
exit $status
