/* ocimon's own settings, reachable without new podman or CRI-O flags: a node-wide config
 * file (/etc/ocimon/ocimon.conf, GKeyFile) and per-container OCI annotations
 * (io.ocimon.*, in the bundle's config.json). Precedence: command line > annotation >
 * config file > built-in default. Everything here is pure but settings_load_file and
 * settings_load_bundle, and unit tested (tests/unit/test_settings.c). */
#pragma once

#include <glib.h>
#include <jansson.h>

#define OCIMON_DEFAULT_CONFIG "/etc/ocimon/ocimon.conf"
/* Names another config file (podman hands the monitor only conmon_env_vars). */
#define OCIMON_CONFIG_ENV        "OCIMON_CONFIG"
#define OCIMON_ANNOTATION_PREFIX "io.ocimon."

enum ocimon_setting {
	SETTING_LOG_MODE,
	SETTING_LOG_MAX_BUFFER,
	SETTING_ROTATE_FILES,
	SETTING_STATS_INTERVAL,
	SETTING_STATS_MAX_INTERVAL,
	SETTING_STATS_HISTORY,
	SETTING_ATTACH_STALL_TIMEOUT,
	SETTING_RUN_DIR,
	SETTING_N
};

/* Where a value came from, lowest precedence first. */
enum setting_origin {
	SETTING_FROM_DEFAULT,
	SETTING_FROM_FILE,
	SETTING_FROM_ANNOTATION,
	SETTING_FROM_FLAG,
};

struct ocimon_settings {
	gboolean log_nonblocking;
	guint64 log_max_buffer;   /* bytes queued in non-blocking mode */
	int rotate_files;         /* with a size limit: backups kept; 0 truncates as conmon */
	int stats_interval;       /* seconds; 0: no stats */
	int stats_max_interval;   /* the longest a quiet container's samples back off to */
	int stats_history;        /* samples kept */
	int attach_stall_timeout; /* seconds a client may take nothing; 0: never dropped */
	char *run_dir;            /* NULL: registry_default_run_dir() */

	enum setting_origin origin[SETTING_N];
	char *source[SETTING_N]; /* "/etc/ocimon/ocimon.conf:7", "io.ocimon.log-mode", … */
	GPtrArray *warnings;     /* what was ignored and why: logged once, kept for inspect */
};

void settings_init(struct ocimon_settings *s);
void settings_clear(struct ocimon_settings *s);

/* The config file's key ("rotate_files"), its group ("logging"), the annotation
 * ("io.ocimon.log-max-files", NULL for node-wide settings) and the flag. */
const char *setting_key(enum ocimon_setting id);
const char *setting_group(enum ocimon_setting id);
const char *setting_annotation(enum ocimon_setting id);
const char *setting_flag(enum ocimon_setting id);

/* Parses one value as every layer writes it; FALSE with err saying what is expected. */
gboolean setting_parse(struct ocimon_settings *s, enum ocimon_setting id, const char *text,
		       enum setting_origin origin, const char *source, GError **err);

/* The value as text, for the stats document and ocimonctl inspect. */
char *setting_value_text(const struct ocimon_settings *s, enum ocimon_setting id);
const char *setting_origin_name(enum setting_origin origin);

/* A config file's text. Malformed text (not a group, key = value or comment; invalid
 * UTF-8; a key before any group): FALSE, err names path:line, and nothing of the file is
 * applied. Unknown keys and bad values are warnings; the rest applies. */
gboolean settings_apply_file_text(struct ocimon_settings *s, const char *path, const char *text,
				  gsize len, GError **err);

/* The annotations object of a bundle's config.json (NULL: none). Bad values and unknown
 * io.ocimon.* names are warnings; never an error. */
void settings_apply_annotations(struct ocimon_settings *s, json_t *annotations);

/* Reads the config file: path, else $OCIMON_CONFIG, else OCIMON_DEFAULT_CONFIG. A missing
 * file is fine unless it was named explicitly (path or environment): then a warning. A
 * malformed or unreadable one is a warning that says the defaults are used. */
void settings_load_file(struct ocimon_settings *s, const char *path);

/* Reads the annotations of <bundle>/config.json (a missing or unreadable file: warning). */
void settings_load_bundle(struct ocimon_settings *s, const char *bundle);

/* {"log_mode": {"value": "non-blocking", "from": "annotation", "source": "…"}, …} */
json_t *settings_to_json(const struct ocimon_settings *s);
