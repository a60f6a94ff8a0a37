/* FreeBSD racct text and the rctl_get_racct call protocol, tested on every platform with
 * an injected system call. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "check_main.h"
#include "racct_parse.h"
#include "stats.h"

/* rctl_get_racct("jail:<name>") of a FreeBSD jail, as printed by a monitoring agent
 * (all 25 resources, the kernel's order). */
#define REAL_JAIL                                                                                  \
	"cputime=174,datasize=798720,stacksize=0,coredumpsize=0,memoryuse=25550848,"               \
	"memorylocked=0,maxproc=5,openfiles=1280,vmemoryuse=296804352,pseudoterminals=0,"          \
	"swapuse=0,nthr=5,msgqqueued=0,msgqsize=0,nmsgq=0,nsem=0,nsemop=0,nshm=0,"                 \
	"shmsize=0,wallclock=291876,pcpu=0,readbps=0,writebps=0,readiops=0,writeiops=0"

/* A busy jail: every value distinct, so a mix-up of two resources shows. */
#define BUSY_JAIL                                                                                  \
	"cputime=3600,datasize=2,stacksize=3,coredumpsize=4,memoryuse=1932735283,"                 \
	"memorylocked=6,maxproc=7,openfiles=8,vmemoryuse=9,pseudoterminals=10,swapuse=11,"         \
	"nthr=12,msgqqueued=13,msgqsize=14,nmsgq=15,nsem=16,nsemop=17,nshm=18,shmsize=19,"         \
	"wallclock=20,pcpu=87,readbps=1048576,writebps=524288,readiops=24,writeiops=25"

/* What a destroyed or unknown jail name gives: the call succeeds with zeros (SPEC §2.3). */
#define ZERO_JAIL                                                                                  \
	"cputime=0,datasize=0,stacksize=0,coredumpsize=0,memoryuse=0,memorylocked=0,"              \
	"maxproc=0,openfiles=0,vmemoryuse=0,pseudoterminals=0,swapuse=0,nthr=0,"                   \
	"msgqqueued=0,msgqsize=0,nmsgq=0,nsem=0,nsemop=0,nshm=0,shmsize=0,wallclock=0,"            \
	"pcpu=0,readbps=0,writebps=0,readiops=0,writeiops=0"

#define ALL_PRESENT ((1u << RACCT_NRESOURCES) - 1)

START_TEST(test_names_match_kernel_order)
{
	/* The kernel prints resources in index order; rebuild the real string from our table. */
	GString *s = g_string_new(NULL);
	for (int i = 0; i < RACCT_NRESOURCES; i++)
		g_string_append_printf(s, "%s%s=0", i ? "," : "", racct_resource_name(i));
	ck_assert_str_eq(s->str, ZERO_JAIL);
	g_string_free(s, TRUE);
	ck_assert_ptr_null(racct_resource_name(RACCT_NRESOURCES));
}
END_TEST

START_TEST(test_parse_real_output)
{
	struct racct_values v;
	g_autoptr(GError) err = NULL;
	ck_assert(racct_parse(REAL_JAIL, &v, &err));
	ck_assert_uint_eq(v.present, ALL_PRESENT);
	ck_assert_int_eq(v.v[RACCT_CPUTIME], 174);
	ck_assert_int_eq(v.v[RACCT_DATASIZE], 798720);
	ck_assert_int_eq(v.v[RACCT_MEMORYUSE], 25550848);
	ck_assert_int_eq(v.v[RACCT_MAXPROC], 5);
	ck_assert_int_eq(v.v[RACCT_OPENFILES], 1280);
	ck_assert_int_eq(v.v[RACCT_VMEMORYUSE], 296804352);
	ck_assert_int_eq(v.v[RACCT_NTHR], 5);
	ck_assert_int_eq(v.v[RACCT_WALLCLOCK], 291876);
	ck_assert_int_eq(v.v[RACCT_WRITEIOPS], 0);
}
END_TEST

START_TEST(test_parse_every_resource)
{
	struct racct_values v;
	g_autoptr(GError) err = NULL;
	ck_assert(racct_parse(BUSY_JAIL, &v, &err));
	ck_assert_uint_eq(v.present, ALL_PRESENT);
	ck_assert_int_eq(v.v[RACCT_CPUTIME], 3600);
	ck_assert_int_eq(v.v[RACCT_MEMORYUSE], 1932735283);
	/* Resources 2..20 and 24..25 hold their 1-based index. */
	for (int i = 1; i < RACCT_NRESOURCES; i++) {
		if (i == RACCT_MEMORYUSE || i == RACCT_PCPU || i == RACCT_READBPS ||
		    i == RACCT_WRITEBPS)
			continue;
		ck_assert_msg(v.v[i] == i + 1, "%s = %" G_GINT64_FORMAT, racct_resource_name(i),
			      v.v[i]);
	}
	ck_assert_int_eq(v.v[RACCT_PCPU], 87);
	ck_assert_int_eq(v.v[RACCT_READBPS], 1048576);
	ck_assert_int_eq(v.v[RACCT_WRITEBPS], 524288);
}
END_TEST

