#!/bin/bash
# The weak mode of build-check.sh, for when FreeBSD's own headers are not at hand: no
# substitute for compiling against them, it catches two kinds of mistakes early:
#
# 1. The FreeBSD-only files are compiled with clang -fsyntax-only -Werror against glibc
#    plus the stand-ins in syntax-check/ for what only FreeBSD has (<sys/event.h>,
#    <sys/procctl.h>, bindat, <sys/rctl.h>, <jail.h>). Twice: with O_PATH visible, and
#    without (FreeBSD before 13.1 has none; the fallback must compile).
# 2. Every file built on both systems is compiled without _GNU_SOURCE (glibc's BSD-like
#    default instead). Each GNU-only name that shows up must be in FREEBSD_HAS below, the
#    names checked by hand against FreeBSD's headers; any other is reported as a failure.
#
#   bash contrib/freebsd/syntax-check.sh BUILD-DIR FREEBSD-ONLY SHARED
#
# BUILD-DIR: the Linux build (config.h, commit.h). FREEBSD-ONLY, SHARED: files listing the
# sources (one a line, relative to the repository) that only FreeBSD builds and that both
# build; build-check.sh gets them from meson. Prints one line per file and a closing
# "N passed, N failed"; exits 1 on any failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
if (($# != 3)); then
    echo "usage: $0 BUILD-DIR FREEBSD-ONLY-LIST SHARED-LIST" >&2
    exit 2
fi
build=$1
stubs=contrib/freebsd/syntax-check
mapfile -t FREEBSD_ONLY <"$2" || exit 1
mapfile -t SHARED <"$3" || exit 1

# GNU extensions to glibc that FreeBSD has too (its <sys/socket.h>, <unistd.h>, <fcntl.h>
# under __BSD_VISIBLE, the default): accept4 and pipe2 since 10.0, MSG_CMSG_CLOEXEC 10.0,
# O_PATH 13.1 (platform_common.c has the fallback).
FREEBSD_HAS=(accept4 pipe2 MSG_CMSG_CLOEXEC O_PATH)
# Linux-only headers and /proc paths: allowed in no file FreeBSD builds.
LINUX_ONLY_RE='#include <(linux/|sys/(signalfd|prctl|eventfd|inotify|statfs|vfs|sysinfo|epoll|timerfd|sendfile|sysmacros|personality|fsuid)\.h)|"/(proc|sys)/'

command -v clang >/dev/null || {
    echo "clang not found (apt-get install clang)" >&2
    exit 1
}
[[ -f $build/config.h ]] || {
    echo "$build/config.h not found: meson setup $build first" >&2
    exit 1
}
# FreeBSD has no libsystemd: the tree is configured without journald there.
gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
sed 's/^#define HAVE_JOURNALD 1$/#define HAVE_JOURNALD 0/' "$build/config.h" >"$gen/config.h"
cp "$build/commit.h" "$gen/" 2>/dev/null || echo '#define OCIMON_COMMIT "unknown"' >"$gen/commit.h"

read -r -a pkgflags <<<"$(pkg-config --cflags glib-2.0 jansson)"
base=(clang -fsyntax-only -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow
    -I"$gen" -I. -Isrc -Isrc/platform -Isrc/stats -Isrc/client -Ilogdrivers -Itests/unit "${pkgflags[@]}")
passed=0
failed=0
ok() {
    passed=$((passed + 1))
    printf 'PASS: %s\n' "$1"
}
ko() {
    failed=$((failed + 1))
    printf 'FAIL: %s\n' "$1"
    [[ -n ${2:-} ]] && printf '    %s\n' "${2//$'\n'/$'\n    '}"
}

for f in "${FREEBSD_ONLY[@]}"; do
    if linux_only=$(grep -nE "$LINUX_ONLY_RE" "$f"); then
        ko "$f (Linux-only header or path)" "$linux_only"
    fi
    for mode in gnu bsd; do
        if [[ $mode == gnu ]]; then
            defs=(-D_GNU_SOURCE)
        else
            defs=(-U_GNU_SOURCE -D_DEFAULT_SOURCE)
        fi
        if out=$("${base[@]}" -Werror "${defs[@]}" -I"$stubs" -include "$stubs/freebsd_decls.h" \
            "$f" 2>&1); then
            ok "$f ($mode, FreeBSD stand-in headers)"
        else
            ko "$f ($mode, FreeBSD stand-in headers)" "$out"
        fi
    done
done

is_in() {
    local x=$1 y
    shift
    for y in "$@"; do [[ $x == "$y" ]] && return 0; done
    return 1
}

for f in "${SHARED[@]}"; do
    out=$("${base[@]}" -U_GNU_SOURCE -D_DEFAULT_SOURCE -Wno-error "$f" 2>&1)
    names=$(grep -oE "(undeclared identifier|implicit declaration of function|undeclared function) '[A-Za-z0-9_]+'" \
        <<<"$out" | grep -oE "'[A-Za-z0-9_]+'" | tr -d "'" | sort -u)
    unknown=()
    for n in $names; do
        is_in "$n" "${FREEBSD_HAS[@]}" || unknown+=("$n")
    done
    errors=$(grep -E 'error:' <<<"$out" | grep -vE "undeclared identifier|implicit declaration|undeclared function" || true)
    # Headers and paths that exist only on Linux, whatever the feature macros.
    linux_only=$(grep -nE "$LINUX_ONLY_RE" "$f" || true)
    [[ -n $linux_only ]] && errors+="${errors:+$'\n'}Linux-only: $linux_only"
    if ((${#unknown[@]} == 0)) && [[ -z $errors ]]; then
        also=""
        [[ -n $names ]] && also=" besides ones FreeBSD has: $(tr '\n' ' ' <<<"$names")"
        ok "$f (no GNU-only names$also)"
    else
        ko "$f" "names FreeBSD may lack: ${unknown[*]:-none}${errors:+$'\n'$errors}"
    fi
done

echo "$passed passed, $failed failed"
((failed == 0))
