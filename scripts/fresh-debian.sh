#!/usr/bin/env bash
# The README's two commands on a fresh Debian 12: debootstrap a minbase
# bookworm root plus git into a scratch directory, clone this repository
# into it (its committed HEAD, or --ref), and run there, as root, in the
# README's order
#   scripts/demo.sh --batch 3 --json       the demo, headless: exit 0 and a
#                                          JSON report with packets in it
#   scripts/test.sh                        the whole test suite
# so that a missing install step shows here before it reaches a user.
# Run it whenever the set-up (deps.sh, demo.sh, test.sh, the build) changes.
#
#   scripts/fresh-debian.sh [--cache FILE] [--keep] [--root DIR] [--ref REF]
#                           [--no-test] [--no-demo]
#     --cache FILE  reuse a tarball of the pristine root (debootstrap plus
#                   git) from FILE, or write it there the first time;
#                   saves the ~3 minutes of debootstrap on later runs
#     --keep        leave the root in place afterwards (its path is printed)
#     --root DIR    build the root in DIR (new or empty; default: a fresh
#                   directory under /var/tmp)
#     --ref REF     the branch or tag to test (default HEAD)
#     --no-test, --no-demo   skip one of the two commands
#
# Needs root.  Installs debootstrap on this machine when it is missing.
# Packages come from the Debian mirror this machine's apt already uses
# (/etc/apt/sources.list and sources.list.d); no other host is contacted.
# All mounts (proc, sys, dev, run) live in a private mount namespace that
# ends with the run; the root directory is removed on every way out unless
# --keep.  The chroot shares this machine's network only for apt and git;
# the tests inside create their own network namespaces and touch no
# interface of the machine.
set -euo pipefail

