// SPDX-License-Identifier: MIT
/* secshm rm: remove a section's name; the section lives while referenced. */
#include "cli.h"

static const char usage[] =
	"Usage: secshm rm [OPTIONS] NAME\n"
	"\n"
	"Remove the name of section NAME (you need DELETE access: the owner has\n"
	"it). The section itself lives on while handles or views reference it.\n"
	"\n"
	"Options:\n"
	CLI_COMMON_HELP;

static int unlink_name(struct secshm *s, const char *name)
{
	uint32_t handle;
	int err;

	err = secshm_open(s, name, SECSHM_ACCESS_DELETE, &handle);
	if (err < 0)
		return err;
	err = secshm_unlink(s, handle);
	secshm_close(s, handle);
	return err < 0 ? err : 0;
}

int cmd_rm(int argc, char **argv)
{
	struct cli_opts o = { .address = NULL };
	struct secshm *s;
	int ret, err;

	err = cli_parse_opts("rm", argc, argv, 0, &o);
	if (err)
		return err;
	if (o.help)
		return cli_help(usage);
	err = cli_operands("rm", argc, argv, 1, "NAME");
	if (err)
		return err;
	err = cli_connect(o.address, &s);
	if (err)
		return err;

	ret = unlink_name(s, argv[optind]);
	secshm_disconnect(s);
	return ret ? cli_error(ret, "rm %s", argv[optind]) : 0;
}
