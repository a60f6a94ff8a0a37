#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "ctl.h"
#include "exit.h"
#include "fdutil.h"
#include "log.h"
#include "notify.h"
#include "oom.h"
#include "parent_pipe.h"
#include "platform.h"
#include "prebind.h"
#include "ctr_stdio.h"
#include "runtime.h"
#include "stats.h"
#include "terminal.h"

/* podman shows at most this much of the runtime's stderr (conmon's buffer). */
#define RUNTIME_OUTPUT_MAX 8191
/* conmon reads the start pipe with its 8 KiB buffer. */
#define START_PIPE_READ 8192

static void monitor_init(struct monitor *m, struct ocimon_options *opts)
{
	memset(m, 0, sizeof(*m));
	m->opts = opts;
	m->sync_fd = m->start_fd = m->attach_pipe_fd = -1;
	m->dev_null_r = m->dev_null_w = -1;
	m->stdin_fd = m->stdin_child = m->stdout_child = m->stderr_child = -1;
	m->out[0].fd = m->out[1].fd = -1;
	m->signal_fd = -1;
	m->console_listen_fd = m->pty_master = -1;
	m->container_pid = m->runtime_pid = -1;
	m->container_status = -1;
	m->inherited_fds = g_array_new(FALSE, FALSE, sizeof(int));
	m->runtime_output = g_string_new(NULL);
	m->early_exits = g_hash_table_new(g_direct_hash, g_direct_equal);
	m->read_buf = g_malloc(STDIO_READ_SIZE);
	m->status = 1;
}

static void monitor_clear(struct monitor *m)
{
	attach_server_close(m);
	ctl_fifos_close(m);
	g_clear_pointer(&m->oom, oom_watch_close);
	g_clear_pointer(&m->stats, stats_free);
	notify_proxy_close(m);
	terminal_close(m);
	stdio_close(m);
	g_clear_pointer(&m->logs, log_writer_free);
	if (m->signal_watch)
		g_source_remove(m->signal_watch);
	if (m->timeout_source)
		g_source_remove(m->timeout_source);
	fd_close(&m->signal_fd);
	fd_close(&m->sync_fd);
	fd_close(&m->start_fd);
	fd_close(&m->attach_pipe_fd);
	fd_close(&m->dev_null_r);
	fd_close(&m->dev_null_w);
	g_array_unref(m->inherited_fds);
	g_string_free(m->runtime_output, TRUE);
	g_hash_table_unref(m->early_exits);
	if (m->stdin_pending)
		g_byte_array_unref(m->stdin_pending);
	g_free(m->read_buf);
	g_free(m->socket_symlink);
	g_free(m->attach_socket_path);
	if (m->loop)
		g_main_loop_unref(m->loop);
}

/* A failure before the container runs: tell podman through the sync pipe (it shows the
 * message) and in our own log. */
static int fail_create(struct monitor *m, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int fail_create(struct monitor *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	sync_message_send(&m->sync_fd, sync_message_key(m->opts), -1, msg);
	return 1;
}

/* Every fd >= 3 open at start (host-port reservations, podman's pipes): kept open while
 * the container runs, never inherited by the runtime, closed before the exit files
 * (containers/conmon#144). Preserved fds go to the runtime on purpose. */
static gboolean record_inherited_fds(struct monitor *m, GError **err)
{
	g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(int));
	if (!platform_list_open_fds(all, err))
		return FALSE;
	int first_unpreserved = 3 + m->opts->preserve_fds;
	for (guint i = 0; i < all->len; i++) {
		int fd = g_array_index(all, int, i);
		if (fd < 3)
			continue;
		if (fd >= first_unpreserved)
			fd_set_cloexec(fd, true);
		g_array_append_val(m->inherited_fds, fd);
	}
	return TRUE;
}

