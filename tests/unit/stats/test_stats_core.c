/* The platform-independent stats pieces: CPU %, the ring, peaks, the socket document and
 * summary JSON, the registry, the new options, and ocimonctl's formatting. */
#include <errno.h>
#include <glib.h>
#include <math.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "check_main.h"
#include "options.h"
#include "platform.h"
#include "registry.h"
#include "stats.h"
#include "stats_format.h"
#include "top_parse.h"

static struct ocimon_sample sample_n(int n)
{
	return (struct ocimon_sample){
	    .timestamp = G_GINT64_CONSTANT(1700000000000000) + n * 5 * G_USEC_PER_SEC,
	    .monotonic = (gint64)n * 5 * G_USEC_PER_SEC,
	    .cpu_ns = (guint64)n * 1000,
	    .mem_bytes = (guint64)n,
	    .pids = 1,
	};
}

START_TEST(test_cpu_percent)
{
	/* 2.5 s of CPU in 5 s of wall time: half a core. */
	ck_assert(stats_cpu_percent(0, 0, G_GUINT64_CONSTANT(2500000000), 5 * G_USEC_PER_SEC) ==
		  50.0);
	/* Two cores busy for 1 s. */
	ck_assert(stats_cpu_percent(G_GUINT64_CONSTANT(1000000000), G_USEC_PER_SEC,
				    G_GUINT64_CONSTANT(3000000000), 2 * G_USEC_PER_SEC) == 200.0);
	ck_assert(stats_cpu_percent(5, 10, 5, 10) == 0);     /* no time passed */
	ck_assert(stats_cpu_percent(500, 10, 100, 20) == 0); /* counter reset */
	ck_assert(stats_cpu_percent(0, 0, 0, 1000) == 0);    /* idle */
}
END_TEST

START_TEST(test_ring_wrap)
{
	struct stats_ring r;
	stats_ring_init(&r, STATS_HISTORY);
	ck_assert_ptr_null(stats_ring_last(&r));
	for (int i = 0; i < 5; i++) {
		struct ocimon_sample s = sample_n(i);
		stats_ring_push(&r, &s);
	}
	ck_assert_uint_eq(r.len, 5);
	ck_assert_uint_eq(stats_ring_get(&r, 0)->mem_bytes, 0);
	ck_assert_uint_eq(stats_ring_last(&r)->mem_bytes, 4);
	for (int i = 5; i < STATS_HISTORY + 10; i++) {
		struct ocimon_sample s = sample_n(i);
		stats_ring_push(&r, &s);
	}
	/* Full: the 10 oldest were overwritten, order is kept across the wrap. */
	ck_assert_uint_eq(r.len, STATS_HISTORY);
	ck_assert_uint_eq(stats_ring_get(&r, 0)->mem_bytes, 10);
	for (guint i = 0; i < STATS_HISTORY; i++)
		ck_assert_uint_eq(stats_ring_get(&r, i)->mem_bytes, 10 + i);
	ck_assert_uint_eq(stats_ring_last(&r)->mem_bytes, STATS_HISTORY + 9);
	ck_assert_ptr_null(stats_ring_get(&r, STATS_HISTORY));
	/* The newest sample at least 7 s before the last one's time is two intervals back. */
	gint64 now = stats_ring_last(&r)->monotonic;
	ck_assert_uint_eq(stats_ring_before(&r, now, 7 * G_USEC_PER_SEC)->mem_bytes,
			  STATS_HISTORY + 7);
	ck_assert_uint_eq(stats_ring_before(&r, now, 0)->mem_bytes, STATS_HISTORY + 9);
	ck_assert_ptr_null(stats_ring_before(&r, now, (gint64)3600 * G_USEC_PER_SEC));
	stats_ring_clear(&r);

	/* The length comes from the stats.history setting: 3 keeps the 3 newest. */
	stats_ring_init(&r, 3);
	for (int i = 0; i < 7; i++) {
		struct ocimon_sample s = sample_n(i);
		stats_ring_push(&r, &s);
	}
	ck_assert_uint_eq(r.len, 3);
	ck_assert_uint_eq(stats_ring_get(&r, 0)->mem_bytes, 4);
	ck_assert_uint_eq(stats_ring_last(&r)->mem_bytes, 6);
	stats_ring_clear(&r);
	stats_ring_init(&r, 0); /* at least one */
	struct ocimon_sample one = sample_n(9);
	stats_ring_push(&r, &one);
	stats_ring_push(&r, &one);
	ck_assert_uint_eq(r.len, 1);
	stats_ring_clear(&r);
	ck_assert_ptr_null(r.items);
}
END_TEST

/* ---- the adaptive interval (issue 11) ---- */

