// SPDX-License-Identifier: MIT
/* What the subcommands share: error lines, operands, sizes, the connection. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

__attribute__((format(printf, 1, 0)))
static void vline(const char *fmt, va_list ap, const char *why)
{
	fputs("secshm: ", stderr);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ": %s\n", why);
}

/* A secshm status code. */
int cli_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(fmt, ap, secshm_strerror(err));
	va_end(ap);
	return CLI_FAIL;
}

/* A system error outside the protocol (connecting, stdin, stdout). */
int cli_sys_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(fmt, ap, strerror(err < 0 ? -err : err));
	va_end(ap);
	return CLI_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "secshm: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try 'secshm %s --help')\n", cmd);
	return CLI_USAGE;
}

/* getopt_long's '?' or ':' (the option strings start with ':'). */
int cli_bad_option(const char *cmd, int c, char **argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		return cli_usage(cmd, "option '%s' needs an argument", opt);
	if (optopt && opt[0] == '-' && opt[1] != '-')
		return cli_usage(cmd, "unknown option '-%c'", optopt);
	return cli_usage(cmd, "unknown option '%s'", opt);
}

int cli_parse_opts(const char *cmd, int argc, char **argv, unsigned int extra,
		   struct cli_opts *o)
{
	static const struct option common[] = { CLI_COMMON_LONG, { NULL, 0, NULL, 0 } };
	static const struct option with_json[] = {
		{ "json", no_argument, NULL, 'j' },
		CLI_COMMON_LONG,
		{ NULL, 0, NULL, 0 },
	};
	static const struct option with_any_owner[] = {
		{ "any-owner", no_argument, NULL, 'O' },
		CLI_COMMON_LONG,
		{ NULL, 0, NULL, 0 },
	};
	const struct option *longopts = extra & CLI_OPT_JSON ? with_json :
					extra & CLI_OPT_ANY_OWNER ? with_any_owner : common;
	const char *optstring = extra & CLI_OPT_JSON ? ":j" CLI_COMMON_OPTS : ":" CLI_COMMON_OPTS;
	int c;

	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'O':
			o->any_owner = true;
			break;
		case 'a':
			o->address = optarg;
			break;
		case 'h':
			o->help = true;
			break;
		default:
			return cli_bad_option(cmd, c, argv);
		}
	}
	return 0;
}

int cli_help(const char *text)
{
	fputs(text, stdout);
	return cli_flush_stdout("help");
}

/* Exactly the operands named in names, e.g. "NAME SIZE". */
int cli_operands(const char *cmd, int argc, char **argv, int want, const char *names)
{
	int have = argc - optind;

	if (have > want)
		return cli_usage(cmd, "unexpected operand '%s'", argv[optind + want]);
	if (have < want)
		return cli_usage(cmd, "missing operand: expected %s", names);
	return 0;
}

/* Decimal bytes, optionally suffixed K, M or G (powers of 1024). */
static int parse_bytes(const char *arg, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!isdigit((unsigned char)*arg))
		return -EINVAL;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno)
		return -errno;
	switch (*end) {
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	}
	if (shift)
		end++;
	if (*end)
		return -EINVAL;
	if (v > UINT64_MAX >> shift)
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

int cli_parse_bytes(const char *cmd, const char *what, const char *arg, bool zero_ok,
		    uint64_t *out)
{
	int err = parse_bytes(arg, out);

	if (err == -ERANGE)
		return cli_usage(cmd, "%s '%s' is too large", what, arg);
	if (err)
		return cli_usage(cmd, "invalid %s '%s'", what, arg);
	if (!*out && !zero_ok)
		return cli_usage(cmd, "%s must not be zero", what);
	return 0;
}

int cli_connect(const char *address, struct secshm **s)
{
	int err = secshm_connect(address, s);

	if (!err)
		return 0;
	if (address)
		return cli_sys_error(err, "connect to %s", address);
	return cli_sys_error(err, "connect");
}

/* Output is only known to be written once flushed. */
int cli_flush_stdout(const char *cmd)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	return cli_sys_error(errno ? errno : EIO, "%s: standard output", cmd);
}

int cli_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cli_read_all(int fd, size_t limit, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *p = NULL, *grown;
	ssize_t got;

	while (n < limit) {
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			if (cap > limit)
				cap = limit;
			grown = realloc(p, cap);
			if (!grown)
				goto err_errno;
			p = grown;
		}
		got = read(fd, p + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto err_errno;
		if (!got)
			break;
		n += (size_t)got;
	}
	*buf = p;
	*len = n;
	return 0;

err_errno:
	free(p);
	return -errno;
}
