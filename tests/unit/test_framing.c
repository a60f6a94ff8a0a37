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

Suite *make_suite(void)
{
	Suite *s = suite_create("framing");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_long_line_split);
	tcase_add_test(tc, test_binary_and_nul);
	tcase_add_test(tc, test_fill_batches_like_next);
	suite_add_tcase(s, tc);
	return s;
}
