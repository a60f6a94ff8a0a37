/* The sd-notify proxy (SPEC §1.15): with --sdnotify-socket=HOST the container gets a datagram
 * socket at <bundle>/notify/notify.sock (podman mounts <bundle>/notify at /run/notify and
 * points NOTIFY_SOCKET there); what it may tell systemd is passed on to HOST. */
#pragma once

#include <glib.h>
#include <stddef.h>

struct monitor;

/* The part of one datagram that goes to systemd: its lines (split on '\n', '\r' or NUL) that
 * are READY=1, RELOADING=1, STOPPING=1, WATCHDOG=1 or WATCHDOG=trigger, or start with
 * STATUS=, ERRNO=, BUSERROR= or MONOTONIC_USEC=, joined by '\n'. MAINPID= and the rest
 * stay behind: systemd must keep seeing the monitor as the service's main process. NULL
 * when nothing is left. Pure. */
char *notify_filter(const char *msg, size_t len);

/* Binds <bundle>/notify/notify.sock (0777; the directory is created if podman did not) and
 * starts forwarding to opts->sdnotify_socket. */
gboolean notify_proxy_open(struct monitor *m, GError **err);
void notify_proxy_close(struct monitor *m);
