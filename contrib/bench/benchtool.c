/*
 * benchtool: the C half of contrib/bench/bench.sh. One static binary with five modes, so the
 * same code generates the output inside the container and computes what the log must hold.
 *
 *   benchtool gen LEN BYTES [mixed|-] [TFILE]
 *                                       write BYTES bytes of LEN-byte lines (newline
 *                                       included) to stdout, or alternately to stdout and
 *                                       stderr with "mixed", in writes of about 64 KiB;
 *                                       first write the CLOCK_MONOTONIC time to TFILE
 *   benchtool expect LEN BYTES [mixed]  print what gen writes, per stream, as
 *                                       "stdout BYTES LINES HASH" and "stderr ..."
 *   benchtool verify LOG                the same summary for the content a k8s-file (CRI)
 *                                       log holds: P records joined, F records end a line;
 *                                       also "bad N" for malformed records
 *   benchtool hash                      "BYTES LINES HASH" of stdin
 *   benchtool monitor [-s] [-J DIR] [-T TFILE] -P PIDFILE -R RUNC -r ROOT -i ID -- MONITOR ARGS...
 *       start MONITOR as podman 4.3.1 starts conmon (two SOCK_SEQPACKET socketpairs as fds
 *       3 and 4, _OCI_SYNCPIPE=3, _OCI_STARTPIPE=4, the start byte, wait for the first
 *       process to exit unless -s/--sync, one line from the sync socket), then time
 *       `runc start` -> the monitor's exit. We are a child subreaper, so the daemonized
 *       monitor becomes our child: it is seen as a zombie (waitid WNOWAIT) and its own
 *       utime+stime read from /proc/PID/stat before it is reaped (children excluded: runc
 *       and the container are the monitor's children); the CPU time is the leader's
 *       sum_exec_runtime (/proc/PID/schedstat, ns) while the monitor has one thread, else
 *       utime+stime in clock ticks. VmHWM is sampled every 5 ms.
 *       -J DIR: in a private mount namespace, bind DIR on /run/systemd/journal first.
 *       -T TFILE: elapsed counts from the time the generator wrote there (so not runc
 *       start's own cost), else from just before `runc start`.
 *       Prints "elapsed=S cpu=S utime=S stime=S hwm_kb=N threads=N status=N exact=0|1".
 *   benchtool ref [-T TFILE] -R RUNC -r ROOT -i ID -b BUNDLE -o OUT -e ERR
 *       the no-monitor limit: `runc create` with its stdout and stderr piped into two
 *       `cat > FILE`, then time `runc start` -> both cats done. Prints the same fields (cpu
 *       and hwm of the two cats).
 *
 * The hash is 64-bit, word-wise over fixed 1 MiB blocks of the stream, so it does not
 * depend on how the stream was cut into writes or records.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WRITE_TARGET (64 * 1024)
#define HASH_BLOCK   (1 << 20)
#define TIMEOUT_S    600

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("benchtool: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static long long parse_num(const char *s, const char *what)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < 0)
		die("bad %s: %s", what, s);
	return v;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the content --------------------------------------------------------------------- */

/* Line i of LEN bytes: a 10-digit line number when there is room (so every line differs),
 * then letters starting at 'a' + i % 26, then '\n'. */
struct gen {
	size_t len;
	uint64_t line;
	char digits[10];
	char *filler; /* 26 + len letters: any window of it is a valid filler */
	char *buf;
	size_t per_write; /* lines per write */
};

static void gen_init(struct gen *g, size_t len)
{
	if (len < 2)
		die("line length must be at least 2");
	g->len = len;
	g->line = 0;
	memset(g->digits, '0', sizeof(g->digits));
	g->filler = malloc(len + 26);
	g->per_write = len >= WRITE_TARGET ? 1 : WRITE_TARGET / len;
	g->buf = malloc(g->per_write * len);
	if (g->filler == NULL || g->buf == NULL)
		die("out of memory");
	for (size_t i = 0; i < len + 26; i++)
		g->filler[i] = (char)('a' + i % 26);
}

static void digits_inc(char *d)
{
	for (int i = 9; i >= 0; i--) {
		if (d[i] != '9') {
			d[i]++;
			return;
		}
		d[i] = '0';
	}
}