START_TEST(test_parse_subset_unknown_and_errors)
{
	struct racct_values v;
	g_autoptr(GError) err = NULL;
	/* A process subject leaves out the sloppy resources; a newer kernel may add some;
	 * rctl(8) -u prints one per line. */
	ck_assert(racct_parse("cputime=3,newthing=9,memoryuse=4096\n", &v, &err));
	ck_assert_uint_eq(v.present, (1u << RACCT_CPUTIME) | (1u << RACCT_MEMORYUSE));
	ck_assert_int_eq(v.v[RACCT_MEMORYUSE], 4096);
	ck_assert(racct_parse("", &v, &err));
	ck_assert_uint_eq(v.present, 0);
	ck_assert(!racct_parse("cputime=", &v, &err));
	ck_assert_int_eq(err->code, EINVAL);
	g_clear_error(&err);
	ck_assert(!racct_parse("cputime=12,memoryuse", &v, &err));
	ck_assert_msg(strstr(err->message, "memoryuse") != NULL, "%s", err->message);
	g_clear_error(&err);
	ck_assert(!racct_parse("cputime=1x", &v, &err));
	g_clear_error(&err);
	ck_assert(!racct_parse("=5", &v, &err));
}
END_TEST

START_TEST(test_to_sample)
{
	struct racct_values v;
	ck_assert(racct_parse(BUSY_JAIL, &v, NULL));
	struct ocimon_sample prev = {.monotonic = 1000000, .blk_read_bytes = 100};
	struct ocimon_sample s = {.monotonic = 3000000}; /* 2 s later */
	racct_to_sample(&v, &prev, &s);
	ck_assert_uint_eq(s.cpu_ns, G_GUINT64_CONSTANT(3600000000000));
	ck_assert(s.cpu_percent == 87.0);
	ck_assert_uint_eq(s.mem_bytes, 1932735283);
	ck_assert_uint_eq(s.pids, 7);
	/* readbps/writebps are rates: integrated over the 2 s since prev. */
	ck_assert_uint_eq(s.blk_read_bytes, 100 + 2 * 1048576);
	ck_assert_uint_eq(s.blk_write_bytes, 2 * 524288);
	ck_assert(s.has_racct);
	ck_assert_int_eq(s.racct.v[RACCT_NTHR], 12);
	struct ocimon_sample first = {.monotonic = 5};
	racct_to_sample(&v, NULL, &first);
	ck_assert_uint_eq(first.blk_read_bytes, 0);
}
END_TEST

/* CI's fuzz_racct crash (issue 16): a rate near 2^63 times 57 s is 5.3e20 bytes, beyond
 * guint64; the float-to-integer cast was undefined behaviour. It saturates now. */
START_TEST(test_to_sample_huge_rate_saturates)
{
	struct racct_values v;
	ck_assert(racct_parse("readbps=9223372036854775807,writebps=-85808", &v, NULL));
	/* The fuzz target's intervals for the first input byte 'k' (107). */
	struct ocimon_sample prev = {.monotonic = 0, .blk_read_bytes = 107};
	struct ocimon_sample s = {.monotonic = 107 * 1000003 - 50000000};
	racct_to_sample(&v, &prev, &s);
	ck_assert_uint_eq(s.blk_read_bytes, G_MAXUINT64);
	ck_assert_uint_eq(s.blk_write_bytes, 0); /* a negative rate counts as none */
	/* Already at the top: adding more stays there instead of wrapping. */
	struct ocimon_sample next = {.monotonic = s.monotonic + 1000000};
	racct_to_sample(&v, &s, &next);
	ck_assert_uint_eq(next.blk_read_bytes, G_MAXUINT64);
}
END_TEST

START_TEST(test_to_sample_counter_near_top_saturates)
{
	struct racct_values v;
	ck_assert(racct_parse("readbps=1000,writebps=1", &v, NULL));
	struct ocimon_sample prev = {
	    .monotonic = 0, .blk_read_bytes = G_MAXUINT64 - 10, .blk_write_bytes = 5};
	struct ocimon_sample s = {.monotonic = 2000000};
	racct_to_sample(&v, &prev, &s);
	ck_assert_uint_eq(s.blk_read_bytes, G_MAXUINT64);
	ck_assert_uint_eq(s.blk_write_bytes, 7);
}
END_TEST

