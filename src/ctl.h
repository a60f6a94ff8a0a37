/* The ctl and winsz FIFOs (SPEC §1.8). */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct monitor;

enum ctl_type {
	CTL_RESIZE = 1,
	CTL_REOPEN_LOGS = 2,
};

struct ctl_message {
	enum ctl_type type;
	int height;
	int width;
};

/* Terminal sizes outside this range are rejected, as conmon >= 2.2 does. */
#define CTL_SIZE_MAX 1000
/* Longest line kept (without its newline); anything longer is dropped up to its newline.
 * conmon reads into a 200-byte buffer, 199 bytes at a time: a line of 198 characters and
 * its newline is the longest it finds whole. */
#define CTL_LINE_MAX 198

/* Parses one line without its newline: "<type> <height> <width>", anything after the
 * third number ignored (as conmon's sscanf does). Pure. */
gboolean ctl_parse_line(const char *line, size_t len, struct ctl_message *out, GError **err);

/* Splits a byte stream into lines across reads; overlong lines are discarded whole so
 * one garbage burst cannot swallow the next valid message. */
struct ctl_line_buffer {
	char buf[CTL_LINE_MAX];
	size_t len;
	bool discarding;
};
/* Feeds data; calls cb for each complete line (without '\n'). */
void ctl_line_buffer_feed(struct ctl_line_buffer *lb, const char *data, size_t len,
			  void (*cb)(const char *line, size_t len, void *user), void *user);

/* Creates <bundle>/ctl and <bundle>/winsz (0660) and starts reading them. */
gboolean ctl_fifos_open(struct monitor *m, GError **err);
void ctl_fifos_close(struct monitor *m);
