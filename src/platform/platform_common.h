/* Helpers for platform_linux.c and platform_freebsd.c only. */
#pragma once

#include <glib.h>
#include <signal.h>

/* Blocks sigs and fills set with them. */
gboolean platform_block_signals(const int *sigs, size_t n, sigset_t *set, GError **err);

/* Appends the fd numbers listed in dir (/proc/self/fd, /dev/fd) to fds. */
gboolean platform_list_fds_in(const char *dir, GArray *fds, GError **err);