START_TEST(test_sample_moved)
{
	struct ocimon_sample a = sample_n(1), b;
	a.mem_bytes = 4 * 1024 * 1024;
	a.cpu_percent = 0;
	b = a;
	ck_assert(!stats_sample_moved(&a, &b)); /* identical */
	b.cpu_percent = 4.99;
	ck_assert(!stats_sample_moved(&a, &b));
	b.cpu_percent = 5.0; /* 5 points up */
	ck_assert(stats_sample_moved(&a, &b));
	b = a;
	a.cpu_percent = 100;
	b.cpu_percent = 94;
	ck_assert(stats_sample_moved(&a, &b)); /* 6 points down */
	b.cpu_percent = 97;
	ck_assert(!stats_sample_moved(&a, &b)); /* a steady hog is quiet too */
	a.cpu_percent = b.cpu_percent = 0;

	/* Memory: 5% of 16 MiB is 838860.8 bytes (above the 512 KiB floor). */
	a.mem_bytes = 16 * 1024 * 1024;
	b.mem_bytes = a.mem_bytes + 838861;
	ck_assert(stats_sample_moved(&a, &b));
	b.mem_bytes = a.mem_bytes + 838860;
	ck_assert(!stats_sample_moved(&a, &b));
	b.mem_bytes = a.mem_bytes - 838861;
	ck_assert(stats_sample_moved(&a, &b));
	/* 5% of 4 MiB is below the floor: not yet. */
	a.mem_bytes = 4 * 1024 * 1024;
	b.mem_bytes = a.mem_bytes + 300 * 1024;
	ck_assert(!stats_sample_moved(&a, &b));
	/* A small container: a drained charge batch is noise (seen: 540 KiB -> 228 KiB in a
	 * sleeping container)... */
	a.mem_bytes = 552960;
	b.mem_bytes = 233472;
	ck_assert(!stats_sample_moved(&a, &b));
	/* ...512 KiB is not (a lot for it). */
	a.mem_bytes = 200 * 1024;
	b.mem_bytes = a.mem_bytes + 512 * 1024;
	ck_assert(stats_sample_moved(&a, &b));
	/* A big one: 1 MiB always counts though it is far below 5%. */
	a.mem_bytes = G_GUINT64_CONSTANT(8) << 30;
	b.mem_bytes = a.mem_bytes + 1024 * 1024;
	ck_assert(stats_sample_moved(&a, &b));
	b.mem_bytes = a.mem_bytes + 1024 * 1024 - 1;
	ck_assert(!stats_sample_moved(&a, &b));
	/* Huge values: no overflow in the percentage. */
	a.mem_bytes = G_MAXUINT64;
	b.mem_bytes = G_MAXUINT64 - 100000;
	ck_assert(!stats_sample_moved(&a, &b));
	b.mem_bytes = 0;
	ck_assert(stats_sample_moved(&a, &b));
	/* From nothing. */
	a.mem_bytes = 0;
	b.mem_bytes = 512 * 1024;
	ck_assert(stats_sample_moved(&a, &b));
	b.mem_bytes = 256 * 1024;
	ck_assert(!stats_sample_moved(&a, &b));
	/* A process more or less. */
	b = a;
	b.pids = a.pids + 1;
	ck_assert(stats_sample_moved(&a, &b));
}
END_TEST

START_TEST(test_next_interval)
{
	/* Quiet: doubles from the base up to the max, then stays there. */
	int want[] = {10, 20, 40, 80, 160, 300, 300};
	int cur = 5;
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		cur = stats_next_interval(cur, 5, 300, false);
		ck_assert_int_eq(cur, want[i]);
	}
	/* A move brings it back to the base at once, from anywhere. */
	ck_assert_int_eq(stats_next_interval(300, 5, 300, true), 5);
	ck_assert_int_eq(stats_next_interval(40, 5, 300, true), 5);
	ck_assert_int_eq(stats_next_interval(5, 5, 300, true), 5);
	/* A max that is no multiple of the base is reached exactly. */
	ck_assert_int_eq(stats_next_interval(40, 5, 70, false), 70);
	ck_assert_int_eq(stats_next_interval(70, 5, 70, false), 70);
	ck_assert_int_eq(stats_next_interval(34, 5, 70, false), 68);
	/* A max at or below the base: no back-off. */
	ck_assert_int_eq(stats_next_interval(5, 5, 5, false), 5);
	ck_assert_int_eq(stats_next_interval(5, 5, 1, false), 5);
	ck_assert_int_eq(stats_next_interval(60, 60, 30, false), 60);
	/* Below the base (the base changed): back to it. */
	ck_assert_int_eq(stats_next_interval(1, 5, 300, false), 5);
	/* The largest values do not overflow. */
	ck_assert_int_eq(stats_next_interval(86400, 1, 86400, false), 86400);
	ck_assert_int_eq(stats_next_interval(G_MAXINT, 1, G_MAXINT, false), G_MAXINT);
	/* No stats. */
	ck_assert_int_eq(stats_next_interval(5, 0, 300, false), 0);
	ck_assert_int_eq(stats_next_interval(5, 0, 300, true), 0);
}
END_TEST

