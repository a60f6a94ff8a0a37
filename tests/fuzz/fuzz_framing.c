/* framing_next: every byte lands in exactly one record, in order; no record is longer
 * than FRAMING_MAX_RECORD; a full record ends at its only '\n'; a partial record has no
 * '\n' and is cut only at the size limit or at the end of the buffer. */
#include "framing.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	enum ocimon_stream stream =
	    size > 0 && (data[0] & 1) ? OCIMON_STREAM_STDERR : OCIMON_STREAM_STDOUT;
	struct framing_iter it;
	framing_init(&it, stream, buf, size);
	struct log_record rec;
	size_t pos = 0;
	while (framing_next(&it, &rec)) {
		FUZZ_CHECK(rec.stream == stream);
		FUZZ_CHECK(rec.data == buf + pos);
		FUZZ_CHECK(rec.len > 0 && rec.len <= FRAMING_MAX_RECORD);
		FUZZ_CHECK(pos + rec.len <= size);
		const char *nl = memchr(rec.data, '\n', rec.len);
		if (rec.partial) {
			FUZZ_CHECK(nl == NULL);
			FUZZ_CHECK(rec.len == FRAMING_MAX_RECORD || pos + rec.len == size);
		} else {
			FUZZ_CHECK(nl == rec.data + rec.len - 1);
		}
		pos += rec.len;
	}
	FUZZ_CHECK(pos == size);
	FUZZ_CHECK(!framing_next(&it, &rec));
	return 0;
}
