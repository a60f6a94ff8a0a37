#include <glib.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "exit.h"

static int wait_status_of(void (*child)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		child();
		_exit(99);
	}
	int st;
	waitpid(pid, &st, 0);
	return st;
}

static void exit7(void)
{
	_exit(7);
}
static void exit0(void)
{
	_exit(0);
}
static void killed(void)
{
	raise(SIGKILL);
}
static void termed(void)
{
	signal(SIGTERM, SIG_DFL);
	raise(SIGTERM);
}

START_TEST(test_status_mapping)
{
	ck_assert_int_eq(exit_status_from_wait(wait_status_of(exit7)), 7);
	ck_assert_int_eq(exit_status_from_wait(wait_status_of(exit0)), 0);
	ck_assert_int_eq(exit_status_from_wait(wait_status_of(killed)), 137);
	ck_assert_int_eq(exit_status_from_wait(wait_status_of(termed)), 143);
}
END_TEST

START_TEST(test_exit_file_no_newline)
{
	g_autofree char *dir = g_dir_make_tmp("ocimon-exit-XXXXXX", NULL);
	g_autoptr(GError) err = NULL;
	ck_assert(exit_file_write(dir, "cid", 137, &err));
	g_autofree char *path = g_build_filename(dir, "cid", NULL);
	g_autofree char *contents = NULL;
	gsize len;
	ck_assert(g_file_get_contents(path, &contents, &len, NULL));
	ck_assert_uint_eq(len, 3);
	ck_assert_str_eq(contents, "137");
	ck_assert(exit_file_write(dir, "cid", -1, &err));
	g_free(contents);
	ck_assert(g_file_get_contents(path, &contents, &len, NULL));
	ck_assert_str_eq(contents, "-1");
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_exit_file_error_names_path)
{
	g_autoptr(GError) err = NULL;
	ck_assert(!exit_file_write("/nonexistent/dir", "cid", 0, &err));
	ck_assert_ptr_nonnull(strstr(err->message, "/nonexistent/dir/cid"));
}
END_TEST

START_TEST(test_exit_command_runs_with_args)
{
	g_autofree char *dir = g_dir_make_tmp("ocimon-exitcmd-XXXXXX", NULL);
	g_autofree char *marker = g_build_filename(dir, "ran", NULL);
	g_autofree char *script = g_strdup_printf("echo \"$0 $1\" > %s", marker);
	char *args[] = {"-c", script, "arg1", NULL};
	int st = exit_command_run("/bin/sh", args, 0);
	ck_assert_int_eq(st, 0);
	g_autofree char *contents = NULL;
	ck_assert(g_file_get_contents(marker, &contents, NULL, NULL));
	ck_assert_str_eq(contents, "arg1 \n");
	unlink(marker);
	rmdir(dir);
	char *fail_args[] = {"-c", "exit 3", NULL};
	ck_assert_int_eq(exit_status_from_wait(exit_command_run("/bin/sh", fail_args, 0)), 3);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("exit_status");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_status_mapping);
	tcase_add_test(tc, test_exit_file_no_newline);
	tcase_add_test(tc, test_exit_file_error_names_path);
	tcase_add_test(tc, test_exit_command_runs_with_args);
	suite_add_tcase(s, tc);
	return s;
}