# All in one block: bash reads it whole before running any of it, so an edit
# of this file during a run cannot derail the run.
{
SUITE=bookworm
say() { printf 'fresh-debian: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

# --- Inside the private mount namespace ------------------------------------
# Everything below runs as "$0 --inner" under unshare(1): mounts made here
# disappear with the namespace, whatever happens to this process.
if [ "${1:-}" = "--inner" ]; then
    : "${FRESH_ROOT:?}" "${FRESH_MIRROR:?}" "${FRESH_SOURCES:?}"
    : "${FRESH_BUNDLE:?}" "${FRESH_COMMIT:?}" "${FRESH_STEPS:?}"
    R=$FRESH_ROOT
    t0=$SECONDS
    stamp() { say "$(date -u +%H:%M:%S) (+$((SECONDS - t0)) s) $*"; }

    if [ -n "${FRESH_CACHE:-}" ] && [ -s "$FRESH_CACHE" ]; then
        stamp "unpacking the pristine root from $FRESH_CACHE"
        tar -C "$R" -xpf "$FRESH_CACHE"
    else
        stamp "debootstrap --variant=minbase --include=git $SUITE from $FRESH_MIRROR"
        debootstrap --variant=minbase --include=git "$SUITE" "$R" \
            "$FRESH_MIRROR" >"$R.debootstrap.log" 2>&1 || {
            tail -30 "$R.debootstrap.log" >&2
            die "debootstrap failed (log above)"
        }
        rm -f "$R.debootstrap.log"
        if [ -n "${FRESH_CACHE:-}" ]; then
            stamp "saving the pristine root to $FRESH_CACHE"
            mkdir -p "$(dirname "$FRESH_CACHE")"
            tar -C "$R" -cpf "$FRESH_CACHE.tmp" . &&
                mv "$FRESH_CACHE.tmp" "$FRESH_CACHE"
        fi
    fi

    # apt: the machine's own Debian sources for this suite, nothing else.
    rm -f "$R"/etc/apt/sources.list.d/*
    printf '%s\n' "$FRESH_SOURCES" >"$R/etc/apt/sources.list"
    cp -L /etc/resolv.conf "$R/etc/resolv.conf"

    # The root a mount point of its own: ip netns exec makes "/" a slave
    # mount, which fails (EINVAL) on a plain directory.
    mount --bind "$R" "$R"
    mount -t proc proc "$R/proc"
    mount -t sysfs sysfs "$R/sys"
    mount --rbind /dev "$R/dev" # with /dev/pts (tmux) and /dev/shm
    mount -t tmpfs -o mode=0755 tmpfs "$R/run" # ip netns: /run/netns
    mkdir -p "$R/run/lock"

    in_root() { # the commands of a user's root shell, in the clone
        chroot "$R" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
            ${LANG:+LANG="$LANG"} \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            /bin/bash -c "cd /root/mcscope && $1"
    }

    cp "$FRESH_BUNDLE" "$R/root/mcscope.bundle"
    chroot "$R" /usr/bin/git clone -q --no-checkout /root/mcscope.bundle \
        /root/mcscope
    chroot "$R" /usr/bin/git -C /root/mcscope checkout -q --detach \
        "$FRESH_COMMIT"
    stamp "cloned $(in_root 'git log --oneline -1')"

    status=0
    case " $FRESH_STEPS " in *" demo "*)
        stamp "running scripts/demo.sh --batch 3 --json"
        if in_root 'scripts/demo.sh --batch 3 --json >/root/demo.json \
                2>/root/demo.err'; then
            # a report with groups that received packets
            if grep -q '^{.*"groups":\[{' "$R/root/demo.json" &&
                grep -q '"packets":[1-9]' "$R/root/demo.json"; then
                stamp "scripts/demo.sh: PASSED (exit 0, a JSON report with" \
                    "packets received)"
            else
                sed 's/^/  | /' "$R/root/demo.json" "$R/root/demo.err" >&2
                stamp "scripts/demo.sh: FAILED (exit 0 but no JSON report)"
                status=1
            fi
        else
            rc=$?
            sed 's/^/  | /' "$R/root/demo.err" >&2
            stamp "scripts/demo.sh: FAILED (exit $rc)"
            status=1
        fi
        ;;
    esac
    case " $FRESH_STEPS " in *" test "*)
        stamp "running scripts/test.sh"
        if in_root 'scripts/test.sh' 2>&1 | tee "$R/root/test.log" |
            sed -u 's/^/  | /'; then
            stamp "scripts/test.sh: PASSED"
        else
            stamp "scripts/test.sh: FAILED (the log is above)"
            status=1
        fi
        ;;
    esac
    stamp "done"
    exit $status
fi

# --- Outside: options, sources, the scratch directory, cleanup -------------
cache="" keep=0 root="" ref=HEAD steps="test demo"
while [ $# -gt 0 ]; do
    case "$1" in
    --cache) cache=$(realpath -m "$2") && shift ;;
    --keep) keep=1 ;;
    --root) root=$(realpath -m "$2") && shift ;;
    --ref) ref=$2 && shift ;;
    --no-test) steps=${steps/test/} ;;
    --no-demo) steps=${steps/demo/} ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mounts)"
repo=$(cd "$(dirname "$0")/.." && pwd)

# The machine's apt sources, as "URI SUITE COMPONENTS..." lines: one-line
# *.list files and deb822 *.sources files, "deb" entries only.
apt_sources() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
            awk '$1 == "deb" { $1 = ""; sub(/^ +/, ""); print }'
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'function flush() {
                 if (types ~ /(^| )deb( |$)/ && enabled != "no")
                     for (i = 1; i <= nu; i++)
                         for (j = 1; j <= ns; j++)
                             print u[i], s[j], comps
                 types = ""; enabled = ""; comps = ""; nu = 0; ns = 0 }
             /^[ \t]*#/ { next }
             /^[ \t]*$/ { flush(); next }
             { key = tolower($1); $1 = ""; sub(/^ +/, "") }
             key == "types:" { types = $0 }
             key == "enabled:" { enabled = tolower($0) }
             key == "components:" { comps = $0 }
             key == "uris:" { nu = split($0, u, " ") }
             key == "suites:" { ns = split($0, s, " ") }
             END { flush() }' "$f"
    done
}
# Keep the entries of this suite and its -updates/-security companions.
sources=$(apt_sources | awk -v s="$SUITE" \
    '$2 == s || index($2, s "-") == 1 { print "deb " $0 }')
mirror=$(printf '%s\n' "$sources" | awk -v s="$SUITE" '$3 == s { print $2; exit }')
[ -n "$mirror" ] ||
    die "no '$SUITE' entry in /etc/apt/sources.list{,.d}: which mirror to use?"

if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap on this machine"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends debootstrap >/dev/null
fi

if [ -n "$root" ]; then
    mkdir -p "$root"
    [ -z "$(ls -A "$root")" ] || die "--root $root is not empty"
else
    root=$(mktemp -d /var/tmp/mcscope-fresh.XXXXXX)
fi
chmod 0755 "$root"
bundle=$(mktemp /var/tmp/mcscope-fresh-bundle.XXXXXX)
inner_pid=""

cleanup() {
    local rc=$? p
    trap - EXIT INT TERM HUP
    set +e
    [ -n "$inner_pid" ] && kill "$inner_pid" 2>/dev/null && wait "$inner_pid"
    # Processes still running in the root (a test's leftovers) are ours.
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] &&
            kill -9 "${p#/proc/}" 2>/dev/null
    done
    rm -f "$bundle" "$root.debootstrap.log"
    if [ "$keep" = 1 ]; then
        say "kept the root: $root"
    elif findmnt -rn -o TARGET | grep -q "^$root\(/\|$\)"; then
        say "something is still mounted under $root: not removing it"
        rc=1
    else
        rm -rf --one-file-system "$root"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

commit=$(git -C "$repo" rev-parse --verify "$ref^{commit}") ||
    die "no commit '$ref' in $repo"
git -C "$repo" bundle create -q "$bundle" "$ref" ||
    die "cannot bundle '$ref' (give a branch, a tag or HEAD)"
say "root $root; mirror $mirror; testing $(git -C "$repo" log --oneline -1 "$ref")"
start=$SECONDS
set +e
FRESH_ROOT=$root FRESH_MIRROR=$mirror FRESH_SOURCES=$sources \
    FRESH_BUNDLE=$bundle FRESH_COMMIT=$commit FRESH_STEPS=$steps FRESH_CACHE=$cache \
    unshare --mount --propagation private -- "$0" --inner &
inner_pid=$!
wait "$inner_pid"
rc=$?
inner_pid=""
set -e
say "took $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s;" \
    "$([ $rc = 0 ] && echo PASSED || echo FAILED)"
# Both commands passed: record the set-up they passed with, for .ci/run
# (commit scripts/fresh-debian.ok with the change).
if [ $rc = 0 ] && [ "$steps" = "test demo" ]; then
    "$repo/scripts/setup-stamp.sh" "$commit" >"$repo/scripts/fresh-debian.ok"
    say "recorded in scripts/fresh-debian.ok: $(cat "$repo/scripts/fresh-debian.ok")"
fi
exit $rc
}
