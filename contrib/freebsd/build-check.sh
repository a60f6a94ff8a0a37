#!/bin/bash
# The FreeBSD build check (unit test freebsd_build), run from Linux: does the tree compile
# against FreeBSD's own headers, and would every symbol it uses link there?
#
#   bash contrib/freebsd/build-check.sh [OUT-DIR [HOST-BUILD-DIR]]
#
# OUT-DIR (default build/freebsd-check) is rebuilt from scratch; HOST-BUILD-DIR (default
# build) is the Linux build, needed only in the weak mode below.
#
# Full mode, with FreeBSD's headers and symbol lists (OCIMON_FREEBSD_DIR, default
# <repo>/../shared/freebsd: sysroot/usr/include, symbols/{libc,libthr,libjail}.txt):
#  1. A sysroot of our own: FreeBSD's headers; stub libraries made from the symbol lists
#     (libc, libthr, libjail) and from Debian's glib, jansson and Check (same API on
#     FreeBSD), whose headers are used too; .pc files for them where FreeBSD keeps them.
#  2. meson setup with contrib/freebsd/x86_64-freebsd.ini on it, twice: as is (FreeBSD 12's
#     headers have no O_PATH) and with FreeBSD 14's O_PATH defined. Meson itself decides
#     what FreeBSD builds (meson.build's is_freebsd branches) and with which flags (the
#     project's warnings, -Werror); nothing here lists source files.
#  3. Every object compiles (clang --target=x86_64-unknown-freebsd14); no "/proc/ or
#     "/sys/ path is in a file FreeBSD builds.
#  4. Every undefined symbol (llvm-nm) of each executable's objects is exported by FreeBSD's
#     libc, libthr or libjail (or its crt1.o, compiler-rt), by glib, jansson or Check, or
#     defined by another object of the same link.
#  5. Every executable links (ld.lld against the stubs).
#
# Weak mode, when that directory is absent (OCIMON_FREEBSD_DIR=none asks for it): says so
# on its first line, takes the file list from the same meson setup (headers not needed
# for that), and runs syntax-check.sh: FreeBSD-only files against glibc plus the stand-in
# headers of syntax-check/, shared files checked for GNU- and Linux-only names.
#
# Prints PASS:/FAIL: lines and a closing "N passed, N failed"; exits 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$(realpath -m "${1:-$repo/build/freebsd-check}")
host_build=$(realpath -m "${2:-$repo/build}")
target=x86_64-unknown-freebsd14
# FreeBSD 14's value (sys/fcntl.h); 12's headers have no O_PATH, so both branches compile.
o_path_14=0x00400000

# The FreeBSD compiles see none of the Linux build's environment.
unset CC CFLAGS CPPFLAGS LDFLAGS LIBRARY_PATH CPATH C_INCLUDE_PATH \
    PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR

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
finish() {
    echo "$passed passed, $failed failed"
    ((failed == 0))
    exit
}

if [[ -n ${OCIMON_FREEBSD_DIR+set} ]]; then
    fbsd=$OCIMON_FREEBSD_DIR
    asked=1
else
    fbsd=$repo/../shared/freebsd
    asked=0
fi
if [[ $fbsd != none && -d $fbsd/sysroot/usr/include && -f $fbsd/symbols/libc.txt ]]; then
    fbsd=$(realpath "$fbsd")
    mode=full
    echo "FreeBSD check: FreeBSD's headers and symbol lists from $fbsd"
elif [[ $fbsd != none && $asked == 1 ]]; then
    ko "OCIMON_FREEBSD_DIR=$fbsd" "no sysroot/usr/include and symbols/libc.txt there (OCIMON_FREEBSD_DIR=none for the weak mode)"
    finish
else
    mode=weak
    if [[ $fbsd == none ]]; then why="OCIMON_FREEBSD_DIR=none"; else why="no $fbsd"; fi
    echo "FreeBSD check: WEAK MODE ($why): FreeBSD's headers and symbol lists are missing," \
        "so only a syntax check against glibc plus the stand-in headers of" \
        "contrib/freebsd/syntax-check/; FreeBSD's real headers and linking are NOT checked."
fi

missing=()
for t in clang ld.lld llvm-nm llvm-ar meson ninja pkg-config jq; do
    command -v "$t" >/dev/null || missing+=("$t")
