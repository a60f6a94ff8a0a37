/* ocimon's own settings: the config file, annotations, and their precedence (issue 12). */
#include <glib.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <string.h>

#include "check_main.h"
#include "options.h"
#include "settings.h"
#include "settings_options.h"
#include "stats.h"
#include "writer.h"

static gboolean apply(struct ocimon_settings *s, const char *text, GError **err)
{
	return settings_apply_file_text(s, "/etc/ocimon/ocimon.conf", text, strlen(text), err);
}

static gboolean has_warning(const struct ocimon_settings *s, const char *needle)
{
	for (guint i = 0; i < s->warnings->len; i++)
		if (strstr(s->warnings->pdata[i], needle))
			return TRUE;
	return FALSE;
}

START_TEST(test_defaults)
{
	struct ocimon_settings s;
	settings_init(&s);
	ck_assert(!s.log_nonblocking);
	ck_assert_uint_eq(s.log_max_buffer, 1024 * 1024);
	ck_assert_int_eq(s.rotate_files, 0);
	ck_assert_int_eq(s.stats_interval, STATS_DEFAULT_INTERVAL);
	ck_assert_int_eq(s.stats_history, STATS_HISTORY);
	ck_assert_int_eq(s.attach_stall_timeout, 10);
	ck_assert_ptr_null(s.run_dir);
	for (int i = 0; i < SETTING_N; i++)
		ck_assert_int_eq(s.origin[i], SETTING_FROM_DEFAULT);
	settings_clear(&s);
}
END_TEST

START_TEST(test_file_every_key)
{
	struct ocimon_settings s;
	settings_init(&s);
	g_autoptr(GError) err = NULL;
	ck_assert(apply(&s,
			"# ocimon\n"
			"[logging]\n"
			"mode = non-blocking\n"
			"max_buffer = 4m\n"
			"rotate_files=3\n"
			"\n"
			"[stats]\n"
			"interval = 2\n"
			"history = 600\n"
			"[attach]\n"
			"stall_timeout = 30\n"
			"[monitor]\n"
			"run_dir = /run/ocimon-test\n",
			&err));
	ck_assert(s.log_nonblocking);
	ck_assert_uint_eq(s.log_max_buffer, 4 * 1024 * 1024);
	ck_assert_int_eq(s.rotate_files, 3);
	ck_assert_int_eq(s.stats_interval, 2);
	ck_assert_int_eq(s.stats_history, 600);
	ck_assert_int_eq(s.attach_stall_timeout, 30);
	ck_assert_str_eq(s.run_dir, "/run/ocimon-test");
	ck_assert_int_eq(s.origin[SETTING_ROTATE_FILES], SETTING_FROM_FILE);
	ck_assert_str_eq(s.source[SETTING_ROTATE_FILES], "/etc/ocimon/ocimon.conf:5");
	ck_assert_str_eq(s.source[SETTING_RUN_DIR], "/etc/ocimon/ocimon.conf:13");
	ck_assert_uint_eq(s.warnings->len, 0);
	settings_clear(&s);
}
END_TEST

START_TEST(test_file_malformed_names_line)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    {"[logging]\nmode = blocking\nthis is not a setting\n", "ocimon.conf:3: \"this is"},
	    {"mode = blocking\n", "ocimon.conf:1: \"mode = blocking\" comes before the first"},
	    {"[logging\nmode=blocking\n", "ocimon.conf:1: \"[logging\" is not a [group]"},
	    {"[logging]\n= 3\n", "ocimon.conf:2:"},
	    {"[logging]\nmode = \xff\xfe\n", "ocimon.conf:2: not valid UTF-8"},
	    {"[logging]\nmode = a\0b\n", "ocimon.conf:2: not valid UTF-8"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct ocimon_settings s;
		settings_init(&s);
		g_autoptr(GError) err = NULL;
		size_t len = strlen(cases[i].text);
		if (i == 5)
			len = 21; /* past the embedded NUL */
		ck_assert(!settings_apply_file_text(&s, "/etc/ocimon/ocimon.conf", cases[i].text,
						    len, &err));
		ck_assert_msg(strstr(err->message, cases[i].msg) != NULL, "case %zu: %s", i,
			      err->message);
		settings_clear(&s);
	}
}
END_TEST

