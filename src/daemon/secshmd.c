// SPDX-License-Identifier: MIT
/*
 * secshmd: the stock secshm server, a thin main over libsecshm-server. It
 * serves the built-in opcodes; servers with opcodes of their own are built
 * the same way (examples/checksum-server.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "secshm-server.h"

#define MAX_TRUST 64

struct options {
	const char *address;
	char default_address[256];
	int foreground;
	struct secshm_server_config cfg;
	uid_t uids[MAX_TRUST];
	gid_t gids[MAX_TRUST];
	uid_t global_uids[MAX_TRUST];
	gid_t global_gids[MAX_TRUST];
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: secshmd [options]\n"
"       secshm daemon [options]   (runs secshmd)\n"
"Serve secshm sections to untrusted clients over an AF_UNIX socket.\n"
"\n"
"  --address PATH            socket to listen on (default: $SECSHM_ADDRESS, else\n"
"                            /run/secshm/socket as root, else\n"
"                            $XDG_RUNTIME_DIR/secshm.sock)\n"
"  --foreground              stay in the foreground (default: detach once listening)\n"
"  --trusted-uid UID         may open trusted-only sections (repeatable)\n"
"  --trusted-gid GID         members may open trusted-only sections (repeatable)\n"
"  --global-uid UID          may create names in the global namespace, as root\n"
"                            and the daemon's own uid may (repeatable)\n"
"  --global-gid GID          members may create global names (repeatable)\n"
"  --file-fs TYPE[,TYPE...]  filesystems whose files may back sections (default\n"
"                            ext2,ext3,ext4,xfs,btrfs,f2fs,tmpfs)\n"
"  --max-client-handles N    handles per client (default 4096)\n"
"  --max-client-sections N   sections a client may create and hold (default 1024)\n"
"  --max-client-bytes SIZE   bytes of those (default 4G)\n"
"  --max-client-views N      views per client (default 4096)\n"
"  --max-owner-sections N    permanent sections per owner uid (default 1024)\n"
"  --max-owner-bytes SIZE    bytes of those (default 16G)\n"
"  --max-uid-clients N       connections of one uid (default 256)\n"
"  --max-uid-sections N      sections one uid created, alive (default 16384)\n"
"  --max-uid-bytes SIZE      bytes of those (default: physical memory / 4)\n"
"  --max-uid-tokens N        transfer tokens one uid exported (default 1024)\n"
"  --max-uid-fds N           server descriptors spent on one uid (default:\n"
"                            the descriptor limit / 8)\n"
"  --max-clients N           connected clients (default 4096)\n"
"  --max-sections N          sections in all (default 262144)\n"
"  --max-bytes SIZE          section bytes in all (default: physical memory)\n"
"  --ring-poll-us N          busy-poll a client's request ring N microseconds\n"
"                            before sleeping (default 0: sleep at once)\n"
"  --check-fetch             debugging: fail a handler's capture of bytes it\n"
"                            captured already in the same request (-EIO)\n"
"  --trace                   debugging: one line on stderr per request, its\n"
"                            client, operation, arguments and result\n"
"  -h, --help                this text\n"
"SIZE takes K, M or G suffixes (powers of 1024). SIGTERM or SIGINT stops it.\n");
}

/* A number >= min, with K/M/G suffixes if sizes. */
static int parse_num(const char *s, uint64_t *out, int sizes, uint64_t min)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	if (!*s || *s == '-')
		return -EINVAL;
	v = strtoull(s, &end, 0);
	if (errno)
		return -errno;
	if (sizes && *end) {
		const char *u = strchr("KMG", *end);

		if (!u || end[1])
			return -EINVAL;
		shift = 10 * (int)(u - "KMG" + 1);
		end++;
	}
	if (*end || v < min || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out, int sizes)
{
	return parse_num(s, out, sizes, 1);
}

