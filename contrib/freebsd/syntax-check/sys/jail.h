/* Stand-in for FreeBSD's <sys/jail.h>, for contrib/freebsd/syntax-check.sh only. */
#pragma once

int jail_attach(int jid);
int jail_remove(int jid);
