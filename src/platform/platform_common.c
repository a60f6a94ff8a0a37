/* The parts of the platform layer that Linux and FreeBSD share; each platform file
 * keeps only what really differs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "fdutil.h"
#include "platform.h"
#include "platform_common.h"

#ifndef O_PATH
/* FreeBSD before 13.1: a plain directory fd serves for the *at calls. */
#define O_PATH 0
#endif

gboolean platform_block_signals(const int *sigs, size_t n, sigset_t *set, GError **err)
{
	sigemptyset(set);
	for (size_t i = 0; i < n; i++)
		sigaddset(set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, set, NULL) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "sigprocmask: %s", g_strerror(e));
		return FALSE;
	}
	return TRUE;
}

gboolean platform_list_fds_in(const char *dir, GArray *fds, GError **err)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "opendir %s: %s", dir, g_strerror(e));
		return FALSE;
	}
	int self = dirfd(d);
	struct dirent *ent;
	while ((ent = readdir(d)) != NULL) {
		if (ent->d_name[0] < '0' || ent->d_name[0] > '9')
			continue;
		int fd = atoi(ent->d_name);
		if (fd != self)
			g_array_append_val(fds, fd);
	}
	closedir(d);
	return TRUE;
}

int platform_open_dir(const char *path, GError **err)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to open %s: %s", path, g_strerror(e));
	}
	return fd;
}

bool platform_uid_map_is_initial(const char *uid_map)
{
	unsigned long inside, outside, count;
	char rest;
	/* Exactly one line: a second one means a namespace with several ranges. */
	int n = sscanf(uid_map, " %lu %lu %lu %c", &inside, &outside, &count, &rest);
	return n == 3 && inside == 0 && outside == 0 && count == 4294967295UL;
}