/* Fills the buffer with the next n lines; returns their size. */
static size_t gen_fill(struct gen *g, size_t n)
{
	char *p = g->buf;
	for (size_t k = 0; k < n; k++) {
		size_t body = g->len - 1, off = 0;
		if (body >= sizeof(g->digits) + 1) {
			memcpy(p, g->digits, sizeof(g->digits));
			off = sizeof(g->digits);
		}
		memcpy(p + off, g->filler + g->line % 26, body - off);
		p[body] = '\n';
		p += g->len;
		g->line++;
		digits_inc(g->digits);
	}
	return (size_t)(p - g->buf);
}

/* ---- the hash ------------------------------------------------------------------------ */

struct hasher {
	uint64_t h, bytes, lines;
	size_t used;
	char *block;
};

static void hasher_init(struct hasher *hs)
{
	hs->h = 0xcbf29ce484222325ULL;
	hs->bytes = hs->lines = 0;
	hs->used = 0;
	hs->block = malloc(HASH_BLOCK);
	if (hs->block == NULL)
		die("out of memory");
}

static void hash_block(struct hasher *hs)
{
	const char *p = hs->block, *end = hs->block + hs->used;
	uint64_t h = hs->h;
	for (; p + 8 <= end; p += 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; p < end; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	for (const char *q = hs->block; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
		hs->lines++;
	hs->h = h;
	hs->used = 0;
}

static void hasher_feed(struct hasher *hs, const char *data, size_t len)
{
	hs->bytes += len;
	while (len > 0) {
		size_t n = HASH_BLOCK - hs->used;
		if (n > len)
			n = len;
		memcpy(hs->block + hs->used, data, n);
		hs->used += n;
		data += n;
		len -= n;
		if (hs->used == HASH_BLOCK)
			hash_block(hs);
	}
}

static void hasher_print(struct hasher *hs, const char *label)
{
	if (hs->used > 0)
		hash_block(hs);
	printf("%s%s%" PRIu64 " %" PRIu64 " %016" PRIx64 "\n", label ? label : "", label ? " " : "",
	       hs->bytes, hs->lines, hs->h);
}

/* ---- gen and expect -------------------------------------------------------------------- */

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("write fd %d: %s", fd, strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
}

/* gen and expect share this loop: sink NULL writes to the fds, else hashes per stream. */
static void produce(size_t len, long long total, bool mixed, struct hasher *sink)
{
	struct gen g;
	gen_init(&g, len);
	long long lines = total / (long long)len, done = 0;
	int turn = 0;
	while (done < lines) {
		size_t n = g.per_write;
		if ((long long)n > lines - done)
			n = (size_t)(lines - done);
		size_t bytes = gen_fill(&g, n);
		int stream = mixed ? turn : 0;
		if (sink)
			hasher_feed(&sink[stream], g.buf, bytes);
		else
			write_all(stream + 1, g.buf, bytes);
		turn ^= 1;
		done += (long long)n;
	}
}

static int cmd_gen(int argc, char **argv, bool expect)
{
	if (argc < 2 || argc > 4 ||
	    (argc >= 3 && strcmp(argv[2], "mixed") != 0 && strcmp(argv[2], "-") != 0))
		die("usage: gen|expect LEN BYTES [mixed|-] [TFILE]");
	size_t len = (size_t)parse_num(argv[0], "line length");
	long long total = parse_num(argv[1], "byte count");
	bool mixed = argc >= 3 && strcmp(argv[2], "mixed") == 0;
	if (!expect) {
		signal(SIGPIPE, SIG_DFL);
		if (argc == 4) {
			FILE *f = fopen(argv[3], "we");
			if (f == NULL)
				die("%s: %s", argv[3], strerror(errno));
			fprintf(f, "%.9f\n", now_s());
			fclose(f);
		}
		produce(len, total, mixed, NULL);
		return 0;
	}
	struct hasher hs[2];
	hasher_init(&hs[0]);
	hasher_init(&hs[1]);
	produce(len, total, mixed, hs);
	hasher_print(&hs[0], "stdout");
	hasher_print(&hs[1], "stderr");
	return 0;
}

/* ---- verify ------------------------------------------------------------------------------ */

static int cmd_verify(int argc, char **argv)
{
	if (argc != 1)
		die("usage: verify LOG");
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", argv[0], strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0)
		die("%s: %s", argv[0], strerror(errno));
	struct hasher hs[2];
	hasher_init(&hs[0]);
	hasher_init(&hs[1]);
	uint64_t bad = 0, records = 0;
	if (st.st_size > 0) {
		const char *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED)
			die("mmap %s: %s", argv[0], strerror(errno));
		madvise((void *)map, (size_t)st.st_size, MADV_SEQUENTIAL);
		const char *p = map, *end = map + st.st_size;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL) {
				bad++; /* an unterminated last record */
				break;
			}
			records++;
			/* "<timestamp> <stdout|stderr> <P|F> <message>\n" */
			const char *sp = memchr(p, ' ', (size_t)(nl - p));
			size_t tslen = sp ? (size_t)(sp - p) : 0;
			if (sp == NULL || tslen < 20 || tslen > 40 || nl - sp < 10 ||
			    sp[7] != ' ' || sp[9] != ' ' || (sp[8] != 'P' && sp[8] != 'F')) {
				bad++;
				p = nl + 1;
				continue;
			}
			int stream;
			if (memcmp(sp + 1, "stdout", 6) == 0)
				stream = 0;
			else if (memcmp(sp + 1, "stderr", 6) == 0)
				stream = 1;
			else {
				bad++;
				p = nl + 1;
				continue;
			}
			const char *msg = sp + 10;
			/* F: the line's own newline is the record's; P: the newline is framing. */
			hasher_feed(&hs[stream], msg, (size_t)(nl - msg) + (sp[8] == 'F' ? 1 : 0));
			p = nl + 1;
		}
		munmap((void *)map, (size_t)st.st_size);
	}
	close(fd);
	hasher_print(&hs[0], "stdout");
	hasher_print(&hs[1], "stderr");
	printf("records %" PRIu64 "\nbad %" PRIu64 "\n", records, bad);
	return 0;
}

