#include <glib.h>
#include <string.h>

#include "check_main.h"
#include "notify.h"

/* The filtered datagram, or "(none)". */
static char *filter(const char *msg)
{
	char *out = notify_filter(msg, strlen(msg));
	return out ? out : g_strdup("(none)");
}

#define assert_filtered(in, want)                                                                  \
	do {                                                                                       \
		g_autofree char *got = filter(in);                                                 \
		ck_assert_str_eq(got, want);                                                       \
	} while (0)

START_TEST(test_allowed_exact)
{
	const char *ok[] = {"READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1",
			    "WATCHDOG=trigger"};
	for (size_t i = 0; i < G_N_ELEMENTS(ok); i++)
		assert_filtered(ok[i], ok[i]);
	/* Exact lines only: other values and look-alikes stay behind. */
	assert_filtered("READY=0", "(none)");
	assert_filtered("READY=11", "(none)");
	assert_filtered(" READY=1", "(none)");
	assert_filtered("WATCHDOG=2", "(none)");
	assert_filtered("ready=1", "(none)");
}
END_TEST

START_TEST(test_allowed_prefixes)
{
	assert_filtered("STATUS=serving 3 clients", "STATUS=serving 3 clients");
	assert_filtered("STATUS=", "STATUS=");
	assert_filtered("ERRNO=2", "ERRNO=2");
	assert_filtered("BUSERROR=org.freedesktop.DBus.Error.Failed",
			"BUSERROR=org.freedesktop.DBus.Error.Failed");
	assert_filtered("MONOTONIC_USEC=123456", "MONOTONIC_USEC=123456");
}
END_TEST

START_TEST(test_mainpid_and_others_dropped)
{
	assert_filtered("MAINPID=1", "(none)");
	assert_filtered("FDSTORE=1", "(none)");
	assert_filtered("EXTEND_TIMEOUT_USEC=5000000", "(none)");
	assert_filtered("", "(none)");
	assert_filtered("\n\r\n", "(none)");
}
END_TEST

START_TEST(test_multiline)
{
	assert_filtered("MAINPID=42\nREADY=1\nSTATUS=up", "READY=1\nSTATUS=up");
	assert_filtered("RELOADING=1\r\nMONOTONIC_USEC=99\r\n", "RELOADING=1\nMONOTONIC_USEC=99");
	assert_filtered("READY=1\n\nMAINPID=7\nWATCHDOG=1\n", "READY=1\nWATCHDOG=1");
}
END_TEST

START_TEST(test_embedded_nul)
{
	/* A NUL ends a line: nothing after it rides along with an allowed prefix. */
	static const char msg[] = "STATUS=a\0MAINPID=1\nREADY=1";
	char *out = notify_filter(msg, sizeof(msg) - 1);
	ck_assert_str_eq(out, "STATUS=a\nREADY=1");
	g_free(out);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("notify_filter");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_allowed_exact);
	tcase_add_test(tc, test_allowed_prefixes);
	tcase_add_test(tc, test_mainpid_and_others_dropped);
	tcase_add_test(tc, test_multiline);
	tcase_add_test(tc, test_embedded_nul);
	suite_add_tcase(s, tc);
	return s;
}