static void close_inherited_fds(struct monitor *m)
{
	for (guint i = 0; i < m->inherited_fds->len; i++) {
		int fd = g_array_index(m->inherited_fds, int, i);
		if (fd == m->sync_fd)
			continue;
		if (fd == m->start_fd)
			m->start_fd = -1;
		if (fd == m->attach_pipe_fd)
			m->attach_pipe_fd = -1;
		close(fd);
	}
	g_array_set_size(m->inherited_fds, 0);
}

static gboolean write_pid_file(const char *path, pid_t pid, GError **err)
{
	char buf[16];
	int n = g_snprintf(buf, sizeof(buf), "%d", (int)pid);
	g_autoptr(GError) e = NULL;
	if (!write_file_atomic(path, buf, (size_t)n, &e)) {
		g_set_error(err, e->domain, e->code, "Failed to write pid file %s: %s", path,
			    e->message);
		return FALSE;
	}
	return TRUE;
}

/* podman waits for the process it started to exit: the daemon child carries on. */
static void daemonize(struct monitor *m)
{
	pid_t pid = fork();
	if (pid < 0) {
		log_error("Failed to fork the monitor: %s", g_strerror(errno));
		_exit(1);
	}
	if (pid > 0) {
		g_autoptr(GError) err = NULL;
		if (m->opts->conmon_pidfile &&
		    !write_pid_file(m->opts->conmon_pidfile, pid, &err)) {
			log_error("%s", err->message);
			kill(pid, SIGKILL);
			_exit(1);
		}
		_exit(0);
	}
}

/* ---- container output and input ---- */

void monitor_output(struct monitor *m, enum ocimon_stream stream, const char *buf, size_t len)
{
	/* Before `runtime create` returns, only the runtime can have written: keep it for the
	 * error message rather than the container's log (and an exec's, when it failed). */
	if (m->capture_runtime_output) {
		size_t room = RUNTIME_OUTPUT_MAX - MIN(m->runtime_output->len, RUNTIME_OUTPUT_MAX);
		g_string_append_len(m->runtime_output, buf, (gssize)MIN(len, room));
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* The log first: it must be complete whatever the clients do. */
	if (m->logs)
		log_writer_write(m->logs, stream, buf, len, &ts);
	attach_broadcast(m, stream, buf, len);
	if (!m->output_paused && attach_is_congested(m))
		stdio_pause(m);
}

void monitor_resume_output(struct monitor *m)
{
	if (m->output_paused && !m->container_exited)
		stdio_watch(m);
}

static void close_container_stdin(struct monitor *m)
{
	if (m->stdin_watch) {
		g_source_remove(m->stdin_watch);
		m->stdin_watch = 0;
	}
	fd_close(&m->stdin_fd);
}

static gboolean stdin_writable_cb(int fd, GIOCondition cond, gpointer data)
{
	struct monitor *m = data;
	GByteArray *p = m->stdin_pending;
	while (p->len > 0) {
		ssize_t n = write(fd, p->data, p->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return G_SOURCE_CONTINUE;
			log_warning("Failed to write container stdin: %s", g_strerror(errno));
			g_byte_array_set_size(p, 0);
			m->stdin_watch = 0;
			close_container_stdin(m);
			return G_SOURCE_REMOVE;
		}
		g_byte_array_remove_range(p, 0, (guint)n);
	}
	m->stdin_watch = 0;
	if (m->stdin_close_requested)
		close_container_stdin(m);
	return G_SOURCE_REMOVE;
}

void monitor_stdin_write(struct monitor *m, const char *buf, size_t len)
{
	if (m->stdin_fd < 0)
		return; /* no -i, or stdin already closed: input is discarded */
	if (m->stdin_pending == NULL)
		m->stdin_pending = g_byte_array_new();
	g_byte_array_append(m->stdin_pending, (const guint8 *)buf, (guint)len);
	if (m->stdin_watch == 0)
		m->stdin_watch = g_unix_fd_add(m->stdin_fd, G_IO_OUT, stdin_writable_cb, m);
}

void monitor_stdin_eof(struct monitor *m)
{
	if (!m->opts->stdin_ || m->opts->leave_stdin_open || m->stdin_fd < 0)
		return;
	if (m->stdin_watch)
		m->stdin_close_requested = true; /* after the pending bytes */
	else
		close_container_stdin(m);
}

/* ---- children ---- */

static void container_exited(struct monitor *m, int wait_status)
{
	m->container_exited = true;
	m->container_status = exit_status_from_wait(wait_status);
	log_debug("container %d exited with %d", (int)m->container_pid, m->container_status);
	g_main_loop_quit(m->loop);
}

static bool read_container_pid(struct monitor *m, GError **err)
{
	g_autofree char *contents = NULL;
	if (!g_file_get_contents(m->opts->container_pidfile, &contents, NULL, err))
		return false;
	gint64 pid;
	g_strstrip(contents);
	if (!g_ascii_string_to_signed(contents, 10, 1, G_MAXINT, &pid, NULL)) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "Pid file %s does not hold a pid: \"%.32s\"",
			    m->opts->container_pidfile, contents);
		return false;
	}
	m->container_pid = (pid_t)pid;
	return true;
}

