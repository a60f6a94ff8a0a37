/* The Linux cgroup backend: the pure parsers, and whole samples read from fixture trees
 * (tests/fixtures/cgroup: v1 captured from a podman container on this project's cgroup-v1
 * machine, a co-mounted v1 layout, and v2). */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cgroup_parse.h"
#include "check_main.h"
#include "stats_cgroup_linux.h"

#define CID_V1 "c9377b2d2e343cd7d63cb0db3f515d49bd6090c6f690c3b9a341265ad0b6144b"
#define CID    "deadbeef0123456789abcdef0123456789abcdef0123456789abcdef01234567"
#define PHYS   G_GUINT64_CONSTANT(25276502016)

static char *fixture(const char *rel)
{
	return g_build_filename(FIXTURES, "cgroup", rel, NULL);
}

static char *fixture_text(const char *rel)
{
	g_autofree char *path = fixture(rel);
	char *text = NULL;
	ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "read %s", path);
	return text;
}

/* Reads one sample of the fixture tree root for the membership text. */
static gboolean sample_of(const char *root_rel, const char *membership, const char *cid,
			  struct ocimon_sample *s, GError **err)
{
	g_autofree char *root = fixture(root_rel);
	g_autoptr(stats_source) src = cgroup_source_new(root, membership, cid, PHYS, err);
	if (src == NULL)
		return FALSE;
	memset(s, 0, sizeof(*s));
	return stats_source_read(src, NULL, false, s, err);
}

START_TEST(test_membership_longest_ignores_named)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *text = fixture_text("v1-comounted/proc_pid_cgroup");
	/* name=systemd has the longest path but is not a resource controller. */
	g_autofree char *p = cgroup_parse_membership(text, NULL, &err);
	ck_assert_str_eq(p, "/machine.slice/libpod-" CID ".scope");
}
END_TEST

START_TEST(test_membership_trims_after_container)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *a =
	    cgroup_parse_membership("0::/user.slice/libpod-" CID ".scope/container\n", CID, &err);
	ck_assert_str_eq(a, "/user.slice/libpod-" CID ".scope");
	g_autofree char *b =
	    cgroup_parse_membership("0::/libpod_parent/libpod-payload-" CID "/sub/x\n", CID, &err);
	ck_assert_str_eq(b, "/libpod_parent/libpod-payload-" CID);
	g_autofree char *c =
	    cgroup_parse_membership("4:memory:/libpod_parent/libpod-" CID "/init\n", CID, &err);
	ck_assert_str_eq(c, "/libpod_parent/libpod-" CID);
	/* Another container's ID must not trim. */
	g_autofree char *d =
	    cgroup_parse_membership("0::/kubepods/crio-" CID ".scope/x\n", "other", &err);
	ck_assert_str_eq(d, "/kubepods/crio-" CID ".scope/x");
	/* A removed v2 cgroup is reported with " (deleted)". */
	g_autofree char *e =
	    cgroup_parse_membership("0::/libpod-" CID ".scope (deleted)\n", CID, &err);
	ck_assert_str_eq(e, "/libpod-" CID ".scope");
}
END_TEST

START_TEST(test_membership_errors)
{
	g_autoptr(GError) err = NULL;
	ck_assert_ptr_null(cgroup_parse_membership("", NULL, &err));
	ck_assert_int_eq(err->code, ENOENT);
	g_clear_error(&err);
	ck_assert_ptr_null(cgroup_parse_membership("1:name=systemd:/x\n", NULL, &err));
	g_clear_error(&err);
	ck_assert_ptr_null(cgroup_parse_membership("garbage\n", NULL, &err));
}
END_TEST

/* A container sharing its monitor's cgroup has no numbers of its own (stats_backend.h). */
START_TEST(test_membership_same)
{
	/* rootless podman on cgroup v1: nothing is created, both stay where podman was. */
	const char *rootless = "12:pids:/user.slice/user-1001.slice/session-3.scope\n"
			       "4:memory:/user.slice/user-1001.slice/session-3.scope\n"
			       "1:name=systemd:/user.slice/user-1001.slice/session-3.scope\n"
			       "0::/user.slice/user-1001.slice/session-3.scope\n";
	ck_assert(cgroup_membership_same(rootless, CID, rootless));
	/* podman as root, cgroupfs: conmon and the container each get one. */
	ck_assert(!cgroup_membership_same("4:memory:/libpod_parent/libpod-" CID "\n", CID,
					  "4:memory:/libpod_parent/conmon\n"));
	/* systemd, cgroup v2: the payload's sub-cgroup is cut back to the container's scope,
	 * which still is not the monitor's. */
	ck_assert(!cgroup_membership_same("0::/machine.slice/libpod-" CID ".scope/container\n", CID,
					  "0::/machine.slice/libpod-conmon-" CID ".scope\n"));
	/* --cgroups=split: the container below the monitor's cgroup is its own. */
	ck_assert(!cgroup_membership_same("0::/user.slice/u.scope/libpod-payload-" CID "\n", CID,
					  "0::/user.slice/u.scope\n"));
	ck_assert(!cgroup_membership_same("garbage", CID, "garbage"));
	ck_assert(!cgroup_membership_same("", CID, ""));
}
END_TEST

