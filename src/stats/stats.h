/* Built-in stats (DESIGN.md "Where ocimon goes beyond conmon", point 2): one sample
 * type filled by the cgroup (Linux) or racct (FreeBSD) backend, a ring of recent
 * samples with peaks, the JSON the stats socket serves and the exit summary. */
#pragma once

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "racct_parse.h"

/* Samples kept by default (the stats.history setting): 10 minutes while the container
 * keeps changing, up to 10 hours while it is quiet. */
#define STATS_HISTORY          120
#define STATS_DEFAULT_INTERVAL 5
/* A quiet container's samples back off to this many seconds. */
#define STATS_DEFAULT_MAX_INTERVAL 300
/* No interval may exceed a day: a typo must not become a year-long timer. */
#define STATS_INTERVAL_LIMIT 86400
/* What counts as a change that brings the interval back to the base (issue 11): CPU use
 * moving by this many percentage points, or memory by 1 MiB, or by 5% when that is at
 * least 512 KiB, or the number of pids. The floor is two of the kernel's per-CPU charge
 * batches (64 pages each): the usage of a cgroup whose processes all sleep moves by that
 * much when another cgroup's charges drain a CPU's stock (seen: -312 KiB in a sleeping
 * container, whose CPU counter had not moved). */
#define STATS_MOVE_CPU_POINTS  5.0
#define STATS_MOVE_MEM_BYTES   (1024 * 1024)
#define STATS_MOVE_MEM_PERCENT 5
#define STATS_MOVE_MEM_FLOOR   (512 * 1024)
/* Version of the stats socket document and of stats.json (README "Built-in stats"). */
#define STATS_SCHEMA_VERSION 1
/* json_dumps flag: 74.16 stays "74.16", not "74.159999999999997". */
#define STATS_JSON_REAL JSON_REAL_PRECISION(10)

struct ocimon_sample {
	gint64 timestamp;        /* wall clock, µs since the epoch */
	gint64 monotonic;        /* g_get_monotonic_time(), for rates; not exported */
	guint64 cpu_ns;          /* CPU time used since the container started */
	double cpu_percent;      /* over the last interval, 100 = one core */
	guint64 mem_bytes;       /* usage minus inactive file cache (as podman) */
	guint64 mem_limit_bytes; /* the limit, capped at the machine's memory */
	guint64 pids;
	guint64 blk_read_bytes;
	guint64 blk_write_bytes;
	bool has_racct; /* FreeBSD: the raw racct values below are set */
	struct racct_values racct;
};

/* ---- pure pieces (unit tested) ---- */

struct stats_ring {
	struct ocimon_sample *items; /* cap of them, not zeroed: resident as samples arrive */
	guint cap;
	guint start; /* index of the oldest */
	guint len;
};

/* A ring of cap samples (at least 1). */
void stats_ring_init(struct stats_ring *r, guint cap);
void stats_ring_clear(struct stats_ring *r);
void stats_ring_push(struct stats_ring *r, const struct ocimon_sample *s);
/* i = 0 is the oldest; NULL when i >= len. */
const struct ocimon_sample *stats_ring_get(const struct stats_ring *r, guint i);
const struct ocimon_sample *stats_ring_last(const struct stats_ring *r);
/* The newest sample taken at least min_age_us before now_mono, or NULL. */
const struct ocimon_sample *stats_ring_before(const struct stats_ring *r, gint64 now_mono,
					      gint64 min_age_us);

struct stats_peaks {
	guint64 mem_bytes;
	gint64 mem_at; /* wall clock µs of the memory peak */
	guint64 pids;
	double cpu_percent;
};

void stats_peaks_update(struct stats_peaks *p, const struct ocimon_sample *s);

/* Whether cur differs notably from prev (the STATS_MOVE_* thresholds). */
bool stats_sample_moved(const struct ocimon_sample *prev, const struct ocimon_sample *cur);

