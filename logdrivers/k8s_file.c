/* k8s-file: the CRI log format podman and kubelet read back (SPEC §1.12). */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "k8s_file.h"
#include "linecut.h"
#include "log.h"

/* Records are copied into one buffer and written with one write(2) per read from the
 * container: fewer syscalls than writev over many small iovecs, and no allocation. */
#define K8S_BUF_SIZE (64 * 1024)
/* Every record's prefix is copied as one fixed-size block (a few vector moves instead of
 * a memcpy call); the record's data then overwrites what was copied past the prefix. */
#define K8S_PREFIX_COPY 64
G_STATIC_ASSERT(K8S_PREFIX_MAX <= K8S_PREFIX_COPY);

/* The timestamp of one second, split around its nanoseconds: localtime_r and snprintf
 * run once a second, not once a read (they were a tenth of the monitor's instructions). */
struct stamp_cache {
	time_t sec;
	bool valid;
	size_t date_len; /* "2026-11-22T18:00:00." */
	size_t zone_len; /* "+01:00" */
	char date[K8S_TIMESTAMP_MAX];
	char zone[K8S_TIMESTAMP_MAX];
};

struct k8s_sink {
	struct log_sink base;
	char *path;
	int fd;
	gint64 size;     /* bytes in the current file */
	gint64 total;    /* bytes written over the monitor's life */
	gint64 size_max; /* -1: none */
	gint64 global_size_max;
	bool rotate;             /* keep backups instead of truncating */
	int max_files;           /* backups kept: <path>.1 .. <path>.N */
	char **allowlist_dirs;   /* --log-allowlist-dir (repeatable): checked at every open */
	bool failing;            /* the last write failed; what it did not write is still in buf */
	int fail_errno;          /* why */
	struct line_guard guard; /* records lost while failing: no line glued to the next */
	struct stamp_cache stamp;
	size_t used;
	char buf[K8S_BUF_SIZE + K8S_PREFIX_COPY]; /* the slack takes the fixed-size copy */
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

/* The same text as k8s_format_timestamp, from the cache when the second is the same. */
static size_t cached_timestamp(struct stamp_cache *c, const struct timespec *ts, char *buf)
{
	if (!c->valid || c->sec != ts->tv_sec) {
		char full[K8S_TIMESTAMP_MAX];
		struct timespec whole = {.tv_sec = ts->tv_sec, .tv_nsec = 0};
		size_t n = k8s_format_timestamp(&whole, full);
		const char *dot = memchr(full, '.', n);
		if (dot == NULL || (size_t)(dot - full) + 10 > n)
			return k8s_format_timestamp(ts, buf);
		c->date_len = (size_t)(dot - full) + 1;
		c->zone_len = n - c->date_len - 9;
		memcpy(c->date, full, c->date_len);
		memcpy(c->zone, full + c->date_len + 9, c->zone_len);
		c->sec = ts->tv_sec;
		c->valid = true;
	}
	char *p = buf;
	memcpy(p, c->date, c->date_len);
	p += c->date_len;
	unsigned long ns = (unsigned long)ts->tv_nsec;
	for (int i = 8; i >= 0; i--) {
		p[i] = (char)('0' + ns % 10);
		ns /= 10;
	}
	p += 9;
	memcpy(p, c->zone, c->zone_len);
	return (size_t)(p + c->zone_len - buf);
}

static int open_log(const char *path, int extra_flags, gint64 *size, GError **err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | extra_flags, 0640);
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

/* --log-allowlist-dir: the log must resolve to a path inside one of the directories, so
 * a symlink planted in its place cannot send the log elsewhere. */
static gboolean check_allowlist(const char *path, char **dirs, GError **err)
{
	g_autofree char *parent = g_path_get_dirname(path);
	g_autofree char *real_parent = realpath(parent, NULL);
	if (real_parent == NULL) {
		int e = errno;
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, e, "Cannot resolve log path %s: %s", path,
			    g_strerror(e));
		return FALSE;
	}
	struct stat st;
	bool link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	for (size_t i = 0; dirs[i] && !link; i++) {
		/* conmon skips an allowed directory that does not resolve. */
		g_autofree char *real_dir = realpath(dirs[i], NULL);
		if (real_dir == NULL)
			continue;
		size_t n = strlen(real_dir);
		if (strncmp(real_parent, real_dir, n) == 0 &&
		    (real_parent[n] == '\0' || real_parent[n] == '/' || strcmp(real_dir, "/") == 0))
			return TRUE;
	}
	g_autofree char *list = g_strjoinv(", ", dirs);
	g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, EPERM,
		    "Log path %s is not inside the allowed director%s %s", path,
		    dirs[0] && dirs[1] ? "ies" : "y", list);
	return FALSE;
}

