/* Lines kept whole when records are lost (a full disk, a full buffer): a fragment whose
 * rest was lost ends its line, the rest of a line whose start was lost is dropped too,
 * and nothing lost is ever joined to what comes after. Pure: the sink writes, this only
 * says what to write. */
#pragma once

#include "logdriver.h"

struct line_guard {
	bool open[2]; /* a partial record of this stream was kept: its line goes on */
	bool cut[2];  /* ... and the rest of it was lost: end it before the next record */
	bool skip[2]; /* the start of the current line was lost: drop up to its end */
	guint64 lost_bytes, lost_lines; /* since line_guard_take_lost */
};

/* The record was written (or buffered to be written): ends a cut line too. */
void line_guard_kept(struct line_guard *g, const struct log_record *r);
/* The record could not be written: count it. */
void line_guard_lost(struct line_guard *g, const struct log_record *r);
/* True when r is the rest of a line whose start was lost: drop it (it is counted). */
bool line_guard_skip(struct line_guard *g, const struct log_record *r);
/* True when the stream's last kept record was a fragment whose rest was lost: write an
 * empty full record of the stream (line_guard_end_record, then line_guard_kept) before
 * anything else of it. */
bool line_guard_end_due(const struct line_guard *g, enum ocimon_stream stream);
/* The empty full record that ends a line ("\n": a CRI "F" record with no text). */
struct log_record line_guard_end_record(enum ocimon_stream stream);
/* True when stream has a kept fragment whose line is not ended yet. */
bool line_guard_is_open(const struct line_guard *g, enum ocimon_stream stream);
/* The stream's open line must end now (its rest will never come): line_guard_end_due
 * becomes true for it. */
void line_guard_close(struct line_guard *g, enum ocimon_stream stream);
/* Moves the lost counts out (zeroing them); false when nothing was lost. */
bool line_guard_take_lost(struct line_guard *g, guint64 *bytes, guint64 *lines);

/* "[ocimon: dropped N bytes (M lines) of output: WHY]\n", the record that marks a gap. */
char *log_drop_marker_text(guint64 bytes, guint64 lines, const char *why);
