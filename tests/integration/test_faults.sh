#!/bin/bash
# Faults (issue 7): a log on a tmpfs that fills, journald going away mid-run, an exit dir
# that cannot be written and a log dir that does not exist, 100 containers at once, binary
# output, and garbage on the ctl FIFO. Real podman and runc. The attach clients that stall,
# SIGTERM forwarding, a runtime killed during create and long paths are in test_interactive,
# test_direct and test_longpath.
# Test helpers are called through check/wait_for, which shellcheck cannot see; the
# single-quoted scripts run in the container.
# shellcheck disable=SC2317,SC2016
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup podman
# shellcheck source=tests/integration/direct_lib.sh
source "$(dirname "$0")/direct_lib.sh"

I=$OCIMON_IMAGE
W=$T_WORK
N=$T_NAME

# pm_sl SECS ARGS...: pm_t with a monitor that also logs to syslog (podman 4 never passes
# --syslog itself), so its own errors reach the journal and can be counted.
printf '#!/bin/sh\nexec "%s" "$@" --syslog\n' "$OCIMON" >"$W/ocimon-syslog"
chmod +x "$W/ocimon-syslog"
pm_sl() {
    local secs=$1
    shift
    timeout -k 5 "$secs" podman --root "$PM_ROOT" --runroot "$PM_RUNROOT" \
        --tmpdir "$PM_TMPDIR" --storage-driver vfs --conmon "$W/ocimon-syslog" "$@"
}

# glibc's syslog(3) writes to /dev/log; journald listens on .../dev-log, and with no systemd
# as PID 1 nothing links the two. The link is removed again if this file made it.
devlog_setup() {
    [[ -e /dev/log ]] && return 0
    ln -s /run/systemd/journal/dev-log /dev/log || return 1
    t_on_exit "rm -f /dev/log"
}

# monitor_errors CID SINCE PATTERN: how many of the monitor's syslog lines (journal) about
# container CID since epoch second SINCE contain PATTERN.
monitor_errors() {
    journalctl --no-pager -q -o cat --since "@$2" SYSLOG_IDENTIFIER=ocimon 2>/dev/null |
        grep -F -- "${1:0:20}" | grep -cF -- "$3"
}

# cri_join LOG STREAM: the bytes STREAM wrote, rebuilt from a k8s-file log (P records are
# joined to what follows, F records end a line). Byte-exact: NUL and invalid UTF-8 kept.
cri_join() {
    perl -e '
        my ($file, $want) = @ARGV;
        open(my $fh, "<:raw", $file) or die "$file: $!";
        local $/ = "\n";
        while (my $l = <$fh>) {
            $l =~ /\A(\S+) (stdout|stderr) ([PF]) (.*)\n\z/s or die "malformed: $l";
            next if $2 ne $want;
            print $4; print "\n" if $3 eq "F";
        }' "$1" "$2"
}

# cri_bad_lines LOG ERE: lines of LOG that are not a CRI record whose content matches ERE.
# Records may be split (P) wherever a read ended: the content is checked on the lines they
# join back into, the framing on every record.
cri_bad_lines() {
    local bad
    bad=$(grep -cvE '^[^ ]+ (stdout|stderr) [PF] ' "$1")
    bad=$((bad + $(cri_join "$1" stdout 2>/dev/null | grep -cvE "^($2)\$")))
    echo "$bad"
}

# journald_pids: the live journald processes (a killed one may linger as a zombie).
journald_pids() {
    local p
    # Only the default instance (the one behind /run/systemd/journal/socket): namespaced
    # instances (systemd-journald NAME, e.g. the benchmark's) are not ours to kill.
    for p in $(pgrep -fx /lib/systemd/systemd-journald); do proc_alive "$p" && echo "$p"; done
}

