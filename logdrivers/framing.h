/* Cuts what was read from one stream into log records: each complete line is a full
 * record (its '\n' included), a trailing fragment is a partial one, and no record is
 * longer than FRAMING_MAX_RECORD so a huge line becomes several partial records.
 * Pure: no I/O, no allocation, shared by every driver. */
#pragma once

#include "logdriver.h"

#define FRAMING_MAX_RECORD 8192

struct framing_iter {
	enum ocimon_stream stream;
	const char *buf;
	size_t len;
	size_t pos;
};

void framing_init(struct framing_iter *it, enum ocimon_stream stream, const char *buf, size_t len);

/* Fills rec with the next record; returns false at the end of the buffer. */
bool framing_next(struct framing_iter *it, struct log_record *rec);

/* Fills recs with up to max next records (as framing_next would one by one); returns how
 * many, 0 at the end of the buffer. One call per batch instead of one per line. */
size_t framing_fill(struct framing_iter *it, struct log_record *recs, size_t max);
