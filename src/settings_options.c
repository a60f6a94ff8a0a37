#include "settings_options.h"

static void from_flag(struct ocimon_settings *s, enum ocimon_setting id, const char *value)
{
	/* The flag was checked by ocimon_options_validate; a value the settings would refuse
	 * (none today) keeps the flag's effect in o and only misreports the origin. */
	setting_parse(s, id, value, SETTING_FROM_FLAG, setting_flag(id), NULL);
}

void settings_merge_options(struct ocimon_settings *s, struct ocimon_options *o)
{
	if (o->given.log_mode)
		from_flag(s, SETTING_LOG_MODE, o->log_nonblocking ? "non-blocking" : "blocking");
	else
		o->log_nonblocking = s->log_nonblocking;

	if (o->given.log_max_buffer) {
		g_autofree char *v = g_strdup_printf("%" G_GUINT64_FORMAT, o->log_max_buffer_bytes);
		from_flag(s, SETTING_LOG_MAX_BUFFER, v);
	} else {
		o->log_max_buffer_bytes = s->log_max_buffer;
	}

	/* conmon truncates at --log-size-max; a setting of N keeps N backups instead. Without
	 * a size limit there is nothing to rotate. */
	if (o->log_rotate) {
		g_autofree char *v = g_strdup_printf("%d", o->log_max_files);
		from_flag(s, SETTING_ROTATE_FILES, v);
	} else if (s->rotate_files > 0 && o->log_size_max > 0) {
		o->log_rotate = TRUE;
		o->log_max_files = s->rotate_files;
	}

	if (o->given.stats_interval) {
		g_autofree char *v = g_strdup_printf("%d", o->stats_interval);
		from_flag(s, SETTING_STATS_INTERVAL, v);
	} else {
		o->stats_interval = s->stats_interval;
	}
	if (o->given.stats_max_interval) {
		g_autofree char *v = g_strdup_printf("%d", o->stats_max_interval);
		from_flag(s, SETTING_STATS_MAX_INTERVAL, v);
	} else {
		o->stats_max_interval = s->stats_max_interval;
	}
	o->stats_history = s->stats_history;
	o->attach_stall_timeout = s->attach_stall_timeout;

	if (o->given.run_dir) {
		from_flag(s, SETTING_RUN_DIR, o->ocimon_run_dir);
	} else if (s->run_dir != NULL) {
		g_free(o->ocimon_run_dir);
		o->ocimon_run_dir = g_strdup(s->run_dir);
	} else if (o->ocimon_run_dir != NULL) {
		/* The built-in default, shown as what it is. */
		s->run_dir = g_strdup(o->ocimon_run_dir);
	}
}

void settings_load_options(struct ocimon_options *o)
{
	struct ocimon_settings *s = g_new0(struct ocimon_settings, 1);
	settings_init(s);
	settings_load_file(s, o->config_path);
	settings_load_bundle(s, o->bundle);
	settings_merge_options(s, o);
	o->settings = s;
}
