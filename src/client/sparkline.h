/* Terminal sparklines for ocimonctl: a series of numbers as one row of block characters
 * (▁▂▃▄▅▆▇█), or of ASCII where the terminal's locale is not UTF-8. Pure. */
#pragma once

#include <glib.h>
#include <stdbool.h>

enum spark_charset { SPARK_UNICODE, SPARK_ASCII };

struct spark_opts {
	enum spark_charset charset;
	size_t width; /* cells at most: more values are put in buckets, each shown by its max */
	double max;   /* the top of the scale; <= 0: the largest value */
	double mark;  /* > 0: a limit; cells at or above it are drawn full (and red) */
	bool color;   /* ANSI colours: cells near the mark yellow, at it red */
};

#define SPARK_LEVELS 8

/* 0 (lowest block) .. SPARK_LEVELS - 1 (full block) for v on a scale of 0..max; 0 for
 * v <= 0 or max <= 0. */
int spark_level(double v, double max);

/* n values into at most width cells: each cell the max of its bucket, so a short peak
 * (the moment memory hit the limit) is never averaged away. Returns the cells used. */
size_t spark_resample(const double *v, size_t n, size_t width, double *out);

/* The row for n values (an empty string for none). */
char *spark_render(const double *v, size_t n, const struct spark_opts *o);

/* A horizontal line of cells, to draw a limit above a row. */
char *spark_ruler(size_t cells, enum spark_charset charset, bool color);

/* Whether the locale the environment names is UTF-8: the first set of LC_ALL, LC_CTYPE
 * and LANG, as setlocale(3) picks; none set is the C locale (ASCII). */
bool spark_locale_is_utf8(const char *lc_all, const char *lc_ctype, const char *lang);
