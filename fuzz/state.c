// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the server as a whole, driven through its socket by up
 * to FZ_SLOTS clients at once (SPEC: V3).
 *
 * One in-process server (secshm_server_new, listening on a private socket
 * path) lives for the whole run. Each input is a sequence of operations
 * (fuzz/state.h): connect, every built-in request in the raw wire format
 * (docs/protocol.md), CALLs that reach three handlers registered here, the
 * ring path (set up, map, produce requests, consume completions, lie in the
 * shared indices, ring or close the doorbell), descriptors attached where
 * none belong, damaged and garbage messages, bursts that fill the server's
 * reply queue, hang-ups and kills, and secshm_server_dispatch(srv, 0)
 * itself. Requests go out on non-blocking
 * sockets without waiting and replies are read only when an operation says
 * so, so everything sent between two dispatch steps lands in one epoll
 * batch: interleavings a synchronous client never produces. Nothing here
 * reaches into the server's internals; it is a client like any other.
 *
 * Checked while running (abort on failure, which libFuzzer reports):
 *  - every reply is well formed: size, version, the cookie and opcode of
 *    the request it answers, in order; a failure is the header alone, a
 *    status is 0, 1 or -errno, a descriptor comes only with MAP or RING;
 *  - a damaged header gets its documented status (R4);
 *  - a read-only view's descriptor is read-only and cannot be made
 *    writable (H2); MAP echoes the range asked for; a ring's layout fits
 *    its section and its doorbell is non-blocking;
 *  - every reference a handler is given lies inside its section (R2) and
 *    every walk stays inside its limits (R3).
 * After each input every connection is killed, the server is dispatched
 * until it is quiet, names made permanent are removed through the protocol
 * like an administrator would, and the server must be back at its baseline:
 * clients, objects, sections, views, handles, bytes and pinned bytes as
 * secshm_server_stats reports them, and the descriptors the process holds
 * (S4, Q2), once the server's workers are done (a server may close
 * descriptors on another thread: settle_step). ASan and UBSan watch
 * everything else.
 *
 * Runs as any user; as root it also connects as FZ_UID (the connecting
 * thread takes that uid for the connect() call, so SO_PEERCRED reports it)
 * and creates pinned sections.
 *
 * Environment: FZ_TRACE=1 prints each operation and what came back, to
 * read what an input does; FZ_NO_FD_CHECK=1 leaves descriptors out of the
 * baseline, to keep fuzzing for other bugs while a descriptor leak is open.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "secshm-server.h"
#include "secshm-ring.h"
#include "state.h"

