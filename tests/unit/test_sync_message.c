#include <glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "parent_pipe.h"

static void expect(const char *key, int value, const char *msg, const char *want)
{
	g_autofree char *got = sync_message_format(key, value, msg, msg ? strlen(msg) : 0);
	ck_assert_str_eq(got, want);
}

START_TEST(test_pid)
{
	expect("data", 4242, NULL, "{\"data\": 4242}\n");
	expect("pid", 17, NULL, "{\"pid\": 17}\n");
	expect("exit_code", 0, NULL, "{\"exit_code\": 0}\n");
}
END_TEST

START_TEST(test_error_message_escaping)
{
	expect("data", -1, "a \"b\" \\ c/d\n\t\r\b\f",
	       "{\"data\": -1, \"message\": \"a \\\"b\\\" "
	       "\\\\ c\\/d\\n\\t\\r\\b\\f\"}\n");
	expect("data", -1, "\x01x", "{\"data\": -1, \"message\": \"\\u0001x\"}\n");
	/* UTF-8 is passed through; invalid bytes become U+FFFD. */
	expect("data", -1, "caf\xc3\xa9", "{\"data\": -1, \"message\": \"caf\xc3\xa9\"}\n");
	expect("data", -1, "bad\xff", "{\"data\": -1, \"message\": \"bad\xef\xbf\xbd\"}\n");
	expect("data", -1, "command timed out",
	       "{\"data\": -1, \"message\": \"command timed out\"}\n");
	/* As conmon escapes: lower-case hex, DEL too. */
	expect("data", -1, "\x1b[0m\x7f", "{\"data\": -1, \"message\": \"\\u001b[0m\\u007f\"}\n");
	/* An empty message is left out, as conmon does. */
	expect("exit_code", -1, "", "{\"exit_code\": -1}\n");
}
END_TEST

START_TEST(test_key_selection)
{
	struct ocimon_options o;
	ocimon_options_init(&o);
	ck_assert_str_eq(sync_message_key(&o), "pid");
	o.exec = TRUE;
	ck_assert_str_eq(sync_message_key(&o), "exit_code");
	o.api_version = 1;
	ck_assert_str_eq(sync_message_key(&o), "data");
	o.exec = FALSE;
	ck_assert_str_eq(sync_message_key(&o), "data");
}
END_TEST

START_TEST(test_fd_from_env)
{
	g_autoptr(GError) err = NULL;
	unsetenv("_OCI_TEST");
	ck_assert_int_eq(parent_pipe_fd_from_env("_OCI_TEST", &err), -1);
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	g_autofree char *v = g_strdup_printf("%d", p[0]);
	setenv("_OCI_TEST", v, 1);
	ck_assert_int_eq(parent_pipe_fd_from_env("_OCI_TEST", &err), p[0]);
	setenv("_OCI_TEST", "seven", 1);
	ck_assert_int_eq(parent_pipe_fd_from_env("_OCI_TEST", &err), -2);
	ck_assert_ptr_nonnull(strstr(err->message, "_OCI_TEST"));
	g_clear_error(&err);
	setenv("_OCI_TEST", "999", 1);
	ck_assert_int_eq(parent_pipe_fd_from_env("_OCI_TEST", &err), -2);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(test_send_to_closed_reader)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	int fd = p[1];
	sync_message_send(&fd, "data", 1, NULL);
	ck_assert_int_eq(fd, -1); /* EPIPE closes it quietly */
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("sync_message");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_pid);
	tcase_add_test(tc, test_error_message_escaping);
	tcase_add_test(tc, test_key_selection);
	tcase_add_test(tc, test_fd_from_env);
	tcase_add_test(tc, test_send_to_closed_reader);
	suite_add_tcase(s, tc);
	return s;
}
