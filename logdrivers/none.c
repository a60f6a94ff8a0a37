/* -l none|off|null: nothing is logged; attach still works. The no-op functions also
 * serve drivers whose output never passes through the monitor (passthrough). */
#include "logdriver.h"

struct log_sink *log_noop_open(const struct log_config *cfg, const char *path, GError **err)
{
	return g_new0(struct log_sink, 1);
}

gboolean log_noop_write(struct log_sink *sink, const struct timespec *ts,
			const struct log_record *recs, size_t n, GError **err)
{
	return TRUE;
}

void log_noop_close(struct log_sink *sink)
{
	g_free(sink);
}

const struct log_driver log_driver_none = {
    .name = "none",
    .open = log_noop_open,
    .write = log_noop_write,
    .close = log_noop_close,
};
