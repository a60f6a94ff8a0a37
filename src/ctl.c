#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdutil.h"
#include "log.h"
#include "monitor.h"
#include "terminal.h"

struct ctl_fifo {
	struct monitor *m;
	char *path;
	int fd;
	int dummy_writer; /* keeps the FIFO from reporting HUP when podman closes it */
	guint watch;
	bool winsz; /* winsz carries "<h> <w>" lines */
	struct ctl_line_buffer lb;
};

struct ctl_fifos {
	struct ctl_fifo ctl, winsz;
};

static gboolean parse_int(const char *s, int *out)
{
	gint64 v;
	if (!g_ascii_string_to_signed(s, 10, G_MININT, G_MAXINT, &v, NULL))
		return FALSE;
	*out = (int)v;
	return TRUE;
}

gboolean ctl_parse_line(const char *line, size_t len, struct ctl_message *out, GError **err)
{
	g_autofree char *copy = g_strndup(line, len);
	if (strlen(copy) != len) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "ctl message contains NUL");
		return FALSE;
	}
	g_strstrip(copy);
	g_auto(GStrv) parts = g_strsplit_set(copy, " \t", -1);
	const char *fields[3];
	int nfields = 0;
	for (size_t i = 0; parts[i]; i++) {
		if (*parts[i] == '\0')
			continue;
		if (nfields == 3) {
			nfields++;
			break;
		}
		fields[nfields++] = parts[i];
	}
	int v[3];
	if (nfields != 3 || !parse_int(fields[0], &v[0]) || !parse_int(fields[1], &v[1]) ||
	    !parse_int(fields[2], &v[2])) {
		g_set_error(err, OCIMON_ERROR, EINVAL,
			    "ctl message \"%.64s\" is not three integers", copy);
		return FALSE;
	}
	if (v[0] != CTL_RESIZE && v[0] != CTL_REOPEN_LOGS) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "ctl message type %d is unknown", v[0]);
		return FALSE;
	}
	if (v[1] < 0 || v[1] > CTL_SIZE_MAX || v[2] < 0 || v[2] > CTL_SIZE_MAX) {
		g_set_error(err, OCIMON_ERROR, EINVAL,
			    "ctl message size %d x %d is out of range 0..%d", v[1], v[2],
			    CTL_SIZE_MAX);
		return FALSE;
	}
	out->type = (enum ctl_type)v[0];
	out->height = v[1];
	out->width = v[2];
	return TRUE;
}

void ctl_line_buffer_feed(struct ctl_line_buffer *lb, const char *data, size_t len,
			  void (*cb)(const char *line, size_t len, void *user), void *user)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t take = nl ? (size_t)(nl - data) : len;
		if (!lb->discarding) {
			if (lb->len + take > sizeof(lb->buf)) {
				lb->discarding = true;
				lb->len = 0;
			} else {
				memcpy(lb->buf + lb->len, data, take);
				lb->len += take;
			}
		}
		if (nl == NULL)
			return;
		if (lb->discarding)
			log_warning("ctl: dropped a line longer than %d bytes", CTL_LINE_MAX);
		else
			cb(lb->buf, lb->len, user);
		lb->discarding = false;
		lb->len = 0;
		data = nl + 1;
		len -= take + 1;
	}
}

static void handle_line(const char *line, size_t len, void *user)
{
	struct ctl_fifo *f = user;
	struct ctl_message msg;
	g_autoptr(GError) err = NULL;
	if (f->winsz) {
		/* winsz: "<h> <w>", the same as a resize message. */
		g_autofree char *full = g_strdup_printf("1 %.*s", (int)len, line);
		if (!ctl_parse_line(full, strlen(full), &msg, &err)) {
			log_warning("winsz: %s", err->message);
			return;
		}
	} else if (!ctl_parse_line(line, len, &msg, &err)) {
		log_warning("ctl: %s", err->message);
		return;
	}
	struct monitor *m = f->m;
	if (msg.type == CTL_REOPEN_LOGS) {
		g_autoptr(GError) rerr = NULL;
		if (m->logs && !log_writer_reopen(m->logs, &rerr))
			log_error("Failed to reopen logs: %s", rerr->message);
		return;
	}
	/* Without a pty there is nothing to resize, as with conmon. */
	terminal_resize(m, msg.height, msg.width);
}

static gboolean fifo_readable_cb(int fd, GIOCondition cond, gpointer data)
{
	struct ctl_fifo *f = data;
	char buf[4096];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			ctl_line_buffer_feed(&f->lb, buf, (size_t)n, handle_line, f);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean fifo_open(struct monitor *m, struct ctl_fifo *f, const char *name, bool winsz,
			  GError **err)
{
	f->m = m;
	f->fd = f->dummy_writer = -1;
	f->winsz = winsz;
	f->path = g_build_filename(m->opts->bundle, name, NULL);
	unlink(f->path);
	if (mkfifo(f->path, 0660) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to mkfifo %s: %s", f->path,
			    g_strerror(e));
		return FALSE;
	}
	/* mkfifo applies the umask; podman expects 0660. */
	chmod(f->path, 0660);
	f->fd = open(f->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (f->fd >= 0)
		f->dummy_writer = open(f->path, O_WRONLY | O_CLOEXEC);
	if (f->fd < 0 || f->dummy_writer < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to open %s: %s", f->path, g_strerror(e));
		return FALSE;
	}
	f->watch = g_unix_fd_add(f->fd, G_IO_IN, fifo_readable_cb, f);
	return TRUE;
}

static void fifo_close(struct ctl_fifo *f)
{
	if (f->watch)
		g_source_remove(f->watch);
	fd_close(&f->fd);
	fd_close(&f->dummy_writer);
	g_free(f->path);
}

gboolean ctl_fifos_open(struct monitor *m, GError **err)
{
	struct ctl_fifos *c = g_new0(struct ctl_fifos, 1);
	m->ctl = c;
	c->winsz.fd = c->winsz.dummy_writer = -1;
	return fifo_open(m, &c->ctl, "ctl", false, err) &&
	       fifo_open(m, &c->winsz, "winsz", true, err);
}

void ctl_fifos_close(struct monitor *m)
{
	if (m->ctl == NULL)
		return;
	fifo_close(&m->ctl->ctl);
	fifo_close(&m->ctl->winsz);
	g_clear_pointer(&m->ctl, g_free);
}
