/*
 * attach_client: a minimal client of a monitor's attach socket, for tests.
 *
 *   attach_client [-s SECS] [-d BYTES] [-i] SOCKET-PATH
 *
 * Connects (through an O_PATH handle on the directory, so paths longer than sun_path
 * work, as podman does) to the SOCK_SEQPACKET socket, then:
 *   default  read frames until EOF: stream 2 to stdout, 3 to stderr; exit 0 at EOF
 *   -s SECS  stall: read nothing for SECS seconds, then exit 0 (a client that stopped
 *            reading)
 *   -d BYTES read BYTES of output, then disconnect in the middle of the stream
 *   -i       also send our stdin to the container, half-closing at its EOF
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int connect_attach(const char *path)
{
	char *copy1 = strdup(path), *copy2 = strdup(path);
	int dirfd = open(dirname(copy1), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "attach_client: open %s: %s\n", copy1, strerror(errno));
		exit(2);
	}
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", dirfd,
		 basename(copy2));
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "attach_client: connect %s: %s\n", path, strerror(errno));
		exit(2);
	}
	free(copy1);
	free(copy2);
	close(dirfd);
	return fd;
}

int main(int argc, char **argv)
{
	long stall = -1, disconnect_after = -1;
	int send_stdin = 0, opt;
	while ((opt = getopt(argc, argv, "s:d:i")) != -1) {
		switch (opt) {
		case 's':
			stall = strtol(optarg, NULL, 10);
			break;
		case 'd':
			disconnect_after = strtol(optarg, NULL, 10);
			break;
		case 'i':
			send_stdin = 1;
			break;
		default:
			fprintf(stderr, "usage: attach_client [-s SECS] [-d BYTES] [-i] PATH\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: attach_client [-s SECS] [-d BYTES] [-i] PATH\n");
		return 2;
	}
	int fd = connect_attach(argv[optind]);
	if (stall >= 0) {
		sleep((unsigned)stall);
		return 0;
	}
	long got = 0;
	int in_open = send_stdin;
	char buf[8193];
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
		if (poll(p, in_open ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 2;
		}
		if (in_open && (p[1].revents & (POLLIN | POLLHUP))) {
			ssize_t n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				shutdown(fd, SHUT_WR);
				in_open = 0;
			} else if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0) {
				return 1;
			}
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			return n == 0 ? 0 : 1;
		if (n > 1) {
			int out = buf[0] == 3 ? 2 : 1;
			if (write(out, buf + 1, (size_t)n - 1) < 0)
				return 1;
			got += n - 1;
		}
		if (disconnect_after >= 0 && got >= disconnect_after) {
			close(fd);
			return 0;
		}
	}
}
