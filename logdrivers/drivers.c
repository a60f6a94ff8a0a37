#include <string.h>

#include "config.h"
#include "logdriver.h"

G_DEFINE_QUARK(ocimon - log - error, ocimon_log_error)

/* The one table of drivers; aliases map to the same driver. */
static const struct {
	const char *name;
	const struct log_driver *driver;
} drivers[] = {
    {"k8s-file", &log_driver_k8s_file},
#if HAVE_JOURNALD
    {"journald", &log_driver_journald},
#endif
    {"none", &log_driver_none},         {"off", &log_driver_none},
    {"null", &log_driver_none},         {"passthrough", &log_driver_passthrough},
};

const struct log_driver *log_driver_lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < G_N_ELEMENTS(drivers); i++) {
		if (strlen(drivers[i].name) == len && memcmp(drivers[i].name, name, len) == 0)
			return drivers[i].driver;
	}
	return NULL;
}
