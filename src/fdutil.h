/* Small fd helpers shared by every module. */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>
#include <unistd.h>

/* The error domain of every GError we make; the code is an errno value. */
#define OCIMON_ERROR (ocimon_error_quark())
GQuark ocimon_error_quark(void);

/* Closes the fd when the variable goes out of scope (crun's cleanup_close). */
static inline void fd_cleanup(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define autoclose __attribute__((cleanup(fd_cleanup)))

/* Returns the fd and leaves -1 behind, to hand ownership out of an autoclose variable. */
static inline int fd_steal(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

/* Closes *fd if open and sets it to -1. */
void fd_close(int *fd);
int fd_set_cloexec(int fd, bool on);
int fd_set_nonblock(int fd, bool on);

/* Writes everything, retrying on EINTR/EAGAIN (polling when the fd is non-blocking).
 * Returns 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/* Reads up to len bytes, retrying on EINTR. */
ssize_t read_retry(int fd, void *buf, size_t len);

/* Writes contents to path through a temporary file and rename(), so a reader sees
 * either nothing or the whole file. */
gboolean write_file_atomic(const char *path, const char *contents, size_t len, GError **err);
