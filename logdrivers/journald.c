/* journald: one entry per line through sd_journal_sendv (SPEC §1.13). Partial lines are
 * buffered per stream so a line up to 8 KiB is one entry.
 *
 * libsystemd is loaded with dlopen only when a container logs to journald: linked in, it
 * and the six libraries it pulls in cost every monitor ~200 KB of RSS and ~1 M instructions
 * of start-up, journald or not. It stays loaded for the monitor's life. */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include "framing.h"
#include "logdriver.h"

#define JOURNALD_SOCKET   "/run/systemd/journal/socket"
#define LIBSYSTEMD_SONAME "libsystemd.so.0"

/* The header's prototype, without a link-time reference to libsystemd. */
typedef __typeof__(sd_journal_sendv) *sendv_fn;
#define JOURNALD_LINE_MAX FRAMING_MAX_RECORD

struct journald_sink {
	struct log_sink base;
	GPtrArray *fields; /* the fixed "KEY=value" fields of every entry */
	bool no_partial_message;
	GString *pending[2]; /* partial line per stream: stdout, stderr */
	GString *message;    /* scratch for "MESSAGE=..." */
	sendv_fn sendv;      /* sd_journal_sendv, from libsystemd */
};

/* Loaded once per process; a failure is reported each time a sink is opened. */
static sendv_fn load_sendv(GError **err)
{
	static sendv_fn fn;
	if (fn)
		return fn;
	void *h = dlopen(LIBSYSTEMD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, ENOENT,
			    "journald log driver: cannot load %s: %s", LIBSYSTEMD_SONAME,
			    dlerror());
		return NULL;
	}
	fn = (sendv_fn)dlsym(h, "sd_journal_sendv");
	if (!fn) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, ENOENT,
			    "journald log driver: %s has no sd_journal_sendv: %s",
			    LIBSYSTEMD_SONAME, dlerror());
		dlclose(h);
		return NULL;
	}
	return fn;
}

static GString *pending_for(struct journald_sink *s, enum ocimon_stream stream)
{
	return s->pending[stream == OCIMON_STREAM_STDERR ? 1 : 0];
}

static struct log_sink *journald_open(const struct log_config *cfg, const char *path, GError **err)
{
	struct stat st;
	if (stat(JOURNALD_SOCKET, &st) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, e,
			    "journald log driver: cannot reach journald at %s: %s", JOURNALD_SOCKET,
			    g_strerror(e));
		return NULL;
	}
	sendv_fn sendv = load_sendv(err);
	if (!sendv)
		return NULL;
	struct journald_sink *s = g_new0(struct journald_sink, 1);
	s->sendv = sendv;
	s->fields = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *short_id = g_strndup(cfg->cid, 12);
	g_ptr_array_add(s->fields, g_strdup_printf("CONTAINER_ID_FULL=%s", cfg->cid));
	g_ptr_array_add(s->fields, g_strdup_printf("CONTAINER_ID=%s", short_id));
	if (cfg->name)
		g_ptr_array_add(s->fields, g_strdup_printf("CONTAINER_NAME=%s", cfg->name));
	if (cfg->tag)
		g_ptr_array_add(s->fields, g_strdup_printf("CONTAINER_TAG=%s", cfg->tag));
	const char *ident = cfg->tag ? cfg->tag : cfg->name ? cfg->name : short_id;
	g_ptr_array_add(s->fields, g_strdup_printf("SYSLOG_IDENTIFIER=%s", ident));
	for (size_t i = 0; cfg->labels && cfg->labels[i]; i++)
		g_ptr_array_add(s->fields, g_strdup(cfg->labels[i]));
	s->no_partial_message = cfg->no_partial_message;
	s->pending[0] = g_string_sized_new(JOURNALD_LINE_MAX);
	s->pending[1] = g_string_sized_new(JOURNALD_LINE_MAX);
	s->message = g_string_sized_new(JOURNALD_LINE_MAX + 16);
	return &s->base;
}

