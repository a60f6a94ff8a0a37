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

/* One "%d" of sscanf: optional white space, an optional sign, at least one digit. */
static const char *scan_int(const char *p, int *out)
{
	while (g_ascii_isspace(*p))
		p++;
	const char *digits = p + (*p == '+' || *p == '-');
	if (!g_ascii_isdigit(*digits))
		return NULL;
	char *end;
	errno = 0;
	long long v = strtoll(p, &end, 10);
	if (errno == ERANGE || v < G_MININT || v > G_MAXINT)
		return NULL;
	*out = (int)v;
	return end;
}

/* conmon reads a line with sscanf("%d %d %d"): three integers, and whatever follows the
 * third ("1 2 2 3", "2 0 0 junk") is ignored, kept for backward compatibility. */
gboolean ctl_parse_line(const char *line, size_t len, struct ctl_message *out, GError **err)
{
	g_autofree char *copy = g_strndup(line, len);
	if (strlen(copy) != len) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "ctl message contains NUL");
		return FALSE;
	}
	int v[3];
	const char *p = copy;
	for (int i = 0; i < 3 && p != NULL; i++)
		p = scan_int(p, &v[i]);
	if (p == NULL) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "Invalid control message format: \"%.64s\"",
			    copy);
		return FALSE;
	}
	if (v[0] != CTL_RESIZE && v[0] != CTL_REOPEN_LOGS) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "Invalid control message type: %d", v[0]);
		return FALSE;
	}
	if (v[1] < 0 || v[1] > CTL_SIZE_MAX || v[2] < 0 || v[2] > CTL_SIZE_MAX) {
		g_set_error(err, OCIMON_ERROR, EINVAL,
			    "Invalid window size: %dx%d (must be between 0 and %d)", v[1], v[2],
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
		log_warning("%s", err->message);
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