/* Every open, not only the first: a reopen (ctl "2 0 0" after kubelet renamed the log) or a
 * rotation opens the path again, and a symlink may have been planted there meanwhile.
 * O_NOFOLLOW closes the gap between the check and the open for the file itself. */
static int open_log_checked(const char *path, char **allowlist_dirs, gint64 *size, GError **err)
{
	if (allowlist_dirs == NULL || allowlist_dirs[0] == NULL)
		return open_log(path, 0, size, err);
	if (!check_allowlist(path, allowlist_dirs, err))
		return -1;
	return open_log(path, O_NOFOLLOW, size, err);
}

static struct log_sink *k8s_open(const struct log_config *cfg, const char *path, GError **err)
{
	/* Only the header is zeroed: zeroing buf would make its 64 KiB resident in every
	 * monitor from the start, whether its container logs or not. */
	g_autofree struct k8s_sink *s = g_malloc(sizeof(*s));
	memset(s, 0, offsetof(struct k8s_sink, buf));
	s->fd = open_log_checked(path, cfg->allowlist_dirs, &s->size, err);
	if (s->fd < 0)
		return NULL;
	s->path = g_strdup(path);
	s->allowlist_dirs = g_strdupv(cfg->allowlist_dirs);
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
			s->fail_errno = e;
			g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, e,
				    "Failed to write log file %s: %s", s->path, g_strerror(e));
			return FALSE;
		}
		off += (size_t)n;
	}
	s->used = 0;
	s->failing = false;
	return TRUE;
}

/* Opens the path anew (after a rename by us or by kubelet) and switches to it. */
static gboolean open_again(struct k8s_sink *s, GError **err)
{
	gint64 size;
	int fd = open_log_checked(s->path, s->allowlist_dirs, &size, err);
	if (fd < 0)
		return FALSE;
	close(s->fd);
	s->fd = fd;
	s->size = size;
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
	return open_again(s, err);
}

