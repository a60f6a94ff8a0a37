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
	/* conmon splits with strtok(":"): "", ":" and "::" leave neither driver nor path. */
	if (arg == NULL || arg[strspn(arg, ":")] == '\0') {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1, "log-path must not be empty");
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
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1, "%s requires a filename", drv->name);
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

/* conmon's three checks, in its order and with its words (they are interface). */
gboolean log_label_validate(const char *label, GError **err)
{
	const char *eq = strchr(label, '=');
	if (eq == label) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
			    "Container labels must be in format LABEL=VALUE (no LABEL present in "
			    "'%s')",
			    label);
		return FALSE;
	}
	if (eq == NULL || strchr(eq + 1, '=') != NULL) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
			    "Container labels must be in format LABEL=VALUE (none or more than one "
			    "'=' present in '%s')",
			    label);
		return FALSE;
	}
	for (const char *p = label; p < eq; p++) {
		if (!(g_ascii_isupper(*p) || g_ascii_isdigit(*p) || *p == '_')) {
			g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
				    "Container label names must contain only uppercase letters, "
				    "numbers and underscore (in '%s')",
				    label);
			return FALSE;
		}
	}
	return TRUE;
}

/* journald's CONTAINER_ID is the first 12 characters of the id. */
#define SHORT_ID_LEN 12

gboolean log_specs_check(char **args, const struct log_check *c, struct log_check_result *res,
			 GError **err)
{
	memset(res, 0, sizeof(*res));
	if (args == NULL || args[0] == NULL) {
		g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
			    "Log driver not provided. Use --log-path");
		return FALSE;
	}
	for (size_t i = 0; args[i]; i++) {
		struct log_spec spec;
		if (!log_spec_parse(args[i], &spec, err))
			return FALSE;
		if (strcmp(spec.driver->name, "k8s-file") == 0)
			res->k8s_file = true;
		else if (strcmp(spec.driver->name, "journald") == 0)
			res->journald = true;
		log_spec_clear(&spec);
	}
	/* A tag or labels without journald are refused only next to k8s-file, which has
	 * no place for them; with none or passthrough alone conmon ignores them. */
	if (res->k8s_file && !res->journald) {
		if (c->tag != NULL) {
			g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
				    "k8s-file doesn't support --log-tag");
			return FALSE;
		}
		if (c->labels != NULL && c->labels[0] != NULL) {
			g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
				    "k8s-file doesn't support --log-label");
			return FALSE;
		}
	}
	if (res->journald) {
		if (c->cid == NULL || strlen(c->cid) <= SHORT_ID_LEN) {
			g_set_error(err, OCIMON_LOG_ERROR_DOMAIN, 1,
				    "Container ID must be longer than 12 characters");
			return FALSE;
		}
		for (size_t i = 0; c->labels && c->labels[i]; i++) {
			if (!log_label_validate(c->labels[i], err))
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
