/* Stand-in for FreeBSD's <jail.h> (libjail), for contrib/freebsd/syntax-check.sh only: the
 * declarations ocimon uses, as in lib/libjail/jail.h. */
#pragma once

#define JAIL_ERRMSGLEN 1024

extern char jail_errmsg[];

int jail_getid(const char *name);
char *jail_getname(int jid);