done
if ((${#missing[@]} > 0)); then
    ko "tools" "not found: ${missing[*]} (Debian: clang lld llvm meson ninja-build pkg-config jq)"
    finish
fi

# OUT-DIR is wiped: only one this script made (marked), or a new one.
if [[ -e $out && ! -f $out/.build-check ]]; then
    ko "OUT-DIR $out" "exists and was not made by build-check.sh: not wiping it"
    finish
fi
rm -rf "$out"
mkdir -p "$out/symbols" && touch "$out/.build-check"
sr=$out/sysroot
syms=$out/symbols

# ---- 1. the sysroot ----------------------------------------------------------------------

# names_of FILE...: the global symbols FILE (.so or .a) defines, one a line.
names_of() {
    local f
    for f in "$@"; do
        if [[ $f == *.so ]]; then
            llvm-nm --quiet -D -A -P --defined-only "$f"
        else
            llvm-nm --quiet -A -P --defined-only "$f"
        fi
    done | awk '$3 ~ /^[A-Z]$/ { sub(/@.*/, "", $2); print $2 }' | sort -u
}

# stub_lib OUT SONAME LIST: a shared library defining every name of LIST as an empty
# function; for lld only (a data symbol typed as a function links as well).
stub_lib() {
    awk 'BEGIN { print "\t.text" }
        NF { printf "\t.globl %s\n\t.type %s,@function\n%s:\n\tret\n", $1, $1, $1 }' "$3" >"$1.s" &&
        clang --target=$target -c "$1.s" -o "$1.o" &&
        ld.lld -shared -soname "$2" "$1.o" -o "$1" &&
        rm -f "$1.s" "$1.o"
}

# host_pkg NAME HEADER...: Debian's NAME for the FreeBSD build: its HEADERs linked into
# the sysroot's /usr/local/include, its symbols in symbols/NAME.txt, a stub library, a .pc.
# Returns 1 when the host has no NAME.
host_pkg() {
    local name=$1 lib libdir incdir h file
    shift
    pkg-config --exists "$name" || return 1
    libdir=$(pkg-config --variable=libdir "$name")
    incdir=$(pkg-config --variable=includedir "$name")
    case $name in
    glib-2.0)
        lib=glib-2.0
        ln -s "$incdir/glib-2.0" "$sr/usr/local/include/glib-2.0"
        mkdir -p "$sr/usr/local/lib/glib-2.0"
        ln -s "$libdir/glib-2.0/include" "$sr/usr/local/lib/glib-2.0/include"
        ;;
    *) lib=$name ;;
    esac
    for h in "$@"; do ln -s "$incdir/$h" "$sr/usr/local/include/$h" || return 1; done
    for file in "$libdir/lib$lib.so" "$libdir/lib$lib.a" "$libdir/lib${lib}_pic.a" ""; do
        [[ -f $file ]] && break
    done
    [[ -n $file ]] || return 1
    names_of "$file" >"$syms/$name.txt"
    stub_lib "$sr/usr/local/lib/lib$lib.so" "lib$lib.so" "$syms/$name.txt" || return 1
    local cflags="-I\${includedir}"
    [[ $name == glib-2.0 ]] && cflags="-I\${includedir}/glib-2.0 -I\${libdir}/glib-2.0/include"
    [[ $name == check ]] && cflags+=" -pthread"
    cat >"$sr/usr/local/libdata/pkgconfig/$name.pc" <<EOF
# build-check.sh: Debian's headers, a stub library made from Debian's exports.
prefix=/usr/local
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: $name
Description: $name for build-check.sh
Version: $(pkg-config --modversion "$name")
Libs: -L\${libdir} -l$lib
Cflags: $cflags
EOF
}

make_sysroot() {
    mkdir -p "$sr/usr/lib" "$sr/usr/local/include" "$sr/usr/local/lib" \
        "$sr/usr/local/libdata/pkgconfig" || return 1
    local l
    for l in libc libthr libjail; do
        if [[ $mode == full ]]; then
            cp "$fbsd/symbols/$l.txt" "$syms/$l.txt" || return 1
        else
            : >"$syms/$l.txt" # only for meson's find_library('jail')
        fi
    done
    if [[ $mode == full ]]; then
        ln -s "$fbsd/sysroot/usr/include" "$sr/usr/include"
    else
        mkdir "$sr/usr/include"
    fi
    stub_lib "$sr/usr/lib/libc.so" libc.so.7 "$syms/libc.txt" &&
        stub_lib "$sr/usr/lib/libthr.so" libthr.so.3 "$syms/libthr.txt" &&
        stub_lib "$sr/usr/lib/libjail.so" libjail.so.1 "$syms/libjail.txt" || return 1
    # -pthread links -lpthread, which on FreeBSD is libthr.
    ln -s libthr.so "$sr/usr/lib/libpthread.so"
    # FreeBSD's crt1.o defines environ and __progname (lib/csu), not libc.
    printf '%s\n' environ __progname >"$syms/crt1.txt"
    printf 'char **environ;\nconst char *__progname = "";\nvoid _start(void) {}\n' >"$out/crt1.c"
    clang --target=$target -c "$out/crt1.c" -o "$sr/usr/lib/crt1.o" || return 1
    cp "$sr/usr/lib/crt1.o" "$sr/usr/lib/Scrt1.o"
    : >"$out/empty.c"
    clang --target=$target -c "$out/empty.c" -o "$sr/usr/lib/crti.o" || return 1
    for l in crtn crtbegin crtbeginS crtbeginT crtend crtendS; do
        cp "$sr/usr/lib/crti.o" "$sr/usr/lib/$l.o"
    done
    # clang links -lgcc -lgcc_s, which are compiler-rt on FreeBSD: the host's builtins.
    llvm-ar rc "$sr/usr/lib/libgcc.a"
    local rt
    rt=$(clang --rtlib=compiler-rt -print-libgcc-file-name)
    if [[ -f $rt ]]; then names_of "$rt" >"$syms/compiler-rt.txt"; else : >"$syms/compiler-rt.txt"; fi
    stub_lib "$sr/usr/lib/libgcc_s.so" libgcc_s.so.1 "$syms/compiler-rt.txt" || return 1
    host_pkg glib-2.0 || {
        echo "glib-2.0 not found on this host" >&2
        return 1
    }
    host_pkg jansson jansson.h jansson_config.h || {
        echo "jansson not found on this host" >&2
        return 1
    }
    # Optional, as in tests/meson.build: without it the unit tests are not built.
    host_pkg check check.h check_stdint.h ||
        echo "Check not found on this host: the unit tests are not built for FreeBSD" >&2
    return 0
}

if ! log=$(make_sysroot 2>&1); then
    ko "sysroot in $sr" "$log"
    finish
fi
[[ -n $log ]] && echo "$log"

# ---- 2. meson setup ----------------------------------------------------------------------

variants=(no-o_path)
[[ $mode == full ]] && variants+=(o_path)
declare -A what=([no-o_path]="without O_PATH" [o_path]="with O_PATH=$o_path_14")

setup() { # VARIANT
    {
        printf "[constants]\nsysroot = '%s'\n" "$sr"
        [[ $1 == o_path ]] && printf "\n[built-in options]\nc_args = ['-DO_PATH=%s']\n" "$o_path_14"
    } >"$out/$1.ini"
    # From OUT-DIR: meson's linker probe (clang -fuse-ld=lld -Wl,--version) links an a.out
    # where it runs, now that the sysroot has libraries.
    (cd "$out" && meson setup "$out/$1" "$repo" --cross-file "$here/x86_64-freebsd.ini" \
        --cross-file "$out/$1.ini") >"$out/$1-setup.log" 2>&1
}
pids=()
for v in "${variants[@]}"; do
    setup "$v" &
    pids+=($!)
done
configured=()
for i in "${!variants[@]}"; do
    v=${variants[$i]}
    if wait "${pids[$i]}"; then
        configured+=("$v")
    else
        ko "meson setup for FreeBSD (${what[$v]})" "$(tail -n 20 "$out/$v-setup.log")"
    fi
done
((${#configured[@]} == ${#variants[@]})) || finish

# sources BUILD: "OBJECT<TAB>SOURCE" for every C file the build compiles, SOURCE relative
# to the repository.
sources() {
    jq -r '.[] | [.output, .directory + "/" + .file] | @tsv' "$1/compile_commands.json" |
        while IFS=$'\t' read -r o f; do
            printf '%s\t%s\n' "$o" "$(realpath -m --relative-to="$repo" "$f")"
        done
}
sources "$out/no-o_path" >"$out/sources.tsv"
mapfile -t files < <(cut -f 2 "$out/sources.tsv" | sort -u)
echo "FreeBSD builds (meson.build, host_machine freebsd): ${files[*]}"

# ---- weak mode: syntax-check.sh on meson's lists ------------------------------------------

if [[ $mode == weak ]]; then
    if [[ ! -f $host_build/compile_commands.json ]]; then
        ko "weak mode" "no $host_build/compile_commands.json (meson setup the Linux build first)"
        finish
    fi
    sources "$host_build" | cut -f 2 | sort -u >"$out/linux.txt"
    printf '%s\n' "${files[@]}" >"$out/freebsd.txt"
    comm -23 "$out/freebsd.txt" "$out/linux.txt" >"$out/freebsd-only.txt"
    comm -12 "$out/freebsd.txt" "$out/linux.txt" >"$out/shared.txt"
    log=$(bash "$here/syntax-check.sh" "$host_build" "$out/freebsd-only.txt" "$out/shared.txt")
    rc=$?
    grep -vE '^[0-9]+ passed, [0-9]+ failed$' <<<"$log"
    # Its cases count as ours; a run without its summary line counts as a failure.
    p=$(grep -c '^PASS: ' <<<"$log")
    f=$(grep -c '^FAIL: ' <<<"$log")
    ((rc != 0 && f == 0)) && ko "syntax-check.sh exited with status $rc"
    passed=$((passed + p))
    failed=$((failed + f))
    echo "FreeBSD check ran in WEAK MODE (stand-in headers, no link check)."
    finish
fi

# ---- 3. compile; no Linux paths ----------------------------------------------------------

declare -A compiled
for v in "${variants[@]}"; do
    mapfile -t objs < <(jq -r '.[].output' "$out/$v/compile_commands.json")
    if log=$(ninja -C "$out/$v" -k 0 "${objs[@]}" 2>&1); then
        ok "compile for FreeBSD (${what[$v]}): ${#objs[@]} objects, -Werror"
        compiled[$v]=1
    else
        # The errors, without ninja's progress lines and the long command lines.
        ko "compile for FreeBSD (${what[$v]})" \
            "$(grep -vE '^\[[0-9]+/[0-9]+\] |^clang --target|^ninja: (Entering|build stopped)' <<<"$log")"
    fi
done

linux_paths=$(cd "$repo" && grep -nE '"/(proc|sys)/' "${files[@]}")
if [[ -z $linux_paths ]]; then
    ok "no \"/proc/ or \"/sys/ path in the ${#files[@]} files FreeBSD builds"
else
    ko "Linux-only paths in files FreeBSD builds" "$linux_paths"
fi

# ---- 4. undefined symbols ----------------------------------------------------------------

# link_inputs BUILD TARGET [a]: TARGET's objects ("o<TAB>PATH") and the members of the
# project's static libraries it links ("a<TAB>PATH"), from ninja's inputs of the edges
# (nothing needs to be linked yet).
link_inputs() {
    local q line kind=${3:-o}
    q=$(ninja -C "$1" -t query "$2") || return 1
    while IFS= read -r line; do
        line=${line##* }
        case $line in
        *.o) printf '%s\t%s\n' "$kind" "$line" ;;
        /*) ;; # the sysroot's libraries
        *.a) link_inputs "$1" "$line" a ;;
        esac
    done < <(sed -n '/^  input:/,/^  outputs:/p' <<<"$q")
}

# unresolved EXPORTED SOURCES: reads "KIND<TAB>OBJECT" lines and, as a linker does, takes
# every object plus each archive member that defines a name still undefined (until no more
# are needed); prints "NAME<TAB>SOURCE..." for each undefined name of what it took that
# neither those objects define nor EXPORTED lists, and "#N" (undefined names in all).
unresolved() {
    local -a objs=() kinds=()
    local k o
    while IFS=$'\t' read -r k o; do
        kinds+=("$k")
        objs+=("$o")
    done
    { paste <(printf '%s\n' "${kinds[@]}") <(printf '%s\n' "${objs[@]}"); echo "--"
        llvm-nm -A -P "${objs[@]}"; } | awk -v exported="$1" -v map="$2" '
        BEGIN {
            while ((getline line < map) > 0) { split(line, f, "\t"); src[f[1]] = f[2] }
            while ((getline line < exported) > 0) ok[line] = 1
        }
        !nm && $0 == "--" { nm = 1; next }
        !nm { kind[$2] = $1; next }
        {
            obj = $1; sub(/:$/, "", obj); name = $2; type = $3
            if (type == "U") und[obj] = und[obj] " " name
            else if (type ~ /^[A-Z]$/) { defs[obj] = defs[obj] " " name }
        }
        function take(o,   n, i, a) {
            taken[o] = 1
            n = split(defs[o], a, " "); for (i = 1; i <= n; i++) def[a[i]] = 1
        }
        function wanted(o,   n, i, a) { # does archive member o define a needed name?
            n = split(defs[o], a, " ")
            for (i = 1; i <= n; i++) if ((a[i] in need) && !(a[i] in def)) return 1
            return 0
        }
        function needs(   o, n, i, a) {
            for (o in taken) {
                n = split(und[o], a, " ")
                for (i = 1; i <= n; i++) if (!(a[i] in ok)) need[a[i]] = 1
            }
        }
        END {
            for (o in kind) if (kind[o] == "o") take(o)
            do {
                more = 0; needs()
                for (o in kind) if (kind[o] == "a" && !(o in taken) && wanted(o)) { take(o); more = 1 }
            } while (more)
            for (o in taken) {
                n = split(und[o], a, " ")
                for (i = 1; i <= n; i++) {
                    all[a[i]] = 1
                    if ((a[i] in ok) || (a[i] in def)) continue
                    s = (o in src) ? src[o] : o
                    if (index(" " users[a[i]] " ", " " s " ") == 0)
                        users[a[i]] = users[a[i]] (users[a[i]] == "" ? "" : " ") s
                }
            }
            for (name in users) print name "\t" users[name]
            for (name in all) count++
            print "#" count
        }'
}

sort -u "$syms"/*.txt >"$out/exported.txt"
libs_said="FreeBSD's libc, libthr, libjail, crt1.o or compiler-rt, glib, jansson or Check"
for v in "${variants[@]}"; do
    [[ -n ${compiled[$v]:-} ]] || continue
    sources "$out/$v" >"$out/$v-sources.tsv"
    mapfile -t exes < <(jq -r '.[] | select(.type == "executable" or .type == "shared library"
        or .type == "shared module") | .filename[]' <(meson introspect --targets "$out/$v"))
    counts=()
    errors=()
    : >"$out/$v-unresolved.tsv"
    for exe in "${exes[@]}"; do
        rel=$(realpath -m --relative-to="$out/$v" "$exe")
        res=$(cd "$out/$v" && link_inputs . "$rel" | sort -u |
            unresolved "$out/exported.txt" "$out/$v-sources.tsv")
        n=$(sed -n 's/^#//p' <<<"$res")
        if [[ -z $n ]]; then
            errors+=("$rel: no symbols read from its objects (ninja -t query, llvm-nm)")
            continue
        fi
        counts+=("$rel $n")
        grep -v '^#' <<<"$res" | sed "s|\$|\t$rel|" >>"$out/$v-unresolved.tsv"
    done
    # One line per name: the files using it, the executables it is missing from.
    bad=$(sort "$out/$v-unresolved.tsv" | awk -F '\t' '
        $1 != name { if (name != "") print name ", used by " users "; in " exes; name = $1; users = $2; exes = $3; next }
        { exes = exes " " $3 }
        END { if (name != "") print name ", used by " users "; in " exes }')
    if ((${#exes[@]} == 0)); then
        ko "undefined symbols (${what[$v]})" "meson introspect lists no executables"
    elif [[ -z $bad && ${#errors[@]} == 0 ]]; then
        ok "undefined symbols (${what[$v]}): all exported by $libs_said, or defined in the link; per executable: $(printf '%s, ' "${counts[@]}" | sed 's/, $//')"
    else
        ko "undefined symbols (${what[$v]}): would not link on FreeBSD (exported by none of $libs_said, defined by nothing in the link)" \
            "$(printf '%s\n' "$bad" "${errors[@]}" | grep .)"
    fi
done

# ---- 5. link -----------------------------------------------------------------------------

for v in "${variants[@]}"; do
    [[ -n ${compiled[$v]:-} ]] || continue
    if log=$(ninja -C "$out/$v" -k 0 2>&1); then
        ok "link for FreeBSD (${what[$v]}): ${#exes[@]} executables, ld.lld against the stub libraries"
    else
        # The linker's complaints, each once, and what failed.
        ko "link for FreeBSD (${what[$v]})" "$(grep -E '^FAILED: ' <<<"$log" | tr '\n' ' ')
$(grep -vE '^\[[0-9]+/[0-9]+\] |^clang --target|^ninja: |^FAILED: |^>>> |^clang: error: linker command' <<<"$log" |
            sort | uniq -c | sed -E 's/^ *1 //; s/^ *([0-9]+) (.*)/\2 (x\1)/' | head -n 20)"
    fi
done

finish
