#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "writer.h"

START_TEST(test_size_parse)
{
	guint64 v;
	ck_assert(log_size_parse("1048576", &v));
	ck_assert_uint_eq(v, 1048576);
	ck_assert(log_size_parse("512k", &v));
	ck_assert_uint_eq(v, 512 * 1024);
	ck_assert(log_size_parse("4M", &v));
	ck_assert_uint_eq(v, 4 * 1024 * 1024);
	ck_assert(log_size_parse("1g", &v));
	ck_assert(log_size_parse("2mb", &v));
	ck_assert_uint_eq(v, 2 * 1024 * 1024);
	const char *bad[] = {"",
			     "k",
			     "-1",
			     "1x",
			     "1kk",
			     "12 ",
			     "99999999999999999999g",
			     "18446744073709551616",
			     "99999999999999999999",
			     NULL};
	for (size_t i = 0; bad[i]; i++)
		ck_assert_msg(!log_size_parse(bad[i], &v), "accepted %s", bad[i]);
	ck_assert(!log_size_parse(NULL, &v));
	ck_assert(log_size_parse("18446744073709551615", &v));
	ck_assert_uint_eq(v, G_MAXUINT64);
}
END_TEST

START_TEST(test_blocking_writer_frames_and_fans_out)
{
	g_autofree char *dir = g_dir_make_tmp("ocimon-writer-XXXXXX", NULL);
	g_autofree char *a = g_build_filename(dir, "a.log", NULL);
	g_autofree char *b = g_build_filename(dir, "b.log", NULL);
	g_autofree char *arg_a = g_strdup_printf("k8s-file:%s", a);
	char *args[] = {arg_a, b, "none", NULL};
	struct log_config cfg = {.cid = "cid", .size_max = -1, .global_size_max = -1};
	g_autoptr(GError) err = NULL;
	g_autoptr(log_writer) w = log_writer_open(args, &cfg, &err);
	ck_assert_msg(w != NULL, "%s", err ? err->message : "");
	ck_assert(!log_writer_is_passthrough(w));
	struct timespec ts = {0, 0};
	log_writer_write(w, OCIMON_STREAM_STDOUT, "one\ntw", 6, &ts);
	log_writer_flush(w, true, false);
	g_autofree char *ca = NULL, *cb = NULL;
	ck_assert(g_file_get_contents(a, &ca, NULL, NULL));
	ck_assert(g_file_get_contents(b, &cb, NULL, NULL));
	ck_assert_str_eq(ca, cb);
	ck_assert_ptr_nonnull(strstr(ca, " stdout F one\n"));
	ck_assert_ptr_nonnull(strstr(ca, " stdout P tw\n"));
	unlink(a);
	unlink(b);
	rmdir(dir);
}
END_TEST

/* The same -l twice is one driver (conmon's drivers are flags): each line once. */
START_TEST(test_repeated_driver_logs_once)
{
	g_autofree char *dir = g_dir_make_tmp("ocimon-writer-XXXXXX", NULL);
	g_autofree char *a = g_build_filename(dir, "a.log", NULL);
	g_autofree char *arg_a = g_strdup_printf("k8s-file:%s", a);
	char *args[] = {arg_a, a, "none", "none", NULL};
	struct log_config cfg = {.cid = "cid", .size_max = -1, .global_size_max = -1};
	g_autoptr(GError) err = NULL;
	g_autoptr(log_writer) w = log_writer_open(args, &cfg, &err);
	ck_assert_msg(w != NULL, "%s", err ? err->message : "");
	struct timespec ts = {0, 0};
	log_writer_write(w, OCIMON_STREAM_STDOUT, "one\n", 4, &ts);
	log_writer_flush(w, true, false);
	g_autofree char *ca = NULL;
	ck_assert(g_file_get_contents(a, &ca, NULL, NULL));
	ck_assert_ptr_nonnull(strstr(ca, " stdout F one\n"));
	ck_assert_ptr_null(strchr(strchr(ca, '\n') + 1, '\n')); /* one line only */
	unlink(a);
	rmdir(dir);
}
END_TEST

