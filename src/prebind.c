/* Debian builds jansson without -z now, so its calls into libc are bound lazily, on first
 * use. Done after the monitor has forked its daemon, each such binding runs the dynamic
 * linker's symbol lookup, which faults ld.so's code and the symbol tables of every loaded
 * library (~400 KB) into the daemon's RSS for the container's whole life. Doing the same
 * JSON work once before the fork binds them in pages the daemon inherits. */
#include <glib.h>
#include <jansson.h>
#include <stdlib.h>
#include <time.h>

#include "prebind.h"

void json_prebind(void)
{
	/* json_object() seeds jansson's hash from /dev/urandom (open, read, close). */
	json_t *o = json_object();
	if (!o)
		return;
	json_object_set_new(o, "b", json_real(0.25));
	json_object_set_new(o, "a", json_integer(-1));
	json_object_set_new(o, "s", json_stringn("a/b", 3));
	json_t *a = json_array();
	json_array_append_new(a, json_null());
	json_array_append_new(a, json_true());
	json_object_set_new(o, "l", a);
	/* The flags the monitor uses: sorted keys (qsort), numbers (snprintf). */
	free(json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17)));
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ESCAPE_SLASH);
	if (text) {
		json_t *back = json_loads(text, 0, NULL);
		json_decref(back);
		free(text);
	}
	json_decref(o);
}

void libc_prebind(void)
{
	/* libc's own calls to realloc are bound lazily too: vasprintf (g_strdup_printf)
	 * shrinks a long result with it. */
	g_free(g_strdup_printf("%0300d", 0));
	/* The first localtime_r reads the zone file (k8s-file timestamps). */
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
}
