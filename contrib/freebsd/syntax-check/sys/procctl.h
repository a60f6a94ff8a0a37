/* Stand-in for FreeBSD's <sys/procctl.h>, for contrib/freebsd/syntax-check.sh only: the
 * declarations ocimon uses, as in FreeBSD 11.2-15 (sys/sys/procctl.h). idtype_t and P_PID
 * come from <sys/wait.h> there as here. */
#pragma once

#include <sys/types.h>
#include <sys/wait.h>

#define PROC_REAP_ACQUIRE     2
#define PROC_REAP_RELEASE     3
#define PROC_PDEATHSIG_CTL    11
#define PROC_PDEATHSIG_STATUS 12

int procctl(idtype_t idtype, id_t id, int cmd, void *data);
