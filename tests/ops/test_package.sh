#!/bin/sh
# The package: cmake --install puts the binary, lessons, man page and
# completion in their places; CPack's .deb has the right Depends and,
# unpacked into a scratch root, runs mcscope --version; man -l renders
# the page without a warning and it names every option and verb; the
# completion (from the .deb) completes a verb and an option.
# Arguments: MCSCOPE BUILD_DIR.
set -u
MCSCOPE=$1
BUILD=$2
say() { printf '%s\n' "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "SKIP: $*"; exit 77; }
for t in cpack dpkg-deb man bash; do
    command -v $t >/dev/null || skip "$t is missing"
done
command -v dpkg-shlibdeps >/dev/null || skip "dpkg-shlibdeps is missing (apt-get install dpkg-dev)"
[ -f "$BUILD/man/mcscope.1" ] || skip "no man page built (apt-get install scdoc)"
WORK=$(mktemp -d /tmp/mcpkg.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# cmake --install into a staging root.
DESTDIR="$WORK/inst" cmake --install "$BUILD" --prefix /usr >"$WORK/install.log" 2>&1 ||
    fail "cmake --install: $(tail -5 "$WORK/install.log")"
for f in usr/bin/mcscope usr/share/man/man1/mcscope.1 \
    usr/share/bash-completion/completions/mcscope \
    usr/share/zsh/vendor-completions/_mcscope \
    usr/share/mcscope/lessons/join.mcs usr/share/mcscope/lessons/exclude.mcs; do
    [ -f "$WORK/inst/$f" ] || fail "cmake --install did not put $f: $(cat "$WORK/install.log")"
done
[ ! -e "$WORK/inst/usr/share/mcscope/mcscope.1.scd" ] || fail "the man source was installed"

# The .deb.
(cd "$WORK" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK/pkg") \
    >"$WORK/cpack.log" 2>&1 || fail "cpack: $(tail -20 "$WORK/cpack.log")"
DEB=$(ls "$WORK"/pkg/*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || fail "cpack made no .deb: $(tail -5 "$WORK/cpack.log")"
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
for lib in libmicrohttpd libinih libpcap libjson-c libncursesw libcap2 libc6 iproute2; do
    printf '%s' "$DEPENDS" | grep -q "$lib" || fail "Depends lacks $lib: $DEPENDS"
done
[ "$(dpkg-deb -f "$DEB" Package)" = mcscope ] || fail "package name"
dpkg-deb -c "$DEB" | grep ' ./usr/bin/mcscope$' >/dev/null || fail "no /usr/bin/mcscope in the .deb"
mkdir "$WORK/root"
dpkg -x "$DEB" "$WORK/root" || fail "dpkg -x"
"$WORK/root/usr/bin/mcscope" --version >"$WORK/version" 2>&1 ||
    fail "the installed mcscope --version: $(cat "$WORK/version")"
[ "$(cat "$WORK/version")" = "$("$MCSCOPE" --version)" ] ||
    fail "installed version '$(cat "$WORK/version")'"
grep -q "^mcscope [0-9]" "$WORK/version" || fail "version '$(cat "$WORK/version")'"

# The man page renders, without warnings, with every section, option and
# verb (the lists come from the program's own tables).
PAGE="$WORK/root/usr/share/man/man1/mcscope.1"
[ -f "$PAGE" ] || fail "no man page in the .deb"
MANWIDTH=80 man --warnings -l "$PAGE" >"$WORK/man.txt" 2>"$WORK/man.err" ||
    fail "man -l failed: $(cat "$WORK/man.err")"
[ ! -s "$WORK/man.err" ] || fail "man -l warned: $(cat "$WORK/man.err")"
for sec in NAME SYNOPSIS OPTIONS "COMMAND LANGUAGE" KEYS "JSON REPORT" \
    "HEALTH RULES" METRICS CONFIGURATION "EXIT STATUS" EXAMPLES; do
    grep -q "^$sec\$" "$WORK/man.txt" || fail "the man page has no $sec section"
done
# Words joined again where the page broke them.
tr -d '\n‐' <"$WORK/man.txt" | tr -s ' ' >"$WORK/man.flat"
for o in $("$BUILD/mcscope-mkcompletion" options); do
    grep -qF -- "$o" "$WORK/man.flat" || fail "the man page does not cover $o"
    "$MCSCOPE" --help | grep -qF -- "$o" || fail "--help does not cover $o"
done
for v in $("$BUILD/mcscope-mkcompletion" verbs); do
    grep -qF -- "$v " "$WORK/man.flat" || fail "the man page does not cover the verb $v"
done

# The completion from the .deb completes a verb after -e, an option, a
# lesson.
COMP="$WORK/root/usr/share/bash-completion/completions/mcscope"
got=$(bash -c '. "$1"; complete -p mcscope >/dev/null || exit 9
    COMP_WORDS=(mcscope -e jo); COMP_CWORD=2; _mcscope; echo "${COMPREPLY[*]}"' \
    sh "$COMP") || fail "the completion does not register: $got"
[ "$got" = "join join-source" ] || fail "-e jo completed to '$got'"
got=$(bash -c '. "$1"; COMP_WORDS=(mcscope --nag); COMP_CWORD=1; _mcscope
    echo "${COMPREPLY[*]}"' sh "$COMP")
[ "$got" = "--nagios" ] || fail "--nag completed to '$got'"
got=$(bash -c '. "$1"; COMP_WORDS=(mcscope -e "'"'"'stop"); COMP_CWORD=2
    _mcscope; echo "${COMPREPLY[*]}"' sh "$COMP")
[ "$got" = "'stop-send" ] || fail "-e 'stop completed to '$got'"
say "ok: install, .deb ($DEPENDS), man page, completion"
exit 0
