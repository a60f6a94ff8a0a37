#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

/* The one piece of process-wide state: diagnostics can be emitted from anywhere,
 * including before the monitor object exists. */
static struct {
	enum ocimon_log_level level;
	gboolean syslog;
	char cid[21];
} log_state = {OCIMON_LOG_WARNING, FALSE, ""};

gboolean ocimon_log_level_parse(const char *name, enum ocimon_log_level *out)
{
	static const struct {
		const char *name;
		enum ocimon_log_level level;
	} names[] = {
	    {"panic", OCIMON_LOG_ERROR},     {"fatal", OCIMON_LOG_ERROR},
	    {"error", OCIMON_LOG_ERROR},     {"warn", OCIMON_LOG_WARNING},
	    {"warning", OCIMON_LOG_WARNING}, {"info", OCIMON_LOG_INFO},
	    {"debug", OCIMON_LOG_DEBUG},     {"trace", OCIMON_LOG_TRACE},
	};
	if (name == NULL)
		return FALSE;
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (g_ascii_strcasecmp(name, names[i].name) == 0) {
			*out = names[i].level;
			return TRUE;
		}
	}
	return FALSE;
}

void ocimon_log_setup(enum ocimon_log_level level, gboolean use_syslog, const char *cid)
{
	log_state.level = level;
	log_state.syslog = use_syslog;
	g_strlcpy(log_state.cid, cid ? cid : "", sizeof(log_state.cid));
	if (use_syslog)
		openlog("ocimon", LOG_PID, LOG_DAEMON);
}

void ocimon_log(enum ocimon_log_level level, const char *fmt, ...)
{
	/* conmon's letters (trace is "d" too), and its words and priorities in syslog. */
	static const char tags[] = {'e', 'w', 'i', 'd', 'd'};
	static const char *const words[] = {"error", "nwarn", "ninfo", "ndebug", "ntrace"};
	static const int prio[] = {LOG_ERR, LOG_INFO, LOG_INFO, LOG_INFO, LOG_INFO};

	if (level > log_state.level)
		return;
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);

	/* Same prefix as conmon, so existing log scrapers keep working. */
	fprintf(stderr, "[conmon:%c]: %s\n", tags[level], msg);
	if (log_state.syslog)
		syslog(prio[level], "conmon %s <%s>: %s", log_state.cid, words[level], msg);
}
