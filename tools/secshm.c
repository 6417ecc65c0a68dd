// SPDX-License-Identifier: MIT
/* secshm: manage sections on a secshm server from the shell. */
#include <signal.h>
#include <string.h>
#include "cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "daemon", cmd_daemon },
	{ "create", cmd_create },
	{ "ls", cmd_ls },
	{ "stat", cmd_stat },
	{ "write", cmd_write },
	{ "read", cmd_read },
	{ "rm", cmd_rm },
};

static const char usage[] =
	"Usage: secshm COMMAND [OPTIONS] [OPERANDS]\n"
	"\n"
	"Commands:\n"
	"  daemon  run secshmd, the secshm daemon, with these options\n"
	"  create  create a permanent named section\n"
	"  ls      list the named sections you may query\n"
	"  stat    show everything about one named section\n"
	"  write   write standard input into a section\n"
	"  read    copy bytes of a section to standard output\n"
	"  rm      remove a section's name\n"
	"\n"
	"Every command takes --address A (a daemon socket or /dev/secshm; by\n"
	"default $SECSHM_ADDRESS, then /dev/secshm if it exists, then\n"
	"/run/secshm/socket as root or $XDG_RUNTIME_DIR/secshm.sock) and --help.\n"
	"Exit status: 0 on success, 1 on error, 2 on a usage error.\n";

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		fputs("secshm: missing command (try 'secshm --help')\n", stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return cli_help(usage);

	/* Broken pipes are reported as write errors, not deaths by signal. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);

	fprintf(stderr, "secshm: %s: unknown command (try 'secshm --help')\n", argv[1]);
	return CLI_USAGE;
}
