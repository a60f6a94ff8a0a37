/* OOM detection needs Linux memory cgroups; FreeBSD has none (SPEC §2.1), so podman never
 * sees OOMKilled there, as with conmon. Built only where oom.c is not. */
#include "oom.h"

#include "monitor.h"

void oom_watch_start(struct monitor *m)
{
}

void oom_watch_final_check(struct monitor *m)
{
}

bool oom_watch_reported(const struct monitor *m)
{
	return false;
}

void oom_watch_close(struct monitor *m)
{
}
