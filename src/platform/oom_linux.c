/* Linux: the container's memory cgroup, v1 (an eventfd registered on memory.oom_control) or
 * v2 (inotify on memory.events). Built only on Linux. */
#include "oom.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup_path.h"
#include "fdutil.h"
#include "log.h"
#include "oom_parse.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

struct oom_watch {
	pid_t container_pid;
	char *persist_dir; /* where the oom files go; either may be NULL */
	char *bundle;
	bool v2;
	char *dir;      /* the container's memory cgroup */
	int event_fd;   /* v1: eventfd; v2: inotify */
	int control_fd; /* v1: memory.oom_control, open for as long as the registration */
	guint watch;
	struct oom_counters base; /* counters when the watch started */
	bool reported;
};

static void create_empty(const char *dir, const char *name)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_warning("Failed to create OOM file %s: %s", path, g_strerror(errno));
		return;
	}
	close(fd);
}

static void report_oom(struct oom_watch *w)
{
	if (w->reported)
		return;
	w->reported = true;
	log_info("container %d: the OOM killer acted in %s", (int)w->container_pid, w->dir);
	if (w->persist_dir)
		create_empty(w->persist_dir, "oom");
	if (w->bundle)
		create_empty(w->bundle, "oom");
}

/* Reads the counters file of the cgroup; FALSE when it is gone or unreadable. */
static gboolean read_counters(struct oom_watch *w, struct oom_counters *out)
{
	g_autofree char *path =
	    g_build_filename(w->dir, w->v2 ? "memory.events" : "memory.oom_control", NULL);
	g_autofree char *text = NULL;
	g_autoptr(GError) err = NULL;
	if (!g_file_get_contents(path, &text, NULL, &err)) {
		log_debug("%s", err->message);
		return FALSE;
	}
	gboolean ok = w->v2 ? oom_parse_memory_events(text, out, &err)
			    : oom_parse_oom_control(text, out, &err);
	if (!ok)
		log_warning("%s: %s", path, err->message);
	return ok;
}

static void check_counters(struct oom_watch *w)
{
	struct oom_counters now;
	if (read_counters(w, &now) && oom_counters_show_new_oom(&w->base, &now))
		report_oom(w);
}

static void stop_watch(struct oom_watch *w)
{
	if (w->watch) {
		g_source_remove(w->watch);
		w->watch = 0;
	}
	fd_close(&w->event_fd);
	fd_close(&w->control_fd);
}

static bool cgroup_gone(struct oom_watch *w)
{
	g_autofree char *path = g_build_filename(w->dir, "memory.oom_control", NULL);
	return access(path, F_OK) < 0 && errno == ENOENT;
}

/* v1: returns false when the cgroup is gone and no more events will come. */
static bool handle_v1_events(struct oom_watch *w)
{
	uint64_t count;
	ssize_t n = read(w->event_fd, &count, sizeof(count));
	if (n != (ssize_t)sizeof(count))
		return true; /* EAGAIN: nothing pending */
	bool gone = cgroup_gone(w);
	log_debug("memory cgroup %s: %llu event(s)%s", w->dir, (unsigned long long)count,
		  gone ? ", cgroup removed" : "");
	if (oom_v1_events_mean_oom(count, gone))
		report_oom(w);
	return !gone;
}

static gboolean v1_event_cb(int fd, GIOCondition cond, gpointer data)
{
	struct oom_watch *w = data;
	if (handle_v1_events(w))
		return G_SOURCE_CONTINUE;
	w->watch = 0;
	stop_watch(w);
	return G_SOURCE_REMOVE;
}

static gboolean v2_event_cb(int fd, GIOCondition cond, gpointer data)
{
	struct oom_watch *w = data;
	/* Only whether memory.events changed matters, not the events themselves; IN_IGNORED
	 * says the cgroup was removed. */
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool ignored = false;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (ev->mask & IN_IGNORED)
				ignored = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	check_counters(w);
	if (!ignored)
		return G_SOURCE_CONTINUE;
	w->watch = 0;
	stop_watch(w);
	return G_SOURCE_REMOVE;
}

static gboolean start_v2(struct oom_watch *w, GError **err)
{
	g_autofree char *events = g_build_filename(w->dir, "memory.events", NULL);
	autoclose int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "inotify_init1: %s", g_strerror(e));
		return FALSE;
	}
	if (inotify_add_watch(fd, events, IN_MODIFY) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to watch %s: %s", events, g_strerror(e));
		return FALSE;
	}
	w->event_fd = fd_steal(&fd);
	w->watch = g_unix_fd_add(w->event_fd, G_IO_IN, v2_event_cb, w);
	return TRUE;
}