START_TEST(test_file_bad_values_warn)
{
	struct ocimon_settings s;
	settings_init(&s);
	g_autoptr(GError) err = NULL;
	ck_assert(apply(&s,
			"[logging]\nmode = sometimes\nrotate_files = -1\nmax_buffer = 0\n"
			"[stats]\ninterval = 5s\nhistory = 0\n[monitor]\nrun_dir = relative/dir\n"
			"colour = yes\n[nosuch]\nkey = 1\n",
			&err));
	ck_assert(has_warning(&s, "ocimon.conf:2: logging.mode: \"sometimes\" is neither "
				  "blocking nor non-blocking; using the default"));
	ck_assert(has_warning(&s, "ocimon.conf:3: logging.rotate_files: \"-1\" is not a whole "
				  "number from 0 to 1000"));
	ck_assert(has_warning(&s, "ocimon.conf:4: logging.max_buffer"));
	ck_assert(has_warning(&s, "ocimon.conf:6: stats.interval"));
	ck_assert(has_warning(&s, "ocimon.conf:7: stats.history"));
	ck_assert(has_warning(&s, "ocimon.conf:9: monitor.run_dir: \"relative/dir\" is not an "
				  "absolute path"));
	ck_assert(has_warning(&s, "ocimon.conf:10: unknown setting \"colour\" in [monitor]"));
	ck_assert(has_warning(&s, "ocimon.conf:12: unknown setting \"key\" in [nosuch]"));
	ck_assert_uint_eq(s.warnings->len, 8);
	for (int i = 0; i < SETTING_N; i++)
		ck_assert_int_eq(s.origin[i], SETTING_FROM_DEFAULT);
	settings_clear(&s);
}
END_TEST

static json_t *annotations(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(j);
	return j;
}

START_TEST(test_annotations_over_file)
{
	struct ocimon_settings s;
	settings_init(&s);
	ck_assert(apply(&s, "[logging]\nmode = blocking\nrotate_files = 3\n[stats]\ninterval = 9\n",
			NULL));
	json_t *a = annotations("{\"io.ocimon.log-mode\": \"non-blocking\","
				" \"io.ocimon.stats-interval\": \"0\","
				" \"io.kubernetes.pod.name\": \"web\","
				" \"run.oci.keep_original_groups\": \"1\"}");
	settings_apply_annotations(&s, a);
	json_decref(a);
	ck_assert(s.log_nonblocking);
	ck_assert_int_eq(s.origin[SETTING_LOG_MODE], SETTING_FROM_ANNOTATION);
	ck_assert_str_eq(s.source[SETTING_LOG_MODE], "io.ocimon.log-mode");
	ck_assert_int_eq(s.stats_interval, 0);
	ck_assert_int_eq(s.rotate_files, 3); /* from the file: no annotation for it */
	ck_assert_int_eq(s.origin[SETTING_ROTATE_FILES], SETTING_FROM_FILE);
	ck_assert_uint_eq(s.warnings->len, 0); /* other prefixes are not ours */
	settings_clear(&s);
}
END_TEST

