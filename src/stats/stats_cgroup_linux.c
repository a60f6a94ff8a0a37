/* Linux: samples from the container's cgroup, v1 or v2 (SPEC §3). Opening finds the
 * files once; the first sample opens them and keeps them open, so each sample after that
 * is a pread(2) per file (cgroupfs regenerates a file read at offset 0) into a stack
 * buffer: no path walk, no allocation, about 1 µs a file instead of 7 (issue 11). */
#include "stats_cgroup_linux.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_parse.h"
#include "fdutil.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
/* memory.stat is ~1.5 KiB; io.stat grows with devices. */
#define CGROUP_READ_MAX 16384

enum cg_file { CG_CPU, CG_MEM_USAGE, CG_MEM_STAT, CG_MEM_LIMIT, CG_PIDS, CG_IO, CG_N };

struct stats_source {
	bool v2;
	guint64 physical;
	char *file[CG_N]; /* NULL: not there (a controller not enabled) */
	int fd[CG_N];     /* -1 until the first read */
	/* memory.stat is the dearest file (v1 ~0.8 KiB, v2 ~3 KiB to format and parse): read
	 * only when the usage moved since the sample that last read it. */
	guint64 stat_usage, stat_inactive;
	bool have_stat;
	char *dir; /* its disappearance means the cgroup was removed */
	char *procs;
	char *describe;
};

/* v1: the controller's mount; "cpuacct" may be co-mounted as "cpu,cpuacct". */
static char *v1_controller_dir(const char *root, const char *controller, const char *path)
{
	g_autofree char *a = g_strdup_printf("%s/%s", root, controller);
	g_autofree char *b = g_strdup_printf("%s/cpu,%s", root, controller);
	g_autofree char *c = g_strdup_printf("%s/%s,cpu", root, controller);
	const char *mounts[] = {a, b, c};
	for (size_t i = 0; i < G_N_ELEMENTS(mounts); i++) {
		char *dir = g_strconcat(mounts[i], path, NULL);
		if (g_file_test(dir, G_FILE_TEST_IS_DIR))
			return dir;
		g_free(dir);
	}
	return NULL;
}

struct stats_source *cgroup_source_new(const char *root, const char *membership_text,
				       const char *cid, guint64 physical, GError **err)
{
	g_autofree char *path = cgroup_parse_membership(membership_text, cid, err);
	if (path == NULL)
		return NULL;
	g_autoptr(stats_source) s = g_new0(struct stats_source, 1);
	for (int i = 0; i < CG_N; i++)
		s->fd[i] = -1;
	s->physical = physical;
	g_autofree char *controllers = g_strdup_printf("%s/cgroup.controllers", root);
	s->v2 = g_file_test(controllers, G_FILE_TEST_EXISTS);
	if (s->v2) {
		s->dir = g_strconcat(root, path, NULL);
		if (!g_file_test(s->dir, G_FILE_TEST_IS_DIR)) {
			g_set_error(err, OCIMON_ERROR, ENOENT, "cgroup %s does not exist", s->dir);
			return NULL;
		}
		static const char *const names[CG_N] = {"cpu.stat",     "memory.current",
							"memory.stat",  "memory.max",
							"pids.current", "io.stat"};
		for (int i = 0; i < CG_N; i++)
			s->file[i] = g_build_filename(s->dir, names[i], NULL);
		s->procs = g_build_filename(s->dir, "cgroup.procs", NULL);
		s->describe = g_strdup_printf("cgroup v2 %s", s->dir);
		return g_steal_pointer(&s);
	}
	g_autofree char *cpu = v1_controller_dir(root, "cpuacct", path);
	g_autofree char *mem = v1_controller_dir(root, "memory", path);
	g_autofree char *pids = v1_controller_dir(root, "pids", path);
	g_autofree char *blkio = v1_controller_dir(root, "blkio", path);
	const char *any = cpu ? cpu : mem ? mem : pids ? pids : blkio;
	if (any == NULL) {
		g_set_error(err, OCIMON_ERROR, ENOENT,
			    "cgroup %s exists under none of the v1 controllers in %s", path, root);
		return NULL;
	}
	s->dir = g_strdup(any);
	/* A controller that is not mounted leaves its file NULL: the value stays 0. */
	s->file[CG_CPU] = cpu ? g_build_filename(cpu, "cpuacct.usage", NULL) : NULL;
	if (mem) {
		s->file[CG_MEM_USAGE] = g_build_filename(mem, "memory.usage_in_bytes", NULL);
		s->file[CG_MEM_STAT] = g_build_filename(mem, "memory.stat", NULL);
		s->file[CG_MEM_LIMIT] = g_build_filename(mem, "memory.limit_in_bytes", NULL);
	}
	s->file[CG_PIDS] = pids ? g_build_filename(pids, "pids.current", NULL) : NULL;
	s->file[CG_IO] =
	    blkio ? g_build_filename(blkio, "blkio.throttle.io_service_bytes_recursive", NULL)
		  : NULL;
	s->procs = g_build_filename(pids ? pids : any, "cgroup.procs", NULL);
	s->describe = g_strdup_printf("cgroup v1 %s", s->dir);
	return g_steal_pointer(&s);
}

