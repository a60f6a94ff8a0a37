#include "sparkline.h"

#include <string.h>

static const char *const blocks[SPARK_LEVELS] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
/* Low to high, like the blocks: "_" sits on the baseline, "#" fills the cell. */
static const char ascii_levels[SPARK_LEVELS + 1] = "_.-~=+*#";

#define RED    "\033[31m"
#define YELLOW "\033[33m"
#define DIM    "\033[2m"
#define RESET  "\033[0m"
/* A cell this close to the mark is a warning. */
#define NEAR_MARK 0.75

int spark_level(double v, double max)
{
	if (!(v > 0) || !(max > 0))
		return 0;
	double f = v / max;
	if (f >= 1)
		return SPARK_LEVELS - 1;
	/* Eight equal bands; the lowest block for anything in the first. */
	int l = (int)(f * SPARK_LEVELS);
	return CLAMP(l, 0, SPARK_LEVELS - 1);
}

size_t spark_resample(const double *v, size_t n, size_t width, double *out)
{
	if (width == 0 || n <= width) {
		if (n > 0) /* v may be NULL then, and memcpy must not see a NULL */
			memcpy(out, v, n * sizeof(*v));
		return n;
	}
	for (size_t c = 0; c < width; c++) {
		size_t from = c * n / width, to = (c + 1) * n / width;
		double m = v[from];
		for (size_t i = from + 1; i < to; i++)
			m = MAX(m, v[i]);
		out[c] = m;
	}
	return width;
}

char *spark_render(const double *v, size_t n, const struct spark_opts *o)
{
	g_autofree double *cells = g_new(double, n ? n : 1);
	size_t len = spark_resample(v, n, o->width, cells);
	double max = o->max;
	if (max <= 0)
		for (size_t i = 0; i < len; i++)
			max = MAX(max, cells[i]);
	GString *s = g_string_new(NULL);
	const char *color = NULL;
	for (size_t i = 0; i < len; i++) {
		bool at_mark = o->mark > 0 && cells[i] >= o->mark;
		int l = at_mark ? SPARK_LEVELS - 1 : spark_level(cells[i], max);
		const char *want = NULL;
		if (o->color && at_mark)
			want = RED;
		else if (o->color && o->mark > 0 && cells[i] >= NEAR_MARK * o->mark)
			want = YELLOW;
		if (want != color) {
			g_string_append(s, want ? want : RESET);
			color = want;
		}
		if (o->charset == SPARK_ASCII)
			g_string_append_c(s, ascii_levels[l]);
		else
			g_string_append(s, blocks[l]);
	}
	if (color != NULL)
		g_string_append(s, RESET);
	return g_string_free(s, FALSE);
}

char *spark_ruler(size_t cells, enum spark_charset charset, bool color)
{
	GString *s = g_string_new(color ? DIM : "");
	for (size_t i = 0; i < cells; i++)
		g_string_append(s, charset == SPARK_ASCII ? "-" : "┈");
	if (color)
		g_string_append(s, RESET);
	return g_string_free(s, FALSE);
}

bool spark_locale_is_utf8(const char *lc_all, const char *lc_ctype, const char *lang)
{
	const char *names[] = {lc_all, lc_ctype, lang};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (names[i] == NULL || *names[i] == '\0')
			continue;
		g_autofree char *low = g_ascii_strdown(names[i], -1);
		return strstr(low, "utf-8") != NULL || strstr(low, "utf8") != NULL;
	}
	return false;
}