START_TEST(test_annotations_bad_values_warn)
{
	struct ocimon_settings s;
	settings_init(&s);
	ck_assert(apply(&s, "[stats]\ninterval = 9\n", NULL));
	json_t *a = annotations("{\"io.ocimon.stats-interval\": \"often\","
				" \"io.ocimon.log-mode\": 1,"
				" \"io.ocimon.run-dir\": \"/tmp\","
				" \"io.ocimon.log-max-files\": \"99999\"}");
	settings_apply_annotations(&s, a);
	json_decref(a);
	ck_assert(has_warning(&s, "Annotation io.ocimon.stats-interval: \"often\" is not a whole "
				  "number from 0 to 86400; using 9 (file)"));
	ck_assert(has_warning(&s, "Annotation io.ocimon.log-mode is not a string; ignored"));
	/* The registry is node-wide: no annotation moves it. */
	ck_assert(has_warning(&s, "Unknown annotation io.ocimon.run-dir; ignored"));
	ck_assert(has_warning(&s, "Annotation io.ocimon.log-max-files: \"99999\""));
	ck_assert_uint_eq(s.warnings->len, 4);
	ck_assert_int_eq(s.stats_interval, 9);
	ck_assert(!s.log_nonblocking);
	settings_apply_annotations(&s, NULL);
	a = annotations("[1]");
	settings_apply_annotations(&s, a);
	json_decref(a);
	ck_assert(has_warning(&s, "\"annotations\" is not an object"));
	settings_clear(&s);
}
END_TEST

START_TEST(test_load_file_and_bundle)
{
	g_autofree char *dir = g_dir_make_tmp("ocimon-settings-XXXXXX", NULL);
	g_autofree char *conf = g_build_filename(dir, "ocimon.conf", NULL);
	g_autofree char *cfg = g_build_filename(dir, "config.json", NULL);
	struct ocimon_settings s;

	/* The default path may be absent: silence. Named explicitly and absent: a warning. */
	settings_init(&s);
	g_autofree char *missing = g_build_filename(dir, "nope.conf", NULL);
	settings_load_file(&s, missing);
	ck_assert(has_warning(&s, "Cannot read config file"));
	ck_assert(has_warning(&s, "nope.conf"));
	settings_clear(&s);

	/* Malformed: one warning naming file and line, and nothing of it applies. */
	ck_assert(g_file_set_contents(conf, "[logging]\nrotate_files = 3\noops\n", -1, NULL));
	settings_init(&s);
	settings_load_file(&s, conf);
	ck_assert_uint_eq(s.warnings->len, 1);
	ck_assert(has_warning(&s, "Malformed config file"));
	ck_assert(has_warning(&s, "ocimon.conf:3:"));
	ck_assert(has_warning(&s, "using the built-in defaults"));
	ck_assert_int_eq(s.rotate_files, 0);
	settings_clear(&s);

	/* Through the environment, as podman's conmon_env_vars would pass it. */
	ck_assert(g_file_set_contents(conf, "[logging]\nrotate_files = 3\n", -1, NULL));
	g_setenv(OCIMON_CONFIG_ENV, conf, TRUE);
	settings_init(&s);
	settings_load_file(&s, NULL);
	g_unsetenv(OCIMON_CONFIG_ENV);
	ck_assert_int_eq(s.rotate_files, 3);
	ck_assert(g_str_has_suffix(s.source[SETTING_ROTATE_FILES], "ocimon.conf:2"));

	/* A bundle: annotations over the file. */
	ck_assert(g_file_set_contents(cfg,
				      "{\"ociVersion\": \"1.0.2\", \"annotations\": "
				      "{\"io.ocimon.log-max-files\": \"5\"}}",
				      -1, NULL));
	settings_load_bundle(&s, dir);
	ck_assert_int_eq(s.rotate_files, 5);
	ck_assert_int_eq(s.origin[SETTING_ROTATE_FILES], SETTING_FROM_ANNOTATION);
	/* A bundle without config.json (exec sessions): nothing to say. */
	settings_load_bundle(&s, missing);
	ck_assert_uint_eq(s.warnings->len, 0);
	ck_assert(g_file_set_contents(cfg, "{not json", -1, NULL));
	settings_load_bundle(&s, dir);
	ck_assert(has_warning(&s, "Cannot read annotations from"));

	json_t *j = settings_to_json(&s);
	json_t *r = json_object_get(j, "logging.rotate_files");
	ck_assert_str_eq(json_string_value(json_object_get(r, "value")), "5");
	ck_assert_str_eq(json_string_value(json_object_get(r, "from")), "annotation");
	ck_assert_str_eq(json_string_value(json_object_get(r, "source")),
			 "io.ocimon.log-max-files");
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(j, "logging.mode"), "from")),
	    "default");
	json_decref(j);
	settings_clear(&s);
	g_unlink(conf);
	g_unlink(cfg);
	g_rmdir(dir);
}
END_TEST