START_TEST(test_peaks)
{
	struct stats_peaks p = {0};
	struct ocimon_sample a = sample_n(1), b = sample_n(2), c = sample_n(3);
	a.mem_bytes = 500;
	a.cpu_percent = 10;
	b.mem_bytes = 900;
	b.pids = 7;
	c.mem_bytes = 100;
	c.cpu_percent = 99.5;
	stats_peaks_update(&p, &a);
	stats_peaks_update(&p, &b);
	stats_peaks_update(&p, &c);
	ck_assert_uint_eq(p.mem_bytes, 900);
	ck_assert_int_eq(p.mem_at, b.timestamp);
	ck_assert_uint_eq(p.pids, 7);
	ck_assert(p.cpu_percent == 99.5);
}
END_TEST

START_TEST(test_format_time)
{
	g_autofree char *t = stats_format_time(G_GINT64_CONSTANT(1700000000123456));
	ck_assert_str_eq(t, "2023-11-14T22:13:20.123456Z");
	g_autofree char *zero = stats_format_time(0);
	ck_assert_str_eq(zero, "1970-01-01T00:00:00.000000Z");
	/* Before the epoch the microseconds still count up within their second. */
	g_autofree char *neg = stats_format_time(-1);
	ck_assert_str_eq(neg, "1969-12-31T23:59:59.999999Z");
}
END_TEST

static const char *const sample_keys[] = {"timestamp",      "cpu_ns",          "cpu_percent",
					  "mem_bytes",      "mem_limit_bytes", "pids",
					  "blk_read_bytes", "blk_write_bytes", NULL};

static void assert_sample_shape(json_t *o)
{
	ck_assert(json_is_object(o));
	for (size_t i = 0; sample_keys[i]; i++)
		ck_assert_msg(json_object_get(o, sample_keys[i]) != NULL, "no %s", sample_keys[i]);
	ck_assert(json_is_string(json_object_get(o, "timestamp")));
	ck_assert(json_is_number(json_object_get(o, "cpu_percent")));
	ck_assert(json_is_integer(json_object_get(o, "mem_bytes")));
}

START_TEST(test_document_shape)
{
	struct stats_ring r;
	stats_ring_init(&r, STATS_HISTORY);
	struct stats_peaks p = {0};
	for (int i = 0; i < 3; i++) {
		struct ocimon_sample s = sample_n(i);
		s.cpu_percent = 12.345;
		s.mem_limit_bytes = G_MAXUINT64; /* clamped, never negative in JSON */
		stats_ring_push(&r, &s);
		stats_peaks_update(&p, &s);
	}
	struct stats_doc_info info = {.id = "abc",
				      .name = "web",
				      .monitor_pid = 10,
				      .container_pid = 11,
				      .started_at = 1,
				      .interval = 5,
				      .interval_now = 40,
				      .max_interval = 300,
				      .source = "cgroup v2 /x",
				      .sample_cpu_ns = 42};
	json_t *d = stats_document(&info, stats_ring_last(&r), &r, &p);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "version")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(d, "id")), "abc");
	ck_assert_str_eq(json_string_value(json_object_get(d, "name")), "web");
	ck_assert_int_eq(json_integer_value(json_object_get(d, "interval_s")), 5);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "current_interval_s")), 40);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "max_interval_s")), 300);
	ck_assert(json_is_null(json_object_get(d, "error")));
	ck_assert_int_eq(json_integer_value(json_object_get(d, "sample_cpu_ns")), 42);
	json_t *cur = json_object_get(d, "current");
	assert_sample_shape(cur);
	ck_assert(json_real_value(json_object_get(cur, "cpu_percent")) == 12.35);
	ck_assert_int_eq(json_integer_value(json_object_get(cur, "mem_limit_bytes")), G_MAXINT64);
	ck_assert_ptr_null(json_object_get(cur, "racct")); /* Linux samples have none */
	json_t *h = json_object_get(d, "history");
	ck_assert_uint_eq(json_array_size(h), 3);
	for (size_t i = 0; i < 3; i++)
		assert_sample_shape(json_array_get(h, i));
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(h, 0), "mem_bytes")), 0);
	json_t *pk = json_object_get(d, "peaks");
	ck_assert_int_eq(json_integer_value(json_object_get(pk, "mem_bytes")), 2);
	ck_assert(json_is_string(json_object_get(pk, "mem_at")));
	json_decref(d);

	/* No sample (racct disabled): current is null and error says why. */
	stats_ring_clear(&r);
	stats_ring_init(&r, STATS_HISTORY);
	info.error = RACCT_DISABLED_MESSAGE;
	d = stats_document(&info, NULL, &r, &p);
	ck_assert(json_is_null(json_object_get(d, "current")));
	ck_assert_str_eq(json_string_value(json_object_get(d, "error")), RACCT_DISABLED_MESSAGE);
	ck_assert_uint_eq(json_array_size(json_object_get(d, "history")), 0);
	json_decref(d);
	stats_ring_clear(&r);
}
END_TEST

