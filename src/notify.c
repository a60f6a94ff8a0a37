#include "notify.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdutil.h"
#include "log.h"
#include "monitor.h"
#include "platform.h"

/* systemd reads at most this much of one notification (NOTIFY_BUFFER_MAX). */
#define NOTIFY_MSG_MAX 4096

struct notify_proxy {
	int fd;      /* the container's end: <bundle>/notify/notify.sock */
	int host_fd; /* unbound datagram socket for sending to host */
	struct sockaddr_un host;
	guint watch;
};

static bool line_allowed(const char *line)
{
	static const char *const exact[] = {"READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1",
					    "WATCHDOG=trigger"};
	static const char *const prefixes[] = {"STATUS=", "ERRNO=", "BUSERROR=", "MONOTONIC_USEC="};
	for (size_t i = 0; i < G_N_ELEMENTS(exact); i++) {
		if (strcmp(line, exact[i]) == 0)
			return true;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
		if (g_str_has_prefix(line, prefixes[i]))
			return true;
	}
	return false;
}

char *notify_filter(const char *msg, size_t len)
{
	GString *out = g_string_new(NULL);
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && msg[i] != '\n' && msg[i] != '\r' && msg[i] != '\0')
			continue;
		g_autofree char *line = g_strndup(msg + start, i - start);
		start = i + 1;
		if (!line_allowed(line))
			continue;
		if (out->len > 0)
			g_string_append_c(out, '\n');
		g_string_append(out, line);
	}
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

static gboolean notify_readable_cb(int fd, GIOCondition cond, gpointer data)
{
	struct notify_proxy *p = data;
	char buf[NOTIFY_MSG_MAX];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warning("Failed to read the container's notify socket: %s",
					    g_strerror(errno));
			return G_SOURCE_CONTINUE;
		}
		g_autofree char *out = notify_filter(buf, (size_t)n);
		if (out == NULL)
			continue;
		/* Never block the monitor on systemd: a lost notification is better. */
		if (sendto(p->host_fd, out, strlen(out), MSG_DONTWAIT | MSG_NOSIGNAL,
			   (struct sockaddr *)&p->host, sizeof(p->host)) < 0)
			log_warning("Failed to forward \"%.64s\" to %s: %s", out, p->host.sun_path,
				    g_strerror(errno));
	}
}

static gboolean open_host(struct notify_proxy *p, const char *host, GError **err)
{
	p->host.sun_family = AF_UNIX;
	if (strlen(host) >= sizeof(p->host.sun_path)) {
		g_set_error(err, OCIMON_ERROR, ENAMETOOLONG, "sd-notify socket path %s is too long",
			    host);
		return FALSE;
	}
	strcpy(p->host.sun_path, host);
	p->host_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p->host_fd < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to create a socket for %s: %s", host,
			    g_strerror(e));
		return FALSE;
	}
	return TRUE;
}

static gboolean open_container_side(struct notify_proxy *p, const char *bundle, GError **err)
{
	g_autofree char *dir = g_build_filename(bundle, "notify", NULL);
	if (g_mkdir_with_parents(dir, 0755) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to create %s: %s", dir, g_strerror(e));
		return FALSE;
	}
	autoclose int dirfd = platform_open_dir(dir, err);
	if (dirfd < 0)
		return FALSE;
	p->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p->fd < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to create %s/notify.sock: %s", dir,
			    g_strerror(e));
		return FALSE;
	}
	/* 0777: the container's processes may run as any user. */
	return platform_bind_in_dir(p->fd, dirfd, dir, "notify.sock", 0777, err);
}

gboolean notify_proxy_open(struct monitor *m, GError **err)
{
	const struct ocimon_options *o = m->opts;
	if (o->sdnotify_socket == NULL || m->notify != NULL)
		return TRUE;
	if (o->bundle == NULL) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "--sdnotify-socket needs a bundle (-b)");
		return FALSE;
	}
	struct notify_proxy *p = g_new0(struct notify_proxy, 1);
	p->fd = p->host_fd = -1;
	m->notify = p;
	if (!open_host(p, o->sdnotify_socket, err) || !open_container_side(p, o->bundle, err))
		return FALSE;
	p->watch = g_unix_fd_add(p->fd, G_IO_IN, notify_readable_cb, p);
	return TRUE;
}

void notify_proxy_close(struct monitor *m)
{
	struct notify_proxy *p = m->notify;
	if (p == NULL)
		return;
	if (p->watch)
		g_source_remove(p->watch);
	fd_close(&p->fd);
	fd_close(&p->host_fd);
	g_free(p);
	m->notify = NULL;
}