# ---- 1. the log on a tiny tmpfs that fills -------------------------------------------------
# The container writes 20000 lines (far more than fits), then a tick every 0.1 s until told
# to stop. While the disk is full it must keep running and attach must keep working; the
# monitor reports the error once; once space is freed the log resumes; every line of the
# log is one whole record (the record cut by ENOSPC is completed, not glued to the next).
tiny=$W/tiny
mkdir -p "$tiny" "$W/ctl1"
if ensure_journald && devlog_setup && mount -t tmpfs -o size=1m tmpfs "$tiny"; then
    t_on_exit "umount -l '$tiny'"
    head -c 700k /dev/zero >"$tiny/filler"
    t0=$(date +%s)
    pm_sl 60 run -d --name "$N-full" --log-opt "path=$tiny/ctr.log" -v "$W/ctl1:/ctl" "$I" sh -c '
        i=0
        while [ $i -lt 20000 ]; do i=$((i+1)); echo "line-$i-padding-padding-padding-padding"; done
        touch /ctl/phase1
        n=0
        while [ ! -e /ctl/stop ]; do n=$((n+1)); echo "tick $n"; sleep 0.1; done
        echo last; exit 7' >"$W/full.id" 2>"$W/full.err"
    cid=$(cat "$W/full.id")
    check "tmpfs full: container created" test -n "$cid"
    check "tmpfs full: container wrote past the end of the disk (20 s)" wait_for 20 test -e "$W/ctl1/phase1"
    sleep 1
    avail=$(df --output=avail -k "$tiny" | tail -n 1 | tr -d ' ')
    assert_le "tmpfs full: the tmpfs is full (KiB left)" 8 "$avail"
    assert_eq "tmpfs full: container still running" true "$(pm_t 30 inspect -f '{{.State.Running}}' "$N-full")"
    timeout -k 2 3 podman --root "$PM_ROOT" --runroot "$PM_RUNROOT" --tmpdir "$PM_TMPDIR" \
        --storage-driver vfs --conmon "$OCIMON" attach --no-stdin --sig-proxy=false "$N-full" \
        >"$W/full.attach" 2>&1
    assert_match "tmpfs full: attach still receives output" 'tick [0-9]+' "$(cat "$W/full.attach")"
    before=$(grep -oE 'tick [0-9]+' "$W/full.attach" | tail -n 1 | cut -d' ' -f2)
    sleep 1
    assert_eq "tmpfs full: exactly one ENOSPC error reported" 1 "$(monitor_errors "$cid" "$t0" "No space left on device")"
    rm -f "$tiny/filler"
    resumed() {
        local last
        last=$(grep -oE 'stdout F tick [0-9]+$' "$tiny/ctr.log" | tail -n 1 | cut -d' ' -f4)
        [[ -n $last && -n $before ]] && ((last > before))
    }
    check "tmpfs full: logging resumes once space is freed (10 s)" wait_for 10 resumed
    touch "$W/ctl1/stop"
    rc=$(pm_t 60 wait "$N-full" 2>/dev/null)
    assert_eq "tmpfs full: container exit code 7" 7 "$rc"
    # podman's cleanup reads the exit file and removes it: the code it recorded comes
    # from there (without the file podman waits, then records -1).
    assert_eq "tmpfs full: exit file read by podman (exit code 7 recorded)" 7 \
        "$(pm_t 30 inspect -f '{{.State.ExitCode}}' "$N-full")"
    assert_eq "tmpfs full: every log line is one whole record" 0 \
        "$(cri_bad_lines "$tiny/ctr.log" 'line-[0-9]+-padding-padding-padding-padding|tick [0-9]+|last')"
    # The lines before the disk filled, then the cut one completed: 1..K without a gap.
    gaps=$(cri_join "$tiny/ctr.log" stdout | grep -oE '^line-[0-9]+-' | cut -d- -f2 |
        awk 'NR != $1 { bad++ } END { print bad + 0 }')
    assert_eq "tmpfs full: the lines written before the disk filled are complete, in order" 0 "$gaps"
    assert_match "tmpfs full: the last line is logged" 'stdout F last$' "$(tail -n 1 "$tiny/ctr.log")"
    assert_eq "tmpfs full: the drop is reported when the log works again" 1 \
        "$(monitor_errors "$cid" "$t0" "works again")"
    pm_t 60 rm -f "$N-full" >/dev/null 2>&1
    umount -l "$tiny"
