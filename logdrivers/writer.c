#include <string.h>
#include <time.h>

#include "framing.h"
#include "linecut.h"
#include "log.h"
#include "writer.h"

/* Records handed to the drivers at once (24 KiB of stack). A 64 KiB read of 100-byte lines
 * is one batch, which k8s-file writes with two write(2)s instead of one per 128 lines. */
#define BATCH 1024

struct writer_entry {
	struct log_sink *sink;
	bool failing; /* an error was reported and nothing has succeeded since */
};

/* --log-mode non-blocking: the main loop only queues what it read; a thread feeds the
 * drivers, so a slow sink never stops the container. */
enum queue_op { OP_DATA, OP_REOPEN, OP_FLUSH };

struct queue_item {
	enum queue_op op;
	enum ocimon_stream stream;
	struct timespec ts;
	bool final, sync;
	size_t len;
	char data[]; /* OP_DATA */
};

struct nb_queue {
	GThread *thread;
	GMutex lock;
	GCond cond;
	GQueue items;
	size_t bytes, max_bytes;
	guint64 dropped_bytes, dropped_lines;
	/* Per stream (stdout, stderr), so a dropped read never glues two lines together. */
	bool open[2]; /* the last data queued ended inside a line */
	bool cut[2];  /* ... and the rest of that line was dropped: end it before what follows */
	bool skip[2]; /* the start of the current line was dropped: drop up to its end */
	guint64 done_seq, queued_seq; /* control ops completed / issued */
	bool stop;
};

struct log_writer {
	GArray *entries; /* struct writer_entry */
	bool passthrough;
	struct nb_queue *nb;
};

static void write_direct(struct log_writer *w, enum ocimon_stream stream, const char *buf,
			 size_t len, const struct timespec *ts);
static gboolean reopen_direct(struct log_writer *w, GError **err);
static void flush_direct(struct log_writer *w, bool final, bool sync);

/* True when an earlier -l value names the same driver and path: conmon's drivers are
 * flags (-l journald twice logs each line once), so a repeat adds nothing. */
static bool seen_before(char **log_args, size_t i, const struct log_spec *spec)
{
	for (size_t j = 0; j < i; j++) {
		struct log_spec prev;
		if (!log_spec_parse(log_args[j], &prev, NULL))
			continue;
		bool same = prev.driver == spec->driver && g_strcmp0(prev.path, spec->path) == 0;
		log_spec_clear(&prev);
		if (same)
			return true;
	}
	return false;
}

struct log_writer *log_writer_open(char **log_args, const struct log_config *cfg, GError **err)
{
	g_autoptr(log_writer) w = g_new0(struct log_writer, 1);
	w->entries = g_array_new(FALSE, TRUE, sizeof(struct writer_entry));
	guint real = 0; /* drivers other than none, which logs nothing and combines with all */
	for (size_t i = 0; log_args && log_args[i]; i++) {
		struct log_spec spec;
		if (!log_spec_parse(log_args[i], &spec, err))
			return NULL;
		if (seen_before(log_args, i, &spec)) {
			log_spec_clear(&spec);
			continue;
		}
		struct log_sink *sink = spec.driver->open(cfg, spec.path, err);
		if (sink == NULL) {
			log_spec_clear(&spec);
			return NULL;
		}
		sink->driver = spec.driver;
		if (spec.driver->passthrough)
			w->passthrough = true;
		if (spec.driver != &log_driver_none)
			real++;
		struct writer_entry e = {.sink = sink};
		g_array_append_val(w->entries, e);
		log_spec_clear(&spec);
	}
	if (w->passthrough && real > 1) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
			    "passthrough cannot be combined with other log drivers");
		return NULL;
	}
	return g_steal_pointer(&w);
}

static gpointer queue_thread(gpointer data)
{
	struct log_writer *w = data;
	struct nb_queue *q = w->nb;
	g_mutex_lock(&q->lock);
	for (;;) {
		while (g_queue_is_empty(&q->items) && !q->stop)
			g_cond_wait(&q->cond, &q->lock);
		struct queue_item *it = g_queue_pop_head(&q->items);
		if (it == NULL)
			break; /* stop, and nothing left */
		g_mutex_unlock(&q->lock);
		if (it->op == OP_DATA) {
			write_direct(w, it->stream, it->data, it->len, &it->ts);
		} else if (it->op == OP_REOPEN) {
			g_autoptr(GError) err = NULL;
			if (!reopen_direct(w, &err))
				log_error("Failed to reopen logs: %s", err->message);
		} else {
			flush_direct(w, it->final, it->sync);
		}
		g_mutex_lock(&q->lock);
		if (it->op == OP_DATA)
			q->bytes -= it->len;
		else
			q->done_seq++;
		g_cond_broadcast(&q->cond);
		g_free(it);
	}
	g_mutex_unlock(&q->lock);
	return NULL;
}