START_TEST(test_racct_sample_json)
{
	struct ocimon_sample s = sample_n(1);
	struct racct_values v;
	ck_assert(racct_parse("cputime=2,pcpu=50,nthr=3", &v, NULL));
	racct_to_sample(&v, NULL, &s);
	json_t *o = stats_sample_to_json(&s);
	json_t *r = json_object_get(o, "racct");
	ck_assert_uint_eq(json_object_size(r), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "nthr")), 3);
	ck_assert(json_real_value(json_object_get(o, "cpu_percent")) == 50.0);
	json_decref(o);
}
END_TEST

/* racct's pcpu is the kernel's number: an absurd one is clamped, never a
 * float-to-integer overflow in the rounding or a NaN jansson refuses (issue 16). */
START_TEST(test_sample_json_absurd_percent)
{
	struct ocimon_sample s = sample_n(1);
	s.cpu_percent = 9.2e18;
	json_t *o = stats_sample_to_json(&s);
	ck_assert(json_is_real(json_object_get(o, "cpu_percent")));
	ck_assert(json_real_value(json_object_get(o, "cpu_percent")) == 1e12);
	json_decref(o);
	s.cpu_percent = NAN;
	o = stats_sample_to_json(&s);
	ck_assert(json_real_value(json_object_get(o, "cpu_percent")) == 0);
	json_decref(o);
	s.cpu_percent = 12.345;
	o = stats_sample_to_json(&s);
	ck_assert(json_real_value(json_object_get(o, "cpu_percent")) == 12.35);
	json_decref(o);
}
END_TEST

START_TEST(test_summary_shape)
{
	struct ocimon_sample last = sample_n(4);
	last.cpu_ns = G_GUINT64_CONSTANT(9000000000);
	last.mem_limit_bytes = 2147483648;
	struct stats_peaks p = {.mem_bytes = 2040109465, .mem_at = last.timestamp, .pids = 9};
	struct stats_summary_info info = {.id = "abc",
					  .name = "hog",
					  .started_at = G_GINT64_CONSTANT(1700000000000000),
					  .finished_at = G_GINT64_CONSTANT(1700000012500000),
					  .exit_status = 137,
					  .oom_killed = true,
					  .n_samples = 3,
					  .summary_path = "/p/stats.json"};
	json_t *s = stats_summary(&info, &last, &p);
	ck_assert(json_real_value(json_object_get(s, "duration_s")) == 12.5);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "total_cpu_ns")), 9000000000);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "peak_mem_bytes")), 2040109465);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "mem_limit_bytes")), 2147483648);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "peak_pids")), 9);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "exit_status")), 137);
	ck_assert(json_is_true(json_object_get(s, "oom_killed")));
	ck_assert_int_eq(json_integer_value(json_object_get(s, "finished_at_us")),
			 1700000012500000);
	assert_sample_shape(json_object_get(s, "last"));
	/* The exited index reads the summary back as a registry entry. */
	g_autoptr(registry_entry) e = registry_entry_from_json(s, true, NULL);
	ck_assert_str_eq(e->name, "hog");
	ck_assert_int_eq(e->finished_at, 1700000012500000);
	ck_assert_str_eq(e->summary_path, "/p/stats.json");
	json_decref(s);
	/* No sample at all: zeros, never a crash. */
	s = stats_summary(&info, NULL, &(struct stats_peaks){0});
	ck_assert_int_eq(json_integer_value(json_object_get(s, "total_cpu_ns")), 0);
	ck_assert(json_is_null(json_object_get(s, "last")));
	json_decref(s);
}
END_TEST