struct stats_source *stats_source_open(pid_t container_pid, pid_t monitor_pid, const char *cid,
				       const char *jail_name, GError **err)
{
	g_autofree char *proc = g_strdup_printf("/proc/%d/cgroup", (int)container_pid);
	g_autofree char *text = NULL;
	g_autoptr(GError) e = NULL;
	if (!g_file_get_contents(proc, &text, NULL, &e)) {
		g_set_error(err, OCIMON_ERROR, ENOENT, "Failed to read %s: %s", proc, e->message);
		return NULL;
	}
	g_autofree char *mon_proc = g_strdup_printf("/proc/%d/cgroup", (int)monitor_pid);
	g_autofree char *mon_text = NULL;
	if (monitor_pid > 0 && g_file_get_contents(mon_proc, &mon_text, NULL, NULL) &&
	    cgroup_membership_same(text, cid, mon_text)) {
		g_autofree char *path = cgroup_parse_membership(text, cid, NULL);
		g_set_error(
		    err, OCIMON_ERROR, STATS_NO_OWN_CGROUP,
		    "the container has no cgroup of its own (it shares %s with its monitor, "
		    "as with rootless podman on cgroup v1 or --cgroups=disabled): no "
		    "per-container numbers",
		    path);
		return NULL;
	}
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	guint64 physical = pages > 0 && page > 0 ? (guint64)pages * (guint64)page : 0;
	return cgroup_source_new(CGROUP_ROOT, text, cid, physical, err);
}

/* Reads a small file into buf (NUL-terminated). Returns its length or -errno. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	for (;;) {
		ssize_t n = read_retry(fd, buf + len, size - 1 - len);
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		/* A short read is the end: cgroupfs (seq_file) fills what it is given. */
		bool end = n == 0 || (size_t)n < size - 1 - len;
		len += (size_t)n;
		if (end || len == size - 1)
			break;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

/* The whole of an open cgroup file from offset 0 (one pread: the files are far smaller
 * than buf). Returns its length or -errno. */
