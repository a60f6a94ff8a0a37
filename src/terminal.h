/* -t: the console socket the runtime hands the pty master through (SPEC §1.9). */
#pragma once

#include <glib.h>

struct monitor;

/* Creates a listening socket in $TMPDIR and returns its path for --console-socket. */
char *terminal_socket_open(struct monitor *m, GError **err);

/* Takes the pty if the runtime already connected (it may exit before the main loop
 * dispatched the connection). */
void terminal_try_accept(struct monitor *m);

/* Applies a ctl resize to the pty, if there is one. */
void terminal_resize(struct monitor *m, int height, int width);

void terminal_close(struct monitor *m);