/* The kernel's high-water marks beat sparse samples (issue 11). */
START_TEST(test_summary_kernel_peaks)
{
	struct ocimon_sample last = sample_n(4);
	struct stats_peaks p = {.mem_bytes = 1000, .mem_at = last.timestamp, .pids = 2};
	struct stats_kernel_peaks k = {.mem_bytes = 4190208,
				       .mem_from = "memory.max_usage_in_bytes",
				       .pids = 5,
				       .pids_from = "pids.peak"};
	struct stats_summary_info info = {.id = "abc", .kernel = &k};
	json_t *s = stats_summary(&info, &last, &p);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "peak_mem_bytes")), 4190208);
	ck_assert_str_eq(json_string_value(json_object_get(s, "peak_mem_from")),
			 "memory.max_usage_in_bytes");
	ck_assert(json_is_null(json_object_get(s, "peak_mem_at"))); /* the kernel has no time */
	ck_assert_int_eq(json_integer_value(json_object_get(s, "peak_mem_sampled_bytes")), 1000);
	ck_assert(json_is_string(json_object_get(s, "peak_mem_sampled_at")));
	ck_assert_int_eq(json_integer_value(json_object_get(s, "peak_pids")), 5);
	json_decref(s);

	/* A sample above the kernel's figure (not the same accounting) is kept, with its time;
	 * pids from the samples when they saw more. */
	k.mem_bytes = 500;
	k.pids = 1;
	s = stats_summary(&info, &last, &p);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "peak_mem_bytes")), 1000);
	ck_assert_str_eq(json_string_value(json_object_get(s, "peak_mem_from")), "samples");
	ck_assert(json_is_string(json_object_get(s, "peak_mem_at")));
	ck_assert_int_eq(json_integer_value(json_object_get(s, "peak_pids")), 2);
	json_decref(s);

	/* Files the kernel does not have: the samples. */
	struct stats_kernel_peaks none = {.mem_bytes = 99999999, .pids = 99};
	info.kernel = &none;
	s = stats_summary(&info, &last, &p);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "peak_mem_bytes")), 1000);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "peak_pids")), 2);
	json_decref(s);
}
END_TEST

/* ---- registry ---- */

static struct registry_entry *entry(const char *id, const char *name, gint64 t)
{
	struct registry_entry *e = g_new0(struct registry_entry, 1);
	e->id = g_strdup(id);
	e->name = g_strdup(name);
	e->started_at = t;
	return e;
}

START_TEST(test_registry_match)
{
	g_autoptr(GPtrArray) all =
	    g_ptr_array_new_with_free_func((GDestroyNotify)registry_entry_free);
	g_ptr_array_add(all, entry("abc111", "web", 1));
	g_ptr_array_add(all, entry("abc222", "db", 2));
	g_ptr_array_add(all, entry("def333", "abc222x", 3));
	g_ptr_array_add(all, entry("fff444", "db", 4)); /* a reused name, newer */
	g_autoptr(GPtrArray) m = registry_match(all, "web");
	ck_assert_uint_eq(m->len, 1);
	g_ptr_array_unref(m);
	m = registry_match(all, "abc");
	ck_assert_uint_eq(m->len, 2); /* ambiguous prefix */
	g_ptr_array_unref(m);
	m = registry_match(all, "abc2");
	ck_assert_uint_eq(m->len, 1);
	ck_assert_str_eq(((struct registry_entry *)m->pdata[0])->id, "abc222");
	g_ptr_array_unref(m);
	m = registry_match(all, "db");
	ck_assert_uint_eq(m->len, 2);
	ck_assert_str_eq(((struct registry_entry *)m->pdata[0])->id, "fff444"); /* newest */
	g_ptr_array_unref(m);
	/* An exact ID wins over a name that starts with it. */
	m = registry_match(all, "abc222");
	ck_assert_uint_eq(m->len, 1);
	ck_assert_str_eq(((struct registry_entry *)m->pdata[0])->id, "abc222");
	g_ptr_array_unref(m);
	m = registry_match(all, "zzz");
	ck_assert_uint_eq(m->len, 0);
	g_ptr_array_unref(m);
	m = registry_match(all, "");
	ck_assert_uint_eq(m->len, 0);
}
END_TEST

/* A hand-edited or corrupt registry file: pids out of range are "no process", never a
 * wrapped pid (issue 16). */
START_TEST(test_registry_entry_odd_numbers)
{
	json_t *j = json_pack("{s:s, s:I, s:I, s:I}", "id", "c1", "monitor_pid",
			      (json_int_t)G_GINT64_CONSTANT(4294967297), "container_pid",
			      (json_int_t)-7, "stats_interval", (json_int_t)G_MAXINT64);
	g_autoptr(registry_entry) e = registry_entry_from_json(j, false, NULL);
	ck_assert_int_eq(e->monitor_pid, 0);
	ck_assert_int_eq(e->container_pid, 0);
	ck_assert_int_eq(e->stats_interval, G_MAXINT);
	json_decref(j);
}
END_TEST

