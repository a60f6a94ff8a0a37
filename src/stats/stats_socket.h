/* The stats socket <bundle>/stats: SOCK_STREAM, mode 0700. Each connection gets one
 * JSON document and is closed; the monitor never reads from clients. */
#pragma once

#include <glib.h>

struct stats_server;

/* Builds the document for one connection; returns a g_malloc'ed string. */
typedef char *(*stats_server_doc_fn)(gpointer data, size_t *len);

/* Listens on dir/name (bound relative to dir, so long bundle paths work). */
struct stats_server *stats_server_open(const char *dir, const char *name, stats_server_doc_fn doc,
				       gpointer data, GError **err);

/* Stops listening, drops clients that are still being written to and removes the
 * socket file. */
void stats_server_close(struct stats_server *s);
