#include <string.h>

#include "framing.h"

void framing_init(struct framing_iter *it, enum ocimon_stream stream, const char *buf, size_t len)
{
	it->stream = stream;
	it->buf = buf;
	it->len = len;
	it->pos = 0;
}

bool framing_next(struct framing_iter *it, struct log_record *rec)
{
	size_t pos = it->pos;
	if (pos >= it->len)
		return false;
	const char *start = it->buf + pos;
	size_t left = it->len - pos;
	size_t window = left < FRAMING_MAX_RECORD ? left : FRAMING_MAX_RECORD;

	/* Filled in as a partial record before the search, so that fewer values have to
	 * survive the memchr call (this runs once per line). */
	rec->stream = it->stream;
	rec->data = start;
	rec->len = window;
	rec->partial = true;
	const char *nl = memchr(start, '\n', window);
	if (nl != NULL) {
		rec->len = (size_t)(nl - start) + 1;
		rec->partial = false;
	}
	it->pos += rec->len;
	return true;
}