/* The runtime's words as it wrote them (conmon sends its stderr unchanged, newline and
 * all), or, when it wrote nothing, what happened to it. */
static char *runtime_failure_text(struct monitor *m, int wait_status)
{
	g_autofree char *output = g_strdup(m->runtime_output->str);
	if (*g_strstrip(output) != '\0')
		return g_strdup(m->runtime_output->str);
	/* Never an empty message: podman would only say "no logs from conmon". */
	if (WIFSIGNALED(wait_status))
		return g_strdup_printf("runtime %s was killed by signal %d (%s)",
				       m->opts->runtime_path, WTERMSIG(wait_status),
				       g_strsignal(WTERMSIG(wait_status)));
	return g_strdup_printf("runtime %s failed with exit status %d and no error output",
			       m->opts->runtime_path, exit_status_from_wait(wait_status));
}

/* The glue that hands the subsystems (src/platform, src/stats) what they need of the
 * monitor, once the container's pid is known. An exec session has no stats of its own. */
static void monitor_subsystems_start(struct monitor *m)
{
	const struct ocimon_options *o = m->opts;
	if (m->oom == NULL)
		m->oom = oom_watch_start(m->container_pid, o->persist_dir, o->bundle, o->exec);
	if (m->stats == NULL && !o->exec)
		m->stats = stats_start(o, m->container_pid);
}

