#include "platform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdutil.h"
#include "log.h"
#include "platform_common.h"

const int platform_seqpacket_send_flags = 0;

int platform_set_subreaper(bool on)
{
	return prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0) < 0 ? -errno : 0;
}

int platform_set_pdeathsig(int sig)
{
	return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) < 0 ? -errno : 0;
}

int platform_signal_source_open(const int *sigs, size_t n, GError **err)
{
	sigset_t set;
	if (!platform_block_signals(sigs, n, &set, err))
		return -1;
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "signalfd: %s", g_strerror(e));
	}
	return fd;
}

int platform_signal_source_read(int fd)
{
	struct signalfd_siginfo si;
	ssize_t n = read_retry(fd, &si, sizeof(si));
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (n != (ssize_t)sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

gboolean platform_list_open_fds(GArray *fds, GError **err)
{
	return platform_list_fds_in("/proc/self/fd", fds, err);
}

gboolean platform_bind_in_dir(int sock, int dirfd, const char *dir_path, const char *name,
			      mode_t mode, GError **err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	/* The short /proc path reaches a directory whose own path may be far longer than
	 * sun_path's 108 bytes. */
	int n = snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", dirfd, name);
	if (n < 0 || (size_t)n >= sizeof(addr.sun_path)) {
		g_set_error(err, OCIMON_ERROR, ENAMETOOLONG, "Socket name %s is too long", name);
		return FALSE;
	}
	unlink(addr.sun_path);
	/* Restrict the mode before bind so the socket never exists with a wider one. */
	fchmod(sock, mode);
	if (bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to bind %s/%s: %s", dir_path, name,
			    g_strerror(e));
		return FALSE;
	}
	if (fchmodat(dirfd, name, mode, 0) < 0 && chmod(addr.sun_path, mode) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to chmod %s/%s: %s", dir_path, name,
			    g_strerror(e));
		return FALSE;
	}
	return TRUE;
}

bool platform_is_initial_root(void)
{
	if (geteuid() != 0)
		return false;
	g_autofree char *map = NULL;
	if (!g_file_get_contents("/proc/self/uid_map", &map, NULL, NULL))
		return false;
	return platform_uid_map_is_initial(map);
}

void platform_grow_pipe(int fd, int size)
{
	/* With 64 KiB the container and the monitor take turns every 64 KiB; a bigger pipe
	 * lets both run (about 10% faster logging, measured with contrib/bench). Refused
	 * (EPERM past the user's quota, EBUSY): the pipe keeps its size, nothing else. */
	if (platform_is_initial_root() && fcntl(fd, F_SETPIPE_SZ, size) < 0)
		log_debug("pipe stays at its size (F_SETPIPE_SZ %d: %s)", size, g_strerror(errno));
}

void platform_release_free_memory(void)
{
	malloc_trim(0);
}

int platform_get_oom_score_adj(int *value)
{
	g_autofree char *contents = NULL;
	if (!g_file_get_contents("/proc/self/oom_score_adj", &contents, NULL, NULL))
		return -ENOENT;
	*value = atoi(contents);
	return 0;
}

int platform_set_oom_score_adj(int value)
{
	/* Async-signal-safe: also used between fork and exec. */
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", value);
	int r = write(fd, buf, (size_t)n) < 0 ? -errno : 0;
	close(fd);
	return r;
}
