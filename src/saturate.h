/* Saturating arithmetic for numbers that come from outside (cgroup files, racct, ctl,
 * options, stats documents): a kernel or a peer may report anything, and a wrapped
 * counter or a float-to-integer overflow (undefined behaviour in C) must never reach a
 * sample. Pure, header-only, unit-tested in tests/unit/test_saturate.c. */
#pragma once

#include <glib.h>
#include <math.h>

static inline guint64 sat_add_u64(guint64 a, guint64 b)
{
	return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}

static inline guint64 sat_mul_u64(guint64 a, guint64 b)
{
	return b != 0 && a > G_MAXUINT64 / b ? G_MAXUINT64 : a * b;
}

/* 2^64 as a double: every double below it converts to guint64 exactly (truncated). */
#define SAT_TWO_POW_64 18446744073709551616.0

/* Truncates toward zero; NaN and negatives give 0, anything >= 2^64 the maximum. */
static inline guint64 sat_double_to_u64(double v)
{
	if (!(v > 0))
		return 0;
	if (v >= SAT_TWO_POW_64)
		return G_MAXUINT64;
	return (guint64)v;
}

/* Truncates toward zero into [G_MININT64, G_MAXINT64]; NaN gives 0. */
static inline gint64 sat_double_to_i64(double v)
{
	if (isnan(v))
		return 0;
	if (v >= 9223372036854775808.0) /* 2^63 */
		return G_MAXINT64;
	if (v <= -9223372036854775808.0)
		return G_MININT64;
	return (gint64)v;
}

/* A finite double no larger than max in magnitude; NaN gives 0. For values printed or
 * put into JSON (jansson refuses NaN and infinities). */
static inline double sat_finite(double v, double max)
{
	if (isnan(v))
		return 0;
	return v > max ? max : v < -max ? -max : v;
}
