#include "attach.h"

#include <errno.h>
#include <glib-unix.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdutil.h"
#include "log.h"
#include "monitor.h"
#include "platform.h"

/* 32 KiB socket buffers: FreeBSD's 8 KiB default lost output (SPEC §2.1). */
#define ATTACH_SOCK_BUF  32768
#define ATTACH_INPUT_MAX 32768

struct attach_client {
	struct attach_server *server;
	int fd;
	guint in_watch;
	guint out_watch;
	GQueue frames; /* GBytes, each one SEQPACKET message */
	size_t queued;
	gint64 last_progress;
	bool input_closed;
};

struct attach_server {
	struct monitor *m;
	int fd;
	guint watch;
	guint stall_timer;
	GPtrArray *clients;
	bool output_seen; /* attach_broadcast ran once */
};

static void client_free(struct attach_client *c)
{
	if (c->in_watch)
		g_source_remove(c->in_watch);
	if (c->out_watch)
		g_source_remove(c->out_watch);
	g_queue_clear_full(&c->frames, (GDestroyNotify)g_bytes_unref);
	fd_close(&c->fd);
	g_free(c);
}

static void stall_timer_update(struct attach_server *s);

static void client_drop(struct attach_client *c, const char *why)
{
	struct attach_server *s = c->server;
	log_info("attach client %d disconnected: %s", c->fd, why);
	g_ptr_array_remove(s->clients, c);
	if (!attach_is_congested(s->m))
		monitor_resume_output(s->m);
	stall_timer_update(s);
}

/* Sends queued frames until the socket is full. Returns false if the client is gone. */
static bool client_send_queued(struct attach_client *c)
{
	GBytes *b;
	while ((b = g_queue_peek_head(&c->frames)) != NULL) {
		gsize len;
		const void *data = g_bytes_get_data(b, &len);
		ssize_t n = send(c->fd, data, len,
				 MSG_DONTWAIT | MSG_NOSIGNAL | platform_seqpacket_send_flags);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ENOBUFS)
				return true;
			return false;
		}
		g_queue_pop_head(&c->frames);
		c->queued -= len;
		c->last_progress = g_get_monotonic_time();
		g_bytes_unref(b);
	}
	return true;
}

static gboolean client_writable_cb(int fd, GIOCondition cond, gpointer data)
{
	struct attach_client *c = data;
	if (!client_send_queued(c)) {
		c->out_watch = 0;
		client_drop(c, g_strerror(errno));
		return G_SOURCE_REMOVE;
	}
	if (g_queue_is_empty(&c->frames)) {
		c->out_watch = 0;
		if (!attach_is_congested(c->server->m))
			monitor_resume_output(c->server->m);
		stall_timer_update(c->server);
		return G_SOURCE_REMOVE;
	}
	if (!attach_is_congested(c->server->m))
		monitor_resume_output(c->server->m);
	return G_SOURCE_CONTINUE;
}

static gboolean client_readable_cb(int fd, GIOCondition cond, gpointer data)
{
	struct attach_client *c = data;
	struct monitor *m = c->server->m;
	char buf[ATTACH_INPUT_MAX];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		/* Half-close (or an error): no more input from this client. Output keeps
		 * flowing to it until the container exits. */
		c->in_watch = 0;
		c->input_closed = true;
		monitor_stdin_eof(m);
		if (n < 0 || (cond & (G_IO_HUP | G_IO_ERR)) != 0) {
			shutdown(fd, SHUT_RD);
		}
		return G_SOURCE_REMOVE;
	}
	monitor_stdin_write(m, buf, (size_t)n);
	return G_SOURCE_CONTINUE;
}

/* The stall check is a one-shot timer, armed only while some client has output queued:
 * an idle monitor (no client, or clients that keep up) has no timer at all, so it sleeps
 * until something happens, as conmon does (issue 11). */
static gboolean stall_check_cb(gpointer data)
{
	struct attach_server *s = data;
	s->stall_timer = 0;
	gint64 now = g_get_monotonic_time();
	gint64 limit = (gint64)s->m->opts->attach_stall_timeout * G_USEC_PER_SEC;
	for (guint i = 0; i < s->clients->len;) {
		struct attach_client *c = g_ptr_array_index(s->clients, i);
		if (c->queued > 0 && now - c->last_progress >= limit) {
			log_warning("attach client %d took no output for %d s; disconnecting it",
				    c->fd, s->m->opts->attach_stall_timeout);
			client_drop(c, "stalled"); /* re-arms the timer if others still wait */
			continue;
		}
		i++;
	}
	stall_timer_update(s);
	return G_SOURCE_REMOVE;
}

