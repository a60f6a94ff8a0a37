/* The log driver interface. A driver is one file in logdrivers/ plus one entry in the
 * table in drivers.c; nothing else knows which drivers exist. */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Stream ids as on the attach socket (SPEC §1.7). */
enum ocimon_stream {
	OCIMON_STREAM_STDIN = 1,
	OCIMON_STREAM_STDOUT = 2,
	OCIMON_STREAM_STDERR = 3,
};

/* One framed piece of output: a complete line (its '\n' included in data) or a
 * partial one (no '\n'). data points into the read buffer. */
struct log_record {
	enum ocimon_stream stream;
	bool partial;
	const char *data;
	size_t len;
};

/* What every driver may need to know about the container. */
struct log_config {
	const char *cid;
	const char *name;
	const char *tag;
	char **labels;          /* KEY=VALUE, validated */
	gint64 size_max;        /* per file; -1: none */
	gint64 global_size_max; /* all bytes written; -1: none */
	bool rotate;
	int max_files;
	bool no_partial_message;
	bool no_sync;
	char **allowlist_dirs; /* NULL or empty: no restriction */
};

struct log_sink;

struct log_driver {
	const char *name;
	/* "none"-like drivers take no path; k8s-file requires one. */
	bool needs_path;
	/* The container inherits podman's stdio: no pipes, no attach socket. */
	bool passthrough;
	struct log_sink *(*open)(const struct log_config *cfg, const char *path, GError **err);
	/* Writes n records that were read at time ts. */
	gboolean (*write)(struct log_sink *sink, const struct timespec *ts,
			  const struct log_record *recs, size_t n, GError **err);
	/* Reopens the destination (ctl message 2, kubelet's rotation). May be NULL. */
	gboolean (*reopen)(struct log_sink *sink, GError **err);
	/* Flushes buffered data; final at exit (emit held-back fragments), with sync to
	 * stable storage. May be NULL. */
	gboolean (*flush)(struct log_sink *sink, bool final, bool sync, GError **err);
	void (*close)(struct log_sink *sink);
};

/* Every driver's sink starts with this header; the writer fills in driver. */
struct log_sink {
	const struct log_driver *driver;
};

/* A parsed -l argument. */
struct log_spec {
	const struct log_driver *driver;
	char *path; /* NULL when the driver takes none */
};

#define OCIMON_LOG_ERROR_DOMAIN (ocimon_log_error_quark())
GQuark ocimon_log_error_quark(void);

/* drivers.c */
const struct log_driver *log_driver_lookup(const char *name, size_t len);

/* logspec.c: pure parsers. */
/* Parses one -l value: "DRIVER:PATH" split on the first ':', a bare PATH (k8s-file),
 * ":PATH", "none|off|null", "passthrough", "journald[:ignored]". */
gboolean log_spec_parse(const char *arg, struct log_spec *out, GError **err);
void log_spec_clear(struct log_spec *spec);
/* A journald label: KEY=VALUE, KEY of [A-Z0-9_]+, exactly one '='. */
gboolean log_label_validate(const char *label, GError **err);

/* The checks conmon makes across all -l values before it starts (C src/ctr_logging.c
 * configure_log_drivers): each value parses; --log-tag and --log-label are refused with
 * k8s-file unless journald is there too; journald needs an id longer than 12 characters
 * and valid labels. Pure. */
struct log_check {
	const char *cid;
	const char *tag;
	char **labels;
};
struct log_check_result {
	bool k8s_file;
	bool journald;
};
gboolean log_specs_check(char **args, const struct log_check *c, struct log_check_result *res,
			 GError **err);

/* none.c: building blocks for drivers that log nothing. */
struct log_sink *log_noop_open(const struct log_config *cfg, const char *path, GError **err);
gboolean log_noop_write(struct log_sink *sink, const struct timespec *ts,
			const struct log_record *recs, size_t n, GError **err);
void log_noop_close(struct log_sink *sink);

extern const struct log_driver log_driver_k8s_file;
extern const struct log_driver log_driver_journald;
extern const struct log_driver log_driver_none;
extern const struct log_driver log_driver_passthrough;
