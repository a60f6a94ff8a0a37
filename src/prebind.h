#pragma once

/* Binds jansson's lazily bound libc symbols; call before forking the daemon. */
void json_prebind(void);

/* Loads what libc loads on first use (the time zone), for the same reason. */
void libc_prebind(void);