static gboolean start_v1(struct oom_watch *w, GError **err)
{
	g_autofree char *control = g_build_filename(w->dir, "memory.oom_control", NULL);
	g_autofree char *event_control = g_build_filename(w->dir, "cgroup.event_control", NULL);
	autoclose int ctl = open(event_control, O_WRONLY | O_CLOEXEC);
	if (ctl < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to open %s: %s", event_control,
			    g_strerror(e));
		return FALSE;
	}
	autoclose int oom_fd = open(control, O_RDONLY | O_CLOEXEC);
	if (oom_fd < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to open %s: %s", control, g_strerror(e));
		return FALSE;
	}
	autoclose int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "eventfd: %s", g_strerror(e));
		return FALSE;
	}
	/* "<eventfd> <fd of memory.oom_control>" registers for OOM notifications. */
	g_autofree char *reg = g_strdup_printf("%d %d", efd, oom_fd);
	int r = write_all(ctl, reg, strlen(reg));
	if (r < 0) {
		g_set_error(err, OCIMON_ERROR, -r, "Failed to write %s: %s", event_control,
			    g_strerror(-r));
		return FALSE;
	}
	w->event_fd = fd_steal(&efd);
	w->control_fd = fd_steal(&oom_fd);
	w->watch = g_unix_fd_add(w->event_fd, G_IO_IN, v1_event_cb, w);
	return TRUE;
}

/* The container's memory cgroup directory, from /proc/<pid>/cgroup. */
static char *memory_cgroup_dir(pid_t pid, bool v2, GError **err)
{
	g_autofree char *proc = g_strdup_printf("/proc/%d/cgroup", (int)pid);
	g_autofree char *text = NULL;
	if (!g_file_get_contents(proc, &text, NULL, err))
		return NULL;
	g_autoptr(GPtrArray) lines = cgroup_lines_parse(text, err);
	if (lines == NULL)
		return NULL;
	const char *path = cgroup_lines_find(lines, v2 ? NULL : "memory");
	if (path == NULL) {
		g_set_error(err, OCIMON_ERROR, ENOENT, "%s names no %s cgroup", proc,
			    v2 ? "unified" : "memory");
		return NULL;
	}
	return v2 ? g_build_filename(CGROUP_ROOT, path, NULL)
		  : g_build_filename(CGROUP_ROOT, "memory", path, NULL);
}

struct oom_watch *oom_watch_start(pid_t container_pid, const char *persist_dir, const char *bundle,
				  bool exec)
{
	if (container_pid <= 0)
		return NULL;
	struct statfs sfs;
	bool v2 = statfs(CGROUP_ROOT, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
	g_autoptr(GError) err = NULL;
	g_autofree char *dir = memory_cgroup_dir(container_pid, v2, &err);
	if (dir == NULL) {
		log_warning("No OOM detection for container %d: %s", (int)container_pid,
			    err->message);
		return NULL;
	}
	struct oom_watch *w = g_new0(struct oom_watch, 1);
	w->container_pid = container_pid;
	w->persist_dir = g_strdup(persist_dir);
	w->bundle = g_strdup(bundle);
	w->v2 = v2;
	w->dir = g_steal_pointer(&dir);
	w->event_fd = w->control_fd = -1;
	/* A container's cgroup is new, so any OOM counted there is the container's own. An exec
	 * session shares the container's cgroup: only what happens from now on is its own. */
	if (exec)
		read_counters(w, &w->base);
	if (!(v2 ? start_v2(w, &err) : start_v1(w, &err))) {
		log_warning("No OOM events for container %d: %s", (int)container_pid, err->message);
		stop_watch(w);
	}
	/* An OOM before the watch existed (restore starts the container before we get here). */
	check_counters(w);
	return w;
}

void oom_watch_final_check(struct oom_watch *w)
{
	if (w == NULL)
		return;
	if (!w->v2 && w->event_fd >= 0)
		handle_v1_events(w);
	check_counters(w);
}

bool oom_watch_reported(const struct oom_watch *w)
{
	return w != NULL && w->reported;
}

void oom_watch_close(struct oom_watch *w)
{
	if (w == NULL)
		return;
	stop_watch(w);
	g_free(w->dir);
	g_free(w->persist_dir);
	g_free(w->bundle);
	g_free(w);
}