#define CHECK(cond) do {							\
		if (!(cond)) {							\
			fprintf(stderr, "fuzz/state: invariant failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);			\
			abort();						\
		}								\
	} while (0)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE		4096ULL
#define POOL		16	/* handles remembered per connection */
#define TOKENS		8	/* transfer tokens remembered per input */
#define CLIENT_IDS	8	/* client ids learnt from SECSHM_CALL_CLIENTS */
#define FILES		8	/* backing files made per input */
#define FDS_ATTACHED	12	/* FZ_ATTACH_MANY: more than any server takes */
#define PENDING_MAX	256	/* requests a connection may have unanswered */
#define ANY_STATUS	INT32_MAX	/* no particular status expected: never a status */
#define QUIET_ROUNDS	10000	/* dispatches a quiet server needs at most */
#define SETTLE_MS	10000	/* a server's worker busier than this has hung */

#define FZ_OP_ECHO	(SECSHM_CALL_USER + 1)
#define FZ_OP_CHECKSUM	(SECSHM_CALL_USER + 2)
#define FZ_OP_WALK	(SECSHM_CALL_USER + 3)
#define CHECKSUM_MAX	(64 * 1024)	/* bytes a checksum reads: keep runs fast */
#define NODE_REFS	8		/* walk node: byte 0 the count, references from 8 */

_Static_assert(sizeof(struct fz_op) == 16, "a record is 16 bytes");
_Static_assert(sizeof(struct fz_create) <= 14 && sizeof(struct fz_call) <= 14 &&
	       sizeof(struct fz_submit) <= 14 && sizeof(struct fz_garbage) <= 14 &&
	       sizeof(struct fz_doorbell) <= 14 && sizeof(struct fz_poke) <= 14,
	       "operation arguments fit a record");

/* ---- what the harness knows, per connection and per input ---- */

struct held {
	uint32_t handle;
	uint64_t length;		/* 0: unknown */
};

/* A request sent and not yet answered, and what to do with its answer. */
struct pending {
	uint64_t cookie;
	uint16_t opcode;
	int32_t expect;			/* the status it must get, or ANY_STATUS */
	bool map;			/* a MAP whose range is below */
	bool ring_map;			/* FZ_RING_MAP: keep the view as the ring */
	uint8_t fill;			/* enum fz_fill */
	uint32_t handle, prot;
	uint64_t offset, length;
};

/* The client's end of its request ring, in a view the harness keeps. */
struct ring_end {
	unsigned char *map;		/* NULL: not mapped */
	size_t len;
	struct secshm_ring_ctl *sq_ctl, *cq_ctl;
	struct secshm_spsc sq;		/* the harness produces requests */
	struct secshm_spsc cq;		/* and consumes completions */
};

struct conn {
	int sock;			/* -1: closed (or never opened) */
	bool shut;			/* FZ_HANGUP_SHUTDOWN: nothing more can be sent */
	int doorbell;			/* -1: none */
	bool has_ring;			/* RING answered: layout is valid */
	struct secshm_ring_args layout;
	struct ring_end ring;
	struct held held[POOL];
	uint32_t nheld;			/* ever learnt; the newest POOL are kept */
	struct pending pending[PENDING_MAX];
	uint32_t head, tail;		/* pending[head % ..] is answered next */
	uint64_t seq;
};

static struct {
	struct secshm_server *srv;
	char dir[64];
	char path[96];
	struct secshm_stats base;
	uint32_t base_fds;		/* descriptors but pipes */
	uint32_t base_all_fds;		/* every descriptor, as secshm_server_stats counts */
	int devnull;
	bool root;
	bool trace;			/* $FZ_TRACE: say what each operation does */
	bool no_fd_check;		/* $FZ_NO_FD_CHECK: a known descriptor leak is open */
	gid_t egid;			/* and groups: what become(false) restores */
	gid_t groups[64];
	int ngroups;
	struct conn conn[FZ_SLOTS];
	struct secshm_token tokens[TOKENS];
	uint32_t ntokens;
	uint64_t client_ids[CLIENT_IDS];
	uint32_t nids;
	int files[FILES];
	uint32_t nfiles;
	char long_names[2][SECSHM_NAME_MAX + 2];
	unsigned char msg[SECSHM_MSG_MAX + 8192];
	unsigned char last_msg[SECSHM_MSG_MAX + 8192];	/* for FZ_REPEAT */
	size_t last_len;
	struct pending last;
	bool last_fds;			/* it carried descriptors */
	unsigned char reply[65536];
} fz;

/* ---- tables the selectors of fuzz/state.h index ---- */

static const char *names[FZ_NNAMES] = {
	[FZ_NAME_A] = "fz/a", [FZ_NAME_B] = "fz/b", [FZ_NAME_C] = "fz/c",
	[FZ_NAME_SHARED] = "fz/shared", [FZ_NAME_PRIVATE] = "fz/private",
	[FZ_NAME_GLOBAL] = "global/fz/g", [FZ_NAME_USER] = "user/1000/fz/u",
	[FZ_NAME_ROOT] = "user/0/fz/r", [FZ_NAME_EMPTY] = "", [FZ_NAME_DOTDOT] = "..",
	[FZ_NAME_UP] = "fz/../a", [FZ_NAME_SLASHES] = "fz//a", [FZ_NAME_LEADING] = "/fz",
	[FZ_NAME_CTRL] = "fz/a\x01",
	/* FZ_NAME_LONGEST and FZ_NAME_TOO_LONG are built by world_init */
};

static const uint64_t sizes[FZ_NSIZES] = {
	[FZ_SIZE_4K] = PAGE, [FZ_SIZE_8K] = 2 * PAGE, [FZ_SIZE_12K] = 3 * PAGE,
	[FZ_SIZE_64K] = 16 * PAGE, [FZ_SIZE_1] = 1, [FZ_SIZE_4095] = PAGE - 1,
	[FZ_SIZE_4097] = PAGE + 1, [FZ_SIZE_ODD] = 12345, [FZ_SIZE_0] = 0,
	[FZ_SIZE_1M] = 1 << 20, [FZ_SIZE_4M] = 4 << 20, [FZ_SIZE_8M] = 8 << 20,
	[FZ_SIZE_1T] = 1ULL << 40, [FZ_SIZE_MAX] = UINT64_MAX,
	[FZ_SIZE_OVER_INT64] = (uint64_t)INT64_MAX + 1, [FZ_SIZE_256K] = 256 << 10,
};

static const uint32_t accesses[FZ_NACCESS] = {
	[FZ_ACC_ALL] = SECSHM_GENERIC_ALL, [FZ_ACC_READ] = SECSHM_GENERIC_READ,
	[FZ_ACC_WRITE] = SECSHM_GENERIC_WRITE, [FZ_ACC_QUERY] = SECSHM_ACCESS_QUERY,
	[FZ_ACC_MAP_READ] = SECSHM_ACCESS_MAP_READ,
	[FZ_ACC_MAP_RW] = SECSHM_ACCESS_MAP_READ | SECSHM_ACCESS_MAP_WRITE,
	[FZ_ACC_DUP_QUERY] = SECSHM_ACCESS_DUPLICATE | SECSHM_ACCESS_QUERY,
	[FZ_ACC_DELETE] = SECSHM_ACCESS_DELETE, [FZ_ACC_SPECIFIC] = SECSHM_ACCESS_SPECIFIC,
	[FZ_ACC_READ_DUP] = SECSHM_GENERIC_READ_MAP | SECSHM_ACCESS_DUPLICATE,
	[FZ_ACC_NONE] = 0, [FZ_ACC_UNKNOWN_BIT] = 1U << 5, [FZ_ACC_EVERY_BIT] = UINT32_MAX,
	[FZ_ACC_READ_DELETE] = SECSHM_GENERIC_READ | SECSHM_ACCESS_DELETE,
	[FZ_ACC_MAP_WRITE] = SECSHM_ACCESS_MAP_WRITE,
	[FZ_ACC_ALL_DUP] = SECSHM_GENERIC_ALL | SECSHM_ACCESS_DUPLICATE,
};

static const uint32_t modes[8] = { 0600, 0640, 0644, 0666, 0, 0400, 0660, 0777 };
static const uint32_t ids[FZ_NIDS] = {
	[FZ_ID_CALLER] = SECSHM_ID_CALLER, [FZ_ID_ROOT] = 0, [FZ_ID_USER] = FZ_UID,
	[FZ_ID_OTHER] = 4242,
};

static const uint64_t view_offsets[8] = {
	0, PAGE, 2 * PAGE, 1, PAGE - 1, 1 << 20, UINT64_MAX - (PAGE - 1), 1ULL << 40,
};
static const uint64_t view_lengths[8] = {
	0 /* FZ_LENGTH_WHOLE */, PAGE, 2 * PAGE, 0, PAGE + 1, 1 << 20, UINT64_MAX & ~(PAGE - 1),
	3 * PAGE,
};

static const uint64_t ref_offsets[8] = {
	[FZ_ROFF_0] = 0, [FZ_ROFF_8] = 8, [FZ_ROFF_64] = 64, [FZ_ROFF_4K] = PAGE,
	[FZ_ROFF_4000] = 4000, [FZ_ROFF_8191] = 2 * PAGE - 1, [FZ_ROFF_WRAP] = UINT64_MAX - 10,
	[FZ_ROFF_1T] = 1ULL << 40,
};
static const uint64_t ref_lengths[8] = {
	[FZ_RLEN_64] = 64, [FZ_RLEN_8] = 8, [FZ_RLEN_4K] = PAGE, [FZ_RLEN_1] = 1,
	[FZ_RLEN_8K] = 2 * PAGE, [FZ_RLEN_0] = 0, [FZ_RLEN_96] = 96, [FZ_RLEN_MAX] = UINT64_MAX,
};

static const uint32_t call_ops[FZ_NCALLS] = {
	[FZ_CALL_ECHO] = FZ_OP_ECHO, [FZ_CALL_CHECKSUM] = FZ_OP_CHECKSUM,
	[FZ_CALL_WALK] = FZ_OP_WALK, [FZ_CALL_STATS] = SECSHM_CALL_STATS,
	[FZ_CALL_FLUSH] = SECSHM_CALL_FLUSH, [FZ_CALL_CLIENTS] = SECSHM_CALL_CLIENTS,
	[FZ_CALL_HANDLES] = SECSHM_CALL_HANDLES, [FZ_CALL_BUILTIN_0] = 0,
	[FZ_CALL_BUILTIN_5] = 5, [FZ_CALL_UNREGISTERED] = SECSHM_CALL_USER + 99,
	[FZ_CALL_MAX] = SECSHM_CALL_MAX, [FZ_CALL_PAST_MAX] = SECSHM_CALL_MAX + 1,
	[FZ_CALL_USER_BASE] = SECSHM_CALL_USER, [FZ_CALL_BELOW_USER] = SECSHM_CALL_USER - 1,
	/* the handlers again: most calls should reach one */
	[FZ_CALL_ECHO_AGAIN] = FZ_OP_ECHO, [FZ_CALL_WALK_AGAIN] = FZ_OP_WALK,
};

static const uint32_t in_lens[8] = {
	[FZ_IN_0] = 0, [FZ_IN_4] = 4, [FZ_IN_12] = 12, [FZ_IN_16] = 16, [FZ_IN_56] = 56,
	[FZ_IN_1000] = 1000, [FZ_IN_MAX] = SECSHM_INLINE_MAX,
	[FZ_IN_PAST_MAX] = SECSHM_INLINE_MAX + 1,
};
static const uint32_t out_lens[8] = {
	[FZ_OUT_0] = 0, [FZ_OUT_8] = 8, [FZ_OUT_64] = 64,
	[FZ_OUT_STATS] = sizeof(struct secshm_stats), [FZ_OUT_4K] = PAGE,
	[FZ_OUT_MAX] = SECSHM_INLINE_MAX, [FZ_OUT_PAST_MAX] = SECSHM_INLINE_MAX + 1,
	[FZ_OUT_48] = 48,
};

static const uint32_t ring_entries[8] = { 0, 1, 2, 8, 64, 4096, 3, 8192 };
static const uint64_t truncate_sizes[8] = { 0, 1, PAGE, PAGE + 1, 2 * PAGE, 3 * PAGE,
					    16 * PAGE, 1 << 20 };

/* The argument struct of each built-in opcode, as the socket carries it. */
static const size_t args_sizes[SECSHM_OP_MAX_BUILTIN + 1] = {
	[SECSHM_OP_CREATE] = sizeof(struct secshm_create_args),
	[SECSHM_OP_OPEN] = sizeof(struct secshm_open_args),
	[SECSHM_OP_CLOSE] = sizeof(struct secshm_handle_args),
	[SECSHM_OP_QUERY] = sizeof(struct secshm_query_args),
	[SECSHM_OP_DUPLICATE] = sizeof(struct secshm_dup_args),
	[SECSHM_OP_MAP] = sizeof(struct secshm_map_args),
	[SECSHM_OP_UNLINK] = sizeof(struct secshm_handle_args),
	[SECSHM_OP_LIST] = sizeof(struct secshm_list_args),
	[SECSHM_OP_CALL] = sizeof(struct secshm_call_args),
	[SECSHM_OP_RING] = sizeof(struct secshm_ring_args),
};

/* ---- small helpers ---- */

/* splitmix64: deterministic bytes from a seed the input chose. */
static uint64_t mix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fill_random(void *dst, size_t len, uint64_t seed)
{
	unsigned char *p = dst;

	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = mix(&seed);

		memcpy(p + i, &v, len - i < 8 ? len - i : 8);
	}
}

static uint64_t le(const uint8_t *b, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | b[n];
	return v;
}

static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t page_round(uint64_t len)
{
	return len > UINT64_MAX - (PAGE - 1) ? 0 : (len + PAGE - 1) & ~(PAGE - 1);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static bool errno_status(int32_t s)
{
	return s < 0 && s >= -4095;
}

/* ---- handlers registered on the server, so CALL reaches user code ---- */

/* Every span a handler is given must lie inside its section (R2). */
static void check_spans(const struct secshm_request *req)
{
	for (uint32_t i = 0; i < req->nrefs; i++) {
		const struct secshm_span *s = &req->refs[i];
		uint64_t len = secshm_section_length(s->section);

		CHECK(s->length && s->offset < len && s->length <= len - s->offset);
		CHECK(s->flags && !(s->flags & ~(SECSHM_REF_READ | SECSHM_REF_WRITE)));
		CHECK(s->base);
	}
}

/* Reads the head of every readable reference, writes every writable one. */
static int op_echo(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	uint64_t h = fnv(0xcbf29ce484222325ULL, req->in, req->in_len);
	unsigned char buf[64];
	size_t n;
	int err;

	check_spans(req);
	for (uint32_t i = 0; i < req->nrefs; i++) {
		const struct secshm_span *s = &req->refs[i];
		size_t len = s->length < sizeof(buf) ? (size_t)s->length : sizeof(buf);

		if (s->flags & SECSHM_REF_READ) {
			err = secshm_capture(s, 0, buf, len);
			if (err)
				return err;
			h = fnv(h, buf, len);
		}
		if (s->flags & SECSHM_REF_WRITE) {
			memset(buf, (int)(h & 0xff), len);
			err = secshm_copy_out(s, s->length - len, buf, len);
			if (err)
				return err;
		}
	}
	n = req->out_cap < sizeof(h) + req->in_len ? req->out_cap : sizeof(h) + req->in_len;
	memcpy(req->out, &h, n < sizeof(h) ? n : sizeof(h));
	if (n > sizeof(h))
		memcpy((unsigned char *)req->out + sizeof(h), req->in, n - sizeof(h));
	req->out_len = n;
	return (int)(h & 1);	/* a positive informational status, sometimes */
}

/* A checksum over one reference, read a page at a time. */
static int op_checksum(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	const struct secshm_span *s = &req->refs[0];
	uint64_t len = s->length < CHECKSUM_MAX ? s->length : CHECKSUM_MAX;
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned char buf[PAGE];

	check_spans(req);
	for (uint64_t off = 0; off < len; off += sizeof(buf)) {
		size_t n = len - off < sizeof(buf) ? (size_t)(len - off) : sizeof(buf);
		int err = secshm_capture(s, off, buf, n);

		if (err)
			return err;
		h = fnv(h, buf, n);
	}
	if (req->out_cap < sizeof(h))
		return -ENOSPC;
	memcpy(req->out, &h, sizeof(h));
	req->out_len = sizeof(h);
	return 0;
}

struct walk_run {
	const struct secshm_walk *walk;
	uint32_t nodes;
	uint64_t bytes;
};

/*
 * A node is its private copy: byte 0 the number of references, which
 * follow from byte NODE_REFS. More than fit are cut to what fits; more
 * than SECSHM_WALK_FANOUT are all reported (only FANOUT written), which
 * the walker must refuse.
 */
static int walk_visit(void *ctx, const void *node, size_t len, uint32_t depth,
		      struct secshm_ref next[SECSHM_WALK_FANOUT])
{
	struct walk_run *run = ctx;
	const unsigned char *b = node;
	size_t n;

	run->nodes++;
	run->bytes += len;
	CHECK(depth <= run->walk->max_depth && run->nodes <= run->walk->max_nodes);
	CHECK(len <= run->walk->max_node && run->bytes <= run->walk->max_bytes);
	if (len < NODE_REFS)
		return 0;
	n = b[0];
	if (n > (len - NODE_REFS) / sizeof(*next))
		n = (len - NODE_REFS) / sizeof(*next);
	for (size_t i = 0; i < n && i < SECSHM_WALK_FANOUT; i++)
		memcpy(&next[i], b + NODE_REFS + i * sizeof(*next), sizeof(*next));
	return (int)n;
}

/* The nested walk from the first reference; 16 input bytes set its limits. */
static int op_walk(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	struct secshm_walk walk = { .max_depth = 8, .max_nodes = 32, .max_bytes = 65536,
				    .max_node = PAGE, .visit = walk_visit };
	struct walk_run run = { .walk = &walk };
	uint32_t limits[4];
	int err;

	check_spans(req);
	if (req->in_len == sizeof(limits)) {
		memcpy(limits, req->in, sizeof(limits));
		walk.max_depth = limits[0];
		walk.max_nodes = limits[1];
		walk.max_node = limits[2];
		walk.max_bytes = limits[3];
	}
	walk.ctx = &run;
	err = secshm_walk(req->client, &req->refs[0], &walk);
	if (err)
		return err;
	if (req->out_cap >= sizeof(run.nodes)) {
		memcpy(req->out, &run.nodes, sizeof(run.nodes));
		req->out_len = sizeof(run.nodes);
	}
	return 0;
}

/* ---- the server and its baseline ---- */

/*
 * Descriptors the process holds, pipes aside: the sanitizers' symbolizer
 * (started when libFuzzer first prints a new function) keeps two for good.
 */
static uint32_t count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[300], target[64];
	uint32_t n = 0;

	CHECK(d);
	while ((e = readdir(d))) {
		ssize_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0 || strncmp(target, "pipe:", 5))
			n++;
	}
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

static void dump_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[300], target[300];

	while (d && (e = readdir(d))) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		fprintf(stderr, "  fd %s -> %s\n", e->d_name, target);
	}
	if (d)
		closedir(d);
}

