// SPDX-License-Identifier: MIT
/* secshm daemon: secshmd, options and all, under the secshm command. */
#include "cli.h"
#include "../src/daemon/daemon.h"

int cmd_daemon(int argc, char **argv)
{
	static char name[] = "secshm daemon";

	argv[0] = name;
	return secshmd_main(argc, argv);
}