static int cmd_hash(void)
{
	struct hasher hs;
	hasher_init(&hs);
	static char buf[1 << 16];
	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("read stdin: %s", strerror(errno));
		}
		if (n == 0)
			break;
		hasher_feed(&hs, buf, (size_t)n);
	}
	hasher_print(&hs, NULL);
	return 0;
}

/* ---- processes ---------------------------------------------------------------------------- */

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "benchtool: time limit reached\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
	}
	_exit(3);
}

/* Runs argv with the given stdio (-1: inherit) and returns its wait status. */
static int run_wait(char *const argv[], int in, int out, int err)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if ((in >= 0 && dup2(in, 0) < 0) || (out >= 0 && dup2(out, 1) < 0) ||
		    (err >= 0 && dup2(err, 2) < 0))
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "benchtool: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid %d: %s", (int)pid, strerror(errno));
	return status;
}

static void runc_start(const char *runc, const char *root, const char *id)
{
	char root_arg[4096];
	snprintf(root_arg, sizeof(root_arg), "--root=%s", root);
	char *const argv[] = {(char *)runc, root_arg, "start", (char *)id, NULL};
	int st = run_wait(argv, -1, -1, -1);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("runc start %s failed (status %d)", id, st);
}

/* utime and stime (fields 14 and 15, without children) of pid, in clock ticks. */
static bool read_times(pid_t pid, unsigned long long *ut, unsigned long long *stt)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* The command name may hold spaces: count fields after its closing ')'. */
	char *p = strrchr(buf, ')');
	if (p == NULL)
		return false;
	p += 2; /* field 3 */
	for (int field = 3; field < 14; field++) {
		p = strchr(p, ' ');
		if (p == NULL)
			return false;
		p++;
	}
	return sscanf(p, "%llu %llu", ut, stt) == 2;
}

/* sum_exec_runtime of the task pid (the first field of /proc/PID/schedstat), in ns. */
static bool read_runtime_ns(pid_t pid, unsigned long long *ns)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return sscanf(buf, "%llu", ns) == 1;
}

/* VmHWM (kB) and Threads of pid from /proc/PID/status. */
static void read_status(pid_t pid, long *hwm, long *threads)
{
	char path[64], buf[8192];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	char *p = strstr(buf, "VmHWM:");
	long v = p ? strtol(p + 6, NULL, 10) : -1;
	if (v > *hwm)
		*hwm = v;
	p = strstr(buf, "Threads:");
	v = p ? strtol(p + 8, NULL, 10) : -1;
	if (v > *threads)
		*threads = v;
}

/* The generator's start time from TFILE, or fallback when there is none. */
static double read_gen_start(const char *tfile, double fallback)
{
	if (tfile == NULL)
		return fallback;
	FILE *f = fopen(tfile, "re");
	double t = 0;
	if (f == NULL || fscanf(f, "%lf", &t) != 1 || t <= 0) {
		fprintf(stderr, "benchtool: no generator start time in %s\n", tfile);
		t = fallback;
	}
	if (f)
		fclose(f);
	return t;
}