START_TEST(test_values)
{
	guint64 v;
	ck_assert(cgroup_parse_value("123\n", &v));
	ck_assert_uint_eq(v, 123);
	ck_assert(cgroup_parse_value("max\n", &v));
	ck_assert_uint_eq(v, G_MAXUINT64);
	ck_assert(!cgroup_parse_value("", &v));
	ck_assert(!cgroup_parse_value("12x", &v));
	ck_assert(cgroup_parse_keyed("usage_usec 10\nuser_usec 7\n", "user_usec", &v));
	ck_assert_uint_eq(v, 7);
	/* "inactive_file" must not match "total_inactive_file" nor a prefix of a longer key. */
	ck_assert(cgroup_parse_keyed("total_inactive_file 5\ninactive_filex 6\ninactive_file 9",
				     "inactive_file", &v));
	ck_assert_uint_eq(v, 9);
	ck_assert(!cgroup_parse_keyed("a 1\n", "b", &v));
	ck_assert_uint_eq(cgroup_mem_usage(100, 30), 70);
	ck_assert_uint_eq(cgroup_mem_usage(30, 100), 0);
	ck_assert_uint_eq(cgroup_mem_limit(G_MAXUINT64, 1000), 1000);
	ck_assert_uint_eq(cgroup_mem_limit(G_GUINT64_CONSTANT(9223372036854771712), 1000), 1000);
	ck_assert_uint_eq(cgroup_mem_limit(500, 1000), 500);
	ck_assert_uint_eq(cgroup_mem_limit(0, 1000), 1000);
}
END_TEST

START_TEST(test_blkio_parsers)
{
	guint64 r, w;
	cgroup_parse_io_stat("8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n"
			     "253:0 rbytes=5 wbytes=1 rios=1 wios=1 dbytes=0 dios=0\n",
			     &r, &w);
	ck_assert_uint_eq(r, 15);
	ck_assert_uint_eq(w, 21);
	cgroup_parse_io_stat("", &r, &w);
	ck_assert_uint_eq(r + w, 0);
	cgroup_parse_blkio_v1("8:0 Read 7\n8:0 Write 9\n8:0 Sync 16\n8:0 Total 16\nTotal 16\n", &r,
			      &w);
	ck_assert_uint_eq(r, 7);
	ck_assert_uint_eq(w, 9);
	cgroup_parse_blkio_v1("Total 0\n", &r, &w);
	ck_assert_uint_eq(r + w, 0);
}
END_TEST

/* A kernel (or a fixture) may report anything: sums and unit conversions saturate
 * instead of wrapping (issue 16). */
START_TEST(test_parsers_saturate)
{
	guint64 r, w, ns;
	cgroup_parse_io_stat("8:0 rbytes=18446744073709551615 wbytes=1\n"
			     "8:16 rbytes=2 wbytes=18446744073709551615\n",
			     &r, &w);
	ck_assert_uint_eq(r, G_MAXUINT64);
	ck_assert_uint_eq(w, G_MAXUINT64);
	cgroup_parse_blkio_v1("8:0 Read 18446744073709551000\n8:16 Read 1000\n"
			      "8:0 Write 3\n8:16 Write 4\n",
			      &r, &w);
	ck_assert_uint_eq(r, G_MAXUINT64);
	ck_assert_uint_eq(w, 7);
	ck_assert(cgroup_parse_cpu_v2("usage_usec 18446744073709551\nuser_usec 1\n", &ns));
	ck_assert_uint_eq(ns, G_GUINT64_CONSTANT(18446744073709551000));
	ck_assert(cgroup_parse_cpu_v2("usage_usec 18446744073709552\n", &ns));
	ck_assert_uint_eq(ns, G_MAXUINT64);
	ck_assert(cgroup_parse_cpu_v2("usage_usec 2\n", &ns));
	ck_assert_uint_eq(ns, 2000);
	ck_assert(!cgroup_parse_cpu_v2("user_usec 2\n", &ns));
}
END_TEST