static void runtime_exited(struct monitor *m, int wait_status)
{
	m->runtime_exited = true;
	m->runtime_wait_status = wait_status;
	const char *key = sync_message_key(m->opts);

	/* Whatever the runtime wrote and we have not read yet. */
	bool create = !m->opts->exec;
	bool failed = !WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0;
	/* A successful restore left the running container's output in the pipes: it is read
	 * into the logs below, not taken for the runtime's. */
	bool restored = m->opts->restore_path != NULL && !failed;
	if (create && !restored)
		stdio_drain(m, 0);
	m->capture_runtime_output = false;
	if (failed && create) {
		g_autofree char *text = runtime_failure_text(m, wait_status);
		/* conmon's two lines, for whoever reads the monitor's stderr (--sync). */
		log_warning("runtime stderr: %s", text);
		log_error("Failed to create container: exit status %d",
			  exit_status_from_wait(wait_status));
		sync_message_send(&m->sync_fd, key, -1, text);
		m->status = 1;
		g_main_loop_quit(m->loop);
		return;
	}
	if (m->runtime_output->len > 0)
		log_info("runtime said: %s", m->runtime_output->str);

	g_autoptr(GError) err = NULL;
	if (!read_container_pid(m, &err)) {
		/* An exec whose runtime failed started no process: what waits in the pipes is
		 * the runtime's explanation ("exec failed: ..."), and podman or CRI-O must see
		 * it rather than our word about the pid file. */
		if (!create) {
			m->capture_runtime_output = true;
			stdio_drain(m, 0);
			m->capture_runtime_output = false;
		}
		g_autofree char *text = failed ? runtime_failure_text(m, wait_status)
					: m->runtime_output->len > 0
					    ? g_strdup(m->runtime_output->str)
					    : g_strdup(err->message);
		if (failed)
			log_warning("runtime stderr: %s", text);
		log_error("Failed to read pidfile: %s", err->message);
		sync_message_send(&m->sync_fd, key, -1, text);
		m->status = 1;
		g_main_loop_quit(m->loop);
		return;
	}
	if (m->opts->terminal)
		terminal_try_accept(m);
	if (m->opts->terminal && m->pty_master < 0) {
		sync_message_send(&m->sync_fd, key, -1, "Runtime did not set up terminal");
		m->status = 1;
		g_main_loop_quit(m->loop);
		return;
	}
	/* CRI-O's legacy exec reads only {"exit_code": N}: no pid message for it. */
	if (!(m->opts->exec && m->opts->api_version < 1))
		sync_message_send(&m->sync_fd, key, m->container_pid, NULL);
	monitor_subsystems_start(m);
	stdio_watch(m);
	/* Start-up is over: what it allocated and freed need not stay resident. */
	platform_release_free_memory();

	gpointer status;
	if (g_hash_table_lookup_extended(m->early_exits, GINT_TO_POINTER(m->container_pid), NULL,
					 &status))
		container_exited(m, GPOINTER_TO_INT(status));
}

static void reap_children(struct monitor *m)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			return;
		if (pid == m->runtime_pid)
			runtime_exited(m, status);
		else if (pid == m->container_pid)
			container_exited(m, status);
		else if (m->container_pid <= 0)
			g_hash_table_insert(m->early_exits, GINT_TO_POINTER(pid),
					    GINT_TO_POINTER(status));
	}
}

static gboolean signal_cb(int fd, GIOCondition cond, gpointer data)
{
	struct monitor *m = data;
	int sig;
	while ((sig = platform_signal_source_read(fd)) > 0) {
		if (sig == SIGCHLD) {
			reap_children(m);
			continue;
		}
		/* TERM/INT/QUIT go to the container (or the runtime before it exists). */
		pid_t target = m->container_pid > 0 ? m->container_pid : m->runtime_pid;
		log_info("forwarding signal %d to %d", sig, (int)target);
		if (target > 0 && kill(target, sig) < 0)
			log_warning("Failed to forward signal %d to %d: %s", sig, (int)target,
				    g_strerror(errno));
	}
	return G_SOURCE_CONTINUE;
}

static gboolean timeout_cb(gpointer data)
{
	struct monitor *m = data;
	log_warning("Timed out after %d s; killing the container", m->opts->timeout);
	m->timed_out = true;
	m->timeout_source = 0;
	g_main_loop_quit(m->loop);
	return G_SOURCE_REMOVE;
}

/* ---- the lifecycle ---- */

static int setup_parent_pipes(struct monitor *m)
{
	g_autoptr(GError) err = NULL;
	m->sync_fd = parent_pipe_fd_from_env("_OCI_SYNCPIPE", &err);
	if (m->sync_fd == -2) {
		log_error("%s", err->message);
		return -1;
	}
	m->start_fd = parent_pipe_fd_from_env("_OCI_STARTPIPE", &err);
	if (m->start_fd == -2) {
		log_error("%s", err->message);
		return -1;
	}
	if (m->opts->exec_attach) {
		m->attach_pipe_fd = parent_pipe_fd_from_env("_OCI_ATTACHPIPE", &err);
		if (m->attach_pipe_fd == -2) {
			log_error("%s", err->message);
			return -1;
		}
		/* conmon's words (its pexit adds the errno text; "set" reads better). */
		if (m->attach_pipe_fd < 0) {
			log_error("--attach specified but _OCI_ATTACHPIPE was not set");
			return -1;
		}
	}
	return 0;
}

