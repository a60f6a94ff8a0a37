/* Forced in by contrib/freebsd/syntax-check.sh: what FreeBSD's own headers declare and
 * glibc's do not (bindat(2) is in FreeBSD's <sys/socket.h> under __BSD_VISIBLE). */
#pragma once

#include <sys/socket.h>

int bindat(int fd, int s, const struct sockaddr *addr, socklen_t addrlen);