static int parse_u32(const char *s, uint32_t *out, uint64_t min)
{
	uint64_t v;

	if (parse_num(s, &v, 0, min) || v >= UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

enum {
	OPT_ADDRESS = 256, OPT_FOREGROUND, OPT_TUID, OPT_TGID, OPT_CH, OPT_CS, OPT_CB,
	OPT_CV, OPT_OS, OPT_OB, OPT_CL, OPT_S, OPT_B, OPT_POLL, OPT_GUID, OPT_GGID,
	OPT_FILE_FS, OPT_UC, OPT_US, OPT_UB, OPT_UT, OPT_UF, OPT_CHECK_FETCH, OPT_TRACE,
};

/* Append id to a list of at most MAX_TRUST. */
static int add_id(uint32_t *list, size_t *n, const char *arg)
{
	uint32_t id;

	if (parse_u32(arg, &id, 0))
		return -EINVAL;
	if (*n >= MAX_TRUST)
		return -E2BIG;
	list[(*n)++] = id;
	return 0;
}

static int parse_option(struct options *o, int opt, const char *arg)
{
	struct secshm_limits *l = &o->cfg.limits;

	switch (opt) {
	case OPT_ADDRESS: o->address = arg; return 0;
	case OPT_FOREGROUND: o->foreground = 1; return 0;
	case OPT_TUID: return add_id(o->uids, &o->cfg.ntrusted_uids, arg);
	case OPT_TGID: return add_id(o->gids, &o->cfg.ntrusted_gids, arg);
	case OPT_GUID: return add_id(o->global_uids, &o->cfg.nglobal_uids, arg);
	case OPT_GGID: return add_id(o->global_gids, &o->cfg.nglobal_gids, arg);
	case OPT_FILE_FS: o->cfg.file_fs = arg; return *arg ? 0 : -EINVAL;
	case OPT_CHECK_FETCH: o->cfg.check_fetch = 1; return 0;
	case OPT_TRACE: o->cfg.trace = 1; return 0;
	case OPT_UC: return parse_u32(arg, &l->uid_clients, 1);
	case OPT_US: return parse_u32(arg, &l->uid_sections, 1);
	case OPT_UB: return parse_u64(arg, &l->uid_bytes, 1);
	case OPT_UT: return parse_u32(arg, &l->uid_tokens, 1);
	case OPT_UF: return parse_u32(arg, &l->uid_fds, 1);
	case OPT_CH: return parse_u32(arg, &l->client_handles, 1);
	case OPT_CS: return parse_u32(arg, &l->client_sections, 1);
	case OPT_CB: return parse_u64(arg, &l->client_bytes, 1);
	case OPT_CV: return parse_u32(arg, &l->client_views, 1);
	case OPT_OS: return parse_u32(arg, &l->owner_sections, 1);
	case OPT_OB: return parse_u64(arg, &l->owner_bytes, 1);
	case OPT_CL: return parse_u32(arg, &l->clients, 1);
	case OPT_S: return parse_u32(arg, &l->sections, 1);
	case OPT_B: return parse_u64(arg, &l->bytes, 1);
	case OPT_POLL: return parse_u32(arg, &o->cfg.ring_poll_us, 0);
	}
	return -EINVAL;
}

static int parse_args(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "address", required_argument, NULL, OPT_ADDRESS },
		{ "foreground", no_argument, NULL, OPT_FOREGROUND },
		{ "trusted-uid", required_argument, NULL, OPT_TUID },
		{ "trusted-gid", required_argument, NULL, OPT_TGID },
		{ "max-client-handles", required_argument, NULL, OPT_CH },
		{ "max-client-sections", required_argument, NULL, OPT_CS },
		{ "max-client-bytes", required_argument, NULL, OPT_CB },
		{ "max-client-views", required_argument, NULL, OPT_CV },
		{ "max-owner-sections", required_argument, NULL, OPT_OS },
		{ "max-owner-bytes", required_argument, NULL, OPT_OB },
		{ "max-clients", required_argument, NULL, OPT_CL },
		{ "max-sections", required_argument, NULL, OPT_S },
		{ "max-bytes", required_argument, NULL, OPT_B },
		{ "ring-poll-us", required_argument, NULL, OPT_POLL },
		{ "global-uid", required_argument, NULL, OPT_GUID },
		{ "global-gid", required_argument, NULL, OPT_GGID },
		{ "file-fs", required_argument, NULL, OPT_FILE_FS },
		{ "max-uid-clients", required_argument, NULL, OPT_UC },
		{ "max-uid-sections", required_argument, NULL, OPT_US },
		{ "max-uid-bytes", required_argument, NULL, OPT_UB },
		{ "max-uid-tokens", required_argument, NULL, OPT_UT },
		{ "max-uid-fds", required_argument, NULL, OPT_UF },
		{ "check-fetch", no_argument, NULL, OPT_CHECK_FETCH },
		{ "trace", no_argument, NULL, OPT_TRACE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			exit(0);
		}
		if (opt == '?' || parse_option(o, opt, optarg)) {
			if (opt != '?')
				fprintf(stderr, "secshmd: bad value for --%s: %s\n",
					longopts[opt - OPT_ADDRESS].name, optarg);
			fprintf(stderr, "Try 'secshmd --help'.\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "secshmd: unexpected argument: %s\nTry 'secshmd --help'.\n",
			argv[optind]);
		return -EINVAL;
	}
	o->cfg.trusted_uids = o->uids;
	o->cfg.trusted_gids = o->gids;
	o->cfg.global_uids = o->global_uids;
	o->cfg.global_gids = o->global_gids;
	return 0;
}

static int default_address(struct options *o)
{
	const char *env = getenv("SECSHM_ADDRESS"), *xdg = getenv("XDG_RUNTIME_DIR");

	if (o->address)
		return 0;
	if (env && *env) {
		o->address = env;
		return 0;
	}
	if (geteuid() == 0) {
		if (mkdir("/run/secshm", 0755) && errno != EEXIST)
			return -errno;
		o->address = "/run/secshm/socket";
		return 0;
	}
	if (!xdg || !*xdg)
		return -ENOENT;
	snprintf(o->default_address, sizeof(o->default_address), "%s/secshm.sock", xdg);
	o->address = o->default_address;
	return 0;
}

/* Detach once the socket listens, so `secshmd && client` never races. */
static int detach(int *ready_fd)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	*ready_fd = p[1];
	return 0;
}

