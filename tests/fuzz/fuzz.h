/* Shared bits of the libFuzzer targets: each target defines LLVMFuzzerTestOneInput and
 * checks what the parser promises, aborting (FUZZ_CHECK) when a promise is broken, so
 * libFuzzer records the input as a crash. */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The parsers warn through ocimon_log; millions of warnings would only slow the run
 * (errors still show). */
static inline void fuzz_quiet(void)
{
	static gboolean done;
	if (!done) {
		ocimon_log_setup(OCIMON_LOG_ERROR, FALSE, NULL);
		done = TRUE;
	}
}

/* The input as a NUL-terminated string (cut at its first NUL, as a C caller would see
 * it). */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	return g_strndup((const char *)data, size);
}
