# shellcheck shell=bash
# Shared helpers for contrib/quickstart.sh, contrib/test.sh and tests/integration/*.
# Source it from bash; it defines functions and variables and runs nothing else.
#
# Variables (all may be set by the caller):
#   OCIMON            the monitor podman is told to use (default: <repo>/build/src/ocimon)
#   OCIMON_TEST_DIR   private podman state: config, storage, tmpdir (default: /tmp/ocimon-test)
#   OCIMON_IMAGE      the test image (default: localhost/ocimon-test:latest)
#   PM_ROOT PM_RUNROOT PM_TMPDIR   podman --root / --runroot / --tmpdir
#   OCIMON_CONF_DIR   where the private containers.conf etc. are written (default: OCIMON_TEST_DIR)
#   OCIMON_CONMON_ENV VAR=VALUE words podman passes to the monitor (conmon_env_vars: podman
#                     gives it no other variable of ours), e.g. ASAN_OPTIONS=log_path=...
#   OCIMON_CONTAINERS_EXTRA  more lines for containers.conf's [containers] table
#
# podman never sees the machine's /etc/containers configuration or its default storage:
# every call goes through pm(), which passes a private containers.conf, storage.conf and
# registries.conf, --root, --runroot, --tmpdir, --storage-driver vfs and --conmon "$OCIMON".