static ssize_t pread_small(int fd, char *buf, size_t size)
{
	ssize_t n;
	do
		n = pread(fd, buf, size - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/* File i into buf, opening it on first use. Returns its length, -ENOENT when the file is
 * not there (it is then never tried again), or another -errno. */
static ssize_t read_file(struct stats_source *s, int i, char *buf, size_t size)
{
	if (s->fd[i] < 0) {
		s->fd[i] = open(s->file[i], O_RDONLY | O_CLOEXEC);
		if (s->fd[i] < 0)
			return -errno;
	}
	ssize_t n = pread_small(s->fd[i], buf, size);
	if (n < 0)
		fd_close(&s->fd[i]); /* ENODEV: the cgroup was removed; the caller checks */
	return n;
}

/* Whether file i may be skipped by a thrifty read after the CPU counter read cpu: when
 * it has not moved since prev, none of the container's processes ran, so none forked,
 * exited or issued I/O. The limit only changes from outside (podman update), the I/O
 * counters only by writeback of pages dirtied earlier: a request or the exit reads them
 * (not thrifty), the history may lag until the container runs again. The memory usage is
 * always read: reclaim moves it while the container sleeps. */
static bool carried_over(int i, bool thrifty, const struct ocimon_sample *prev, bool have_cpu,
			 guint64 cpu)
{
	if (!thrifty || prev == NULL || !have_cpu || cpu != prev->cpu_ns)
		return false;
	return i == CG_MEM_LIMIT || i == CG_PIDS || i == CG_IO;
}

gboolean stats_source_read(struct stats_source *s, const struct ocimon_sample *prev, bool thrifty,
			   struct ocimon_sample *out, GError **err)
{
	char buf[CGROUP_READ_MAX];
	bool have[CG_N] = {false};
	guint64 cpu = 0, usage = 0, inactive = 0, limit = 0, pids = 0, rd = 0, wr = 0;
	bool carried = false;
	for (int i = 0; i < CG_N; i++) {
		if (s->file[i] == NULL)
			continue;
		if (carried_over(i, thrifty, prev, have[CG_CPU], cpu)) {
			carried = true;
			continue;
		}
		if (i == CG_MEM_STAT && have[CG_MEM_USAGE] && s->have_stat &&
		    usage == s->stat_usage) {
			inactive = s->stat_inactive;
			have[i] = true;
			continue;
		}
		ssize_t n = read_file(s, i, buf, sizeof(buf));
		if (n < 0) {
			/* A missing file is a controller not enabled, unless the whole cgroup
			 * is gone (the container was deleted). */
			if (access(s->dir, F_OK) < 0) {
				int e = errno;
				g_set_error(err, OCIMON_ERROR, e, "cgroup %s was removed: %s",
					    s->dir, g_strerror(e));
				return FALSE;
			}
			if (n == -ENOENT)
				g_clear_pointer(&s->file[i], g_free);
			continue;
		}
		switch ((enum cg_file)i) {
		case CG_CPU:
			if (s->v2) {
				have[i] = cgroup_parse_cpu_v2(buf, &cpu);
			} else {
				have[i] = cgroup_parse_value(buf, &cpu);
			}
			break;
		case CG_MEM_USAGE:
			have[i] = cgroup_parse_value(buf, &usage);
			break;
		case CG_MEM_STAT:
			have[i] = cgroup_parse_keyed(
			    buf, s->v2 ? "inactive_file" : "total_inactive_file", &inactive);
			s->have_stat = have[i] && have[CG_MEM_USAGE];
			s->stat_usage = usage;
			s->stat_inactive = inactive;
			break;
		case CG_MEM_LIMIT:
			have[i] = cgroup_parse_value(buf, &limit);
			break;
		case CG_PIDS:
			have[i] = cgroup_parse_value(buf, &pids);
			break;
		case CG_IO:
			if (s->v2)
				cgroup_parse_io_stat(buf, &rd, &wr);
			else
				cgroup_parse_blkio_v1(buf, &rd, &wr);
			have[i] = true;
			break;
		case CG_N:
			break;
		}
	}
	out->cpu_ns = have[CG_CPU] ? cpu : 0;
	out->mem_bytes = have[CG_MEM_USAGE] ? cgroup_mem_usage(usage, inactive) : 0;
	out->mem_limit_bytes = cgroup_mem_limit(have[CG_MEM_LIMIT] ? limit : 0, s->physical);
	out->pids = have[CG_PIDS] ? pids : 0;
	out->blk_read_bytes = rd;
	out->blk_write_bytes = wr;
	if (carried) {
		out->mem_limit_bytes = prev->mem_limit_bytes;
		out->pids = prev->pids;
		out->blk_read_bytes = prev->blk_read_bytes;
		out->blk_write_bytes = prev->blk_write_bytes;
	}
	out->has_racct = false;
	return TRUE;
}

void stats_source_read_peaks(struct stats_source *s, struct stats_kernel_peaks *out)
{
	memset(out, 0, sizeof(*out));
	/* Beside the files already found: the memory controller's (v1) or the cgroup's (v2)
	 * directory. */
	const char *mem = s->file[CG_MEM_USAGE] ? s->file[CG_MEM_USAGE] : NULL;
	char buf[256];
	if (mem != NULL) {
		g_autofree char *dir = g_path_get_dirname(mem);
		const char *name = s->v2 ? "memory.peak" : "memory.max_usage_in_bytes";
		g_autofree char *path = g_build_filename(dir, name, NULL);
		if (read_small(path, buf, sizeof(buf)) > 0 &&
		    cgroup_parse_value(buf, &out->mem_bytes))
			out->mem_from = name;
	}
	if (s->v2 && s->file[CG_PIDS] != NULL) {
		g_autofree char *dir = g_path_get_dirname(s->file[CG_PIDS]);
		g_autofree char *path = g_build_filename(dir, "pids.peak", NULL);
		if (read_small(path, buf, sizeof(buf)) > 0 && cgroup_parse_value(buf, &out->pids))
			out->pids_from = "pids.peak";
	}
}

bool stats_source_has_cpu_percent(const struct stats_source *s)
{
	return false;
}

const char *stats_source_describe(const struct stats_source *s)
{
	return s->describe;
}

const char *cgroup_source_procs(const struct stats_source *s)
{
	return s->procs;
}

void stats_source_free(struct stats_source *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < CG_N; i++) {
		g_free(s->file[i]);
		fd_close(&s->fd[i]);
	}
	g_free(s->dir);
	g_free(s->procs);
	g_free(s->describe);
	g_free(s);
}
