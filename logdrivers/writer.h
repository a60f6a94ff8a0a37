/* Fans container output out to every configured log driver. */
#pragma once

#include "logdriver.h"

typedef struct log_writer log_writer;

/* Parses the -l values and opens every driver. */
struct log_writer *log_writer_open(char **log_args, const struct log_config *cfg, GError **err);
void log_writer_free(struct log_writer *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(log_writer, log_writer_free)

/* True when a passthrough driver is configured (no pipes, no attach socket). */
bool log_writer_is_passthrough(const struct log_writer *w);

/* Frames buf (read from stream at ts) and hands the records to every driver. A failing
 * driver is reported once (until it works again) and does not stop the others. */
void log_writer_write(struct log_writer *w, enum ocimon_stream stream, const char *buf, size_t len,
		      const struct timespec *ts);
/* --log-mode non-blocking: from now on writes are queued (at most max_bytes) and a
 * thread feeds the drivers; what does not fit is dropped, counted, and a marker record
 * in the log says how much. Flush and reopen wait for the queue. */
gboolean log_writer_set_nonblocking(struct log_writer *w, size_t max_bytes, GError **err);
/* Writes what is queued and stops the thread (before forking the exit command). */
void log_writer_stop_queue(struct log_writer *w);
/* Parses "1048576", "512k", "4M", "1g". Pure. */
gboolean log_size_parse(const char *text, guint64 *out);
gboolean log_writer_reopen(struct log_writer *w, GError **err);
void log_writer_flush(struct log_writer *w, bool final, bool sync);
