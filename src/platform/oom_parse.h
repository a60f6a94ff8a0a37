/* The text of the memory cgroup files that tell of an out-of-memory kill (SPEC §1.10), and
 * the rules that decide from them. Pure, so it builds and is tested on every platform. */
#pragma once

#include <glib.h>
#include <stdbool.h>

struct oom_counters {
	guint64 oom;       /* v2 "oom": the cgroup hit its limit and the OOM killer ran */
	guint64 oom_kill;  /* processes the OOM killer killed in the cgroup */
	bool under_oom;    /* v1 "under_oom": the cgroup is out of memory right now */
	bool has_oom_kill; /* v1 has "oom_kill" only since Linux 4.13 */
};

/* cgroup v2 memory.events: "low N\nhigh N\nmax N\noom N\noom_kill N\n...". */
gboolean oom_parse_memory_events(const char *text, struct oom_counters *out, GError **err);

/* cgroup v1 memory.oom_control: "oom_kill_disable 0\nunder_oom 0\noom_kill N\n". */
gboolean oom_parse_oom_control(const char *text, struct oom_counters *out, GError **err);

/* now shows an OOM that base did not. oom and oom_kill are compared separately: an OOM that
 * killed nothing (the task exited first) counts only in oom, and a kill can be counted
 * before the oom it belongs to (containers/conmon#426). */
bool oom_counters_show_new_oom(const struct oom_counters *base, const struct oom_counters *now);

/* cgroup v1: count events read from the eventfd registered on memory.oom_control, with the
 * cgroup directory already gone or not. Removing the cgroup signals the eventfd once too,
 * so a single event after removal is not an OOM. */
bool oom_v1_events_mean_oom(guint64 count, bool cgroup_gone);
