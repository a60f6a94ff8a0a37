/*
 * oci_driver: start a container monitor (ocimon or conmon) the way podman does, so the
 * integration tests can drive it with a bare OCI runtime and no podman.
 *
 *   oci_driver [-t SECS] [-w] [-S] -- MONITOR [MONITOR-ARGS...]
 *
 * What podman does (SPEC.md 1.1, 1.3-1.5), and so what this does:
 *   - two socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC): the sync pipe and the
 *     start pipe; the child ends become fds 3 and 4 of the monitor, which gets
 *     _OCI_SYNCPIPE=3 and _OCI_STARTPIPE=4 in its environment and no other fd above 2;
 *   - the monitor runs in its own process group, stdin /dev/null, stdout and stderr ours;
 *   - we write the start byte '\0', wait for the monitor's first process to exit (it
 *     daemonizes unless --sync), then read ONE line from the sync socket and print it
 *     verbatim on stdout.
 *
 * Options:
 *   -t SECS  time limit for each wait (monitor exit, first message, EOF); default 30
 *   -w       after the first line, wait for EOF on the sync socket (the monitor is done)
 *            and print whatever else arrives, verbatim
 *   -F PATH  also pass PATH, opened read-only, as fd 5 (like podman's reserved host ports:
 *            the monitor must close it before it writes the exit files)
 *   -S       sync mode: do not wait for the monitor to exit before reading (implied when
 *            the monitor arguments contain --sync); with -w its exit status is reported
 *            once the sync socket reaches EOF
 *
 * Diagnostics go to stderr, each line starting with "oci_driver: ":
 *   "oci_driver: monitor pid N"
 *   "oci_driver: monitor N exited with status S" | "... killed by signal S"
 * Exit status: 0 when a message was read (and, with -w, EOF was reached in time),
 * 1 when no message came (EOF or time limit), 2 on usage or system errors.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYNC_FD  3
#define START_FD 4
#define MSG_MAX  (1 << 16)

static const char *prog = "oci_driver";

static void usage(void)
{
	fprintf(stderr, "usage: %s [-t SECS] [-w] [-S] [-F PATH] -- MONITOR [ARGS...]\n", prog);
	exit(2);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void report_status(pid_t pid, int status)
{
	if (WIFEXITED(status))
		fprintf(stderr, "%s: monitor %d exited with status %d\n", prog, (int)pid,
			WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "%s: monitor %d killed by signal %d\n", prog, (int)pid,
			WTERMSIG(status));
}

/* Wait until pid exits or deadline (ms, monotonic) passes. 1 = reaped, 0 = timed out. */
static int wait_child(pid_t pid, long long deadline)
{
	for (;;) {
		int status;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			report_status(pid, status);
			return 1;
		}
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "%s: waitpid: %s\n", prog, strerror(errno));
			return 1;
		}
		if (now_ms() >= deadline)
			return 0;
		usleep(10000);
	}
}

/*
 * Receive one packet from fd before deadline. Returns the byte count (0 = EOF),
 * -1 on timeout, -2 on error.
 */
static ssize_t recv_packet(int fd, char *buf, size_t size, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int r;
		if (left <= 0)
			return -1;
		r = poll(&pfd, 1, left > 1000000 ? 1000000 : (int)left);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			return -2;
		}
		if (r == 0)
			continue;
		ssize_t n = recv(fd, buf, size, 0);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ECONNRESET)
				return 0;
			fprintf(stderr, "%s: recv: %s\n", prog, strerror(errno));
			return -2;
		}
		return n;
	}
}

#define EXTRA_FD 5

