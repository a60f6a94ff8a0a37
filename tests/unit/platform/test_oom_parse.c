#include <glib.h>

#include "check_main.h"
#include "oom_parse.h"

START_TEST(test_memory_events)
{
	struct oom_counters c;
	g_autoptr(GError) err = NULL;
	ck_assert(oom_parse_memory_events(
	    "low 0\nhigh 0\nmax 17\noom 2\noom_kill 1\noom_group_kill 5\n", &c, &err));
	ck_assert_uint_eq(c.oom, 2);
	/* oom_group_kill is another counter: it must not be taken for oom_kill. */
	ck_assert_uint_eq(c.oom_kill, 1);
	ck_assert(c.has_oom_kill);
	ck_assert(!c.under_oom);
}
END_TEST

START_TEST(test_oom_control)
{
	struct oom_counters c;
	g_autoptr(GError) err = NULL;
	ck_assert(oom_parse_oom_control("oom_kill_disable 0\nunder_oom 1\noom_kill 3\n", &c, &err));
	ck_assert(c.under_oom);
	ck_assert_uint_eq(c.oom_kill, 3);
	ck_assert(c.has_oom_kill);
	ck_assert_uint_eq(c.oom, 0);
	/* Before Linux 4.13 there is no oom_kill line. */
	ck_assert(oom_parse_oom_control("oom_kill_disable 0\nunder_oom 0\n", &c, &err));
	ck_assert(!c.has_oom_kill);
	ck_assert(!c.under_oom);
}
END_TEST

START_TEST(test_malformed)
{
	const char *bad[] = {"oom\n", "oom x\n", "oom 1 2\n", "oom -1\n",
			     "oom 99999999999999999999\n"};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct oom_counters c;
		g_autoptr(GError) err = NULL;
		ck_assert_msg(!oom_parse_memory_events(bad[i], &c, &err), "accepted \"%s\"",
			      bad[i]);
		ck_assert_ptr_nonnull(err);
	}
}
END_TEST

START_TEST(test_counters_compared_separately)
{
	struct oom_counters base = {.oom = 1, .oom_kill = 1};
	struct oom_counters same = base;
	ck_assert(!oom_counters_show_new_oom(&base, &same));
	/* An OOM that killed nothing. */
	struct oom_counters oom_only = {.oom = 2, .oom_kill = 1};
	ck_assert(oom_counters_show_new_oom(&base, &oom_only));
	/* A kill counted before its oom (conmon#426: one shared counter missed this). */
	struct oom_counters kill_only = {.oom = 1, .oom_kill = 2};
	ck_assert(oom_counters_show_new_oom(&base, &kill_only));
	struct oom_counters under = {.oom = 1, .oom_kill = 1, .under_oom = true};
	ck_assert(oom_counters_show_new_oom(&base, &under));
	struct oom_counters zero = {0};
	ck_assert(!oom_counters_show_new_oom(&zero, &zero));
}
END_TEST

START_TEST(test_v1_eventfd_rule)
{
	ck_assert(!oom_v1_events_mean_oom(0, false));
	ck_assert(!oom_v1_events_mean_oom(0, true));
	/* The cgroup still exists: the event is an OOM notification. */
	ck_assert(oom_v1_events_mean_oom(1, false));
	/* One event and the cgroup is gone: that event was its removal. */
	ck_assert(!oom_v1_events_mean_oom(1, true));
	/* An OOM and the removal. */
	ck_assert(oom_v1_events_mean_oom(2, true));
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("oom_parse");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_memory_events);
	tcase_add_test(tc, test_oom_control);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_counters_compared_separately);
	tcase_add_test(tc, test_v1_eventfd_rule);
	suite_add_tcase(s, tc);
	return s;
}
