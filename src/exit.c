#include "exit.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdutil.h"
#include "log.h"
#include "platform.h"

int exit_status_from_wait(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return -1;
}

gboolean exit_file_write(const char *dir, const char *name, int status, GError **err)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	char buf[16];
	int n = g_snprintf(buf, sizeof(buf), "%d", status);
	g_autoptr(GError) e = NULL;
	if (!write_file_atomic(path, buf, (size_t)n, &e)) {
		g_set_error(err, e->domain, e->code, "Failed to write exit file %s: %s", path,
			    e->message);
		return FALSE;
	}
	return TRUE;
}

int exit_command_run(const char *command, char **args, int delay)
{
	gsize nargs = args ? g_strv_length(args) : 0;
	g_autofree char **argv = g_new0(char *, nargs + 2);
	argv[0] = (char *)command;
	for (gsize i = 0; i < nargs; i++)
		argv[i + 1] = args[i];

	/* podman's cleanup must not be killed with us, nor be our subreaped orphan. */
	platform_set_subreaper(false);
	pid_t pid = fork();
	if (pid < 0) {
		log_error("Failed to fork exit command %s: %s", command, g_strerror(errno));
		return -1;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		GArray *fds = g_array_new(FALSE, FALSE, sizeof(int));
		if (platform_list_open_fds(fds, NULL)) {
			for (guint i = 0; i < fds->len; i++) {
				int fd = g_array_index(fds, int, i);
				if (fd > 2)
					close(fd);
			}
		}
		if (delay > 0)
			sleep((unsigned)delay);
		platform_set_oom_score_adj(0);
		execv(command, argv);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			log_error("waitpid for exit command %s: %s", command, g_strerror(errno));
			return -1;
		}
	}
	if (status != 0)
		log_warning("Exit command %s failed with status %d", command,
			    exit_status_from_wait(status));
	return status;
}
