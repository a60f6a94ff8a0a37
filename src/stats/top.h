/* `ocimonctl top`: the container's processes, columns like `podman top` (USER PID PPID
 * %CPU ELAPSED TTY TIME COMMAND). top_linux.c reads the cgroup's cgroup.procs and
 * /proc; top_freebsd.c asks ps(1) for the jail's processes. */
#pragma once

#include <glib.h>

#include "registry.h"

/* The table as text, or NULL with err (the container is not running, ...). */
char *top_table(const struct registry_entry *e, GError **err);
