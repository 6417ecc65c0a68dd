/* SPDX-License-Identifier: MIT */
#ifndef SECSHM_DAEMON_H
#define SECSHM_DAEMON_H

/* secshmd's whole program; `secshm daemon` runs it too. */
int secshmd_main(int argc, char **argv);

#endif