START_TEST(test_v1_real_container)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *text = fixture_text("v1/proc_pid_cgroup");
	struct ocimon_sample s;
	ck_assert_msg(sample_of("v1", text, CID_V1, &s, &err), "%s", err ? err->message : "");
	ck_assert_uint_eq(s.cpu_ns, 37437687);
	/* memory.usage_in_bytes 22044672 - total_inactive_file 20971520 (the file the
	 * container wrote sits in the page cache). */
	ck_assert_uint_eq(s.mem_bytes, 22044672 - 20971520);
	ck_assert_uint_eq(s.mem_limit_bytes, 268435456); /* podman run --memory 256m */
	ck_assert_uint_eq(s.pids, 3);
	ck_assert_uint_eq(s.blk_read_bytes, 0);
	ck_assert(!s.has_racct);
}
END_TEST

START_TEST(test_v1_comounted_missing_pids_no_limit)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *text = fixture_text("v1-comounted/proc_pid_cgroup");
	struct ocimon_sample s;
	ck_assert_msg(sample_of("v1-comounted", text, CID, &s, &err), "%s",
		      err ? err->message : "");
	ck_assert_uint_eq(s.cpu_ns, 123456789); /* found under cpu,cpuacct */
	ck_assert_uint_eq(s.mem_bytes, 8388608 - 4194304);
	ck_assert_uint_eq(s.mem_limit_bytes, PHYS); /* v1 "no limit" capped */
	ck_assert_uint_eq(s.pids, 0);               /* no pids controller for it */
	ck_assert_uint_eq(s.blk_read_bytes, 1048576 + 4096);
	ck_assert_uint_eq(s.blk_write_bytes, 2097152);
}
END_TEST

START_TEST(test_v2_max_limit)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *text = fixture_text("v2/proc_pid_cgroup");
	struct ocimon_sample s;
	ck_assert_msg(sample_of("v2", text, CID, &s, &err), "%s", err ? err->message : "");
	ck_assert_uint_eq(s.cpu_ns, G_GUINT64_CONSTANT(2500000000));
	ck_assert_uint_eq(s.mem_bytes, 10485760 - 2097152);
	ck_assert_uint_eq(s.mem_limit_bytes, PHYS); /* "max" */
	ck_assert_uint_eq(s.pids, 4);
	ck_assert_uint_eq(s.blk_read_bytes, 1048576 + 4096);
	ck_assert_uint_eq(s.blk_write_bytes, 524288);
	g_autofree char *root = fixture("v2");
	g_autoptr(stats_source) src = cgroup_source_new(root, text, CID, PHYS, &err);
	ck_assert(g_str_has_suffix(cgroup_source_procs(src), ".scope/cgroup.procs"));
	ck_assert(g_str_has_prefix(stats_source_describe(src), "cgroup v2 "));
}
END_TEST

START_TEST(test_v2_limit_and_missing_files)
{
	g_autoptr(GError) err = NULL;
	struct ocimon_sample s;
	ck_assert_msg(
	    sample_of("v2", "0::/libpod_parent/libpod-payload-" CID "/sub\n", CID, &s, &err), "%s",
	    err ? err->message : "");
	ck_assert_uint_eq(s.cpu_ns, 750000);
	ck_assert_uint_eq(s.mem_limit_bytes, 536870912);
	ck_assert_uint_eq(s.mem_bytes, 1000000); /* no memory.stat: nothing subtracted */
	ck_assert_uint_eq(s.pids, 0);
	ck_assert_uint_eq(s.blk_read_bytes + s.blk_write_bytes, 0);
}
END_TEST

START_TEST(test_unknown_cgroup)
{
	g_autoptr(GError) err = NULL;
	struct ocimon_sample s;
	ck_assert(!sample_of("v2", "0::/no/such/cgroup\n", CID, &s, &err));
	ck_assert_int_eq(err->code, ENOENT);
	g_clear_error(&err);
	ck_assert(!sample_of("v1", "4:memory:/no/such\n", CID, &s, &err));
	ck_assert_int_eq(err->code, ENOENT);
}
END_TEST

