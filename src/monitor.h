/* struct monitor: the one state object. It owns every fd, buffer and child pid; each
 * module takes it as its first argument. */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "logdriver.h"
#include "options.h"
#include "writer.h"

struct attach_server;
struct ctl_fifos;
struct notify_proxy;
struct oom_watch;
struct stats_state;

/* One of the container's output streams (a pipe, or the pty master with -t). */
struct output_stream {
	struct monitor *m;
	int fd;
	enum ocimon_stream stream;
	guint watch;
	bool eof;
	bool grown; /* platform_grow_pipe was tried */
};

struct monitor {
	struct ocimon_options *opts;
	GMainLoop *loop;

	/* From podman / CRI-O (SPEC §1.3). */
	int sync_fd;
	int start_fd;
	int attach_pipe_fd;
	GArray *inherited_fds; /* fds >= 3 open at start, closed before the exit files */

	int dev_null_r, dev_null_w;

	/* The container's stdio; *_child ends go to the runtime. */
	int stdin_fd, stdin_child;
	int stdout_child, stderr_child;
	struct output_stream out[2]; /* stdout, stderr */
	char *read_buf;              /* STDIO_READ_SIZE bytes, reused for every read */
	bool output_paused;          /* attach clients are behind (back-pressure) */
	GByteArray *stdin_pending;   /* client input the container has not taken yet */
	guint stdin_watch;
	bool stdin_close_requested;

	/* -t: the console socket and the pty master the runtime sent through it. */
	int console_listen_fd;
	guint console_watch;
	char *console_dir;
	int pty_master;

	struct log_writer *logs;
	struct attach_server *attach;
	struct ctl_fifos *ctl;
	struct oom_watch *oom;       /* Linux memory cgroup watch (oom_linux.c) */
	struct notify_proxy *notify; /* --sdnotify-socket */
	struct stats_state *stats;   /* sampler, stats socket, registry (stats.c) */

	int signal_fd;
	guint signal_watch;
	guint timeout_source;

	pid_t runtime_pid;
	int runtime_wait_status;
	bool runtime_exited;
	GString *runtime_output;     /* create: what the runtime wrote, for the error message */
	bool capture_runtime_output; /* output read now goes to runtime_output, not the logs */

	pid_t container_pid;
	int container_status;
	bool container_exited;
	bool timed_out;
	GHashTable *early_exits; /* pid -> wait status, reaped before we knew the pid */

	int oom_score_adj; /* ours before we lowered it, restored in children */
	bool have_oom_score_adj;

	char *socket_symlink;     /* without --full-attach: socket-dir/<cuuid>, removed at exit */
	char *attach_socket_path; /* <bundle>/attach, removed at exit */
	int status;               /* what ocimon exits with */
};

/* The whole lifecycle (DESIGN.md): returns the process exit status. */
int monitor_run(struct ocimon_options *opts);

/* Feeds output read from stream to the logs and the attach clients. */
void monitor_output(struct monitor *m, enum ocimon_stream stream, const char *buf, size_t len);
/* Called by attach when clients caught up, to resume reading the container's output. */
void monitor_resume_output(struct monitor *m);
/* Client input for the container's stdin. */
void monitor_stdin_write(struct monitor *m, const char *buf, size_t len);
/* A client half-closed: close the container's stdin unless --leave-stdin-open. */
void monitor_stdin_eof(struct monitor *m);
