/* FreeBSD: samples from racct for the container's jail (SPEC §2.2, §2.3). The text
 * parser and the call protocol live in racct_parse.c, tested on Linux too. */
#include "stats_backend.h"

#include <errno.h>
#include <jail.h>
#include <string.h>
#include <sys/param.h>
#include <sys/jail.h>
#include <sys/rctl.h>
#include <unistd.h>

#include "fdutil.h"
#include "racct_parse.h"

struct stats_source {
	char *filter; /* "jail:<name>" */
	guint64 physical;
	char *describe;
};

struct stats_source *stats_source_open(pid_t container_pid, pid_t monitor_pid, const char *cid,
				       const char *jail_name, GError **err)
{
	const char *name = jail_name != NULL ? jail_name : cid;
	if (name == NULL || *name == '\0') {
		g_set_error(err, OCIMON_ERROR, EINVAL, "No jail name for racct (use --jail-name)");
		return NULL;
	}
	/* racct answers zeros for any name, even a jail that does not exist (SPEC §2.3):
	 * check the name first so a wrong --jail-name is reported, not silently zero. */
	if (jail_getid(name) < 0) {
		g_set_error(err, OCIMON_ERROR, ESRCH, "No jail named %s for racct: %s", name,
			    jail_errmsg);
		return NULL;
	}
	struct stats_source *s = g_new0(struct stats_source, 1);
	s->filter = g_strdup_printf("jail:%s", name);
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	s->physical = pages > 0 && page > 0 ? (guint64)pages * (guint64)page : 0;
	s->describe = g_strdup_printf("racct %s", s->filter);
	/* One call now, so "racct is disabled" is reported when the container starts. */
	g_autofree char *text = racct_fetch(rctl_get_racct, s->filter, err);
	if (text == NULL) {
		stats_source_free(s);
		return NULL;
	}
	return s;
}

gboolean stats_source_read(struct stats_source *s, const struct ocimon_sample *prev, bool thrifty,
			   struct ocimon_sample *out, GError **err)
{
	g_autofree char *text = racct_fetch(rctl_get_racct, s->filter, err);
	if (text == NULL)
		return FALSE;
	struct racct_values v;
	if (!racct_parse(text, &v, err))
		return FALSE;
	racct_to_sample(&v, prev, out);
	/* racct has no memory limit of its own; podman also shows the machine's memory. */
	out->mem_limit_bytes = s->physical;
	return TRUE;
}

void stats_source_read_peaks(struct stats_source *s, struct stats_kernel_peaks *out)
{
	/* racct keeps no high-water marks: the summary's peaks are the samples'. */
	memset(out, 0, sizeof(*out));
}

bool stats_source_has_cpu_percent(const struct stats_source *s)
{
	return true;
}

const char *stats_source_describe(const struct stats_source *s)
{
	return s->describe;
}

void stats_source_free(struct stats_source *s)
{
	if (s == NULL)
		return;
	g_free(s->filter);
	g_free(s->describe);
	g_free(s);
}
