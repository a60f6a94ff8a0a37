/* The end of a container: its status, the files podman and CRI-O read, the exit command. */
#pragma once

#include <glib.h>
#include <sys/types.h>

/* WEXITSTATUS, or 128+signal when killed, else -1 (SPEC §1.10). Pure. */
int exit_status_from_wait(int wait_status);

/* Writes "<status>" (no newline) atomically to dir/name. */
gboolean exit_file_write(const char *dir, const char *name, int status, GError **err);

/* Runs the exit command after delay seconds: forks, the child closes every fd >= 3 and
 * execs it (no PATH search); waits for it. Returns its wait status, or -1. */
int exit_command_run(const char *command, char **args, int delay);
