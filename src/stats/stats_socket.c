#include "stats_socket.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdutil.h"
#include "log.h"
#include "platform.h"

/* A reader that takes no bytes for this long is dropped: a document is at most a few
 * tens of KiB, so only a stuck client gets here. */
#define STATS_CLIENT_TIMEOUT_S 5

struct stats_client {
	struct stats_server *server;
	int fd;
	char *doc;
	size_t len, off;
	guint watch;
	guint timer;
};

struct stats_server {
	int fd;
	guint watch;
	char *dir;
	char *name;
	stats_server_doc_fn doc;
	gpointer data;
	GPtrArray *clients;
};

static void client_free(struct stats_client *c)
{
	if (c->watch)
		g_source_remove(c->watch);
	if (c->timer)
		g_source_remove(c->timer);
	fd_close(&c->fd);
	g_free(c->doc);
	g_free(c);
}

/* Writes what the socket takes. Returns TRUE when the client is done (all sent, or an
 * error: it went away). */
static bool client_send(struct stats_client *c)
{
	while (c->off < c->len) {
		ssize_t n =
		    send(c->fd, c->doc + c->off, c->len - c->off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return false;
			log_debug("stats client went away: %s", g_strerror(errno));
			return true;
		}
		c->off += (size_t)n;
	}
	return true;
}

static gboolean client_writable_cb(int fd, GIOCondition cond, gpointer data)
{
	struct stats_client *c = data;
	if (!client_send(c))
		return G_SOURCE_CONTINUE;
	c->watch = 0;
	g_ptr_array_remove(c->server->clients, c);
	return G_SOURCE_REMOVE;
}

static gboolean client_timeout_cb(gpointer data)
{
	struct stats_client *c = data;
	log_info("stats client took nothing for %d s; dropping it", STATS_CLIENT_TIMEOUT_S);
	c->timer = 0;
	g_ptr_array_remove(c->server->clients, c);
	return G_SOURCE_REMOVE;
}

static gboolean accept_cb(int fd, GIOCondition cond, gpointer data)
{
	struct stats_server *s = data;
	autoclose int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warning("accept on %s/%s: %s", s->dir, s->name, g_strerror(errno));
		return G_SOURCE_CONTINUE;
	}
	struct stats_client *c = g_new0(struct stats_client, 1);
	c->server = s;
	c->fd = fd_steal(&cfd);
	c->doc = s->doc(s->data, &c->len);
	if (client_send(c)) {
		client_free(c);
		return G_SOURCE_CONTINUE;
	}
	c->watch = g_unix_fd_add(c->fd, G_IO_OUT, client_writable_cb, c);
	c->timer = g_timeout_add_seconds(STATS_CLIENT_TIMEOUT_S, client_timeout_cb, c);
	g_ptr_array_add(s->clients, c);
	return G_SOURCE_CONTINUE;
}

struct stats_server *stats_server_open(const char *dir, const char *name, stats_server_doc_fn doc,
				       gpointer data, GError **err)
{
	autoclose int dirfd = platform_open_dir(dir, err);
	if (dirfd < 0)
		return NULL;
	autoclose int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to create the stats socket: %s",
			    g_strerror(e));
		return NULL;
	}
	if (!platform_bind_in_dir(fd, dirfd, dir, name, 0700, err))
		return NULL;
	if (listen(fd, 16) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to listen on %s/%s: %s", dir, name,
			    g_strerror(e));
		return NULL;
	}
	struct stats_server *s = g_new0(struct stats_server, 1);
	s->fd = fd_steal(&fd);
	s->dir = g_strdup(dir);
	s->name = g_strdup(name);
	s->doc = doc;
	s->data = data;
	s->clients = g_ptr_array_new_with_free_func((GDestroyNotify)client_free);
	s->watch = g_unix_fd_add(s->fd, G_IO_IN, accept_cb, s);
	return s;
}

void stats_server_close(struct stats_server *s)
{
	if (s == NULL)
		return;
	if (s->watch)
		g_source_remove(s->watch);
	g_ptr_array_unref(s->clients);
	fd_close(&s->fd);
	g_autofree char *path = g_build_filename(s->dir, s->name, NULL);
	if (unlink(path) < 0 && errno != ENOENT)
		log_warning("Failed to remove %s: %s", path, g_strerror(errno));
	g_free(s->dir);
	g_free(s->name);
	g_free(s);
}