static int wait_start_pipe(struct monitor *m)
{
	if (m->start_fd < 0)
		return 0;
	/* podman writes one byte once it has moved us into our cgroup. One read takes all
	 * there is, as conmon's does: a caller writing more than a byte must not find the
	 * rest taken for the second write an exec-attach waits for. EOF means podman gave
	 * up; carry on as conmon does, the sync pipe will tell. The read buffer, not the
	 * stack: a read touches only the pages it fills, and the daemon keeps them. */
	G_STATIC_ASSERT(START_PIPE_READ <= STDIO_READ_SIZE);
	if (read_retry(m->start_fd, m->read_buf, START_PIPE_READ) < 0) {
		log_error("start-pipe read failed %s", g_strerror(errno));
		return -1;
	}
	/* exec --exec-attach: a second byte comes once podman is attached. */
	if (!m->opts->exec_attach)
		fd_close(&m->start_fd);
	return 0;
}

static int open_dev_null(struct monitor *m)
{
	m->dev_null_r = open("/dev/null", O_RDONLY | O_CLOEXEC);
	m->dev_null_w = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (m->dev_null_r < 0 || m->dev_null_w < 0) {
		log_error("Failed to open /dev/null: %s", g_strerror(errno));
		return -1;
	}
	return 0;
}

/* Our stdio must not keep podman's pipes open (podman waits for them to close). */
static void detach_own_stdio(struct monitor *m)
{
	dup2(m->dev_null_r, STDIN_FILENO);
	dup2(m->dev_null_w, STDOUT_FILENO);
	dup2(m->dev_null_w, STDERR_FILENO);
}

static struct log_config make_log_config(const struct ocimon_options *o)
{
	return (struct log_config){
	    .cid = o->cid,
	    .name = o->name,
	    .tag = o->log_tag,
	    .labels = o->log_labels,
	    .size_max = o->log_size_max,
	    .global_size_max = o->log_global_size_max,
	    .rotate = o->log_rotate,
	    .max_files = o->log_max_files,
	    .no_partial_message = o->no_container_partial_message,
	    .no_sync = o->no_sync_log,
	    .allowlist_dirs = o->log_allowlist_dirs,
	};
}