static struct queue_item *item_new(enum queue_op op, size_t len)
{
	struct queue_item *it = g_malloc0(sizeof(*it) + len);
	it->op = op;
	it->len = len;
	return it;
}

/* Queues a control op and waits until the thread has done it. */
static void queue_control(struct nb_queue *q, struct queue_item *it)
{
	g_mutex_lock(&q->lock);
	g_queue_push_tail(&q->items, it);
	guint64 seq = ++q->queued_seq;
	g_cond_broadcast(&q->cond);
	while (q->done_seq < seq)
		g_cond_wait(&q->cond, &q->lock);
	g_mutex_unlock(&q->lock);
}

static guint64 count_lines(const char *buf, size_t len)
{
	guint64 n = 0;
	for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + len - p))) != NULL; p++)
		n++;
	return n;
}

static int stream_index(enum ocimon_stream stream)
{
	return stream == OCIMON_STREAM_STDERR ? 1 : 0;
}

/* Called with the lock held. */
static void push_data(struct nb_queue *q, enum ocimon_stream stream, const char *buf, size_t len,
		      const struct timespec *ts)
{
	struct queue_item *it = item_new(OP_DATA, len);
	it->stream = stream;
	it->ts = *ts;
	memcpy(it->data, buf, len);
	q->bytes += len;
	g_queue_push_tail(&q->items, it);
	q->open[stream_index(stream)] = buf[len - 1] != '\n';
}

static void drop_data(struct nb_queue *q, enum ocimon_stream stream, const char *buf, size_t len)
{
	int i = stream_index(stream);
	q->dropped_bytes += len;
	q->dropped_lines += count_lines(buf, len);
	if (q->open[i]) {
		q->cut[i] = true;
		q->open[i] = false;
	}
	q->skip[i] = buf[len - 1] != '\n';
}

/* A line whose rest was dropped ends here (an empty full record), before anything else of
 * its stream. */
static void push_line_end(struct nb_queue *q, int i, const struct timespec *ts)
{
	if (!q->cut[i])
		return;
	push_data(q, i ? OCIMON_STREAM_STDERR : OCIMON_STREAM_STDOUT, "\n", 1, ts);
	q->cut[i] = false;
}

/* Where the gap is, the log says how big it was. Called with the lock held, before the
 * next data that fits, or at the final flush (a container that ends while its log is
 * stuck still gets the marker: it may go beyond max_bytes by its own size). While a
 * stderr line is open the marker waits (it would join that line), except at the end. */
static void push_drop_marker(struct nb_queue *q, const struct timespec *ts, bool final)
{
	if (final)
		for (int i = 0; i < 2; i++)
			push_line_end(q, i, ts);
	if (q->dropped_bytes == 0)
		return;
	if (q->open[1]) {
		if (!final)
			return;
		q->cut[1] = true;
		push_line_end(q, 1, ts);
	}
	g_autofree char *text =
	    log_drop_marker_text(q->dropped_bytes, q->dropped_lines, "log buffer full");
	push_data(q, OCIMON_STREAM_STDERR, text, strlen(text), ts);
	q->dropped_bytes = q->dropped_lines = 0;
}

static void queue_data(struct nb_queue *q, enum ocimon_stream stream, const char *buf, size_t len,
		       const struct timespec *ts)
{
	int i = stream_index(stream);
	g_mutex_lock(&q->lock);
	if (q->skip[i]) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl != NULL ? (size_t)(nl - buf) + 1 : len;
		drop_data(q, stream, buf, n);
		buf += n;
		len -= n;
	}
	if (len == 0) {
		g_mutex_unlock(&q->lock);
		return;
	}
	if (q->bytes + len > q->max_bytes) {
		if (q->dropped_bytes == 0)
			log_warning("log buffer full (%zu bytes): dropping output until the log "
				    "catches up",
				    q->max_bytes);
		drop_data(q, stream, buf, len);
		g_mutex_unlock(&q->lock);
		return;
	}
	push_line_end(q, i, ts);
	push_drop_marker(q, ts, false);
	push_data(q, stream, buf, len, ts);
	g_cond_broadcast(&q->cond);
	g_mutex_unlock(&q->lock);
}

