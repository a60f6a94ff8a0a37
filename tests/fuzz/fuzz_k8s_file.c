/* The k8s-file driver round trip: container output is framed, written through
 * log_driver_k8s_file into a scratch file, and the CRI lines read back must give every
 * stream's bytes exactly (P records joined, F records ending their line), each line well
 * formed with the timestamp that was passed. With rotation on, the backups and the live
 * file together still hold everything. */
#include <errno.h>
#include <unistd.h>

#include "framing.h"
#include "fuzz.h"
#include "k8s_file.h"
#include "logdriver.h"

#define MAX_RECS 128

static char *scratch_dir;

static void setup(void)
{
	if (scratch_dir != NULL)
		return;
	fuzz_quiet();
	const char *base =
	    g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir();
	g_autofree char *tmpl = g_build_filename(base, "ocimon-fuzz-k8s-XXXXXX", NULL);
	scratch_dir = g_mkdtemp(g_steal_pointer(&tmpl));
	FUZZ_CHECK(scratch_dir != NULL);
}

static void remove_logs(const char *path, int max_files)
{
	unlink(path);
	for (int i = 1; i <= max_files + 1; i++) {
		g_autofree char *p = g_strdup_printf("%s.%d", path, i);
		unlink(p);
	}
}

/* Parses one CRI line (without its '\n') and appends its content to out[stream]. */
static void parse_line(const char *line, size_t len, const char *stamp, size_t stamp_len,
		       GString *out[2])
{
	FUZZ_CHECK(len >= stamp_len + 10);
	FUZZ_CHECK(memcmp(line, stamp, stamp_len) == 0);
	const char *p = line + stamp_len;
	int idx;
	if (memcmp(p, " stdout ", 8) == 0)
		idx = 0;
	else if (memcmp(p, " stderr ", 8) == 0)
		idx = 1;
	else
		FUZZ_CHECK(!"stream name");
	p += 8;
	FUZZ_CHECK(*p == 'P' || *p == 'F');
	bool partial = *p == 'P';
	FUZZ_CHECK(p[1] == ' ');
	p += 2;
	size_t clen = len - (size_t)(p - line);
	/* A record never holds more than the framing limit. */
	FUZZ_CHECK(clen <= FRAMING_MAX_RECORD);
	g_string_append_len(out[idx], p, (gssize)clen);
	if (!partial)
		g_string_append_c(out[idx], '\n');
}

static void read_back(const char *path, const char *stamp, size_t stamp_len, GString *out[2])
{
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr(GError) err = NULL;
	if (!g_file_get_contents(path, &text, &len, &err)) {
		FUZZ_CHECK(g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT));
		return;
	}
	/* Every line is complete: a record is never cut or glued to another. */
	FUZZ_CHECK(len == 0 || text[len - 1] == '\n');
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '\n')
			continue;
		parse_line(text + start, i - start, stamp, stamp_len, out);
		start = i + 1;
	}
}

/* The next read from the container: its size (at most left) and its stream. */
static size_t next_piece(guint32 *seed, size_t left, enum ocimon_stream *stream)
{
	*seed = *seed * 1103515245u + 12345u;
	size_t piece = 1 + (*seed >> 16) % 9000;
	if (stream != NULL)
		*stream = (*seed >> 8) & 1 ? OCIMON_STREAM_STDERR : OCIMON_STREAM_STDOUT;
	return piece < left ? piece : left;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	if (size < 8)
		return 0;
	guint8 flags = data[0];
	struct timespec ts = {
	    .tv_sec = (time_t)((guint32)data[1] << 24 | (guint32)data[2] << 16 | data[3] << 8),
	    .tv_nsec = (long)(data[4] * 3906250L + data[5]),
	};
	guint32 seed = data[6] | (guint32)data[7] << 8;
	const char *buf = (const char *)data + 8;
	size_t len = size - 8;

	/* Count the records first, cut into the same pieces as below (each piece ends a
	 * record), to size the rotation so nothing is thrown away. */
	size_t nrecs_total = 0;
	struct framing_iter it;
	struct log_record tmp;
	guint32 count_seed = seed;
	for (size_t off = 0; off < len;) {
		size_t piece = next_piece(&count_seed, len - off, NULL);
		framing_init(&it, OCIMON_STREAM_STDOUT, buf + off, piece);
		while (framing_next(&it, &tmp))
			nrecs_total++;
		off += piece;
	}
	/* Each rotation renames every backup, so rotation runs only on short inputs. */
	bool rotate = (flags & 1) && nrecs_total <= 16;

	g_autofree char *path = g_build_filename(scratch_dir, "ctr.log", NULL);
	struct log_config cfg = {
	    .cid = "fuzz",
	    .size_max = rotate ? 64 + (flags >> 1) * 16 : -1,
	    .global_size_max = -1,
	    .rotate = rotate,
	    .max_files = rotate ? (int)nrecs_total + 2 : 1,
	};
	remove_logs(path, cfg.max_files);

	g_autoptr(GError) err = NULL;
	struct log_sink *sink = log_driver_k8s_file.open(&cfg, path, &err);
	FUZZ_CHECK(sink != NULL);
	sink->driver = &log_driver_k8s_file;

	GString *want[2] = {g_string_new(NULL), g_string_new(NULL)};
	size_t off = 0;
	while (off < len) {
		enum ocimon_stream stream;
		size_t piece = next_piece(&seed, len - off, &stream);
		g_string_append_len(want[stream == OCIMON_STREAM_STDERR], buf + off, (gssize)piece);
		struct log_record recs[MAX_RECS];
		size_t n = 0;
		framing_init(&it, stream, buf + off, piece);
		while (framing_next(&it, &recs[n])) {
			if (++n == MAX_RECS) {
				FUZZ_CHECK(log_driver_k8s_file.write(sink, &ts, recs, n, &err));
				n = 0;
			}
		}
		if (n > 0)
			FUZZ_CHECK(log_driver_k8s_file.write(sink, &ts, recs, n, &err));
		off += piece;
	}
	FUZZ_CHECK(log_driver_k8s_file.flush(sink, true, false, &err));
	log_driver_k8s_file.close(sink);

	char stamp[K8S_TIMESTAMP_MAX];
	size_t stamp_len = k8s_format_timestamp(&ts, stamp);
	FUZZ_CHECK(stamp_len > 20 && stamp_len < K8S_TIMESTAMP_MAX);
	/* RFC 3339 with nanoseconds and a numeric offset. */
	FUZZ_CHECK(stamp[stamp_len - 6] == '+' || stamp[stamp_len - 6] == '-');
	FUZZ_CHECK(stamp[stamp_len - 16] == '.');

	GString *got[2] = {g_string_new(NULL), g_string_new(NULL)};
	for (int i = cfg.max_files; i >= 1; i--) {
		g_autofree char *p = g_strdup_printf("%s.%d", path, i);
		read_back(p, stamp, stamp_len, got);
	}
	read_back(path, stamp, stamp_len, got);

	/* Byte-exact: a P record's content is joined to what follows it. */
	for (int s = 0; s < 2; s++) {
		FUZZ_CHECK(got[s]->len == want[s]->len);
		FUZZ_CHECK(memcmp(got[s]->str, want[s]->str, want[s]->len) == 0);
		g_string_free(want[s], TRUE);
		g_string_free(got[s], TRUE);
	}
	remove_logs(path, cfg.max_files);
	return 0;
}