static int start_runtime(struct monitor *m)
{
	const struct ocimon_options *o = m->opts;
	bool passthrough = log_writer_is_passthrough(m->logs);
	g_autoptr(GError) err = NULL;

	if (!passthrough && !stdio_pipes_create(m, &err))
		return fail_create(m, "%s", err->message);
	if (!passthrough && o->bundle != NULL) {
		if (!attach_server_open(m, &err) || !ctl_fifos_open(m, &err))
			return fail_create(m, "%s", err->message);
	}
	/* Before the runtime: the container may say READY=1 as soon as it starts. */
	if (!notify_proxy_open(m, &err))
		return fail_create(m, "%s", err->message);
	if (m->attach_pipe_fd >= 0) {
		/* podman connects to the exec session's attach socket after this. */
		sync_message_send(&m->attach_pipe_fd, "data", 0, NULL);
		fd_close(&m->attach_pipe_fd);
	}

	static const int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGQUIT};
	m->signal_fd = platform_signal_source_open(sigs, G_N_ELEMENTS(sigs), &err);
	if (m->signal_fd < 0)
		return fail_create(m, "%s", err->message);
	m->signal_watch = g_unix_fd_add(m->signal_fd, G_IO_IN, signal_cb, m);

	if (runtime_is_ocijail(o->runtime_path) &&
	    (o->systemd_cgroup || o->no_pivot || o->no_new_keyring))
		log_warning("ocijail supports none of --systemd-cgroup, --no-pivot, "
			    "--no-new-keyring; not passing them");

	g_autofree char *console = NULL;
	if (o->terminal && !passthrough) {
		console = terminal_socket_open(m, &err);
		if (console == NULL)
			return fail_create(m, "%s", err->message);
	}
	g_auto(GStrv) argv = runtime_build_argv(o, console);
	struct runtime_child_setup setup = {
	    .stdin_fd = passthrough ? -1 : (m->stdin_child >= 0 ? m->stdin_child : m->dev_null_r),
	    .stdout_fd = passthrough ? -1 : m->stdout_child,
	    .stderr_fd = passthrough ? -1 : m->stderr_child,
	    .chmod_stdio = !passthrough,
	    .replace_listen_pid = o->replace_listen_pid,
	    .start_fd = o->exec_attach ? m->start_fd : -1,
	    .oom_score_adj = m->oom_score_adj,
	    .restore_oom = m->have_oom_score_adj,
	};
	m->runtime_pid = runtime_spawn(argv, &setup, &err);
	if (m->runtime_pid < 0)
		return fail_create(m, "%s", err->message);
	fd_close(&m->stdin_child);
	fd_close(&m->stdout_child);
	fd_close(&m->stderr_child);
	fd_close(&m->start_fd);
	/* Only now: a thread must not exist while we fork the runtime. */
	if (o->log_nonblocking &&
	    !log_writer_set_nonblocking(m->logs, o->log_max_buffer_bytes, &err)) {
		kill(m->runtime_pid, SIGKILL);
		return fail_create(m, "%s", err->message);
	}
	if (passthrough)
		detach_own_stdio(m);
	/* For create this captures the runtime's own output (see monitor_output). `restore
	 * --detach` runs the container before the runtime exits: its output waits in the pipes
	 * until then, so none of it is mistaken for the runtime's. So does an exec's, as with
	 * conmon: until `runtime exec` has exited we cannot tell its words from the
	 * process's. */
	m->capture_runtime_output = !o->exec;
	if (!o->restore_path && !o->exec)
		stdio_watch(m);
	if (o->timeout > 0)
		m->timeout_source = g_timeout_add_seconds((guint)o->timeout, timeout_cb, m);
	return 0;
}

static void kill_container(struct monitor *m)
{
	if (m->container_pid <= 0)
		return;
	pid_t pgid = getpgid(m->container_pid);
	if (pgid > 1)
		kill(-pgid, SIGKILL);
	else
		kill(m->container_pid, SIGKILL);
}

static void finish(struct monitor *m)
{
	const struct ocimon_options *o = m->opts;
	int status = m->timed_out ? -1 : m->container_status;

	/* First, while the container's cgroup most likely still exists (SPEC §1.10). */
	oom_watch_final_check(m->oom);
	/* Every byte the container wrote reaches the logs before the exit files say it is
	 * done. */
	if (!m->timed_out)
		stdio_drain(m, 250);
	if (m->logs) {
		log_writer_flush(m->logs, true, !o->no_sync_log);
		/* No thread may run when the exit command is forked. */
		log_writer_stop_queue(m->logs);
	}
	if (m->timed_out)
		kill_container(m);

	if (m->signal_watch) {
		g_source_remove(m->signal_watch);
		m->signal_watch = 0;
	}
	fd_close(&m->signal_fd);
	attach_server_close(m);
	ctl_fifos_close(m);
	close_inherited_fds(m);
	/* The summary is complete when podman sees the exit file. */
	stats_finish(m->stats, status);

	g_autoptr(GError) err = NULL;
	if (o->persist_dir && !exit_file_write(o->persist_dir, "exit", status, &err)) {
		log_error("%s", err->message);
		g_clear_error(&err);
	}
	if (o->exit_dir && !exit_file_write(o->exit_dir, o->cid, status, &err))
		log_error("%s", err->message);

	if (o->exec && o->api_version >= 1) {
		if (m->timed_out)
			sync_message_send(&m->sync_fd, "data", -1, "command timed out");
		else
			sync_message_send(&m->sync_fd, "data", status, NULL);
	} else if (o->exec) {
		if (m->timed_out)
			sync_message_send(&m->sync_fd, "exit_code", -1, "command timed out");
		else
			sync_message_send(&m->sync_fd, "exit_code", status, NULL);
	}
	/* conmon removes the attach socket once the container is gone: nobody can attach to
	 * it any more (podman would get "connection refused" from a stale one). */
	if (m->attach_socket_path)
		unlink(m->attach_socket_path);
	if (m->socket_symlink)
		unlink(m->socket_symlink);
	m->status = status;
}

