#include "registry.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdutil.h"
#include "platform.h"
#include "stats.h"

char *registry_default_run_dir(void)
{
	/* A rootless podman's monitor is uid 0 in a user namespace: its run dir is the user's,
	 * where ocimonctl run by that user looks too. */
	if (platform_is_initial_root())
		return g_strdup("/run/ocimon");
	return g_build_filename(g_get_user_runtime_dir(), "ocimon", NULL);
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string(v));
}

json_t *registry_entry_to_json(const struct registry_entry *e)
{
	json_t *o = json_object();
	set_str(o, "id", e->id);
	set_str(o, "name", e->name);
	json_object_set_new(o, "monitor_pid", json_integer(e->monitor_pid));
	json_object_set_new(o, "container_pid", json_integer(e->container_pid));
	set_str(o, "bundle", e->bundle);
	set_str(o, "stats_socket", e->stats_socket);
	set_str(o, "attach_socket", e->attach_socket);
	set_str(o, "persist_dir", e->persist_dir);
	set_str(o, "summary_path", e->summary_path);
	set_str(o, "jail_name", e->jail_name);
	set_str(o, "stats_source", e->stats_source);
	json_t *drivers = json_array();
	for (size_t i = 0; e->log_drivers && e->log_drivers[i]; i++)
		json_array_append_new(drivers, json_string(e->log_drivers[i]));
	json_object_set_new(o, "log_drivers", drivers);
	set_str(o, "log_path", e->log_path);
	json_object_set_new(o, "stats_interval", json_integer(e->stats_interval));
	json_object_set_new(o, "started_at_us", json_integer(e->started_at));
	return o;
}

static char *get_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? g_strdup(s) : NULL;
}

/* A pid from a registry file: anything but 1..INT_MAX (a hand-edited or corrupt file) is
 * "no process", never a wrapped value that ocimonctl would look up in /proc. */
static pid_t get_pid(json_t *j, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(j, key));
	return v > 0 && v <= G_MAXINT ? (pid_t)v : 0;
}

static int get_int(json_t *j, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(j, key));
	return (int)CLAMP(v, G_MININT, G_MAXINT);
}

struct registry_entry *registry_entry_from_json(json_t *j, bool exited, GError **err)
{
	if (!json_is_object(j) || !json_is_string(json_object_get(j, "id"))) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "not an ocimon registry entry (no \"id\")");
		return NULL;
	}
	struct registry_entry *e = g_new0(struct registry_entry, 1);
	e->id = get_str(j, "id");
	e->name = get_str(j, "name");
	e->monitor_pid = get_pid(j, "monitor_pid");
	e->container_pid = get_pid(j, "container_pid");
	e->bundle = get_str(j, "bundle");
	e->stats_socket = get_str(j, "stats_socket");
	e->attach_socket = get_str(j, "attach_socket");
	e->persist_dir = get_str(j, "persist_dir");
	e->summary_path = get_str(j, "summary_path");
	e->jail_name = get_str(j, "jail_name");
	e->stats_source = get_str(j, "stats_source");
	json_t *drivers = json_object_get(j, "log_drivers");
	GPtrArray *d = g_ptr_array_new();
	for (size_t i = 0; i < json_array_size(drivers); i++) {
		const char *s = json_string_value(json_array_get(drivers, i));
		if (s != NULL)
			g_ptr_array_add(d, g_strdup(s));
	}
	g_ptr_array_add(d, NULL);
	e->log_drivers = (char **)g_ptr_array_free(d, FALSE);
	e->log_path = get_str(j, "log_path");
	e->stats_interval = get_int(j, "stats_interval");
	e->started_at = json_integer_value(json_object_get(j, "started_at_us"));
	e->exited = exited;
	if (exited) {
		e->finished_at = json_integer_value(json_object_get(j, "finished_at_us"));
		e->summary = json_incref(j);
	}
	return e;
}

void registry_entry_free(struct registry_entry *e)
{
	if (e == NULL)
		return;
	g_free(e->id);
	g_free(e->name);
	g_free(e->bundle);
	g_free(e->stats_socket);
	g_free(e->attach_socket);
	g_free(e->persist_dir);
	g_free(e->summary_path);
	g_free(e->jail_name);
	g_free(e->stats_source);
	g_strfreev(e->log_drivers);
	g_free(e->log_path);
	if (e->summary)
		json_decref(e->summary);
	g_free(e->file);
	g_free(e);
}

static gboolean make_dir(const char *dir, GError **err)
{
	if (g_mkdir_with_parents(dir, 0700) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to create %s: %s", dir, g_strerror(e));
		return FALSE;
	}
	return TRUE;
}

