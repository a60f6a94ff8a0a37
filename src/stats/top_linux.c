/* Linux `ocimonctl top`: the processes of the container's cgroup, read from /proc.
 * PIDs are shown as the container sees them (NSpid), like podman top. */
#include "top.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdutil.h"
#include "saturate.h"
#include "stats_backend.h"
#include "stats_cgroup_linux.h"
#include "stats_format.h"
#include "top_parse.h"

struct proc_row {
	guint64 pid;
	guint64 nspid;
	struct proc_stat_info st;
	guint64 uid;
	char *args;
};

static void proc_row_free(gpointer p)
{
	struct proc_row *r = p;
	g_free(r->args);
	g_free(r);
}

static char *read_proc(guint64 pid, const char *what)
{
	g_autofree char *path = g_strdup_printf("/proc/%" G_GUINT64_FORMAT "/%s", pid, what);
	char *text = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &text, &len, NULL))
		return NULL;
	/* cmdline: arguments are NUL-separated. */
	for (gsize i = 0; i + 1 < len; i++)
		if (text[i] == '\0')
			text[i] = ' ';
	return text;
}

static struct proc_row *read_row(guint64 pid)
{
	g_autofree char *stat = read_proc(pid, "stat");
	g_autofree char *status = read_proc(pid, "status");
	if (stat == NULL || status == NULL)
		return NULL; /* exited meanwhile */
	struct proc_row *r = g_new0(struct proc_row, 1);
	r->pid = pid;
	if (!proc_stat_parse(stat, &r->st)) {
		g_free(r);
		return NULL;
	}
	if (!proc_status_field(status, "NSpid", -1, &r->nspid))
		r->nspid = pid;
	if (!proc_status_field(status, "Uid", 1, &r->uid))
		r->uid = 0;
	r->args = read_proc(pid, "cmdline");
	if (r->args == NULL || *r->args == '\0') {
		g_free(r->args);
		r->args = g_strdup_printf("[%s]", r->st.comm); /* a kernel thread or a zombie */
	}
	g_strchomp(r->args);
	return r;
}

static char *clock_time(double seconds)
{
	guint64 s = sat_double_to_u64(seconds);
	return g_strdup_printf("%02" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT
			       ":%02" G_GUINT64_FORMAT,
			       s / 3600, s % 3600 / 60, s % 60);
}

static bool same_pid_ns(pid_t pid, const struct stat *ns)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/ns/pid", (int)pid);
	struct stat st;
	return stat(path, &st) == 0 && st.st_dev == ns->st_dev && st.st_ino == ns->st_ino;
}

/* A container without a cgroup of its own (rootless podman on cgroup v1): its processes
 * are those of its pid namespace, as podman top finds them, unless that is its monitor's.
 * Returns their host pids, one per line, like cgroup.procs. */
static char *pid_namespace_procs(const struct registry_entry *e, GError **err)
{
	const char *who = e->name ? e->name : e->id;
	g_autofree char *path = g_strdup_printf("/proc/%d/ns/pid", (int)e->container_pid);
	struct stat ns;
	if (stat(path, &ns) < 0) {
		int en = errno;
		g_set_error(err, OCIMON_ERROR, en, "container %s (pid %d) is not running: %s: %s",
			    who, (int)e->container_pid, path, g_strerror(en));
		return NULL;
	}
	if (same_pid_ns(e->monitor_pid, &ns)) {
		g_set_error(err, OCIMON_ERROR, STATS_NO_OWN_CGROUP,
			    "container %s has neither a cgroup nor a pid namespace of its own: "
			    "its processes cannot be told from others",
			    who);
		return NULL;
	}
	g_autoptr(GError) dir_err = NULL;
	g_autoptr(GDir) d = g_dir_open("/proc", 0, &dir_err);
	if (d == NULL) {
		g_set_error(err, OCIMON_ERROR, ENOENT, "Failed to list /proc: %s",
			    dir_err->message);
		return NULL;
	}
	GString *out = g_string_new(NULL);
	const char *name;
	while ((name = g_dir_read_name(d)) != NULL) {
		guint64 pid;
		if (g_ascii_string_to_unsigned(name, 10, 1, G_MAXINT, &pid, NULL) &&
		    same_pid_ns((pid_t)pid, &ns))
			g_string_append_printf(out, "%s\n", name);
	}
	return g_string_free(out, FALSE);
}

