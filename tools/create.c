// SPDX-License-Identifier: MIT
/* secshm create: a permanent named section owned by the caller. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char usage[] =
	"Usage: secshm create [OPTIONS] NAME SIZE\n"
	"\n"
	"Create a permanent named section of SIZE bytes (rounded up to the page\n"
	"size), owned by your uid and gid. SIZE is decimal, optionally with a K, M\n"
	"or G suffix (powers of 1024). The name stays until 'secshm rm'; an\n"
	"existing NAME is an error.\n"
	"\n"
	"Options:\n"
	"  -m, --mode MODE     octal read/write bits, at most 0666 (default 0600)\n"
	"  -t, --trusted-only  only clients on the server's trust list may open it\n"
	"  -p, --pinned        lock its pages in memory (trusted or root callers only,\n"
	"                      within the server's pinned-bytes quota); default pageable\n"
	"  -A, --access R      rights to ask for on the creating handle: r, rw or\n"
	"                      all (default: query only; it closes on exit)\n"
	"  -v, --verbose       print the handle the section was created with\n"
	CLI_COMMON_HELP;

static const struct option opts[] = {
	{ "mode", required_argument, NULL, 'm' },
	{ "trusted-only", no_argument, NULL, 't' },
	{ "pinned", no_argument, NULL, 'p' },
	{ "access", required_argument, NULL, 'A' },
	{ "verbose", no_argument, NULL, 'v' },
	CLI_COMMON_LONG,
	{ NULL, 0, NULL, 0 },
};

struct create_opts {
	const char *address;
	uint32_t mode;
	uint32_t flags;
	uint32_t access;
	bool verbose;
	bool help;
};

static int parse_mode(const char *arg, uint32_t *mode)
{
	unsigned long v;
	char *end;

	if (*arg < '0' || *arg > '7')
		return cli_usage("create", "invalid mode '%s'", arg);
	v = strtoul(arg, &end, 8);
	if (*end)
		return cli_usage("create", "invalid mode '%s'", arg);
	if (v & ~0666UL)
		return cli_usage("create", "mode '%s' has bits beyond read and write (0666)", arg);
	*mode = (uint32_t)v;
	return 0;
}

static int parse_access(const char *arg, uint32_t *access)
{
	if (!strcmp(arg, "r"))
		*access = SECSHM_GENERIC_READ;
	else if (!strcmp(arg, "rw"))
		*access = SECSHM_GENERIC_WRITE;
	else if (!strcmp(arg, "all"))
		*access = SECSHM_GENERIC_ALL;
	else
		return cli_usage("create", "invalid access '%s': expected r, rw or all", arg);
	return 0;
}

static int parse_opts(int argc, char **argv, struct create_opts *o)
{
	int c, err = 0;

	while (!err && (c = getopt_long(argc, argv, ":m:tpA:v" CLI_COMMON_OPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			err = parse_mode(optarg, &o->mode);
			break;
		case 't':
			o->flags |= SECSHM_SECTION_TRUSTED_ONLY;
			break;
		case 'p':
			o->flags |= SECSHM_SECTION_PINNED;
			break;
		case 'A':
			err = parse_access(optarg, &o->access);
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'a':
			o->address = optarg;
			break;
		case 'h':
			o->help = true;
			break;
		default:
			return cli_bad_option("create", c, argv);
		}
	}
	return err;
}

int cmd_create(int argc, char **argv)
{
	struct create_opts o = {
		.mode = 0600,
		.flags = SECSHM_CREATE_NEW | SECSHM_CREATE_PERMANENT,
		.access = SECSHM_ACCESS_QUERY,
	};
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER };
	struct secshm *s;
	uint32_t handle;
	uint64_t size;
	int ret, err;

	err = parse_opts(argc, argv, &o);
	if (err)
		return err;
	if (o.help)
		return cli_help(usage);
	err = cli_operands("create", argc, argv, 2, "NAME SIZE");
	if (err)
		return err;
	err = cli_parse_bytes("create", "size", argv[optind + 1], false, &size);
	if (err)
		return err;
	err = cli_connect(o.address, &s);
	if (err)
		return err;

	sd.mode = o.mode;
	ret = secshm_create(s, argv[optind], size, o.access, o.flags, &sd, &handle);
	if (ret < 0)
		err = cli_error(ret, "create %s", argv[optind]);
	else if (o.verbose) {
		printf("%u\n", handle);
		err = cli_flush_stdout("create");
	}
	secshm_disconnect(s);
	return err;
}