gboolean log_writer_set_nonblocking(struct log_writer *w, size_t max_bytes, GError **err)
{
	if (max_bytes == 0) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, EINVAL,
			    "--log-max-buffer must be greater than 0 in non-blocking mode");
		return FALSE;
	}
	struct nb_queue *q = g_new0(struct nb_queue, 1);
	g_mutex_init(&q->lock);
	g_cond_init(&q->cond);
	g_queue_init(&q->items);
	q->max_bytes = max_bytes;
	w->nb = q;
	q->thread = g_thread_try_new("ocimon-log", queue_thread, w, err);
	if (q->thread == NULL) {
		w->nb = NULL;
		g_free(q);
		return FALSE;
	}
	return TRUE;
}

void log_writer_stop_queue(struct log_writer *w)
{
	struct nb_queue *q = w->nb;
	if (q == NULL)
		return;
	g_mutex_lock(&q->lock);
	q->stop = true;
	g_cond_broadcast(&q->cond);
	g_mutex_unlock(&q->lock);
	g_thread_join(q->thread);
	g_mutex_clear(&q->lock);
	g_cond_clear(&q->cond);
	g_free(q);
	w->nb = NULL;
}

void log_writer_free(struct log_writer *w)
{
	if (w == NULL)
		return;
	log_writer_stop_queue(w);
	for (guint i = 0; w->entries && i < w->entries->len; i++) {
		struct writer_entry *e = &g_array_index(w->entries, struct writer_entry, i);
		e->sink->driver->close(e->sink);
	}
	if (w->entries)
		g_array_free(w->entries, TRUE);
	g_free(w);
}

bool log_writer_is_passthrough(const struct log_writer *w)
{
	return w->passthrough;
}

static void report(struct writer_entry *e, gboolean ok, GError *error)
{
	if (!ok && !e->failing) {
		log_error("%s log driver: %s", e->sink->driver->name,
			  error ? error->message : "unknown error");
		e->failing = true;
	} else if (ok && e->failing) {
		log_warning("%s log driver works again", e->sink->driver->name);
		e->failing = false;
	}
}

void log_writer_write(struct log_writer *w, enum ocimon_stream stream, const char *buf, size_t len,
		      const struct timespec *ts)
{
	if (w->nb)
		queue_data(w->nb, stream, buf, len, ts);
	else
		write_direct(w, stream, buf, len, ts);
}

static void write_direct(struct log_writer *w, enum ocimon_stream stream, const char *buf,
			 size_t len, const struct timespec *ts)
{
	struct framing_iter it;
	struct log_record recs[BATCH];
	size_t n;

	framing_init(&it, stream, buf, len);
	do {
		n = framing_fill(&it, recs, BATCH);
		if (n == 0)
			break;
		for (guint i = 0; i < w->entries->len; i++) {
			struct writer_entry *e = &g_array_index(w->entries, struct writer_entry, i);
			g_autoptr(GError) error = NULL;
			gboolean ok = e->sink->driver->write(e->sink, ts, recs, n, &error);
			report(e, ok, error);
		}
	} while (n == BATCH);
}

gboolean log_writer_reopen(struct log_writer *w, GError **err)
{
	if (w->nb) {
		queue_control(w->nb, item_new(OP_REOPEN, 0));
		return TRUE; /* the thread reports failures itself */
	}
	return reopen_direct(w, err);
}

static gboolean reopen_direct(struct log_writer *w, GError **err)
{
	gboolean all_ok = TRUE;
	for (guint i = 0; i < w->entries->len; i++) {
		struct writer_entry *e = &g_array_index(w->entries, struct writer_entry, i);
		if (e->sink->driver->reopen == NULL)
			continue;
		g_autoptr(GError) error = NULL;
		if (!e->sink->driver->reopen(e->sink, &error)) {
			if (all_ok && err)
				*err = g_steal_pointer(&error);
			all_ok = FALSE;
		}
	}
	return all_ok;
}

void log_writer_flush(struct log_writer *w, bool final, bool sync)
{
	if (w->nb) {
		if (final) {
			struct timespec now;
			clock_gettime(CLOCK_REALTIME, &now);
			g_mutex_lock(&w->nb->lock);
			push_drop_marker(w->nb, &now, true);
			g_mutex_unlock(&w->nb->lock);
		}
		struct queue_item *it = item_new(OP_FLUSH, 0);
		it->final = final;
		it->sync = sync;
		queue_control(w->nb, it);
		return;
	}
	flush_direct(w, final, sync);
}

static void flush_direct(struct log_writer *w, bool final, bool sync)
{
	for (guint i = 0; i < w->entries->len; i++) {
		struct writer_entry *e = &g_array_index(w->entries, struct writer_entry, i);
		if (e->sink->driver->flush == NULL)
			continue;
		g_autoptr(GError) error = NULL;
		gboolean ok = e->sink->driver->flush(e->sink, final, sync, &error);
		report(e, ok, error);
	}
}
