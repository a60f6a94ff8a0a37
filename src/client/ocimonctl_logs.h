/* ocimonctl logs: a container's k8s-file log read across its kept backups, oldest first,
 * stdout to stdout and stderr to stderr, as podman logs shows it. */
#pragma once

#include <glib.h>
#include <stdbool.h>

struct logs_opts {
	bool follow;     /* keep reading while the writer lives */
	int tail;        /* the last N lines only; -1: all */
	gint64 since_us; /* lines older than this are skipped; 0: none */
	bool timestamps; /* each line after its record's timestamp */
};

/* The files of the log at path, oldest first: path.N … path.1, path (those that exist;
 * backups are numbered without gaps). Never NULL. */
GPtrArray *logs_files(const char *path);

/* Prints the log. With follow, goes on reading path (through rotations and truncations)
 * until alive(data) is false, then prints what is left. FALSE: nothing of the log could
 * be read, err says which file and why. */
gboolean logs_print(const char *path, const struct logs_opts *o, bool (*alive)(gpointer data),
		    gpointer data, GError **err);