static void detach_done(int ready_fd)
{
	int null = open("/dev/null", O_RDWR);

	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	if (write(ready_fd, "", 1) != 1)
		exit(1);
	close(ready_fd);
}

static struct secshm_server *the_server;

static void on_signal(int sig)
{
	secshm_server_stop(the_server);
}

static int serve(struct secshm_server *srv)
{
	struct sigaction sa = { .sa_handler = on_signal };

	the_server = srv;
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	return secshm_server_run(srv);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct secshm_server *srv;
	int err, ready_fd = -1;

	if (parse_args(&o, argc, argv))
		return 2;
	err = default_address(&o);
	if (err) {
		fprintf(stderr, "secshmd: no address: pass --address or set XDG_RUNTIME_DIR\n");
		return 1;
	}
	if (!o.foreground && (err = detach(&ready_fd)))
		goto fail;
	err = secshm_server_new(&o.cfg, &srv);
	if (err)
		goto fail;
	err = secshm_server_listen(srv, o.address);
	if (err) {
		secshm_server_free(srv);
		goto fail;
	}
	if (ready_fd >= 0)
		detach_done(ready_fd);
	err = serve(srv);
	secshm_server_free(srv);
	if (err)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "secshmd: %s: %s\n", o.address ? o.address : "start", strerror(-err));
	return 1;
}