static void child_exec_monitor(int sync_end, int start_end, char **argv)
{
	int a = fcntl(sync_end, F_DUPFD_CLOEXEC, 100);
	int b = fcntl(start_end, F_DUPFD_CLOEXEC, 100);
	if (a < 0 || b < 0 || dup2(a, 3) < 0 || dup2(b, 4) < 0)
		_exit(127);
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0)
		_exit(127);
	/* Nothing else above the two sockets, as with Go's exec.Cmd. */
	for (int fd = 5; fd < 4096; fd++)
		close(fd);
	setenv("_OCI_SYNCPIPE", "3", 1);
	setenv("_OCI_STARTPIPE", "4", 1);
	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	alarm(0);
	execvp(argv[0], argv);
	fprintf(stderr, "benchtool: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* The first line from the sync socket: {"data": PID} (or a negative value and a message). */
static long read_sync_pid(int fd)
{
	char buf[65536];
	ssize_t n;
	do
		n = recv(fd, buf, sizeof(buf) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		die("no message on the sync socket (%s)", n == 0 ? "EOF" : strerror(errno));
	buf[n] = '\0';
	char *p = strchr(buf, ':');
	long pid = p ? strtol(p + 1, NULL, 10) : -1;
	if (pid <= 0)
		die("monitor failed: %s", buf);
	return pid;
}

static pid_t read_pidfile(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		die("%s: empty", path);
	buf[n] = '\0';
	return (pid_t)strtol(buf, NULL, 10);
}

static void private_journal(const char *dir)
{
	if (unshare(CLONE_NEWNS) < 0)
		die("unshare(CLONE_NEWNS): %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("mount --make-rprivate /: %s", strerror(errno));
	if (mkdir("/run/systemd/journal", 0755) < 0 && errno != EEXIST)
		die("mkdir /run/systemd/journal: %s", strerror(errno));
	if (mount(dir, "/run/systemd/journal", NULL, MS_BIND, NULL) < 0)
		die("bind %s on /run/systemd/journal: %s", dir, strerror(errno));
}

static void reap_strays(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static int cmd_monitor(int argc, char **argv)
{
	const char *pidfile = NULL, *runc = NULL, *root = NULL, *id = NULL, *journal = NULL;
	const char *tfile = NULL;
	bool sync_mode = false;
	int opt;
	while ((opt = getopt(argc, argv, "+sJ:T:P:R:r:i:")) != -1) {
		switch (opt) {
		case 's':
			sync_mode = true;
			break;
		case 'J':
			journal = optarg;
			break;
		case 'T':
			tfile = optarg;
			break;
		case 'P':
			pidfile = optarg;
			break;
		case 'R':
			runc = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'i':
			id = optarg;
			break;
		default:
			die("usage: monitor [-s] [-J DIR] -P PIDFILE -R RUNC -r ROOT -i ID -- "
			    "ARGS");
		}
	}
	if (optind >= argc || !runc || !root || !id || (!pidfile && !sync_mode))
		die("usage: monitor [-s] [-J DIR] -P PIDFILE -R RUNC -r ROOT -i ID -- ARGS");
	for (int i = optind; i < argc; i++)
		if (strcmp(argv[i], "--sync") == 0)
			sync_mode = true;
	if (journal)
		private_journal(journal);
	/* The daemonized monitor is reparented to us, so we can see it as a zombie. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);

	int sync_sv[2], start_sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync_sv) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, start_sv) < 0)
		die("socketpair: %s", strerror(errno));
	fflush(stdout);
	pid_t first = fork();
	if (first < 0)
		die("fork: %s", strerror(errno));
	if (first == 0)
		child_exec_monitor(sync_sv[1], start_sv[1], &argv[optind]);
	close(sync_sv[1]);
	close(start_sv[1]);
	if (write(start_sv[0], "", 1) != 1)
		die("writing the start byte: %s", strerror(errno));
	if (!sync_mode) {
		int status;
		while (waitpid(first, &status, 0) < 0)
			if (errno != EINTR)
				die("waitpid: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			die("monitor's first process failed (status %d)", status);
	}
	read_sync_pid(sync_sv[0]);
	pid_t mon = sync_mode ? first : read_pidfile(pidfile);
	int pidfd = (int)syscall(SYS_pidfd_open, mon, 0);
	if (pidfd < 0)
		die("pidfd_open %d: %s", (int)mon, strerror(errno));

	double t0 = now_s();
	runc_start(runc, root, id);
	long hwm = -1, threads = -1;
	unsigned long long ut = 0, stt = 0, ns = 0;
	for (;;) {
		struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
		int r = poll(&pfd, 1, 5);
		if (r < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (r > 0)
			break;
		read_status(mon, &hwm, &threads);
		read_times(mon, &ut, &stt);
		read_runtime_ns(mon, &ns);
	}
	double t1 = now_s();
	siginfo_t si = {0};
	bool zombie = waitid(P_PID, (id_t)mon, &si, WEXITED | WNOWAIT) == 0;
	if (zombie) {
		/* Exact: a zombie keeps its own times until it is reaped. */
		read_times(mon, &ut, &stt);
		read_runtime_ns(mon, &ns);
	}
	int status = -1;
	if (zombie)
		waitpid(mon, &status, 0);
	reap_strays();
	double tick = (double)sysconf(_SC_CLK_TCK);
	bool one_thread = threads == 1 && ns > 0;
	double cpu = one_thread ? (double)ns / 1e9 : (double)(ut + stt) / tick;
	printf("elapsed=%.6f elapsed_runc=%.6f cpu=%.6f utime=%.2f stime=%.2f hwm_kb=%ld "
	       "threads=%ld status=%d exact=%d\n",
	       t1 - read_gen_start(tfile, t0), t1 - t0, cpu, (double)ut / tick, (double)stt / tick,
	       hwm, threads, zombie && WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	       zombie && one_thread ? 1 : 0);
	return 0;
}

static pid_t spawn_cat(int in, const char *path)
{
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		die("%s: %s", path, strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
			_exit(127);
		execlp("cat", "cat", (char *)NULL);
		_exit(127);
	}
	close(out);
	return pid;
}

static int cmd_ref(int argc, char **argv)
{
	const char *runc = NULL, *root = NULL, *id = NULL, *bundle = NULL, *out = NULL, *err = NULL;
	const char *tfile = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "T:R:r:i:b:o:e:")) != -1) {
		switch (opt) {
		case 'T':
			tfile = optarg;
			break;
		case 'R':
			runc = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'i':
			id = optarg;
			break;
		case 'b':
			bundle = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'e':
			err = optarg;
			break;
		default:
			die("usage: ref -R RUNC -r ROOT -i ID -b BUNDLE -o OUT -e ERR");
		}
	}
	if (!runc || !root || !id || !bundle || !out || !err)
		die("usage: ref -R RUNC -r ROOT -i ID -b BUNDLE -o OUT -e ERR");
	int po[2], pe[2];
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid_t cats[2] = {spawn_cat(po[0], out), spawn_cat(pe[0], err)};
	close(po[0]);
	close(pe[0]);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char root_arg[4096];
	snprintf(root_arg, sizeof(root_arg), "--root=%s", root);
	char *const create[] = {(char *)runc,   root_arg,   "create", "--bundle",
				(char *)bundle, (char *)id, NULL};
	int st = run_wait(create, devnull, po[1], pe[1]);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("runc create %s failed (status %d)", id, st);
	close(po[1]);
	close(pe[1]);
	double t0 = now_s();
	runc_start(runc, root, id);
	double cpu = 0;
	long hwm = 0;
	for (int i = 0; i < 2; i++) {
		struct rusage ru;
		int status;
		while (wait4(cats[i], &status, 0, &ru) < 0)
			if (errno != EINTR)
				die("wait4: %s", strerror(errno));
		cpu += (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		if (ru.ru_maxrss > hwm)
			hwm = ru.ru_maxrss;
	}
	double t1 = now_s();
	printf("elapsed=%.6f elapsed_runc=%.6f cpu=%.6f utime=0 stime=0 hwm_kb=%ld threads=1 "
	       "status=0 exact=1\n",
	       t1 - read_gen_start(tfile, t0), t1 - t0, cpu, hwm);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: benchtool gen|expect|verify|hash|monitor|ref ...");
	const char *cmd = argv[1];
	if (strcmp(cmd, "gen") == 0)
		return cmd_gen(argc - 2, argv + 2, false);
	if (strcmp(cmd, "expect") == 0)
		return cmd_gen(argc - 2, argv + 2, true);
	if (strcmp(cmd, "verify") == 0)
		return cmd_verify(argc - 2, argv + 2);
	if (strcmp(cmd, "hash") == 0)
		return cmd_hash();
	signal(SIGALRM, on_alarm);
	alarm(TIMEOUT_S);
	if (strcmp(cmd, "monitor") == 0)
		return cmd_monitor(argc - 1, argv + 1);
	if (strcmp(cmd, "ref") == 0)
		return cmd_ref(argc - 1, argv + 1);
	die("unknown mode %s", cmd);
}
