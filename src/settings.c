#include "settings.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "fdutil.h"
#include "writer.h"
#include "stats.h"

/* Non-blocking mode's queue when nobody says otherwise. */
#define DEFAULT_LOG_MAX_BUFFER (1024 * 1024)
/* Upper bounds: a typo must not become a 10^9-entry ring or a year-long timer. */
#define MAX_ROTATE_FILES  1000
#define MAX_INTERVAL_S    STATS_INTERVAL_LIMIT
#define MAX_STATS_HISTORY 100000
#define MAX_STALL_TIMEOUT 86400
#define MAX_CONFIG_SIZE   (1024 * 1024)

static const struct setting_def {
	const char *group;
	const char *key;
	const char *annotation; /* NULL: node-wide only */
	const char *flag;
} defs[SETTING_N] = {
    [SETTING_LOG_MODE] = {"logging", "mode", "io.ocimon.log-mode", "--log-mode"},
    [SETTING_LOG_MAX_BUFFER] = {"logging", "max_buffer", "io.ocimon.log-max-buffer",
				"--log-max-buffer"},
    [SETTING_ROTATE_FILES] = {"logging", "rotate_files", "io.ocimon.log-max-files",
			      "--log-rotate --log-max-files"},
    [SETTING_STATS_INTERVAL] = {"stats", "interval", "io.ocimon.stats-interval",
				"--stats-interval"},
    [SETTING_STATS_MAX_INTERVAL] = {"stats", "max_interval", "io.ocimon.stats-max-interval",
				    "--stats-max-interval"},
    [SETTING_STATS_HISTORY] = {"stats", "history", "io.ocimon.stats-history", NULL},
    [SETTING_ATTACH_STALL_TIMEOUT] = {"attach", "stall_timeout", "io.ocimon.attach-stall-timeout",
				      NULL},
    [SETTING_RUN_DIR] = {"monitor", "run_dir", NULL, "--ocimon-run-dir"},
};

const char *setting_key(enum ocimon_setting id)
{
	return defs[id].key;
}

const char *setting_group(enum ocimon_setting id)
{
	return defs[id].group;
}

const char *setting_annotation(enum ocimon_setting id)
{
	return defs[id].annotation;
}

const char *setting_flag(enum ocimon_setting id)
{
	return defs[id].flag;
}

const char *setting_origin_name(enum setting_origin origin)
{
	static const char *const names[] = {"default", "file", "annotation", "flag"};
	return names[origin];
}

void settings_init(struct ocimon_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->log_nonblocking = FALSE;
	s->log_max_buffer = DEFAULT_LOG_MAX_BUFFER;
	s->rotate_files = 0;
	s->stats_interval = STATS_DEFAULT_INTERVAL;
	s->stats_max_interval = STATS_DEFAULT_MAX_INTERVAL;
	s->stats_history = STATS_HISTORY;
	s->attach_stall_timeout = ATTACH_STALL_SECONDS;
	s->run_dir = NULL;
	s->warnings = g_ptr_array_new_with_free_func(g_free);
}

void settings_clear(struct ocimon_settings *s)
{
	g_clear_pointer(&s->run_dir, g_free);
	for (int i = 0; i < SETTING_N; i++)
		g_clear_pointer(&s->source[i], g_free);
	g_clear_pointer(&s->warnings, g_ptr_array_unref);
}

G_GNUC_PRINTF(2, 3) static void warn(struct ocimon_settings *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_ptr_array_add(s->warnings, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

static gboolean parse_int(const char *text, int min, int max, int *out, GError **err)
{
	g_autofree char *t = g_strstrip(g_strdup(text));
	gint64 v;
	if (!g_ascii_string_to_signed(t, 10, min, max, &v, NULL)) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "\"%s\" is not a whole number from %d to %d",
			    text, min, max);
		return FALSE;
	}
	*out = (int)v;
	return TRUE;
}