/* Options as parse + validate leave them for "ocimon ARGS" (validate is not run here: it
 * checks the runtime's path). */
static void parse_flags(struct ocimon_options *o, const char *args)
{
	g_autofree char *cmd = g_strconcat("ocimon ", args, NULL);
	g_auto(GStrv) argv = g_strsplit(cmd, " ", -1);
	g_autoptr(GError) err = NULL;
	ocimon_options_init(o);
	ck_assert_msg(ocimon_options_parse(o, (int)g_strv_length(argv), argv, &err), "%s",
		      err ? err->message : "");
	if (o->log_mode)
		o->log_nonblocking = strcmp(o->log_mode, "non-blocking") == 0;
	if (o->log_max_buffer)
		ck_assert(log_size_parse(o->log_max_buffer, &o->log_max_buffer_bytes));
	if (o->ocimon_run_dir == NULL)
		o->ocimon_run_dir = g_strdup("/run/ocimon");
}

static void layers(struct ocimon_settings *s, const char *file, const char *annotations)
{
	g_autoptr(GError) err = NULL;
	settings_init(s);
	ck_assert(apply(s, file, &err));
	json_t *a = json_loads(annotations, 0, NULL);
	ck_assert_ptr_nonnull(a);
	settings_apply_annotations(s, a);
	json_decref(a);
}

static const char layered_file[] = "[logging]\nmode = non-blocking\nmax_buffer = 64k\n"
				   "rotate_files = 3\n[stats]\ninterval = 7\nhistory = 30\n"
				   "max_interval = 60\n[attach]\nstall_timeout = 4\n"
				   "[monitor]\nrun_dir = /run/from-file\n";

START_TEST(test_merge_file_and_defaults)
{
	struct ocimon_options o;
	struct ocimon_settings s;
	parse_flags(&o, "--cid x --log-size-max 10240");
	layers(&s, layered_file, "{\"io.ocimon.stats-interval\": \"2\"}");
	settings_merge_options(&s, &o);
	ck_assert(o.log_nonblocking);
	ck_assert_uint_eq(o.log_max_buffer_bytes, 64 * 1024);
	/* A size limit and rotate_files: rotation keeping 3, as --log-rotate --log-max-files 3 */
	ck_assert(o.log_rotate);
	ck_assert_int_eq(o.log_max_files, 3);
	ck_assert_int_eq(o.stats_interval, 2);
	ck_assert_int_eq(s.origin[SETTING_STATS_INTERVAL], SETTING_FROM_ANNOTATION);
	ck_assert_int_eq(o.stats_history, 30);
	ck_assert_int_eq(o.stats_max_interval, 60);
	ck_assert_int_eq(o.attach_stall_timeout, 4);
	ck_assert_str_eq(o.ocimon_run_dir, "/run/from-file");
	ck_assert_int_eq(s.origin[SETTING_RUN_DIR], SETTING_FROM_FILE);
	settings_clear(&s);
	ocimon_options_clear(&o);

	/* No size limit: nothing to rotate, conmon's behaviour. */
	parse_flags(&o, "--cid x");
	layers(&s, layered_file, "{}");
	settings_merge_options(&s, &o);
	ck_assert(!o.log_rotate);
	settings_clear(&s);
	ocimon_options_clear(&o);

	/* Nothing anywhere: the built-in defaults, and the default run dir shown as such. */
	parse_flags(&o, "--cid x --log-size-max 10240");
	layers(&s, "", "{}");
	settings_merge_options(&s, &o);
	ck_assert(!o.log_nonblocking);
	ck_assert(!o.log_rotate);
	ck_assert_int_eq(o.stats_interval, STATS_DEFAULT_INTERVAL);
	ck_assert_int_eq(o.stats_history, STATS_HISTORY);
	ck_assert_str_eq(o.ocimon_run_dir, "/run/ocimon");
	ck_assert_str_eq(s.run_dir, "/run/ocimon");
	ck_assert_int_eq(s.origin[SETTING_RUN_DIR], SETTING_FROM_DEFAULT);
	settings_clear(&s);
	ocimon_options_clear(&o);
}
END_TEST

