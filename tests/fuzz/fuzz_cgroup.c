/* cgroup text: /proc/<pid>/cgroup (cgroup_lines_parse, cgroup_lines_find,
 * cgroup_parse_membership), single values, flat keyed files, io.stat and v1 blkio.
 * The input is all of them at once. */
#include "cgroup_parse.h"
#include "cgroup_path.h"
#include "fuzz.h"

static void check_lines(const char *text)
{
	g_autoptr(GError) err = NULL;
	GPtrArray *lines = cgroup_lines_parse(text, &err);
	if (lines == NULL) {
		FUZZ_CHECK(err != NULL);
		return;
	}
	for (guint i = 0; i < lines->len; i++) {
		const struct cgroup_line *l = g_ptr_array_index(lines, i);
		FUZZ_CHECK(l->path != NULL && l->path[0] == '/');
		FUZZ_CHECK(strchr(l->path, '\n') == NULL);
		FUZZ_CHECK(l->controllers != NULL);
	}
	const char *v2 = cgroup_lines_find(lines, NULL);
	const char *mem = cgroup_lines_find(lines, "memory");
	FUZZ_CHECK(v2 == NULL || v2[0] == '/');
	FUZZ_CHECK(mem == NULL || mem[0] == '/');
	g_ptr_array_unref(lines);

	static const char *const cids[] = {NULL, "", "abc", "0123456789abcdef"};
	for (size_t i = 0; i < G_N_ELEMENTS(cids); i++) {
		g_autoptr(GError) merr = NULL;
		g_autofree char *path = cgroup_parse_membership(text, cids[i], &merr);
		FUZZ_CHECK((path == NULL) == (merr != NULL));
		if (path != NULL)
			FUZZ_CHECK(path[0] == '/' && strstr(text, path) != NULL);
		/* A text names the same cgroup as itself exactly when it names one. */
		if (cids[i] == NULL)
			FUZZ_CHECK(cgroup_membership_same(text, NULL, text) == (path != NULL));
	}
}

static void check_values(const char *text)
{
	guint64 v = 0;
	if (cgroup_parse_value(text, &v) && v != G_MAXUINT64) {
		g_autofree char *s = g_strdup_printf("%" G_GUINT64_FORMAT, v);
		guint64 again = 0;
		FUZZ_CHECK(cgroup_parse_value(s, &again) && again == v);
	}
	static const char *const keys[] = {
	    "inactive_file", "total_inactive_file", "usage_usec", "", " ", "a"};
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		(void)cgroup_parse_keyed(text, keys[i], &v);
	guint64 r = 1, w = 1;
	cgroup_parse_io_stat(text, &r, &w);
	cgroup_parse_blkio_v1(text, &r, &w);
	FUZZ_CHECK(cgroup_mem_usage(r, w) <= r);
	guint64 lim = cgroup_mem_limit(r, w);
	FUZZ_CHECK(lim == r || lim == w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_quiet();
	g_autofree char *text = fuzz_cstring(data, size);
	check_lines(text);
	check_values(text);
	return 0;
}
