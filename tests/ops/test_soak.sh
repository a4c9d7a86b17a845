#!/bin/sh
# A short soak (bench/soak.sh, 20 s): joins and leaves every 100 ms,
# a source that comes and goes, 10k packets/s, the wire cross-check on;
# resident memory and descriptors flat after warm-up, every count exact
# against the senders and tcpdump, and the receiver's exit status 0 —
# under the ASan build that is also LeakSanitizer's verdict at exit.
MCSCOPE=${1:-}
[ -n "$MCSCOPE" ] && [ -x "$MCSCOPE" ] || { echo "SKIP: no mcscope given"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: not root: the soak builds namespaces"; exit 77; }
command -v tcpdump >/dev/null || { echo "SKIP: tcpdump is missing"; exit 77; }
command -v bash >/dev/null || { echo "SKIP: bash is missing"; exit 77; }
# ASan's quarantine holds freed memory back (256 MiB by default) and would
# read as growth; leaks are LeakSanitizer's to find.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
export ASAN_OPTIONS
# 20 s is inside the warm-up of the long run (the rings of events and
# wire messages fill for about 100 s: ~5 KiB/s, ~3 MiB/min under ASan's
# redzones), so the memory bound here is loose; the 10-minute bench holds
# it to 1 MiB after its warm-up.  What this finds: descriptors that leak,
# memory that leaks (LeakSanitizer), counts that drift.
MCSCOPE="$MCSCOPE" SOAK_SECONDS=${SOAK_SECONDS:-20} \
    RSS_SLACK_KB=${RSS_SLACK_KB:-4096} bash "$(dirname "$0")/../../bench/soak.sh"