else
    fail "tmpfs full: setup" "journald, /dev/log or the tmpfs mount is unavailable"
fi

# ---- 1b. a line cut by ENOSPC is ended, never glued to the next -------------------------------
# The log on a 2 MiB tmpfs with 256 KiB free. The container writes 10000 lines of 100 bytes
# through sed, whose stdio cuts them at 4 KiB boundaries, so reads end inside lines; then,
# once the space is freed, 2000 more. A fragment whose rest was lost to the full disk must
# end its line (an F record), not become the start of the first line written afterwards.
tiny=$W/tiny2
mkdir -p "$tiny" "$W/ctl2"
if mount -t tmpfs -o size=2m tmpfs "$tiny"; then
    t_on_exit "umount -l '$tiny'"
    head -c $(((2048 - 256) * 1024)) /dev/zero >"$tiny/filler"
    pad=$(printf '%090d' 0 | tr 0 x)
    pm_t 60 run -d --name "$N-glue" --log-opt "path=$tiny/ctr.log" -v "$W/ctl2:/ctl" "$I" sh -c '
        seq 10000001 10010000 | sed "s/\$/ '"$pad"'/"
        touch /ctl/phase1
        while [ ! -e /ctl/go ]; do sleep 0.1; done
        seq 100001 102000 | sed "s/^/phase2 /; s/\$/ '"${pad:0:85}"'/"' >"$W/glue.id" 2>"$W/glue.err"
    check "ENOSPC cut line: container created" test -s "$W/glue.id"
    check "ENOSPC cut line: phase 1 written past the end of the disk (30 s)" wait_for 30 test -e "$W/ctl2/phase1"
    sleep 1
    rm -f "$tiny/filler"
    touch "$W/ctl2/go"
    rc=$(pm_t 60 wait "$N-glue" 2>/dev/null)
    assert_eq "ENOSPC cut line: container exit code 0" 0 "$rc"
    pm_t 60 logs "$N-glue" >"$W/glue.out" 2>"$W/glue.logerr"
    assert_eq "ENOSPC cut line: no line has a fragment glued before phase2" "" \
        "$(grep -m 3 '.phase2' "$W/glue.out")"
    # Every line written after the space was freed, intact and in order.
    assert_eq "ENOSPC cut line: the 2000 lines written after the space was freed are intact" \
        "0 2000" "$(grep '^phase2 ' "$W/glue.out" | awk -v pad="${pad:0:85}" '
            $0 != "phase2 " (100000 + NR) " " pad { bad++ } END { print bad + 0, NR }')"
    assert_match "ENOSPC cut line: the lost lines are counted in the log" \
        'ocimon: dropped [0-9]+ bytes \([1-9][0-9]* lines\)' "$(cat "$W/glue.logerr")"
    pm_t 60 rm -f "$N-glue" >/dev/null 2>&1
    umount -l "$tiny"
else
    fail "ENOSPC cut line: setup" "cannot mount a tmpfs"
fi

# ---- 2. journald killed mid-run, k8s-file beside it -------------------------------------------
id=$N-journald
d_bundle "$id" -- sh -c 'i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo "jd $i"; sleep 0.01; done; echo done'
if ensure_journald; then
    d_start "$id" -- -l journald
    assert_eq "journald killed: created with -l k8s-file and -l journald" 0 "$D_RC"
    runc_ start "$id"
    sleep 0.5
    for p in $(journald_pids); do kill -KILL "$p"; done
    t_on_exit ensure_journald
    check "journald killed: journald is gone" eval '[[ -z $(journald_pids) ]]'
    check "journald killed: container finishes (20 s)" wait_for 20 file_exists "$D_EXITS/$id"
    assert_eq "journald killed: container exit code 0" 0 "$(cat "$D_EXITS/$id" 2>/dev/null)"
    if cmp -s <(cri_join "$D_W/b/$id/ctr.log" stdout) <(seq 1 300 | sed 's/^/jd /'; echo "done"); then
        pass "journald killed: the k8s-file log is complete"
    else
        fail "journald killed: the k8s-file log is complete" "$(wc -l <"$D_W/b/$id/ctr.log") lines"
    fi
    check "journald killed: the monitor exits (10 s)" wait_for 10 no_monitor_for "$id"
    check "journald killed: journald restarted" ensure_journald
    runc_ delete -f "$id" >/dev/null 2>&1