static void put(const char *dir, const char *name, const char *text)
{
	g_autofree char *p = g_build_filename(dir, name, NULL);
	ck_assert(g_file_set_contents(p, text, -1, NULL));
}

/* Rewrites a file in place (cgroupfs files never change inode; g_file_set_contents would
 * rename a new one over it, which a file kept open does not see). */
static void rewrite(const char *dir, const char *name, const char *text)
{
	g_autofree char *p = g_build_filename(dir, name, NULL);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void remove_tree(const char *root, const char *dir, const char *const *names)
{
	for (size_t i = 0; names[i]; i++) {
		g_autofree char *p = g_build_filename(dir, names[i], NULL);
		g_unlink(p);
	}
	g_rmdir(dir);
	g_autofree char *ctl = g_build_filename(root, "cgroup.controllers", NULL);
	g_unlink(ctl);
	g_rmdir(root);
}

/* The files stay open between samples; memory.stat is read again only when the usage
 * moved; at exit the kernel's high-water marks (issue 11). */
START_TEST(test_open_files_stat_skip_and_peaks)
{
	g_autofree char *root = g_dir_make_tmp("ocimon-cg-XXXXXX", NULL);
	put(root, "cgroup.controllers", "cpu memory pids\n");
	g_autofree char *dir = g_build_filename(root, "ctr", NULL);
	ck_assert_int_eq(g_mkdir(dir, 0755), 0);
	put(dir, "cpu.stat", "usage_usec 5\n");
	put(dir, "memory.current", "100000\n");
	put(dir, "memory.stat", "anon 1\ninactive_file 30000\n");
	put(dir, "pids.current", "2\n");
	put(dir, "memory.max", "1000000\n");
	g_autoptr(GError) err = NULL;
	g_autoptr(stats_source) src = cgroup_source_new(root, "0::/ctr\n", NULL, PHYS, &err);
	ck_assert_ptr_nonnull(src);
	struct ocimon_sample s = {0};
	ck_assert(stats_source_read(src, NULL, false, &s, &err));
	ck_assert_uint_eq(s.cpu_ns, 5000);
	ck_assert_uint_eq(s.mem_bytes, 70000);
	ck_assert_uint_eq(s.pids, 2);

	rewrite(dir, "cpu.stat", "usage_usec 7\n");
	rewrite(dir, "memory.stat", "anon 1\ninactive_file 50000\n");
	ck_assert(stats_source_read(src, NULL, false, &s, &err));
	ck_assert_uint_eq(s.cpu_ns, 7000);     /* read again through the open file */
	ck_assert_uint_eq(s.mem_bytes, 70000); /* same usage: memory.stat not read */

	rewrite(dir, "memory.current", "100001\n");
	ck_assert(stats_source_read(src, NULL, false, &s, &err));
	ck_assert_uint_eq(s.mem_bytes, 50001); /* usage moved: memory.stat read */

	/* Thrifty (the sampler's) and the CPU counter has not moved since prev: pids, the
	 * limit and I/O are prev's; the memory usage is read. */
	struct ocimon_sample prev = s;
	rewrite(dir, "pids.current", "9\n");
	rewrite(dir, "memory.max", "2000000\n");
	rewrite(dir, "memory.current", "100002\n");
	ck_assert(stats_source_read(src, &prev, true, &s, &err));
	ck_assert_uint_eq(s.pids, 2);
	ck_assert_uint_eq(s.mem_limit_bytes, 1000000);
	ck_assert_uint_eq(s.mem_bytes, 50002);
	/* Not thrifty (a request, the exit): everything is read. */
	ck_assert(stats_source_read(src, &prev, false, &s, &err));
	ck_assert_uint_eq(s.pids, 9);
	ck_assert_uint_eq(s.mem_limit_bytes, 2000000);
	/* Thrifty, but the container ran: everything is read. */
	prev = s;
	rewrite(dir, "cpu.stat", "usage_usec 8\n");
	rewrite(dir, "pids.current", "3\n");
	ck_assert(stats_source_read(src, &prev, true, &s, &err));
	ck_assert_uint_eq(s.cpu_ns, 8000);
	ck_assert_uint_eq(s.pids, 3);

	/* No memory.peak, no pids.peak (kernels before 5.19 / 6.1): nothing. */
	struct stats_kernel_peaks k;
	stats_source_read_peaks(src, &k);
	ck_assert_ptr_null(k.mem_from);
	ck_assert_ptr_null(k.pids_from);
	ck_assert_uint_eq(k.mem_bytes + k.pids, 0);
	put(dir, "memory.peak", "4190208\n");
	put(dir, "pids.peak", "7\n");
	stats_source_read_peaks(src, &k);
	ck_assert_str_eq(k.mem_from, "memory.peak");
	ck_assert_uint_eq(k.mem_bytes, 4190208);
	ck_assert_str_eq(k.pids_from, "pids.peak");
	ck_assert_uint_eq(k.pids, 7);
	const char *const names[] = {"cpu.stat",   "memory.current", "memory.stat", "pids.current",
				     "memory.max", "memory.peak",    "pids.peak",   NULL};
	remove_tree(root, dir, names);
}
END_TEST

START_TEST(test_v1_kernel_peaks)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *text = fixture_text("v1/proc_pid_cgroup");
	g_autofree char *root = fixture("v1");
	g_autoptr(stats_source) src = cgroup_source_new(root, text, CID_V1, PHYS, &err);
	ck_assert_ptr_nonnull(src);
	struct stats_kernel_peaks k;
	stats_source_read_peaks(src, &k);
	ck_assert_str_eq(k.mem_from, "memory.max_usage_in_bytes");
	ck_assert_uint_eq(k.mem_bytes, 23654400);
	ck_assert_ptr_null(k.pids_from); /* v1 keeps no pids peak */
}
END_TEST

