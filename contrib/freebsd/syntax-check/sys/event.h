/* Stand-in for FreeBSD's <sys/event.h>, for contrib/freebsd/syntax-check.sh only: the
 * declarations ocimon uses, with the types and values of FreeBSD 12-15 (sys/sys/event.h). */
#pragma once

#include <stdint.h>

struct timespec;

struct kevent {
	uintptr_t ident;
	short filter;
	unsigned short flags;
	unsigned int fflags;
	int64_t data;
	void *udata;
	uint64_t ext[4];
};

#define EVFILT_SIGNAL (-6)
#define EV_ADD        0x0001
#define EV_CLEAR      0x0020

#define EV_SET(kevp_, a, b, c, d, e, f)                                                            \
	do {                                                                                       \
		struct kevent *kevp = (kevp_);                                                     \
		(kevp)->ident = (a);                                                               \
		(kevp)->filter = (b);                                                              \
		(kevp)->flags = (c);                                                               \
		(kevp)->fflags = (d);                                                              \
		(kevp)->data = (e);                                                                \
		(kevp)->udata = (f);                                                               \
		(kevp)->ext[0] = (kevp)->ext[1] = (kevp)->ext[2] = (kevp)->ext[3] = 0;             \
	} while (0)

int kqueue(void);
int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist,
	   int nevents, const struct timespec *timeout);
