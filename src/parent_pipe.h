/* The _OCI_* fds podman (or CRI-O) hands us and the JSON lines on them (SPEC §1.3, §1.5). */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "options.h"

/* Reads an fd number from environment variable var and marks it close-on-exec.
 * Returns -1 (no error) when the variable is unset. */
int parent_pipe_fd_from_env(const char *var, GError **err);

/* The key podman or CRI-O expects: "data" with --api-version, else "exit_code" for exec
 * and "pid" for create. */
const char *sync_message_key(const struct ocimon_options *o);

/* `{"KEY": N}\n` or `{"KEY": N, "message": "..."}\n`, byte for byte as conmon writes it.
 * Invalid UTF-8 in message becomes U+FFFD (what podman's decoder would make of it).
 * Pure; returns a new string. */
char *sync_message_format(const char *key, int value, const char *message, size_t message_len);

/* Writes one message to *fd. A reader that went away (EPIPE) closes the fd silently;
 * other errors are logged. */
void sync_message_send(int *fd, const char *key, int value, const char *message);
