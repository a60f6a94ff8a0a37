#include "cgroup_path.h"

#include <errno.h>
#include <string.h>

#include "fdutil.h"

#define DELETED_SUFFIX " (deleted)"

static void cgroup_line_free(gpointer p)
{
	struct cgroup_line *l = p;
	g_strfreev(l->controllers);
	g_free(l->path);
	g_free(l);
}

/* Splits "ID:CONTROLLERS:PATH" on the first two colons only: a cgroupfs directory name may
 * itself contain ':'. */
static struct cgroup_line *parse_line(const char *line, GError **err)
{
	const char *c1 = strchr(line, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (c2 == NULL) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "cgroup line \"%.64s\" lacks two ':'", line);
		return NULL;
	}
	g_autofree char *id = g_strndup(line, (gsize)(c1 - line));
	guint64 hierarchy;
	if (!g_ascii_string_to_unsigned(id, 10, 0, G_MAXUINT, &hierarchy, NULL)) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "cgroup line \"%.64s\": bad hierarchy id",
			    line);
		return NULL;
	}
	const char *path = c2 + 1;
	if (*path != '/') {
		g_set_error(err, OCIMON_ERROR, EINVAL,
			    "cgroup line \"%.64s\": path does not start with '/'", line);
		return NULL;
	}
	struct cgroup_line *l = g_new0(struct cgroup_line, 1);
	l->hierarchy = (unsigned int)hierarchy;
	g_autofree char *ctrls = g_strndup(c1 + 1, (gsize)(c2 - c1 - 1));
	l->controllers = *ctrls ? g_strsplit(ctrls, ",", -1) : g_new0(char *, 1);
	l->path = g_strdup(path);
	if (g_str_has_suffix(l->path, DELETED_SUFFIX))
		l->path[strlen(l->path) - strlen(DELETED_SUFFIX)] = '\0';
	return l;
}

GPtrArray *cgroup_lines_parse(const char *text, GError **err)
{
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(cgroup_line_free);
	g_auto(GStrv) raw = g_strsplit(text, "\n", -1);
	for (size_t i = 0; raw[i]; i++) {
		if (*raw[i] == '\0')
			continue;
		struct cgroup_line *l = parse_line(raw[i], err);
		if (l == NULL)
			return NULL;
		g_ptr_array_add(lines, l);
	}
	return g_steal_pointer(&lines);
}

const char *cgroup_lines_find(const GPtrArray *lines, const char *controller)
{
	for (guint i = 0; i < lines->len; i++) {
		const struct cgroup_line *l = g_ptr_array_index((GPtrArray *)lines, i);
		if (controller == NULL) {
			if (l->hierarchy == 0 && l->controllers[0] == NULL)
				return l->path;
			continue;
		}
		if (g_strv_contains((const char *const *)l->controllers, controller))
			return l->path;
	}
	return NULL;
}
