// SPDX-License-Identifier: MIT
/*
 * secshm daemon: runs secshmd with the same options. The command is a
 * client and links no server code: it runs the secshmd installed beside
 * it (bin/secshm and bin/secshmd in the build tree, bin/secshm and
 * sbin/secshmd installed), else the first secshmd on PATH.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

static void exec_beside(const char *dir, const char *rel, char **argv)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, rel) < (int)sizeof(path))
		execv(path, argv);
}

int cmd_daemon(int argc, char **argv)
{
	static char name[] = "secshmd";
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	argv[0] = name;
	if (n > 0) {
		char *dir;

		self[n] = 0;
		dir = dirname(self);
		exec_beside(dir, "secshmd", argv);
		exec_beside(dir, "../sbin/secshmd", argv);
	}
	execvp(name, argv);
	fprintf(stderr, "secshm daemon: cannot run secshmd: %s\n", strerror(errno));
	return 127;
}
