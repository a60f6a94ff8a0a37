/* Reading k8s-file records back (ocimonctl logs): records, joined lines, --since. */
#include <glib.h>
#include <string.h>

#include "check_main.h"
#include "k8s_read.h"

static bool parse(const char *line, struct k8s_record *r)
{
	return k8s_record_parse(line, strlen(line), r);
}

static void assert_msg(const struct k8s_record *r, const char *want)
{
	ck_assert_uint_eq(r->msg_len, strlen(want));
	ck_assert(memcmp(r->msg, want, r->msg_len) == 0);
}

START_TEST(test_record_full_and_partial)
{
	struct k8s_record r;
	ck_assert(parse("2026-12-03T07:00:00.123456789+01:00 stdout F hello world\n", &r));
	ck_assert_uint_eq(r.time_len, strlen("2026-12-03T07:00:00.123456789+01:00"));
	ck_assert_int_eq(r.stream, K8S_STDOUT);
	ck_assert(!r.partial);
	assert_msg(&r, "hello world");

	ck_assert(parse("2026-12-03T07:00:00Z stderr P  two  spaces ", &r));
	ck_assert_int_eq(r.stream, K8S_STDERR);
	ck_assert(r.partial);
	assert_msg(&r, " two  spaces ");
}
END_TEST

START_TEST(test_record_empty_content)
{
	struct k8s_record r;
	ck_assert(parse("2026-12-03T07:00:00Z stdout F \n", &r));
	assert_msg(&r, "");
	/* No space after the tag at all. */
	ck_assert(parse("2026-12-03T07:00:00Z stdout F\n", &r));
	assert_msg(&r, "");
	/* CRI's extra tags after ':'. */
	ck_assert(parse("2026-12-03T07:00:00Z stdout F:x y\n", &r));
	ck_assert(!r.partial);
	assert_msg(&r, "y");
}
END_TEST

START_TEST(test_record_rejects)
{
	struct k8s_record r;
	ck_assert(!parse("", &r));
	ck_assert(!parse("garbage\n", &r));
	ck_assert(!parse("2026-12-03T07:00:00Z stdin F x\n", &r));
	ck_assert(!parse("2026-12-03T07:00:00Z stdout X x\n", &r));
	ck_assert(!parse("2026-12-03T07:00:00Z stdout FF x\n", &r));
	ck_assert(!parse(" stdout F x\n", &r));
}
END_TEST

START_TEST(test_time_parse)
{
	gint64 us;
	ck_assert(k8s_time_parse("1970-01-01T00:00:01.5Z", 22, &us));
	ck_assert_int_eq(us, 1500000);
	const char *t = "1970-01-01T01:00:02.000001000+01:00";
	ck_assert(k8s_time_parse(t, strlen(t), &us));
	ck_assert_int_eq(us, 2000001);
	ck_assert(!k8s_time_parse("yesterday", 9, &us));
}
END_TEST

static struct k8s_line *feed(struct k8s_joiner *j, const char *line)
{
	struct k8s_record r;
	ck_assert(parse(line, &r));
	return k8s_joiner_feed(j, &r);
}

START_TEST(test_join_pieces)
{
	struct k8s_joiner j;
	k8s_joiner_init(&j);
	ck_assert_ptr_null(feed(&j, "1970-01-01T00:00:01Z stdout P ab\n"));
	ck_assert_ptr_null(feed(&j, "1970-01-01T00:00:02Z stdout P cd\n"));
	g_autoptr(k8s_line) l = feed(&j, "1970-01-01T00:00:03Z stdout F ef\n");
	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(l->text->str, "abcdef");
	ck_assert(l->complete);
	ck_assert_int_eq(l->stream, K8S_STDOUT);
	/* The line's time is its last record's, as podman shows it. */
	ck_assert_str_eq(l->time, "1970-01-01T00:00:03Z");
	ck_assert_int_eq(l->time_us, 3000000);
	ck_assert_ptr_null(k8s_joiner_flush(&j, K8S_STDOUT));
	k8s_joiner_clear(&j);
}
END_TEST

START_TEST(test_join_streams_apart)
{
	struct k8s_joiner j;
	k8s_joiner_init(&j);
	ck_assert_ptr_null(feed(&j, "1970-01-01T00:00:01Z stdout P out-\n"));
	g_autoptr(k8s_line) e = feed(&j, "1970-01-01T00:00:02Z stderr F err\n");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->text->str, "err");
	ck_assert_int_eq(e->stream, K8S_STDERR);
	g_autoptr(k8s_line) o = feed(&j, "1970-01-01T00:00:03Z stdout F end\n");
	ck_assert_str_eq(o->text->str, "out-end");
	ck_assert_int_eq(o->stream, K8S_STDOUT);
	k8s_joiner_clear(&j);
}
END_TEST

