/* Diagnostics of the monitor itself (not container logs). */
#pragma once

#include <glib.h>

enum ocimon_log_level {
	OCIMON_LOG_ERROR = 0,
	OCIMON_LOG_WARNING,
	OCIMON_LOG_INFO,
	OCIMON_LOG_DEBUG,
	OCIMON_LOG_TRACE,
};

/* Maps a logrus level name as podman passes it (--log-level) to ours.
 * Returns FALSE for an unknown name. Pure. */
gboolean ocimon_log_level_parse(const char *name, enum ocimon_log_level *out);

/* cid is shortened to 20 characters in syslog lines, as conmon does. */
void ocimon_log_setup(enum ocimon_log_level level, gboolean use_syslog, const char *cid);

void ocimon_log(enum ocimon_log_level level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#define log_error(...)   ocimon_log(OCIMON_LOG_ERROR, __VA_ARGS__)
#define log_warning(...) ocimon_log(OCIMON_LOG_WARNING, __VA_ARGS__)
#define log_info(...)    ocimon_log(OCIMON_LOG_INFO, __VA_ARGS__)
#define log_debug(...)   ocimon_log(OCIMON_LOG_DEBUG, __VA_ARGS__)
