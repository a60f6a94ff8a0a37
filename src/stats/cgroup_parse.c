#include "cgroup_parse.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "cgroup_path.h"
#include "fdutil.h"
#include "saturate.h"

/* Cuts path just after "/<prefix><cid><suffix>" when followed by '/' or the end. */
static bool cut_after(char *path, const char *prefix, const char *cid, const char *suffix)
{
	g_autofree char *needle = g_strconcat("/", prefix, cid, suffix, NULL);
	size_t n = strlen(needle);
	for (char *p = strstr(path, needle); p != NULL; p = strstr(p + 1, needle)) {
		if (p[n] == '/' || p[n] == '\0') {
			p[n] = '\0';
			return true;
		}
	}
	return false;
}

char *cgroup_parse_membership(const char *text, const char *cid, GError **err)
{
	g_autoptr(GPtrArray) lines = cgroup_lines_parse(text, err);
	if (lines == NULL)
		return NULL;
	const char *best = NULL;
	for (guint i = 0; i < lines->len; i++) {
		const struct cgroup_line *l = g_ptr_array_index(lines, i);
		if (l->controllers[0] != NULL && g_str_has_prefix(l->controllers[0], "name="))
			continue;
		if (best == NULL || strlen(l->path) > strlen(best))
			best = l->path;
	}
	if (best == NULL) {
		g_set_error(err, OCIMON_ERROR, ENOENT,
			    "no cgroup in /proc/<pid>/cgroup text \"%.80s\"", text);
		return NULL;
	}
	char *path = g_strdup(best);
	if (cid != NULL && *cid != '\0') {
		(void)(cut_after(path, "libpod-payload-", cid, "") ||
		       cut_after(path, "libpod-", cid, ".scope") ||
		       cut_after(path, "libpod-", cid, "") ||
		       cut_after(path, "crio-", cid, ".scope"));
	}
	return path;
}

bool cgroup_membership_same(const char *ctr_text, const char *cid, const char *monitor_text)
{
	g_autofree char *a = cgroup_parse_membership(ctr_text, cid, NULL);
	g_autofree char *b = cgroup_parse_membership(monitor_text, NULL, NULL);
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

gboolean cgroup_parse_value(const char *text, guint64 *out)
{
	g_autofree char *s = g_strstrip(g_strdup(text));
	if (strcmp(s, "max") == 0) {
		*out = G_MAXUINT64;
		return TRUE;
	}
	return g_ascii_string_to_unsigned(s, 10, 0, G_MAXUINT64, out, NULL);
}

gboolean cgroup_parse_keyed(const char *text, const char *key, guint64 *out)
{
	size_t klen = strlen(key);
	for (const char *p = text; p != NULL && *p != '\0';) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > klen && memcmp(p, key, klen) == 0 && p[klen] == ' ') {
			g_autofree char *v = g_strndup(p + klen + 1, len - klen - 1);
			return cgroup_parse_value(v, out);
		}
		p = eol ? eol + 1 : NULL;
	}
	return FALSE;
}

gboolean cgroup_parse_cpu_v2(const char *text, guint64 *ns)
{
	guint64 usec;
	if (!cgroup_parse_keyed(text, "usage_usec", &usec))
		return FALSE;
	*ns = sat_mul_u64(usec, 1000);
	return TRUE;
}

void cgroup_parse_io_stat(const char *text, guint64 *read_bytes, guint64 *write_bytes)
{
	*read_bytes = *write_bytes = 0;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) fields = g_strsplit_set(lines[i], " \t", -1);
		/* fields[0] is the device */
		for (size_t j = 1; fields[0] != NULL && fields[j] != NULL; j++) {
			guint64 v;
			if (g_str_has_prefix(fields[j], "rbytes=") &&
			    g_ascii_string_to_unsigned(fields[j] + 7, 10, 0, G_MAXUINT64, &v, NULL))
				*read_bytes = sat_add_u64(*read_bytes, v);
			else if (g_str_has_prefix(fields[j], "wbytes=") &&
				 g_ascii_string_to_unsigned(fields[j] + 7, 10, 0, G_MAXUINT64, &v,
							    NULL))
				*write_bytes = sat_add_u64(*write_bytes, v);
		}
	}
}

void cgroup_parse_blkio_v1(const char *text, guint64 *read_bytes, guint64 *write_bytes)
{
	*read_bytes = *write_bytes = 0;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit(lines[i], " ", -1);
		if (g_strv_length(f) != 3)
			continue; /* "Total N" and blank lines */
		guint64 v;
		if (!g_ascii_string_to_unsigned(f[2], 10, 0, G_MAXUINT64, &v, NULL))
			continue;
		if (strcmp(f[1], "Read") == 0)
			*read_bytes = sat_add_u64(*read_bytes, v);
		else if (strcmp(f[1], "Write") == 0)
			*write_bytes = sat_add_u64(*write_bytes, v);
	}
}

guint64 cgroup_mem_usage(guint64 usage, guint64 inactive_file)
{
	return usage > inactive_file ? usage - inactive_file : 0;
}

guint64 cgroup_mem_limit(guint64 limit, guint64 physical)
{
	if (limit == 0 || (physical > 0 && limit > physical))
		return physical;
	return limit;
}
