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

/* A tag is refused by log_specs_check (only when journald is not there too), not by the
 * driver. */
START_TEST(test_driver_names_path)
{
	struct log_config cfg = {.cid = "cid", .size_max = -1, .global_size_max = -1};
	g_autoptr(GError) err = NULL;
	ck_assert_ptr_null(log_driver_k8s_file.open(&cfg, "/nonexistent/dir/ctr.log", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "/nonexistent/dir/ctr.log"));
	ck_assert_ptr_nonnull(strstr(err->message, "No such file or directory"));
}
END_TEST

static char *read_file(const char *path)
{
	char *contents = NULL;
	if (!g_file_get_contents(path, &contents, NULL, NULL))
		return g_strdup("");
	return contents;
}

/* Writes n 10-byte lines "line NNNN\n", one record per call. */
static void write_lines(struct log_sink *s, int n)
{
	struct timespec ts = {.tv_sec = 1795370400, .tv_nsec = 0};
	for (int i = 0; i < n; i++) {
		char line[16];
		g_snprintf(line, sizeof(line), "line %04d\n", i);
		struct log_record r = {OCIMON_STREAM_STDOUT, false, line, 10};
		g_autoptr(GError) err = NULL;
		ck_assert_msg(log_driver_k8s_file.write(s, &ts, &r, 1, &err), "%s",
			      err ? err->message : "");
	}
}

START_TEST(test_rotation_keeps_backups)
{
	setenv("TZ", "UTC", 1);
	tzset();
	g_autofree char *dir = g_dir_make_tmp("ocimon-rot-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "ctr.log", NULL);
	/* Each CRI line is 35 + 13 + 10 = 58 bytes: 3 lines per 200-byte file. */
	struct log_config cfg = {
	    .cid = "cid", .size_max = 200, .global_size_max = -1, .rotate = true, .max_files = 3};
	g_autoptr(GError) err = NULL;
	struct log_sink *s = log_driver_k8s_file.open(&cfg, path, &err);
	ck_assert_ptr_nonnull(s);
	write_lines(s, 11);
	log_driver_k8s_file.close(s);

	g_autofree char *p1 = g_strdup_printf("%s.1", path);
	g_autofree char *p2 = g_strdup_printf("%s.2", path);
	g_autofree char *p3 = g_strdup_printf("%s.3", path);
	g_autofree char *p4 = g_strdup_printf("%s.4", path);
	g_autofree char *c0 = read_file(path), *c1 = read_file(p1), *c2 = read_file(p2),
			*c3 = read_file(p3);
	ck_assert(!g_file_test(p4, G_FILE_TEST_EXISTS));
	/* 11 lines: 0-2 | 3-5 | 6-8 | 9-10; the oldest backup is .3 */
	ck_assert_ptr_nonnull(strstr(c3, "line 0000"));
	ck_assert_ptr_nonnull(strstr(c2, "line 0003"));
	ck_assert_ptr_nonnull(strstr(c1, "line 0006"));
	ck_assert_ptr_nonnull(strstr(c1, "line 0008"));
	ck_assert_ptr_nonnull(strstr(c0, "line 0009"));
	ck_assert_ptr_nonnull(strstr(c0, "line 0010"));
	ck_assert_uint_le(strlen(c0), 200);
	ck_assert_uint_le(strlen(c1), 200);
	const char *paths[] = {path, p1, p2, p3};
	for (size_t i = 0; i < 4; i++)
		unlink(paths[i]);
	rmdir(dir);
}
END_TEST

START_TEST(test_truncation_without_rotate)
{
	g_autofree char *dir = g_dir_make_tmp("ocimon-trunc-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "ctr.log", NULL);
	struct log_config cfg = {.cid = "cid", .size_max = 200, .global_size_max = -1};
	g_autoptr(GError) err = NULL;
	struct log_sink *s = log_driver_k8s_file.open(&cfg, path, &err);
	write_lines(s, 7);
	log_driver_k8s_file.close(s);
	g_autofree char *c0 = read_file(path);
	g_autofree char *p1 = g_strdup_printf("%s.1", path);
	ck_assert(!g_file_test(p1, G_FILE_TEST_EXISTS));
	ck_assert_ptr_null(strstr(c0, "line 0005"));
	ck_assert_ptr_nonnull(strstr(c0, "line 0006"));
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_full_disk_reports_and_drops)
{
	/* /dev/full answers every write with ENOSPC. */
	struct log_config cfg = {.cid = "cid", .size_max = -1, .global_size_max = -1};
	g_autoptr(GError) err = NULL;
	struct log_sink *s = log_driver_k8s_file.open(&cfg, "/dev/full", &err);
	ck_assert_ptr_nonnull(s);
	struct timespec ts = {0, 0};
	struct log_record r = {OCIMON_STREAM_STDOUT, false, "x\n", 2};
	ck_assert(!log_driver_k8s_file.write(s, &ts, &r, 1, &err));
	ck_assert_ptr_nonnull(strstr(err->message, "/dev/full"));
	ck_assert_ptr_nonnull(strstr(err->message, "No space left on device"));
	g_clear_error(&err);
	/* Later records neither block nor grow memory: they are dropped. */
	for (int i = 0; i < 10000; i++) {
		ck_assert(!log_driver_k8s_file.write(s, &ts, &r, 1, &err));
		g_clear_error(&err);
	}
	log_driver_k8s_file.close(s);
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
	tcase_add_test(tc, test_driver_names_path);
	tcase_add_test(tc, test_rotation_keeps_backups);
	tcase_add_test(tc, test_truncation_without_rotate);
	tcase_add_test(tc, test_full_disk_reports_and_drops);
	suite_add_tcase(s, tc);
	return s;
}