else
    fail "journald killed: setup" "no journald"
fi

# ---- 2b. journald frozen (SIGSTOP) mid-run: its socket fills --------------------------------
# Blocking mode is back-pressure (DESIGN.md point 4, as conmon): the container waits for the
# frozen journald and nothing is lost. --log-mode non-blocking never stalls the container.
for mode in blocking non-blocking; do
    id=$N-jdstop-$mode
    d_bundle "$id" -- sh -c 'seq 1 20000; echo done'
    if ! ensure_journald; then
        fail "journald frozen ($mode): setup" "no journald"
        continue
    fi
    d_start "$id" -- -l journald --log-mode "$mode"
    assert_eq "journald frozen ($mode): created" 0 "$D_RC"
    jpids=$(journald_pids)
    t_on_exit "kill -CONT $jpids"
    for p in $jpids; do kill -STOP "$p"; done
    runc_ start "$id"
    if [[ $mode == blocking ]]; then
        sleep 3
        for p in $jpids; do kill -CONT "$p"; done
        check "journald frozen ($mode): container finishes once journald continues (20 s)" \
            wait_for 20 file_exists "$D_EXITS/$id"
        if cmp -s <(cri_join "$D_W/b/$id/ctr.log" stdout) <(seq 1 20000; echo "done"); then
            pass "journald frozen ($mode): the k8s-file log is complete"
        else
            fail "journald frozen ($mode): the k8s-file log is complete" "$(wc -l <"$D_W/b/$id/ctr.log") lines"
        fi
    else
        # The container's process ends; the exit file waits for the final flush (the log is
        # always written first), so it comes once journald continues.
        ctr_stopped() { [[ $(runc_ state "$id" 2>/dev/null) == *'"status": "stopped"'* ]]; }
        check "journald frozen ($mode): container runs to its end while journald is frozen (15 s)" \
            wait_for 15 ctr_stopped
        for p in $jpids; do kill -CONT "$p"; done
        check "journald frozen ($mode): exit file once journald continues (20 s)" \
            wait_for 20 file_exists "$D_EXITS/$id"
        assert_eq "journald frozen ($mode): container exit code 0" 0 "$(cat "$D_EXITS/$id" 2>/dev/null)"
    fi
    check "journald frozen ($mode): the monitor exits (20 s)" wait_for 20 no_monitor_for "$id"
    runc_ delete -f "$id" >/dev/null 2>&1
done

# ---- 5. an exit dir that cannot be written, a log dir that does not exist -------------------
id=$N-nologdir
d_bundle "$id" -- true
t1=$(now_ms)
d_start "$id" -- -l "k8s-file:$W/no/such/dir/ctr.log"
t2=$(now_ms)
msg=$(cat "$D_W/$id.out")
assert_eq "missing log dir: the driver got an answer" 0 "$D_RC"
assert_le "missing log dir: no hang (answer within 10 s)" 10000 $((t2 - t1))
assert_match "missing log dir: {\"data\": -1, \"message\": ...}" '^\{"data": -1, "message": ".+"\}$' "$msg"
# JSON may escape "/" as "\/": undo that before looking for the path.
assert_contains "missing log dir: the message names the path" "$W/no/such/dir" "${msg//\\\//\/}"
assert_contains "missing log dir: the message says why" "No such file or directory" "$msg"
check "missing log dir: no monitor remains (10 s)" wait_for 10 no_monitor_for "$id"
runc_has() { runc_ state "$1" >/dev/null 2>&1; }
check_not "missing log dir: no container was created" runc_has "$id"

