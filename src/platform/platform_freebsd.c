/* FreeBSD: procctl, kqueue, /dev/fd and bindat (SPEC §2.1). Built only on FreeBSD. */
#include "platform.h"

#include "fdutil.h"
#include "platform_common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/event.h>
#include <sys/procctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

const int platform_seqpacket_send_flags = MSG_EOR;

int platform_set_subreaper(bool on)
{
	int cmd = on ? PROC_REAP_ACQUIRE : PROC_REAP_RELEASE;
	return procctl(P_PID, getpid(), cmd, NULL) < 0 ? -errno : 0;
}

int platform_set_pdeathsig(int sig)
{
	return procctl(P_PID, 0, PROC_PDEATHSIG_CTL, &sig) < 0 ? -errno : 0;
}

int platform_signal_source_open(const int *sigs, size_t n, GError **err)
{
	sigset_t set;
	if (!platform_block_signals(sigs, n, &set, err))
		return -1;
	int kq = kqueue();
	if (kq < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "kqueue: %s", g_strerror(e));
		return -1;
	}
	fcntl(kq, F_SETFD, FD_CLOEXEC);
	for (size_t i = 0; i < n; i++) {
		struct kevent ev;
		EV_SET(&ev, sigs[i], EVFILT_SIGNAL, EV_ADD, 0, 0, NULL);
		if (kevent(kq, &ev, 1, NULL, 0, NULL) < 0) {
			int e = errno;
			close(kq);
			g_set_error(err, OCIMON_ERROR, e, "kevent: %s", g_strerror(e));
			return -1;
		}
	}
	return kq;
}

int platform_signal_source_read(int fd)
{
	struct kevent ev;
	struct timespec zero = {0, 0};
	int n = kevent(fd, NULL, 0, &ev, 1, &zero);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	return n == 0 ? 0 : (int)ev.ident;
}

gboolean platform_list_open_fds(GArray *fds, GError **err)
{
	/* Without fdescfs mounted, /dev/fd only shows 0-2: then probe every fd. */
	guint before = fds->len;
	if (platform_list_fds_in("/dev/fd", fds, NULL) && fds->len - before > 3)
		return TRUE;
	g_array_set_size(fds, before);
	int max = getdtablesize();
	for (int fd = 0; fd < max; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			g_array_append_val(fds, fd);
	}
	return TRUE;
}

gboolean platform_bind_in_dir(int sock, int dirfd, const char *dir_path, const char *name,
			      mode_t mode, GError **err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(name) >= sizeof(addr.sun_path)) {
		g_set_error(err, OCIMON_ERROR, ENAMETOOLONG, "Socket name %s is too long", name);
		return FALSE;
	}
	strcpy(addr.sun_path, name);
	unlinkat(dirfd, name, 0);
	if (bindat(dirfd, sock, (struct sockaddr *)&addr, SUN_LEN(&addr)) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to bind %s/%s: %s", dir_path, name,
			    g_strerror(e));
		return FALSE;
	}
	if (fchmodat(dirfd, name, mode, AT_SYMLINK_NOFOLLOW) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to chmod %s/%s: %s", dir_path, name,
			    g_strerror(e));
		return FALSE;
	}
	return TRUE;
}

/* No user namespaces: root is root (a jailed root included). */
bool platform_is_initial_root(void)
{
	return geteuid() == 0;
}

void platform_grow_pipe(int fd, int size)
{
	/* FreeBSD pipes grow by themselves (up to kern.ipc.maxpipekva). */
}

void platform_release_free_memory(void)
{
	/* jemalloc returns unused pages to the kernel by itself (decay). */
}

int platform_get_oom_score_adj(int *value)
{
	*value = 0;
	return 0;
}

int platform_set_oom_score_adj(int value)
{
	return 0;
}
