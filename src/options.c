#include "options.h"

#include "writer.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "registry.h"
#include "settings.h"
#include "stats.h"

G_DEFINE_QUARK(ocimon - options - error, ocimon_options_error)

void ocimon_options_init(struct ocimon_options *o)
{
	memset(o, 0, sizeof(*o));
	o->log_size_max = -1;
	o->log_global_size_max = -1;
	o->log_max_files = 1;
	o->stats_interval = STATS_DEFAULT_INTERVAL;
	o->stats_max_interval = STATS_DEFAULT_MAX_INTERVAL;
	o->stats_history = STATS_HISTORY;
	o->attach_stall_timeout = ATTACH_STALL_SECONDS;
}

void ocimon_options_clear(struct ocimon_options *o)
{
	char **strings[] = {
	    &o->cid,
	    &o->cuuid,
	    &o->name,
	    &o->runtime_path,
	    &o->bundle,
	    &o->persist_dir,
	    &o->container_pidfile,
	    &o->conmon_pidfile,
	    &o->exec_process_spec,
	    &o->restore_path,
	    &o->exit_dir,
	    &o->exit_command,
	    &o->socket_dir,
	    &o->log_level_name,
	    &o->log_tag,
	    &o->sdnotify_socket,
	    &o->ocimon_run_dir,
	    &o->jail_name,
	    &o->log_mode,
	    &o->log_max_buffer,
	    &o->config_path,
	};
	for (size_t i = 0; i < G_N_ELEMENTS(strings); i++)
		g_clear_pointer(strings[i], g_free);
	char ***lists[] = {&o->runtime_opts, &o->runtime_args, &o->log_paths,
			   &o->exit_args,    &o->log_labels,   &o->log_allowlist_dirs};
	for (size_t i = 0; i < G_N_ELEMENTS(lists); i++)
		g_clear_pointer(lists[i], g_strfreev);
	if (o->settings != NULL) {
		settings_clear(o->settings);
		g_clear_pointer(&o->settings, g_free);
	}
}

/* The table lives in a function so it can point into the caller's struct. Descriptions
 * follow conmon's so `--help` reads the same to people who know it. */