static int lifecycle(struct monitor *m)
{
	struct ocimon_options *o = m->opts;
	g_autoptr(GError) err = NULL;

	if (!record_inherited_fds(m, &err)) {
		log_error("%s", err->message);
		return 1;
	}
	if (setup_parent_pipes(m) < 0)
		return 1;
	m->have_oom_score_adj = platform_get_oom_score_adj(&m->oom_score_adj) == 0;
	/* The monitor must outlive its container under memory pressure. */
	platform_set_oom_score_adj(-1000);
	signal(SIGPIPE, SIG_IGN);

	/* An exit file we could not write would leave podman without the exit code: say so
	 * now, on the sync pipe, rather than at the end to nobody. */
	const char *dirs[] = {o->exit_dir, o->persist_dir};
	for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
		if (dirs[i] == NULL)
			continue;
		if (g_mkdir_with_parents(dirs[i], 0700) < 0 || access(dirs[i], W_OK | X_OK) < 0)
			return fail_create(m, "%s directory %s is not writable: %s",
					   i == 0 ? "Exit" : "Persist", dirs[i], g_strerror(errno));
	}

	/* Log errors (bad -l, unwritable path) fail before we daemonize, so our exit status
	 * says so too, as with conmon. */
	struct log_config cfg = make_log_config(o);
	m->logs = log_writer_open(o->log_paths, &cfg, &err);
	if (m->logs == NULL)
		return fail_create(m, "%s", err->message);

	if (wait_start_pipe(m) < 0 || open_dev_null(m) < 0)
		return 1;
	if (!o->sync) {
		json_prebind();
		libc_prebind();
		daemonize(m);
	} else if (o->conmon_pidfile && !write_pid_file(o->conmon_pidfile, getpid(), &err))
		return fail_create(m, "%s", err->message);

	if (!log_writer_is_passthrough(m->logs))
		detach_own_stdio(m);
	if (setsid() < 0 && o->sync == FALSE)
		log_warning("setsid: %s", g_strerror(errno));
	if (platform_set_subreaper(true) < 0)
		log_warning("Failed to become a subreaper: %s", g_strerror(errno));

	m->loop = g_main_loop_new(NULL, FALSE);
	if (start_runtime(m) != 0)
		return 1;
	g_main_loop_run(m->loop);

	if (!m->runtime_exited || m->container_pid <= 0) {
		if (m->timed_out) {
			if (m->runtime_pid > 0)
				kill(m->runtime_pid, SIGKILL);
			return fail_create(m, "runtime %s did not finish within %d s",
					   o->runtime_path, o->timeout);
		}
		return m->status; /* create failed, already reported */
	}
	finish(m);
	if (o->exit_command) {
		int st = exit_command_run(o->exit_command, o->exit_args, o->exit_delay);
		if (st > 0)
			return exit_status_from_wait(st);
	}
	return m->status & 0xff;
}

int monitor_run(struct ocimon_options *opts)
{
	struct monitor m;
	monitor_init(&m, opts);
	int status = lifecycle(&m);
	monitor_clear(&m);
	return status;
}
