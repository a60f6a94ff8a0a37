/* How ocimonctl shows numbers to people, like podman stats/top does. Pure. */
#pragma once

#include <glib.h>

/* Decimal units with four significant digits, as podman (go-units HumanSize):
 * 450560 -> "450.6kB", 25276502016 -> "25.28GB", 0 -> "0B". */
char *stats_human_size(guint64 bytes);

/* "850ms", "7.94s", "3m12s", "2h5m", "3d4h". */
char *stats_human_duration(double seconds);

/* Rows (each a NULL-terminated array of cells, the first row the header) as left-aligned
 * columns two spaces apart, like podman's tables; the last column is not padded. Widths
 * count UTF-8 characters and skip ANSI colour sequences (sparklines). */
char *stats_format_table(GPtrArray *rows);