id=$N-roexit
mkdir -p "$W/roexit"
if mount -t tmpfs -o ro,size=64k tmpfs "$W/roexit"; then
    t_on_exit "umount -l '$W/roexit'"
    d_bundle "$id" -- sh -c 'echo ran; exit 3'
    t1=$(now_ms)
    d_start "$id" -- --exit-dir "$W/roexit"
    t2=$(now_ms)
    msg=$(cat "$D_W/$id.out")
    assert_eq "read-only exit dir: the driver got an answer" 0 "$D_RC"
    assert_le "read-only exit dir: no hang (answer within 10 s)" 10000 $((t2 - t1))
    assert_match "read-only exit dir: {\"data\": -1, \"message\": ...} at create" \
        '^\{"data": -1, "message": ".+"\}$' "$msg"
    assert_contains "read-only exit dir: the message names the directory" "roexit" "$msg"
    if [[ $msg == *'"data": -1'* ]]; then
        check "read-only exit dir: no monitor remains (10 s)" wait_for 10 no_monitor_for "$id"
    else
        # Today's behaviour: the container runs and its exit status is lost. Clean up.
        runc_ start "$id" >/dev/null 2>&1
        wait_for 10 no_monitor_for "$id"
    fi
    runc_ delete -f "$id" >/dev/null 2>&1
    umount -l "$W/roexit"
else
    fail "read-only exit dir: setup" "cannot mount a read-only tmpfs"
fi

# ---- 6. 100 containers at once, 10k lines each --------------------------------------------
# Each waits for a start file, writes seq 1 10000, then waits for an end file, so all 100
# monitors are alive together when their memory is measured.
MANY=${OCIMON_FAULTS_MANY:-100}
mkdir -p "$W/go"
rm -f "$W/go/start" "$W/go/end"
tm0=$(now_ms)
seq 1 "$MANY" | xargs -P 4 -I{} timeout -k 5 120 podman --root "$PM_ROOT" --runroot "$PM_RUNROOT" \
    --tmpdir "$PM_TMPDIR" --storage-driver vfs --conmon "$OCIMON" run -d --name "$N-many-{}" \
    -v "$W/go:/go" "$I" sh -c 'until [ -e /go/start ]; do sleep 1; done; seq 1 10000
        until [ -e /go/end ]; do sleep 1; done' >"$W/many.ids" 2>"$W/many.err"
tm1=$(now_ms)
assert_eq "100 containers: all created" "$MANY" "$(grep -cE '^[0-9a-f]{64}$' "$W/many.ids")"
echo "   ($MANY containers created in $(((tm1 - tm0) / 1000)) s)"
mapfile -t names < <(seq 1 "$MANY" | sed "s/^/$N-many-/")
pm_t 120 inspect --format '{{.Name}} {{.HostConfig.LogConfig.Path}} {{.State.ConmonPid}}' \
    "${names[@]}" >"$W/many.inspect" 2>/dev/null
touch "$W/go/start"
all_written() {
    local name path pid
    while read -r name path pid; do
        [[ $(tail -c 16 "$path" 2>/dev/null) == *" stdout F 10000" ]] || return 1
    done <"$W/many.inspect"
}
check "100 containers: every container wrote its 10k lines (120 s)" wait_for 120 all_written
rss=0 alive=0
while read -r name path pid; do
    if proc_alive "$pid"; then
        alive=$((alive + 1))
        rss=$((rss + $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)))
    fi
done <"$W/many.inspect"
assert_eq "100 containers: every monitor alive" "$MANY" "$alive"
echo "   (monitors' total RSS: $((rss / 1024)) MiB for $alive monitors, $((alive > 0 ? rss / alive : 0)) KiB each)"
touch "$W/go/end"
incomplete=0
want=$(seq 1 10000 | md5sum)
while read -r name path pid; do
    [[ $(cri_join "$path" stdout | md5sum) == "$want" ]] || incomplete=$((incomplete + 1))
done <"$W/many.inspect"
assert_eq "100 containers: every log is exactly seq 1 10000" 0 "$incomplete"
stopped_all() { [[ -z $(pm_t 60 ps -q --filter "name=^$N-many-") ]]; }
check "100 containers: all exit once told to (60 s)" wait_for 60 stopped_all
codes=$(pm_t 120 inspect --format '{{.State.ExitCode}}' "${names[@]}" 2>/dev/null | sort | uniq -c | tr -s ' ')
assert_eq "100 containers: every exit code 0" " $MANY 0" "$codes"
pm_t 300 rm -f -t 0 "${names[@]}" >/dev/null 2>&1