/* The adaptive interval: the seconds until the next sample after one taken current
 * seconds after the previous. Back to base when the sample moved, else twice current up
 * to max (max below base means no back-off). base <= 0 (no stats) gives 0. */
int stats_next_interval(int current, int base, int max, bool moved);

/* CPU use between two readings in percent of one core: Δcpu / Δwall × 100 (podman's
 * calculateCPUPercent). 0 when no time passed or the counter went backwards. */
double stats_cpu_percent(guint64 prev_cpu_ns, gint64 prev_mono_us, guint64 cpu_ns, gint64 mono_us);

/* RFC 3339 UTC with microseconds: "2024-05-01T12:00:00.123456Z". */
char *stats_format_time(gint64 wall_us);

json_t *stats_sample_to_json(const struct ocimon_sample *s);

/* What the stats socket document says about the container besides the samples. */
struct stats_doc_info {
	const char *id;
	const char *name;
	pid_t monitor_pid;
	pid_t container_pid;
	gint64 started_at;         /* wall clock µs */
	int interval;              /* seconds: the configured (base) interval */
	int interval_now;          /* seconds: the adaptive interval in force */
	int max_interval;          /* seconds: the longest it backs off to */
	const char *source;        /* "cgroup v1 /sys/fs/cgroup/...", "racct jail:NAME" or NULL */
	const char *error;         /* why the last sample failed, or NULL */
	gint64 sample_cpu_ns;      /* CPU this monitor spent on its last sample */
	gint64 sample_cpu_ns_max;  /* ... and the most on any one sample */
	gint64 sample_cpu_ns_mean; /* ... and on average */
};

/* The stats socket document: info, "current" (may be NULL), "peaks", "history" oldest
 * first. Pure. */
json_t *stats_document(const struct stats_doc_info *info, const struct ocimon_sample *current,
		       const struct stats_ring *ring, const struct stats_peaks *peaks);

/* The kernel's own high-water marks, read at exit (stats_source_read_peaks): v1
 * memory.max_usage_in_bytes, v2 memory.peak (kernel 5.19+) and pids.peak (6.1+). They
 * count everything the cgroup ever held (page cache, and the runtime's init process while
 * the container started), so they are right however sparse the samples were. A value that
 * could not be read is 0 with its *_from NULL. */
struct stats_kernel_peaks {
	guint64 mem_bytes;
	const char *mem_from; /* the file it came from */
	guint64 pids;
	const char *pids_from;
};

struct stats_summary_info {
	const char *id;
	const char *name;
	gint64 started_at;  /* wall clock µs */
	gint64 finished_at; /* wall clock µs */
	int exit_status;
	bool oom_killed;
	guint n_samples;
	const char *summary_path;
	const struct stats_kernel_peaks *kernel; /* or NULL */
};

/* The exit summary (stats.json). last may be NULL (no sample could be taken). peak_mem_bytes
 * and peak_pids are the kernel's high-water marks when it has them (never below the
 * samples'), with peak_mem_from naming the file; peak_mem_at is then null and the highest
 * sample is in peak_mem_sampled_bytes / peak_mem_sampled_at. Pure. */
json_t *stats_summary(const struct stats_summary_info *info, const struct ocimon_sample *last,
		      const struct stats_peaks *peaks);

/* ---- the sampler in the monitor (stats.c) ---- */

struct ocimon_options;
struct stats_state;

/* Right after the container pid is known: the registry entry, and unless
 * --stats-interval 0 the sampler and the stats socket. Failures are logged, never
 * fatal: stats must not stop a container. o must outlive the returned state. */
struct stats_state *stats_start(const struct ocimon_options *o, pid_t container_pid);
/* Before the exit files: the last sample, the exit summary, the registry entry replaced
 * by the exited index. status is the container's exit status. NULL is a no-op. */
void stats_finish(struct stats_state *st, int status);
/* Frees whatever is left (also on a failure path that never finished). NULL is fine. */
void stats_free(struct stats_state *st);
