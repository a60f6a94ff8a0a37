/* k8s-file: the CRI log format podman and kubelet read back (SPEC §1.12). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "k8s_file.h"
#include "log.h"

/* Records are copied into one buffer and written with one write(2) per read from the
 * container: fewer syscalls than writev over many small iovecs, and no allocation. */
#define K8S_BUF_SIZE (64 * 1024)

struct k8s_sink {
	struct log_sink base;
	char *path;
	int fd;
	gint64 size;     /* bytes in the current file */
	gint64 total;    /* bytes written over the monitor's life */
	gint64 size_max; /* -1: none */
	gint64 global_size_max;
	bool rotate;    /* keep backups instead of truncating */
	int max_files;  /* backups kept: <path>.1 .. <path>.N */
	bool failing;   /* the last write failed; what it did not write is still in buf */
	gint64 dropped; /* bytes of records dropped while failing */
	size_t used;
	char buf[K8S_BUF_SIZE];
};

size_t k8s_format_timestamp(const struct timespec *ts, char *buf)
{
	struct tm tm;
	time_t secs = ts->tv_sec;
	localtime_r(&secs, &tm);
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	int n = snprintf(buf, K8S_TIMESTAMP_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%09ld%c%02ld:%02ld",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, (long)ts->tv_nsec, sign, off / 3600, (off % 3600) / 60);
	return n < 0 ? 0 : (size_t)n;
}

size_t k8s_format_prefix(const char *timestamp, size_t ts_len, enum ocimon_stream stream,
			 bool partial, char *buf)
{
	const char *name = stream == OCIMON_STREAM_STDERR ? " stderr " : " stdout ";
	size_t n = 0;
	memcpy(buf, timestamp, ts_len);
	n += ts_len;
	memcpy(buf + n, name, 8);
	n += 8;
	buf[n++] = partial ? 'P' : 'F';
	buf[n++] = ' ';
	return n;
}

static int open_log(const char *path, gint64 *size, GError **err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		int e = errno;
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, e, "Failed to open log file %s: %s", path,
			    g_strerror(e));
		return -1;
	}
	struct stat st;
	*size = fstat(fd, &st) == 0 ? st.st_size : 0;
	return fd;
}

/* --log-allowlist-dir: the log must resolve to a path inside the directory, so a
 * symlink planted in its place cannot send the log elsewhere. */
static gboolean check_allowlist(const char *path, const char *dir, GError **err)
{
	g_autofree char *real_dir = realpath(dir, NULL);
	g_autofree char *parent = g_path_get_dirname(path);
	g_autofree char *real_parent = realpath(parent, NULL);
	if (real_dir == NULL || real_parent == NULL) {
		int e = errno;
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, e,
			    "Cannot resolve log path %s or allowed directory %s: %s", path, dir,
			    g_strerror(e));
		return FALSE;
	}
	size_t n = strlen(real_dir);
	bool inside =
	    strncmp(real_parent, real_dir, n) == 0 &&
	    (real_parent[n] == '\0' || real_parent[n] == '/' || strcmp(real_dir, "/") == 0);
	struct stat st;
	if (inside && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		inside = false;
	if (!inside) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, EPERM,
			    "Log path %s is not inside the allowed directory %s", path, dir);
		return FALSE;
	}
	return TRUE;
}

static struct log_sink *k8s_open(const struct log_config *cfg, const char *path, GError **err)
{
	if (cfg->tag != NULL) {
		/* conmon rejects this too (since 2020): the format has no place for a tag. */
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, EINVAL,
			    "k8s-file doesn't support --log-tag");
		return NULL;
	}
	if (cfg->allowlist_dir != NULL && !check_allowlist(path, cfg->allowlist_dir, err))
		return NULL;
	g_autofree struct k8s_sink *s = g_new0(struct k8s_sink, 1);
	s->fd = open_log(path, &s->size, err);
	if (s->fd < 0)
		return NULL;
	s->path = g_strdup(path);
	s->size_max = cfg->size_max > 0 ? cfg->size_max : -1;
	s->global_size_max = cfg->global_size_max > 0 ? cfg->global_size_max : -1;
	s->rotate = cfg->rotate;
	s->max_files = cfg->max_files > 0 ? cfg->max_files : 1;
	return &g_steal_pointer(&s)->base;
}

static gboolean k8s_flush_buffer(struct k8s_sink *s, GError **err)
{
	if (s->used == 0)
		return TRUE;
	size_t off = 0;
	while (off < s->used) {
		ssize_t n = write(s->fd, s->buf + off, s->used - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			/* Keep what was not written at the front of the buffer: once the disk has
			 * room again it completes the record that was cut (conmon glued the
			 * rest of the file to the cut record). */
			memmove(s->buf, s->buf + off, s->used - off);
			s->used -= off;
			s->failing = true;
			g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, e,
				    "Failed to write log file %s: %s", s->path, g_strerror(e));
			return FALSE;
		}
		off += (size_t)n;
	}
	s->used = 0;
	if (s->failing) {
		s->failing = false;
		if (s->dropped > 0)
			log_warning("k8s-file: %" G_GINT64_FORMAT
				    " bytes of output were dropped while "
				    "%s could not be written",
				    s->dropped, s->path);
		s->dropped = 0;
	}
	return TRUE;
}

