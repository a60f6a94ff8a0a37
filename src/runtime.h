/* The OCI runtime: its argv (pure) and its process. */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "options.h"

/* ocijail (FreeBSD) has no --systemd-cgroup, --no-pivot or --no-new-keyring (SPEC §2.4). */
bool runtime_is_ocijail(const char *runtime_path);

/* create / restore / exec argv as conmon builds it (SPEC §1.1). console_socket may be
 * NULL. Pure. */
char **runtime_build_argv(const struct ocimon_options *o, const char *console_socket);

/* systemd socket activation: sockets handed to the monitor (LISTEN_PID is its pid) or,
 * with --replace-listen-pid, whatever LISTEN_PID says, belong to the runtime, which
 * passes them on to the container. Pure. */
bool runtime_listen_pid_takes_over(const char *listen_pid, pid_t monitor_pid, bool replace);

/* What the runtime child needs besides its argv. */
struct runtime_child_setup {
	int stdin_fd, stdout_fd, stderr_fd; /* dup'ed onto 0-2; -1 keeps the inherited one */
	bool chmod_stdio;                   /* fchmod 0777 the pipes so any user can reopen them */
	bool replace_listen_pid;
	int start_fd;      /* exec-attach: wait for a second byte here before exec; else -1 */
	int oom_score_adj; /* restored in the child */
	bool restore_oom;
};

/* Forks and execs the runtime. Returns the child pid or -1 with err set. */
pid_t runtime_spawn(char **argv, const struct runtime_child_setup *setup, GError **err);