OCIMON_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OCIMON=${OCIMON:-$OCIMON_REPO/build/src/ocimon}
[[ $OCIMON == /* ]] || OCIMON=$PWD/$OCIMON
OCIMON_TEST_DIR=${OCIMON_TEST_DIR:-/tmp/ocimon-test}
OCIMON_IMAGE=${OCIMON_IMAGE:-localhost/ocimon-test:latest}
OCIMON_IMAGE_DIR=${OCIMON_IMAGE_DIR:-$OCIMON_TEST_DIR/image}
PM_ROOT=${PM_ROOT:-$OCIMON_TEST_DIR/root}
PM_RUNROOT=${PM_RUNROOT:-$OCIMON_TEST_DIR/runroot}
PM_TMPDIR=${PM_TMPDIR:-$OCIMON_TEST_DIR/tmp}
RUNC=${RUNC:-/usr/sbin/runc}

OCIMON_CONF_DIR=${OCIMON_CONF_DIR:-$OCIMON_TEST_DIR}

export CONTAINERS_CONF=$OCIMON_CONF_DIR/containers.conf
export CONTAINERS_STORAGE_CONF=$OCIMON_CONF_DIR/storage.conf
export CONTAINERS_REGISTRIES_CONF=$OCIMON_CONF_DIR/registries.conf

# Debian packages: to build ocimon, and to run it under podman in the tests.
# go-md2man: the man pages (optional: the build goes on without them).
OCIMON_BUILD_DEPS=(meson ninja-build pkg-config gcc libc6-dev libglib2.0-dev libjansson-dev
    libsystemd-dev check go-md2man)
# clang, lld (ld.lld), llvm (llvm-nm, llvm-ar): the FreeBSD build check (contrib/freebsd).
# debhelper, dpkg-dev, fakeroot, lintian: the Debian package (contrib/debian/build.sh).
OCIMON_TEST_DEPS=(podman runc conmon busybox-static valgrind tmux iptables procps coreutils tar clang
    lld llvm jq libclang-rt-14-dev freebsd-manpages uidmap debhelper dpkg-dev fakeroot lintian)

# Applets linked in the test image (each one is /bin/<name> -> busybox).
OCIMON_APPLETS=(sh echo cat seq sleep ls true false wc head tail yes dd env stty id printf
    kill tr grep sed mkdir rm touch ps date uname hostname cut sort pwd)

say() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# install_deps: apt-get install everything the build and the tests need (idempotent; apt runs
# only when a package is missing, or always with OCIMON_FORCE_APT=1).
install_deps() {
    local missing=() p
    for p in "${OCIMON_BUILD_DEPS[@]}" "${OCIMON_TEST_DEPS[@]}"; do
        if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) != "install ok installed" ]]; then
            missing+=("$p")
        fi
    done
    if [[ ${#missing[@]} -eq 0 && -z ${OCIMON_FORCE_APT:-} ]]; then
        say "all Debian packages present"
        return 0
    fi
    [[ $(id -u) -eq 0 ]] || die "installing packages needs root (missing: ${missing[*]})"
    say "apt-get install ${OCIMON_BUILD_DEPS[*]} ${OCIMON_TEST_DEPS[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "${OCIMON_BUILD_DEPS[@]}" "${OCIMON_TEST_DEPS[@]}"
}

# build: configure (or reconfigure) build/ and compile with ninja.
build() {
    (
        cd "$OCIMON_REPO" || exit 1
        if [[ -f build/build.ninja ]]; then
            say "meson setup --reconfigure build"
            meson setup --reconfigure build >/dev/null || {
                warn "reconfigure failed, configuring afresh"
                rm -rf build
                meson setup build
            }
        else
            say "meson setup build"
            rm -rf build
            meson setup build
        fi
        say "ninja -C build"
        ninja -C build
    )
}

# write_config: the private containers.conf, storage.conf and registries.conf.
write_config() {
    mkdir -p "$OCIMON_CONF_DIR"
    local env_vars='"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"' v
    for v in ${OCIMON_CONMON_ENV:-}; do
        env_vars+=", \"$v\""
    done
    cat >"$CONTAINERS_CONF" <<EOF
# Written by contrib/lib.sh: podman configuration for ocimon's tests only.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
log_driver = "k8s-file"
${OCIMON_CONTAINERS_EXTRA:-}

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
conmon_path = ["$OCIMON"]
conmon_env_vars = [$env_vars]

[engine.runtimes]
runc = ["$RUNC"]
EOF
    cat >"$CONTAINERS_STORAGE_CONF" <<EOF
# Written by contrib/lib.sh.
[storage]
driver = "vfs"
runroot = "$PM_RUNROOT"
graphroot = "$PM_ROOT"
EOF
    printf 'unqualified-search-registries = []\n' >"$CONTAINERS_REGISTRIES_CONF"
}

# pm ARGS...: podman with the private configuration and ocimon as conmon.
pm() {
    podman --root "$PM_ROOT" --runroot "$PM_RUNROOT" --tmpdir "$PM_TMPDIR" \
        --storage-driver vfs --conmon "$OCIMON" "$@"
}

# pm_t SECS ARGS...: pm under a time limit (SIGKILL 5 s after SIGTERM), so no test can hang.
pm_t() {
    local secs=$1
    shift
    timeout -k 5 "$secs" podman --root "$PM_ROOT" --runroot "$PM_RUNROOT" --tmpdir "$PM_TMPDIR" \
        --storage-driver vfs --conmon "$OCIMON" "$@"
}

# unmount_under DIR: unmount whatever podman left mounted below DIR (shm tmpfs, netns...).
unmount_under() {
    local dir=$1 m
    [[ -d $dir ]] || return 0
    dir=$(cd "$dir" && pwd -P)
    # Mount points, deepest first.
    awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r |
        while read -r m; do
            umount -l "$m" 2>/dev/null || true
        done
}

# reset_state: remove every container of the private storage and wipe podman's state
# (root, runroot, tmpdir). The cached image tarball is kept.
reset_state() {
    case $OCIMON_TEST_DIR in
    "" | / | /tmp | /tmp/ | /root | /home) die "refusing to wipe OCIMON_TEST_DIR=$OCIMON_TEST_DIR" ;;
    esac
    write_config
    if [[ -d $PM_ROOT ]] && command -v podman >/dev/null; then
        pm_t 120 rm -a -f -t 0 >/dev/null 2>&1 || true
    fi
    local d
    for d in "$PM_ROOT" "$PM_RUNROOT" "$PM_TMPDIR"; do
        unmount_under "$d"
        rm -rf "$d"
    done
    mkdir -p "$PM_ROOT" "$PM_RUNROOT" "$PM_TMPDIR"
}

# make_rootfs: a busybox-static root filesystem in $OCIMON_IMAGE_DIR/rootfs and its tarball
# $OCIMON_IMAGE_DIR/rootfs.tar (rebuilt only when busybox or the applet list changed).
make_rootfs() {
    local bb=/bin/busybox rootfs=$OCIMON_IMAGE_DIR/rootfs stamp want a
    [[ -x $bb ]] || die "$bb not found (apt-get install busybox-static)"
    want="$(sha256sum <"$bb" | cut -d' ' -f1) ${OCIMON_APPLETS[*]}"
    stamp=$OCIMON_IMAGE_DIR/stamp
    if [[ -f $OCIMON_IMAGE_DIR/rootfs.tar && -f $stamp && $(cat "$stamp") == "$want" ]]; then
        return 0
    fi
    say "building busybox rootfs in $rootfs"
    rm -rf "$rootfs" "$OCIMON_IMAGE_DIR/rootfs.tar" "$stamp"
    mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,run,root,var/tmp}
    chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
    cp "$bb" "$rootfs/bin/busybox"
    for a in "${OCIMON_APPLETS[@]}"; do
        ln -s busybox "$rootfs/bin/$a"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
        >"$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
    tar --numeric-owner -C "$rootfs" -cf "$OCIMON_IMAGE_DIR/rootfs.tar" .
    printf '%s' "$want" >"$stamp"
}

# make_image: the busybox rootfs imported as $OCIMON_IMAGE into the private storage.
make_image() {
    make_rootfs
    write_config
    if pm image exists "$OCIMON_IMAGE" 2>/dev/null; then
        return 0
    fi
    say "podman import $OCIMON_IMAGE_DIR/rootfs.tar $OCIMON_IMAGE"
    pm import -q "$OCIMON_IMAGE_DIR/rootfs.tar" "$OCIMON_IMAGE" >/dev/null
}

# conmon_path_of_podman: what podman reports as its conmon (it silently falls back to
# /usr/bin/conmon when its version probe rejects the binary we gave it).
conmon_path_of_podman() {
    pm info --format '{{.Host.Conmon.Path}}'
}
