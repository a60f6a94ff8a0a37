#include "racct_parse.h"

#include <errno.h>
#include <string.h>

#include "fdutil.h"
#include "saturate.h"
#include "stats.h"

/* FB12 sys/kern/kern_rctl.c resourcenames[]. */
static const char *const resource_names[RACCT_NRESOURCES] = {
    "cputime",      "datasize", "stacksize",  "coredumpsize", "memoryuse",
    "memorylocked", "maxproc",  "openfiles",  "vmemoryuse",   "pseudoterminals",
    "swapuse",      "nthr",     "msgqqueued", "msgqsize",     "nmsgq",
    "nsem",         "nsemop",   "nshm",       "shmsize",      "wallclock",
    "pcpu",         "readbps",  "writebps",   "readiops",     "writeiops",
};

/* The kernel caps its input at RCTL_MAX_INBUFSIZE; the output of 25 resources fits in
 * 1 KiB today, but a newer kernel may report more. */
#define RACCT_OUT_START 1024
#define RACCT_OUT_MAX   (1024 * 1024)

const char *racct_resource_name(enum racct_resource r)
{
	return (unsigned)r < RACCT_NRESOURCES ? resource_names[r] : NULL;
}

static int resource_index(const char *name, size_t len)
{
	for (int i = 0; i < RACCT_NRESOURCES; i++)
		if (strlen(resource_names[i]) == len && memcmp(resource_names[i], name, len) == 0)
			return i;
	return -1;
}

gboolean racct_parse(const char *text, struct racct_values *out, GError **err)
{
	memset(out, 0, sizeof(*out));
	const char *p = text;
	while (*p != '\0' && *p != '\n') {
		size_t len = strcspn(p, ",\n");
		const char *eq = memchr(p, '=', len);
		if (eq == NULL || eq == p || eq + 1 == p + len) {
			g_set_error(err, OCIMON_ERROR, EINVAL, "Malformed racct pair \"%.*s\"",
				    (int)MIN(len, 64), p);
			return FALSE;
		}
		char num[24];
		size_t nlen = (size_t)(p + len - (eq + 1));
		gint64 value;
		if (nlen >= sizeof(num)) {
			g_set_error(err, OCIMON_ERROR, ERANGE, "racct value too long in \"%.*s\"",
				    (int)MIN(len, 64), p);
			return FALSE;
		}
		memcpy(num, eq + 1, nlen);
		num[nlen] = '\0';
		if (!g_ascii_string_to_signed(num, 10, G_MININT64, G_MAXINT64, &value, NULL)) {
			g_set_error(err, OCIMON_ERROR, EINVAL, "Malformed racct value in \"%.*s\"",
				    (int)MIN(len, 64), p);
			return FALSE;
		}
		int i = resource_index(p, (size_t)(eq - p));
		if (i >= 0) {
			out->v[i] = value;
			out->present |= 1u << i;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return TRUE;
}

char *racct_fetch(racct_get_fn get, const char *filter, GError **err)
{
	for (size_t size = RACCT_OUT_START; size <= RACCT_OUT_MAX; size *= 2) {
		g_autofree char *buf = g_malloc0(size);
		/* The kernel copies the filter with copyinstr: its length includes the NUL. */
		if (get(filter, strlen(filter) + 1, buf, size) == 0) {
			buf[size - 1] = '\0';
			return g_steal_pointer(&buf);
		}
		int e = errno;
		if (e == ERANGE)
			continue;
		if (e == ENOSYS)
			g_set_error_literal(err, OCIMON_ERROR, e, RACCT_DISABLED_MESSAGE);
		else
			g_set_error(err, OCIMON_ERROR, e, "rctl_get_racct(\"%s\"): %s", filter,
				    g_strerror(e));
		return NULL;
	}
	g_set_error(err, OCIMON_ERROR, ERANGE,
		    "rctl_get_racct(\"%s\"): the answer is larger than %d bytes", filter,
		    RACCT_OUT_MAX);
	return NULL;
}

static guint64 non_negative(gint64 v)
{
	return v > 0 ? (guint64)v : 0;
}

/* A rate (bytes per second) over dt seconds, as bytes; the kernel's number is taken as
 * it comes, so the product saturates instead of overflowing. */
static guint64 rate_times(gint64 rate, double dt)
{
	return sat_double_to_u64((double)non_negative(rate) * dt);
}

void racct_to_sample(const struct racct_values *v, const struct ocimon_sample *prev,
		     struct ocimon_sample *out)
{
	out->cpu_ns =
	    sat_mul_u64(non_negative(v->v[RACCT_CPUTIME]), G_GUINT64_CONSTANT(1000000000));
	/* The kernel's decaying average, in percent of one core, like podman shows it;
	 * cputime has only whole seconds, too coarse for a 5 s interval. */
	out->cpu_percent = (double)non_negative(v->v[RACCT_PCPU]);
	out->mem_bytes = non_negative(v->v[RACCT_MEMORYUSE]);
	out->pids = non_negative(v->v[RACCT_MAXPROC]);
	out->blk_read_bytes = 0;
	out->blk_write_bytes = 0;
	if (prev != NULL) {
		gint64 dt_us = out->monotonic - prev->monotonic;
		double dt = dt_us > 0 ? (double)dt_us / G_USEC_PER_SEC : 0;
		out->blk_read_bytes =
		    sat_add_u64(prev->blk_read_bytes, rate_times(v->v[RACCT_READBPS], dt));
		out->blk_write_bytes =
		    sat_add_u64(prev->blk_write_bytes, rate_times(v->v[RACCT_WRITEBPS], dt));
	}
	out->has_racct = true;
	out->racct = *v;
}
