/* ocimon: parse options, run the monitor, return its status. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "commit.h"
#include "config.h"
#include "log.h"
#include "monitor.h"
#include "options.h"

int main(int argc, char **argv)
{
	struct ocimon_options opts;
	ocimon_options_init(&opts);
	g_autoptr(GError) err = NULL;

	if (!ocimon_options_parse(&opts, argc, argv, &err)) {
		fprintf(stderr, "conmon: option parsing failed: %s\n", err->message);
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

	g_autofree char *cwd = g_get_current_dir();
	if (!ocimon_options_validate(&opts, cwd, &err)) {
		log_error("%s", err->message);
		ocimon_options_clear(&opts);
		return EXIT_FAILURE;
	}
	ocimon_log_setup(opts.log_level, opts.syslog, opts.cid);

	int status = monitor_run(&opts);
	ocimon_options_clear(&opts);
	return status;
}