START_TEST(test_passthrough_alone)
{
	g_autofree char *dir = g_dir_make_tmp("ocimon-pt-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "ctr.log", NULL);
	g_autofree char *k8s = g_strdup_printf("k8s-file:%s", path);
	char *args[] = {"passthrough", k8s, NULL};
	struct log_config cfg = {.cid = "cid", .size_max = -1, .global_size_max = -1};
	g_autoptr(GError) err = NULL;
	ck_assert_ptr_null(log_writer_open(args, &cfg, &err));
	ck_assert_ptr_nonnull(strstr(err->message, "passthrough"));
	unlink(path);
	rmdir(dir);
	/* none logs nothing: it combines with passthrough as with any driver (conmon). */
	char *with_none[] = {"passthrough", "none", NULL};
	g_clear_error(&err);
	g_autoptr(log_writer) wn = log_writer_open(with_none, &cfg, &err);
	ck_assert_msg(wn != NULL, "%s", err ? err->message : "");
	ck_assert(log_writer_is_passthrough(wn));
	char *alone[] = {"passthrough", NULL};
	g_autoptr(log_writer) w = log_writer_open(alone, &cfg, &err);
	ck_assert(log_writer_is_passthrough(w));
}
END_TEST

/* A FIFO nobody reads is the slowest sink there is: in non-blocking mode writing to it
 * must never stall the caller; overflow is dropped and a marker says how much. */
START_TEST(test_nonblocking_never_stalls_and_marks_drops)
{
	g_autofree char *dir = g_dir_make_tmp("ocimon-nb-XXXXXX", NULL);
	g_autofree char *fifo = g_build_filename(dir, "slow.log", NULL);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	int reader = open(fifo, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(reader, 0);
	char *args[] = {fifo, NULL};
	struct log_config cfg = {.cid = "cid", .size_max = -1, .global_size_max = -1};
	g_autoptr(GError) err = NULL;
	g_autoptr(log_writer) w = log_writer_open(args, &cfg, &err);
	ck_assert_ptr_nonnull(w);
	ck_assert(log_writer_set_nonblocking(w, 64 * 1024, &err));

	char line[100];
	memset(line, 'x', sizeof(line));
	line[99] = '\n';
	struct timespec ts = {0, 0};
	gint64 start = g_get_monotonic_time();
	for (int i = 0; i < 20000; i++) /* 2 MB into a 64 KiB pipe + a 64 KiB queue */
		log_writer_write(w, OCIMON_STREAM_STDOUT, line, sizeof(line), &ts);
	gint64 took = g_get_monotonic_time() - start;
	ck_assert_msg(took < 2 * G_USEC_PER_SEC, "writes stalled for %" G_GINT64_FORMAT " us",
		      took);

	/* Now drain the sink while sending one more line: the marker comes first. */
	GString *got = g_string_new(NULL);
	char buf[65536];
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	bool sent_last = false;
	while (g_get_monotonic_time() < deadline && !strstr(got->str, "LAST")) {
		ssize_t n = read(reader, buf, sizeof(buf));
		if (n > 0)
			g_string_append_len(got, buf, n);
		else
			g_usleep(10000);
		if (!sent_last && g_get_monotonic_time() - start > G_USEC_PER_SEC / 2) {
			log_writer_write(w, OCIMON_STREAM_STDOUT, "LAST\n", 5, &ts);
			sent_last = true;
		}
	}
	ck_assert_ptr_nonnull(strstr(got->str, "LAST"));
	const char *marker = strstr(got->str, "[ocimon: dropped ");
	ck_assert_msg(marker != NULL, "no drop marker in %zu bytes", got->len);
	ck_assert_ptr_nonnull(strstr(marker, "lines) of output: log buffer full]"));
	ck_assert(marker < strstr(got->str, "LAST"));
	g_string_free(got, TRUE);
	close(reader);
	log_writer_stop_queue(w);
	unlink(fifo);
	rmdir(dir);
}
END_TEST

/* Non-blocking mode drops whole reads: a fragment whose rest was dropped must end its line
 * (an empty F record), never be joined to the next line that gets through. */
START_TEST(test_nonblocking_drop_never_glues_lines)
{
	g_autofree char *dir = g_dir_make_tmp("ocimon-nb3-XXXXXX", NULL);
	g_autofree char *fifo = g_build_filename(dir, "slow.log", NULL);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	int reader = open(fifo, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(reader, 0);
	char *args[] = {fifo, NULL};
	struct log_config cfg = {.cid = "cid", .size_max = -1, .global_size_max = -1};
	g_autoptr(GError) err = NULL;
	g_autoptr(log_writer) w = log_writer_open(args, &cfg, &err);
	ck_assert_ptr_nonnull(w);
	ck_assert(log_writer_set_nonblocking(w, 64 * 1024, &err));

	char line[100];
	memset(line, 'x', sizeof(line));
	line[99] = '\n';
	struct timespec ts = {0, 0};
	for (int i = 0; i < 3000; i++) /* the FIFO and the queue are full */
		log_writer_write(w, OCIMON_STREAM_STDOUT, line, sizeof(line), &ts);
	log_writer_write(w, OCIMON_STREAM_STDOUT, "HEAD", 4, &ts); /* fits */
	char tail[300];
	memset(tail, 't', sizeof(tail));
	tail[299] = '\n';
	log_writer_write(w, OCIMON_STREAM_STDOUT, tail, sizeof(tail), &ts); /* dropped */

	GString *got = g_string_new(NULL);
	char buf[65536];
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	bool sent = false;
	while (g_get_monotonic_time() < deadline && !strstr(got->str, "NEXT")) {
		ssize_t n = read(reader, buf, sizeof(buf));
		if (n > 0)
			g_string_append_len(got, buf, n);
		else
			g_usleep(10000);
		/* HEAD was the last thing queued: once it is out, the queue is empty. */
		if (!sent && strstr(got->str, "HEAD")) {
			log_writer_write(w, OCIMON_STREAM_STDOUT, "NEXT\n", 5, &ts);
			sent = true;
		}
	}
	const char *head = strstr(got->str, " stdout P HEAD\n");
	ck_assert_msg(head != NULL, "HEAD was not logged as a fragment");
	const char *after = strstr(head + 1, " stdout ");
	ck_assert_ptr_nonnull(after);
	ck_assert_msg(strncmp(after, " stdout F \n", 11) == 0, "HEAD is followed by %.40s", after);
	ck_assert_ptr_null(strstr(got->str, "ttt"));
	ck_assert_ptr_nonnull(strstr(got->str, " stdout F NEXT\n"));
	ck_assert_ptr_nonnull(strstr(got->str, "[ocimon: dropped "));
	g_string_free(got, TRUE);
	close(reader);
	log_writer_stop_queue(w);
	unlink(fifo);
	rmdir(dir);
}
END_TEST

START_TEST(test_nonblocking_flush_delivers_everything)
{
	g_autofree char *dir = g_dir_make_tmp("ocimon-nb2-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "ctr.log", NULL);
	char *args[] = {path, NULL};
	struct log_config cfg = {.cid = "cid", .size_max = -1, .global_size_max = -1};
	g_autoptr(GError) err = NULL;
	g_autoptr(log_writer) w = log_writer_open(args, &cfg, &err);
	ck_assert(log_writer_set_nonblocking(w, 16 * 1024 * 1024, &err));
	struct timespec ts = {0, 0};
	for (int i = 0; i < 1000; i++) {
		char line[32];
		int n = g_snprintf(line, sizeof(line), "%d\n", i);
		log_writer_write(w, OCIMON_STREAM_STDOUT, line, (size_t)n, &ts);
	}
	ck_assert(log_writer_reopen(w, &err));
	log_writer_flush(w, true, true);
	g_autofree char *c = NULL;
	ck_assert(g_file_get_contents(path, &c, NULL, NULL));
	g_auto(GStrv) lines = g_strsplit(c, "\n", -1);
	ck_assert_uint_eq(g_strv_length(lines), 1001); /* 1000 lines + "" after the last \n */
	ck_assert_ptr_nonnull(strstr(lines[999], " stdout F 999"));
	unlink(path);
	rmdir(dir);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("log_writer");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_size_parse);
	tcase_add_test(tc, test_blocking_writer_frames_and_fans_out);
	tcase_add_test(tc, test_repeated_driver_logs_once);
	tcase_add_test(tc, test_passthrough_alone);
	tcase_add_test(tc, test_nonblocking_never_stalls_and_marks_drops);
	tcase_add_test(tc, test_nonblocking_flush_delivers_everything);
	tcase_add_test(tc, test_nonblocking_drop_never_glues_lines);
	suite_add_tcase(s, tc);
	return s;
}
