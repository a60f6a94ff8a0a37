/* Saturating arithmetic for numbers from outside (src/saturate.h, issue 16). */
#include <glib.h>
#include <math.h>

#include "check_main.h"
#include "saturate.h"

START_TEST(test_add_mul)
{
	ck_assert_uint_eq(sat_add_u64(1, 2), 3);
	ck_assert_uint_eq(sat_add_u64(G_MAXUINT64 - 1, 1), G_MAXUINT64);
	ck_assert_uint_eq(sat_add_u64(G_MAXUINT64 - 1, 2), G_MAXUINT64);
	ck_assert_uint_eq(sat_add_u64(G_MAXUINT64, G_MAXUINT64), G_MAXUINT64);
	ck_assert_uint_eq(sat_mul_u64(0, G_MAXUINT64), 0);
	ck_assert_uint_eq(sat_mul_u64(G_MAXUINT64, 0), 0);
	ck_assert_uint_eq(sat_mul_u64(G_MAXUINT64, 1), G_MAXUINT64);
	ck_assert_uint_eq(
	    sat_mul_u64(G_GUINT64_CONSTANT(4294967296), G_GUINT64_CONSTANT(4294967295)),
	    G_GUINT64_CONSTANT(18446744069414584320));
	ck_assert_uint_eq(
	    sat_mul_u64(G_GUINT64_CONSTANT(4294967296), G_GUINT64_CONSTANT(4294967296)),
	    G_MAXUINT64);
}
END_TEST

START_TEST(test_double_to_u64)
{
	ck_assert_uint_eq(sat_double_to_u64(NAN), 0);
	ck_assert_uint_eq(sat_double_to_u64(-1.0), 0);
	ck_assert_uint_eq(sat_double_to_u64(-INFINITY), 0);
	ck_assert_uint_eq(sat_double_to_u64(INFINITY), G_MAXUINT64);
	ck_assert_uint_eq(sat_double_to_u64(5.25735e+20), G_MAXUINT64); /* CI's crash */
	ck_assert_uint_eq(sat_double_to_u64(18446744073709551616.0), G_MAXUINT64);
	/* The largest double below 2^64 converts exactly. */
	ck_assert_uint_eq(sat_double_to_u64(18446744073709549568.0),
			  G_GUINT64_CONSTANT(18446744073709549568));
	ck_assert_uint_eq(sat_double_to_u64(3.99), 3);
}
END_TEST

START_TEST(test_double_to_i64)
{
	ck_assert_int_eq(sat_double_to_i64(NAN), 0);
	ck_assert_int_eq(sat_double_to_i64(1e300), G_MAXINT64);
	ck_assert_int_eq(sat_double_to_i64(-1e300), G_MININT64);
	ck_assert_int_eq(sat_double_to_i64(9223372036854775808.0), G_MAXINT64);
	ck_assert_int_eq(sat_double_to_i64(-9223372036854775808.0), G_MININT64);
	ck_assert_int_eq(sat_double_to_i64(-2.7), -2);
}
END_TEST

START_TEST(test_finite)
{
	ck_assert(sat_finite(NAN, 10) == 0);
	ck_assert(sat_finite(INFINITY, 10) == 10);
	ck_assert(sat_finite(-INFINITY, 10) == -10);
	ck_assert(sat_finite(3.5, 10) == 3.5);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("saturate");
	TCase *t = tcase_create("saturate");
	tcase_add_test(t, test_add_mul);
	tcase_add_test(t, test_double_to_u64);
	tcase_add_test(t, test_double_to_i64);
	tcase_add_test(t, test_finite);
	suite_add_tcase(s, t);
	return s;
}
