#!/bin/bash
# Checks the stand-in FreeBSD headers of syntax-check/ against FreeBSD's own manual: for
# every FreeBSD-only function ocimon calls, the prototype in the SYNOPSIS of its FreeBSD man
# page (Debian's freebsd-manpages, FreeBSD 12.2) must be the one the stand-ins declare, so
# syntax-check.sh compiles platform_freebsd.c and stats_racct_freebsd.c against FreeBSD's real
# signatures, not ours.
#
#   bash contrib/freebsd/manpage-check.sh
#
# Prints one PASS:/FAIL: line per function and a closing "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")" || exit 1
man=/usr/share/man/man2
stubs=syntax-check

# function:man page (section 2, FreeBSD's names)
CALLS=(bindat:bindat procctl:procctl rctl_get_racct:rctl_get_racct kqueue:kevent kevent:kevent)
# Constants and macros the FreeBSD-only files use: each must be documented on that page.
NAMES=(PROC_REAP_ACQUIRE:procctl PROC_REAP_RELEASE:procctl PROC_PDEATHSIG_CTL:procctl
    EVFILT_SIGNAL:kevent EV_ADD:kevent EV_CLEAR:kevent EV_SET:kevent MSG_EOR:send)

passed=0
failed=0
result() { # OK NAME DETAIL
    if [[ $1 == ok ]]; then
        echo "PASS: $2"
        passed=$((passed + 1))
    else
        echo "FAIL: $2: $3"
        failed=$((failed + 1))
    fi
}

# One prototype from mdoc: ".Ft TYPE" then ".Fn NAME "arg" ..." or ".Fo NAME" / ".Fa "arg"
# ..." / ".Fc", in the SYNOPSIS section. Printed as "TYPE NAME(arg, arg)".
man_prototype() { # FUNCTION PAGE
    zcat "$man/$2.2freebsd.gz" | awk -v fn="$1" '
        function args(line,   out, n, i, a) {
            n = split(line, a, "\"")
            out = ""
            for (i = 2; i <= n; i += 2) out = out (out == "" ? "" : ", ") a[i]
            return out
        }
        /^\.Sh SYNOPSIS/ { in_syn = 1; next }
        /^\.Sh / { in_syn = 0 }
        !in_syn { next }
        /^\.Ft / { type = substr($0, 5); next }
        $1 == ".Fn" && $2 == fn { print type " " fn "(" args($0) ")"; exit }
        $1 == ".Fo" && $2 == fn { collecting = 1; list = ""; next }
        collecting && $1 == ".Fa" { a = args($0); list = list (list == "" ? "" : ", ") a; next }
        collecting && $1 == ".Fc" { print type " " fn "(" list ")"; exit }'
}

# The declaration in the stand-in headers: preprocessor lines and comments dropped, one
# statement per line, whitespace collapsed, without the ';'.
stub_prototype() { # FUNCTION
    cat "$stubs"/*.h "$stubs"/sys/*.h | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' |
        grep -v '^[[:space:]]*#' |
        sed -e 's,/\*.*\*/,,g' -e '/\/\*/,/\*\//d' | tr '\n\t' '  ' | tr ';' '\n' |
        tr -s ' ' | grep -E "[ *]$1 ?\(" | head -n 1 |
        sed -e 's/^ *//' -e 's/ *$//' -e 's/( /(/' -e 's/ )/)/'
}

if ! compgen -G "$man/*.2freebsd.gz" >/dev/null; then
    result fail "FreeBSD man pages" "none in $man (apt-get install freebsd-manpages)"
else
    for c in "${CALLS[@]}"; do
        fn=${c%%:*}
        page=${c#*:}
        want=$(man_prototype "$fn" "$page")
        got=$(stub_prototype "$fn")
        if [[ -z $want ]]; then
            result fail "$fn" "no prototype in the SYNOPSIS of $page(2)"
        elif [[ $want == "$got" ]]; then
            result ok "$fn: stand-in matches $page(2): $want"
        else
            result fail "$fn" "$page(2) says '$want', the stand-in '${got:-nothing}'"
        fi
    done
    for c in "${NAMES[@]}"; do
        name=${c%%:*}
        page=${c#*:}
        # Read whole: "zcat | grep -q" fails at random under pipefail (SIGPIPE).
        if [[ $(zcat "$man/$page.2freebsd.gz") =~ (^|[^A-Z_])$name([^A-Z_]|$) ]]; then
            result ok "$name: documented in $page(2)"
        else
            result fail "$name" "not in $page(2)"
        fi
    done
    # struct kevent, member by member (the stand-in's EV_SET fills ext[] as FreeBSD 12's does).
    want=$(zcat "$man/kevent.2freebsd.gz" | sed -n '/^struct kevent {/,/^};/p' |
        sed -e 's,/\*.*\*/,,' -e 's/\bu_short\b/unsigned short/' -e 's/\bu_int\b/unsigned int/' |
        tr -s ' \t' ' ' | sed -e 's/^ //' -e 's/ $//' -e 's/ \*/ */')
    got=$(sed -n '/^struct kevent {/,/^};/p' "$stubs/sys/event.h" | tr -s ' \t' ' ' |
        sed -e 's/^ //' -e 's/ $//' -e 's/ \*/ */')
    if [[ -n $want && $want == "$got" ]]; then
        result ok "struct kevent: stand-in matches kevent(2)"
    else
        result fail "struct kevent" "kevent(2) says '$(echo $want)', the stand-in '$(echo $got)'"
    fi
fi
echo "$passed passed, $failed failed"
((failed == 0))
