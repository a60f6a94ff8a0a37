#include <glib.h>
#include <string.h>

#include "check_main.h"
#include "framing.h"

/* Frames buf and renders records as "F:text|" / "P:text|" for easy comparison. */
static char *frame(const char *buf, size_t len)
{
	struct framing_iter it;
	struct log_record r;
	GString *out = g_string_new(NULL);
	framing_init(&it, OCIMON_STREAM_STDOUT, buf, len);
	while (framing_next(&it, &r)) {
		ck_assert_int_eq(r.stream, OCIMON_STREAM_STDOUT);
		g_string_append(out, r.partial ? "P:" : "F:");
		g_string_append_len(out, r.data, (gssize)r.len);
		g_string_append_c(out, '|');
	}
	return g_string_free(out, FALSE);
}

START_TEST(test_lines)
{
	g_autofree char *a = frame("one\ntwo\n", 8);
	ck_assert_str_eq(a, "F:one\n|F:two\n|");
	g_autofree char *b = frame("one\ntw", 6);
	ck_assert_str_eq(b, "F:one\n|P:tw|");
	g_autofree char *c = frame("\n\n", 2);
	ck_assert_str_eq(c, "F:\n|F:\n|");
	g_autofree char *d = frame("", 0);
	ck_assert_str_eq(d, "");
	g_autofree char *e = frame("a\r\nb", 4);
	ck_assert_str_eq(e, "F:a\r\n|P:b|");
}
END_TEST

START_TEST(test_long_line_split)
{
	size_t len = FRAMING_MAX_RECORD * 2 + 10;
	g_autofree char *buf = g_malloc(len);
	memset(buf, 'x', len);
	buf[len - 1] = '\n';
	struct framing_iter it;
	struct log_record r;
	framing_init(&it, OCIMON_STREAM_STDERR, buf, len);
	ck_assert(framing_next(&it, &r));
	ck_assert(r.partial);
	ck_assert_uint_eq(r.len, FRAMING_MAX_RECORD);
	ck_assert(framing_next(&it, &r));
	ck_assert(r.partial);
	ck_assert_uint_eq(r.len, FRAMING_MAX_RECORD);
	ck_assert(framing_next(&it, &r));
	ck_assert(!r.partial);
	ck_assert_uint_eq(r.len, 10);
	ck_assert_int_eq(r.stream, OCIMON_STREAM_STDERR);
	ck_assert(!framing_next(&it, &r));
}
END_TEST

START_TEST(test_binary_and_nul)
{
	const char buf[] = {'a', '\0', 'b', '\n', '\xff', '\xfe'};
	struct framing_iter it;
	struct log_record r;
	size_t total = 0;
	framing_init(&it, OCIMON_STREAM_STDOUT, buf, sizeof(buf));
	while (framing_next(&it, &r))
		total += r.len;
	ck_assert_uint_eq(total, sizeof(buf)); /* every byte in exactly one record */
}
END_TEST

START_TEST(test_fill_batches_like_next)
{
	const char buf[] = "a\nbb\n\nccc";
	struct framing_iter it;
	struct log_record recs[2];
	framing_init(&it, OCIMON_STREAM_STDOUT, buf, sizeof(buf) - 1);
	ck_assert_uint_eq(framing_fill(&it, recs, 2), 2);
	ck_assert_uint_eq(recs[0].len, 2);
	ck_assert_uint_eq(recs[1].len, 3);
	ck_assert_uint_eq(framing_fill(&it, recs, 2), 2);
	ck_assert(!recs[0].partial);
	ck_assert_uint_eq(recs[0].len, 1);
	ck_assert(recs[1].partial);
	ck_assert_uint_eq(recs[1].len, 3);
	ck_assert_uint_eq(framing_fill(&it, recs, 2), 0);
}
END_TEST

/* Record lengths of buf, as "F5 P8192 ..." */
static char *shape(const char *buf, size_t len)
{
	struct framing_iter it;
	struct log_record r;
	GString *out = g_string_new(NULL);
	framing_init(&it, OCIMON_STREAM_STDOUT, buf, len);
	while (framing_next(&it, &r))
		g_string_append_printf(out, "%s%c%zu", out->len ? " " : "", r.partial ? 'P' : 'F',
				       r.len);
	return g_string_free(out, FALSE);
}

START_TEST(test_edge_sizes)
{
	/* An empty read gives no record at all. */
	g_autofree char *empty = shape("", 0);
	ck_assert_str_eq(empty, "");

	/* Exactly 8 KiB without a newline: one full-size partial record. */
	g_autofree char *b8 = g_malloc(FRAMING_MAX_RECORD + 1);
	memset(b8, 'x', FRAMING_MAX_RECORD + 1);
	g_autofree char *s8 = shape(b8, FRAMING_MAX_RECORD);
	ck_assert_str_eq(s8, "P8192");
	/* 8191 bytes and a newline: still one complete line. */
	b8[FRAMING_MAX_RECORD - 1] = '\n';
	g_autofree char *s8n = shape(b8, FRAMING_MAX_RECORD);
	ck_assert_str_eq(s8n, "F8192");
	/* 8192 bytes, then the newline: a partial record and a lone newline. */
	b8[FRAMING_MAX_RECORD - 1] = 'x';
	b8[FRAMING_MAX_RECORD] = '\n';
	g_autofree char *s8p = shape(b8, FRAMING_MAX_RECORD + 1);
	ck_assert_str_eq(s8p, "P8192 F1");

	/* A 64 KiB line: eight 8 KiB partial records, then its end. */
	size_t big = 64 * 1024;
	g_autofree char *b64 = g_malloc(big + 1);
	memset(b64, 'y', big);
	b64[big] = '\n';
	g_autofree char *s64 = shape(b64, big + 1);
	ck_assert_str_eq(s64, "P8192 P8192 P8192 P8192 P8192 P8192 P8192 P8192 F1");
}
END_TEST

START_TEST(test_invalid_utf8_is_not_interpreted)
{
	/* Bytes are records, not characters: a UTF-8 sequence cut by the 8 KiB limit and
	 * invalid sequences pass through untouched. */
	size_t len = FRAMING_MAX_RECORD + 3;
	g_autofree char *buf = g_malloc(len);
	memset(buf, 'z', len);
	buf[FRAMING_MAX_RECORD - 1] = '\xc3'; /* the first half of "é" at the cut */
	buf[FRAMING_MAX_RECORD] = '\xa9';
	buf[FRAMING_MAX_RECORD + 1] = '\xff';
	buf[FRAMING_MAX_RECORD + 2] = '\n';
	struct framing_iter it;
	struct log_record r;
	framing_init(&it, OCIMON_STREAM_STDOUT, buf, len);
	ck_assert(framing_next(&it, &r));
	ck_assert_uint_eq(r.len, FRAMING_MAX_RECORD);
	ck_assert_int_eq((unsigned char)r.data[r.len - 1], 0xc3);
	ck_assert(framing_next(&it, &r));
	ck_assert(!r.partial);
	ck_assert_uint_eq(r.len, 3);
	ck_assert_int_eq(memcmp(r.data, "\xa9\xff\n", 3), 0);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("framing");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_long_line_split);
	tcase_add_test(tc, test_binary_and_nul);
	tcase_add_test(tc, test_fill_batches_like_next);
	tcase_add_test(tc, test_edge_sizes);
	tcase_add_test(tc, test_invalid_utf8_is_not_interpreted);
	suite_add_tcase(s, tc);
	return s;
}