/* --log-rotate: <path>.N-1 -> <path>.N ... <path> -> <path>.1, then a new <path>.
 * Nothing written before is lost, unlike truncation (containers/conmon#211). */
static gboolean k8s_rotate(struct k8s_sink *s, GError **err)
{
	for (int i = s->max_files - 1; i >= 1; i--) {
		g_autofree char *from = g_strdup_printf("%s.%d", s->path, i);
		g_autofree char *to = g_strdup_printf("%s.%d", s->path, i + 1);
		if (rename(from, to) < 0 && errno != ENOENT) {
			int e = errno;
			g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, e,
				    "Failed to rename %s to %s: %s", from, to, g_strerror(e));
			return FALSE;
		}
	}
	g_autofree char *first = g_strdup_printf("%s.1", s->path);
	if (rename(s->path, first) < 0 && errno != ENOENT) {
		int e = errno;
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, e, "Failed to rename %s to %s: %s",
			    s->path, first, g_strerror(e));
		return FALSE;
	}
	gint64 size;
	int fd = open_log(s->path, &size, err);
	if (fd < 0)
		return FALSE;
	close(s->fd);
	s->fd = fd;
	s->size = size;
	return TRUE;
}

/* conmon's --log-size-max without --log-rotate: start the file over. */
static gboolean k8s_truncate(struct k8s_sink *s, GError **err)
{
	g_autofree char *tmp = g_strdup_printf("%s.tmp", s->path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0) {
		int e = errno;
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, e, "Failed to open log file %s: %s", tmp,
			    g_strerror(e));
		return FALSE;
	}
	if (rename(tmp, s->path) < 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, e, "Failed to rename %s to %s: %s", tmp,
			    s->path, g_strerror(e));
		return FALSE;
	}
	close(s->fd);
	s->fd = fd;
	s->size = 0;
	return TRUE;
}

static gboolean k8s_write(struct log_sink *sink, const struct timespec *ts,
			  const struct log_record *recs, size_t n, GError **err)
{
	struct k8s_sink *s = (struct k8s_sink *)sink;
	char stamp[K8S_TIMESTAMP_MAX];
	size_t stamp_len = k8s_format_timestamp(ts, stamp);

	/* After a failed write (a full disk): what is left of it goes first; while that
	 * cannot be written either, new records are dropped and counted, so memory stays
	 * bounded and the container is never blocked by the disk. */
	if (s->failing && !k8s_flush_buffer(s, err)) {
		for (size_t i = 0; i < n; i++)
			s->dropped += (gint64)recs[i].len;
		return FALSE;
	}
	for (size_t i = 0; i < n; i++) {
		const struct log_record *r = &recs[i];
		if (s->global_size_max >= 0 && s->total >= s->global_size_max)
			break;
		char prefix[K8S_PREFIX_MAX];
		size_t plen = k8s_format_prefix(stamp, stamp_len, r->stream, r->partial, prefix);
		size_t need = plen + r->len + (r->partial ? 1 : 0);

		bool ok = true;
		if (s->size_max >= 0 && s->size + (gint64)need > s->size_max && s->size > 0)
			ok = k8s_flush_buffer(s, err) &&
			     (s->rotate ? k8s_rotate(s, err) : k8s_truncate(s, err));
		if (ok && s->used + need > sizeof(s->buf))
			ok = k8s_flush_buffer(s, err);
		if (!ok) {
			for (size_t j = i; j < n; j++)
				s->dropped += (gint64)recs[j].len;
			return FALSE;
		}
		memcpy(s->buf + s->used, prefix, plen);
		memcpy(s->buf + s->used + plen, r->data, r->len);
		if (r->partial)
			s->buf[s->used + need - 1] = '\n';
		s->used += need;
		s->size += (gint64)need;
		s->total += (gint64)need;
	}
	return k8s_flush_buffer(s, err);
}

static gboolean k8s_reopen(struct log_sink *sink, GError **err)
{
	struct k8s_sink *s = (struct k8s_sink *)sink;
	if (!k8s_flush_buffer(s, err))
		return FALSE;
	gint64 size;
	int fd = open_log(s->path, &size, err);
	if (fd < 0)
		return FALSE;
	close(s->fd);
	s->fd = fd;
	s->size = size;
	return TRUE;
}

static gboolean k8s_flush(struct log_sink *sink, bool final, bool sync, GError **err)
{
	struct k8s_sink *s = (struct k8s_sink *)sink;
	if (!k8s_flush_buffer(s, err))
		return FALSE;
	if (sync && fsync(s->fd) < 0 && errno != EINVAL) {
		int e = errno;
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, e, "Failed to sync log file %s: %s",
			    s->path, g_strerror(e));
		return FALSE;
	}
	return TRUE;
}

static void k8s_close(struct log_sink *sink)
{
	struct k8s_sink *s = (struct k8s_sink *)sink;
	if (s->fd >= 0)
		close(s->fd);
	g_free(s->path);
	g_free(s);
}

const struct log_driver log_driver_k8s_file = {
    .name = "k8s-file",
    .needs_path = true,
    .open = k8s_open,
    .write = k8s_write,
    .reopen = k8s_reopen,
    .flush = k8s_flush,
    .close = k8s_close,
};