gboolean setting_parse(struct ocimon_settings *s, enum ocimon_setting id, const char *text,
		       enum setting_origin origin, const char *source, GError **err)
{
	g_autofree char *t = g_strstrip(g_strdup(text));
	switch (id) {
	case SETTING_LOG_MODE:
		if (strcmp(t, "blocking") == 0) {
			s->log_nonblocking = FALSE;
		} else if (strcmp(t, "non-blocking") == 0) {
			s->log_nonblocking = TRUE;
		} else {
			g_set_error(err, OCIMON_ERROR, EINVAL,
				    "\"%s\" is neither blocking nor non-blocking", text);
			return FALSE;
		}
		break;
	case SETTING_LOG_MAX_BUFFER: {
		guint64 v;
		if (!log_size_parse(t, &v) || v == 0) {
			g_set_error(err, OCIMON_ERROR, EINVAL,
				    "\"%s\" is not a size such as 1048576, 512k or 4m", text);
			return FALSE;
		}
		s->log_max_buffer = v;
		break;
	}
	case SETTING_ROTATE_FILES:
		if (!parse_int(t, 0, MAX_ROTATE_FILES, &s->rotate_files, err))
			return FALSE;
		break;
	case SETTING_STATS_INTERVAL:
		if (!parse_int(t, 0, MAX_INTERVAL_S, &s->stats_interval, err))
			return FALSE;
		break;
	case SETTING_STATS_MAX_INTERVAL:
		if (!parse_int(t, 1, MAX_INTERVAL_S, &s->stats_max_interval, err))
			return FALSE;
		break;
	case SETTING_STATS_HISTORY:
		if (!parse_int(t, 1, MAX_STATS_HISTORY, &s->stats_history, err))
			return FALSE;
		break;
	case SETTING_ATTACH_STALL_TIMEOUT:
		if (!parse_int(t, 0, MAX_STALL_TIMEOUT, &s->attach_stall_timeout, err))
			return FALSE;
		break;
	case SETTING_RUN_DIR:
		if (!g_path_is_absolute(t)) {
			g_set_error(err, OCIMON_ERROR, EINVAL, "\"%s\" is not an absolute path",
				    text);
			return FALSE;
		}
		g_free(s->run_dir);
		s->run_dir = g_steal_pointer(&t);
		break;
	case SETTING_N:
		g_assert_not_reached();
	}
	s->origin[id] = origin;
	g_free(s->source[id]);
	s->source[id] = g_strdup(source);
	return TRUE;
}

char *setting_value_text(const struct ocimon_settings *s, enum ocimon_setting id)
{
	switch (id) {
	case SETTING_LOG_MODE:
		return g_strdup(s->log_nonblocking ? "non-blocking" : "blocking");
	case SETTING_LOG_MAX_BUFFER:
		return g_strdup_printf("%" G_GUINT64_FORMAT, s->log_max_buffer);
	case SETTING_ROTATE_FILES:
		return g_strdup_printf("%d", s->rotate_files);
	case SETTING_STATS_INTERVAL:
		return g_strdup_printf("%d", s->stats_interval);
	case SETTING_STATS_MAX_INTERVAL:
		return g_strdup_printf("%d", s->stats_max_interval);
	case SETTING_STATS_HISTORY:
		return g_strdup_printf("%d", s->stats_history);
	case SETTING_ATTACH_STALL_TIMEOUT:
		return g_strdup_printf("%d", s->attach_stall_timeout);
	case SETTING_RUN_DIR:
		return g_strdup(s->run_dir ? s->run_dir : "");
	case SETTING_N:
		break;
	}
	return g_strdup("");
}

/* ---- the config file ---- */

/* Where each (group, key) is, for messages; and the checks GKeyFile makes without saying
 * on which line. */
