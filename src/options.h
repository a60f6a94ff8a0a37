/* The command line: every conmon flag (SPEC §1.2) plus ocimon's own. */
#pragma once

#include <glib.h>

#include "log.h"

struct ocimon_settings;

#define DEFAULT_SOCKET_DIR "/var/run/crio"

struct ocimon_options {
	/* booleans */
	gboolean version;
	gboolean help;
	gboolean terminal;
	gboolean stdin_;
	gboolean leave_stdin_open;
	gboolean syslog;
	gboolean systemd_cgroup;
	gboolean no_pivot;
	gboolean no_new_keyring;
	gboolean exec;
	gboolean exec_attach;
	gboolean replace_listen_pid;
	gboolean sync;
	gboolean no_sync_log;
	gboolean full_attach;
	gboolean no_container_partial_message;
	gboolean log_rotate;
	int api_version;

	/* strings */
	char *cid;
	char *cuuid;
	char *name;
	char *runtime_path;
	char *bundle;
	char *persist_dir;
	char *container_pidfile;
	char *conmon_pidfile;
	char *exec_process_spec;
	char *restore_path;
	char *exit_dir;
	char *exit_command;
	char *socket_dir;
	char *log_level_name;
	char *log_tag;
	char *sdnotify_socket;
	char *ocimon_run_dir; /* registry of running monitors (stats.h, registry.h) */
	char *jail_name;      /* FreeBSD racct subject; default: the container id */
	char *log_mode;       /* ocimon: blocking (default) or non-blocking */
	char *log_max_buffer; /* ocimon: queue size in non-blocking mode */
	char *config_path;    /* ocimon: --config, else $OCIMON_CONFIG, else the default */

	/* lists */
	char **runtime_opts;
	char **runtime_args;
	char **log_paths;
	char **exit_args;
	char **log_labels;
	char **log_allowlist_dirs;

	/* numbers */
	int timeout;
	int exit_delay;
	int log_max_files;
	gint64 log_size_max;
	gint64 log_global_size_max;
	int stats_interval;     /* seconds between samples; 0: no stats */
	int stats_max_interval; /* seconds a quiet container's samples back off to */

	/* ocimon settings without a flag: from the config file or annotations (settings.h) */
	int stats_history;                /* samples kept */
	int attach_stall_timeout;         /* seconds an attach client may take nothing; 0: never */
	struct ocimon_settings *settings; /* effective settings and their origins, or NULL */

	/* which of ocimon's flags the command line gave: they beat file and annotations */
	struct {
		gboolean log_mode, log_max_buffer, stats_interval, stats_max_interval, run_dir;
	} given;

	/* derived by ocimon_options_validate */
	enum ocimon_log_level log_level;
	gboolean log_journald; /* a journald -l is among the drivers */
	int preserve_fds;
	gboolean log_nonblocking;
	guint64 log_max_buffer_bytes;
};

void ocimon_options_init(struct ocimon_options *o);
void ocimon_options_clear(struct ocimon_options *o);

/* Parses argv (not modified). On failure err says what was wrong. */
gboolean ocimon_options_parse(struct ocimon_options *o, int argc, char **argv, GError **err);

/* conmon's checks and defaults (SPEC §1.2). cwd is the directory for the default
 * bundle and pid file; the runtime's executability is checked with access(2). */
gboolean ocimon_options_validate(struct ocimon_options *o, const char *cwd, GError **err);

/* The --help text (every option). */
char *ocimon_options_help(void);

#define OCIMON_OPTIONS_ERROR (ocimon_options_error_quark())
GQuark ocimon_options_error_quark(void);
