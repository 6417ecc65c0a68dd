// SPDX-License-Identifier: MIT
/* secshm read: bytes of a section to standard output. */
#include <unistd.h>
#include "cli.h"

static const char usage[] =
	"Usage: secshm read [OPTIONS] NAME OFFSET LENGTH\n"
	"\n"
	"Copy LENGTH bytes of section NAME from byte OFFSET to standard output,\n"
	"through a read-only view. OFFSET and LENGTH are decimal with an optional\n"
	"K, M or G suffix (powers of 1024) and need not be page aligned; a range\n"
	"past the section's end is an error and prints nothing.\n"
	"\n"
	"Options:\n"
	CLI_ANY_OWNER_HELP
	CLI_COMMON_HELP;

int cmd_read(int argc, char **argv)
{
	struct cli_opts o = { .address = NULL };
	struct cli_range r;
	uint64_t offset, length;
	struct secshm *s;
	const char *name;
	int ret, err;

	err = cli_parse_opts("read", argc, argv, CLI_OPT_ANY_OWNER, &o);
	if (err)
		return err;
	if (o.help)
		return cli_help(usage);
	err = cli_operands("read", argc, argv, 3, "NAME OFFSET LENGTH");
	if (err)
		return err;
	name = argv[optind];
	err = cli_parse_bytes("read", "offset", argv[optind + 1], true, &offset) ?:
	      cli_parse_bytes("read", "length", argv[optind + 2], true, &length);
	if (err)
		return err;
	err = cli_connect(o.address, &s);
	if (err)
		return err;

	ret = cli_range_open(&r, s, name, SECSHM_GENERIC_READ);
	if (ret) {
		err = cli_error(ret, "read %s", name);
		goto out;
	}
	err = cli_range_owner(&r, "read", name, o.any_owner);
	ret = err ? 0 : cli_range_map(&r, offset, length, SECSHM_PROT_READ);
	if (ret)
		err = cli_error(ret, "read %s", name);
	else if (!err && length) {
		ret = cli_write_all(STDOUT_FILENO, r.bytes, length);
		if (ret)
			err = cli_sys_error(ret, "read %s: standard output", name);
	}
	cli_range_close(&r);
out:
	secshm_disconnect(s);
	return err;
}