static gboolean scan_lines(const char *path, const char *text, gsize len, GHashTable *line_of,
			   GError **err)
{
	g_autofree char *group = NULL;
	const char *p = text, *end = text + len;
	for (int line = 1; p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		g_autofree char *l = g_strndup(p, n);
		p = eol ? eol + 1 : end;
		if (strlen(l) != n || !g_utf8_validate(l, -1, NULL)) {
			g_set_error(err, OCIMON_ERROR, EINVAL, "%s:%d: not valid UTF-8 text", path,
				    line);
			return FALSE;
		}
		g_strstrip(l);
		if (*l == '\0' || *l == '#')
			continue;
		if (*l == '[') {
			size_t ln = strlen(l);
			if (ln < 3 || l[ln - 1] != ']' || memchr(l + 1, '[', ln - 2) ||
			    memchr(l + 1, ']', ln - 2)) {
				g_set_error(err, OCIMON_ERROR, EINVAL,
					    "%s:%d: \"%s\" is not a [group] line", path, line, l);
				return FALSE;
			}
			g_free(group);
			group = g_strndup(l + 1, ln - 2);
			continue;
		}
		const char *eq = strchr(l, '=');
		if (eq == NULL || eq == l) {
			g_set_error(err, OCIMON_ERROR, EINVAL,
				    "%s:%d: \"%s\" is not a key = value line, a [group] or a # "
				    "comment",
				    path, line, l);
			return FALSE;
		}
		if (group == NULL) {
			g_set_error(err, OCIMON_ERROR, EINVAL,
				    "%s:%d: \"%s\" comes before the first [group]", path, line, l);
			return FALSE;
		}
		g_autofree char *key = g_strndup(l, (size_t)(eq - l));
		g_strchomp(key);
		g_hash_table_insert(line_of, g_strdup_printf("%s\n%s", group, key),
				    GINT_TO_POINTER(line));
	}
	return TRUE;
}

static int setting_by_key(const char *group, const char *key)
{
	for (int i = 0; i < SETTING_N; i++)
		if (strcmp(defs[i].group, group) == 0 && strcmp(defs[i].key, key) == 0)
			return i;
	return -1;
}

gboolean settings_apply_file_text(struct ocimon_settings *s, const char *path, const char *text,
				  gsize len, GError **err)
{
	g_autoptr(GHashTable) line_of =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (!scan_lines(path, text, len, line_of, err))
		return FALSE;
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) kerr = NULL;
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &kerr)) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "%s: %s", path, kerr->message);
		return FALSE;
	}
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
	for (size_t g = 0; groups[g]; g++) {
		g_auto(GStrv) keys = g_key_file_get_keys(kf, groups[g], NULL, NULL);
		for (size_t k = 0; keys && keys[k]; k++) {
			g_autofree char *where_key = g_strdup_printf("%s\n%s", groups[g], keys[k]);
			int line = GPOINTER_TO_INT(g_hash_table_lookup(line_of, where_key));
			g_autofree char *where = g_strdup_printf("%s:%d", path, line);
			int id = setting_by_key(groups[g], keys[k]);
			if (id < 0) {
				warn(s, "%s: unknown setting \"%s\" in [%s]; ignored", where,
				     keys[k], groups[g]);
				continue;
			}
			g_autoptr(GError) verr = NULL;
			g_autofree char *value =
			    g_key_file_get_string(kf, groups[g], keys[k], &verr);
			if (value == NULL ||
			    !setting_parse(s, id, value, SETTING_FROM_FILE, where, &verr))
				warn(s, "%s: %s.%s: %s; using %s", where, groups[g], keys[k],
				     verr ? verr->message : "no value",
				     s->origin[id] == SETTING_FROM_DEFAULT ? "the default"
									   : "the earlier value");
		}
	}
	return TRUE;
}

static const char *config_path(const char *path, gboolean *named)
{
	*named = TRUE;
	if (path != NULL)
		return path;
	const char *env = g_getenv(OCIMON_CONFIG_ENV);
	if (env != NULL && *env != '\0')
		return env;
	*named = FALSE;
	return OCIMON_DEFAULT_CONFIG;
}

