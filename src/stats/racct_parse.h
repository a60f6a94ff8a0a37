/* FreeBSD racct text (SPEC §2.2, §2.3): the resources rctl_get_racct(2) reports, the
 * parser of its "name=value,..." output and the call protocol (buffer growth, ENOSYS).
 * Platform-independent so it is unit tested on Linux; only stats_racct_freebsd.c calls the
 * real system call. */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* In the kernel's RACCT index order, which is also its output order. */
enum racct_resource {
	RACCT_CPUTIME,
	RACCT_DATASIZE,
	RACCT_STACKSIZE,
	RACCT_COREDUMPSIZE,
	RACCT_MEMORYUSE,
	RACCT_MEMORYLOCKED,
	RACCT_MAXPROC,
	RACCT_OPENFILES,
	RACCT_VMEMORYUSE,
	RACCT_PSEUDOTERMINALS,
	RACCT_SWAPUSE,
	RACCT_NTHR,
	RACCT_MSGQQUEUED,
	RACCT_MSGQSIZE,
	RACCT_NMSGQ,
	RACCT_NSEM,
	RACCT_NSEMOP,
	RACCT_NSHM,
	RACCT_SHMSIZE,
	RACCT_WALLCLOCK,
	RACCT_PCPU,
	RACCT_READBPS,
	RACCT_WRITEBPS,
	RACCT_READIOPS,
	RACCT_WRITEIOPS,
	RACCT_NRESOURCES
};

/* One rctl_get_racct answer. present has bit i set when resource i was in the text
 * (a process subject leaves out the "sloppy" ones). */
struct racct_values {
	gint64 v[RACCT_NRESOURCES];
	guint32 present;
};

/* The kernel's name of resource r ("cputime", ...). */
const char *racct_resource_name(enum racct_resource r);

/* Parses "cputime=12,datasize=4096,...". Unknown names (a newer kernel) are skipped;
 * a malformed pair is an error that quotes it. Pure. */
gboolean racct_parse(const char *text, struct racct_values *out, GError **err);

/* rctl_get_racct(2)'s signature, so tests can inject the system call. */
typedef int (*racct_get_fn)(const char *inbuf, size_t inbuflen, char *outbuf, size_t outbuflen);

/* The message for ENOSYS: racct is compiled out or kern.racct.enable=0. */
#define RACCT_DISABLED_MESSAGE                                                                     \
	"racct is disabled: set kern.racct.enable=1 in /boot/loader.conf and reboot"

/* Calls get(filter) with a buffer that grows on ERANGE and returns the NUL-terminated
 * answer. ENOSYS gives RACCT_DISABLED_MESSAGE (error code ENOSYS); other errors name the
 * filter and g_strerror(errno). */
char *racct_fetch(racct_get_fn get, const char *filter, GError **err);

struct ocimon_sample;

/* Fills the sample's common fields from racct values (podman's mapping, SPEC §2.2):
 * cputime s -> cpu_ns, pcpu -> cpu_percent, memoryuse -> mem_bytes, maxproc -> pids.
 * readbps/writebps are rates, so the byte counters are prev's plus rate x the seconds
 * since prev (an estimate; prev NULL starts them at 0). timestamp/monotonic must be set
 * already; the raw values are copied into out->racct. Pure. */
void racct_to_sample(const struct racct_values *v, const struct ocimon_sample *prev,
		     struct ocimon_sample *out);