/* Dispatch until the server has nothing left to do. */
static void quiet(void)
{
	struct pollfd p = { .fd = secshm_server_fd(fz.srv), .events = POLLIN };
	int rounds = 0;

	while (poll(&p, 1, 0) > 0) {
		CHECK(++rounds < QUIET_ROUNDS);	/* a server that never settles */
		CHECK(secshm_server_dispatch(fz.srv, 0) >= 0);
	}
}

/*
 * A descriptor a client sent is closed on one of the server's worker
 * threads, and when it was another client's socket, that client's hang-up
 * comes only then. Each finished job wakes the server's descriptor, so
 * this waits on it (up to 10 ms) rather than sleeping; the callers' bound,
 * SETTLE_MS, only tells a hung worker from a slow machine.
 */
static void settle_step(void)
{
	struct pollfd p = { .fd = secshm_server_fd(fz.srv), .events = POLLIN };

	poll(&p, 1, 10);
	quiet();
}

static void world_exit(void)
{
	secshm_server_free(fz.srv);
	rmdir(fz.dir);
}

static void server_section(const char *name, uint32_t attributes)
{
	struct secshm_sd sd = { SECSHM_ID_CALLER, SECSHM_ID_CALLER, 0644, 0, { { 0 } } };
	struct secshm_object_attr attr = {
		.name = name, .attributes = SECSHM_OBJ_KERNEL_HANDLE | attributes, .sd = &sd,
	};
	uint32_t h;

	CHECK(secshm_section_create(fz.srv, &attr, PAGE, 0, SECSHM_GENERIC_ALL, -1, &h) == 0);
}

static void world_init(void)
{
	static const uid_t trusted[] = { 0 };
	static const struct secshm_opcode ops[] = {
		{ FZ_OP_ECHO, 0, SECSHM_REFS_MAX, 0, SECSHM_INLINE_MAX, op_echo, NULL },
		{ FZ_OP_CHECKSUM, 1, 1, 0, 0, op_checksum, NULL },
		{ FZ_OP_WALK, 1, 1, 0, 16, op_walk, NULL },
	};
	/* Small quotas, so that inputs reach them. */
	struct secshm_server_config cfg = {
		.limits = {
			.client_handles = 64, .client_sections = 8, .client_bytes = 4 << 20,
			.client_views = 16, .owner_sections = 4, .owner_bytes = 1 << 20,
			.client_pinned = 64 << 10, .clients = 16, .sections = 64,
			.bytes = 32 << 20, .pinned = 128 << 10,
		},
		.trusted_uids = trusted, .ntrusted_uids = 1,
	};

	signal(SIGPIPE, SIG_IGN);	/* a doorbell may be a pipe whose reader left */
	fz.trace = getenv("FZ_TRACE");
	fz.no_fd_check = getenv("FZ_NO_FD_CHECK");
	fz.root = geteuid() == 0;
	fz.egid = getegid();
	fz.ngroups = getgroups(ARRAY_SIZE(fz.groups), fz.groups);
	CHECK(fz.ngroups >= 0);
	/* tmpfs if there is one: FLUSH of a file-backed section must not hit a disk */
	strcpy(fz.dir, "/dev/shm/secshm-fz-XXXXXX");
	if (!mkdtemp(fz.dir)) {
		strcpy(fz.dir, "/tmp/secshm-fz-XXXXXX");
		CHECK(mkdtemp(fz.dir));
	}
	CHECK(chmod(fz.dir, 0711) == 0);	/* FZ_UID must reach the socket */
	snprintf(fz.path, sizeof(fz.path), "%s/socket", fz.dir);
	memset(fz.long_names, 'a', sizeof(fz.long_names));
	fz.long_names[0][SECSHM_NAME_MAX] = '\0';
	fz.long_names[1][SECSHM_NAME_MAX + 1] = '\0';
	names[FZ_NAME_LONGEST] = fz.long_names[0];
	names[FZ_NAME_TOO_LONG] = fz.long_names[1];

	CHECK(secshm_server_new(&cfg, &fz.srv) == 0);
	CHECK(secshm_server_listen(fz.srv, fz.path) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		CHECK(secshm_server_register(fz.srv, &ops[i]) == 0);
	server_section(names[FZ_NAME_SHARED], 0);
	server_section(names[FZ_NAME_PRIVATE], SECSHM_OBJ_SERVER_PRIVATE);
	atexit(world_exit);

	fz.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(fz.devnull >= 0);
	for (int i = 0; i < FZ_SLOTS; i++)
		fz.conn[i] = (struct conn){ .sock = -1, .doorbell = -1 };
	for (int i = 0; i < FILES; i++)
		fz.files[i] = -1;
	quiet();
	secshm_server_stats(fz.srv, &fz.base);
	fz.base_fds = count_fds();
	fz.base_all_fds = fz.base.fds;
}

/* ---- connections ---- */

/*
 * Take on FZ_UID (and its groups) or go back to what the process had. The
 * raw system calls change this thread alone; glibc's wrappers would stop
 * every thread with a signal to change them all, for each call.
 */
static void become(bool user)
{
	static const gid_t user_groups[] = { FZ_UID };

	if (user) {
		CHECK(!syscall(SYS_setgroups, ARRAY_SIZE(user_groups), user_groups));
		CHECK(!syscall(SYS_setresgid, -1, FZ_UID, -1));
		CHECK(!syscall(SYS_setresuid, -1, FZ_UID, -1));
	} else {
		CHECK(!syscall(SYS_setresuid, -1, 0, -1));
		CHECK(!syscall(SYS_setresgid, -1, fz.egid, -1));
		CHECK(!syscall(SYS_setgroups, fz.ngroups, fz.groups));
	}
}

/* SO_PEERCRED is taken at connect(): that is when the uid must be FZ_UID. */
static int dial(bool as_user)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err;

	CHECK(fd >= 0);
	strcpy(addr.sun_path, fz.path);
	as_user = as_user && fz.root;
	if (as_user)
		become(true);
	err = connect(fd, (const struct sockaddr *)&addr, sizeof(addr));
	if (as_user)
		become(false);
	if (err)
		close_fd(&fd);	/* a full backlog: the connection never was */
	return fd;
}

static void ring_unmap(struct ring_end *r)
{
	if (r->map)
		munmap(r->map, r->len);
	*r = (struct ring_end){ 0 };
}

/* Everything a process holds for this connection goes, as when it dies. */
static void conn_kill(struct conn *c)
{
	close_fd(&c->sock);
	close_fd(&c->doorbell);
	ring_unmap(&c->ring);
	*c = (struct conn){ .sock = -1, .doorbell = -1 };
}

static bool can_send(const struct conn *c)
{
	return c->sock >= 0 && !c->shut;
}

static bool can_read(const struct conn *c)
{
	return c->sock >= 0;
}

static bool has_doorbell(const struct conn *c)
{
	return c->doorbell >= 0;
}

static bool has_ring_view(const struct conn *c)
{
	return c->ring.map;
}

static bool has_ring(const struct conn *c)
{
	return c->has_ring && can_send(c);
}

static bool holds_anything(const struct conn *c)
{
	return c->sock >= 0 || c->doorbell >= 0 || c->ring.map;
}

/* The slot the operation names, or the next one that can do it. */
static struct conn *pick(const struct fz_op *op, bool (*usable)(const struct conn *))
{
	for (int i = 0; i < FZ_SLOTS; i++) {
		struct conn *c = &fz.conn[(FZ_CONN_SLOT(op->conn) + i) % FZ_SLOTS];

		if (usable(c))
			return c;
	}
	return NULL;
}

static int slot_of(const struct conn *c)
{
	return (int)(c - fz.conn);
}

/* ---- what the client learnt: handles, tokens, client ids ---- */

static void learn_handle(struct conn *c, uint32_t handle, uint64_t length)
{
	c->held[c->nheld++ % POOL] = (struct held){ handle, length };
}

static const struct held *newest(const struct conn *c, uint32_t i)
{
	uint32_t count = c->nheld < POOL ? c->nheld : POOL;

	if (!count)
		return NULL;
	return &c->held[(c->nheld - 1 - i % count) % POOL];
}

static void learn_length(struct conn *c, uint32_t handle, uint64_t length)
{
	for (uint32_t i = 0; i < POOL; i++)
		if (c->held[i].handle == handle)
			c->held[i].length = length;
}

static uint32_t forge(uint32_t h, uint8_t how)
{
	switch (how) {
	case 0:
		return h + (1U << 20);		/* the next generation of its slot */
	case 1:
		return h + 1;			/* the next slot */
	case 2:
		return h ^ SECSHM_HANDLE_SERVER;
	case 3:
		return UINT32_MAX;
	}
	return h + ((uint32_t)how << 20);
}

/* The handle value a selector names (fuzz/state.h). */
static uint32_t pick_handle(const struct conn *c, uint8_t sel)
{
	const struct held *h = newest(c, sel);
	uint32_t mine = h ? h->handle : 1;	/* what a fresh table gives first */

	if (sel < FZ_HANDLE_OTHER)
		return mine;
	if (sel < FZ_HANDLE_RAW) {
		const struct conn *o = &fz.conn[(slot_of(c) + 1 + (sel & 3)) % FZ_SLOTS];

		h = newest(o, 0);
		return h ? h->handle : 1;
	}
	if (sel < FZ_HANDLE_SERVER)
		return sel & 0xf;
	if (sel < FZ_HANDLE_FORGED)
		return SECSHM_HANDLE_SERVER | (sel & 0xf);
	return forge(mine, sel & 0xf);
}

static uint64_t held_length(const struct conn *c, uint32_t handle)
{
	for (uint32_t i = 0; i < POOL; i++)
		if (c->held[i].handle == handle && c->held[i].length)
			return c->held[i].length;
	return 0;
}

/* A token exported in this input, newest first, or a forged one. */
static struct secshm_token pick_token(uint8_t sel)
{
	uint32_t count = fz.ntokens < TOKENS ? fz.ntokens : TOKENS;
	struct secshm_token t = { { 0x5ec5000000000000ULL | sel, UINT64_MAX } };

	if (count && !(sel & 0x80))
		t = fz.tokens[(fz.ntokens - 1 - (sel & 7) % count) % TOKENS];
	return t;
}

static uint64_t pick_client_id(uint8_t sel)
{
	uint32_t count = fz.nids < CLIENT_IDS ? fz.nids : CLIENT_IDS;

	if (!count)
		return sel;	/* ids count from 1: a guess */
	return fz.client_ids[(fz.nids - 1 - sel % count) % CLIENT_IDS];
}

/* ---- descriptors that go with a request ---- */

