#include <glib.h>

#include "cgroup_path.h"
#include "check_main.h"

/* /proc/<pid>/cgroup of a podman container on a hybrid (v1 + unified) host, cgroupfs. */
static const char hybrid[] = "12:rdma:/\n"
			     "9:name=systemd:/libpod_parent/libpod-abc\n"
			     "8:pids:/libpod_parent/libpod-abc\n"
			     "4:memory:/libpod_parent/libpod-abc\n"
			     "2:cpu,cpuacct:/libpod_parent/libpod-abc\n"
			     "0::/\n";

START_TEST(test_v1_memory_line)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) lines = cgroup_lines_parse(hybrid, &err);
	ck_assert_ptr_nonnull(lines);
	ck_assert_int_eq(lines->len, 6);
	ck_assert_str_eq(cgroup_lines_find(lines, "memory"), "/libpod_parent/libpod-abc");
	ck_assert_str_eq(cgroup_lines_find(lines, "cpuacct"), "/libpod_parent/libpod-abc");
	ck_assert_str_eq(cgroup_lines_find(lines, "rdma"), "/");
	ck_assert_str_eq(cgroup_lines_find(lines, "name=systemd"), "/libpod_parent/libpod-abc");
	ck_assert_ptr_null(cgroup_lines_find(lines, "cpuset"));
	/* "cpu" must not match "cpuacct" nor "cpu,cpuacct" as a string. */
	const struct cgroup_line *l = g_ptr_array_index(lines, 4);
	ck_assert_uint_eq(l->hierarchy, 2);
	ck_assert_str_eq(l->controllers[0], "cpu");
	ck_assert_str_eq(l->controllers[1], "cpuacct");
	ck_assert_ptr_null(l->controllers[2]);
	/* On a hybrid host the "0::" line is the unified hierarchy. */
	ck_assert_str_eq(cgroup_lines_find(lines, NULL), "/");
}
END_TEST

START_TEST(test_v2_line)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) lines =
	    cgroup_lines_parse("0::/machine.slice/libpod-abc.scope/container\n", &err);
	ck_assert_ptr_nonnull(lines);
	ck_assert_str_eq(cgroup_lines_find(lines, NULL),
			 "/machine.slice/libpod-abc.scope/container");
	ck_assert_ptr_null(cgroup_lines_find(lines, "memory"));
	const struct cgroup_line *l = g_ptr_array_index(lines, 0);
	ck_assert_ptr_null(l->controllers[0]);
}
END_TEST

START_TEST(test_path_with_colon_and_deleted)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) lines =
	    cgroup_lines_parse("4:memory:/odd:name/x\n0::/gone/ctr (deleted)\n", &err);
	ck_assert_ptr_nonnull(lines);
	ck_assert_str_eq(cgroup_lines_find(lines, "memory"), "/odd:name/x");
	ck_assert_str_eq(cgroup_lines_find(lines, NULL), "/gone/ctr");
}
END_TEST

START_TEST(test_no_trailing_newline_and_empty)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) lines = cgroup_lines_parse("0::/a", &err);
	ck_assert_ptr_nonnull(lines);
	ck_assert_str_eq(cgroup_lines_find(lines, NULL), "/a");
	g_autoptr(GPtrArray) none = cgroup_lines_parse("", &err);
	ck_assert_ptr_nonnull(none);
	ck_assert_int_eq(none->len, 0);
	ck_assert_ptr_null(cgroup_lines_find(none, NULL));
}
END_TEST

START_TEST(test_malformed)
{
	const char *bad[] = {"memory\n", "4:memory\n",     "x:memory:/a\n", "4:memory:relative\n",
			     "-1::/\n",  "0::/\ngarbage\n"};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) err = NULL;
		GPtrArray *lines = cgroup_lines_parse(bad[i], &err);
		ck_assert_msg(lines == NULL, "accepted \"%s\"", bad[i]);
		ck_assert_ptr_nonnull(err);
	}
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("cgroup_path");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_v1_memory_line);
	tcase_add_test(tc, test_v2_line);
	tcase_add_test(tc, test_path_with_colon_and_deleted);
	tcase_add_test(tc, test_no_trailing_newline_and_empty);
	tcase_add_test(tc, test_malformed);
	suite_add_tcase(s, tc);
	return s;
}