START_TEST(test_merge_flags_win)
{
	struct ocimon_options o;
	struct ocimon_settings s;
	parse_flags(&o, "--cid x --log-size-max 10240 --log-mode blocking --log-max-buffer 8k "
			"--log-rotate --log-max-files 2 --stats-interval 0 "
			"--stats-max-interval 20 --ocimon-run-dir /run/from-flag");
	layers(&s, layered_file,
	       "{\"io.ocimon.log-mode\": \"non-blocking\", \"io.ocimon.log-max-files\": \"9\","
	       " \"io.ocimon.stats-interval\": \"2\"}");
	settings_merge_options(&s, &o);
	ck_assert(!o.log_nonblocking);
	ck_assert_uint_eq(o.log_max_buffer_bytes, 8 * 1024);
	ck_assert_int_eq(o.log_max_files, 2);
	ck_assert_int_eq(o.stats_interval, 0);
	ck_assert_int_eq(o.stats_max_interval, 20); /* the file says 60 */
	ck_assert_int_eq(s.stats_max_interval, 20);
	ck_assert_str_eq(o.ocimon_run_dir, "/run/from-flag");
	for (int i = 0; i < SETTING_N; i++) {
		enum setting_origin want = SETTING_FROM_FLAG;
		if (i == SETTING_STATS_HISTORY || i == SETTING_ATTACH_STALL_TIMEOUT)
			want = SETTING_FROM_FILE; /* no flag for these */
		ck_assert_msg(s.origin[i] == want, "%s: origin %s", setting_key(i),
			      setting_origin_name(s.origin[i]));
	}
	json_t *j = settings_to_json(&s);
	json_t *r = json_object_get(j, "logging.rotate_files");
	ck_assert_str_eq(json_string_value(json_object_get(r, "value")), "2");
	ck_assert_str_eq(json_string_value(json_object_get(r, "from")), "flag");
	json_decref(j);
	settings_clear(&s);
	ocimon_options_clear(&o);

	/* --stats-interval given as its default value is still the command line's. */
	parse_flags(&o, "--cid x --stats-interval 5");
	ck_assert(o.given.stats_interval);
	layers(&s, layered_file, "{}");
	settings_merge_options(&s, &o);
	ck_assert_int_eq(o.stats_interval, 5);
	settings_clear(&s);
	ocimon_options_clear(&o);
	parse_flags(&o, "--cid x");
	ck_assert(!o.given.stats_interval);
	ck_assert_int_eq(o.stats_interval, STATS_DEFAULT_INTERVAL);
	ocimon_options_clear(&o);
}
END_TEST

Suite *make_suite(void)
{
	Suite *s = suite_create("settings");
	TCase *t = tcase_create("settings");
	tcase_add_test(t, test_defaults);
	tcase_add_test(t, test_file_every_key);
	tcase_add_test(t, test_file_malformed_names_line);
	tcase_add_test(t, test_file_bad_values_warn);
	tcase_add_test(t, test_annotations_over_file);
	tcase_add_test(t, test_annotations_bad_values_warn);
	tcase_add_test(t, test_load_file_and_bundle);
	tcase_add_test(t, test_merge_file_and_defaults);
	tcase_add_test(t, test_merge_flags_win);
	suite_add_tcase(s, t);
	return s;
}
