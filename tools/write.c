// SPDX-License-Identifier: MIT
/* secshm write: standard input into a section at any offset. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

static const char usage[] =
	"Usage: secshm write [OPTIONS] NAME OFFSET\n"
	"\n"
	"Read standard input to its end and write it into section NAME from byte\n"
	"OFFSET on, through a writable view. OFFSET is decimal with an optional\n"
	"K, M or G suffix (powers of 1024) and need not be page aligned. If the\n"
	"input would pass the section's end, nothing is written.\n"
	"\n"
	"Options:\n"
	CLI_ANY_OWNER_HELP
	CLI_COMMON_HELP;

/* Into the section, once its size is known and the input is known to fit. */
static int write_range(struct cli_range *r, const char *name, uint64_t offset)
{
	uint64_t room;
	size_t len;
	char *buf;
	int ret;

	if (offset > r->size)
		return cli_error(-ERANGE, "write %s", name);
	room = r->size - offset;
	/* One byte more than fits tells "too long" from "exactly fits". */
	ret = cli_read_all(STDIN_FILENO, room < SIZE_MAX ? (size_t)room + 1 : SIZE_MAX,
			   &buf, &len);
	if (ret)
		return cli_sys_error(ret, "write %s: standard input", name);
	ret = cli_range_map(r, offset, len, SECSHM_PROT_READ | SECSHM_PROT_WRITE);
	if (!ret && len)
		memcpy(r->bytes, buf, len);
	free(buf);
	return ret ? cli_error(ret, "write %s", name) : 0;
}

int cmd_write(int argc, char **argv)
{
	struct cli_opts o = { .address = NULL };
	struct cli_range r;
	struct secshm *s;
	uint64_t offset;
	int ret, err;

	err = cli_parse_opts("write", argc, argv, CLI_OPT_ANY_OWNER, &o);
	if (err)
		return err;
	if (o.help)
		return cli_help(usage);
	err = cli_operands("write", argc, argv, 2, "NAME OFFSET");
	if (err)
		return err;
	err = cli_parse_bytes("write", "offset", argv[optind + 1], true, &offset);
	if (err)
		return err;
	err = cli_connect(o.address, &s);
	if (err)
		return err;

	ret = cli_range_open(&r, s, argv[optind], SECSHM_GENERIC_WRITE);
	if (ret) {
		err = cli_error(ret, "write %s", argv[optind]);
	} else {
		err = cli_range_owner(&r, "write", argv[optind], o.any_owner) ?:
		      write_range(&r, argv[optind], offset);
		cli_range_close(&r);
	}
	secshm_disconnect(s);
	return err;
}