# ---- 8. 1 MiB without a newline, NUL bytes, invalid UTF-8 -----------------------------------
mkdir -p "$W/bin8"
head -c 1200000 /dev/urandom | tr -d '\n' | head -c 1048576 >"$W/bin8/out"
printf '\nnul\000in\000the\000middle\n\377\376 bad \303( utf-8 \355\240\200\n\000\n\342\202' >>"$W/bin8/out"
printf 'err \000\377\n%s' "$(head -c 20000 /dev/zero | tr '\0' e)" >"$W/bin8/err"
pm_t 120 run --name "$N-binary" -v "$W/bin8:/in" "$I" sh -c 'cat /in/out; cat /in/err >&2' >/dev/null 2>&1
lp=$(pm_t 30 inspect --format '{{.HostConfig.LogConfig.Path}}' "$N-binary")
if cmp -s <(cri_join "$lp" stdout) "$W/bin8/out"; then
    pass "binary: k8s-file stdout is byte-exact"
else
    fail "binary: k8s-file stdout is byte-exact" "$(cri_join "$lp" stdout | wc -c) bytes, want $(wc -c <"$W/bin8/out")"
fi
if cmp -s <(cri_join "$lp" stderr) "$W/bin8/err"; then
    pass "binary: k8s-file stderr is byte-exact"
else
    fail "binary: k8s-file stderr is byte-exact" "$(cri_join "$lp" stderr | wc -c) bytes"
fi
assert_le "binary: no record longer than 8 KiB" 0 "$(awk 'length($0) > 8192 + 60' "$lp" | wc -l)"
pm_t 60 rm -f "$N-binary" >/dev/null 2>&1

