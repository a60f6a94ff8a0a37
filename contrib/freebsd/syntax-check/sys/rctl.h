/* Stand-in for FreeBSD's <sys/rctl.h>, for contrib/freebsd/syntax-check.sh only: the
 * declaration ocimon uses, as in sys/sys/rctl.h (SPEC §2.3). */
#pragma once

#include <stddef.h>

int rctl_get_racct(const char *inbufp, size_t inbuflen, char *outbufp, size_t outbuflen);
