#include <string.h>

#include "framing.h"
#include "log.h"
#include "writer.h"

#define BATCH 128

struct writer_entry {
	struct log_sink *sink;
	bool failing; /* an error was reported and nothing has succeeded since */
};

struct log_writer {
	GArray *entries; /* struct writer_entry */
	bool passthrough;
};

struct log_writer *log_writer_open(char **log_args, const struct log_config *cfg, GError **err)
{
	g_autoptr(log_writer) w = g_new0(struct log_writer, 1);
	w->entries = g_array_new(FALSE, TRUE, sizeof(struct writer_entry));
	for (size_t i = 0; log_args && log_args[i]; i++) {
		struct log_spec spec;
		if (!log_spec_parse(log_args[i], &spec, err))
			return NULL;
		struct log_sink *sink = spec.driver->open(cfg, spec.path, err);
		if (sink == NULL) {
			log_spec_clear(&spec);
			return NULL;
		}
		sink->driver = spec.driver;
		if (spec.driver->passthrough)
			w->passthrough = true;
		struct writer_entry e = {.sink = sink};
		g_array_append_val(w->entries, e);
		log_spec_clear(&spec);
	}
	if (w->passthrough && w->entries->len > 1) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
			    "passthrough cannot be combined with other log drivers");
		return NULL;
	}
	return g_steal_pointer(&w);
}

void log_writer_free(struct log_writer *w)
{
	if (w == NULL)
		return;
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
	struct framing_iter it;
	struct log_record recs[BATCH];
	size_t n;

	framing_init(&it, stream, buf, len);
	do {
		for (n = 0; n < BATCH && framing_next(&it, &recs[n]); n++)
			;
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
	for (guint i = 0; i < w->entries->len; i++) {
		struct writer_entry *e = &g_array_index(w->entries, struct writer_entry, i);
		if (e->sink->driver->flush == NULL)
			continue;
		g_autoptr(GError) error = NULL;
		gboolean ok = e->sink->driver->flush(e->sink, final, sync, &error);
		report(e, ok, error);
	}
}
