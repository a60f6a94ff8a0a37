/* Out-of-memory detection (SPEC §1.10): when the kernel's OOM killer acts in the container's
 * memory cgroup, create <persist-dir>/oom and <bundle>/oom, which podman reads as
 * State.OOMKilled (v5 the first, v4.3.1 the second). Linux only (oom.c); on FreeBSD
 * oom_none.c makes these no-ops, so the monitor calls them unconditionally. */
#pragma once

#include <stdbool.h>

struct monitor;

/* Starts watching once the container's pid is known. A watch that cannot be set up (no
 * memory cgroup, the container already gone) is logged and skipped: never fatal. */
void oom_watch_start(struct monitor *m);

/* After the container exited, before the exit files: the last look, for an OOM whose event
 * the main loop had no time to handle (the kill and SIGCHLD arrive together). */
void oom_watch_final_check(struct monitor *m);

/* Whether the oom files were written. */
bool oom_watch_reported(const struct monitor *m);

void oom_watch_close(struct monitor *m);
