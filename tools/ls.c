// SPDX-License-Identifier: MIT
/* secshm ls: the named sections the caller may query, as a table or JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char usage[] =
	"Usage: secshm ls [OPTIONS]\n"
	"\n"
	"List the named sections you may query: name, size in bytes, owner uid,\n"
	"group gid, mode, flags (pinned, trusted-only, permanent, client-created,\n"
	"...), client handles open and client views mapped.\n"
	"\n"
	"Options:\n"
	"  -c, --clients       list the connected clients instead, each with every\n"
	"                      handle it holds: type, section, range and access mask\n"
	"                      (root or the server's own uid only)\n"
	"  -j, --json          print a JSON array of objects, one per section (with\n"
	"                      also the id, the flag bits and the server's references)\n"
	"                      or one per client\n"
	CLI_COMMON_HELP;

struct listing {
	struct secshm_section_info *info;
	size_t n;
};

/* Every entry, a page at a time; a page that comes back short is the end. */
static int list_all(struct secshm *s, struct listing *l)
{
	struct secshm_section_info *info;
	uint32_t total;
	int ret;

	for (;;) {
		info = reallocarray(l->info, l->n + SECSHM_LIST_MAX, sizeof(*info));
		if (!info)
			return -ENOMEM;
		l->info = info;
		ret = secshm_list(s, (uint32_t)l->n, info + l->n, SECSHM_LIST_MAX, &total);
		if (ret < 0)
			return ret;
		l->n += (size_t)ret;
		if (ret < SECSHM_LIST_MAX || l->n >= total)
			return 0;
	}
}

static void print_json(const struct listing *l)
{
	size_t i;

	fputs("[", stdout);
	for (i = 0; i < l->n; i++) {
		fputs(i ? ",\n  " : "\n  ", stdout);
		cli_info_json(stdout, &l->info[i]);
	}
	fputs(l->n ? "\n]\n" : "]\n", stdout);
}

enum { COL_NAME, COL_SIZE, COL_OWNER, COL_GROUP, COL_MODE, COL_FLAGS, COL_HANDLES,
       COL_VIEWS, NCOLS };

static const char *const headings[NCOLS] = {
	"NAME", "SIZE", "OWNER", "GROUP", "MODE", "FLAGS", "HANDLES", "VIEWS",
};

struct row {
	char name[SECSHM_NAME_MAX + 1];
	char flags[128];
	char num[NCOLS][24];	/* the other columns */
};

static void format_row(const struct secshm_section_info *info, struct row *r)
{
	cli_info_name(info, r->name);
	snprintf(r->num[COL_SIZE], sizeof(r->num[0]), "%llu", (unsigned long long)info->length);
	snprintf(r->num[COL_OWNER], sizeof(r->num[0]), "%u", info->owner);
	snprintf(r->num[COL_GROUP], sizeof(r->num[0]), "%u", info->group);
	snprintf(r->num[COL_MODE], sizeof(r->num[0]), "%04o", info->mode);
	cli_info_flags(info->flags, r->flags, sizeof(r->flags));
	snprintf(r->num[COL_HANDLES], sizeof(r->num[0]), "%u", info->handles);
	snprintf(r->num[COL_VIEWS], sizeof(r->num[0]), "%u", info->views);
}

static const char *cell(const struct row *r, int col)
{
	if (col == COL_NAME)
		return r->name;
	return col == COL_FLAGS ? r->flags : r->num[col];
}

static void print_row(const char *const cells[NCOLS], const int width[NCOLS])
{
	int col;

	for (col = 0; col < NCOLS; col++) {
		/* Text left, numbers right; the last column is not padded. */
		bool left = col == COL_NAME || col == COL_MODE || col == COL_FLAGS;

		if (col == NCOLS - 1)
			printf("%*s\n", width[col], cells[col]);
		else
			printf(left ? "%-*s  " : "%*s  ", width[col], cells[col]);
	}
}

static int print_table(const struct listing *l)
{
	const char *cells[NCOLS];
	int width[NCOLS];
	struct row *rows;
	size_t i;
	int col, len;

	rows = calloc(l->n ? l->n : 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (col = 0; col < NCOLS; col++)
		width[col] = (int)strlen(headings[col]);
	for (i = 0; i < l->n; i++) {
		format_row(&l->info[i], &rows[i]);
		for (col = 0; col < NCOLS; col++) {
			len = (int)strlen(cell(&rows[i], col));
			if (len > width[col])
				width[col] = len;
		}
	}
	print_row(headings, width);
	for (i = 0; i < l->n; i++) {
		for (col = 0; col < NCOLS; col++)
			cells[col] = cell(&rows[i], col);
		print_row(cells, width);
	}
	free(rows);
	return 0;
}

/* The common options, --json and --clients. */
static int parse_opts(int argc, char **argv, struct cli_opts *o, bool *clients)
{
	static const struct option longopts[] = {
		{ "clients", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		CLI_COMMON_LONG,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":cj" CLI_COMMON_OPTS, longopts, NULL)) != -1) {
		if (c == 'c')
			*clients = true;
		else if (c == 'j')
			o->json = true;
		else if (c == 'a')
			o->address = optarg;
		else if (c == 'h')
			o->help = true;
		else
			return cli_bad_option("ls", c, argv);
	}
	return 0;
}

int cmd_ls(int argc, char **argv)
{
	struct cli_opts o = { .address = NULL };
	struct listing l = { .n = 0 };
	bool clients = false;
	struct secshm *s;
	int ret, err;

	err = parse_opts(argc, argv, &o, &clients);
	if (err)
		return err;
	if (o.help)
		return cli_help(usage);
	err = cli_operands("ls", argc, argv, 0, "");
	if (err)
		return err;
	err = cli_connect(o.address, &s);
	if (err)
		return err;

	if (clients) {
		ret = cli_list_clients(s, o.json);
		err = ret ? cli_error(ret, "ls --clients") : cli_flush_stdout("ls");
		secshm_disconnect(s);
		return err;
	}
	ret = list_all(s, &l);
	if (!ret && o.json)
		print_json(&l);
	else if (!ret)
		ret = print_table(&l);
	err = ret ? cli_error(ret, "ls") : cli_flush_stdout("ls");
	free(l.info);
	secshm_disconnect(s);
	return err;
}
