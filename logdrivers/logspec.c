#include <errno.h>
#include <string.h>

#include "config.h"
#include "logdriver.h"
#include "writer.h"

static gboolean is_known_driver_name(const char *name, size_t len)
{
	static const char *const all[] = {"k8s-file", "journald", "none",
					  "off",      "null",     "passthrough"};
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
		if (strlen(all[i]) == len && memcmp(all[i], name, len) == 0)
			return TRUE;
	}
	return FALSE;
}

gboolean log_spec_parse(const char *arg, struct log_spec *out, GError **err)
{
	memset(out, 0, sizeof(*out));
	if (arg == NULL || *arg == '\0') {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
			    "Log driver not provided. Use --log-path");
		return FALSE;
	}

	/* Split on the first colon only: paths may contain ':' (conmon's strtok lost them). */
	const char *colon = strchr(arg, ':');
	const char *name = arg;
	size_t name_len = colon ? (size_t)(colon - arg) : strlen(arg);
	const char *path = colon ? colon + 1 : NULL;

	if (colon == NULL && !is_known_driver_name(arg, name_len)) {
		/* A bare path means k8s-file. */
		name = "k8s-file";
		name_len = strlen(name);
		path = arg;
	} else if (colon != NULL && name_len == 0) {
		/* ":PATH" */
		name = "k8s-file";
		name_len = strlen(name);
	}

	const struct log_driver *drv = log_driver_lookup(name, name_len);
	if (drv == NULL) {
		if (name_len == strlen("journald") && memcmp(name, "journald", name_len) == 0)
			g_set_error(
			    err, OCIMON_LOG_ERROR_DOMAIN, 1,
			    "Include journald in compilation path to log to systemd journal");
		else
			g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1, "No such log driver %.*s",
				    (int)name_len, name);
		return FALSE;
	}
	if (drv->needs_path && (path == NULL || *path == '\0')) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
			    "Log driver %s needs a path: use -l %s:PATH", drv->name, drv->name);
		return FALSE;
	}
	out->driver = drv;
	out->path = drv->needs_path ? g_strdup(path) : NULL;
	return TRUE;
}

void log_spec_clear(struct log_spec *spec)
{
	g_clear_pointer(&spec->path, g_free);
	spec->driver = NULL;
}

gboolean log_label_validate(const char *label, GError **err)
{
	const char *eq = strchr(label, '=');
	if (eq == NULL || strchr(eq + 1, '=') != NULL) {
		g_set_error(
		    err, OCIMON_LOG_ERROR_DOMAIN, 1,
		    "Container labels must be in format LABEL=VALUE (no extra '=' allowed): %s",
		    label);
		return FALSE;
	}
	if (eq == label) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1, "Container label key is empty: %s",
			    label);
		return FALSE;
	}
	for (const char *p = label; p < eq; p++) {
		if (!(g_ascii_isupper(*p) || g_ascii_isdigit(*p) || *p == '_')) {
			g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
				    "Container label key may only contain A-Z, 0-9 and _: %s",
				    label);
			return FALSE;
		}
	}
	return TRUE;
}

gboolean log_size_parse(const char *text, guint64 *out)
{
	if (text == NULL || !g_ascii_isdigit(*text))
		return FALSE;
	char *end = NULL;
	errno = 0;
	guint64 v = g_ascii_strtoull(text, &end, 10);
	/* strtoull saturates at 2^64-1: without this "99999999999999999999" would pass. */
	if (errno == ERANGE)
		return FALSE;
	guint64 mult = 1;
	switch (g_ascii_tolower(*end)) {
	case '\0':
		break;
	case 'k':
		mult = 1024;
		break;
	case 'm':
		mult = 1024 * 1024;
		break;
	case 'g':
		mult = 1024 * 1024 * 1024;
		break;
	default:
		return FALSE;
	}
	if (*end != '\0' && end[1] != '\0' && !(g_ascii_tolower(end[1]) == 'b' && end[2] == '\0'))
		return FALSE;
	if (v > G_MAXUINT64 / mult)
		return FALSE;
	*out = v * mult;
	return TRUE;
}