static void child_exec(int sync_end, int start_end, int extra, char **argv)
{
	/* Move both ends above the target numbers first, so dup2 never clobbers one. */
	int a = fcntl(sync_end, F_DUPFD_CLOEXEC, 100);
	int b = fcntl(start_end, F_DUPFD_CLOEXEC, 100);
	int c = extra >= 0 ? fcntl(extra, F_DUPFD_CLOEXEC, 100) : -1;
	int devnull, fd;
	long maxfd;

	if (a < 0 || b < 0 || dup2(a, SYNC_FD) < 0 || dup2(b, START_FD) < 0) {
		fprintf(stderr, "%s: dup: %s\n", prog, strerror(errno));
		_exit(127);
	}
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0) {
		fprintf(stderr, "%s: /dev/null: %s\n", prog, strerror(errno));
		_exit(127);
	}
	if (c >= 0 && dup2(c, EXTRA_FD) < 0) {
		fprintf(stderr, "%s: dup extra fd: %s\n", prog, strerror(errno));
		_exit(127);
	}
	/* Nothing else above the pipes (and the extra fd), as with Go's exec.Cmd. */
	maxfd = sysconf(_SC_OPEN_MAX);
	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	for (fd = (c >= 0 ? EXTRA_FD : START_FD) + 1; fd < maxfd; fd++)
		close(fd);

	if (setenv("_OCI_SYNCPIPE", "3", 1) < 0 || setenv("_OCI_STARTPIPE", "4", 1) < 0) {
		fprintf(stderr, "%s: setenv: %s\n", prog, strerror(errno));
		_exit(127);
	}
	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	fprintf(stderr, "%s: exec %s: %s\n", prog, argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	long timeout_s = 30;
	int wait_eof = 0, sync_mode = 0, opt, i;
	int sync_sv[2], start_sv[2];
	static char buf[MSG_MAX], line[MSG_MAX];
	size_t line_len = 0;
	char *nl = NULL;
	pid_t pid;
	int reaped = 0, rc = 0;
	int extra = -1;

	while ((opt = getopt(argc, argv, "+t:wSF:")) != -1) {
		switch (opt) {
		case 't': {
			char *end;
			timeout_s = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || timeout_s <= 0)
				usage();
			break;
		}
		case 'w':
			wait_eof = 1;
			break;
		case 'S':
			sync_mode = 1;
			break;
		case 'F':
			extra = open(optarg, O_RDONLY | O_CLOEXEC);
			if (extra < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, optarg, strerror(errno));
				return 2;
			}
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	for (i = optind; i < argc; i++)
		if (strcmp(argv[i], "--sync") == 0)
			sync_mode = 1;

	signal(SIGPIPE, SIG_IGN);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync_sv) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, start_sv) < 0) {
		fprintf(stderr, "%s: socketpair: %s\n", prog, strerror(errno));
		return 2;
	}

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
		return 2;
	}
	if (pid == 0)
		child_exec(sync_sv[1], start_sv[1], extra, &argv[optind]);

	close(sync_sv[1]);
	close(start_sv[1]);
	fprintf(stderr, "%s: monitor pid %d\n", prog, (int)pid);

	/* The start byte: podman writes it once conmon is in its cgroup. */
	if (write(start_sv[0], "", 1) != 1)
		fprintf(stderr, "%s: writing the start byte: %s\n", prog, strerror(errno));

	if (!sync_mode) {
		/* Podman cmd.Wait()s for the monitor's first process, which exits once it has
		 * daemonized. */
		if (!wait_child(pid, now_ms() + timeout_s * 1000)) {
			fprintf(stderr,
				"%s: monitor %d did not exit within %ld s (not daemonized?)\n",
				prog, (int)pid, timeout_s);
			return 1;
		}
		reaped = 1;
	}

	/* One line, as podman's readConmonPipeData reads it. */
	long long deadline = now_ms() + timeout_s * 1000;
	while (nl == NULL) {
		ssize_t n = recv_packet(sync_sv[0], buf, sizeof(buf), deadline);
		if (n == -1) {
			fprintf(stderr, "%s: no message on the sync socket within %ld s\n", prog,
				timeout_s);
			return 1;
		}
		if (n < 0)
			return 2;
		if (n == 0) {
			if (line_len > 0) {
				/* A message without a newline: print what came, then fail. */
				write_all(1, line, line_len);
				write_all(1, "\n", 1);
			}
			fprintf(stderr, "%s: EOF on the sync socket before a complete line\n",
				prog);
			if (!reaped && sync_mode)
				wait_child(pid, now_ms() + timeout_s * 1000);
			return 1;
		}
		if (line_len + (size_t)n > sizeof(line)) {
			fprintf(stderr, "%s: sync message longer than %zu bytes\n", prog,
				sizeof(line));
			return 2;
		}
		memcpy(line + line_len, buf, (size_t)n);
		line_len += (size_t)n;
		nl = memchr(line, '\n', line_len);
	}
	size_t first = (size_t)(nl - line) + 1;
	write_all(1, line, first);

	if (wait_eof) {
		/* Whatever followed the first line in the same packet comes first. */
		if (line_len > first)
			write_all(1, line + first, line_len - first);
		deadline = now_ms() + timeout_s * 1000;
		for (;;) {
			ssize_t n = recv_packet(sync_sv[0], buf, sizeof(buf), deadline);
			if (n == 0)
				break;
			if (n == -1) {
				fprintf(stderr, "%s: no EOF on the sync socket within %ld s\n",
					prog, timeout_s);
				rc = 1;
				break;
			}
			if (n < 0) {
				rc = 2;
				break;
			}
			write_all(1, buf, (size_t)n);
		}
		if (!reaped && rc == 0) {
			if (!wait_child(pid, now_ms() + timeout_s * 1000)) {
				fprintf(stderr,
					"%s: monitor %d did not exit within %ld s after EOF\n",
					prog, (int)pid, timeout_s);
				rc = 1;
			}
		}
	}
	close(start_sv[0]);
	close(sync_sv[0]);
	return rc;
}
