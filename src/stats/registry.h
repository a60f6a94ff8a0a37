/* The registry of monitors, so people need no paths (`ocimonctl ps`, `stats NAME`):
 * each monitor writes <run-dir>/<cid>.json while it runs and removes it at exit; the
 * exit summary is then also kept in <run-dir>/exited/<cid>.json (the newest
 * REGISTRY_EXITED_KEEP), so `ocimonctl inspect NAME` finds a finished container even
 * after podman removed its bundle. */
#pragma once

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#define REGISTRY_EXITED_DIR  "exited"
#define REGISTRY_EXITED_KEEP 100

struct registry_entry {
	char *id;
	char *name;
	pid_t monitor_pid;
	pid_t container_pid;
	char *bundle;
	char *stats_socket; /* NULL when stats are off */
	char *attach_socket;
	char *persist_dir;
	char *summary_path; /* where stats.json will be (or was) written */
	char *jail_name;
	char *stats_source; /* "cgroup v1 /sys/fs/cgroup/..." */
	char **log_drivers; /* "k8s-file", "journald", ... */
	char *log_path;     /* the k8s-file log (absolute), NULL without one: ocimonctl logs */
	int stats_interval;
	gint64 started_at; /* wall clock µs */

	/* Entries of the exited index. */
	bool exited;
	gint64 finished_at;
	json_t *summary; /* the whole summary document */
	char *file;      /* the file this entry was read from */
};

/* /run/ocimon for root, $XDG_RUNTIME_DIR/ocimon otherwise. */
char *registry_default_run_dir(void);

json_t *registry_entry_to_json(const struct registry_entry *e);
/* From a registry file's JSON, or from a summary document (exited index). Pure. */
struct registry_entry *registry_entry_from_json(json_t *j, bool exited, GError **err);
void registry_entry_free(struct registry_entry *e);
typedef struct registry_entry registry_entry;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(registry_entry, registry_entry_free)

/* Writes <run_dir>/<id>.json (creating run_dir, mode 0700) and returns its path. */
char *registry_write(const char *run_dir, const struct registry_entry *e, GError **err);

/* Keeps the summary in <run_dir>/exited/<id>.json and prunes the oldest beyond
 * REGISTRY_EXITED_KEEP. */
gboolean registry_record_exit(const char *run_dir, const char *id, json_t *summary, GError **err);

/* Every entry of run_dir (exited = false) or of its exited index; unreadable files are
 * skipped. Never NULL. */
GPtrArray *registry_load(const char *run_dir, bool exited);

/* The entries a person means by query, podman's order: the exact ID, else the exact
 * name, else every ID starting with query. Newest first. Pure (entries not copied). */
GPtrArray *registry_match(GPtrArray *entries, const char *query);

/* Is the monitor of this entry still running? */
bool registry_monitor_alive(const struct registry_entry *e);