void settings_load_file(struct ocimon_settings *s, const char *path)
{
	gboolean named;
	const char *p = config_path(path, &named);
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr(GError) err = NULL;
	if (!g_file_get_contents(p, &text, &len, &err)) {
		if (!named && g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return; /* no config file: the built-in defaults */
		warn(s, "Cannot read config file %s: %s; using the built-in defaults", p,
		     err->message);
		return;
	}
	if (len > MAX_CONFIG_SIZE) {
		warn(s, "Config file %s is larger than %d bytes; using the built-in defaults", p,
		     MAX_CONFIG_SIZE);
		return;
	}
	/* All or nothing: a half-read file would be harder to reason about than none. */
	struct ocimon_settings trial;
	settings_init(&trial);
	if (!settings_apply_file_text(&trial, p, text, len, &err)) {
		warn(s, "Malformed config file %s; using the built-in defaults", err->message);
		settings_clear(&trial);
		return;
	}
	for (guint i = 0; i < trial.warnings->len; i++)
		g_ptr_array_add(s->warnings, g_strdup(trial.warnings->pdata[i]));
	g_ptr_array_set_size(trial.warnings, 0);
	for (int i = 0; i < SETTING_N; i++) {
		if (trial.origin[i] == SETTING_FROM_DEFAULT)
			continue;
		g_autofree char *v = setting_value_text(&trial, i);
		setting_parse(s, i, v, SETTING_FROM_FILE, trial.source[i], NULL);
	}
	settings_clear(&trial);
}

/* ---- annotations ---- */

void settings_apply_annotations(struct ocimon_settings *s, json_t *annotations)
{
	if (annotations == NULL)
		return;
	if (!json_is_object(annotations)) {
		warn(s, "config.json: \"annotations\" is not an object; ignored");
		return;
	}
	const char *name;
	json_t *value;
	json_object_foreach(annotations, name, value)
	{
		if (!g_str_has_prefix(name, OCIMON_ANNOTATION_PREFIX))
			continue;
		int id = -1;
		for (int i = 0; i < SETTING_N; i++)
			if (defs[i].annotation && strcmp(defs[i].annotation, name) == 0)
				id = i;
		if (id < 0) {
			warn(s, "Unknown annotation %s; ignored", name);
			continue;
		}
		const char *text = json_string_value(value);
		g_autoptr(GError) err = NULL;
		if (text == NULL) {
			warn(s, "Annotation %s is not a string; ignored", name);
		} else if (!setting_parse(s, id, text, SETTING_FROM_ANNOTATION, name, &err)) {
			g_autofree char *kept = setting_value_text(s, id);
			warn(s, "Annotation %s: %s; using %s (%s)", name, err->message, kept,
			     setting_origin_name(s->origin[id]));
		}
	}
}

void settings_load_bundle(struct ocimon_settings *s, const char *bundle)
{
	if (bundle == NULL)
		return;
	g_autofree char *path = g_build_filename(bundle, "config.json", NULL);
	json_error_t jerr;
	json_t *config = json_load_file(path, 0, &jerr);
	if (config == NULL) {
		/* Exec sessions and hand-made bundles may have none: that is not worth a word. */
		if (access(path, F_OK) == 0)
			warn(s, "Cannot read annotations from %s: %s (line %d); ignored", path,
			     jerr.text, jerr.line);
		return;
	}
	settings_apply_annotations(s, json_object_get(config, "annotations"));
	json_decref(config);
}

json_t *settings_to_json(const struct ocimon_settings *s)
{
	json_t *o = json_object();
	for (int i = 0; i < SETTING_N; i++) {
		g_autofree char *v = setting_value_text(s, i);
		g_autofree char *name = g_strdup_printf("%s.%s", defs[i].group, defs[i].key);
		json_t *e =
		    json_pack("{s:s, s:s}", "value", v, "from", setting_origin_name(s->origin[i]));
		if (s->source[i] != NULL)
			json_object_set_new(e, "source", json_string(s->source[i]));
		json_object_set_new(o, name, e);
	}
	return o;
}
