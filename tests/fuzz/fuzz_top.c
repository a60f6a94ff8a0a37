/* ocimonctl top's parsers: /proc/<pid>/stat, /proc/<pid>/status fields, passwd, uid_map
 * and the tty name. */
#include "fuzz.h"
#include "top_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_cstring(data, size);
	struct proc_stat_info st;
	if (proc_stat_parse(text, &st))
		FUZZ_CHECK(strlen(st.comm) < sizeof(st.comm));
	guint64 v = 0;
	(void)proc_status_field(text, "Uid", 0, &v);
	(void)proc_status_field(text, "Uid", -1, &v);
	(void)proc_status_field(text, "VmRSS", 0, &v);
	for (guint64 uid = 0; uid < 3; uid++) {
		g_autofree char *name = passwd_name(text, uid);
		FUZZ_CHECK(name == NULL || strchr(name, '\n') == NULL);
	}
	(void)uid_map_inside(text, 0);
	(void)uid_map_inside(text, 1001);
	(void)uid_map_inside(text, G_MAXUINT64);
	guint64 tty = 0;
	memcpy(&tty, data, MIN(size, sizeof(tty)));
	g_autofree char *t = tty_name(tty);
	FUZZ_CHECK(t != NULL && *t != '\0');
	return 0;
}
