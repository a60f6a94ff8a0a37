#include <glib.h>
#include <string.h>

#include "check_main.h"
#include "config.h"
#include "options.h"

/* Parses and validates argv (NULL-terminated); returns the error message or NULL. */
static char *run(struct ocimon_options *o, const char *const *args)
{
	int argc = 0;
	while (args[argc])
		argc++;
	ocimon_options_init(o);
	g_autoptr(GError) err = NULL;
	if (!ocimon_options_parse(o, argc, (char **)args, &err))
		return g_strdup(err->message);
	if (!ocimon_options_validate(o, "/work/dir", &err))
		return g_strdup(err->message);
	return NULL;
}

#define BASE "ocimon", "-c", "abc", "-u", "abc", "-r", "/bin/true", "-l", "k8s-file:/tmp/x.log"

START_TEST(test_podman_create_args)
{
	const char *args[] = {"ocimon",
			      "--api-version",
			      "1",
			      "-c",
			      "cid1",
			      "-u",
			      "cid1",
			      "-r",
			      "/bin/true",
			      "-b",
			      "/b",
			      "-p",
			      "/b/pidfile",
			      "-n",
			      "name",
			      "--exit-dir",
			      "/e",
			      "--full-attach",
			      "-l",
			      "k8s-file:/b/ctr.log",
			      "--log-level",
			      "warning",
			      "--runtime-arg",
			      "--log-format=json",
			      "--runtime-arg",
			      "--log",
			      "--runtime-arg=/b/oci-log",
			      "--conmon-pidfile",
			      "/b/conmon.pid",
			      "--exit-command",
			      "/usr/bin/podman",
			      "--exit-command-arg",
			      "--root",
			      "--exit-command-arg",
			      "",
			      "--exit-command-arg",
			      "cid1",
			      NULL};
	struct ocimon_options o;
	g_autofree char *err = run(&o, args);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(o.api_version, 1);
	ck_assert_str_eq(o.cid, "cid1");
	ck_assert_str_eq(o.bundle, "/b");
	ck_assert(o.full_attach);
	ck_assert_int_eq(g_strv_length(o.runtime_args), 3);
	ck_assert_str_eq(o.runtime_args[2], "/b/oci-log");
	ck_assert_int_eq(g_strv_length(o.exit_args), 3);
	ck_assert_str_eq(o.exit_args[1], "");
	ck_assert_int_eq(o.log_level, OCIMON_LOG_WARNING);
	ocimon_options_clear(&o);
}
END_TEST

START_TEST(test_api_version_forms)
{
	const char *with_value[] = {BASE, "--api-version", "1", NULL};
	const char *bare[] = {BASE, "--api-version", NULL};
	const char *equals[] = {BASE, "--api-version=1", NULL};
	const char *none[] = {BASE, NULL};
	const char *const *cases[] = {with_value, bare, equals};
	struct ocimon_options o;
	for (size_t i = 0; i < 3; i++) {
		g_autofree char *err = run(&o, cases[i]);
		ck_assert_ptr_null(err);
		ck_assert_int_eq(o.api_version, 1);
		ocimon_options_clear(&o);
	}
	g_autofree char *err = run(&o, none);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(o.api_version, 0);
	ocimon_options_clear(&o);
}
END_TEST

static void expect_error(const char *const *args, const char *text)
{
	struct ocimon_options o;
	g_autofree char *err = run(&o, args);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, text) != NULL, "\"%s\" does not contain \"%s\"", err, text);
	ocimon_options_clear(&o);
}

