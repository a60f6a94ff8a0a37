/* ocimon: parse options, run the monitor, return its status. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "commit.h"
#include "config.h"
#include "log.h"
#include "monitor.h"
#include "options.h"
#include "platform.h"
#include "settings_options.h"

int main(int argc, char **argv)
{
	struct ocimon_options opts;
	ocimon_options_init(&opts);
	g_autoptr(GError) err = NULL;

	if (!ocimon_options_parse(&opts, argc, argv, &err)) {
		/* conmon prints this one with g_print, on stdout. */
		printf("conmon: option parsing failed: %s\n", err->message);
		ocimon_options_clear(&opts);
		return EXIT_FAILURE;
	}
	if (opts.help) {
		g_autofree char *help = ocimon_options_help();
		fputs(help, stdout);
		ocimon_options_clear(&opts);
		return EXIT_SUCCESS;
	}
	if (opts.version) {
		/* The first line is what podman 4.3.1 and CRI-O parse. */
		printf("conmon version " CONMON_COMPAT_VERSION "\nocimon version " OCIMON_VERSION
		       "\ncommit: " OCIMON_GIT_COMMIT "\n");
		ocimon_options_clear(&opts);
		return EXIT_SUCCESS;
	}

	if (opts.cid == NULL) {
		/* Checked before conmon's logging is set up: no "[conmon:e]" prefix. */
		fputs("conmon: Container ID not provided. Use --cid\n", stderr);
		ocimon_options_clear(&opts);
		return EXIT_FAILURE;
	}

	/* The other errors go to syslog too, with --syslog. */
	ocimon_log_setup(OCIMON_LOG_WARNING, opts.syslog, opts.cid);
	g_autofree char *cwd = g_get_current_dir();
	if (!ocimon_options_validate(&opts, cwd, &err)) {
		log_error("%s", err->message);
		ocimon_options_clear(&opts);
		return EXIT_FAILURE;
	}
	ocimon_log_setup(opts.log_level, opts.syslog, opts.cid);
	/* Node-wide config and per-container annotations: never a reason not to start. */
	settings_load_options(&opts);
	for (guint i = 0; i < opts.settings->warnings->len; i++)
		log_warning("%s", (const char *)opts.settings->warnings->pdata[i]);
	if (opts.no_container_partial_message && !opts.log_journald)
		log_warning("--no-container-partial-message has no effect without journald log "
			    "driver");
	/* The parse of config.json is freed: hand its pages back before the buffers the
	 * monitor keeps reuse them half-touched (they would stay resident, inherited by the
	 * daemon, in every idle monitor). */
	platform_release_free_memory();

	int status = monitor_run(&opts);
	ocimon_options_clear(&opts);
	return status;
}
