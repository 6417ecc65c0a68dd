/* SPDX-License-Identifier: MIT */
/*
 * The secshm command: one file per subcommand, this header and cli.c for
 * what they share. Subcommands return the exit status: 0, CLI_FAIL after
 * printing one "secshm: <what>: <why>" line, or CLI_USAGE likewise.
 */
#ifndef SECSHM_CLI_H
#define SECSHM_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "secshm.h"

#define CLI_FAIL	1
#define CLI_USAGE	2

/* Options every subcommand takes; a subcommand appends its own. */
#define CLI_COMMON_OPTS	"a:h"
#define CLI_COMMON_LONG	{ "address", required_argument, NULL, 'a' }, \
			{ "help", no_argument, NULL, 'h' }
#define CLI_COMMON_HELP	"  -a, --address A     the server: a daemon socket or a device (default:\n" \
			"                      $SECSHM_ADDRESS, /dev/secshm, the default socket)\n" \
			"  -h, --help          show this help\n"

/* The options of commands that take only the common ones and maybe one of these. */
#define CLI_OPT_JSON		(1U << 0)	/* --json */
#define CLI_OPT_ANY_OWNER	(1U << 1)	/* --any-owner */
#define CLI_ANY_OWNER_HELP	"      --any-owner     as root, act on a section another uid owns\n"

struct cli_opts {
	const char *address;
	bool json;
	bool any_owner;
	bool help;
};

int cli_parse_opts(const char *cmd, int argc, char **argv, unsigned int extra,
		   struct cli_opts *o);

int cmd_daemon(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_write(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_rm(int argc, char **argv);

/* Errors: print one line, return the exit status. */
int cli_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_sys_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_bad_option(const char *cmd, int c, char **argv);
int cli_help(const char *text);
int cli_operands(const char *cmd, int argc, char **argv, int want, const char *names);

/* Arguments. */
int cli_parse_bytes(const char *cmd, const char *what, const char *arg, bool zero_ok,
		    uint64_t *out);

int cli_connect(const char *address, struct secshm **s);
int cli_flush_stdout(const char *cmd);

/* Plain descriptors: 0 or -errno. read_all stops at limit bytes. */
int cli_write_all(int fd, const void *buf, size_t len);
int cli_read_all(int fd, size_t limit, char **buf, size_t *len);

/* Section info, for ls and stat. */
void cli_info_name(const struct secshm_section_info *info, char *buf);
void cli_info_flags(uint32_t flags, char *buf, size_t len);
void cli_info_json(FILE *f, const struct secshm_section_info *info);

/* clients.c: every client and its handles, as text or JSON (administrator only). */
int cli_list_clients(struct secshm *s, bool json);

/* Byte ranges of a section, for read and write. */
struct cli_range {
	struct secshm *s;
	uint32_t handle;
	uint64_t size;		/* the section's */
	uint32_t owner;		/* the section's */
	void *view;		/* the covering pages, or NULL */
	char *bytes;		/* the first byte asked for */
};

int cli_range_open(struct cli_range *r, struct secshm *s, const char *name, uint32_t access);
int cli_range_map(struct cli_range *r, uint64_t offset, uint64_t length, uint32_t prot);
/* Root on a section another uid owns, unless asked: one line, CLI_FAIL (N1). */
int cli_range_owner(const struct cli_range *r, const char *cmd, const char *name,
		    bool any_owner);
void cli_range_close(struct cli_range *r);

#endif /* SECSHM_CLI_H */