START_TEST(test_registry_files)
{
	g_autofree char *tmp = g_dir_make_tmp("ocimon-reg-XXXXXX", NULL);
	g_autofree char *run = g_build_filename(tmp, "run", NULL);
	char *drivers[] = {"k8s-file", "journald", NULL};
	struct registry_entry e = {.id = "c1",
				   .name = "web",
				   .monitor_pid = 10,
				   .container_pid = 11,
				   .bundle = "/b",
				   .stats_socket = "/b/stats",
				   .log_drivers = drivers,
				   .stats_interval = 5,
				   .started_at = 77};
	g_autoptr(GError) err = NULL;
	g_autofree char *path = registry_write(run, &e, &err);
	ck_assert_msg(path != NULL, "%s", err ? err->message : "");
	ck_assert(g_str_has_suffix(path, "/run/c1.json"));
	GStatBuf st;
	ck_assert_int_eq(g_stat(run, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	g_autoptr(GPtrArray) all = registry_load(run, false);
	ck_assert_uint_eq(all->len, 1);
	struct registry_entry *r = all->pdata[0];
	ck_assert_str_eq(r->name, "web");
	ck_assert_int_eq(r->container_pid, 11);
	ck_assert_str_eq(r->stats_socket, "/b/stats");
	ck_assert_str_eq(r->log_drivers[1], "journald");
	ck_assert_int_eq(r->started_at, 77);
	ck_assert_str_eq(r->file, path);

	/* The exited index keeps the newest REGISTRY_EXITED_KEEP summaries. */
	for (int i = 0; i < REGISTRY_EXITED_KEEP + 3; i++) {
		g_autofree char *id = g_strdup_printf("x%03d", i);
		json_t *s = json_pack("{s:s, s:s, s:I}", "id", id, "name", "n", "finished_at_us",
				      (json_int_t)i);
		ck_assert(registry_record_exit(run, id, s, &err));
		json_decref(s);
		/* mtime decides which are oldest. */
		g_autofree char *f = g_strdup_printf("%s/exited/%s.json", run, id);
		struct timeval tv[2] = {{1000 + i, 0}, {1000 + i, 0}};
		ck_assert_int_eq(utimes(f, tv), 0);
	}
	g_autoptr(GPtrArray) exited = registry_load(run, true);
	ck_assert_uint_eq(exited->len, REGISTRY_EXITED_KEEP);
	g_autoptr(GPtrArray) oldest = registry_match(exited, "x000");
	ck_assert_uint_eq(oldest->len, 0);
	g_autoptr(GPtrArray) newest = registry_match(exited, "x102");
	ck_assert_uint_eq(newest->len, 1);
	ck_assert(((struct registry_entry *)newest->pdata[0])->exited);
	ck_assert_ptr_nonnull(((struct registry_entry *)newest->pdata[0])->summary);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- options ---- */

static char *parse(struct ocimon_options *o, const char *const *extra)
{
	const char *base[] = {
	    "ocimon", "-c", "cid1", "-u", "cid1", "-r", "/bin/true", "-l", "k8s-file:/tmp/x.log"};
	GPtrArray *args = g_ptr_array_new();
	for (size_t i = 0; i < G_N_ELEMENTS(base); i++)
		g_ptr_array_add(args, (char *)base[i]);
	for (size_t i = 0; extra[i]; i++)
		g_ptr_array_add(args, (char *)extra[i]);
	ocimon_options_init(o);
	g_autoptr(GError) err = NULL;
	gboolean ok = ocimon_options_parse(o, (int)args->len, (char **)args->pdata, &err) &&
		      ocimon_options_validate(o, "/work/dir", &err);
	g_ptr_array_free(args, TRUE);
	return ok ? NULL : g_strdup(err->message);
}

/* The registry's default run dir follows "root of the host", which a rootless podman's
 * monitor (uid 0 in a user namespace) is not. */
START_TEST(test_uid_map)
{
	ck_assert(platform_uid_map_is_initial("         0          0 4294967295\n"));
	ck_assert(platform_uid_map_is_initial("0 0 4294967295"));
	/* Rootless podman: the user's uid, then its subordinate range. */
	ck_assert(!platform_uid_map_is_initial("         0       1001          1\n"
					       "         1     100000      65536\n"));
	ck_assert(!platform_uid_map_is_initial("0 1001 1\n"));
	ck_assert(!platform_uid_map_is_initial("0 0 65536\n"));
	ck_assert(!platform_uid_map_is_initial("0 0 4294967295\n5 5 1\n"));
	ck_assert(!platform_uid_map_is_initial(""));
	ck_assert(!platform_uid_map_is_initial("garbage"));
}
END_TEST

START_TEST(test_options)
{
	struct ocimon_options o;
	const char *none[] = {NULL};
	ck_assert_ptr_null(parse(&o, none));
	ck_assert_int_eq(o.stats_interval, STATS_DEFAULT_INTERVAL);
	ck_assert_str_eq(o.jail_name, "cid1");
	g_autofree char *def = registry_default_run_dir();
	ck_assert_str_eq(o.ocimon_run_dir, def);
	ocimon_options_clear(&o);

	const char *set[] = {"--stats-interval", "0", "--ocimon-run-dir", "/r", "--jail-name",
			     "vnet.cid1",        NULL};
	ck_assert_ptr_null(parse(&o, set));
	ck_assert_int_eq(o.stats_interval, 0);
	ck_assert_str_eq(o.ocimon_run_dir, "/r");
	ck_assert_str_eq(o.jail_name, "vnet.cid1");
	ocimon_options_clear(&o);

	const char *neg[] = {"--stats-interval=-1", NULL};
	g_autofree char *msg = parse(&o, neg);
	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strstr(msg, "--stats-interval") != NULL, "%s", msg);
	ocimon_options_clear(&o);

	const char *max[] = {"--stats-max-interval", "60", NULL};
	ck_assert_ptr_null(parse(&o, max));
	ck_assert_int_eq(o.stats_max_interval, 60);
	ck_assert(o.given.stats_max_interval);
	ocimon_options_clear(&o);
	ck_assert_ptr_null(parse(&o, none));
	ck_assert_int_eq(o.stats_max_interval, STATS_DEFAULT_MAX_INTERVAL);
	ck_assert(!o.given.stats_max_interval);
	ocimon_options_clear(&o);
	const char *bad_max[] = {"--stats-max-interval", "0", NULL};
	g_autofree char *msg2 = parse(&o, bad_max);
	ck_assert_ptr_nonnull(msg2);
	ck_assert_msg(strstr(msg2, "--stats-max-interval must be between 1 and 86400") != NULL,
		      "%s", msg2);
	ocimon_options_clear(&o);

	g_autofree char *help = ocimon_options_help();
	ck_assert_ptr_nonnull(strstr(help, "--stats-interval"));
	ck_assert_ptr_nonnull(strstr(help, "--stats-max-interval"));
	ck_assert_ptr_nonnull(strstr(help, "--ocimon-run-dir"));
	ck_assert_ptr_nonnull(strstr(help, "--jail-name"));
}
END_TEST

/* ---- ocimonctl formatting and top parsing ---- */

START_TEST(test_human)
{
	struct {
		guint64 n;
		const char *s;
	} sizes[] = {{0, "0B"},
		     {999, "999B"},
		     {450560, "450.6kB"},
		     {G_GUINT64_CONSTANT(25276502016), "25.28GB"},
		     {1000000, "1MB"}};
	for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
		g_autofree char *s = stats_human_size(sizes[i].n);
		ck_assert_str_eq(s, sizes[i].s);
	}
	const char *d[] = {"250ms", "7.94s", "3m12s", "2h5m", "3d4h"};
	double secs[] = {0.25, 7.936, 192.4, 7500, 3 * 86400 + 4 * 3600 + 5};
	for (size_t i = 0; i < G_N_ELEMENTS(d); i++) {
		g_autofree char *s = stats_human_duration(secs[i]);
		ck_assert_str_eq(s, d[i]);
	}
	/* Durations from a stats document: nothing converts out of range (issue 16). */
	const char *odd_d[] = {"0ms", "0ms", "0ms", "213503982334601d7h"};
	double odd_secs[] = {NAN, -5, -INFINITY, 1e300};
	for (size_t i = 0; i < G_N_ELEMENTS(odd_d); i++) {
		g_autofree char *s = stats_human_duration(odd_secs[i]);
		ck_assert_str_eq(s, odd_d[i]);
	}
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	const char *r0[] = {"ID", "NAME", "CPU %", NULL};
	const char *r1[] = {"abc", "a-long-name", "5.00%", NULL};
	g_ptr_array_add(rows, g_strdupv((char **)r0));
	g_ptr_array_add(rows, g_strdupv((char **)r1));
	g_autofree char *t = stats_format_table(rows);
	ck_assert_str_eq(t, "ID   NAME         CPU %\nabc  a-long-name  5.00%\n");
}
END_TEST

/* Sparkline cells: three bytes a block, colour sequences that take no room. */
START_TEST(test_table_sparklines)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	const char *r0[] = {"TREND", "PIDS", NULL};
	const char *r1[] = {"▁▂\033[31m█\033[0m", "3", NULL};
	g_ptr_array_add(rows, g_strdupv((char **)r0));
	g_ptr_array_add(rows, g_strdupv((char **)r1));
	g_autofree char *t = stats_format_table(rows);
	ck_assert_str_eq(t, "TREND  PIDS\n▁▂\033[31m█\033[0m    3\n");
}
END_TEST

