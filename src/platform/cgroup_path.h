/* Which cgroup a process is in: the parser of /proc/<pid>/cgroup, shared by the OOM watch
 * and the cgroup stats backend. Pure, so it builds and is tested on every platform. */
#pragma once

#include <glib.h>

/* One line of /proc/<pid>/cgroup: "HIERARCHY-ID:CONTROLLERS:PATH". */
struct cgroup_line {
	unsigned int hierarchy; /* 0 for the cgroup v2 (unified) line */
	char **controllers;     /* v1: "memory", "cpu", "name=systemd"...; v2: empty */
	char *path;             /* relative to the hierarchy's mount point, starts with '/' */
};

/* Parses the whole file. Returns an array of struct cgroup_line * (owning), or NULL with err
 * set when a line is malformed. A " (deleted)" suffix (a removed v2 cgroup) is dropped. */
GPtrArray *cgroup_lines_parse(const char *text, GError **err);

/* The path of the v1 hierarchy that has controller (e.g. "memory"), or with controller NULL
 * the path of the v2 "0::" line. NULL when there is none. The result points into lines. */
const char *cgroup_lines_find(const GPtrArray *lines, const char *controller);
