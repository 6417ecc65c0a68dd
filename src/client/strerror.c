// SPDX-License-Identifier: MIT
/* Status codes as include/uapi/secshm.h documents them. */
#include <errno.h>
#include <string.h>
#include "client.h"

static const struct {
	int code;
	const char *text;
} secshm_errors[] = {
	{ 0,			"success" },
	{ SECSHM_EXISTED,	"opened an existing section" },
	{ -EBADF,		"invalid handle" },
	{ -EMEDIUMTYPE,		"object type mismatch" },
	{ -EACCES,		"access denied" },
	{ -EPERM,		"operation not permitted" },
	{ -ENOENT,		"no such section" },
	{ -EEXIST,		"already exists" },
	{ -EINVAL,		"invalid argument" },
	{ -ENAMETOOLONG,	"name too long" },
	{ -ERANGE,		"range outside the section" },
	{ -EOVERFLOW,		"offset + length overflows" },
	{ -EBADMSG,		"malformed request" },
	{ -EPROTO,		"protocol error (ABI version or malformed reply)" },
	{ -EOPNOTSUPP,		"unknown opcode" },
	{ -ENOTTY,		"unknown opcode" },
	{ -E2BIG,		"too many references or inline bytes" },
	{ -EDQUOT,		"quota exceeded" },
	{ -ENOSPC,		"server capacity exhausted" },
	{ -EFAULT,		"shared memory not accessible" },
	{ -ENOMEM,		"out of memory" },
	{ -ECONNRESET,		"connection to the server lost" },
};

const char *secshm_strerror(int err)
{
	size_t i;

	for (i = 0; i < sizeof(secshm_errors) / sizeof(secshm_errors[0]); i++)
		if (secshm_errors[i].code == err)
			return secshm_errors[i].text;
	return strerror(err < 0 ? -err : err);
}
