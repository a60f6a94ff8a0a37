/* Where samples come from: stats_cgroup_linux.c on Linux, stats_racct_freebsd.c on FreeBSD. Exactly
 * one of them is compiled; nothing else knows which. */
#pragma once

#include <errno.h>
#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "stats.h"

struct stats_source;

/* Finds the container's accounting: its cgroup from /proc/<pid>/cgroup (Linux), or
 * the racct subject "jail:<jail_name>" (FreeBSD). On Linux a container whose cgroup is
 * its monitor's (monitor_pid's) has none of its own (rootless podman on cgroup v1,
 * --cgroups=disabled): that fails with STATS_NO_OWN_CGROUP rather than report the numbers
 * of everything else in that cgroup. */
#define STATS_NO_OWN_CGROUP ENOTSUP
struct stats_source *stats_source_open(pid_t container_pid, pid_t monitor_pid, const char *cid,
				       const char *jail_name, GError **err);

/* Reads one sample into out (timestamp and monotonic are set by the caller; prev is
 * the previous sample or NULL). Fails when the container's accounting is gone or
 * unavailable (ENOSYS: racct disabled). thrifty (the periodic sampler's reads, not a
 * request's or the exit's) lets a backend carry values over from prev that cannot have
 * changed, or only by something outside the container. */
gboolean stats_source_read(struct stats_source *s, const struct ocimon_sample *prev, bool thrifty,
			   struct ocimon_sample *out, GError **err);

/* The kernel's own high-water marks (struct stats_kernel_peaks, stats.h), read once at
 * exit. */
void stats_source_read_peaks(struct stats_source *s, struct stats_kernel_peaks *out);

/* True when the backend reports cpu_percent itself (racct's pcpu); otherwise the
 * sampler computes it from cpu_ns. */
bool stats_source_has_cpu_percent(const struct stats_source *s);

/* For people and the registry: "cgroup v1 /sys/fs/cgroup/memory/...", "racct jail:x". */
const char *stats_source_describe(const struct stats_source *s);

void stats_source_free(struct stats_source *s);
typedef struct stats_source stats_source;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(stats_source, stats_source_free)
