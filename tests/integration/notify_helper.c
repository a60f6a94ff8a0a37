/*
 * notify_helper: both ends of an sd-notify conversation, for tests/integration/test_notify.sh.
 * Built statically so it also runs inside the busybox test image.
 *
 *   notify_helper send PATH MESSAGE      one datagram MESSAGE to the socket PATH
 *                                        (PATH "-" means $NOTIFY_SOCKET, as sd_notify(3))
 *   notify_helper recv PATH SECS         bind a datagram socket at PATH (what systemd does)
 *                                        and print every datagram received until SECS pass
 *                                        without one, each as one line with '\n' shown as
 *                                        "\n" (two characters), then "END"
 *
 * Exit status: 0, or 1 on a system error (message on stderr).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what, const char *arg)
{
	fprintf(stderr, "notify_helper: %s %s: %s\n", what, arg, strerror(errno));
	return 1;
}

static int set_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(a->sun_path, path);
	return 0;
}

static int do_send(const char *path, const char *msg)
{
	if (strcmp(path, "-") == 0)
		path = getenv("NOTIFY_SOCKET");
	if (path == NULL) {
		errno = EINVAL;
		return die("no NOTIFY_SOCKET", "");
	}
	struct sockaddr_un a;
	if (set_addr(&a, path) < 0)
		return die("address", path);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return die("socket", "");
	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&a, sizeof(a)) < 0)
		return die("sendto", path);
	close(fd);
	return 0;
}

static int do_recv(const char *path, int secs)
{
	struct sockaddr_un a;
	if (set_addr(&a, path) < 0)
		return die("address", path);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return die("socket", "");
	unlink(path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return die("bind", path);
	/* Tell the test we are listening. */
	printf("LISTENING\n");
	fflush(stdout);
	char buf[8192];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (poll(&p, 1, secs * 1000) > 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return die("recv", path);
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n')
				fputs("\\n", stdout);
			else if (buf[i] == '\r')
				fputs("\\r", stdout);
			else
				putchar(buf[i]);
		}
		putchar('\n');
		fflush(stdout);
	}
	printf("END\n");
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "send") == 0)
		return do_send(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "recv") == 0)
		return do_recv(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: notify_helper send PATH|- MESSAGE | recv PATH SECS\n");
	return 2;
}
