#include <glib.h>
#include <string.h>

#include "check_main.h"
#include "runtime.h"

static struct ocimon_options base(void)
{
	struct ocimon_options o;
	ocimon_options_init(&o);
	o.runtime_path = g_strdup("/usr/sbin/runc");
	o.cid = g_strdup("cid");
	o.bundle = g_strdup("/b");
	o.container_pidfile = g_strdup("/b/pidfile");
	return o;
}

static void assert_argv(char **argv, const char *expected)
{
	g_autofree char *joined = g_strjoinv(" ", argv);
	ck_assert_str_eq(joined, expected);
}

START_TEST(test_create)
{
	struct ocimon_options o = base();
	g_auto(GStrv) argv = runtime_build_argv(&o, NULL);
	assert_argv(argv, "/usr/sbin/runc create --bundle /b --pid-file /b/pidfile cid");
	ocimon_options_clear(&o);
}
END_TEST

START_TEST(test_create_all_flags)
{
	struct ocimon_options o = base();
	o.systemd_cgroup = o.no_pivot = o.no_new_keyring = TRUE;
	const char *args[] = {"--log-format=json", "--log", "/b/oci-log", NULL};
	o.runtime_args = g_strdupv((char **)args);
	const char *opts[] = {"--preserve-fds", "2", NULL};
	o.runtime_opts = g_strdupv((char **)opts);
	g_auto(GStrv) argv = runtime_build_argv(&o, "/tmp/conmon-term.X");
	assert_argv(argv, "/usr/sbin/runc --systemd-cgroup --log-format=json --log /b/oci-log "
			  "create --bundle /b --pid-file /b/pidfile --no-pivot --no-new-keyring "
			  "--preserve-fds 2 --console-socket /tmp/conmon-term.X cid");
	ocimon_options_clear(&o);
}
END_TEST

START_TEST(test_exec)
{
	struct ocimon_options o = base();
	o.exec = TRUE;
	o.systemd_cgroup = TRUE; /* never for exec */
	o.exec_process_spec = g_strdup("/b/s/exec-process-1");
	g_auto(GStrv) argv = runtime_build_argv(&o, NULL);
	assert_argv(argv, "/usr/sbin/runc exec --pid-file /b/pidfile --process "
			  "/b/s/exec-process-1 --detach cid");
	ocimon_options_clear(&o);
}
END_TEST

START_TEST(test_restore)
{
	struct ocimon_options o = base();
	o.restore_path = g_strdup("/b/checkpoint");
	const char *opts[] = {"--tcp-established", NULL};
	o.runtime_opts = g_strdupv((char **)opts);
	g_auto(GStrv) argv = runtime_build_argv(&o, NULL);
	assert_argv(argv, "/usr/sbin/runc restore --bundle /b --pid-file /b/pidfile --detach "
			  "--image-path /b/checkpoint --work-path /b --tcp-established cid");
	ocimon_options_clear(&o);
}
END_TEST

START_TEST(test_ocijail_never_gets_linux_flags)
{
	struct ocimon_options o = base();
	g_free(o.runtime_path);
	o.runtime_path = g_strdup("/usr/local/bin/ocijail");
	o.systemd_cgroup = o.no_pivot = o.no_new_keyring = TRUE;
	ck_assert(runtime_is_ocijail(o.runtime_path));
	g_auto(GStrv) argv = runtime_build_argv(&o, NULL);
	assert_argv(argv, "/usr/local/bin/ocijail create --bundle /b --pid-file /b/pidfile cid");
	ck_assert(!runtime_is_ocijail("/usr/sbin/runc"));
	ocimon_options_clear(&o);
}
END_TEST

START_TEST(test_listen_pid)
{
	ck_assert(!runtime_listen_pid_takes_over(NULL, 10, false));
	ck_assert(!runtime_listen_pid_takes_over(NULL, 10, true));
	ck_assert(runtime_listen_pid_takes_over("10", 10, false));
	ck_assert(!runtime_listen_pid_takes_over("11", 10, false));
	ck_assert(runtime_listen_pid_takes_over("11", 10, true));
	ck_assert(!runtime_listen_pid_takes_over("", 10, false));
	ck_assert(!runtime_listen_pid_takes_over("10x", 10, false));
}
END_TEST

START_TEST(test_ocijail_exec_and_restore)
{
	struct ocimon_options o = base();
	g_free(o.runtime_path);
	o.runtime_path = g_strdup("ocijail"); /* a bare name, as from $PATH */
	o.systemd_cgroup = o.no_pivot = o.no_new_keyring = TRUE;
	o.restore_path = g_strdup("/b/checkpoint");
	g_auto(GStrv) restore = runtime_build_argv(&o, NULL);
	assert_argv(restore, "ocijail restore --bundle /b --pid-file /b/pidfile --detach "
			     "--image-path /b/checkpoint --work-path /b cid");
	g_clear_pointer(&o.restore_path, g_free);
	o.exec = TRUE;
	o.exec_process_spec = g_strdup("/b/s/p");
	g_auto(GStrv) exec = runtime_build_argv(&o, "/tmp/c.sock");
	assert_argv(exec, "ocijail exec --pid-file /b/pidfile --process /b/s/p --detach "
			  "--console-socket /tmp/c.sock cid");
	/* Only the basename counts, and only exactly "ocijail". */
	ck_assert(runtime_is_ocijail("/opt/x/bin/ocijail"));
	ck_assert(!runtime_is_ocijail("/usr/local/bin/ocijail-debug"));
	ck_assert(!runtime_is_ocijail("/usr/local/ocijail/runc"));
	ocimon_options_clear(&o);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("runtime_argv");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_create_all_flags);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_restore);
	tcase_add_test(tc, test_ocijail_never_gets_linux_flags);
	tcase_add_test(tc, test_ocijail_exec_and_restore);
	tcase_add_test(tc, test_listen_pid);
	suite_add_tcase(s, tc);
	return s;
}
