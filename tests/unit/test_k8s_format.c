#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "k8s_file.h"

START_TEST(test_timestamp_utc)
{
	setenv("TZ", "UTC", 1);
	tzset();
	struct timespec ts = {.tv_sec = 1795370400, .tv_nsec = 5};
	char buf[K8S_TIMESTAMP_MAX];
	size_t n = k8s_format_timestamp(&ts, buf);
	ck_assert_str_eq(buf, "2026-11-22T18:00:00.000000005+00:00");
	ck_assert_uint_eq(n, strlen(buf));
}
END_TEST

START_TEST(test_timestamp_offsets)
{
	struct timespec ts = {.tv_sec = 1795370400, .tv_nsec = 123456789};
	char buf[K8S_TIMESTAMP_MAX];
	setenv("TZ", "Asia/Kolkata", 1); /* +05:30 */
	tzset();
	k8s_format_timestamp(&ts, buf);
	ck_assert_str_eq(buf, "2026-11-22T23:30:00.123456789+05:30");
	setenv("TZ", "America/St_Johns", 1); /* -03:30 in November */
	tzset();
	k8s_format_timestamp(&ts, buf);
	ck_assert_str_eq(buf, "2026-11-22T14:30:00.123456789-03:30");
}
END_TEST

START_TEST(test_prefix)
{
	char buf[K8S_PREFIX_MAX];
	const char *ts = "2026-11-22T18:00:00.000000005+00:00";
	size_t n = k8s_format_prefix(ts, strlen(ts), OCIMON_STREAM_STDOUT, false, buf);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "2026-11-22T18:00:00.000000005+00:00 stdout F ");
	n = k8s_format_prefix(ts, strlen(ts), OCIMON_STREAM_STDERR, true, buf);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "2026-11-22T18:00:00.000000005+00:00 stderr P ");
}
END_TEST

/* The driver end to end: records in, CRI lines out. */
START_TEST(test_driver_writes_cri_lines)
{
	setenv("TZ", "UTC", 1);
	tzset();
	g_autofree char *dir = g_dir_make_tmp("ocimon-k8s-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "ctr.log", NULL);
	struct log_config cfg = {.cid = "cid", .size_max = -1, .global_size_max = -1};
	g_autoptr(GError) err = NULL;
	struct log_sink *s = log_driver_k8s_file.open(&cfg, path, &err);
	ck_assert_ptr_nonnull(s);
	struct log_record recs[] = {
	    {OCIMON_STREAM_STDOUT, false, "hello\n", 6},
	    {OCIMON_STREAM_STDERR, true, "part", 4},
	};
	struct timespec ts = {.tv_sec = 1795370400, .tv_nsec = 1};
	ck_assert(log_driver_k8s_file.write(s, &ts, recs, 2, &err));
	ck_assert(log_driver_k8s_file.flush(s, true, true, &err));
	log_driver_k8s_file.close(s);
	g_autofree char *contents = NULL;
	ck_assert(g_file_get_contents(path, &contents, NULL, NULL));
	ck_assert_str_eq(contents, "2026-11-22T18:00:00.000000001+00:00 stdout F hello\n"
				   "2026-11-22T18:00:00.000000001+00:00 stderr P part\n");
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_driver_rejects_tag_and_names_path)
{
	struct log_config cfg = {.cid = "cid", .tag = "t", .size_max = -1, .global_size_max = -1};
	g_autoptr(GError) err = NULL;
	ck_assert_ptr_null(log_driver_k8s_file.open(&cfg, "/tmp/x", &err));
	ck_assert_str_eq(err->message, "k8s-file doesn't support --log-tag");
	g_clear_error(&err);
	cfg.tag = NULL;
	ck_assert_ptr_null(log_driver_k8s_file.open(&cfg, "/nonexistent/dir/ctr.log", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "/nonexistent/dir/ctr.log"));
	ck_assert_ptr_nonnull(strstr(err->message, "No such file or directory"));
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("k8s_format");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_timestamp_utc);
	tcase_add_test(tc, test_timestamp_offsets);
	tcase_add_test(tc, test_prefix);
	tcase_add_test(tc, test_driver_writes_cri_lines);
	tcase_add_test(tc, test_driver_rejects_tag_and_names_path);
	suite_add_tcase(s, tc);
	return s;
}