char *top_table(const struct registry_entry *e, GError **err)
{
	g_autoptr(GError) open_err = NULL;
	g_autoptr(stats_source) src =
	    stats_source_open(e->container_pid, e->monitor_pid, e->id, e->jail_name, &open_err);
	g_autofree char *procs = NULL;
	if (src == NULL && open_err->code == STATS_NO_OWN_CGROUP) {
		procs = pid_namespace_procs(e, err);
		if (procs == NULL)
			return NULL;
	} else if (src == NULL) {
		g_set_error(err, OCIMON_ERROR, open_err->code,
			    "container %s (pid %d) is not running: %s", e->name ? e->name : e->id,
			    (int)e->container_pid, open_err->message);
		return NULL;
	} else {
		g_autoptr(GError) read_err = NULL;
		if (!g_file_get_contents(cgroup_source_procs(src), &procs, NULL, &read_err)) {
			g_set_error(err, OCIMON_ERROR, ENOENT, "Failed to read %s: %s",
				    cgroup_source_procs(src), read_err->message);
			return NULL;
		}
	}
	g_autofree char *uptime_text = NULL;
	double uptime = 0;
	if (g_file_get_contents("/proc/uptime", &uptime_text, NULL, NULL))
		uptime = g_ascii_strtod(uptime_text, NULL);
	double hz = (double)sysconf(_SC_CLK_TCK);
	/* Users as the container knows them: uids through its user namespace (rootless
	 * podman), names from its own /etc/passwd. */
	g_autofree char *uid_map = read_proc((guint64)e->container_pid, "uid_map");
	g_autofree char *passwd_path =
	    g_strdup_printf("/proc/%d/root/etc/passwd", (int)e->container_pid);
	g_autofree char *passwd = NULL;
	g_file_get_contents(passwd_path, &passwd, NULL, NULL);

	g_autoptr(GPtrArray) procs_rows = g_ptr_array_new_with_free_func(proc_row_free);
	g_autoptr(GHashTable) nspid_of = g_hash_table_new(g_int64_hash, g_int64_equal);
	g_auto(GStrv) pids = g_strsplit(procs, "\n", -1);
	for (size_t i = 0; pids[i]; i++) {
		guint64 pid;
		if (!g_ascii_string_to_unsigned(pids[i], 10, 1, G_MAXINT, &pid, NULL))
			continue;
		struct proc_row *r = read_row(pid);
		if (r == NULL)
			continue;
		g_ptr_array_add(procs_rows, r);
		g_hash_table_insert(nspid_of, &r->pid, &r->nspid);
	}

	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	const char *header[] = {"USER", "PID",  "PPID",    "%CPU", "ELAPSED",
				"TTY",  "TIME", "COMMAND", NULL};
	g_ptr_array_add(rows, g_strdupv((char **)header));
	for (guint i = 0; i < procs_rows->len; i++) {
		struct proc_row *r = g_ptr_array_index(procs_rows, i);
		guint64 ppid_host = (guint64)r->st.ppid;
		guint64 *ppid_ns = g_hash_table_lookup(nspid_of, &ppid_host);
		double elapsed = uptime - (double)r->st.starttime / hz;
		double cpu = ((double)r->st.utime + (double)r->st.stime) / hz;
		guint64 uid = uid_map ? uid_map_inside(uid_map, r->uid) : r->uid;
		char *user = passwd ? passwd_name(passwd, uid) : NULL;
		char *row[] = {
		    user ? user : g_strdup_printf("%" G_GUINT64_FORMAT, uid),
		    g_strdup_printf("%" G_GUINT64_FORMAT, r->nspid),
		    /* A parent outside the container (the monitor) is 0, as podman shows. */
		    g_strdup_printf("%" G_GUINT64_FORMAT, ppid_ns ? *ppid_ns : 0),
		    g_strdup_printf("%.3f", elapsed > 0 ? cpu / elapsed * 100.0 : 0),
		    stats_human_duration(elapsed),
		    tty_name(r->st.tty_nr),
		    clock_time(cpu),
		    g_strdup(r->args),
		    NULL,
		};
		g_ptr_array_add(rows, g_memdup2(row, sizeof(row)));
	}
	return stats_format_table(rows);
}