START_TEST(test_join_flush_unfinished)
{
	struct k8s_joiner j;
	k8s_joiner_init(&j);
	ck_assert_ptr_null(feed(&j, "1970-01-01T00:00:01Z stderr P no newline\n"));
	ck_assert_ptr_null(k8s_joiner_flush(&j, K8S_STDOUT));
	g_autoptr(k8s_line) l = k8s_joiner_flush(&j, K8S_STDERR);
	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(l->text->str, "no newline");
	ck_assert(!l->complete);
	ck_assert_str_eq(l->time, "1970-01-01T00:00:01Z");
	ck_assert_ptr_null(k8s_joiner_flush(&j, K8S_STDERR));
	/* Clearing with a piece pending frees it. */
	ck_assert_ptr_null(feed(&j, "1970-01-01T00:00:01Z stdout P left\n"));
	k8s_joiner_clear(&j);
}
END_TEST

START_TEST(test_since)
{
	const gint64 now = G_GINT64_CONSTANT(1800000000) * G_USEC_PER_SEC;
	gint64 t;
	g_autoptr(GError) err = NULL;
	ck_assert(k8s_since_parse("10m", now, &t, &err));
	ck_assert_int_eq(t, now - G_GINT64_CONSTANT(600) * G_USEC_PER_SEC);
	ck_assert(k8s_since_parse("1h30m", now, &t, &err));
	ck_assert_int_eq(t, now - G_GINT64_CONSTANT(5400) * G_USEC_PER_SEC);
	ck_assert(k8s_since_parse("500ms", now, &t, &err));
	ck_assert_int_eq(t, now - 500000);
	ck_assert(k8s_since_parse("1.5s", now, &t, &err));
	ck_assert_int_eq(t, now - 1500000);
	ck_assert(k8s_since_parse("1700000000", now, &t, &err));
	ck_assert_int_eq(t, G_GINT64_CONSTANT(1700000000) * G_USEC_PER_SEC);
	ck_assert(k8s_since_parse("1700000000.25", now, &t, &err));
	ck_assert_int_eq(t, G_GINT64_CONSTANT(1700000000) * G_USEC_PER_SEC + 250000);
	ck_assert(k8s_since_parse("2023-11-14T22:13:20Z", now, &t, &err));
	ck_assert_int_eq(t, G_GINT64_CONSTANT(1700000000) * G_USEC_PER_SEC);
	ck_assert(k8s_since_parse("2023-11-14T23:13:20.5+01:00", now, &t, &err));
	ck_assert_int_eq(t, G_GINT64_CONSTANT(1700000000) * G_USEC_PER_SEC + 500000);
	/* A date alone is local midnight: whatever the zone, within a day of UTC midnight. */
	ck_assert(k8s_since_parse("2023-11-14", now, &t, &err));
	gint64 utc_midnight = G_GINT64_CONSTANT(1699920000) * G_USEC_PER_SEC;
	ck_assert(t > utc_midnight - G_GINT64_CONSTANT(86400) * G_USEC_PER_SEC &&
		  t < utc_midnight + G_GINT64_CONSTANT(86400) * G_USEC_PER_SEC);
}
END_TEST

START_TEST(test_since_rejects)
{
	gint64 t = 42;
	const char *bad[] = {"", "soon", "10x", "m10", "2023-13-45", "-5m"};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) err = NULL;
		ck_assert_msg(!k8s_since_parse(bad[i], 1000, &t, &err), "accepted \"%s\"", bad[i]);
		ck_assert_ptr_nonnull(err);
		ck_assert_ptr_nonnull(strstr(err->message, "is not a time"));
	}
	ck_assert_int_eq(t, 42);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("k8s_read");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_record_full_and_partial);
	tcase_add_test(tc, test_record_empty_content);
	tcase_add_test(tc, test_record_rejects);
	tcase_add_test(tc, test_time_parse);
	tcase_add_test(tc, test_join_pieces);
	tcase_add_test(tc, test_join_streams_apart);
	tcase_add_test(tc, test_join_flush_unfinished);
	tcase_add_test(tc, test_since);
	tcase_add_test(tc, test_since_rejects);
	suite_add_tcase(s, tc);
	return s;
}
