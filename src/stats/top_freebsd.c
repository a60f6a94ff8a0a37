/* FreeBSD `ocimonctl top`: ps(1) lists a jail's processes (-J), with podman's own
 * default columns (SPEC §2.2: libpod/container_top_freebsd.go). */
#include "top.h"

#include <errno.h>
#include <sys/wait.h>

#include "fdutil.h"

char *top_table(const struct registry_entry *e, GError **err)
{
	const char *jail = e->jail_name ? e->jail_name : e->id;
	const char *argv[] = {"ps", "-J", jail, "-o", "user,pid,ppid,pcpu,etime,tty,time,args",
			      NULL};
	g_autofree char *out = NULL;
	g_autofree char *errout = NULL;
	int status = 0;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &errout,
			  &status, err))
		return NULL;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		g_strstrip(errout);
		g_set_error(err, OCIMON_ERROR, ESRCH, "ps -J %s failed: %s", jail,
			    *errout ? errout : "no processes (is the container running?)");
		return NULL;
	}
	return g_steal_pointer(&out);
}