static gboolean send_entry(struct journald_sink *s, enum ocimon_stream stream, const char *a,
			   size_t alen, const char *b, size_t blen, bool partial, GError **err)
{
	g_string_assign(s->message, "MESSAGE=");
	g_string_append_len(s->message, a, (gssize)alen);
	g_string_append_len(s->message, b, (gssize)blen);

	struct iovec iov[s->fields->len + 3];
	size_t n = 0;
	iov[n++] = (struct iovec){s->message->str, s->message->len};
	/* podman logs accepts only 6 (stdout) and 3 (stderr). */
	static char prio_out[] = "PRIORITY=6", prio_err[] = "PRIORITY=3";
	char *prio = stream == OCIMON_STREAM_STDERR ? prio_err : prio_out;
	iov[n++] = (struct iovec){prio, strlen(prio)};
	static char partial_field[] = "CONTAINER_PARTIAL_MESSAGE=true";
	if (partial && !s->no_partial_message)
		iov[n++] = (struct iovec){partial_field, strlen(partial_field)};
	for (guint i = 0; i < s->fields->len; i++) {
		char *f = g_ptr_array_index(s->fields, i);
		iov[n++] = (struct iovec){f, strlen(f)};
	}
	int r = s->sendv(iov, (int)n);
	if (r < 0) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, -r, "sd_journal_sendv to %s failed: %s",
			    JOURNALD_SOCKET, g_strerror(-r));
		return FALSE;
	}
	return TRUE;
}

static gboolean journald_write(struct log_sink *sink, const struct timespec *ts,
			       const struct log_record *recs, size_t n, GError **err)
{
	struct journald_sink *s = (struct journald_sink *)sink;
	for (size_t i = 0; i < n; i++) {
		const struct log_record *r = &recs[i];
		GString *pend = pending_for(s, r->stream);
		bool fits = pend->len + r->len <= JOURNALD_LINE_MAX;
		if (!fits && pend->len > 0) {
			gboolean ok =
			    send_entry(s, r->stream, pend->str, pend->len, "", 0, true, err);
			g_string_truncate(pend, 0);
			if (!ok)
				return FALSE;
		}
		if (r->partial) {
			g_string_append_len(pend, r->data, (gssize)r->len);
			if (pend->len >= JOURNALD_LINE_MAX) {
				gboolean ok = send_entry(s, r->stream, pend->str, pend->len, "", 0,
							 true, err);
				g_string_truncate(pend, 0);
				if (!ok)
					return FALSE;
			}
			continue;
		}
		gboolean ok =
		    send_entry(s, r->stream, pend->str, pend->len, r->data, r->len, false, err);
		g_string_truncate(pend, 0);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static gboolean journald_flush(struct log_sink *sink, bool final, bool sync, GError **err)
{
	struct journald_sink *s = (struct journald_sink *)sink;
	/* At exit only: a fragment that never got its newline goes out as partial. */
	if (!final)
		return TRUE;
	for (int i = 0; i < 2; i++) {
		GString *pend = s->pending[i];
		if (pend->len == 0)
			continue;
		enum ocimon_stream st = i ? OCIMON_STREAM_STDERR : OCIMON_STREAM_STDOUT;
		gboolean ok = send_entry(s, st, pend->str, pend->len, "", 0, true, err);
		g_string_truncate(pend, 0);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static void journald_close(struct log_sink *sink)
{
	struct journald_sink *s = (struct journald_sink *)sink;
	g_ptr_array_unref(s->fields);
	g_string_free(s->pending[0], TRUE);
	g_string_free(s->pending[1], TRUE);
	g_string_free(s->message, TRUE);
	g_free(s);
}

const struct log_driver log_driver_journald = {
    .name = "journald",
    .open = journald_open,
    .write = journald_write,
    .flush = journald_flush,
    .close = journald_close,
};