START_TEST(test_to_sample_huge_cputime_saturates)
{
	struct racct_values v;
	/* cputime is seconds: times 10^9 overflowed for anything above 1.8e10 s. */
	ck_assert(racct_parse("cputime=9223372036854775807", &v, NULL));
	struct ocimon_sample s = {.monotonic = 1};
	racct_to_sample(&v, NULL, &s);
	ck_assert_uint_eq(s.cpu_ns, G_MAXUINT64);
	ck_assert(racct_parse("cputime=18446744073", &v, NULL)); /* the largest that fits */
	racct_to_sample(&v, NULL, &s);
	ck_assert_uint_eq(s.cpu_ns, G_GUINT64_CONSTANT(18446744073000000000));
	ck_assert(racct_parse("cputime=18446744074", &v, NULL));
	racct_to_sample(&v, NULL, &s);
	ck_assert_uint_eq(s.cpu_ns, G_MAXUINT64);
}
END_TEST

/* ---- the call protocol, with injected system calls ---- */

static int calls;
static size_t sizes[8];

static int fake_enosys(const char *in, size_t inlen, char *out, size_t outlen)
{
	calls++;
	errno = ENOSYS;
	return -1;
}

/* Like the kernel: ERANGE until the whole answer and its NUL fit. */
static int fake_big(const char *in, size_t inlen, char *out, size_t outlen)
{
	sizes[calls++ % 8] = outlen;
	ck_assert_str_eq(in, "jail:web");
	ck_assert_uint_eq(inlen, strlen("jail:web") + 1);
	static char answer[3000];
	if (answer[0] == '\0') {
		GString *s = g_string_new(BUSY_JAIL);
		while (s->len < sizeof(answer) - 100)
			g_string_append(s, ",future=1");
		g_strlcpy(answer, s->str, sizeof(answer));
		g_string_free(s, TRUE);
	}
	if (outlen < strlen(answer) + 1) {
		errno = ERANGE;
		return -1;
	}
	memcpy(out, answer, strlen(answer) + 1);
	return 0;
}

static int fake_eperm(const char *in, size_t inlen, char *out, size_t outlen)
{
	errno = EPERM;
	return -1;
}

START_TEST(test_fetch_enosys)
{
	calls = 0;
	g_autoptr(GError) err = NULL;
	ck_assert_ptr_null(racct_fetch(fake_enosys, "jail:web", &err));
	ck_assert_int_eq(err->code, ENOSYS);
	ck_assert_str_eq(err->message, "racct is disabled: set kern.racct.enable=1 in "
				       "/boot/loader.conf and reboot");
	ck_assert_int_eq(calls, 1); /* no retry: it will not change without a reboot */
}
END_TEST

START_TEST(test_fetch_grows_on_erange)
{
	calls = 0;
	g_autoptr(GError) err = NULL;
	g_autofree char *text = racct_fetch(fake_big, "jail:web", &err);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(calls, 3);
	ck_assert_uint_eq(sizes[0], 1024);
	ck_assert_uint_eq(sizes[1], 2048);
	ck_assert_uint_eq(sizes[2], 4096);
	struct racct_values v;
	ck_assert(racct_parse(text, &v, &err));
	ck_assert_uint_eq(v.present, ALL_PRESENT);
}
END_TEST

START_TEST(test_fetch_other_error)
{
	g_autoptr(GError) err = NULL;
	ck_assert_ptr_null(racct_fetch(fake_eperm, "jail:web", &err));
	ck_assert_int_eq(err->code, EPERM);
	ck_assert_msg(strstr(err->message, "jail:web") != NULL, "%s", err->message);
	ck_assert_msg(strstr(err->message, g_strerror(EPERM)) != NULL, "%s", err->message);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("stats_racct");
	TCase *t = tcase_create("parse");
	tcase_add_test(t, test_names_match_kernel_order);
	tcase_add_test(t, test_parse_real_output);
	tcase_add_test(t, test_parse_every_resource);
	tcase_add_test(t, test_parse_subset_unknown_and_errors);
	tcase_add_test(t, test_to_sample);
	tcase_add_test(t, test_to_sample_huge_rate_saturates);
	tcase_add_test(t, test_to_sample_counter_near_top_saturates);
	tcase_add_test(t, test_to_sample_huge_cputime_saturates);
	suite_add_tcase(s, t);
	t = tcase_create("fetch");
	tcase_add_test(t, test_fetch_enosys);
	tcase_add_test(t, test_fetch_grows_on_erange);
	tcase_add_test(t, test_fetch_other_error);
	suite_add_tcase(s, t);
	return s;
}
