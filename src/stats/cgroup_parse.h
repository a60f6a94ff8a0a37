/* Pure parsers of cgroup text (SPEC §3), v1 and v2. The files are read by
 * stats_cgroup_linux.c; everything here is a function of its input. */
#pragma once

#include <glib.h>
#include <stdbool.h>

/* The container's cgroup from /proc/<pid>/cgroup text (parsed by cgroup_path.c): named hierarchies
 * ("name=...") are ignored and the longest path wins (podman's rule), then it is cut after the
 * container's own cgroup ("libpod-payload-<cid>", "libpod-<cid>", "libpod-<cid>.scope",
 * "crio-<cid>.scope"), so processes in sub-cgroups do not hide the rest. cid may be
 * NULL. Returns the path ("/libpod_parent/libpod-<cid>") or NULL with err. */
char *cgroup_parse_membership(const char *text, const char *cid, GError **err);

/* Whether two /proc/<pid>/cgroup texts (a container's, with its id, and its monitor's)
 * name the same cgroup; false when either cannot be parsed. Pure. */
bool cgroup_membership_same(const char *ctr_text, const char *cid, const char *monitor_text);

/* A single-value file ("123\n"); "max" (v2) gives G_MAXUINT64. */
gboolean cgroup_parse_value(const char *text, guint64 *out);

/* A flat keyed file ("key value" lines: memory.stat, cpu.stat); FALSE when key is
 * absent or its value is not a number. */
gboolean cgroup_parse_keyed(const char *text, const char *key, guint64 *out);

/* v2 cpu.stat's usage_usec in nanoseconds (saturating); FALSE when absent. */
gboolean cgroup_parse_cpu_v2(const char *text, guint64 *ns);

/* v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N ..." lines, summed over devices
 * (saturating). */
void cgroup_parse_io_stat(const char *text, guint64 *read_bytes, guint64 *write_bytes);

/* v1 blkio.throttle.io_service_bytes_recursive: "MAJ:MIN Read|Write|Sync|... N" lines
 * and a "Total N" line; Read and Write summed over devices. */
void cgroup_parse_blkio_v1(const char *text, guint64 *read_bytes, guint64 *write_bytes);

/* What podman shows as memory usage: usage minus inactive file cache, never below 0. */
guint64 cgroup_mem_usage(guint64 usage, guint64 inactive_file);

/* The memory limit capped at the machine's memory (v1's "no limit" is a huge number,
 * v2's is "max"); 0 or unknown limit gives physical. */
guint64 cgroup_mem_limit(guint64 limit, guint64 physical);
