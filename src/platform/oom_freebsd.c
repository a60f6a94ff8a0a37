/* OOM detection needs Linux memory cgroups; FreeBSD has none (SPEC §2.1), so podman never
 * sees OOMKilled there, as with conmon. Built only where oom_linux.c is not. */
#include "oom.h"

#include <stddef.h>

struct oom_watch *oom_watch_start(pid_t container_pid, const char *persist_dir, const char *bundle,
				  bool exec)
{
	return NULL;
}

void oom_watch_final_check(struct oom_watch *w)
{
}

bool oom_watch_reported(const struct oom_watch *w)
{
	return false;
}

void oom_watch_close(struct oom_watch *w)
{
}
