/* The Linux cgroup backend's own entry points (stats_cgroup_linux.c), for the unit tests with
 * fixture trees and for `ocimonctl top`. */
#pragma once

#include <glib.h>

#include "stats_backend.h"

/* A source for the cgroup named by membership_text (/proc/<pid>/cgroup's content)
 * under root (normally /sys/fs/cgroup): v2 when root/cgroup.controllers exists, else
 * v1 with one directory per controller. physical caps the memory limit. */
struct stats_source *cgroup_source_new(const char *root, const char *membership_text,
				       const char *cid, guint64 physical, GError **err);

/* The cgroup.procs file of the container's cgroup (for `ocimonctl top`). */
const char *cgroup_source_procs(const struct stats_source *s);