/* conmon's --log-size-max without --log-rotate: start the file over. */
static gboolean k8s_truncate(struct k8s_sink *s, GError **err)
{
	g_autofree char *tmp = g_strdup_printf("%s.tmp", s->path);
	int fd = open(
	    tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (s->allowlist_dirs ? O_NOFOLLOW : 0),
	    0640);
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

/* The hot loop: copies records from *rp while they are of stream and fit before end, with
 * as little state as possible, so nothing has to be reloaded after each memcpy call.
 * Returns where the copy ended; *rp is the first record not copied. */
static char *copy_records(char *d, const char *end, const char *prefix, size_t plen,
			  enum ocimon_stream stream, const struct log_record **rp,
			  const struct log_record *rend)
{
	const struct log_record *r = *rp;
	for (; r < rend; r++) {
		size_t need = plen + r->len + (r->partial ? 1 : 0);
		if (r->stream != stream || need > (size_t)(end - d))
			break;
		memcpy(d, prefix, K8S_PREFIX_COPY);
		if (r->partial) {
			d[plen - 2] = 'P';
			d[need - 1] = '\n';
		}
		memcpy(d + plen, r->data, r->len);
		d += need;
	}
	*rp = r;
	return d;
}

static void lose(struct k8s_sink *s, const struct log_record *r, const struct log_record *rend)
{
	for (; r < rend; r++)
		line_guard_lost(&s->guard, r);
}

/* Room for a record of need bytes: a new file at --log-size-max, an empty buffer. */
static gboolean make_room(struct k8s_sink *s, size_t need, GError **err)
{
	if (s->size_max >= 0 && s->size + (gint64)need > s->size_max && s->size > 0 &&
	    !(k8s_flush_buffer(s, err) && (s->rotate ? k8s_rotate(s, err) : k8s_truncate(s, err))))
		return FALSE;
	if (s->used + need > K8S_BUF_SIZE)
		return k8s_flush_buffer(s, err);
	return TRUE;
}

/* Buffers *rp and as many records after it (before stop) as fit before the buffer (or the
 * file) is full; *rp moves past them. */
static gboolean put_records(struct k8s_sink *s, const char *prefix, size_t plen,
			    enum ocimon_stream stream, const struct log_record **rp,
			    const struct log_record *stop, GError **err)
{
	const struct log_record *first = *rp;
	size_t need = plen + first->len + (first->partial ? 1 : 0);
	if (!make_room(s, need, err))
		return FALSE;
	char *start = s->buf + s->used;
	const char *end = s->buf + K8S_BUF_SIZE;
	if (s->size_max >= 0) {
		gint64 room = MAX(s->size_max - s->size, (gint64)need);
		if (room < end - start)
			end = start + room;
	}
	char *d = copy_records(start, end, prefix, plen, stream, rp, stop);
	size_t wrote = (size_t)(d - start);
	s->used += wrote;
	s->size += (gint64)wrote;
	s->total += (gint64)wrote;
	if (*rp > first)
		line_guard_kept(&s->guard, *rp - 1);
	return TRUE;
}

/* Writes the empty F records that end cut lines, then, once records were lost and the log
 * works again, a stderr record that says how much was lost, where the gap is. A stderr
 * fragment that goes on is not ended for it (the marker would split its line) unless this
 * is the final flush: the marker waits. At the final flush every cut line is ended. */
static void put_pending(struct k8s_sink *s, const char *stamp, size_t stamp_len, bool final)
{
	if (s->failing || (!final && s->guard.lost_bytes == 0))
		return;
	bool marker = s->guard.lost_bytes > 0;
	if (marker && line_guard_is_open(&s->guard, OCIMON_STREAM_STDERR)) {
		if (!final)
			return;
		line_guard_close(&s->guard, OCIMON_STREAM_STDERR);
	}
	for (int i = 0; i < 2; i++) {
		enum ocimon_stream st = i ? OCIMON_STREAM_STDERR : OCIMON_STREAM_STDOUT;
		if (!line_guard_end_due(&s->guard, st))
			continue;
		char prefix[K8S_PREFIX_COPY + K8S_PREFIX_MAX] = "";
		size_t plen = k8s_format_prefix(stamp, stamp_len, st, false, prefix);
		struct log_record end = line_guard_end_record(st);
		const struct log_record *e = &end;
		if (!put_records(s, prefix, plen, st, &e, e + 1, NULL))
			return;
	}
	guint64 bytes, lines;
	if (!line_guard_take_lost(&s->guard, &bytes, &lines))
		return;
	log_warning("k8s-file: %" G_GUINT64_FORMAT " bytes (%" G_GUINT64_FORMAT
		    " lines) of output were dropped while %s could not be written",
		    bytes, lines, s->path);
	g_autofree char *why = g_strdup_printf("could not write the log: %s",
					       g_strerror(s->fail_errno ? s->fail_errno : EIO));
	g_autofree char *text = log_drop_marker_text(bytes, lines, why);
	char prefix[K8S_PREFIX_COPY + K8S_PREFIX_MAX] = "";
	size_t plen = k8s_format_prefix(stamp, stamp_len, OCIMON_STREAM_STDERR, false, prefix);
	struct log_record rec = {.stream = OCIMON_STREAM_STDERR, .data = text, .len = strlen(text)};
	const struct log_record *rp = &rec;
	put_records(s, prefix, plen, OCIMON_STREAM_STDERR, &rp, rp + 1, NULL);
}

static gboolean k8s_write(struct log_sink *sink, const struct timespec *ts,
			  const struct log_record *recs, size_t n, GError **err)
{
	struct k8s_sink *s = (struct k8s_sink *)sink;
	const struct log_record *r = recs, *rend = recs + n;

	/* After a failed write (a full disk): what is left of it goes first; while that
	 * cannot be written either, new records are dropped and counted, so memory stays
	 * bounded and the container is never blocked by the disk. */
	if (s->failing && !k8s_flush_buffer(s, err)) {
		lose(s, r, rend);
		return FALSE;
	}
	/* One prefix for the whole call (every record was read at ts): only the stream, and
	 * P or F, can change from one record to the next. */
	char prefix[K8S_PREFIX_COPY + K8S_PREFIX_MAX] = "";
	char stamp[K8S_TIMESTAMP_MAX];
	size_t stamp_len = cached_timestamp(&s->stamp, ts, stamp);
	enum ocimon_stream stream = n > 0 ? r->stream : OCIMON_STREAM_STDOUT;
	size_t plen = k8s_format_prefix(stamp, stamp_len, stream, false, prefix);

	while (r < rend) {
		if (s->global_size_max >= 0 && s->total >= s->global_size_max)
			break;
		/* The rest of a line whose start was lost goes too. */
		if (line_guard_skip(&s->guard, r)) {
			r++;
			continue;
		}
		if (r->stream != stream) {
			stream = r->stream;
			plen = k8s_format_prefix(stamp, stamp_len, stream, false, prefix);
		}
		/* A fragment whose rest was lost ends its line first (an empty F record). */
		if (line_guard_end_due(&s->guard, stream)) {
			struct log_record end = line_guard_end_record(stream);
			const struct log_record *e = &end;
			if (!put_records(s, prefix, plen, stream, &e, e + 1, err)) {
				lose(s, r, rend);
				return FALSE;
			}
		}
		/* With --log-global-size-max, one record at a time: the limit is checked
		 * before each. */
		const struct log_record *stop = s->global_size_max >= 0 ? r + 1 : rend;
		if (!put_records(s, prefix, plen, stream, &r, stop, err)) {
			lose(s, r, rend);
			return FALSE;
		}
	}
	put_pending(s, stamp, stamp_len, false);
	return k8s_flush_buffer(s, err);
}

/* ctl "2 H W". With --log-rotate conmon rotates (<path> becomes <path>.1) when the file
 * we write is still at <path>; when kubelet or CRI-O has already renamed it (their
 * rotation: rename, then reopen), or replaced it, there is nothing of ours to rotate and
 * the path is simply opened (created) again. */
static gboolean k8s_reopen(struct log_sink *sink, GError **err)
{
	struct k8s_sink *s = (struct k8s_sink *)sink;
	if (!k8s_flush_buffer(s, err))
		return FALSE;
	struct stat ours, there;
	if (s->rotate && fstat(s->fd, &ours) == 0 && lstat(s->path, &there) == 0 &&
	    ours.st_dev == there.st_dev && ours.st_ino == there.st_ino)
		return k8s_rotate(s, err);
	return open_again(s, err);
}

static gboolean k8s_flush(struct log_sink *sink, bool final, bool sync, GError **err)
{
	struct k8s_sink *s = (struct k8s_sink *)sink;
	if (!k8s_flush_buffer(s, err))
		return FALSE;
	if (final) {
		struct timespec now;
		char stamp[K8S_TIMESTAMP_MAX];
		clock_gettime(CLOCK_REALTIME, &now);
		put_pending(s, stamp, cached_timestamp(&s->stamp, &now, stamp), true);
		if (!k8s_flush_buffer(s, err))
			return FALSE;
	}
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
	g_strfreev(s->allowlist_dirs);
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
