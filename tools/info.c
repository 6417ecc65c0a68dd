// SPDX-License-Identifier: MIT
/* Printing what QUERY and LIST report about a section. */
#include <string.h>
#include "cli.h"

static const struct {
	uint32_t flag;
	const char *name;
} info_flags[] = {
	{ SECSHM_SECTION_TRUSTED_ONLY,	"trusted-only" },
	{ SECSHM_SECTION_PINNED,	"pinned" },
	{ SECSHM_SECTION_PERMANENT,	"permanent" },
	{ SECSHM_SECTION_CLIENT_CREATED, "client-created" },
	{ SECSHM_SECTION_SERVER_PRIVATE, "server-private" },
	{ SECSHM_SECTION_FILE,		"file" },
	{ SECSHM_SECTION_UNLINKED,	"unlinked" },
};

#define NFLAGS	(sizeof(info_flags) / sizeof(info_flags[0]))

static size_t name_len(const struct secshm_section_info *info)
{
	return info->name_len < SECSHM_NAME_MAX ? info->name_len : SECSHM_NAME_MAX;
}

/*
 * The name for a terminal, in a buffer of SECSHM_NAME_MAX + 1: names are
 * printable by rule, but a control byte must never reach the terminal.
 */
void cli_info_name(const struct secshm_section_info *info, char *buf)
{
	size_t i, len = name_len(info);

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)info->name[i];

		buf[i] = c > ' ' && c < 0x7f ? (char)c : '?';
	}
	buf[len] = '\0';
}

/* Comma-separated flag words, "-" for none, unknown bits in hex. */
void cli_info_flags(uint32_t flags, char *buf, size_t len)
{
	const char *sep = "";
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < NFLAGS && n < len; i++) {
		if (!(flags & info_flags[i].flag))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", sep, info_flags[i].name);
		flags &= ~info_flags[i].flag;
		sep = ",";
	}
	if (flags && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s%#x", sep, flags);
	if (!n)
		snprintf(buf, len, "-");
}

static void json_string(FILE *f, const char *s, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_flags(FILE *f, uint32_t flags)
{
	const char *sep = "";
	size_t i;

	fputc('[', f);
	for (i = 0; i < NFLAGS; i++) {
		if (!(flags & info_flags[i].flag))
			continue;
		fprintf(f, "%s\"%s\"", sep, info_flags[i].name);
		sep = ", ";
	}
	fputc(']', f);
}

/* One object; "flags" lists the words, "flags_value" keeps every bit. */
void cli_info_json(FILE *f, const struct secshm_section_info *info)
{
	fputs("{\"name\": ", f);
	json_string(f, info->name, name_len(info));
	fprintf(f, ", \"id\": %llu, \"size\": %llu, \"owner\": %u, \"group\": %u, "
		"\"mode\": \"%04o\", \"flags\": ",
		(unsigned long long)info->id, (unsigned long long)info->length,
		info->owner, info->group, info->mode);
	json_flags(f, info->flags);
	fprintf(f, ", \"flags_value\": %u, \"handles\": %u, \"views\": %u, "
		"\"server_refs\": %u}", info->flags, info->handles, info->views,
		info->server_refs);
}
