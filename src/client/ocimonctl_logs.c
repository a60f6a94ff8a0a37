#include "ocimonctl_logs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdutil.h"
#include "k8s_read.h"

/* As many backups as rotate_files may keep (settings.c). */
#define MAX_BACKUPS    1000
#define FOLLOW_POLL_US (200 * 1000)

GPtrArray *logs_files(const char *path)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	int n = 0;
	while (n < MAX_BACKUPS) {
		g_autofree char *b = g_strdup_printf("%s.%d", path, n + 1);
		if (!g_file_test(b, G_FILE_TEST_EXISTS))
			break;
		n++;
	}
	for (int i = n; i >= 1; i--)
		g_ptr_array_add(files, g_strdup_printf("%s.%d", path, i));
	if (g_file_test(path, G_FILE_TEST_EXISTS))
		g_ptr_array_add(files, g_strdup(path));
	return files;
}

struct printer {
	const struct logs_opts *o;
	struct k8s_joiner joiner;
	GQueue tail; /* with --tail before following: the last lines, not yet printed */
	bool holding;
	FILE *last; /* flushed when the other stream comes, so the two stay in order */
	guint64 bad;
};

static void print_line(struct printer *p, const struct k8s_line *l)
{
	FILE *f = l->stream == K8S_STDERR ? stderr : stdout;
	if (p->last != NULL && p->last != f)
		fflush(p->last);
	p->last = f;
	if (p->o->timestamps)
		fprintf(f, "%s ", l->time);
	fwrite(l->text->str, 1, l->text->len, f);
	if (l->complete)
		fputc('\n', f);
}

static void take_line(struct printer *p, struct k8s_line *l)
{
	if (l == NULL)
		return;
	if (p->o->since_us > 0 && l->time_us > 0 && l->time_us < p->o->since_us) {
		k8s_line_free(l);
		return;
	}
	if (p->holding) {
		g_queue_push_tail(&p->tail, l);
		while (p->o->tail >= 0 && p->tail.length > (guint)p->o->tail)
			k8s_line_free(g_queue_pop_head(&p->tail));
		return;
	}
	print_line(p, l);
	k8s_line_free(l);
}

/* The lines kept for --tail, then everything as it comes. */
static void release_tail(struct printer *p)
{
	struct k8s_line *l;
	while ((l = g_queue_pop_head(&p->tail)) != NULL) {
		print_line(p, l);
		k8s_line_free(l);
	}
	p->holding = false;
}

static void take_record(struct printer *p, const char *line, size_t len)
{
	struct k8s_record r;
	if (len == 0 || (len == 1 && line[0] == '\n'))
		return;
	if (!k8s_record_parse(line, len, &r)) {
		p->bad++;
		return;
	}
	take_line(p, k8s_joiner_feed(&p->joiner, &r));
}

struct reader {
	int fd;
	char *path;
	GString *buf; /* the start of a line not yet complete */
	struct stat st;
};

static gboolean reader_open(struct reader *r, const char *path, GError **err)
{
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &r->st) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to open %s: %s", path, g_strerror(e));
		if (r->fd >= 0)
			close(r->fd);
		r->fd = -1;
		return FALSE;
	}
	g_free(r->path);
	r->path = g_strdup(path);
	if (r->buf == NULL)
		r->buf = g_string_new(NULL);
	g_string_truncate(r->buf, 0);
	return TRUE;
}

