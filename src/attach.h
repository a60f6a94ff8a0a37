/* The attach socket (SPEC §1.7): SOCK_SEQPACKET, output broadcast as [stream][data]
 * frames, raw input to the container's stdin. */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "logdriver.h"

struct monitor;

/* podman reads frames with an 8193-byte buffer. */
#define ATTACH_FRAME_DATA_MAX 8192
/* Above this much queued output for one client, the container's output is paused
 * (a slow reader slows the container, as with conmon, but loses nothing). */
#define ATTACH_CLIENT_QUEUE_HIGH (1024 * 1024)
/* A client that takes nothing for this long while output waits is disconnected (the
 * default of the attach_stall_timeout setting, o->attach_stall_timeout). */
#define ATTACH_STALL_SECONDS 10

/* Creates <bundle>/attach (or the socket-dir symlink variant) and starts listening. */
gboolean attach_server_open(struct monitor *m, GError **err);

void attach_broadcast(struct monitor *m, enum ocimon_stream stream, const char *buf, size_t len);

/* True while some client has more than ATTACH_CLIENT_QUEUE_HIGH queued. */
bool attach_is_congested(struct monitor *m);

/* Sends what is queued (waiting at most the stall timeout for a client that makes no
 * progress), then closes every client and the listening socket. */
void attach_server_close(struct monitor *m);
