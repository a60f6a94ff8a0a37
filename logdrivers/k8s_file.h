/* The CRI log line format (SPEC §1.12), as pure functions. */
#pragma once

#include "logdriver.h"

/* "2026-11-22T18:00:00.123456789+01:00": local time, 9-digit nanoseconds, numeric
 * offset. buf needs K8S_TIMESTAMP_MAX bytes. Returns the length written. */
#define K8S_TIMESTAMP_MAX 48
size_t k8s_format_timestamp(const struct timespec *ts, char *buf);

/* "<timestamp> <stdout|stderr> <P|F> " into buf (K8S_PREFIX_MAX bytes). */
#define K8S_PREFIX_MAX (K8S_TIMESTAMP_MAX + 12)
size_t k8s_format_prefix(const char *timestamp, size_t ts_len, enum ocimon_stream stream,
			 bool partial, char *buf);
