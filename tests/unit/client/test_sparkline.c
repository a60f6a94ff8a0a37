/* Sparklines (ocimonctl inspect and stats): levels, buckets, the mark, ASCII, locales. */
#include <glib.h>
#include <string.h>

#include "check_main.h"
#include "sparkline.h"

START_TEST(test_levels)
{
	ck_assert_int_eq(spark_level(0, 100), 0);
	ck_assert_int_eq(spark_level(-5, 100), 0);
	ck_assert_int_eq(spark_level(1, 100), 0);
	ck_assert_int_eq(spark_level(12.5, 100), 1);
	ck_assert_int_eq(spark_level(50, 100), 4);
	ck_assert_int_eq(spark_level(99.9, 100), 7);
	ck_assert_int_eq(spark_level(100, 100), 7);
	ck_assert_int_eq(spark_level(250, 100), 7);
	ck_assert_int_eq(spark_level(5, 0), 0);
}
END_TEST

START_TEST(test_unicode_row)
{
	const double v[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
	struct spark_opts o = {.charset = SPARK_UNICODE, .max = 8};
	g_autofree char *s = spark_render(v, G_N_ELEMENTS(v), &o);
	ck_assert_str_eq(s, "▁▂▃▄▅▆▇██");
	/* Scaled to its own largest value when no max is given. */
	const double w[] = {0, 50, 100};
	o.max = 0;
	g_autofree char *t = spark_render(w, 3, &o);
	ck_assert_str_eq(t, "▁▅█");
	g_autofree char *none = spark_render(NULL, 0, &o);
	ck_assert_str_eq(none, "");
}
END_TEST

START_TEST(test_ascii_row)
{
	const double v[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
	struct spark_opts o = {.charset = SPARK_ASCII, .max = 8};
	g_autofree char *s = spark_render(v, G_N_ELEMENTS(v), &o);
	ck_assert_str_eq(s, "_.-~=+*##");
	for (const char *p = s; *p; p++)
		ck_assert((unsigned char)*p < 0x80);
}
END_TEST

START_TEST(test_resample_keeps_peaks)
{
	double v[100] = {0};
	v[37] = 9; /* one short spike among 100 samples */
	double out[10];
	ck_assert_uint_eq(spark_resample(v, 100, 10, out), 10);
	for (int i = 0; i < 10; i++)
		ck_assert(out[i] == (i == 3 ? 9 : 0));
	/* Fewer values than cells: one cell each. */
	ck_assert_uint_eq(spark_resample(v, 5, 10, out), 5);
	struct spark_opts o = {.charset = SPARK_UNICODE, .width = 10};
	g_autofree char *s = spark_render(v, 100, &o);
	ck_assert_str_eq(s, "▁▁▁█▁▁▁▁▁▁");
}
END_TEST

START_TEST(test_mark_climb_to_limit)
{
	/* Memory climbing to a 32 MiB limit, then the OOM kill. */
	const double mib = 1048576;
	const double v[] = {2 * mib, 8 * mib, 16 * mib, 24 * mib, 31.9 * mib, 32 * mib, 0.1 * mib};
	struct spark_opts o = {.charset = SPARK_UNICODE, .max = 32 * mib, .mark = 31.5 * mib};
	g_autofree char *s = spark_render(v, G_N_ELEMENTS(v), &o);
	ck_assert_str_eq(s, "▁▃▅▇██▁");
}
END_TEST

START_TEST(test_mark_colours)
{
	const double v[] = {10, 80, 100, 10};
	struct spark_opts o = {.charset = SPARK_ASCII, .max = 100, .mark = 100, .color = true};
	g_autofree char *s = spark_render(v, 4, &o);
	ck_assert_str_eq(s, "_"
			    "\033[33m"
			    "*"
			    "\033[31m"
			    "#"
			    "\033[0m"
			    "_");
	o.color = false;
	g_autofree char *plain = spark_render(v, 4, &o);
	ck_assert_str_eq(plain, "_*#_");
	ck_assert_ptr_null(strchr(plain, '\033'));
}
END_TEST

START_TEST(test_ruler)
{
	g_autofree char *u = spark_ruler(3, SPARK_UNICODE, false);
	ck_assert_str_eq(u, "┈┈┈");
	g_autofree char *a = spark_ruler(3, SPARK_ASCII, false);
	ck_assert_str_eq(a, "---");
	g_autofree char *c = spark_ruler(1, SPARK_ASCII, true);
	ck_assert_str_eq(c, "\033[2m-\033[0m");
}
END_TEST

START_TEST(test_locale)
{
	ck_assert(spark_locale_is_utf8(NULL, NULL, "en_US.UTF-8"));
	ck_assert(spark_locale_is_utf8(NULL, "C.utf8", NULL));
	ck_assert(!spark_locale_is_utf8(NULL, NULL, NULL));
	ck_assert(!spark_locale_is_utf8("", "", ""));
	ck_assert(!spark_locale_is_utf8(NULL, NULL, "C"));
	/* LC_ALL wins over LANG, either way. */
	ck_assert(!spark_locale_is_utf8("C", NULL, "en_US.UTF-8"));
	ck_assert(spark_locale_is_utf8("de_DE.UTF-8", "POSIX", NULL));
	ck_assert(!spark_locale_is_utf8(NULL, "en_US.ISO-8859-1", "en_US.UTF-8"));
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("sparkline");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_levels);
	tcase_add_test(tc, test_unicode_row);
	tcase_add_test(tc, test_ascii_row);
	tcase_add_test(tc, test_resample_keeps_peaks);
	tcase_add_test(tc, test_mark_climb_to_limit);
	tcase_add_test(tc, test_mark_colours);
	tcase_add_test(tc, test_ruler);
	tcase_add_test(tc, test_locale);
	suite_add_tcase(s, tc);
	return s;
}
