/* What differs between Linux and FreeBSD, behind one interface. Implemented by
 * platform_linux.c and platform_freebsd.c; no other file tests the platform. */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

/* Become (or stop being) the reaper of orphaned descendants: the container's init is
 * re-parented to us after the runtime exits. */
int platform_set_subreaper(bool on);

/* Deliver sig to the calling process when its parent dies. */
int platform_set_pdeathsig(int sig);

/* Blocks the given signals and returns an fd that becomes readable when one of them is
 * pending (signalfd on Linux, kqueue on FreeBSD). */
int platform_signal_source_open(const int *sigs, size_t n, GError **err);
/* Returns the next pending signal, 0 when none is left, or -errno. */
int platform_signal_source_read(int fd);

/* Appends every open fd number of this process to fds (an array of int). */
gboolean platform_list_open_fds(GArray *fds, GError **err);

/* Binds sock to dirfd/name, so the socket path can be longer than sun_path allows
 * (/proc/self/fd/N/name on Linux, bindat(2) on FreeBSD), then chmods it. */
gboolean platform_bind_in_dir(int sock, int dirfd, const char *dir_path, const char *name,
			      mode_t mode, GError **err);

/* Opens a directory for platform_bind_in_dir (O_PATH where it exists). */
int platform_open_dir(const char *path, GError **err);

/* Root of the host: uid 0 outside any user namespace. Rootless podman runs its monitors
 * as uid 0 inside a user namespace, where root's paths (/run) are not writable. */
bool platform_is_initial_root(void);

/* Pure: whether the text of /proc/self/uid_map maps the whole uid range onto itself
 * ("0 0 4294967295"), as in the initial user namespace. */
bool platform_uid_map_is_initial(const char *uid_map);

/* Asks for a pipe buffer of size bytes where that is cheap and safe (Linux, real root:
 * the per-user pipe quota of rootless users must not be spent on it). Best effort. */
void platform_grow_pipe(int fd, int size);

/* Gives the free memory of the heap back to the kernel (malloc_trim on glibc). Once the
 * container runs, what start-up parsed (options, config file, config.json) and freed would
 * otherwise stay resident in every idle monitor for the container's life. Best effort. */
void platform_release_free_memory(void);

/* Out-of-memory score of this process (Linux); no-ops returning 0 elsewhere. */
int platform_get_oom_score_adj(int *value);
int platform_set_oom_score_adj(int value);

/* Flags for send(2) of one attach frame on a SOCK_SEQPACKET socket (FreeBSD 15 needs
 * MSG_EOR to keep record boundaries). */
extern const int platform_seqpacket_send_flags;