static int new_memfd(uint64_t size)
{
	int fd = memfd_create("fz", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	CHECK(fd >= 0);
	if (ftruncate(fd, (off_t)(size > INT64_MAX ? INT64_MAX : size)))
		;	/* a size the file cannot have: the server sees the mismatch */
	return fd;
}

static int reopen(int fd, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return open(path, flags | O_CLOEXEC);
}

/* Keep a backing file for FZ_TRUNCATE; the oldest goes when there are too many. */
static void keep_file(int fd)
{
	int *slot = &fz.files[fz.nfiles++ % FILES];

	close_fd(slot);
	*slot = fd;
}

/* A file of one of the kinds file-backed CREATE must handle (P9). */
static int backing_file(uint8_t kind, uint64_t size)
{
	int fd = -1, tmp;

	switch (kind % FZ_NFILES) {
	case FZ_FILE_MEMFD:
		fd = new_memfd(size);
		break;
	case FZ_FILE_SEALED:
		fd = new_memfd(size);
		fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);
		break;
	case FZ_FILE_FUTURE_SEALED:
		fd = new_memfd(size);
		fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE);
		break;
	case FZ_FILE_NOT_REGULAR:
		fd = open(fz.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		break;
	default:
		fd = open(fz.dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0) {
			fd = new_memfd(size);	/* no O_TMPFILE here */
			break;
		}
		if (kind % FZ_NFILES == FZ_FILE_MISMATCH)
			size += 2 * PAGE;
		if (ftruncate(fd, (off_t)(size > INT64_MAX ? INT64_MAX : size)))
			;	/* as new_memfd */
		if (kind % FZ_NFILES == FZ_FILE_READONLY || kind % FZ_NFILES == FZ_FILE_APPEND) {
			tmp = reopen(fd, kind % FZ_NFILES == FZ_FILE_READONLY ? O_RDONLY :
				     O_RDWR | O_APPEND);
			close(fd);
			fd = tmp;
		}
	}
	CHECK(fd >= 0);
	keep_file(fd);
	return fd;
}

/* ---- sending requests ---- */

/* What the server answers in its header, taken from the bytes it got. */
static void echoed(const unsigned char *msg, size_t len, struct pending *p)
{
	struct secshm_msg hdr = { 0 };

	memcpy(&hdr, msg, len < sizeof(hdr) ? len : sizeof(hdr));
	p->cookie = hdr.cookie;
	p->opcode = hdr.opcode;
}

/* Gather the descriptors the attach mode asks for; *owned must be closed. */
static int attachments(const struct conn *c, uint8_t attach, int natural, int *fds, int *owned)
{
	int n = 0;

	*owned = -1;
	switch (attach) {
	case FZ_ATTACH_NATURAL:
		if (natural >= 0)
			fds[n++] = natural;
		break;
	case FZ_ATTACH_NONE:
		break;
	case FZ_ATTACH_NULL:
		if (natural >= 0)
			fds[n++] = natural;
		fds[n++] = fz.devnull;
		break;
	case FZ_ATTACH_MEMFD:
		fds[n++] = *owned = new_memfd(PAGE);
		break;
	case FZ_ATTACH_DOORBELL:
		fds[n++] = c->doorbell >= 0 ? c->doorbell : fz.devnull;
		break;
	case FZ_ATTACH_SOCKET:
		fds[n++] = c->sock;
		for (int i = 1; i < FZ_SLOTS; i++) {
			const struct conn *o = &fz.conn[(slot_of(c) + i) % FZ_SLOTS];

			if (o->sock >= 0) {
				fds[0] = o->sock;
				break;
			}
		}
		break;
	case FZ_ATTACH_SEVERAL:
		fds[n++] = natural >= 0 ? natural : fz.devnull;
		fds[n++] = *owned = new_memfd(PAGE);
		fds[n++] = fz.devnull;
		break;
	case FZ_ATTACH_MANY:
		while (n < FDS_ATTACHED)
			fds[n++] = fz.devnull;
		break;
	}
	return n;
}

static int send_message(int sock, const void *data, size_t len, const int *fds, int nfds)
{
	union {
		char buf[CMSG_SPACE(FDS_ATTACHED * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)data, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *cm;

		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/*
 * Send len bytes of msg with the attach mode's descriptors and, unless the
 * socket would not take it, remember the request until its answer, and
 * the message for FZ_REPEAT.
 */
static void send_raw(struct conn *c, const unsigned char *msg, size_t len, uint8_t attach,
		     int natural, struct pending *p)
{
	int fds[FDS_ATTACHED], owned, nfds, err;

	if (c->tail - c->head == PENDING_MAX)
		return;	/* enough unanswered: the answers could not be checked */
	nfds = attachments(c, attach, natural, fds, &owned);
	err = send_message(c->sock, msg, len, fds, nfds);
	close_fd(&owned);
	if (err || !len)
		return;	/* not sent (a full socket, a peer gone), or no answer due */
	echoed(msg, len, p);
	c->pending[c->tail++ % PENDING_MAX] = *p;
	if (msg != fz.last_msg)
		memcpy(fz.last_msg, msg, len);
	fz.last_len = len;
	fz.last = *p;
	fz.last_fds = nfds;
}

/*
 * A request as docs/protocol.md frames it: header, argument struct (whose
 * first field is its size), then the tail; damaged as the operation's
 * connection byte says.
 */
static void send_request(struct conn *c, uint8_t connbyte, uint16_t opcode, const void *args,
			 size_t args_len, const void *tail, size_t tail_len, int natural,
			 struct pending *p)
{
	uint8_t mangle = FZ_CONN_MANGLE(connbyte), attach = FZ_CONN_ATTACH(connbyte);
	size_t ext = mangle == FZ_MANGLE_EXTEND || mangle == FZ_MANGLE_EXTEND_JUNK ? 8 : 0;
	size_t len = sizeof(struct secshm_msg) + args_len + ext + tail_len;
	struct secshm_msg hdr = {
		.size = (uint32_t)len, .version = SECSHM_ABI_VERSION, .opcode = opcode,
		.cookie = (uint64_t)slot_of(c) << 56 | ++c->seq,
	};
	unsigned char *a = fz.msg + sizeof(hdr);
	uint32_t size;

	CHECK(len <= sizeof(fz.msg));
	memcpy(a, args, args_len);
	memset(a + args_len, mangle == FZ_MANGLE_EXTEND_JUNK ? 0xa5 : 0, ext);
	memcpy(&size, a, sizeof(size));
	size += (uint32_t)ext;
	memcpy(a, &size, sizeof(size));
	if (tail_len)
		memcpy(a + args_len + ext, tail, tail_len);

	p->expect = ANY_STATUS;
	switch (mangle) {
	case FZ_MANGLE_CUT:
		len--;
		p->expect = -EBADMSG;
		break;
	case FZ_MANGLE_SHORT:
		len = 12;
		p->expect = -EBADMSG;
		break;
	case FZ_MANGLE_SIZE:
		hdr.size += 8;
		p->expect = -EBADMSG;
		break;
	case FZ_MANGLE_VERSION:
		hdr.version = SECSHM_ABI_VERSION + 1;
		p->expect = -EPROTO;
		break;
	case FZ_MANGLE_STATUS:
		hdr.status = -1;
		p->expect = -EINVAL;
		break;
	case FZ_MANGLE_EXTEND_JUNK:
		p->expect = -E2BIG;
		break;
	}
	/* Too long is found before anything else in the message. */
	if (len > SECSHM_MSG_MAX)
		p->expect = -EBADMSG;
	/* Which complaint wins when descriptors are wrong too is not documented. */
	if (attach != FZ_ATTACH_NATURAL)
		p->expect = ANY_STATUS;
	memcpy(fz.msg, &hdr, sizeof(hdr));
	send_raw(c, fz.msg, len, attach, natural, p);
}

/* ---- replies ---- */

static void check_ring_layout(const struct secshm_ring_args *a)
{
	uint64_t n = a->entries;

	CHECK(n && !(n & (n - 1)) && n <= SECSHM_RING_MAX);
	CHECK(a->length && !(a->length % PAGE));
	CHECK(a->sq_ctl + sizeof(struct secshm_ring_ctl) <= a->length);
	CHECK(a->cq_ctl + sizeof(struct secshm_ring_ctl) <= a->length);
	CHECK(a->sqes + n * sizeof(struct secshm_sqe) <= a->length);
	CHECK(a->cqes + n * sizeof(struct secshm_cqe) <= a->length);
}

static void put_node(unsigned char *base, size_t avail, size_t at, uint8_t n,
		     const struct secshm_ref *refs)
{
	if (at + NODE_REFS + n * sizeof(*refs) > avail)
		return;
	base[at] = n;
	if (n)
		memcpy(base + at + NODE_REFS, refs, n * sizeof(*refs));
}

/*
 * Nested-reference structures for FZ_OP_WALK, laid out from the start of
 * the view (section offset off) and naming the section through handle h.
 */
static void fill_view(unsigned char *base, size_t avail, uint64_t off, uint32_t h, uint8_t fill)
{
	struct secshm_ref r[6];
	int kind = fill % FZ_NFILLS, depth = kind == FZ_FILL_DEEP ? 40 : 8;

#define REF(handle, at, len) ((struct secshm_ref){ (handle), SECSHM_REF_READ, off + (at), (len) })
	switch (kind) {
	case FZ_FILL_LIST:
	case FZ_FILL_DEEP:
		for (int i = 0; i < depth; i++) {
			r[0] = REF(h, (uint64_t)(i + 1) * 64, 64);
			put_node(base, avail, (size_t)i * 64, i < depth - 1, r);
		}
		break;
	case FZ_FILL_CYCLE:
		r[0] = REF(h, 64, 64);
		put_node(base, avail, 0, 1, r);
		r[0] = REF(h, 0, 64);
		put_node(base, avail, 64, 1, r);
		break;
	case FZ_FILL_TREE:
	case FZ_FILL_WIDE:
		for (int i = 0; i < 6; i++) {
			r[i] = REF(h, 256 + (uint64_t)i * 64, 64);
			put_node(base, avail, 256 + (size_t)i * 64, 0, NULL);
		}
		put_node(base, avail, 0, kind == FZ_FILL_TREE ? 4 : 6, r);
		break;
	case FZ_FILL_STALE:
		r[0] = REF(forge(h, 0), 64, 64);
		r[1] = REF(h ^ SECSHM_HANDLE_SERVER, 64, 64);
		r[2] = REF(0, 64, 64);
		put_node(base, avail, 0, 3, r);
		break;
	case FZ_FILL_RANDOM:
		fill_random(base, avail < PAGE ? avail : PAGE, h);
		break;
	default:
		base[0] ^= 1;
		base[avail - 1] ^= 1;
	}
#undef REF
}

/*
 * A view's descriptor arrived: map it the way a client would (P4), check
 * a read-only one stays read-only (H2), write or read through it, unmap.
 * Pages past the end of a file someone truncated are left alone: touching
 * them would fault here, in the client.
 */
static void use_view(int fd, const struct secshm_map_args *a, uint8_t fill)
{
	bool writable = a->prot & SECSHM_PROT_WRITE;
	struct stat st;
	unsigned char *p;
	size_t avail;

	if (!writable)
		CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
	if (fstat(fd, &st) || a->length > SIZE_MAX || a->offset > INT64_MAX)
		return;
	p = mmap(NULL, a->length, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED,
		 fd, (off_t)a->offset);
	if (p == MAP_FAILED)
		return;
	if (!writable) {
		CHECK(mprotect(p, a->length, PROT_READ | PROT_WRITE) != 0);
		CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			   (off_t)a->offset) == MAP_FAILED);
	}
	avail = (uint64_t)st.st_size > a->offset ? (size_t)((uint64_t)st.st_size - a->offset) : 0;
	avail = avail < a->length ? avail : (size_t)a->length;
	if (avail && writable)
		fill_view(p, avail, a->offset, a->handle, fill);
	else if (avail)
		(void)*(volatile unsigned char *)(p + avail - 1);
	munmap(p, a->length);
}

/* The ring's section arrived writable: keep it as this client's end. */
static void keep_ring_view(struct conn *c, int fd)
{
	const struct secshm_ring_args *a = &c->layout;
	struct ring_end *r = &c->ring;
	unsigned char *p = mmap(NULL, a->length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return;
	ring_unmap(r);
	r->map = p;
	r->len = a->length;
	r->sq_ctl = (struct secshm_ring_ctl *)(p + a->sq_ctl);
	r->cq_ctl = (struct secshm_ring_ctl *)(p + a->cq_ctl);
	CHECK(!secshm_spsc_init(&r->sq, r->sq_ctl, p + a->sqes, a->entries,
				sizeof(struct secshm_sqe)));
	CHECK(!secshm_spsc_init(&r->cq, r->cq_ctl, p + a->cqes, a->entries,
				sizeof(struct secshm_cqe)));
	/* A second view of a ring in use carries on where the indices are. */
	r->sq.own = r->sq.peer = __atomic_load_n(&r->sq_ctl->tail, __ATOMIC_ACQUIRE);
	r->cq.own = r->cq.peer = __atomic_load_n(&r->cq_ctl->head, __ATOMIC_ACQUIRE);
}

static void learn_map(struct conn *c, const struct pending *p, const unsigned char *args, int fd)
{
	struct secshm_map_args a;

	memcpy(&a, args, sizeof(a));
	if (p->map)
		CHECK(a.handle == p->handle && a.prot == p->prot && a.offset == p->offset &&
		      a.length == p->length);
	learn_handle(c, a.view, a.length);
	if (p->ring_map && c->has_ring && a.handle == c->layout.handle && !a.offset &&
	    a.length == c->layout.length && (a.prot & SECSHM_PROT_WRITE)) {
		CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
		keep_ring_view(c, fd);
	} else {
		use_view(fd, &a, p->fill);
	}
}

static void learn_ring(struct conn *c, const unsigned char *args, int fd)
{
	struct secshm_ring_args a;

	memcpy(&a, args, sizeof(a));
	check_ring_layout(&a);
	CHECK(!c->has_ring);			/* one ring per connection */
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);	/* the doorbell never blocks a client */
	c->has_ring = true;
	c->layout = a;
	learn_handle(c, a.handle, a.length);
	close_fd(&c->doorbell);
	c->doorbell = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	CHECK(c->doorbell >= 0);
}

static void check_list(const unsigned char *args, size_t tail_len, const unsigned char *tail)
{
	struct secshm_list_args a;

	memcpy(&a, args, sizeof(a));
	CHECK(a.count <= SECSHM_LIST_MAX && a.count <= a.total);
	CHECK(tail_len == a.count * sizeof(struct secshm_section_info));
	for (uint32_t i = 0; i < a.count; i++) {
		struct secshm_section_info info;

		memcpy(&info, tail + i * sizeof(info), sizeof(info));
		CHECK(info.name_len && info.name_len <= SECSHM_NAME_MAX);
		CHECK(strnlen(info.name, sizeof(info.name)) == info.name_len);
		CHECK(info.length && !(info.length % PAGE));
	}
}

static void learn_call(const unsigned char *args, size_t tail_len, const unsigned char *tail)
{
	struct secshm_call_args a;

	memcpy(&a, args, sizeof(a));
	CHECK(tail_len == a.out_len);
	if (a.opcode != SECSHM_CALL_CLIENTS)
		return;
	CHECK(!(tail_len % sizeof(struct secshm_client_info)));
	for (size_t off = 0; off < tail_len; off += sizeof(struct secshm_client_info)) {
		struct secshm_client_info info;

		memcpy(&info, tail + off, sizeof(info));
		fz.client_ids[fz.nids++ % CLIENT_IDS] = info.id;
	}
}

/* A successful answer: its shape, and what it gives the client. */
static void learn(struct conn *c, const struct pending *p, const unsigned char *body,
		  size_t body_len, int fd)
{
	uint16_t op = p->opcode;
	size_t args_len = args_sizes[op];
	const unsigned char *tail = body + args_len;
	size_t tail_len = body_len - args_len;

	CHECK(body_len >= args_len);
	CHECK((fd >= 0) == (op == SECSHM_OP_MAP || op == SECSHM_OP_RING));
	if (op != SECSHM_OP_LIST && op != SECSHM_OP_CALL)
		CHECK(!tail_len);
	switch (op) {
	case SECSHM_OP_CREATE: {
		struct secshm_create_args a;

		memcpy(&a, body, sizeof(a));
		learn_handle(c, a.handle, page_round(a.length));
		break;
	}
	case SECSHM_OP_OPEN: {
		struct secshm_open_args a;

		memcpy(&a, body, sizeof(a));
		learn_handle(c, a.handle, 0);
		break;
	}
	case SECSHM_OP_QUERY: {
		struct secshm_query_args a;

		memcpy(&a, body, sizeof(a));
		CHECK(a.info.length && !(a.info.length % PAGE));
		CHECK(a.info.name_len <= SECSHM_NAME_MAX);
		learn_length(c, a.handle, a.info.length);
		break;
	}
	case SECSHM_OP_DUPLICATE: {
		struct secshm_dup_args a;

		memcpy(&a, body, sizeof(a));
		if (a.flags & SECSHM_DUP_EXPORT)
			fz.tokens[fz.ntokens++ % TOKENS] = a.token;
		else
			learn_handle(c, a.new_handle, held_length(c, a.handle));
		break;
	}
	case SECSHM_OP_MAP:
		learn_map(c, p, body, fd);
		break;
	case SECSHM_OP_LIST:
		check_list(body, tail_len, tail);
		break;
	case SECSHM_OP_CALL:
		learn_call(body, tail_len, tail);
		break;
	case SECSHM_OP_RING:
		learn_ring(c, body, fd);
		break;
	}
}

/* Descriptors that came with a message; more than one is never due. */
static int take_fds(struct msghdr *mh, int *extra)
{
	int fd = -1;

	*extra = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < n; i++) {
			int got;

			memcpy(&got, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (fd < 0) {
				fd = got;
			} else {
				close(got);
				++*extra;
			}
		}
	}
	return fd;
}

