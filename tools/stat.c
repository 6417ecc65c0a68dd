// SPDX-License-Identifier: MIT
/* secshm stat: everything QUERY reports about one named section. */
#include "cli.h"

static const char usage[] =
	"Usage: secshm stat [OPTIONS] NAME\n"
	"\n"
	"Open section NAME for query and print its name, id, size in bytes, owner\n"
	"uid, group gid, mode, flags, client handles (this command's own\n"
	"included), client views and the references the server holds itself.\n"
	"\n"
	"Options:\n"
	"  -j, --json          print one JSON object\n"
	CLI_COMMON_HELP;

static void print_text(const struct secshm_section_info *info)
{
	char name[SECSHM_NAME_MAX + 1], flags[128];

	cli_info_name(info, name);
	cli_info_flags(info->flags, flags, sizeof(flags));
	printf("name:        %s\n", name);
	printf("id:          %llu\n", (unsigned long long)info->id);
	printf("size:        %llu\n", (unsigned long long)info->length);
	printf("owner:       %u\n", info->owner);
	printf("group:       %u\n", info->group);
	printf("mode:        %04o\n", info->mode);
	printf("flags:       %s\n", flags);
	printf("handles:     %u\n", info->handles);
	printf("views:       %u\n", info->views);
	printf("server refs: %u\n", info->server_refs);
}

static int query_name(struct secshm *s, const char *name, struct secshm_section_info *info)
{
	uint32_t handle;
	int err;

	err = secshm_open(s, name, SECSHM_ACCESS_QUERY, &handle);
	if (err < 0)
		return err;
	err = secshm_query(s, handle, info, NULL);
	secshm_close(s, handle);
	return err < 0 ? err : 0;
}

int cmd_stat(int argc, char **argv)
{
	struct cli_opts o = { .address = NULL };
	struct secshm_section_info info;
	struct secshm *s;
	int ret, err;

	err = cli_parse_opts("stat", argc, argv, CLI_OPT_JSON, &o);
	if (err)
		return err;
	if (o.help)
		return cli_help(usage);
	err = cli_operands("stat", argc, argv, 1, "NAME");
	if (err)
		return err;
	err = cli_connect(o.address, &s);
	if (err)
		return err;

	ret = query_name(s, argv[optind], &info);
	secshm_disconnect(s);
	if (ret)
		return cli_error(ret, "stat %s", argv[optind]);
	if (o.json) {
		cli_info_json(stdout, &info);
		fputc('\n', stdout);
	} else {
		print_text(&info);
	}
	return cli_flush_stdout("stat");
}
