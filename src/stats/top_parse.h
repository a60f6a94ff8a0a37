/* Pure parsers for `ocimonctl top` on Linux: /proc/<pid>/stat and status, passwd. */
#pragma once

#include <glib.h>

struct proc_stat_info {
	char comm[64];
	char state;
	int ppid;
	guint64 tty_nr;
	guint64 utime, stime; /* clock ticks */
	guint64 starttime;    /* clock ticks after boot */
};

/* /proc/<pid>/stat; comm may hold spaces and ')' so the last ')' ends it. */
gboolean proc_stat_parse(const char *text, struct proc_stat_info *out);

/* A "Key:\tv1\tv2..." line of /proc/<pid>/status: field index (0 = first value), or
 * the last value with index -1. */
gboolean proc_status_field(const char *text, const char *key, int index, guint64 *out);

/* The user name of uid in /etc/passwd text, or NULL. */
char *passwd_name(const char *passwd, guint64 uid);

/* The uid that host uid `outside` is inside a user namespace, from its uid_map text
 * ("inside outside count" lines); unmapped uids give the overflow uid 65534, as the kernel
 * shows them. Pure. */
guint64 uid_map_inside(const char *uid_map, guint64 outside);

/* "pts/3", "tty1", "?" for none (the kernel's tty_nr encoding). */
char *tty_name(guint64 tty_nr);
