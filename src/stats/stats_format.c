#include "stats_format.h"

#include "saturate.h"

char *stats_human_size(guint64 bytes)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1000.0 && u + 1 < G_N_ELEMENTS(units)) {
		v /= 1000.0;
		u++;
	}
	return g_strdup_printf("%.4g%s", v, units[u]);
}

char *stats_human_duration(double seconds)
{
	/* From a stats document or /proc: NaN, negatives and absurd sizes must not reach a
	 * float-to-integer conversion. */
	if (!(seconds > 0))
		seconds = 0;
	if (seconds < 1.0)
		return g_strdup_printf("%dms", (int)(seconds * 1000.0));
	if (seconds < 60.0)
		return g_strdup_printf("%.2fs", seconds);
	guint64 s = sat_double_to_u64(seconds);
	if (s < 3600)
		return g_strdup_printf("%" G_GUINT64_FORMAT "m%" G_GUINT64_FORMAT "s", s / 60,
				       s % 60);
	if (s < 86400)
		return g_strdup_printf("%" G_GUINT64_FORMAT "h%" G_GUINT64_FORMAT "m", s / 3600,
				       s % 3600 / 60);
	return g_strdup_printf("%" G_GUINT64_FORMAT "d%" G_GUINT64_FORMAT "h", s / 86400,
			       s % 86400 / 3600);
}

/* Columns on the screen: UTF-8 characters, not counting ANSI colour sequences. */
static glong display_width(const char *s)
{
	glong w = 0;
	while (*s) {
		if (s[0] == '\033' && s[1] == '[') {
			s += 2;
			while (*s && !g_ascii_isalpha(*s))
				s++;
			if (*s)
				s++;
			continue;
		}
		s = g_utf8_next_char(s);
		w++;
	}
	return w;
}

char *stats_format_table(GPtrArray *rows)
{
	g_autoptr(GArray) widths = g_array_new(FALSE, TRUE, sizeof(glong));
	for (guint r = 0; r < rows->len; r++) {
		char **row = g_ptr_array_index(rows, r);
		for (guint c = 0; row[c]; c++) {
			if (c >= widths->len)
				g_array_set_size(widths, c + 1);
			glong w = display_width(row[c]);
			if (w > g_array_index(widths, glong, c))
				g_array_index(widths, glong, c) = w;
		}
	}
	GString *out = g_string_new(NULL);
	for (guint r = 0; r < rows->len; r++) {
		char **row = g_ptr_array_index(rows, r);
		for (guint c = 0; row[c]; c++) {
			g_string_append(out, row[c]);
			if (row[c + 1] == NULL)
				break;
			glong pad = g_array_index(widths, glong, c) - display_width(row[c]) + 2;
			for (glong i = 0; i < pad; i++)
				g_string_append_c(out, ' ');
		}
		g_string_append_c(out, '\n');
	}
	return g_string_free(out, FALSE);
}
