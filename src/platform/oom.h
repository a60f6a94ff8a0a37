/* Out-of-memory detection (SPEC §1.10): when the kernel's OOM killer acts in the container's
 * memory cgroup, create <persist-dir>/oom and <bundle>/oom, which podman reads as
 * State.OOMKilled (v5 the first, v4.3.1 the second). Linux only (oom_linux.c); on
 * FreeBSD oom_freebsd.c makes these no-ops, so the monitor calls them unconditionally. */
#pragma once

#include <stdbool.h>

#include <sys/types.h>

struct oom_watch;

/* Starts watching the memory cgroup of container_pid; an OOM there creates an empty file
 * "oom" in persist_dir and in bundle (either may be NULL). exec: the cgroup is shared with
 * the container, so only OOMs from now on count. A watch that cannot be set up (no memory
 * cgroup, the container already gone) is logged and NULL is returned: never fatal. */
struct oom_watch *oom_watch_start(pid_t container_pid, const char *persist_dir, const char *bundle,
				  bool exec);

/* After the container exited, before the exit files: the last look, for an OOM whose event
 * the main loop had no time to handle (the kill and SIGCHLD arrive together). NULL is fine. */
void oom_watch_final_check(struct oom_watch *w);

/* Whether the oom files were written. */
bool oom_watch_reported(const struct oom_watch *w);

void oom_watch_close(struct oom_watch *w);