START_TEST(test_validation_errors)
{
	const char *no_cid[] = {"ocimon", "-u", "x", "-r", "/bin/true", "-l", "none", NULL};
	expect_error(no_cid, "Container ID not provided. Use --cid");
	const char *no_cuuid[] = {"ocimon", "-c", "x", "-r", "/bin/true", "-l", "none", NULL};
	expect_error(no_cuuid, "Container UUID not provided. Use --cuuid");
	const char *no_runtime[] = {"ocimon", "-c", "x", "-u", "x", "-l", "none", NULL};
	expect_error(no_runtime, "Runtime path not provided. Use --runtime");
	const char *bad_runtime[] = {"ocimon", "-c", "x", "-u", "x", "-r", "/nonexistent", NULL};
	expect_error(bad_runtime, "Runtime path /nonexistent is not valid");
	const char *no_log[] = {"ocimon", "-c", "x", "-u", "x", "-r", "/bin/true", NULL};
	expect_error(no_log, "Log driver not provided. Use --log-path");
	const char *exec_restore[] = {BASE, "-e", "--restore", "/cp", NULL};
	expect_error(exec_restore, "Cannot use 'exec' and 'restore' at the same time");
	const char *attach_no_exec[] = {BASE, "--exec-attach", "--api-version", NULL};
	expect_error(attach_no_exec, "Attach can only be specified with exec");
	const char *attach_legacy[] = {BASE, "-e", "--exec-attach", "--exec-process-spec",
				       "/s", NULL};
	expect_error(attach_legacy, "Attach can only be specified for a non-legacy exec session");
	const char *exec_no_spec[] = {BASE, "-e", NULL};
	expect_error(exec_no_spec, "Exec process spec path not provided. Use --exec-process-spec");
	const char *neg_delay[] = {BASE, "--exit-delay", "-1", NULL};
	expect_error(neg_delay, "Delay before invoking exit command must be greater than or equal");
	const char *bad_level[] = {BASE, "--log-level", "loud", NULL};
	expect_error(bad_level, "No such log level loud");
	const char *unknown[] = {BASE, "--no-such-flag", NULL};
	expect_error(unknown, "Unknown option --no-such-flag");
	const char *bad_int[] = {BASE, "--timeout", "soon", NULL};
	expect_error(bad_int, "soon");
	const char *bad_label[] = {BASE, "--log-label", "lower=x", NULL};
	expect_error(bad_label, "k8s-file doesn't support --log-label");
	const char *bad_mode[] = {BASE, "--log-mode", "fast", NULL};
	expect_error(bad_mode, "Invalid --log-mode fast: use blocking or non-blocking");
	const char *bad_buf[] = {BASE,   "--log-mode", "non-blocking", "--log-max-buffer",
				 "lots", NULL};
	expect_error(bad_buf, "Invalid --log-max-buffer lots");
}
END_TEST