static void handle_reply(struct conn *c, size_t len, int fd)
{
	struct secshm_msg hdr;
	struct pending p;

	CHECK(len >= sizeof(hdr));
	memcpy(&hdr, fz.reply, sizeof(hdr));
	CHECK(hdr.size == len && hdr.version == SECSHM_ABI_VERSION && !hdr.flags);
	CHECK(c->head != c->tail);		/* an answer to something sent */
	p = c->pending[c->head++ % PENDING_MAX];
	if (fz.trace)
		fprintf(stderr, "fz:   slot %d: opcode %u status %d, %zu bytes%s\n", slot_of(c),
			hdr.opcode, hdr.status, len, fd >= 0 ? ", a descriptor" : "");
	CHECK(hdr.cookie == p.cookie && hdr.opcode == p.opcode);	/* in order */
	CHECK(hdr.status <= SECSHM_EXISTED && (hdr.status >= 0 || errno_status(hdr.status)));
	if (p.expect != ANY_STATUS)
		CHECK(hdr.status == p.expect);
	if (hdr.status < 0) {
		CHECK(len == sizeof(hdr) && fd < 0);
		return;
	}
	CHECK(p.opcode >= 1 && p.opcode <= SECSHM_OP_MAX_BUILTIN);
	learn(c, &p, fz.reply + sizeof(hdr), len - sizeof(hdr), fd);
}

