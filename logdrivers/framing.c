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
	if (it->pos >= it->len)
		return false;
	const char *start = it->buf + it->pos;
	size_t left = it->len - it->pos;
	size_t window = left < FRAMING_MAX_RECORD ? left : FRAMING_MAX_RECORD;
	const char *nl = memchr(start, '\n', window);

	rec->stream = it->stream;
	rec->data = start;
	if (nl != NULL) {
		rec->len = (size_t)(nl - start) + 1;
		rec->partial = false;
	} else {
		rec->len = window;
		rec->partial = true;
	}
	it->pos += rec->len;
	return true;
}
