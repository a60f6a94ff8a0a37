#include <glib.h>
#include <string.h>

#include "check_main.h"
#include "ctl.h"

static bool parse(const char *line, struct ctl_message *m)
{
	g_autoptr(GError) err = NULL;
	bool ok = ctl_parse_line(line, strlen(line), m, &err);
	if (!ok)
		ck_assert_ptr_nonnull(err);
	return ok;
}

START_TEST(test_valid)
{
	struct ctl_message m;
	ck_assert(parse("1 30 100", &m));
	ck_assert_int_eq(m.type, CTL_RESIZE);
	ck_assert_int_eq(m.height, 30);
	ck_assert_int_eq(m.width, 100);
	ck_assert(parse("2 0 0", &m));
	ck_assert_int_eq(m.type, CTL_REOPEN_LOGS);
	ck_assert(parse("1 1000 0", &m));
	ck_assert(parse(" 1  24\t80 ", &m));
	/* conmon reads "%d %d %d": what follows the third number is ignored (kept for
	 * backward compatibility). */
	ck_assert(parse("1 2 2 3", &m));
	ck_assert_int_eq(m.type, CTL_RESIZE);
	ck_assert_int_eq(m.height, 2);
	ck_assert_int_eq(m.width, 2);
	ck_assert(parse("2 0 0 reopen please", &m));
	ck_assert_int_eq(m.type, CTL_REOPEN_LOGS);
	ck_assert(parse("1 2 3x", &m));
	ck_assert_int_eq(m.width, 3);
	ck_assert(parse("+1 +2 +3", &m));
}
END_TEST

START_TEST(test_malformed)
{
	struct ctl_message m;
	const char *bad[] = {"",      "1",     "1 2",    "x 1 2",    "1 2 y",           "1 x2 3",
			     "3 0 0", "0 1 1", "1 -1 5", "1 5 1001", "1 99999999999 1", "- 1 2",
			     "-1 2 3"};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		ck_assert_msg(!parse(bad[i], &m), "accepted \"%s\"", bad[i]);
	g_autoptr(GError) err = NULL;
	ck_assert(!ctl_parse_line("1 2\0 3", 6, &m, &err));
}
END_TEST

static void collect(const char *line, size_t len, void *user)
{
	g_ptr_array_add(user, g_strndup(line, len));
}

/* conmon's 200-byte buffer: a line of 198 characters is the longest it takes; a longer one
 * is rejected. */
START_TEST(test_line_length_limit)
{
	struct ctl_line_buffer lb = {0};
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
	char fits[198 + 2], too_long[199 + 2];
	memset(fits, ' ', sizeof(fits));
	memcpy(fits, "1 10 20", 7);
	fits[198] = '\n';
	memset(too_long, ' ', sizeof(too_long));
	memcpy(too_long, "1 30 40", 7);
	too_long[199] = '\n';
	ctl_line_buffer_feed(&lb, fits, 199, collect, lines);
	ctl_line_buffer_feed(&lb, too_long, 200, collect, lines);
	ctl_line_buffer_feed(&lb, "1 50 60\n", 8, collect, lines);
	ck_assert_uint_eq(lines->len, 2);
	ck_assert_uint_eq(strlen(g_ptr_array_index(lines, 0)), 198);
	ck_assert_str_eq(g_ptr_array_index(lines, 1), "1 50 60");
}
END_TEST

START_TEST(test_line_buffer_resyncs_after_garbage)
{
	struct ctl_line_buffer lb = {0};
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
	/* a line split across reads */
	ctl_line_buffer_feed(&lb, "1 2", 3, collect, lines);
	ctl_line_buffer_feed(&lb, "4 80\n", 5, collect, lines);
	/* 64 KiB of garbage without a newline, then a valid line */
	g_autofree char *junk = g_malloc(65536);
	memset(junk, 'z', 65536);
	ctl_line_buffer_feed(&lb, junk, 65536, collect, lines);
	ctl_line_buffer_feed(&lb, "\n1 30 100\n", 10, collect, lines);
	ck_assert_uint_eq(lines->len, 2);
	ck_assert_str_eq(g_ptr_array_index(lines, 0), "1 24 80");
	ck_assert_str_eq(g_ptr_array_index(lines, 1), "1 30 100");
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("ctl_parse");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_line_length_limit);
	tcase_add_test(tc, test_line_buffer_resyncs_after_garbage);
	suite_add_tcase(s, tc);
	return s;
}