static GOptionEntry *option_entries(struct ocimon_options *o)
{
	GOptionEntry entries[] = {
	    {"api-version", 0, 0, G_OPTION_ARG_NONE, &o->api_version,
	     "Conmon API version to use (a following number is accepted and ignored)", NULL},
	    {"bundle", 'b', 0, G_OPTION_ARG_FILENAME, &o->bundle, "Location of the OCI Bundle path",
	     "DIR"},
	    {"cid", 'c', 0, G_OPTION_ARG_STRING, &o->cid, "Identification of Container", "ID"},
	    {"config", 0, 0, G_OPTION_ARG_FILENAME, &o->config_path,
	     "ocimon's config file (default $OCIMON_CONFIG, else " OCIMON_DEFAULT_CONFIG ")",
	     "PATH"},
	    {"conmon-pidfile", 'P', 0, G_OPTION_ARG_FILENAME, &o->conmon_pidfile,
	     "PID file for the conmon process", "FILE"},
	    {"container-pidfile", 'p', 0, G_OPTION_ARG_FILENAME, &o->container_pidfile,
	     "PID file for the initial pid inside of container", "FILE"},
	    {"cuuid", 'u', 0, G_OPTION_ARG_STRING, &o->cuuid, "Container UUID", "UUID"},
	    {"exec", 'e', 0, G_OPTION_ARG_NONE, &o->exec, "Exec a command into a running container",
	     NULL},
	    {"exec-attach", 0, 0, G_OPTION_ARG_NONE, &o->exec_attach, "Attach to an exec session",
	     NULL},
	    {"exec-process-spec", 0, 0, G_OPTION_ARG_FILENAME, &o->exec_process_spec,
	     "Path to the process spec for execution", "FILE"},
	    {"exit-command", 0, 0, G_OPTION_ARG_FILENAME, &o->exit_command,
	     "Path to the program to execute when the container terminates its execution", "PATH"},
	    {"exit-command-arg", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->exit_args,
	     "Additional arg to pass to the exit command. Can be specified multiple times", "ARG"},
	    {"exit-delay", 0, 0, G_OPTION_ARG_INT, &o->exit_delay,
	     "Delay before invoking the exit command (in seconds)", "SECONDS"},
	    {"exit-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->exit_dir,
	     "Path to the directory where exit files are written", "DIR"},
	    {"full-attach", 0, 0, G_OPTION_ARG_NONE, &o->full_attach,
	     "Don't truncate the path to the attach socket. This option causes conmon to ignore "
	     "--socket-dir-path",
	     NULL},
	    {"jail-name", 0, 0, G_OPTION_ARG_STRING, &o->jail_name,
	     "FreeBSD: the container's jail, for racct stats (default: the container ID)", "NAME"},
	    {"leave-stdin-open", 0, 0, G_OPTION_ARG_NONE, &o->leave_stdin_open,
	     "Leave stdin open when attached client disconnects", NULL},
	    {"log-allowlist-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->log_allowlist_dirs,
	     "Only allow log files inside this directory (k8s-file). Can be specified multiple "
	     "times",
	     "DIR"},
	    {"log-global-size-max", 0, 0, G_OPTION_ARG_INT64, &o->log_global_size_max,
	     "Maximum size of all log files", "BYTES"},
	    {"log-label", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->log_labels,
	     "Additional label KEY=VALUE for journald entries. Can be specified multiple times",
	     "KEY=VALUE"},
	    {"log-level", 0, 0, G_OPTION_ARG_STRING, &o->log_level_name,
	     "Print debug logs based on log level", "LEVEL"},
	    {"log-max-buffer", 0, 0, G_OPTION_ARG_STRING, &o->log_max_buffer,
	     "With --log-mode non-blocking: bytes of output queued for the log drivers before "
	     "output is dropped (default 1m; k, m, g suffixes)",
	     "SIZE"},
	    {"log-mode", 0, 0, G_OPTION_ARG_STRING, &o->log_mode,
	     "blocking (default: a slow log slows the container, nothing is lost) or "
	     "non-blocking (the container never waits; overflow is dropped and counted)",
	     "MODE"},
	    {"log-max-files", 0, 0, G_OPTION_ARG_INT, &o->log_max_files,
	     "Number of rotated log files to keep with --log-rotate", "N"},
	    {"log-path", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &o->log_paths,
	     "Log driver and path: [k8s-file:]PATH, journald, passthrough or none. Can be "
	     "specified multiple times",
	     "DRIVER:PATH"},
	    {"log-rotate", 0, 0, G_OPTION_ARG_NONE, &o->log_rotate,
	     "Rotate the k8s-file log at --log-size-max instead of truncating it", NULL},
	    {"log-size-max", 0, 0, G_OPTION_ARG_INT64, &o->log_size_max, "Maximum size of log file",
	     "BYTES"},
	    {"log-tag", 0, 0, G_OPTION_ARG_STRING, &o->log_tag,
	     "Additional tag to use for logging (journald)", "TAG"},
	    {"name", 'n', 0, G_OPTION_ARG_STRING, &o->name, "Container name", "NAME"},
	    {"no-container-partial-message", 0, 0, G_OPTION_ARG_NONE,
	     &o->no_container_partial_message,
	     "Do not set CONTAINER_PARTIAL_MESSAGE on partial journald entries", NULL},
	    {"no-new-keyring", 0, 0, G_OPTION_ARG_NONE, &o->no_new_keyring,
	     "Do not create a new session keyring for the container", NULL},
	    {"no-pivot", 0, 0, G_OPTION_ARG_NONE, &o->no_pivot, "Do not use pivot_root", NULL},
	    {"no-sync-log", 0, 0, G_OPTION_ARG_NONE, &o->no_sync_log,
	     "Do not manually call sync on logs after container shutdown", NULL},
	    {"ocimon-run-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->ocimon_run_dir,
	     "Where running monitors register for ocimonctl (default /run/ocimon for root, "
	     "$XDG_RUNTIME_DIR/ocimon otherwise)",
	     "DIR"},
	    {"persist-dir", '0', 0, G_OPTION_ARG_FILENAME, &o->persist_dir,
	     "Persistent directory for a container that can be used for storing container data",
	     "DIR"},
	    {"pidfile", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &o->container_pidfile,
	     "PID file (DEPRECATED)", "FILE"},
	    {"replace-listen-pid", 0, 0, G_OPTION_ARG_NONE, &o->replace_listen_pid,
	     "Replace listen pid if set for oci-runtime pid", NULL},
	    {"restore", 0, 0, G_OPTION_ARG_FILENAME, &o->restore_path,
	     "Restore a container from a checkpoint", "DIR"},
	    {"restore-arg", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING_ARRAY, &o->runtime_opts,
	     "Additional arg to pass to the restore command (DEPRECATED)", "ARG"},
	    {"runtime", 'r', 0, G_OPTION_ARG_FILENAME, &o->runtime_path,
	     "Path to the OCI runtime binary", "PATH"},
	    {"runtime-arg", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->runtime_args,
	     "Additional arg to pass to the runtime. Can be specified multiple times", "ARG"},
	    {"runtime-opt", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->runtime_opts,
	     "Additional opts to pass to the restore or exec command. Can be specified multiple "
	     "times",
	     "OPT"},
	    {"sdnotify-socket", 0, 0, G_OPTION_ARG_FILENAME, &o->sdnotify_socket,
	     "Path to the host's sd-notify socket to relay messages to", "PATH"},
	    {"socket-dir-path", 0, 0, G_OPTION_ARG_FILENAME, &o->socket_dir,
	     "Location of container attach sockets (default " DEFAULT_SOCKET_DIR ")", "DIR"},
	    {"stats-interval", 0, 0, G_OPTION_ARG_INT, &o->stats_interval,
	     "Seconds between resource samples served on <bundle>/stats (default 5, 0 = no "
	     "stats)",
	     "SECONDS"},
	    {"stats-max-interval", 0, 0, G_OPTION_ARG_INT, &o->stats_max_interval,
	     "Longest seconds between samples of a container whose use does not change: the "
	     "interval doubles while nothing moves (default 300)",
	     "SECONDS"},
	    {"stdin", 'i', 0, G_OPTION_ARG_NONE, &o->stdin_,
	     "Open up a pipe to pass stdin to the container", NULL},
	    {"sync", 0, 0, G_OPTION_ARG_NONE, &o->sync,
	     "Keep the main conmon process as its child by only forking once", NULL},
	    {"syslog", 0, 0, G_OPTION_ARG_NONE, &o->syslog,
	     "Log to syslog (use with cgroupfs cgroup manager)", NULL},
	    {"systemd-cgroup", 's', 0, G_OPTION_ARG_NONE, &o->systemd_cgroup,
	     "Enable systemd cgroup manager, rather then use the cgroupfs directly", NULL},
	    {"terminal", 't', 0, G_OPTION_ARG_NONE, &o->terminal,
	     "Allocate a pseudo-TTY. The default is false", NULL},
	    {"timeout", 'T', 0, G_OPTION_ARG_INT, &o->timeout,
	     "Kill container after specified timeout in seconds.", "SECONDS"},
	    {"version", 0, 0, G_OPTION_ARG_NONE, &o->version, "Print the version and exit", NULL},
	    {"help", 'h', 0, G_OPTION_ARG_NONE, &o->help, "Show this help and exit", NULL},
	    {NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	return g_memdup2(entries, sizeof(entries));
}

static GOptionContext *make_context(struct ocimon_options *o, GOptionEntry **entries)
{
	GOptionContext *ctx = g_option_context_new("- OCI container monitor (conmon-compatible)");
	*entries = option_entries(o);
	g_option_context_add_main_entries(ctx, *entries, NULL);
	g_option_context_set_summary(
	    ctx, "ocimon watches one container (or exec session) for podman or CRI-O: it runs the "
		 "OCI runtime,\nholds the container's stdio, writes its logs (k8s-file, journald, "
		 "passthrough or none),\nserves attach sockets and records the exit status.");
	return ctx;
}

/* podman passes "--api-version 1": conmon declares the flag as a boolean and ignores the
 * stray "1". Accept "--api-version=N" too (conmon-v3 style) by dropping the value. */
static char **normalize_argv(int argc, char **argv)
{
	char **out = g_new0(char *, (gsize)argc + 1);
	for (int i = 0; i < argc; i++) {
		if (g_str_has_prefix(argv[i], "--api-version="))
			out[i] = g_strdup("--api-version");
		else
			out[i] = g_strdup(argv[i]);
	}
	return out;
}

gboolean ocimon_options_parse(struct ocimon_options *o, int argc, char **argv, GError **err)
{
	g_autofree GOptionEntry *entries = NULL;
	g_autoptr(GOptionContext) ctx = make_context(o, &entries);
	g_auto(GStrv) args = normalize_argv(argc, argv);
	/* g_option_context_parse_strv may drop and free elements; it owns args. */
	g_option_context_set_help_enabled(ctx, FALSE);
	/* An impossible value tells whether --stats-interval (--stats-max-interval) was
	 * given at all. */
	int default_interval = o->stats_interval, default_max = o->stats_max_interval;
	o->stats_interval = G_MININT;
	o->stats_max_interval = G_MININT;
	gboolean ok = g_option_context_parse_strv(ctx, &args, err);
	o->given.stats_interval = o->stats_interval != G_MININT;
	if (!o->given.stats_interval)
		o->stats_interval = default_interval;
	o->given.stats_max_interval = o->stats_max_interval != G_MININT;
	if (!o->given.stats_max_interval)
		o->stats_max_interval = default_max;
	if (!ok)
		return FALSE;
	o->given.log_mode = o->log_mode != NULL;
	o->given.log_max_buffer = o->log_max_buffer != NULL;
	o->given.run_dir = o->ocimon_run_dir != NULL;
	/* Leftover positional arguments (the "1" after --api-version) are ignored, as conmon
	 * does. */
	return TRUE;
}

char *ocimon_options_help(void)
{
	struct ocimon_options o;
	ocimon_options_init(&o);
	g_autofree GOptionEntry *entries = NULL;
	g_autoptr(GOptionContext) ctx = make_context(&o, &entries);
	g_option_context_set_help_enabled(ctx, FALSE);
	g_option_context_set_description(
	    ctx, "Log drivers (-l): k8s-file:PATH (or a bare PATH), journald[:], passthrough, "
		 "none.\nSeveral -l may be given, for example k8s-file and journald together.\n");
	return g_option_context_get_help(ctx, TRUE, NULL);
}

static gboolean fail(GError **err, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean fail(GError **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error_literal(err, OCIMON_OPTIONS_ERROR, 1, msg);
	return FALSE;
}

/* "--preserve-fds N" / "--preserve-fds=N" among the runtime opts: those fds are passed to
 * the runtime and must survive into it. */
static gboolean find_preserve_fds(char **opts, int *out, GError **err)
{
	*out = 0;
	for (size_t i = 0; opts && opts[i]; i++) {
		const char *val = NULL;
		if (strcmp(opts[i], "--preserve-fds") == 0)
			val = opts[i + 1];
		else if (g_str_has_prefix(opts[i], "--preserve-fds="))
			val = opts[i] + strlen("--preserve-fds=");
		if (val == NULL)
			continue;
		gint64 n;
		if (!g_ascii_string_to_signed(val, 10, 0, 65536, &n, NULL))
			return fail(err, "Invalid --preserve-fds value %s", val);
		*out = (int)n;
	}
	return TRUE;
}

/* conmon's checks (C src/cli.c process_cli, then src/ctr_logging.c configure_log_drivers),
 * in its order and with its messages, which callers match on. */
gboolean ocimon_options_validate(struct ocimon_options *o, const char *cwd, GError **err)
{
	if (o->cid == NULL)
		return fail(err, "Container ID not provided. Use --cid");

	if (o->log_level_name == NULL)
		o->log_level = OCIMON_LOG_WARNING;
	else if (!ocimon_log_level_parse(o->log_level_name, &o->log_level))
		return fail(err, "No such log level %s", o->log_level_name);

	if (o->restore_path && o->exec)
		return fail(err, "Cannot use 'exec' and 'restore' at the same time");
	if (!o->exec && o->exec_attach)
		return fail(err, "Attach can only be specified with exec");
	if (o->api_version < 1 && o->exec_attach)
		return fail(err, "Attach can only be specified for a non-legacy exec session");
	/* The legacy exec API did not need a UUID. */
	if (o->cuuid == NULL && (!o->exec || o->api_version >= 1))
		return fail(err, "Container UUID not provided. Use --cuuid");

	if (o->runtime_path == NULL)
		return fail(err, "Runtime path not provided. Use --runtime");
	/* conmon's pexitf: the reason follows after a space, not a colon. */
	if (access(o->runtime_path, X_OK) < 0)
		return fail(err, "Runtime path %s is not valid %s", o->runtime_path,
			    g_strerror(errno));

	if (o->exec && o->exec_process_spec == NULL)
		return fail(err, "Exec process spec path not provided. Use --exec-process-spec");

	/* Exec sessions only get an attach socket when podman asks for a bundle. */
	if (o->bundle == NULL && !o->exec)
		o->bundle = g_strdup(cwd);
	if (o->exit_delay < 0)
		return fail(err, "Delay before invoking exit command must be greater than or "
				 "equal to 0");
	/* A negative --timeout is no timeout, as with conmon (it arms the timer only for
	 * values above 0). */
	if (o->log_max_files < 0)
		return fail(err, "log-max-files must be non-negative");
	if (o->log_rotate && o->log_max_files == 0)
		return fail(err, "log-max-files must be at least 1 when log-rotate is enabled");
	if (o->container_pidfile == NULL)
		o->container_pidfile = g_strdup_printf("%s/pidfile-%s", cwd, o->cid);

	struct log_check lc = {.cid = o->cid, .tag = o->log_tag, .labels = o->log_labels};
	struct log_check_result lr;
	if (!log_specs_check(o->log_paths, &lc, &lr, err))
		return FALSE;
	o->log_journald = lr.journald;

	/* ocimon's own options. */
	if (o->stats_interval < 0)
		return fail(err, "--stats-interval must be at least 0 (0 turns stats off)");
	if (o->stats_max_interval < 1 || o->stats_max_interval > STATS_INTERVAL_LIMIT)
		return fail(err, "--stats-max-interval must be between 1 and %d",
			    STATS_INTERVAL_LIMIT);
	if (o->ocimon_run_dir == NULL)
		o->ocimon_run_dir = registry_default_run_dir();
	if (o->jail_name == NULL)
		o->jail_name = g_strdup(o->cid);
	if (o->socket_dir == NULL)
		o->socket_dir = g_strdup(DEFAULT_SOCKET_DIR);

	if (o->log_mode == NULL || g_str_equal(o->log_mode, "blocking")) {
		o->log_nonblocking = FALSE;
	} else if (g_str_equal(o->log_mode, "non-blocking")) {
		o->log_nonblocking = TRUE;
	} else {
		return fail(err, "Invalid --log-mode %s: use blocking or non-blocking",
			    o->log_mode);
	}
	o->log_max_buffer_bytes = 1024 * 1024;
	if (o->log_max_buffer && (!log_size_parse(o->log_max_buffer, &o->log_max_buffer_bytes) ||
				  o->log_max_buffer_bytes == 0))
		return fail(err,
			    "Invalid --log-max-buffer %s: use a size such as 1048576, 512k or 4m",
			    o->log_max_buffer);

	return find_preserve_fds(o->runtime_opts, &o->preserve_fds, err);
}