START_TEST(test_removed_cgroup)
{
	g_autofree char *root = g_dir_make_tmp("ocimon-cg-XXXXXX", NULL);
	put(root, "cgroup.controllers", "cpu memory pids\n");
	g_autofree char *dir = g_build_filename(root, "ctr", NULL);
	ck_assert_int_eq(g_mkdir(dir, 0755), 0);
	put(dir, "cpu.stat", "usage_usec 5\n");
	put(dir, "memory.current", "4096\n");
	g_autoptr(GError) err = NULL;
	g_autoptr(stats_source) src = cgroup_source_new(root, "0::/ctr\n", NULL, PHYS, &err);
	ck_assert_ptr_nonnull(src);
	/* A second source, not read yet: the files stay open after the first read, and on
	 * cgroupfs a read of an open file of a removed cgroup fails (ENODEV) and takes the
	 * same path as an open that fails, which is what a plain directory can show. */
	g_autoptr(stats_source) later = cgroup_source_new(root, "0::/ctr\n", NULL, PHYS, &err);
	ck_assert_ptr_nonnull(later);
	struct ocimon_sample s = {0};
	ck_assert(stats_source_read(src, NULL, false, &s, &err));
	ck_assert_uint_eq(s.cpu_ns, 5000);
	/* The runtime deletes the cgroup: a clear error, not zeros. */
	g_autofree char *cpu = g_build_filename(dir, "cpu.stat", NULL);
	g_autofree char *mem = g_build_filename(dir, "memory.current", NULL);
	g_unlink(cpu);
	g_unlink(mem);
	ck_assert_int_eq(g_rmdir(dir), 0);
	ck_assert(!stats_source_read(later, NULL, false, &s, &err));
	ck_assert_int_eq(err->code, ENOENT);
	ck_assert_msg(strstr(err->message, "was removed") != NULL, "%s", err->message);
	g_autofree char *ctl = g_build_filename(root, "cgroup.controllers", NULL);
	g_unlink(ctl);
	g_rmdir(root);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("stats_cgroup");
	TCase *t = tcase_create("parse");
	tcase_add_test(t, test_membership_longest_ignores_named);
	tcase_add_test(t, test_membership_trims_after_container);
	tcase_add_test(t, test_membership_errors);
	tcase_add_test(t, test_membership_same);
	tcase_add_test(t, test_values);
	tcase_add_test(t, test_blkio_parsers);
	tcase_add_test(t, test_parsers_saturate);
	suite_add_tcase(s, t);
	t = tcase_create("fixtures");
	tcase_add_test(t, test_v1_real_container);
	tcase_add_test(t, test_v1_comounted_missing_pids_no_limit);
	tcase_add_test(t, test_v2_max_limit);
	tcase_add_test(t, test_v2_limit_and_missing_files);
	tcase_add_test(t, test_unknown_cgroup);
	tcase_add_test(t, test_removed_cgroup);
	tcase_add_test(t, test_open_files_stat_skip_and_peaks);
	tcase_add_test(t, test_v1_kernel_peaks);
	suite_add_tcase(s, t);
	return s;
}