/* Read up to max answers, as far as they have arrived. */
static void recv_replies(struct conn *c, int max)
{
	for (int i = 0; i < max && c->sock >= 0; i++) {
		union {
			char buf[CMSG_SPACE(16 * sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { .iov_base = fz.reply, .iov_len = sizeof(fz.reply) };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		ssize_t n = recvmsg(c->sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		int fd, extra;

		if (n <= 0)
			return;	/* nothing yet, or the server hung up */
		fd = take_fds(&mh, &extra);
		CHECK(!extra && !(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)));
		handle_reply(c, (size_t)n, fd);
		close_fd(&fd);
	}
}

/* ---- operations: the connection and the loop ---- */

static void do_connect(const struct fz_op *op)
{
	const struct fz_connect *a = (const void *)op->arg;
	struct conn *c = &fz.conn[FZ_CONN_SLOT(op->conn)];

	/* Prefer a slot with nothing in it: a dead client's doorbell may still ring. */
	for (int i = 0; i < FZ_SLOTS && holds_anything(c); i++)
		c = &fz.conn[(FZ_CONN_SLOT(op->conn) + i + 1) % FZ_SLOTS];
	conn_kill(c);
	c->sock = dial(a->flags & FZ_CONNECT_AS_USER);
}

static void do_hangup(const struct fz_op *op)
{
	const struct fz_hangup *a = (const void *)op->arg;
	struct conn *c = pick(op, can_read);

	if (!c)
		return;
	if ((a->flags & FZ_HANGUP_SHUTDOWN) && !c->shut) {
		shutdown(c->sock, SHUT_WR);
		c->shut = true;
	} else {
		close_fd(&c->sock);
	}
}

static void do_kill(const struct fz_op *op)
{
	struct conn *c = pick(op, holds_anything);

	if (c)
		conn_kill(c);
}

static void do_dispatch(const struct fz_op *op)
{
	const struct fz_dispatch *a = (const void *)op->arg;

	for (int i = 0; i <= (a->rounds & 3); i++)
		CHECK(secshm_server_dispatch(fz.srv, 0) >= 0);
	for (int i = 0; i < FZ_SLOTS; i++)
		if (a->read & (1U << i))
			recv_replies(&fz.conn[i], FZ_OPS_MAX);
}

static void do_recv(const struct fz_op *op)
{
	const struct fz_recv *a = (const void *)op->arg;
	struct conn *c = pick(op, can_read);

	if (c)
		recv_replies(c, (a->max & 7) + 1);
}

/* ---- operations: the built-in requests ---- */

static void fill_sd(struct secshm_sd *sd, const struct fz_create *a)
{
	static const uint32_t nace[4] = { 0, 1, 2, SECSHM_ACE_MAX + 1 };

	sd->mode = modes[a->mode & 7];
	sd->owner = ids[(a->mode >> 3) & 3];
	sd->group = ids[(a->mode >> 5) & 3];
	sd->nace = nace[a->nace & 3];
	for (uint32_t i = 0; i < sd->nace && i < SECSHM_ACE_MAX; i++)
		sd->ace[i] = (struct secshm_ace){
			.type = a->ace & 0x80 ? 3 : (a->ace >> (i & 1)) & 1 ? SECSHM_ACE_GROUP :
			SECSHM_ACE_USER,
			.id = i & 1 ? FZ_UID : 0,
			.access = accesses[(a->ace >> 2) & 15],
		};
}

static void set_name(char *dst, uint32_t *len, uint8_t sel)
{
	const char *name = names[sel % FZ_NNAMES];

	*len = (uint32_t)strlen(name);
	memcpy(dst, name, *len < SECSHM_NAME_MAX + 1 ? *len : SECSHM_NAME_MAX + 1);
}

static void do_create(const struct fz_op *op)
{
	const struct fz_create *f = (const void *)op->arg;
	struct secshm_create_args a = {
		.size = sizeof(a), .length = sizes[f->size % FZ_NSIZES],
		.access = accesses[f->access % FZ_NACCESS],
	};
	struct conn *c = pick(op, can_send);
	struct pending p = { 0 };
	int file = -1;

	if (!c)
		return;
	a.flags = (f->flags & FZ_CREATE_PERMANENT ? SECSHM_CREATE_PERMANENT : 0) |
		  (f->flags & FZ_CREATE_NEW ? SECSHM_CREATE_NEW : 0) |
		  (f->flags & FZ_CREATE_FILE ? SECSHM_CREATE_FILE : 0) |
		  (f->flags & FZ_CREATE_TRUSTED ? SECSHM_SECTION_TRUSTED_ONLY : 0) |
		  (f->flags & FZ_CREATE_PINNED ? SECSHM_SECTION_PINNED : 0) |
		  (f->flags & FZ_CREATE_BAD_FLAG ? 1U << 24 : 0);
	if (f->flags & (FZ_CREATE_NAMED | FZ_CREATE_SD_UNNAMED))
		fill_sd(&a.sd, f);
	if (f->flags & FZ_CREATE_NAMED)
		set_name(a.name, &a.name_len, f->name);
	if (f->flags & FZ_CREATE_FILE)
		file = backing_file(f->file, a.length);
	send_request(c, op->conn, SECSHM_OP_CREATE, &a, sizeof(a), NULL, 0, file, &p);
}

static void do_open(const struct fz_op *op)
{
	const struct fz_open *f = (const void *)op->arg;
	struct secshm_open_args a = {
		.size = sizeof(a), .access = accesses[f->access % FZ_NACCESS],
		.reserved = f->flags & FZ_OPEN_RESERVED ? 1 : 0,
		.flags = f->flags & FZ_OPEN_BAD_FLAG ? 1U << 1 : 0,
	};
	struct conn *c = pick(op, can_send);
	struct pending p = { 0 };

	if (!c)
		return;
	if (f->flags & FZ_OPEN_TOKEN) {
		a.flags |= SECSHM_OPEN_TOKEN;
		a.access = 0;
		a.token = pick_token(f->token);
	}
	if (!(f->flags & FZ_OPEN_TOKEN) || (f->flags & FZ_OPEN_BOTH))
		set_name(a.name, &a.name_len, f->name);
	if (!(f->flags & FZ_OPEN_TOKEN) && (f->flags & FZ_OPEN_BOTH))
		a.token = pick_token(f->token | 0x80);
	send_request(c, op->conn, SECSHM_OP_OPEN, &a, sizeof(a), NULL, 0, -1, &p);
}

/* CLOSE, QUERY and UNLINK name one handle. */
static void do_handle_op(const struct fz_op *op, uint16_t opcode)
{
	const struct fz_handle *f = (const void *)op->arg;
	struct conn *c = pick(op, can_send);
	struct pending p = { 0 };

	if (!c)
		return;
	if (opcode == SECSHM_OP_QUERY) {
		struct secshm_query_args a = {
			.size = sizeof(a), .handle = pick_handle(c, f->handle),
			.reserved = f->flags & FZ_HANDLE_RESERVED,
		};

		send_request(c, op->conn, opcode, &a, sizeof(a), NULL, 0, -1, &p);
	} else {
		struct secshm_handle_args a = { .size = sizeof(a),
						.handle = pick_handle(c, f->handle) };

		send_request(c, op->conn, opcode, &a, sizeof(a), NULL, 0, -1, &p);
	}
}

static void do_duplicate(const struct fz_op *op)
{
	const struct fz_dup *f = (const void *)op->arg;
	struct conn *c = pick(op, can_send);
	struct secshm_dup_args a = {
		.size = sizeof(a), .access = accesses[f->access % FZ_NACCESS],
		.flags = (f->flags & FZ_DUP_SAME ? SECSHM_DUP_SAME_ACCESS : 0) |
			 (f->flags & FZ_DUP_EXPORT ? SECSHM_DUP_EXPORT : 0) |
			 (f->flags & FZ_DUP_BAD_FLAG ? 1U << 7 : 0),
		.reserved = f->flags & FZ_DUP_RESERVED ? 1 : 0,
	};
	struct pending p = { 0 };

	if (!c)
		return;
	a.handle = pick_handle(c, f->handle);
	send_request(c, op->conn, SECSHM_OP_DUPLICATE, &a, sizeof(a), NULL, 0, -1, &p);
}

static void send_map(struct conn *c, uint8_t connbyte, uint32_t handle, uint32_t prot,
		     uint64_t offset, uint64_t length, uint8_t fill, bool ring)
{
	struct secshm_map_args a = { .size = sizeof(a), .handle = handle, .prot = prot,
				     .offset = offset, .length = length };
	struct pending p = { .map = true, .ring_map = ring, .fill = fill, .handle = handle,
			     .prot = prot, .offset = offset, .length = length };

	send_request(c, connbyte, SECSHM_OP_MAP, &a, sizeof(a), NULL, 0, -1, &p);
}

static void do_map(const struct fz_op *op)
{
	const struct fz_map *f = (const void *)op->arg;
	struct conn *c = pick(op, can_send);
	uint64_t offset = view_offsets[f->offset & 7], length = view_lengths[f->length & 7];
	uint32_t handle;

	if (!c)
		return;
	handle = pick_handle(c, f->handle);
	if ((f->length & 7) == FZ_LENGTH_WHOLE) {
		uint64_t known = held_length(c, handle);

		length = known > offset ? known - offset : PAGE;
	}
	send_map(c, op->conn, handle, f->prot & 7, offset, length, f->fill, false);
}

static void do_list(const struct fz_op *op)
{
	const struct fz_list *f = (const void *)op->arg;
	struct conn *c = pick(op, can_send);
	struct secshm_list_args a = {
		.size = sizeof(a), .start = f->start, .max = f->max,
		.flags = f->flags & FZ_LIST_BAD_FLAGS ? 1 : 0,
		.entries = f->flags & FZ_LIST_ENTRIES ? 0x1000 : 0,
	};
	struct pending p = { 0 };

	if (c)
		send_request(c, op->conn, SECSHM_OP_LIST, &a, sizeof(a), NULL, 0, -1, &p);
}

/* References named by an operation (struct fz_ref in fuzz/state.h). */
static void build_refs(const struct conn *c, const struct fz_ref *f, uint32_t n,
		       struct secshm_ref *refs)
{
	for (uint32_t i = 0; i < n; i++) {
		refs[i] = (struct secshm_ref){
			.handle = pick_handle(c, (uint8_t)(f->handle + i * f->step)),
			.flags = (f->flags >> (2 * (i % 3))) & 3,
			.offset = ref_offsets[f->offset & 7] + i * 64ULL * (f->offset >> 3),
			.length = ref_lengths[f->length & 7],
		};
	}
	if (n && (f->flags & FZ_REF_USER_PTR))
		refs[0].flags |= SECSHM_REF_USER_PTR;
	if (n && (f->flags & FZ_REF_BAD_FLAG))
		refs[0].flags |= 1U << 5;
}

/* Input bytes: what the built-in calls read, else bytes from the seed. */
static void build_input(uint32_t opcode, uint8_t seed, unsigned char *in, size_t len)
{
	uint64_t id = pick_client_id(seed);
	uint32_t start = seed >> 6;

	fill_random(in, len, seed);
	if (opcode == SECSHM_CALL_CLIENTS && len >= sizeof(start)) {
		memcpy(in, &start, sizeof(start));
	} else if (opcode == SECSHM_CALL_HANDLES && len >= sizeof(id) + sizeof(start)) {
		memcpy(in, &id, sizeof(id));
		memcpy(in + sizeof(id), &start, sizeof(start));
	}
}

static void do_call(const struct fz_op *op)
{
	static unsigned char tail[(SECSHM_REFS_MAX + 1) * sizeof(struct secshm_ref) +
				  SECSHM_INLINE_MAX + 1];
	const struct fz_call *f = (const void *)op->arg;
	struct secshm_call_args a = {
		.size = sizeof(a), .opcode = call_ops[f->opcode % FZ_NCALLS],
		.nrefs = f->nrefs % (SECSHM_REFS_MAX + 2), .in_len = in_lens[f->in_len & 7],
		.out_len = out_lens[f->out_len & 7], .flags = f->flags & FZ_CALL_BAD_FLAGS,
	};
	struct conn *c = pick(op, can_send);
	size_t refs_len = a.nrefs * sizeof(struct secshm_ref);
	struct pending p = { 0 };

	if (!c)
		return;
	if (f->flags & FZ_CALL_ADDRESSES)
		a.refs = a.in = a.out = 0x1000;
	build_refs(c, &f->ref, a.nrefs, (struct secshm_ref *)(void *)tail);
	build_input(a.opcode, f->in_seed, tail + refs_len, a.in_len);
	send_request(c, op->conn, SECSHM_OP_CALL, &a, sizeof(a), tail, refs_len + a.in_len, -1,
		     &p);
}

/* ---- operations: the ring ---- */

static void do_ring(const struct fz_op *op)
{
	const struct fz_ring *f = (const void *)op->arg;
	struct secshm_ring_args a = { .size = sizeof(a), .entries = ring_entries[f->entries & 7],
				      .flags = f->flags & FZ_RING_BAD_FLAGS };
	struct conn *c = pick(op, can_send);
	struct pending p = { 0 };

	if (c)
		send_request(c, op->conn, SECSHM_OP_RING, &a, sizeof(a), NULL, 0, -1, &p);
}

/* MAP the whole ring section, to produce requests into it once it arrives. */
static void do_ring_map(const struct fz_op *op)
{
	const struct fz_ring_map *f = (const void *)op->arg;
	struct conn *c = pick(op, has_ring);

	if (c)
		send_map(c, op->conn, c->layout.handle, f->flags & FZ_RING_MAP_READONLY ?
			 SECSHM_PROT_READ : SECSHM_PROT_READ | SECSHM_PROT_WRITE, 0,
			 c->layout.length, FZ_FILL_TOUCH, true);
}

static void ring_bell(struct conn *c, uint64_t value)
{
	if (c->doorbell >= 0 && write(c->doorbell, &value, sizeof(value)) < 0)
		;	/* a full counter or a closed reader: nothing to do */
}

static void do_ring_submit(const struct fz_op *op)
{
	const struct fz_submit *f = (const void *)op->arg;
	struct conn *c = pick(op, has_ring_view);
	struct secshm_sqe sqe = {
		.opcode = call_ops[f->opcode % FZ_NCALLS], .flags = f->flags & FZ_SUBMIT_BAD_FLAGS,
		.nrefs = f->nrefs & 3, .in_len = f->in_len & 63,
	};
	struct secshm_ref refs[3] = { { 0 } };
	int sent = 0;

	if (!c)
		return;
	build_refs(c, &f->ref, sqe.nrefs, refs);
	memcpy(sqe.refs, refs, sizeof(sqe.refs));
	build_input(sqe.opcode, f->in_len, sqe.in, sizeof(sqe.in));
	for (int i = 0; i <= (f->count & 15); i++) {
		void *slot = secshm_spsc_reserve(&c->ring.sq);

		if (!slot)
			break;
		sqe.user_data = c->seq++;
		memcpy(slot, &sqe, sizeof(sqe));
		secshm_spsc_commit(&c->ring.sq, 1);
		sent++;
	}
	if (fz.trace)
		fprintf(stderr, "fz:   slot %d: %d requests in the ring\n", slot_of(c), sent);
	switch (f->doorbell & 3) {
	case FZ_BELL_IF_ASLEEP:
		if (sent && secshm_spsc_needs_wakeup(&c->ring.sq))
			ring_bell(c, 1);
		break;
	case FZ_BELL_TWICE:
		ring_bell(c, 1);
		/* fall through */
	case FZ_BELL_ALWAYS:
		ring_bell(c, 1);
		break;
	}
}

/*
 * Consume completions. Their contents are not checked: the client can write
 * the ring section in many ways (a view of it, a WRITE reference to it, a
 * lying index), and then reads back its own junk.
 */
static void do_ring_reap(const struct fz_op *op)
{
	const struct fz_reap *f = (const void *)op->arg;
	struct conn *c = pick(op, has_ring_view);

	if (!c)
		return;
	for (int i = 0; i <= (f->max & 15); i++) {
		const void *slot = secshm_spsc_peek(&c->ring.cq);
		struct secshm_cqe cqe;

		if (!slot)
			break;
		memcpy(&cqe, slot, sizeof(cqe));
		if (fz.trace)
			fprintf(stderr, "fz:   slot %d: completion %llu status %d, %u bytes\n",
				slot_of(c), (unsigned long long)cqe.user_data, cqe.status,
				cqe.out_len);
		secshm_spsc_release(&c->ring.cq, 1);
	}
	/* As the client library: a server stopped on a full ring waits for this. */
	if (!(f->flags & FZ_REAP_NO_BELL) && secshm_spsc_pending(&c->ring.sq) &&
	    secshm_spsc_needs_wakeup(&c->ring.sq))
		ring_bell(c, 1);
}

static void do_ring_poke(const struct fz_op *op)
{
	const struct fz_poke *f = (const void *)op->arg;
	struct conn *c = pick(op, has_ring_view);
	uint32_t value = (uint32_t)le(f->value, sizeof(f->value)), *field;

	if (!c)
		return;
	switch (f->field % FZ_NFIELDS) {
	case FZ_SQ_HEAD:
		field = &c->ring.sq_ctl->head;
		break;
	case FZ_SQ_FLAGS:
		field = &c->ring.sq_ctl->consumer_flags;
		break;
	case FZ_SQ_TAIL:
		field = &c->ring.sq_ctl->tail;
		break;
	case FZ_CQ_HEAD:
		field = &c->ring.cq_ctl->head;
		break;
	case FZ_CQ_FLAGS:
		field = &c->ring.cq_ctl->consumer_flags;
		break;
	default:
		field = &c->ring.cq_ctl->tail;
	}
	if (f->flags & FZ_POKE_ADD)
		value += __atomic_load_n(field, __ATOMIC_RELAXED);
	__atomic_store_n(field, value, __ATOMIC_RELEASE);
}

static void do_doorbell(const struct fz_op *op)
{
	const struct fz_doorbell *f = (const void *)op->arg;
	struct conn *c = pick(op, has_doorbell);

	if (c)
		ring_bell(c, f->flags & FZ_DOORBELL_VALUE ? le(f->value, sizeof(f->value)) : 1);
}

static void do_doorbell_close(const struct fz_op *op)
{
	struct conn *c = pick(op, has_doorbell);

	if (c)
		close_fd(&c->doorbell);
}

/* ---- operations: garbage and files ---- */

static void do_garbage(const struct fz_op *op)
{
	const struct fz_garbage *f = (const void *)op->arg;
	uint64_t seed = le(f->seed, sizeof(f->seed));
	size_t len = (size_t)le(f->length, sizeof(f->length)) % (SECSHM_MSG_MAX + 1);
	struct conn *c = pick(op, can_send);
	struct secshm_msg hdr = { .version = SECSHM_ABI_VERSION, .opcode = f->opcode };
	struct pending p = { .expect = ANY_STATUS };
	uint16_t opcode = 1 + f->opcode % SECSHM_OP_MAX_BUILTIN;
	uint32_t size;

	if (!c)
		return;
	switch (f->kind % FZ_NGARBAGE) {
	case FZ_GARBAGE_RANDOM:
		fill_random(fz.msg, len, seed);
		break;
	case FZ_GARBAGE_EMPTY:
		len = 0;
		break;
	case FZ_GARBAGE_HEADER:
		len = sizeof(hdr) + len % 600;
		fill_random(fz.msg + sizeof(hdr), len - sizeof(hdr), seed);
		break;
	case FZ_GARBAGE_OVERSIZED:
		/* Past any receive buffer a server could have for a request. */
		len = SECSHM_MSG_MAX + 4096 + len % 4096;
		hdr.opcode = SECSHM_OP_CALL;
		memset(fz.msg, 0, len);
		p.expect = -EBADMSG;
		break;
	case FZ_GARBAGE_ARGS:
	case FZ_GARBAGE_ZERO_ARGS:
		hdr.opcode = opcode;
		len = sizeof(hdr) + args_sizes[opcode];
		size = (uint32_t)args_sizes[opcode];
		if (f->kind % FZ_NGARBAGE == FZ_GARBAGE_ARGS)
			fill_random(fz.msg + sizeof(hdr), args_sizes[opcode], seed);
		else
			memset(fz.msg + sizeof(hdr), 0, args_sizes[opcode]);
		memcpy(fz.msg + sizeof(hdr), &size, sizeof(size));
		break;
	}
	if (f->kind % FZ_NGARBAGE != FZ_GARBAGE_RANDOM && len) {
		hdr.size = (uint32_t)len;
		hdr.cookie = seed;
		memcpy(fz.msg, &hdr, sizeof(hdr));
	}
	send_raw(c, fz.msg, len, FZ_CONN_ATTACH(op->conn), -1, &p);
}

static void do_truncate(const struct fz_op *op)
{
	const struct fz_truncate *f = (const void *)op->arg;
	uint32_t count = fz.nfiles < FILES ? fz.nfiles : FILES;

	/* Sealed, read-only or not regular: refused, which is fine too. */
	if (count && ftruncate(fz.files[(fz.nfiles - 1 - f->file % count) % FILES],
			       (off_t)truncate_sizes[f->size & 7]))
		;
}

/* The last message sent, again: a burst of answers for the server to queue. */
static void do_repeat(const struct fz_op *op)
{
	const struct fz_repeat *f = (const void *)op->arg;
	struct conn *c = pick(op, can_send);
	struct pending p = fz.last;

	if (!c || !fz.last_len)
		return;
	if (fz.last_fds)
		p.expect = ANY_STATUS;	/* it goes without its descriptors now */
	for (int i = 0; i <= (f->count & 31); i++)
		send_raw(c, fz.last_msg, fz.last_len, FZ_ATTACH_NONE, -1, &p);
}

/* ---- one input ---- */

static const char *const kind_names[FZ_NKINDS] = {
	"connect", "hangup", "kill", "dispatch", "recv", "create", "open", "close", "query",
	"duplicate", "map", "unlink", "list", "call", "ring", "ring-map", "ring-submit",
	"ring-reap", "ring-poke", "doorbell", "doorbell-close", "garbage", "truncate",
	"repeat",
};

static void trace_op(const struct fz_op *op)
{
	fprintf(stderr, "fz: %-14s slot %d attach %d mangle %d args", kind_names[op->kind % FZ_NKINDS],
		FZ_CONN_SLOT(op->conn), FZ_CONN_ATTACH(op->conn), FZ_CONN_MANGLE(op->conn));
	for (size_t i = 0; i < sizeof(op->arg); i++)
		fprintf(stderr, " %02x", op->arg[i]);
	fputc('\n', stderr);
}

static void run_op(const struct fz_op *op)
{
	if (fz.trace)
		trace_op(op);
	switch (op->kind % FZ_NKINDS) {
	case FZ_CONNECT:	do_connect(op); break;
	case FZ_HANGUP:		do_hangup(op); break;
	case FZ_KILL:		do_kill(op); break;
	case FZ_DISPATCH:	do_dispatch(op); break;
	case FZ_RECV:		do_recv(op); break;
	case FZ_CREATE:		do_create(op); break;
	case FZ_OPEN:		do_open(op); break;
	case FZ_CLOSE:		do_handle_op(op, SECSHM_OP_CLOSE); break;
	case FZ_QUERY:		do_handle_op(op, SECSHM_OP_QUERY); break;
	case FZ_DUPLICATE:	do_duplicate(op); break;
	case FZ_MAP:		do_map(op); break;
	case FZ_UNLINK:		do_handle_op(op, SECSHM_OP_UNLINK); break;
	case FZ_LIST:		do_list(op); break;
	case FZ_CALL:		do_call(op); break;
	case FZ_RING:		do_ring(op); break;
	case FZ_RING_MAP:	do_ring_map(op); break;
	case FZ_RING_SUBMIT:	do_ring_submit(op); break;
	case FZ_RING_REAP:	do_ring_reap(op); break;
	case FZ_RING_POKE:	do_ring_poke(op); break;
	case FZ_DOORBELL:	do_doorbell(op); break;
	case FZ_DOORBELL_CLOSE:	do_doorbell_close(op); break;
	case FZ_GARBAGE:	do_garbage(op); break;
	case FZ_TRUNCATE:	do_truncate(op); break;
	case FZ_REPEAT:		do_repeat(op); break;
	}
}

/* ---- back to the baseline ---- */

/* One request on a connection of its own, answered before anything else happens. */
static int32_t admin_request(int sock, uint16_t opcode, const void *args, size_t args_len)
{
	struct secshm_msg hdr = { .size = (uint32_t)(sizeof(hdr) + args_len),
				  .version = SECSHM_ABI_VERSION, .opcode = opcode };

	memcpy(fz.msg, &hdr, sizeof(hdr));
	memcpy(fz.msg + sizeof(hdr), args, args_len);
	CHECK(send_message(sock, fz.msg, hdr.size, NULL, 0) == 0);
	for (int i = 0; i < QUIET_ROUNDS; i++) {
		ssize_t n;

		CHECK(secshm_server_dispatch(fz.srv, 0) >= 0);
		n = recv(sock, fz.reply, sizeof(fz.reply), MSG_DONTWAIT);
		if (n > 0) {
			CHECK((size_t)n >= sizeof(hdr));
			memcpy(&hdr, fz.reply, sizeof(hdr));
			CHECK(hdr.size == (size_t)n);
			return hdr.status;
		}
		CHECK(n < 0 && errno == EAGAIN);	/* the server hung up on its admin */
	}
	CHECK(!"the server answers its administrator");
	return 0;
}

/* Open a permanent section by its qualified name, unlink it, close it. */
static void unlink_permanent(int sock, const struct secshm_section_info *info)
{
	struct secshm_open_args open = { .size = sizeof(open), .access = SECSHM_GENERIC_ALL,
					 .name_len = info->name_len };
	struct secshm_handle_args h = { .size = sizeof(h) };

	memcpy(open.name, info->name, info->name_len);
	CHECK(admin_request(sock, SECSHM_OP_OPEN, &open, sizeof(open)) >= 0);
	memcpy(&open, fz.reply + sizeof(struct secshm_msg), sizeof(open));
	h.handle = open.handle;
	CHECK(admin_request(sock, SECSHM_OP_UNLINK, &h, sizeof(h)) == 0);
	CHECK(admin_request(sock, SECSHM_OP_CLOSE, &h, sizeof(h)) == 0);
}

/* The first permanent section a LIST page shows; false if there is none. */
static bool find_permanent(int sock, struct secshm_section_info *info)
{
	struct secshm_list_args list = { .size = sizeof(list), .max = SECSHM_LIST_MAX };
	const unsigned char *entries = fz.reply + sizeof(struct secshm_msg) + sizeof(list);

	for (;;) {
		CHECK(admin_request(sock, SECSHM_OP_LIST, &list, sizeof(list)) == 0);
		memcpy(&list, fz.reply + sizeof(struct secshm_msg), sizeof(list));
		for (uint32_t i = 0; i < list.count; i++) {
			memcpy(info, entries + i * sizeof(*info), sizeof(*info));
			if (info->flags & SECSHM_SECTION_PERMANENT)
				return true;
		}
		if (!list.count || list.start + list.count >= list.total)
			return false;
		list.start += list.count;
	}
}

/*
 * Permanent names outlive every client: remove them as an administrator
 * would, through the protocol, so the next input starts from the baseline.
 */
static void unlink_permanents(void)
{
	struct secshm_section_info info;
	int sock = dial(false);

	CHECK(sock >= 0);
	for (int n = 0; find_permanent(sock, &info); n++) {
		CHECK(n < 256);	/* more than the quotas allow: unlink does not work */
		unlink_permanent(sock, &info);
	}
	close(sock);
	quiet();
}

static bool stats_equal(const struct secshm_stats *a, const struct secshm_stats *b)
{
	return a->clients == b->clients && a->objects == b->objects &&
	       a->sections == b->sections && a->views == b->views &&
	       a->handles == b->handles && a->bytes == b->bytes && a->pinned == b->pinned;
}

static void print_stats(const char *what, const struct secshm_stats *s)
{
	fprintf(stderr, "fuzz/state: %s: clients %u objects %u sections %u views %u handles %u "
		"bytes %llu pinned %llu\n", what, s->clients, s->objects, s->sections, s->views,
		s->handles, (unsigned long long)s->bytes, (unsigned long long)s->pinned);
}

/*
 * Descriptors. secshm_server_stats counted all of them; only if that moved
 * are they counted again without pipes (the sanitizers' symbolizer, once
 * started, keeps two for good).
 */
static void check_fds(uint32_t all)
{
	struct secshm_stats now;
	uint32_t n;

	if (all == fz.base_all_fds)
		return;
	n = count_fds();
	for (int waited = 0; n != fz.base_fds && waited < SETTLE_MS; waited += 10) {
		settle_step();
		n = count_fds();
	}
	if (n != fz.base_fds) {
		fprintf(stderr, "fuzz/state: %u descriptors open, %u at the baseline:\n", n,
			fz.base_fds);
		dump_fds();
		CHECK(!"descriptors back at the baseline");
	}
	secshm_server_stats(fz.srv, &now);
	fz.base_all_fds = now.fds;	/* pipes came or went, nothing else */
}

/* Every client dies; the server must be left exactly as it was. */
static void teardown(void)
{
	struct secshm_stats now;

	for (int i = 0; i < FZ_SLOTS; i++)
		conn_kill(&fz.conn[i]);
	for (int i = 0; i < FILES; i++)
		close_fd(&fz.files[i]);
	fz.nfiles = fz.ntokens = fz.nids = 0;
	fz.last_len = 0;
	quiet();
	secshm_server_stats(fz.srv, &now);
	if (!stats_equal(&now, &fz.base)) {
		unlink_permanents();
		secshm_server_stats(fz.srv, &now);
	}
	for (int waited = 0; !stats_equal(&now, &fz.base) && waited < SETTLE_MS; waited += 10) {
		settle_step();
		secshm_server_stats(fz.srv, &now);
	}
	if (!stats_equal(&now, &fz.base)) {
		print_stats("baseline", &fz.base);
		print_stats("now", &now);
		CHECK(!"the server back at its baseline");
	}
	if (!fz.no_fd_check)
		check_fds(now.fds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size / sizeof(struct fz_op);

	if (!fz.srv)
		world_init();
	if (n > FZ_OPS_MAX)
		n = FZ_OPS_MAX;
	for (size_t i = 0; i < n; i++) {
		struct fz_op op;

		memcpy(&op, data + i * sizeof(op), sizeof(op));
		run_op(&op);
	}
	teardown();
	return 0;
}

/* ---- structure-aware mutation: whole records move, bytes change inside one ---- */

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size,
				 unsigned int seed);

enum mutation { MUTATE_BYTES, MUTATE_INSERT, MUTATE_DELETE, MUTATE_SWAP, MUTATE_COPY,
		MUTATE_KIND, NMUTATIONS };

#define OP_SIZE sizeof(struct fz_op)

static void mutate_bytes(uint8_t *rec)
{
	uint8_t tmp[OP_SIZE];
	size_t n;

	memcpy(tmp, rec, OP_SIZE);
	n = LLVMFuzzerMutate(tmp, OP_SIZE, OP_SIZE);
	memset(tmp + n, 0, OP_SIZE - n);
	memcpy(rec, tmp, OP_SIZE);
}

/* A new record: a copy of one already there, or random bytes of a random kind. */
static void new_record(uint8_t *rec, const uint8_t *data, size_t n, uint64_t *rng)
{
	if (n && mix(rng) % 2) {
		memcpy(rec, data + mix(rng) % n * OP_SIZE, OP_SIZE);
		return;
	}
	fill_random(rec, OP_SIZE, mix(rng));
	rec[0] = (uint8_t)(mix(rng) % FZ_NKINDS);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	size_t n = size / OP_SIZE, room = max_size / OP_SIZE;
	uint64_t rng = seed;
	enum mutation m;
	size_t i, j, k;

	room = room < FZ_OPS_MAX ? room : FZ_OPS_MAX;
	n = n < room ? n : room;
	m = n ? (enum mutation)(mix(&rng) % NMUTATIONS) : MUTATE_INSERT;
	if ((m == MUTATE_INSERT || m == MUTATE_COPY) && n == room)
		m = MUTATE_BYTES;
	if ((m == MUTATE_DELETE || m == MUTATE_SWAP) && n < 2)
		m = MUTATE_BYTES;
	if (!room)
		return 0;
	i = n ? mix(&rng) % n : 0;
	switch (m) {
	case MUTATE_BYTES:
		if (!n) {
			memset(data, 0, OP_SIZE);
			n = 1;
		}
		mutate_bytes(data + i * OP_SIZE);
		break;
	case MUTATE_INSERT:
		i = mix(&rng) % (n + 1);
		memmove(data + (i + 1) * OP_SIZE, data + i * OP_SIZE, (n - i) * OP_SIZE);
		new_record(data + i * OP_SIZE, data, n, &rng);
		n++;
		break;
	case MUTATE_DELETE:
		memmove(data + i * OP_SIZE, data + (i + 1) * OP_SIZE, (n - i - 1) * OP_SIZE);
		n--;
		break;
	case MUTATE_SWAP: {
		uint8_t tmp[OP_SIZE];

		j = mix(&rng) % 2 ? (i + 1) % n : mix(&rng) % n;
		memcpy(tmp, data + i * OP_SIZE, OP_SIZE);
		memcpy(data + i * OP_SIZE, data + j * OP_SIZE, OP_SIZE);
		memcpy(data + j * OP_SIZE, tmp, OP_SIZE);
		break;
	}
	case MUTATE_COPY: {
		/* A run of up to four records again, elsewhere: repeats a pattern. */
		uint8_t run[4 * OP_SIZE];

		k = 1 + mix(&rng) % 4;
		k = k < n - i ? k : n - i;
		k = k < room - n ? k : room - n;
		memcpy(run, data + i * OP_SIZE, k * OP_SIZE);
		j = mix(&rng) % (n + 1);
		memmove(data + (j + k) * OP_SIZE, data + j * OP_SIZE, (n - j) * OP_SIZE);
		memcpy(data + j * OP_SIZE, run, k * OP_SIZE);
		n += k;
		break;
	}
	case MUTATE_KIND:
		data[i * OP_SIZE] = (uint8_t)(mix(&rng) % FZ_NKINDS);
		break;
	case NMUTATIONS:
		break;
	}
	return n * OP_SIZE;
}

/* The head of one input and the tail of another, cut between records. */
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size,
				 unsigned int seed)
{
	size_t n1 = size1 / OP_SIZE, n2 = size2 / OP_SIZE, room = max_out_size / OP_SIZE;
	uint64_t rng = seed;
	size_t a = n1 ? mix(&rng) % (n1 + 1) : 0, b = n2 ? mix(&rng) % n2 : 0, n;

	room = room < FZ_OPS_MAX ? room : FZ_OPS_MAX;
	a = a < room ? a : room;
	n = n2 - b < room - a ? n2 - b : room - a;
	memcpy(out, data1, a * OP_SIZE);
	memcpy(out + a * OP_SIZE, data2 + b * OP_SIZE, n * OP_SIZE);
	return (a + n) * OP_SIZE;
}