# journal_join CID PRIORITY: the MESSAGE fields of the container's entries at PRIORITY
# (6 stdout, 3 stderr), joined; fails if an entry is malformed: a MESSAGE that is partial
# but holds a newline, complete but does not end in exactly one, or longer than 8 KiB.
journal_join() {
    journalctl --no-pager -o export "CONTAINER_ID_FULL=$1" | perl -e '
        my $want = $ARGV[0];
        binmode(STDIN); binmode(STDOUT);
        my (%e, $bad);
        sub done {
            return unless %e;
            if (!defined $e{MESSAGE} || !defined $e{PRIORITY}) { $bad = "entry without MESSAGE or PRIORITY"; }
            elsif ($e{PRIORITY} eq $want) {
                my $m = $e{MESSAGE};
                my $partial = ($e{CONTAINER_PARTIAL_MESSAGE} // "") eq "true";
                $bad = "entry of " . length($m) . " bytes" if length($m) > 8192;
                if ($partial) { $bad = "partial entry with a newline" if $m =~ /\n/; }
                elsif ($m !~ /\A[^\n]*\n\z/) { $bad = "complete entry not ending in one newline"; }
                print $m;
            }
            %e = ();
        }
        while (defined(my $l = <STDIN>)) {
            if ($l eq "\n") { done(); next; }
            chomp $l;
            if ($l =~ /\A([^=]+)=(.*)\z/s) { $e{$1} = $2; next; }
            read(STDIN, my $len, 8) == 8 or die "short export";
            my ($lo, $hi) = unpack("VV", $len);
            read(STDIN, my $v, $lo + $hi * 4294967296);
            read(STDIN, my $nl, 1);
            $e{$l} = $v;
        }
        done();
        if ($bad) { print STDERR "malformed journal entry: $bad\n"; exit 1; }
    ' "$2"
}

if ensure_journald; then
    pm_t 120 run --name "$N-binj" --log-driver journald -v "$W/bin8:/in" "$I" \
        sh -c 'cat /in/out; cat /in/err >&2' >/dev/null 2>&1
    cid=$(pm_t 30 inspect --format '{{.Id}}' "$N-binj")
    sleep 1
    journal_join "$cid" 6 >"$W/binj.out" 2>"$W/binj.err"
    assert_eq "binary: journald entries well formed (stdout)" "" "$(cat "$W/binj.err")"
    check "binary: journald stdout is byte-exact" cmp -s "$W/binj.out" "$W/bin8/out"
    journal_join "$cid" 3 >"$W/binj.eout" 2>"$W/binj.err"
    assert_eq "binary: journald entries well formed (stderr)" "" "$(cat "$W/binj.err")"
    check "binary: journald stderr is byte-exact" cmp -s "$W/binj.eout" "$W/bin8/err"
    pm_t 60 rm -f "$N-binj" >/dev/null 2>&1
else
    fail "binary: journald" "no journald"
fi

# ---- attach: a client that connected before the first output receives all of it ----------
# podman run connects, then starts the container. Here the monitor is stopped while the
# client connects and the container writes and exits, so when it continues the connection
# and the output are both waiting: the output must still reach the client (under valgrind
# or load a short-lived container's output reached the log but not the terminal).
AC=$(dirname "$OCIMON")/../tests/attach_client
[[ -x $AC ]] || AC=$OCIMON_REPO/build/tests/attach_client
[[ -x $AC ]] || { gcc -std=gnu11 -O2 -o "$W/attach_client" "$(dirname "$0")/attach_client.c" &&
    AC=$W/attach_client; }
id=$N-early
d_bundle "$id" -- sh -c 'echo early-output; exit 0'
d_start "$id"
assert_eq "early output: created" 0 "$D_RC"
mpid=$(cat "$D_W/b/$id/conmon.pid" 2>/dev/null)
kill -STOP "$mpid"
t_on_exit "kill -CONT $mpid"
"$AC" "$D_W/b/$id/attach" >"$W/early.out" 2>"$W/early.err" &
acpid=$!
sleep 0.5
runc_ start "$id"
sleep 1
kill -CONT "$mpid"
check "early output: exit file (10 s)" wait_for 10 file_exists "$D_EXITS/$id"
ac_done() { ! kill -0 "$acpid" 2>/dev/null; }
wait_for 10 ac_done || kill "$acpid" 2>/dev/null
assert_contains "early output: the client connected before it got the output" early-output "$(cat "$W/early.out")"
assert_match "early output: the log has it too" 'stdout F early-output' "$(cat "$D_W/b/$id/ctr.log" 2>/dev/null)"
runc_ delete -f "$id" >/dev/null 2>&1

# ---- 9. garbage on ctl, then a valid resize --------------------------------------------------
# cpu_ticks PID: utime + stime of PID in clock ticks.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
pm_t 60 run -d -t --name "$N-ctl" "$I" sh -c 'while :; do stty size; sleep 0.3; done' >/dev/null
b=$(pm_t 30 inspect --format '{{.StaticDir}}' "$N-ctl")
mpid=$(pm_t 30 inspect --format '{{.State.ConmonPid}}' "$N-ctl")
check "ctl garbage: monitor alive" proc_alive "$mpid"
{
    head -c 65536 /dev/urandom
    printf '\n1 5000 5000\n1 -3 10\n9 1 1\n1 30\n1 30 100 7\nabc def ghi\n1 0x1e 100\n'
    printf '1 99999999999999999999 1\n%s\n' "$(head -c 10000 /dev/zero | tr '\0' 1)"
} >"$b/ctl"
sleep 1
check "ctl garbage: monitor still alive" proc_alive "$mpid"
c0=$(cpu_ticks "$mpid")
sleep 3
c1=$(cpu_ticks "$mpid")
assert_le "ctl garbage: the monitor stays idle (CPU ticks in 3 s)" 10 $((c1 - c0))
printf '1 30 100\n' >"$b/ctl"
resized() { pm_t 30 logs "$N-ctl" 2>/dev/null | tr -d '\r' | grep -x '30 100' >/dev/null; }
check "ctl garbage: the valid resize applies (stty size shows 30 100, 10 s)" wait_for 10 resized
pm_t 60 rm -f -t 0 "$N-ctl" >/dev/null 2>&1

t_finish
