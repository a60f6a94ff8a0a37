/* The container's stdio: pipes created here, output read and handed to the monitor. */
#pragma once

#include <glib.h>

struct monitor;

/* Bytes taken from a stream per read: large reads mean fewer syscalls; attach frames
 * are cut to 8 KiB separately. */
#define STDIO_READ_SIZE (64 * 1024)

/* What an output pipe is grown to, where the platform allows it, once a read has found
 * it full (the container outruns the monitor). Pipes start at the default 64 KiB: the
 * per-user pipe quota (fs.pipe-user-pages-soft, 64 MiB) is shared with every process of
 * the user, and 100 containers with two 1 MiB pipes each would spend it all. */
#define STDIO_PIPE_SIZE (1024 * 1024)

/* Creates the stdout/stderr pipes (and stdin with -i). */
gboolean stdio_pipes_create(struct monitor *m, GError **err);
/* Starts (or resumes) reading the output streams in the main loop. */
void stdio_watch(struct monitor *m);
/* Stops reading them for a while (attach back-pressure). */
void stdio_pause(struct monitor *m);
/* Reads what is left. idle_ms 0: until nothing more is there now; otherwise until EOF on
 * every stream or until they stay quiet for idle_ms. */
void stdio_drain(struct monitor *m, int idle_ms);
void stdio_close(struct monitor *m);