/* Arms the timer for the earliest deadline of a client with queued output, or removes
 * it when none has any. An armed timer is left alone: deadlines only move later (progress
 * resets them), and the callback re-arms for the next one. */
static void stall_timer_update(struct attach_server *s)
{
	int timeout = s->m->opts->attach_stall_timeout;
	gint64 earliest = G_MAXINT64;
	for (guint i = 0; i < s->clients->len; i++) {
		struct attach_client *c = g_ptr_array_index(s->clients, i);
		if (c->queued > 0)
			earliest = MIN(earliest, c->last_progress);
	}
	if (earliest == G_MAXINT64 || timeout <= 0) {
		if (s->stall_timer) {
			g_source_remove(s->stall_timer);
			s->stall_timer = 0;
		}
		return;
	}
	if (s->stall_timer)
		return;
	gint64 left = earliest + (gint64)timeout * G_USEC_PER_SEC - g_get_monotonic_time();
	/* Whole seconds, rounded up: g_timeout_add_seconds lets the wakeups of many
	 * monitors coalesce, and a stall limit needs no finer grain. */
	guint secs = left <= 0 ? 0 : (guint)((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
	s->stall_timer = secs == 0 ? g_idle_add(stall_check_cb, s)
				   : g_timeout_add_seconds(secs, stall_check_cb, s);
}

/* Accepts one pending connection; false when there is none (or accept failed). */
static bool accept_one(struct attach_server *s)
{
	int cfd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warning("accept on attach socket: %s", g_strerror(errno));
		return false;
	}
	int size = ATTACH_SOCK_BUF;
	setsockopt(cfd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(cfd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));

	struct attach_client *c = g_new0(struct attach_client, 1);
	c->server = s;
	c->fd = cfd;
	c->last_progress = g_get_monotonic_time();
	g_queue_init(&c->frames);
	c->in_watch = g_unix_fd_add(cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, client_readable_cb, c);
	g_ptr_array_add(s->clients, c);
	log_debug("attach client %d connected", cfd);
	return true;
}

static gboolean accept_cb(int fd, GIOCondition cond, gpointer data)
{
	accept_one(data);
	return G_SOURCE_CONTINUE;
}

/* Without --full-attach the socket lives at <socket-dir>/<cuuid>/attach, reached
 * through a symlink to the bundle (CRI-O; bundle paths exceed sun_path). */
static char *make_socket_dir(struct monitor *m, GError **err)
{
	const struct ocimon_options *o = m->opts;
	if (o->full_attach)
		return g_strdup(o->bundle);
	if (g_mkdir_with_parents(o->socket_dir, 0755) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to create %s: %s", o->socket_dir,
			    g_strerror(e));
		return NULL;
	}
	g_autofree char *link = g_build_filename(o->socket_dir, o->cuuid, NULL);
	unlink(link);
	if (symlink(o->bundle, link) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e,
			    "Failed to create symlink %s for the attach socket: %s", link,
			    g_strerror(e));
		return NULL;
	}
	m->socket_symlink = g_strdup(link);
	return g_steal_pointer(&link);
}

gboolean attach_server_open(struct monitor *m, GError **err)
{
	g_autofree char *dir = make_socket_dir(m, err);
	if (dir == NULL)
		return FALSE;
	autoclose int dirfd = platform_open_dir(dir, err);
	if (dirfd < 0)
		return FALSE;
	autoclose int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to create attach socket: %s",
			    g_strerror(e));
		return FALSE;
	}
	if (!platform_bind_in_dir(fd, dirfd, dir, "attach", 0700, err))
		return FALSE;
	if (listen(fd, 10) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to listen on %s/attach: %s", dir,
			    g_strerror(e));
		return FALSE;
	}
	struct attach_server *s = g_new0(struct attach_server, 1);
	s->m = m;
	s->fd = fd_steal(&fd);
	s->clients = g_ptr_array_new_with_free_func((GDestroyNotify)client_free);
	s->watch = g_unix_fd_add(s->fd, G_IO_IN, accept_cb, s);
	m->attach = s;
	g_free(m->attach_socket_path);
	m->attach_socket_path = g_build_filename(m->opts->bundle, "attach", NULL);
	return TRUE;
}