static void reader_close(struct reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* Everything the file holds now; complete lines go to the printer. final: the file is
 * done, an unterminated last line counts too. */
static void reader_drain(struct reader *r, struct printer *p, bool final)
{
	char chunk[65536];
	for (;;) {
		ssize_t n = read_retry(r->fd, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		g_string_append_len(r->buf, chunk, n);
		size_t start = 0;
		for (;;) {
			char *nl = memchr(r->buf->str + start, '\n', r->buf->len - start);
			if (nl == NULL)
				break;
			size_t end = (size_t)(nl - r->buf->str) + 1;
			take_record(p, r->buf->str + start, end - start);
			start = end;
		}
		g_string_erase(r->buf, 0, (gssize)start);
	}
	if (final && r->buf->len > 0) {
		take_record(p, r->buf->str, r->buf->len);
		g_string_truncate(r->buf, 0);
	}
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev;
}

/* After the file being followed was rotated away: the backups made since, oldest first.
 * One burst of output can rotate several times between two polls; the file just read is
 * now one of the backups (or gone, then every backup is newer). */
static void read_newer_backups(struct reader *r, struct printer *p, const char *path)
{
	struct stat done = r->st;
	g_autoptr(GPtrArray) files = logs_files(path);
	guint from = 0;
	for (guint i = 0; i + 1 < files->len; i++) {
		struct stat st;
		if (stat(files->pdata[i], &st) == 0 && same_file(&st, &done))
			from = i + 1;
	}
	for (guint i = from; i < files->len; i++) {
		if (strcmp(files->pdata[i], path) == 0)
			break;
		if (!reader_open(r, files->pdata[i], NULL))
			continue;
		reader_drain(r, p, true);
		reader_close(r);
	}
}

/* With -f: the current file until the writer is gone. A rotation (another file at path)
 * finishes the old one first; a truncation (conmon's size limit) starts over. */
static void follow(struct reader *r, struct printer *p, const char *path, bool (*alive)(gpointer),
		   gpointer data)
{
	for (;;) {
		bool still = alive(data);
		reader_drain(r, p, false);
		struct stat now, mine;
		if (stat(path, &now) == 0 && !same_file(&now, &r->st)) {
			reader_drain(r, p, true);
			reader_close(r);
			read_newer_backups(r, p, path);
			if (!reader_open(r, path, NULL))
				break;
			continue;
		}
		if (fstat(r->fd, &mine) == 0 && mine.st_size < lseek(r->fd, 0, SEEK_CUR)) {
			lseek(r->fd, 0, SEEK_SET);
			g_string_truncate(r->buf, 0);
		}
		if (!still)
			break;
		fflush(stdout);
		fflush(stderr);
		g_usleep(FOLLOW_POLL_US);
	}
	reader_drain(r, p, true);
}

gboolean logs_print(const char *path, const struct logs_opts *o, bool (*alive)(gpointer data),
		    gpointer data, GError **err)
{
	g_autoptr(GPtrArray) files = logs_files(path);
	if (files->len == 0) {
		g_set_error(err, OCIMON_ERROR, ENOENT, "Failed to open %s: %s", path,
			    g_strerror(ENOENT));
		return FALSE;
	}
	struct printer p = {.o = o, .holding = o->tail >= 0};
	k8s_joiner_init(&p.joiner);
	g_queue_init(&p.tail);
	struct reader r = {.fd = -1};
	guint opened = 0;
	g_autoptr(GError) open_err = NULL;
	for (guint i = 0; i < files->len; i++) {
		const char *f = files->pdata[i];
		bool current = i + 1 == files->len && strcmp(f, path) == 0;
		/* A backup rotated away while we read is no reason to stop: said, then on. */
		if (open_err != NULL)
			fprintf(stderr, "ocimonctl: %s\n", open_err->message);
		g_clear_error(&open_err);
		if (!reader_open(&r, f, &open_err))
			continue;
		opened++;
		if (current && o->follow && alive != NULL) {
			reader_drain(&r, &p, false);
			release_tail(&p);
			follow(&r, &p, path, alive, data);
		} else {
			reader_drain(&r, &p, true);
		}
		reader_close(&r);
	}
	for (int s = K8S_STDOUT; s <= K8S_STDERR; s++)
		take_line(&p, k8s_joiner_flush(&p.joiner, s));
	release_tail(&p);
	fflush(stdout);
	fflush(stderr);
	if (p.bad > 0)
		fprintf(stderr,
			"ocimonctl: skipped %" G_GUINT64_FORMAT " lines of %s that are not "
			"k8s-file records\n",
			p.bad, path);
	k8s_joiner_clear(&p.joiner);
	g_free(r.path);
	if (r.buf)
		g_string_free(r.buf, TRUE);
	if (open_err != NULL && opened == 0) {
		g_propagate_error(err, g_steal_pointer(&open_err));
		return FALSE;
	}
	if (open_err != NULL)
		fprintf(stderr, "ocimonctl: %s\n", open_err->message);
	return TRUE;
}
