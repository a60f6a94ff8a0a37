#include "terminal.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "ctr_stdio.h"
#include "fdutil.h"
#include "log.h"
#include "monitor.h"

/* Receives one fd sent with SCM_RIGHTS; returns it or -errno. */
static int recv_fd(int sock)
{
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctrl;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctrl.buf,
			     .msg_controllen = sizeof(ctrl.buf)};
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EBADMSG;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static void remove_socket(struct monitor *m)
{
	if (m->console_watch) {
		/* Also when called from the watch's own callback: it returns REMOVE. */
		GSource *src = g_main_context_find_source_by_id(NULL, m->console_watch);
		if (src && !g_source_is_destroyed(src))
			g_source_destroy(src);
		m->console_watch = 0;
	}
	fd_close(&m->console_listen_fd);
	if (m->console_dir) {
		g_autofree char *sock = g_build_filename(m->console_dir, "console.sock", NULL);
		unlink(sock);
		rmdir(m->console_dir);
		g_clear_pointer(&m->console_dir, g_free);
	}
}

static void use_pty(struct monitor *m, int master)
{
	struct termios t;
	/* The container's "\n" must reach attach clients and logs as "\r\n", as a terminal
	 * shows it. */
	if (tcgetattr(master, &t) == 0) {
		t.c_oflag |= ONLCR;
		tcsetattr(master, TCSANOW, &t);
	}
	fd_set_nonblock(master, true);
	m->pty_master = master;
	m->stdin_fd = dup(master);
	fd_set_cloexec(m->stdin_fd, true);
	/* Everything from a terminal is stdout. */
	fd_close(&m->out[0].fd);
	m->out[0].fd = dup(master);
	fd_set_cloexec(m->out[0].fd, true);
	m->out[0].eof = false;
	m->out[0].grown = true; /* not a pipe */
	if (m->out[0].watch) {
		g_source_remove(m->out[0].watch);
		m->out[0].watch = 0;
	}
}

static gboolean console_accept_cb(int fd, GIOCondition cond, gpointer data)
{
	struct monitor *m = data;
	autoclose int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return G_SOURCE_CONTINUE;
		log_error("accept on console socket: %s", g_strerror(errno));
		return G_SOURCE_CONTINUE;
	}
	int master = recv_fd(conn);
	if (master < 0) {
		log_error("Failed to receive the terminal from the runtime: %s",
			  g_strerror(-master));
		return G_SOURCE_CONTINUE;
	}
	remove_socket(m);
	use_pty(m, master);
	return G_SOURCE_REMOVE;
}

void terminal_try_accept(struct monitor *m)
{
	if (m->console_listen_fd >= 0 && m->pty_master < 0 &&
	    console_accept_cb(m->console_listen_fd, G_IO_IN, m) == G_SOURCE_REMOVE)
		m->console_watch = 0;
}

char *terminal_socket_open(struct monitor *m, GError **err)
{
	g_autofree char *tmpl = g_build_filename(g_get_tmp_dir(), "ocimon-term.XXXXXX", NULL);
	if (g_mkdtemp_full(tmpl, 0700) == NULL) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to create %s: %s", tmpl, g_strerror(e));
		return NULL;
	}
	m->console_dir = g_strdup(tmpl);
	char *path = g_build_filename(tmpl, "console.sock", NULL);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(addr.sun_path)) {
		g_set_error(
		    err, OCIMON_ERROR, ENAMETOOLONG,
		    "Console socket path %s is too long (set TMPDIR to a shorter directory)", path);
		g_free(path);
		return NULL;
	}
	strcpy(addr.sun_path, path);
	m->console_listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (m->console_listen_fd < 0 ||
	    bind(m->console_listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(m->console_listen_fd, 1) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to listen on console socket %s: %s", path,
			    g_strerror(e));
		g_free(path);
		return NULL;
	}
	m->console_watch = g_unix_fd_add(m->console_listen_fd, G_IO_IN, console_accept_cb, m);
	return path;
}

void terminal_resize(struct monitor *m, int height, int width)
{
	if (m->pty_master < 0)
		return;
	struct winsize ws = {.ws_row = (unsigned short)height, .ws_col = (unsigned short)width};
	if (ioctl(m->pty_master, TIOCSWINSZ, &ws) < 0)
		log_warning("Failed to resize the terminal to %dx%d: %s", height, width,
			    g_strerror(errno));
}

void terminal_close(struct monitor *m)
{
	remove_socket(m);
	fd_close(&m->pty_master);
}