/* The option checks conmon's main makes that ocimon once made differently (issue 10). */
START_TEST(test_conmon_checks)
{
	const char *empty_log[] = {"ocimon", "-c",        "abc",        "-u", "abc",
				   "-r",     "/bin/true", "--log-path", "",   NULL};
	expect_error(empty_log, "log-path must not be empty");
	const char *colon_log[] = {"ocimon", "-c",        "abc", "-u", "abc",
				   "-r",     "/bin/true", "-l",  ":",  NULL};
	expect_error(colon_log, "log-path must not be empty");
	const char *k8s_no_path[] = {"ocimon", "-c",        "abc", "-u",        "abc",
				     "-r",     "/bin/true", "-l",  "k8s-file:", NULL};
	expect_error(k8s_no_path, "k8s-file requires a filename");
	const char *k8s_bare[] = {"ocimon", "-c",        "abc", "-u",       "abc",
				  "-r",     "/bin/true", "-l",  "k8s-file", NULL};
	expect_error(k8s_bare, "k8s-file requires a filename");

	const char *label_k8s[] = {BASE, "--log-label", "APP=web", NULL};
	expect_error(label_k8s, "k8s-file doesn't support --log-label");
	const char *neg_files[] = {BASE, "--log-max-files", "-1", NULL};
	expect_error(neg_files, "log-max-files must be non-negative");
	const char *zero_rotate[] = {BASE, "--log-rotate", "--log-max-files", "0", NULL};
	expect_error(zero_rotate, "log-max-files must be at least 1 when log-rotate is enabled");
	const char *big_files[] = {BASE, "--log-max-files", "2147483648", NULL};
	expect_error(big_files, "out of range");
	const char *attach_legacy[] = {BASE, "-e", "--exec-process-spec", "/s", "--exec-attach",
				       NULL};
	expect_error(attach_legacy, "Attach can only be specified for a non-legacy exec session");
	const char *bad_runtime[] = {"ocimon", "-c", "x", "-u", "x", "-r", "/nonexistent", NULL};
	expect_error(bad_runtime,
		     "Runtime path /nonexistent is not valid No such file or directory");
	const char *seccomp[] = {BASE, "--seccomp-notify-socket", "/s", NULL};
	expect_error(seccomp, "Unknown option --seccomp-notify-socket");
#if HAVE_JOURNALD
	const char *short_cid[] = {"ocimon", "-c",        "abcdefghijkl", "-u",        "x",
				   "-r",     "/bin/true", "-l",           "journald:", NULL};
	expect_error(short_cid, "Container ID must be longer than 12 characters");
#endif

	/* Accepted as conmon accepts them. */
	struct ocimon_options o;
	const char *zero_files[] = {BASE, "--log-max-files", "0", NULL};
	g_autofree char *e1 = run(&o, zero_files);
	ck_assert_msg(e1 == NULL, "%s", e1);
	ocimon_options_clear(&o);
	const char *neg_timeout[] = {BASE, "--timeout", "-5", NULL};
	g_autofree char *e2 = run(&o, neg_timeout);
	ck_assert_msg(e2 == NULL, "%s", e2);
	ocimon_options_clear(&o);
	const char *none_label[] = {"ocimon", "-c",          "abc", "-u",   "abc",
				    "-r",     "/bin/true",   "-l",  "none", "--log-tag",
				    "t",      "--log-label", "bad", NULL};
	g_autofree char *e3 = run(&o, none_label);
	ck_assert_msg(e3 == NULL, "%s", e3);
	ck_assert(!o.log_journald);
	ocimon_options_clear(&o);
	const char *dirs[] = {BASE, "--log-allowlist-dir", "/a", "--log-allowlist-dir", "/b", NULL};
	g_autofree char *e4 = run(&o, dirs);
	ck_assert_msg(e4 == NULL, "%s", e4);
	ck_assert_int_eq(g_strv_length(o.log_allowlist_dirs), 2);
	ocimon_options_clear(&o);
}
END_TEST

START_TEST(test_legacy_exec_needs_no_cuuid)
{
	const char *args[] = {
	    "ocimon", "-c", "x", "-r", "/bin/true", "-l", "none", "-e", "--exec-process-spec",
	    "/s",     NULL};
	struct ocimon_options o;
	g_autofree char *err = run(&o, args);
	ck_assert_ptr_null(err);
	ck_assert_ptr_null(o.bundle); /* exec gets no default bundle */
	ocimon_options_clear(&o);
}
END_TEST

START_TEST(test_defaults)
{
	const char *args[] = {BASE, NULL};
	struct ocimon_options o;
	g_autofree char *err = run(&o, args);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(o.bundle, "/work/dir");
	ck_assert_str_eq(o.container_pidfile, "/work/dir/pidfile-abc");
	ck_assert_str_eq(o.socket_dir, "/var/run/crio");
	ck_assert_int_eq(o.log_size_max, -1);
	ck_assert_int_eq(o.timeout, 0);
	ocimon_options_clear(&o);
}
END_TEST

START_TEST(test_log_levels)
{
	static const struct {
		const char *name;
		enum ocimon_log_level level;
	} cases[] = {{"trace", OCIMON_LOG_TRACE},     {"debug", OCIMON_LOG_DEBUG},
		     {"info", OCIMON_LOG_INFO},       {"warn", OCIMON_LOG_WARNING},
		     {"warning", OCIMON_LOG_WARNING}, {"error", OCIMON_LOG_ERROR},
		     {"fatal", OCIMON_LOG_ERROR},     {"panic", OCIMON_LOG_ERROR}};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		enum ocimon_log_level l;
		ck_assert(ocimon_log_level_parse(cases[i].name, &l));
		ck_assert_int_eq(l, cases[i].level);
	}
	enum ocimon_log_level l;
	ck_assert(!ocimon_log_level_parse("verbose", &l));
	ck_assert(ocimon_log_level_parse("DEBUG", &l)); /* conmon compares with strcasecmp */
	ck_assert_int_eq(l, OCIMON_LOG_DEBUG);
	ck_assert(!ocimon_log_level_parse(NULL, &l));
}
END_TEST

