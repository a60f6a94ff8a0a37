#include "runtime.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdutil.h"
#include "platform.h"

bool runtime_is_ocijail(const char *runtime_path)
{
	g_autofree char *base = g_path_get_basename(runtime_path);
	return strcmp(base, "ocijail") == 0;
}

static void add_all(GPtrArray *argv, char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		g_ptr_array_add(argv, g_strdup(list[i]));
}

char **runtime_build_argv(const struct ocimon_options *o, const char *console_socket)
{
	bool ocijail = runtime_is_ocijail(o->runtime_path);
	GPtrArray *argv = g_ptr_array_new();

	g_ptr_array_add(argv, g_strdup(o->runtime_path));
	if (o->systemd_cgroup && !o->exec && !ocijail)
		g_ptr_array_add(argv, g_strdup("--systemd-cgroup"));
	add_all(argv, o->runtime_args);

	if (o->exec) {
		g_ptr_array_add(argv, g_strdup("exec"));
		g_ptr_array_add(argv, g_strdup("--pid-file"));
		g_ptr_array_add(argv, g_strdup(o->container_pidfile));
		g_ptr_array_add(argv, g_strdup("--process"));
		g_ptr_array_add(argv, g_strdup(o->exec_process_spec));
		g_ptr_array_add(argv, g_strdup("--detach"));
	} else {
		g_ptr_array_add(argv, g_strdup(o->restore_path ? "restore" : "create"));
		g_ptr_array_add(argv, g_strdup("--bundle"));
		g_ptr_array_add(argv, g_strdup(o->bundle));
		g_ptr_array_add(argv, g_strdup("--pid-file"));
		g_ptr_array_add(argv, g_strdup(o->container_pidfile));
		if (o->no_pivot && !ocijail)
			g_ptr_array_add(argv, g_strdup("--no-pivot"));
		if (o->no_new_keyring && !ocijail)
			g_ptr_array_add(argv, g_strdup("--no-new-keyring"));
		if (o->restore_path) {
			g_ptr_array_add(argv, g_strdup("--detach"));
			g_ptr_array_add(argv, g_strdup("--image-path"));
			g_ptr_array_add(argv, g_strdup(o->restore_path));
			g_ptr_array_add(argv, g_strdup("--work-path"));
			g_ptr_array_add(argv, g_strdup(o->bundle));
		}
	}
	add_all(argv, o->runtime_opts);
	if (console_socket) {
		g_ptr_array_add(argv, g_strdup("--console-socket"));
		g_ptr_array_add(argv, g_strdup(console_socket));
	}
	g_ptr_array_add(argv, g_strdup(o->cid));
	g_ptr_array_add(argv, NULL);
	return (char **)g_ptr_array_free(argv, FALSE);
}

bool runtime_listen_pid_takes_over(const char *listen_pid, pid_t monitor_pid, bool replace)
{
	if (listen_pid == NULL)
		return false;
	if (replace)
		return true;
	char *end;
	long v = strtol(listen_pid, &end, 10);
	return *listen_pid != '\0' && *end == '\0' && v == (long)monitor_pid;
}

/* Only async-signal-safe calls between fork and exec. */
static void child_fail(const char *what, const char *arg)
{
	int e = errno;
	dprintf(STDERR_FILENO, "ocimon: %s %s: %s\n", what, arg, strerror(e));
	_exit(127);
}

static void runtime_child(char **argv, const struct runtime_child_setup *s)
{
	platform_set_pdeathsig(SIGKILL);

	int fds[3] = {s->stdin_fd, s->stdout_fd, s->stderr_fd};
	for (int i = 0; i < 3; i++) {
		if (fds[i] < 0)
			continue;
		if (fds[i] == i) {
			fd_set_cloexec(i, false);
		} else if (dup2(fds[i], i) < 0) {
			child_fail("dup2 onto stdio fd for", argv[0]);
		}
		if (s->chmod_stdio)
			fchmod(i, 0777);
	}

	/* systemd socket activation: the runtime must see itself as the listener. */
	if (runtime_listen_pid_takes_over(getenv("LISTEN_PID"), getppid(), s->replace_listen_pid)) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%d", (int)getpid());
		setenv("LISTEN_PID", buf, 1);
	}

	/* exec --exec-attach: podman's second write (it is attached) lets the exec start. */
	if (s->start_fd >= 0) {
		char buf[8192];
		ssize_t n;
		do
			n = read(s->start_fd, buf, sizeof(buf));
		while (n < 0 && errno == EINTR);
	}

	if (s->restore_oom)
		platform_set_oom_score_adj(s->oom_score_adj);

	/* The monitor blocks and ignores signals for itself; the runtime and the container
	 * must start with the defaults. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);

	execv(argv[0], argv);
	child_fail("exec", argv[0]);
}

pid_t runtime_spawn(char **argv, const struct runtime_child_setup *setup, GError **err)
{
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to fork %s: %s", argv[0], g_strerror(e));
		return -1;
	}
	if (pid == 0)
		runtime_child(argv, setup);
	return pid;
}
