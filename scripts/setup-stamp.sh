#!/usr/bin/env bash
# Print one line that changes whenever the set-up of commit REV (default
# HEAD) changes: the scripts that install, build and run (deps.sh, demo.sh,
# test.sh, fresh-debian.sh, .ci/run) and the lines of every CMakeLists.txt
# that find a dependency.  scripts/fresh-debian.ok holds the line of the
# last commit whose two commands passed in a fresh Debian root; .ci/run
# runs scripts/fresh-debian.sh when the two differ.
#   scripts/setup-stamp.sh [REV]
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD}
{
    for f in scripts/deps.sh scripts/demo.sh scripts/test.sh \
        scripts/fresh-debian.sh .ci/run; do
        echo "== $f"
        git show "$rev:$f" 2>/dev/null || echo "(none)"
    done
    echo "== CMake dependency lines"
    git grep -h -E '^\s*(pkg_check_modules|find_package|find_program|find_library)' \
        "$rev" -- 'CMakeLists.txt' '*/CMakeLists.txt' | sort
} | sha256sum | awk '{ print "setup " $1 }'
