#include "k8s_read.h"

#include <errno.h>
#include <string.h>

#include "fdutil.h"

/* The next space-separated field of [p, end), advancing p past its space. */
static bool field(const char **p, const char *end, const char **f, size_t *n)
{
	const char *sp = memchr(*p, ' ', (size_t)(end - *p));
	if (sp == NULL || sp == *p)
		return false;
	*f = *p;
	*n = (size_t)(sp - *p);
	*p = sp + 1;
	return true;
}

bool k8s_record_parse(const char *line, size_t len, struct k8s_record *out)
{
	if (len > 0 && line[len - 1] == '\n')
		len--;
	const char *p = line, *end = line + len, *stream, *tag;
	size_t stream_len, tag_len;
	if (!field(&p, end, &out->time, &out->time_len) || !field(&p, end, &stream, &stream_len))
		return false;
	/* The tag ends the line when the content is empty and the writer left no space. */
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	tag = p;
	tag_len = sp ? (size_t)(sp - p) : (size_t)(end - p);
	if (stream_len == 6 && memcmp(stream, "stdout", 6) == 0)
		out->stream = K8S_STDOUT;
	else if (stream_len == 6 && memcmp(stream, "stderr", 6) == 0)
		out->stream = K8S_STDERR;
	else
		return false;
	/* CRI allows more tags after a ':' ("F:x"); the first says full or partial. */
	if (tag_len == 0 || (tag[0] != 'P' && tag[0] != 'F') || (tag_len > 1 && tag[1] != ':'))
		return false;
	out->partial = tag[0] == 'P';
	out->msg = sp ? sp + 1 : end;
	out->msg_len = (size_t)(end - out->msg);
	return true;
}

bool k8s_time_parse(const char *text, size_t len, gint64 *out_us)
{
	g_autofree char *t = g_strndup(text, len);
	g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(t, NULL);
	if (dt == NULL)
		return false;
	*out_us = g_date_time_to_unix(dt) * G_USEC_PER_SEC + g_date_time_get_microsecond(dt);
	return true;
}

void k8s_line_free(struct k8s_line *l)
{
	if (l == NULL)
		return;
	g_free(l->time);
	if (l->text)
		g_string_free(l->text, TRUE);
	g_free(l);
}

void k8s_joiner_init(struct k8s_joiner *j)
{
	memset(j, 0, sizeof(*j));
}

void k8s_joiner_clear(struct k8s_joiner *j)
{
	for (int i = 0; i < 2; i++) {
		if (j->pending[i])
			g_string_free(g_steal_pointer(&j->pending[i]), TRUE);
		g_clear_pointer(&j->last_time[i], g_free);
	}
}

static struct k8s_line *new_line(enum k8s_stream stream, const char *time, size_t time_len,
				 GString *text, bool complete)
{
	struct k8s_line *l = g_new0(struct k8s_line, 1);
	l->stream = stream;
	l->time = g_strndup(time, time_len);
	if (!k8s_time_parse(time, time_len, &l->time_us))
		l->time_us = 0;
	l->text = text;
	l->complete = complete;
	return l;
}

struct k8s_line *k8s_joiner_feed(struct k8s_joiner *j, const struct k8s_record *r)
{
	GString **pend = &j->pending[r->stream];
	if (r->partial) {
		if (*pend == NULL)
			*pend = g_string_new(NULL);
		g_string_append_len(*pend, r->msg, (gssize)r->msg_len);
		g_free(j->last_time[r->stream]);
		j->last_time[r->stream] = g_strndup(r->time, r->time_len);
		return NULL;
	}
	GString *text = *pend ? g_steal_pointer(pend) : g_string_sized_new(r->msg_len);
	g_string_append_len(text, r->msg, (gssize)r->msg_len);
	g_clear_pointer(&j->last_time[r->stream], g_free);
	return new_line(r->stream, r->time, r->time_len, text, true);
}

struct k8s_line *k8s_joiner_flush(struct k8s_joiner *j, enum k8s_stream stream)
{
	if (j->pending[stream] == NULL)
		return NULL;
	g_autofree char *time = g_steal_pointer(&j->last_time[stream]);
	return new_line(stream, time ? time : "", time ? strlen(time) : 0,
			g_steal_pointer(&j->pending[stream]), false);
}

/* ---- --since ---- */

/* A Go duration ("1h30m", "1.5s", "300ms"): FALSE when text is not one. */
static bool go_duration(const char *text, double *out_us)
{
	static const struct {
		const char *unit;
		double us;
	} units[] = {{"ns", 1e-3}, {"us", 1},   {"µs", 1},    {"ms", 1e3},
		     {"s", 1e6},   {"m", 60e6}, {"h", 3600e6}};
	const char *p = text;
	double total = 0;
	if (*p == '\0')
		return false;
	while (*p) {
		char *num_end;
		if (!g_ascii_isdigit(*p) && *p != '.')
			return false;
		double v = g_ascii_strtod(p, &num_end);
		if (num_end == p)
			return false;
		p = num_end;
		size_t best = 0;
		double scale = 0;
		/* The longest unit that matches: "ms" before "m". */
		for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
			size_t n = strlen(units[i].unit);
			if (n > best && strncmp(p, units[i].unit, n) == 0) {
				best = n;
				scale = units[i].us;
			}
		}
		if (best == 0)
			return false;
		p += best;
		total += v * scale;
	}
	*out_us = total;
	return true;
}

gboolean k8s_since_parse(const char *text, gint64 now_us, gint64 *out_us, GError **err)
{
	g_autofree char *t = g_strstrip(g_strdup(text ? text : ""));
	double us;
	if (go_duration(t, &us) && us <= (double)now_us) {
		*out_us = now_us - (gint64)us;
		return TRUE;
	}
	/* Unix seconds, with an optional fraction (NaN and inf fail the range check; no libm). */
	char *end;
	if (g_ascii_isdigit(t[0])) {
		double secs = g_ascii_strtod(t, &end);
		if (*end == '\0' && strchr(t, '-') == NULL && secs >= 0 && secs < 1e11) {
			*out_us = (gint64)(secs * G_USEC_PER_SEC);
			return TRUE;
		}
	}
	g_autoptr(GTimeZone) local = g_time_zone_new_local();
	g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(t, local);
	if (dt == NULL && strlen(t) == 10) {
		/* A date alone: its midnight, local time. */
		g_autofree char *midnight = g_strconcat(t, "T00:00:00", NULL);
		dt = g_date_time_new_from_iso8601(midnight, local);
	}
	if (dt == NULL) {
		g_set_error(err, OCIMON_ERROR, EINVAL,
			    "\"%s\" is not a time: use RFC 3339 (2026-12-03T07:00:00Z), a date, "
			    "Unix seconds or a duration before now (10m, 1h30m)",
			    text);
		return FALSE;
	}
	*out_us = g_date_time_to_unix(dt) * G_USEC_PER_SEC + g_date_time_get_microsecond(dt);
	return TRUE;
}
