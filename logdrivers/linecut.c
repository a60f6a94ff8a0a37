#include "linecut.h"

static int idx(enum ocimon_stream stream)
{
	return stream == OCIMON_STREAM_STDERR ? 1 : 0;
}

void line_guard_kept(struct line_guard *g, const struct log_record *r)
{
	int i = idx(r->stream);
	g->open[i] = r->partial;
	g->cut[i] = false;
}

void line_guard_close(struct line_guard *g, enum ocimon_stream stream)
{
	int i = idx(stream);
	if (g->open[i]) {
		g->cut[i] = true;
		g->open[i] = false;
	}
}

void line_guard_lost(struct line_guard *g, const struct log_record *r)
{
	g->lost_bytes += r->len;
	/* A line is counted once, at its end: lost whole or in part. */
	if (!r->partial)
		g->lost_lines++;
	line_guard_close(g, r->stream);
	g->skip[idx(r->stream)] = r->partial;
}

bool line_guard_skip(struct line_guard *g, const struct log_record *r)
{
	if (!g->skip[idx(r->stream)])
		return false;
	line_guard_lost(g, r);
	return true;
}

bool line_guard_end_due(const struct line_guard *g, enum ocimon_stream stream)
{
	return g->cut[idx(stream)];
}

struct log_record line_guard_end_record(enum ocimon_stream stream)
{
	return (struct log_record){.stream = stream, .partial = false, .data = "\n", .len = 1};
}

bool line_guard_is_open(const struct line_guard *g, enum ocimon_stream stream)
{
	return g->open[idx(stream)];
}

bool line_guard_take_lost(struct line_guard *g, guint64 *bytes, guint64 *lines)
{
	*bytes = g->lost_bytes;
	*lines = g->lost_lines;
	g->lost_bytes = g->lost_lines = 0;
	return *bytes > 0;
}

char *log_drop_marker_text(guint64 bytes, guint64 lines, const char *why)
{
	return g_strdup_printf("[ocimon: dropped %" G_GUINT64_FORMAT " bytes (%" G_GUINT64_FORMAT
			       " lines) of output: %s]\n",
			       bytes, lines, why);
}