/* ocimonctl top shows users as the container knows them. */
START_TEST(test_uid_map_inside)
{
	const char *host = "         0          0 4294967295\n";
	ck_assert_uint_eq(uid_map_inside(host, 0), 0);
	ck_assert_uint_eq(uid_map_inside(host, 1001), 1001);
	const char *rootless = "         0       1001          1\n"
			       "         1     100000      65536\n";
	ck_assert_uint_eq(uid_map_inside(rootless, 1001), 0);
	ck_assert_uint_eq(uid_map_inside(rootless, 100000), 1);
	ck_assert_uint_eq(uid_map_inside(rootless, 100032), 33);
	ck_assert_uint_eq(uid_map_inside(rootless, 165535), 65536);
	ck_assert_uint_eq(uid_map_inside(rootless, 165536), 65534); /* unmapped: overflow */
	ck_assert_uint_eq(uid_map_inside(rootless, 0), 65534);
	ck_assert_uint_eq(uid_map_inside("", 5), 65534);
	ck_assert_uint_eq(uid_map_inside("junk\n0 0 10\n", 5), 5);
}
END_TEST

START_TEST(test_top_parse)
{
	struct proc_stat_info st;
	/* A real /proc/<pid>/stat of `yes` in a container, and a comm with ") (". */
	ck_assert(proc_stat_parse(
	    "17157 (yes) R 17147 17157 17157 0 -1 4194560 1034 0 0 0 1032 13 0 0 20 0 1 0 114751 "
	    "2322432 396 18446744073709551615 4198400 5785993",
	    &st));
	ck_assert_str_eq(st.comm, "yes");
	ck_assert_int_eq(st.state, 'R');
	ck_assert_int_eq(st.ppid, 17147);
	ck_assert_uint_eq(st.tty_nr, 0);
	ck_assert_uint_eq(st.utime, 1032);
	ck_assert_uint_eq(st.stime, 13);
	ck_assert_uint_eq(st.starttime, 114751);
	ck_assert(
	    proc_stat_parse("5 (a) (b) S 1 5 5 34816 5 0 0 0 0 0 7 8 0 0 20 0 1 0 99 0 0", &st));
	ck_assert_str_eq(st.comm, "a) (b");
	ck_assert_uint_eq(st.tty_nr, 34816);
	ck_assert(!proc_stat_parse("garbage", &st));

	guint64 v;
	const char *status = "Name:\tyes\nUid:\t0\t1000\t0\t0\nNSpid:\t17157\t1\n";
	ck_assert(proc_status_field(status, "Uid", 1, &v));
	ck_assert_uint_eq(v, 1000);
	ck_assert(proc_status_field(status, "NSpid", -1, &v));
	ck_assert_uint_eq(v, 1);
	ck_assert(!proc_status_field(status, "Gid", 0, &v));

	g_autofree char *root = passwd_name("root:x:0:0:root:/root:/bin/sh\n"
					    "nobody:x:65534:65534:nobody:/:/bin/false\n",
					    65534);
	ck_assert_str_eq(root, "nobody");
	ck_assert_ptr_null(passwd_name("root:x:0:0::/:/bin/sh\n", 5));

	g_autofree char *none = tty_name(0);
	g_autofree char *pts = tty_name(34816); /* 136:0 */
	g_autofree char *pts300 = tty_name((137 << 8) | 44);
	ck_assert_str_eq(none, "?");
	ck_assert_str_eq(pts, "pts/0");
	ck_assert_str_eq(pts300, "pts/300");
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("stats_core");
	TCase *t = tcase_create("samples");
	tcase_add_test(t, test_cpu_percent);
	tcase_add_test(t, test_ring_wrap);
	tcase_add_test(t, test_peaks);
	tcase_add_test(t, test_format_time);
	tcase_add_test(t, test_document_shape);
	tcase_add_test(t, test_racct_sample_json);
	tcase_add_test(t, test_sample_json_absurd_percent);
	tcase_add_test(t, test_summary_shape);
	tcase_add_test(t, test_summary_kernel_peaks);
	tcase_add_test(t, test_sample_moved);
	tcase_add_test(t, test_next_interval);
	suite_add_tcase(s, t);
	t = tcase_create("registry");
	tcase_add_test(t, test_registry_match);
	tcase_add_test(t, test_registry_files);
	tcase_add_test(t, test_registry_entry_odd_numbers);
	tcase_add_test(t, test_options);
	tcase_add_test(t, test_uid_map);
	suite_add_tcase(s, t);
	t = tcase_create("ocimonctl");
	tcase_add_test(t, test_human);
	tcase_add_test(t, test_table_sparklines);
	tcase_add_test(t, test_top_parse);
	tcase_add_test(t, test_uid_map_inside);
	suite_add_tcase(s, t);
	return s;
}
