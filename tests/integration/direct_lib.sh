# shellcheck shell=bash
# The monitor driven without podman, with runc and a busybox bundle: oci_driver
# (tests/integration/oci_driver.c) plays podman's part of the handshake. Used by test_oom.sh,
# test_direct.sh, test_notify.sh, test_restore.sh and others; source it after lib.sh and t_setup.
#
#   d_bundle ID [--hostpid] [-r RESOURCES-JSON] -- ARGS...
#                                              $D_W/b/ID with a config.json running ARGS;
#                                              RESOURCES-JSON goes into linux.resources;
#                                              --hostpid: no pid namespace of its own
#   d_monitor_args ID                          the monitor's arguments, one a line
#   d_start ID [DRIVER-OPTS...] -- [EXTRA MONITOR ARGS...]
#                                              run oci_driver + the monitor as podman 5 would
#                                              (with --persist-dir); the first sync line is in
#                                              $D_W/ID.out, diagnostics in $D_W/ID.err, the
#                                              driver's status in D_RC
#   runc_ ARGS...                              runc with this file's state directory

make_rootfs >/dev/null || die "cannot build the test rootfs"
D_ROOTFS=$OCIMON_IMAGE_DIR/rootfs
D_W=$T_WORK
D_RUNC_ROOT=$D_W/runc
D_EXITS=$D_W/exits
mkdir -p "$D_RUNC_ROOT" "$D_EXITS"

# The driver: the one meson built next to the monitor under test, else compile it here.
D_DRIVER=${OCI_DRIVER:-}
if [[ -z $D_DRIVER ]]; then
    for d in "$(dirname "$OCIMON")/../tests/oci_driver" "$OCIMON_REPO/build/tests/oci_driver"; do
        [[ -x $d ]] && D_DRIVER=$d && break
    done
fi
if [[ -z $D_DRIVER ]]; then
    D_DRIVER=$D_W/oci_driver
    gcc -std=gnu11 -Wall -Werror -O2 -o "$D_DRIVER" "$OCIMON_REPO/tests/integration/oci_driver.c" ||
        die "cannot compile oci_driver.c"
fi

runc_() { "$RUNC" --root "$D_RUNC_ROOT" "$@"; }

D_IDS=()
d_cleanup() {
    local id p exe
    exe=$(readlink -f "$OCIMON")
    for id in "${D_IDS[@]}"; do
        runc_ kill "$id" KILL >/dev/null 2>&1
        runc_ delete -f "$id" >/dev/null 2>&1
        # The daemon (conmon.pid) and, in --sync mode, the process the driver started.
        for p in $(cat "$D_W/b/$id/conmon.pid" 2>/dev/null) \
            $(sed -n 's/^oci_driver: monitor pid //p' "$D_W/$id.err" 2>/dev/null); do
            if proc_alive "$p" && [[ $(real_exe "$p") == "$exe" ]]; then
                kill -KILL "$p" 2>/dev/null
            fi
        done
    done
}
t_on_exit d_cleanup

d_json_str() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    printf '"%s"' "$s"
}

d_bundle() {
    local id=$1 resources="" args="" a b pidns='{ "type": "pid" }, '
    shift
    if [[ ${1:-} == --hostpid ]]; then
        pidns=""
        shift
    fi
    if [[ ${1:-} == -r ]]; then
        resources="$2,"
        shift 2
    fi
    [[ ${1:-} == -- ]] && shift
    for a in "$@"; do
        args+="${args:+, }$(d_json_str "$a")"
    done
    D_IDS+=("$id")
    b=$D_W/b/$id
    rm -rf "$b" "$D_W/persist/$id"
    mkdir -p "$b" "$D_W/persist/$id"
    cat >"$b/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": [ $args ],
    "env": [ "PATH=/bin", "HOME=/root" ],
    "cwd": "/",
    "rlimits": [
      { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 },
      { "type": "RLIMIT_NPROC", "hard": 1024, "soft": 1024 }
    ],
    "noNewPrivileges": true
  },
  "root": { "path": "$D_ROOTFS", "readonly": true },
  "hostname": "ocimon-direct",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "nodev", "mode=1777" ] }
  ],
  "linux": {
    "resources": { $resources "devices": [ { "allow": false, "access": "rwm" } ] },
    "namespaces": [
      $pidns{ "type": "network" }, { "type": "ipc" },
      { "type": "uts" }, { "type": "mount" }
    ]
  }
}
EOF
}

# D_RC is read by the test files.
# shellcheck disable=SC2034
d_monitor_args() {
    local id=$1 b=$D_W/b/$1
    printf '%s\n' --api-version 1 -c "$id" -u "$id" -r "$RUNC" -b "$b" -p "$b/pidfile" \
        -n "name-$id" --exit-dir "$D_EXITS" --full-attach -l "k8s-file:$b/ctr.log" \
        --log-level warning --conmon-pidfile "$b/conmon.pid" --persist-dir "$D_W/persist/$id" \
        --runtime-arg "--root=$D_RUNC_ROOT"
}

d_start() {
    local id=$1 dopts=() margs
    shift
    while [[ $# -gt 0 && $1 != -- ]]; do
        dopts+=("$1")
        shift
    done
    [[ ${1:-} == -- ]] && shift
    mapfile -t margs < <(d_monitor_args "$id")
    D_RC=0
    "$D_DRIVER" -t 30 "${dopts[@]}" -- "$OCIMON" "${margs[@]}" "$@" >"$D_W/$id.out" 2>"$D_W/$id.err" ||
        D_RC=$?
}

file_exists() { [[ -e $1 ]]; }
