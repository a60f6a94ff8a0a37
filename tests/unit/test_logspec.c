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

START_TEST(test_errors)
{
	expect_fail("", "Log driver not provided");
	expect_fail("syslog:/x", "No such log driver syslog");
	expect_fail("k8s-file:", "needs a path");
	expect_fail("k8s-file", "needs a path");
}
END_TEST

START_TEST(test_labels)
{
	g_autoptr(GError) err = NULL;
	ck_assert(log_label_validate("APP=web", &err));
	ck_assert(log_label_validate("A_1=", &err));
	ck_assert(!log_label_validate("app=web", &err));
	g_clear_error(&err);
	ck_assert(!log_label_validate("A=b=c", &err));
	g_clear_error(&err);
	ck_assert(!log_label_validate("=x", &err));
	g_clear_error(&err);
	ck_assert(!log_label_validate("NOEQUALS", &err));
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("logspec");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_forms);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_labels);
	suite_add_tcase(s, tc);
	return s;
}