START_TEST(test_every_flag_accepted)
{
	/* Every flag of SPEC §1.2, in the forms podman and CRI-O pass them. */
	const char *args[] = {BASE,
			      "-t",
			      "-i",
			      "--leave-stdin-open",
			      "--syslog",
			      "-s",
			      "--no-pivot",
			      "--no-new-keyring",
			      "--replace-listen-pid",
			      "--sync",
			      "--no-sync-log",
			      "--full-attach",
			      "--no-container-partial-message",
			      "--name",
			      "n",
			      "-b",
			      "/b",
			      "--persist-dir",
			      "/p",
			      "-p",
			      "/p/pid",
			      "-P",
			      "/p/conmon.pid",
			      "--pidfile",
			      "/p/pid2",
			      "--exit-dir",
			      "/e",
			      "--exit-command",
			      "/x",
			      "--exit-command-arg",
			      "a",
			      "--exit-delay",
			      "3",
			      "--socket-dir-path",
			      "/s",
			      "--log-level",
			      "debug",
			      "--log-size-max",
			      "1000",
			      "--log-global-size-max",
			      "2000",
			      "--log-max-files",
			      "3",
			      "--log-allowlist-dir",
			      "/tmp",
			      "--runtime-arg",
			      "--root=/r",
			      "--runtime-opt",
			      "--preserve-fds",
			      "--runtime-opt",
			      "2",
			      "--restore-arg",
			      "--tcp-established",
			      "--sdnotify-socket=/n",
			      "--timeout=5",
			      "-T",
			      "6",
			      "--conmon-pidfile",
			      "/c",
			      "--container-pidfile",
			      "/cp",
			      "--cid",
			      "abc",
			      "--cuuid",
			      "abc",
			      "--runtime",
			      "/bin/true",
			      "--log-path",
			      "none",
			      NULL};
	struct ocimon_options o;
	g_autofree char *err = run(&o, args);
	ck_assert_msg(err == NULL, "%s", err);
	ck_assert_int_eq(o.timeout, 6);
	ck_assert_int_eq(o.exit_delay, 3);
	ck_assert_int_eq(o.log_size_max, 1000);
	ck_assert_int_eq(o.preserve_fds, 2);
	ck_assert_int_eq(g_strv_length(o.runtime_opts), 3);
	ck_assert_int_eq(g_strv_length(o.log_paths), 2);
	ck_assert_str_eq(o.sdnotify_socket, "/n");
	ck_assert(o.terminal && o.stdin_ && o.sync && o.systemd_cgroup);
	ocimon_options_clear(&o);
}
END_TEST

START_TEST(test_help_lists_everything)
{
	g_autofree char *help = ocimon_options_help();
	const char *must[] = {"--api-version",         "--log-rotate",
			      "--full-attach",         "journald",
			      "--exit-delay",          "--log-label",
			      "--persist-dir",         "--sdnotify-socket",
			      "--log-global-size-max", "--no-container-partial-message"};
	for (size_t i = 0; i < G_N_ELEMENTS(must); i++)
		ck_assert_msg(strstr(help, must[i]) != NULL, "help lacks %s", must[i]);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_podman_create_args);
	tcase_add_test(tc, test_api_version_forms);
	tcase_add_test(tc, test_validation_errors);
	tcase_add_test(tc, test_conmon_checks);
	tcase_add_test(tc, test_legacy_exec_needs_no_cuuid);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_log_levels);
	tcase_add_test(tc, test_every_flag_accepted);
	tcase_add_test(tc, test_help_lists_everything);
	suite_add_tcase(s, tc);
	return s;
}
