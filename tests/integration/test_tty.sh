#!/bin/bash
# An interactive terminal: `podman run -it` inside tmux, typed at with send-keys and read
# with capture-pane. Exercises the console socket, pty input/output and window resizes
# (podman -> ctl FIFO -> winsz -> TIOCSWINSZ).
# Test helpers are called through check/wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup podman

W=$T_WORK
SOCK=ocimon-test-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
t_on_exit "tmux -L '$SOCK' kill-server"

# The command tmux runs: podman with the private configuration, then its exit code.
cat >"$W/run.sh" <<EOF
#!/bin/bash
export OCIMON='$OCIMON' OCIMON_TEST_DIR='$OCIMON_TEST_DIR' OCIMON_CONF_DIR='$OCIMON_CONF_DIR'
export PM_ROOT='$PM_ROOT' PM_RUNROOT='$PM_RUNROOT' PM_TMPDIR='$PM_TMPDIR'
source '$OCIMON_REPO/contrib/lib.sh'
export PS1='ctr\$ '
pm run -it --rm --name $T_NAME-it -e PS1='ctr\$ ' "\$OCIMON_IMAGE" sh
echo "\$?" >'$W/exit.tmp'
mv '$W/exit.tmp' '$W/exit'
sleep 600
EOF
chmod +x "$W/run.sh"

screen() { tm capture-pane -p -t t 2>/dev/null; }
screen_has() { screen | grep -E -- "$1" >/dev/null; }

tm new-session -d -s t -x 100 -y 30 "$W/run.sh"
tm set-option -g status off >/dev/null
check "tty: shell prompt appears (15 s)" wait_for 15 screen_has '^ctr\$'

# shellcheck disable=SC2016 # expanded by the container's shell
tm send-keys -t t 'echo tty-$((6*7))' Enter
check "tty: typed input is echoed and run" wait_for 10 screen_has '^tty-42'

tm send-keys -t t 'tty' Enter
check "tty: stdin is a pty" wait_for 10 screen_has '^/dev/pts/[0-9]+'

# size_is ROWS COLS: ask the container (again) and look for the answer.
size_is() {
    tm send-keys -t t 'stty size' Enter
    sleep 0.3
    screen_has "^$1 $2\$"
}
check "tty: initial size 30 rows x 100 cols" wait_for 10 size_is 30 100
tm resize-window -t t -x 120 -y 40
check "tty: resize reaches the container (40 120)" wait_for 10 size_is 40 120
tm send-keys -t t 'clear' Enter

tm send-keys -t t 'exit 4' Enter
exit_file() { [[ -s $W/exit ]]; }
check "tty: podman run -it returns after exit (10 s)" wait_for 10 exit_file
assert_eq "tty: exit code 4" 4 "$(cat "$W/exit" 2>/dev/null)"
[[ -s $W/exit ]] || screen | sed 's/^/    screen: /'

t_finish
