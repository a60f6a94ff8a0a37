/* memory.events (v2) and memory.oom_control (v1): parsed counters read the same once
 * written back, and a parse error always says why. */
#include "fuzz.h"
#include "oom_parse.h"

static void check(const char *text, bool v2)
{
	struct oom_counters c;
	g_autoptr(GError) err = NULL;
	gboolean ok =
	    v2 ? oom_parse_memory_events(text, &c, &err) : oom_parse_oom_control(text, &c, &err);
	FUZZ_CHECK(ok == (err == NULL));
	if (!ok)
		return;
	g_autofree char *back = v2 ? g_strdup_printf("oom %" G_GUINT64_FORMAT "\n%s", c.oom, "")
				   : g_strdup_printf("under_oom %d\n", c.under_oom ? 1 : 0);
	g_autofree char *full =
	    c.has_oom_kill ? g_strdup_printf("%soom_kill %" G_GUINT64_FORMAT "\n", back, c.oom_kill)
			   : g_strdup(back);
	struct oom_counters again;
	FUZZ_CHECK(v2 ? oom_parse_memory_events(full, &again, NULL)
		      : oom_parse_oom_control(full, &again, NULL));
	FUZZ_CHECK(again.oom == c.oom && again.oom_kill == c.oom_kill &&
		   again.under_oom == c.under_oom && again.has_oom_kill == c.has_oom_kill);
	struct oom_counters zero = {0};
	FUZZ_CHECK(oom_counters_show_new_oom(&zero, &c) ==
		   (c.oom > 0 || c.oom_kill > 0 || c.under_oom));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_quiet();
	g_autofree char *text = fuzz_cstring(data, size);
	check(text, true);
	check(text, false);
	return 0;
}