void attach_broadcast(struct monitor *m, enum ocimon_stream stream, const char *buf, size_t len)
{
	struct attach_server *s = m->attach;
	if (s == NULL)
		return;
	/* podman run connects before it starts the container, but the main loop may read the
	 * first output before it gets to accept: take what is pending first, or a container
	 * that writes at once and exits would reach the log but not the terminal (seen under
	 * valgrind and under load). Only until the first output: later clients attach to a
	 * running container and cannot expect what came before. */
	if (!s->output_seen) {
		s->output_seen = true;
		while (accept_one(s))
			;
	}
	if (s->clients->len == 0)
		return;
	for (size_t off = 0; off < len; off += ATTACH_FRAME_DATA_MAX) {
		size_t chunk = MIN(len - off, (size_t)ATTACH_FRAME_DATA_MAX);
		char *frame = g_malloc(chunk + 1);
		frame[0] = (char)stream;
		memcpy(frame + 1, buf + off, chunk);
		GBytes *b = g_bytes_new_take(frame, chunk + 1);
		for (guint i = 0; i < s->clients->len; i++) {
			struct attach_client *c = g_ptr_array_index(s->clients, i);
			if (c->queued == 0)
				c->last_progress = g_get_monotonic_time();
			g_queue_push_tail(&c->frames, g_bytes_ref(b));
			c->queued += chunk + 1;
		}
		g_bytes_unref(b);
	}
	for (guint i = 0; i < s->clients->len;) {
		struct attach_client *c = g_ptr_array_index(s->clients, i);
		if (!client_send_queued(c)) {
			client_drop(c, g_strerror(errno));
			continue;
		}
		if (!g_queue_is_empty(&c->frames) && c->out_watch == 0)
			c->out_watch = g_unix_fd_add(c->fd, G_IO_OUT, client_writable_cb, c);
		i++;
	}
	stall_timer_update(s);
}

bool attach_is_congested(struct monitor *m)
{
	struct attach_server *s = m->attach;
	if (s == NULL)
		return false;
	for (guint i = 0; i < s->clients->len; i++) {
		struct attach_client *c = g_ptr_array_index(s->clients, i);
		if (c->queued > ATTACH_CLIENT_QUEUE_HIGH)
			return true;
	}
	return false;
}

/* At exit: blocking flush with a progress deadline, so a stalled client cannot hold
 * the exit files back for more than the stall timeout (ATTACH_STALL_SECONDS when the
 * setting is 0: "never dropped" cannot mean never exiting). */
static void client_flush_blocking(struct attach_client *c)
{
	int timeout = c->server->m->opts->attach_stall_timeout;
	gint64 limit = (gint64)(timeout > 0 ? timeout : ATTACH_STALL_SECONDS) * G_USEC_PER_SEC;
	gint64 deadline = g_get_monotonic_time() + limit;
	while (!g_queue_is_empty(&c->frames)) {
		size_t before = c->queued;
		if (!client_send_queued(c))
			return;
		if (c->queued < before)
			deadline = g_get_monotonic_time() + limit;
		gint64 left = deadline - g_get_monotonic_time();
		if (left <= 0) {
			log_warning("attach client %d stalled at exit; dropping %zu bytes", c->fd,
				    c->queued);
			return;
		}
		struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
		poll(&pfd, 1, (int)MIN(left / 1000, 1000));
	}
}

void attach_server_close(struct monitor *m)
{
	struct attach_server *s = m->attach;
	if (s == NULL)
		return;
	for (guint i = 0; i < s->clients->len; i++) {
		struct attach_client *c = g_ptr_array_index(s->clients, i);
		client_flush_blocking(c);
		shutdown(c->fd, SHUT_RDWR);
	}
	g_ptr_array_unref(s->clients);
	if (s->watch)
		g_source_remove(s->watch);
	if (s->stall_timer)
		g_source_remove(s->stall_timer);
	fd_close(&s->fd);
	g_free(s);
	m->attach = NULL;
}
