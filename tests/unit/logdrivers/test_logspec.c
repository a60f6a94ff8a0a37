#include <glib.h>
#include <string.h>

#include "check_main.h"
#include "config.h"
#include "logdriver.h"

static void expect_ok(const char *arg, const char *driver, const char *path)
{
	struct log_spec spec;
	g_autoptr(GError) err = NULL;
	ck_assert_msg(log_spec_parse(arg, &spec, &err), "%s: %s", arg, err ? err->message : "");
	ck_assert_str_eq(spec.driver->name, driver);
	if (path)
		ck_assert_str_eq(spec.path, path);
	else
		ck_assert_ptr_null(spec.path);
	log_spec_clear(&spec);
}

static void expect_fail(const char *arg, const char *text)
{
	struct log_spec spec;
	g_autoptr(GError) err = NULL;
	ck_assert(!log_spec_parse(arg, &spec, &err));
	ck_assert_msg(strstr(err->message, text) != NULL, "%s", err->message);
}

START_TEST(test_forms)
{
	expect_ok("k8s-file:/var/log/ctr.log", "k8s-file", "/var/log/ctr.log");
	expect_ok("/var/log/ctr.log", "k8s-file", "/var/log/ctr.log");
	expect_ok(":/var/log/ctr.log", "k8s-file", "/var/log/ctr.log");
	/* split on the first colon only */
	expect_ok("k8s-file:/var/log/a:b.log", "k8s-file", "/var/log/a:b.log");
	expect_ok("none", "none", NULL);
	expect_ok("off", "none", NULL);
	expect_ok("null", "none", NULL);
	expect_ok("passthrough", "passthrough", NULL);
#if HAVE_JOURNALD
	expect_ok("journald", "journald", NULL);
	expect_ok("journald:", "journald", NULL);
	expect_ok("journald:ignored", "journald", NULL);
#endif
}
END_TEST

/* conmon's words (C src/ctr_logging.c parse_log_path). */
START_TEST(test_errors)
{
	expect_fail("", "log-path must not be empty");
	expect_fail(":", "log-path must not be empty");
	expect_fail("::", "log-path must not be empty");
	expect_fail("syslog:/x", "No such log driver syslog");
	expect_fail("invalid:", "No such log driver invalid");
	expect_fail("k8s-file:", "k8s-file requires a filename");
	expect_fail("k8s-file", "k8s-file requires a filename");
}
END_TEST

static void expect_label_error(const char *label, const char *text)
{
	g_autoptr(GError) err = NULL;
	ck_assert_msg(!log_label_validate(label, &err), "accepted %s", label);
	ck_assert_str_eq(err->message, text);
}

START_TEST(test_labels)
{
	g_autoptr(GError) err = NULL;
	ck_assert(log_label_validate("APP=web", &err));
	ck_assert(log_label_validate("A_1=", &err));
	expect_label_error("app=web", "Container label names must contain only uppercase "
				      "letters, numbers and underscore (in 'app=web')");
	expect_label_error("MY%LABEL=x", "Container label names must contain only uppercase "
					 "letters, numbers and underscore (in 'MY%LABEL=x')");
	expect_label_error("A=b=c", "Container labels must be in format LABEL=VALUE (none or "
				    "more than one '=' present in 'A=b=c')");
	expect_label_error("NOEQUALS", "Container labels must be in format LABEL=VALUE (none or "
				       "more than one '=' present in 'NOEQUALS')");
	expect_label_error("=x", "Container labels must be in format LABEL=VALUE (no LABEL "
				 "present in '=x')");
	expect_label_error("=x=y", "Container labels must be in format LABEL=VALUE (no LABEL "
				   "present in '=x=y')");
}
END_TEST

#define LONG_ID "0123456789abcdef"

static void expect_check(char **args, const char *tag, char **labels, const char *cid,
			 const char *text)
{
	struct log_check c = {.cid = cid, .tag = tag, .labels = labels};
	struct log_check_result r;
	g_autoptr(GError) err = NULL;
	gboolean ok = log_specs_check(args, &c, &r, &err);
	if (text == NULL) {
		ck_assert_msg(ok, "%s", err ? err->message : "");
	} else {
		ck_assert_msg(!ok, "accepted, expected \"%s\"", text);
		ck_assert_str_eq(err->message, text);
	}
}

/* conmon's checks across the -l values (C src/ctr_logging.c configure_log_drivers). */
START_TEST(test_specs_check)
{
	char *k8s[] = {"k8s-file:/x/ctr.log", NULL};
	char *none[] = {"none", NULL};
	char *empty[] = {NULL};
	char *label[] = {"APP=web", NULL};
	char *bad_label[] = {"app=web", NULL};
	expect_check(NULL, NULL, NULL, LONG_ID, "Log driver not provided. Use --log-path");
	expect_check(empty, NULL, NULL, LONG_ID, "Log driver not provided. Use --log-path");
	expect_check(k8s, "tag", NULL, LONG_ID, "k8s-file doesn't support --log-tag");
	expect_check(k8s, NULL, label, LONG_ID, "k8s-file doesn't support --log-label");
	/* k8s-file doesn't care before it is checked for labels: conmon validates labels for
	 * journald only. */
	expect_check(k8s, NULL, bad_label, LONG_ID, "k8s-file doesn't support --log-label");
	expect_check(none, "tag", bad_label, "short", NULL);
#if HAVE_JOURNALD
	char *journald[] = {"journald:", NULL};
	char *both[] = {"k8s-file:/x/ctr.log", "journald", NULL};
	expect_check(journald, NULL, NULL, "abcdefghijkl",
		     "Container ID must be longer than 12 characters");
	expect_check(journald, NULL, NULL, "abcdefghijklm", NULL);
	expect_check(both, "tag", label, LONG_ID, NULL);
	expect_check(both, NULL, bad_label, LONG_ID,
		     "Container label names must contain only uppercase letters, numbers and "
		     "underscore (in 'app=web')");
	struct log_check c = {.cid = LONG_ID};
	struct log_check_result r;
	ck_assert(log_specs_check(both, &c, &r, NULL));
	ck_assert(r.journald && r.k8s_file);
#endif
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("logspec");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_forms);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_labels);
	tcase_add_test(tc, test_specs_check);
	suite_add_tcase(s, tc);
	return s;
}
