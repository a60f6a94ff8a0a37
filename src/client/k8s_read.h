/* Reading k8s-file logs back (ocimonctl logs): one record per line,
 * "TIMESTAMP STREAM P|F CONTENT", where P marks a piece of a line that goes on in the
 * stream's next record. Pure: the files are read by ocimonctl_logs.c. */
#pragma once

#include <glib.h>
#include <stdbool.h>

enum k8s_stream { K8S_STDOUT, K8S_STDERR };

struct k8s_record {
	const char *time; /* RFC 3339 text as written, not NUL-terminated */
	size_t time_len;
	enum k8s_stream stream;
	bool partial;    /* P: the line goes on in this stream's next record */
	const char *msg; /* the content without the newline, not NUL-terminated */
	size_t msg_len;
};

/* One line of a log file (with or without its '\n'). FALSE: not a k8s-file record. */
bool k8s_record_parse(const char *line, size_t len, struct k8s_record *out);

/* RFC 3339 ("2026-12-03T07:00:00.123456789+01:00") to µs since the epoch. */
bool k8s_time_parse(const char *text, size_t len, gint64 *out_us);

/* A whole line of the container's output: P records joined to the F that ends them. */
struct k8s_line {
	enum k8s_stream stream;
	char *time;     /* the timestamp of its last record (as podman shows it) */
	gint64 time_us; /* 0 when the timestamp did not parse */
	GString *text;  /* without the newline */
	bool complete;  /* false: the log ended inside the line (no F came) */
};
void k8s_line_free(struct k8s_line *l);
typedef struct k8s_line k8s_line;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(k8s_line, k8s_line_free)

/* Joins records into lines, each stream on its own: stdout's pieces never absorb
 * stderr's. */
struct k8s_joiner {
	GString *pending[2];
	char *last_time[2]; /* the timestamp of each stream's last piece */
};
void k8s_joiner_init(struct k8s_joiner *j);
void k8s_joiner_clear(struct k8s_joiner *j);
/* The line this record completes, or NULL when it is a piece (P) kept for later. */
struct k8s_line *k8s_joiner_feed(struct k8s_joiner *j, const struct k8s_record *r);
/* At the end of the log: a stream's unfinished line (complete = false), or NULL. */
struct k8s_line *k8s_joiner_flush(struct k8s_joiner *j, enum k8s_stream stream);

/* --since as podman takes it: RFC 3339 (a date or a time without a zone is local), Unix
 * seconds ("1700000000.5"), or a Go duration before now ("10m", "1h30m", "500ms"). */
gboolean k8s_since_parse(const char *text, gint64 now_us, gint64 *out_us, GError **err);
