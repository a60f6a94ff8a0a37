#include <string.h>

#include "framing.h"

void framing_init(struct framing_iter *it, enum ocimon_stream stream, const char *buf, size_t len)
{
	it->stream = stream;
	it->buf = buf;
	it->len = len;
	it->pos = 0;
}

size_t framing_fill(struct framing_iter *it, struct log_record *recs, size_t max)
{
	const char *p = it->buf + it->pos, *end = it->buf + it->len;
	size_t n = 0;
	for (; n < max && p < end; n++) {
		size_t left = (size_t)(end - p);
		size_t window = left < FRAMING_MAX_RECORD ? left : FRAMING_MAX_RECORD;
		const char *nl = memchr(p, '\n', window);
		size_t len = nl != NULL ? (size_t)(nl - p) + 1 : window;
		recs[n] = (struct log_record){
		    .stream = it->stream, .partial = nl == NULL, .data = p, .len = len};
		p += len;
	}
	it->pos = (size_t)(p - it->buf);
	return n;
}

bool framing_next(struct framing_iter *it, struct log_record *rec)
{
	return framing_fill(it, rec, 1) == 1;
}
