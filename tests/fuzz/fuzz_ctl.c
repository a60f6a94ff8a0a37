/* The ctl/winsz FIFO protocol: ctl_parse_line on the whole input, then the input fed to
 * ctl_line_buffer_feed in pieces whose sizes come from the input itself. Every complete
 * line of at most CTL_LINE_MAX bytes must come out exactly once, in order; longer ones
 * are dropped whole and never glue onto the next line. */
#include "ctl.h"
#include "fuzz.h"

struct collect {
	GPtrArray *lines; /* GBytes */
};

static void collect_cb(const char *line, size_t len, void *user)
{
	struct collect *c = user;
	FUZZ_CHECK(len <= CTL_LINE_MAX);
	FUZZ_CHECK(memchr(line, '\n', len) == NULL);
	g_ptr_array_add(c->lines, g_bytes_new(line, len));
}

static void check_parse(const char *line, size_t len)
{
	struct ctl_message msg = {0};
	g_autoptr(GError) err = NULL;
	if (!ctl_parse_line(line, len, &msg, &err)) {
		FUZZ_CHECK(err != NULL);
		return;
	}
	FUZZ_CHECK(err == NULL);
	FUZZ_CHECK(msg.type == CTL_RESIZE || msg.type == CTL_REOPEN_LOGS);
	FUZZ_CHECK(msg.height >= 0 && msg.height <= CTL_SIZE_MAX);
	FUZZ_CHECK(msg.width >= 0 && msg.width <= CTL_SIZE_MAX);
	FUZZ_CHECK(memchr(line, '\0', len) == NULL);
	/* What was accepted reads the same once written in canonical form. */
	g_autofree char *canon = g_strdup_printf("%d %d %d", msg.type, msg.height, msg.width);
	struct ctl_message again = {0};
	FUZZ_CHECK(ctl_parse_line(canon, strlen(canon), &again, NULL));
	FUZZ_CHECK(again.type == msg.type && again.height == msg.height &&
		   again.width == msg.width);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_quiet();
	const char *text = (const char *)data;
	check_parse(text, size);

	/* Expected lines: split on '\n'; the unterminated tail never comes out. */
	g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	size_t start = 0;
	for (size_t i = 0; i < size; i++) {
		if (text[i] != '\n')
			continue;
		if (i - start <= CTL_LINE_MAX)
			g_ptr_array_add(want, g_bytes_new(text + start, i - start));
		start = i + 1;
	}

	struct collect c = {g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref)};
	struct ctl_line_buffer lb = {0};
	guint32 seed = size > 0 ? data[0] : 1;
	for (size_t off = 0; off < size;) {
		seed = seed * 1103515245u + 12345u;
		size_t piece = 1 + (seed >> 16) % 700;
		if (piece > size - off)
			piece = size - off;
		ctl_line_buffer_feed(&lb, text + off, piece, collect_cb, &c);
		off += piece;
	}
	FUZZ_CHECK(c.lines->len == want->len);
	for (guint i = 0; i < want->len; i++)
		FUZZ_CHECK(g_bytes_equal(c.lines->pdata[i], want->pdata[i]));
	for (guint i = 0; i < c.lines->len; i++) {
		gsize n;
		const char *l = g_bytes_get_data(c.lines->pdata[i], &n);
		check_parse(l != NULL ? l : "", n); /* an empty GBytes gives NULL */
	}
	g_ptr_array_unref(c.lines);
	return 0;
}
