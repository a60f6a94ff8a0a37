#include <glib.h>
#include <string.h>

#include "check_main.h"
#include "linecut.h"

static struct log_record rec(enum ocimon_stream stream, const char *text)
{
	size_t len = strlen(text);
	return (struct log_record){.stream = stream,
				   .partial = len == 0 || text[len - 1] != '\n',
				   .data = text,
				   .len = len};
}

#define OUT OCIMON_STREAM_STDOUT
#define ERR OCIMON_STREAM_STDERR

/* A fragment was kept, the rest of its line lost: it must be ended, not joined to the
 * next line (the glued "00000019phase2 000000" of issue 11). */
START_TEST(test_kept_fragment_whose_rest_is_lost_is_ended)
{
	struct line_guard g = {0};
	struct log_record a = rec(OUT, "line1\n"), b = rec(OUT, "000019"), c = rec(OUT, "rest\n"),
			  d = rec(OUT, "line3\n"), e = rec(OUT, "phase2\n");
	line_guard_kept(&g, &a);
	ck_assert(!line_guard_is_open(&g, OUT));
	line_guard_kept(&g, &b);
	ck_assert(line_guard_is_open(&g, OUT));
	ck_assert(!line_guard_end_due(&g, OUT));
	line_guard_lost(&g, &c);
	line_guard_lost(&g, &d);
	ck_assert(!line_guard_is_open(&g, OUT));
	ck_assert(line_guard_end_due(&g, OUT));
	ck_assert(!line_guard_end_due(&g, ERR));
	/* The next line is whole: not skipped; the end record goes first. */
	ck_assert(!line_guard_skip(&g, &e));
	struct log_record end = line_guard_end_record(OUT);
	ck_assert(!end.partial);
	ck_assert_uint_eq(end.len, 1);
	ck_assert_int_eq(end.data[0], '\n');
	line_guard_kept(&g, &end);
	ck_assert(!line_guard_end_due(&g, OUT));
	line_guard_kept(&g, &e);
	guint64 bytes, lines;
	ck_assert(line_guard_take_lost(&g, &bytes, &lines));
	ck_assert_uint_eq(bytes, c.len + d.len);
	ck_assert_uint_eq(lines, 2);
	ck_assert(!line_guard_take_lost(&g, &bytes, &lines));
	ck_assert_uint_eq(bytes, 0);
}
END_TEST

/* The start of a line was lost: its rest, when it comes, is lost too (and counted), so no
 * headless tail shows up as a line of its own. */
START_TEST(test_rest_of_a_line_whose_start_was_lost_is_skipped)
{
	struct line_guard g = {0};
	struct log_record a = rec(OUT, "line1\n"), b = rec(OUT, "head"), c = rec(OUT, "middle"),
			  d = rec(OUT, "tail\n"), e = rec(OUT, "next\n");
	line_guard_kept(&g, &a);
	line_guard_lost(&g, &b);
	ck_assert(!line_guard_end_due(&g, OUT)); /* nothing of the line was written */
	ck_assert(line_guard_skip(&g, &c));
	ck_assert(line_guard_skip(&g, &d));
	ck_assert(!line_guard_skip(&g, &e));
	guint64 bytes, lines;
	ck_assert(line_guard_take_lost(&g, &bytes, &lines));
	ck_assert_uint_eq(bytes, 4 + 6 + 5);
	ck_assert_uint_eq(lines, 1);
}
END_TEST

/* Streams are separate: a loss on stdout neither ends nor skips stderr's line. */
START_TEST(test_streams_are_separate)
{
	struct line_guard g = {0};
	struct log_record o = rec(OUT, "out-frag"), e = rec(ERR, "err-frag"),
			  lost = rec(OUT, "more\n"), e2 = rec(ERR, "rest\n");
	line_guard_kept(&g, &o);
	line_guard_kept(&g, &e);
	line_guard_lost(&g, &lost);
	ck_assert(line_guard_end_due(&g, OUT));
	ck_assert(!line_guard_end_due(&g, ERR));
	ck_assert(line_guard_is_open(&g, ERR));
	ck_assert(!line_guard_skip(&g, &e2));
	/* Closing stderr's open line (the final flush before a marker) makes its end due. */
	line_guard_close(&g, ERR);
	ck_assert(line_guard_end_due(&g, ERR));
	ck_assert(!line_guard_is_open(&g, ERR));
}
END_TEST

START_TEST(test_marker_text)
{
	g_autofree char *t = log_drop_marker_text(1234, 5, "log buffer full");
	ck_assert_str_eq(t, "[ocimon: dropped 1234 bytes (5 lines) of output: log buffer full]\n");
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("linecut");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_kept_fragment_whose_rest_is_lost_is_ended);
	tcase_add_test(tc, test_rest_of_a_line_whose_start_was_lost_is_skipped);
	tcase_add_test(tc, test_streams_are_separate);
	tcase_add_test(tc, test_marker_text);
	suite_add_tcase(s, tc);
	return s;
}
