#include "oom_parse.h"

#include <errno.h>
#include <string.h>

#include "fdutil.h"

/* Calls found(key, value) for every "KEY VALUE" line with a decimal value. */
static gboolean parse_flat_keyed(const char *text, const char *what,
				 void (*found)(const char *key, guint64 v,
					       struct oom_counters *out),
				 struct oom_counters *out, GError **err)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		if (*lines[i] == '\0')
			continue;
		g_auto(GStrv) kv = g_strsplit(lines[i], " ", 3);
		guint64 v;
		if (kv[0] == NULL || kv[1] == NULL || kv[2] != NULL ||
		    !g_ascii_string_to_unsigned(kv[1], 10, 0, G_MAXUINT64, &v, NULL)) {
			g_set_error(err, OCIMON_ERROR, EINVAL, "%s: malformed line \"%.64s\"", what,
				    lines[i]);
			return FALSE;
		}
		found(kv[0], v, out);
	}
	return TRUE;
}

static void events_key(const char *key, guint64 v, struct oom_counters *out)
{
	if (strcmp(key, "oom") == 0)
		out->oom = v;
	else if (strcmp(key, "oom_kill") == 0) {
		out->oom_kill = v;
		out->has_oom_kill = true;
	}
}

gboolean oom_parse_memory_events(const char *text, struct oom_counters *out, GError **err)
{
	memset(out, 0, sizeof(*out));
	return parse_flat_keyed(text, "memory.events", events_key, out, err);
}

static void control_key(const char *key, guint64 v, struct oom_counters *out)
{
	if (strcmp(key, "under_oom") == 0)
		out->under_oom = v != 0;
	else if (strcmp(key, "oom_kill") == 0) {
		out->oom_kill = v;
		out->has_oom_kill = true;
	}
}

gboolean oom_parse_oom_control(const char *text, struct oom_counters *out, GError **err)
{
	memset(out, 0, sizeof(*out));
	return parse_flat_keyed(text, "memory.oom_control", control_key, out, err);
}

bool oom_counters_show_new_oom(const struct oom_counters *base, const struct oom_counters *now)
{
	return now->oom > base->oom || now->oom_kill > base->oom_kill || now->under_oom;
}

bool oom_v1_events_mean_oom(guint64 count, bool cgroup_gone)
{
	if (count == 0)
		return false;
	return !cgroup_gone || count >= 2;
}
