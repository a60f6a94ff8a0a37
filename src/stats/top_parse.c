#include "top_parse.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

gboolean proc_stat_parse(const char *text, struct proc_stat_info *out)
{
	memset(out, 0, sizeof(*out));
	const char *open = strchr(text, '(');
	const char *close = strrchr(text, ')');
	/* close[1] must be the space before the fields (a stat ending in ')' would read
	 * past the string). */
	if (open == NULL || close == NULL || close < open || close[1] != ' ')
		return FALSE;
	size_t n = MIN((size_t)(close - open - 1), sizeof(out->comm) - 1);
	memcpy(out->comm, open + 1, n);
	out->comm[n] = '\0';
	/* After ") ": state(3) ppid(4) pgrp session tty_nr(7) tpgid flags minflt cminflt
	 * majflt cmajflt utime(14) stime(15) cutime cstime priority nice num_threads
	 * itrealvalue starttime(22). */
	g_auto(GStrv) f = g_strsplit(close + 2, " ", 24);
	if (g_strv_length(f) < 20)
		return FALSE;
	out->state = f[0][0];
	out->ppid = atoi(f[1]);
	out->tty_nr = g_ascii_strtoull(f[4], NULL, 10);
	out->utime = g_ascii_strtoull(f[11], NULL, 10);
	out->stime = g_ascii_strtoull(f[12], NULL, 10);
	out->starttime = g_ascii_strtoull(f[19], NULL, 10);
	return TRUE;
}

gboolean proc_status_field(const char *text, const char *key, int index, guint64 *out)
{
	g_autofree char *prefix = g_strconcat(key, ":", NULL);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		if (!g_str_has_prefix(lines[i], prefix))
			continue;
		g_auto(GStrv) v = g_strsplit_set(lines[i] + strlen(prefix), " \t", -1);
		GPtrArray *vals = g_ptr_array_new();
		for (size_t j = 0; v[j]; j++)
			if (*v[j] != '\0')
				g_ptr_array_add(vals, v[j]);
		gboolean ok = FALSE;
		int k = index < 0 ? (int)vals->len - 1 : index;
		if (k >= 0 && (guint)k < vals->len)
			ok = g_ascii_string_to_unsigned(g_ptr_array_index(vals, k), 10, 0,
							G_MAXUINT64, out, NULL);
		g_ptr_array_free(vals, TRUE);
		return ok;
	}
	return FALSE;
}

char *passwd_name(const char *passwd, guint64 uid)
{
	g_auto(GStrv) lines = g_strsplit(passwd, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		g_auto(GStrv) f = g_strsplit(lines[i], ":", 4);
		guint64 u;
		if (g_strv_length(f) >= 3 &&
		    g_ascii_string_to_unsigned(f[2], 10, 0, G_MAXUINT64, &u, NULL) && u == uid)
			return g_strdup(f[0]);
	}
	return NULL;
}

char *tty_name(guint64 tty_nr)
{
	if (tty_nr == 0)
		return g_strdup("?");
	guint64 major = (tty_nr >> 8) & 0xfff;
	guint64 minor = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);
	/* Unix98 ptys use majors 136-143 (linux/Documentation/admin-guide/devices.txt). */
	if (major >= 136 && major <= 143)
		return g_strdup_printf("pts/%" G_GUINT64_FORMAT, (major - 136) * 256 + minor);
	if (major == 4 && minor < 64)
		return g_strdup_printf("tty%" G_GUINT64_FORMAT, minor);
	return g_strdup_printf("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, major, minor);
}

guint64 uid_map_inside(const char *uid_map, guint64 outside)
{
	const char *p = uid_map;
	while (p != NULL && *p != '\0') {
		unsigned long long in, out, count;
		if (sscanf(p, "%llu %llu %llu", &in, &out, &count) == 3 && outside >= out &&
		    outside - out < count)
			return in + (outside - out);
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return 65534;
}