static gboolean write_json(const char *path, json_t *j, GError **err)
{
	g_autofree char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS | STATS_JSON_REAL);
	if (text == NULL) {
		g_set_error(err, OCIMON_ERROR, ENOMEM, "Failed to encode %s", path);
		return FALSE;
	}
	g_autofree char *with_nl = g_strconcat(text, "\n", NULL);
	return write_file_atomic(path, with_nl, strlen(with_nl), err);
}

char *registry_write(const char *run_dir, const struct registry_entry *e, GError **err)
{
	if (!make_dir(run_dir, err))
		return NULL;
	g_autofree char *file = g_strconcat(e->id, ".json", NULL);
	g_autofree char *path = g_build_filename(run_dir, file, NULL);
	json_t *j = registry_entry_to_json(e);
	gboolean ok = write_json(path, j, err);
	json_decref(j);
	return ok ? g_steal_pointer(&path) : NULL;
}

struct aged {
	char *path;
	gint64 mtime;
};

static gint newest_first(gconstpointer a, gconstpointer b)
{
	const struct aged *x = a, *y = b;
	return x->mtime < y->mtime ? 1 : x->mtime > y->mtime ? -1 : 0;
}

/* Removes the oldest summaries beyond the limit: the index must stay small. */
static void prune_exited(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	if (d == NULL)
		return;
	g_autoptr(GArray) files = g_array_new(FALSE, FALSE, sizeof(struct aged));
	const char *name;
	while ((name = g_dir_read_name(d)) != NULL) {
		if (!g_str_has_suffix(name, ".json"))
			continue;
		struct aged a = {g_build_filename(dir, name, NULL), 0};
		struct stat st;
		if (stat(a.path, &st) == 0)
			a.mtime = (gint64)st.st_mtime * G_USEC_PER_SEC;
		g_array_append_val(files, a);
	}
	g_array_sort(files, newest_first);
	for (guint i = 0; i < files->len; i++) {
		struct aged *a = &g_array_index(files, struct aged, i);
		if (i >= REGISTRY_EXITED_KEEP)
			unlink(a->path);
		g_free(a->path);
	}
}

gboolean registry_record_exit(const char *run_dir, const char *id, json_t *summary, GError **err)
{
	g_autofree char *dir = g_build_filename(run_dir, REGISTRY_EXITED_DIR, NULL);
	if (!make_dir(dir, err))
		return FALSE;
	g_autofree char *file = g_strconcat(id, ".json", NULL);
	g_autofree char *path = g_build_filename(dir, file, NULL);
	if (!write_json(path, summary, err))
		return FALSE;
	prune_exited(dir);
	return TRUE;
}

GPtrArray *registry_load(const char *run_dir, bool exited)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)registry_entry_free);
	g_autofree char *dir =
	    exited ? g_build_filename(run_dir, REGISTRY_EXITED_DIR, NULL) : g_strdup(run_dir);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	if (d == NULL)
		return out;
	const char *name;
	while ((name = g_dir_read_name(d)) != NULL) {
		/* Skip write_file_atomic's temporary files and anything else. */
		if (!g_str_has_suffix(name, ".json") || name[0] == '.')
			continue;
		g_autofree char *path = g_build_filename(dir, name, NULL);
		json_t *j = json_load_file(path, 0, NULL);
		if (j == NULL)
			continue;
		struct registry_entry *e = registry_entry_from_json(j, exited, NULL);
		json_decref(j);
		if (e == NULL)
			continue;
		e->file = g_steal_pointer(&path);
		g_ptr_array_add(out, e);
	}
	return out;
}

static gint64 entry_time(const struct registry_entry *e)
{
	return e->exited ? e->finished_at : e->started_at;
}

static gint newest_entry_first(gconstpointer a, gconstpointer b)
{
	const struct registry_entry *x = *(struct registry_entry *const *)a;
	const struct registry_entry *y = *(struct registry_entry *const *)b;
	gint64 tx = entry_time(x), ty = entry_time(y);
	return tx < ty ? 1 : tx > ty ? -1 : 0;
}

GPtrArray *registry_match(GPtrArray *entries, const char *query)
{
	GPtrArray *out = g_ptr_array_new();
	if (query == NULL || *query == '\0')
		return out;
	for (int pass = 0; pass < 3 && out->len == 0; pass++) {
		for (guint i = 0; i < entries->len; i++) {
			struct registry_entry *e = g_ptr_array_index(entries, i);
			bool hit = false;
			if (pass == 0)
				hit = g_strcmp0(e->id, query) == 0;
			else if (pass == 1)
				hit = g_strcmp0(e->name, query) == 0;
			else
				hit = e->id != NULL && g_str_has_prefix(e->id, query);
			if (hit)
				g_ptr_array_add(out, e);
		}
	}
	g_ptr_array_sort(out, newest_entry_first);
	return out;
}

bool registry_monitor_alive(const struct registry_entry *e)
{
	if (e->monitor_pid <= 0)
		return false;
	return kill(e->monitor_pid, 0) == 0 || errno == EPERM;
}
