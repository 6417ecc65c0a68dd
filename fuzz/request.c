// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the request decoder. Each input is one socket message,
 * fed to dispatch_request() exactly as the transport would after recvmsg,
 * on behalf of one of two in-process clients of an in-process server:
 *
 *   cookie bit 0   0: client 0 (uid 0, trusted)   1: client 1 (uid 1000)
 *   cookie bit 1   attach one descriptor: a regular file open read-write
 *                  (what a file-backed CREATE carries)
 *   cookie bit 2   attach a second descriptor (never expected: R4)
 *
 * The cookie is otherwise only echoed, so every seed is a real message.
 *
 * Each client starts with the same handles (see world_build): 1 a section
 * with every right, 2 a read-only handle, 3 a view, 4 a named section, so
 * CALL references, CLOSE, QUERY, DUPLICATE, MAP and UNLINK reach their
 * success paths. Client 1 is at its section quota; client 0 is not.
 * Registered opcodes: FZ_OP_ECHO (0..16 refs, 0..SECSHM_INLINE_MAX input,
 * reads and writes every reference, returns a digest and the input),
 * FZ_OP_EXACT (exactly 1 ref and 8 bytes) and FZ_OP_OVERRUN (a handler that
 * claims more output than it was given room for: the dispatcher must refuse).
 *
 * Checked after every input (any failure aborts, which libFuzzer reports):
 *  - the reply fits the buffer, its header echoes version, opcode, cookie,
 *    its size field is the reply length, a failure carries no payload and
 *    no descriptor, and the status is 0, a small positive code or -errno;
 *  - header-level refusals have the documented status (short, longer than
 *    SECSHM_MSG_MAX or size mismatch -EBADMSG, wrong version -EPROTO,
 *    unknown opcode -EOPNOTSUPP);
 *  - a descriptor in the reply is only ever MAP's, and read-only unless the
 *    request asked for PROT_WRITE (H2);
 *  - every resolved reference a handler sees lies inside its section;
 *  - no single request adds more than one object, section, view, handle
 *    or transfer token, and none adds or drops a client.
 * Then, if the request changed any counter, the whole world is torn down
 * and rebuilt so inputs are independent; the teardown must return every
 * descriptor the server held (fd count back to the pre-server baseline),
 * and ASan's leak checker sees anything that was not freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../src/server/internal.h"

#define FZ_OP_ECHO	(SECSHM_CALL_USER + 1)
#define FZ_OP_EXACT	(SECSHM_CALL_USER + 2)
#define FZ_OP_OVERRUN	(SECSHM_CALL_USER + 3)
#define FZ_FILE_SIZE	(3 * 4096 + 100)
#define NCLIENTS	2

#define CHECK(cond) do {							\
		if (!(cond)) {							\
			fprintf(stderr, "fuzz/request: invariant failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);			\
			abort();						\
		}								\
	} while (0)

struct counts {
	uint32_t clients, objects, sections, views, handles, names, tokens, pad;
	uint64_t bytes, pinned;
};

static struct {
	struct secshm_server *srv;
	struct secshm_client *c[NCLIENTS];
	int peer[NCLIENTS];
	uint32_t server_handles[2];
	struct counts base;
} w;

static int file_fd = -1;		/* the regular file a descriptor-carrying input attaches */
static int fds_without_server;
static unsigned char *reply;

/*
 * Descriptors this process holds, except pipes: the sanitizers' symbolizer
 * (started when libFuzzer prints a new function) keeps two open for good.
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
	return n;
}

static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* Every span a handler is given must lie inside its section. */
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
			/* The head and the tail of the range, and one past it. */
			if ((err = secshm_capture(s, 0, buf, len)))
				return err;
			h = fnv(h, buf, len);
			if ((err = secshm_capture(s, s->length - len, buf, len)))
				return err;
			h = fnv(h, buf, len);
			CHECK(secshm_capture(s, s->length - len + 1, buf, len) == -ERANGE);
		} else {
			CHECK(secshm_capture(s, 0, buf, 1) == -EACCES);
		}
		if (s->flags & SECSHM_REF_WRITE) {
			memset(buf, (int)(h & 0xff), len);
			if ((err = secshm_copy_out(s, s->length - len, buf, len)))
				return err;
			CHECK(secshm_copy_out(s, s->length, buf, 1) == -ERANGE);
		} else {
			CHECK(secshm_copy_out(s, 0, buf, 1) == -EACCES);
		}
	}
	n = req->out_cap < sizeof(h) + req->in_len ? req->out_cap : sizeof(h) + req->in_len;
	memcpy(req->out, &h, n < sizeof(h) ? n : sizeof(h));
	if (n > sizeof(h))
		memcpy((unsigned char *)req->out + sizeof(h), req->in, n - sizeof(h));
	req->out_len = n;
	return (int)(h & 1);	/* a positive informational status, sometimes */
}

static int op_exact(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	check_spans(req);
	CHECK(req->nrefs == 1 && req->in_len == 8);
	req->out_len = 0;
	return 0;
}

static int op_overrun(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	check_spans(req);
	req->out_len = req->out_cap + 1;	/* a buggy handler: must become -EIO */
	return 0;
}

static uint32_t add_handle(struct secshm_client *c, struct secshm_object *obj, uint32_t access)
{
	uint32_t h;

	CHECK(handle_insert(&c->handles, obj, access, &h) == 0);
	return h;
}

static uint32_t client_section(struct secshm_client *c, const char *name, uint64_t size,
			       uint32_t mode, uint32_t access)
{
	struct secshm_sd sd = { SECSHM_ID_CALLER, SECSHM_ID_CALLER, mode, 0, { { 0 } } };
	struct secshm_object_attr attr = { .name = name, .client = c, .sd = name ? &sd : NULL };
	uint32_t h = 0;

	CHECK(secshm_section_create(c->srv, &attr, size, 0, access, -1, &h) == 0);
	return h;
}

static void world_build(void)
{
	static const gid_t trusted_gids[] = { 0 };
	struct secshm_server_config cfg = {
		.limits = {
			.client_handles = 16, .client_sections = 3, .client_bytes = 1 << 20,
			.client_views = 8, .owner_sections = 4, .owner_bytes = 1 << 20,
			.clients = 8, .sections = 64, .bytes = 16 << 20,
		},
		.trusted_gids = trusted_gids, .ntrusted_gids = 1,
	};
	static const struct secshm_opcode ops[] = {
		{ FZ_OP_ECHO, 0, SECSHM_REFS_MAX, 0, SECSHM_INLINE_MAX, op_echo, NULL },
		{ FZ_OP_EXACT, 1, 1, 8, 8, op_exact, NULL },
		{ FZ_OP_OVERRUN, 0, 1, 0, 16, op_overrun, NULL },
	};
	struct secshm_sd sd = { SECSHM_ID_CALLER, SECSHM_ID_CALLER, 0644, 0, { { 0 } } };
	struct secshm_object_attr attr = { .sd = &sd, .attributes = SECSHM_OBJ_KERNEL_HANDLE };
	char name[32];

	CHECK(secshm_server_new(&cfg, &w.srv) == 0);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		CHECK(secshm_server_register(w.srv, &ops[i]) == 0);
	/* Server-owned named sections: one shared, one server-private (P1). */
	attr.name = "fz/shared";
	CHECK(secshm_section_create(w.srv, &attr, 4096, 0, SECSHM_GENERIC_ALL, -1,
				    &w.server_handles[0]) == 0);
	attr.name = "fz/private";
	attr.attributes |= SECSHM_OBJ_SERVER_PRIVATE;
	CHECK(secshm_section_create(w.srv, &attr, 4096, 0, SECSHM_GENERIC_ALL, -1,
				    &w.server_handles[1]) == 0);

	for (int i = 0; i < NCLIENTS; i++) {
		struct secshm_client *c;
		struct secshm_object *obj;
		struct cview *v;
		int sv[2];
		uint32_t h;

		CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
		CHECK(client_new(w.srv, sv[0], &c) == 0);
		w.c[i] = c;
		w.peer[i] = sv[1];
		c->cred = i == 0 ? (struct secshm_cred){ .uid = 0, .gid = 0 } :
			  (struct secshm_cred){ .uid = 1000, .gid = 1000, .ngroups = 1,
						.groups = { 100 } };
		/* 1: a section with every right. */
		h = client_section(c, NULL, 8192, 0, SECSHM_GENERIC_ALL);
		CHECK(h == 1);
		/* 2: read-only, on the same section (client 0) or its own (client 1). */
		if (i == 0) {
			obj = secshm_object_get(handle_lookup(&c->handles, 1)->obj);
			h = add_handle(c, obj, SECSHM_GENERIC_READ_MAP);
		} else {
			h = client_section(c, NULL, 4096, 0, SECSHM_GENERIC_READ);
		}
		CHECK(h == 2);
		/* 3: a view of section 1, as MAP would register it. */
		CHECK(cview_new(c, to_section(handle_lookup(&c->handles, 1)->obj), 0, 4096,
				SECSHM_PROT_READ, &v) == 0);
		h = add_handle(c, &v->obj, SECSHM_ACCESS_MAP_READ);
		CHECK(h == 3);
		/* 4: a named section; client 1 is now at its section quota. */
		snprintf(name, sizeof(name), "fz/c%d", i);
		h = client_section(c, name, 4096, i ? 0640 : 0600, SECSHM_GENERIC_ALL);
		CHECK(h == 4);
	}
}

static void world_free(void)
{
	secshm_server_free(w.srv);	/* disconnects the clients: closes their sockets */
	for (int i = 0; i < NCLIENTS; i++)
		close(w.peer[i]);
	memset(&w, 0, sizeof(w));
}

static void counts_get(struct counts *n)
{
	*n = (struct counts){
		.clients = w.srv->nclients, .objects = w.srv->nobjects,
		.sections = w.srv->nsections, .views = w.srv->nviews,
		.handles = w.srv->handles.count, .names = w.srv->names.count,
		.bytes = w.srv->bytes, .pinned = w.srv->pinned,
	};
	for (int i = 0; i < NCLIENTS; i++) {
		n->handles += w.c[i]->handles.count;
		n->tokens += w.c[i]->ntokens;
	}
}

static bool counts_equal(const struct counts *a, const struct counts *b)
{
	return !memcmp(a, b, sizeof(*a));
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

static void world_reset(void)
{
	world_free();
	if (count_fds() != (uint32_t)fds_without_server) {
		fprintf(stderr, "fuzz/request: %u descriptors open after the server was freed, "
			"%d before it existed:\n", count_fds(), fds_without_server);
		dump_fds();
		CHECK(!"the server freed every descriptor");
	}
	world_build();
	counts_get(&w.base);
}

static void init(void)
{
	char dir[] = "/tmp";

	file_fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	CHECK(file_fd >= 0);
	CHECK(ftruncate(file_fd, FZ_FILE_SIZE) == 0);
	reply = malloc(SERVER_TX_MAX);	/* exactly the transport's room: ASan sees overruns */
	CHECK(reply);
	fds_without_server = (int)count_fds();
	if (getenv("FZ_DUMP")) dump_fds();
	world_build();
	counts_get(&w.base);
}

static bool errno_status(int32_t s)
{
	return s < 0 && s >= -4095;
}

static void check_reply(const uint8_t *data, size_t size, size_t out, int rfd)
{
	struct secshm_msg req = { 0 }, rep;
	size_t args_size;

	memcpy(&req, data, size < sizeof(req) ? size : sizeof(req));
	CHECK(out >= sizeof(rep) && out <= SERVER_TX_MAX);
	memcpy(&rep, reply, sizeof(rep));
	CHECK(rep.size == out);
	CHECK(rep.version == SECSHM_ABI_VERSION);
	CHECK(rep.opcode == req.opcode);
	CHECK(rep.cookie == req.cookie);
	CHECK(rep.flags == 0);
	CHECK(rep.status >= 0 ? rep.status <= 1 : errno_status(rep.status));

	if (size < sizeof(req) || req.size != size || size > SECSHM_MSG_MAX)
		CHECK(rep.status == -EBADMSG);	/* short, inconsistent or long (R4) */
	else if (req.version != SECSHM_ABI_VERSION)
		CHECK(rep.status == -EPROTO);
	else if (!req.status && !req.flags && (!req.opcode || req.opcode > SECSHM_OP_MAX_BUILTIN))
		CHECK(rep.status == -EOPNOTSUPP);

	if (rep.status < 0) {
		CHECK(out == sizeof(rep));
		CHECK(rfd == -1);
		return;
	}
	CHECK(req.opcode >= 1 && req.opcode <= SECSHM_OP_MAX_BUILTIN);
	args_size = builtins[req.opcode].args_size;
	CHECK(out >= sizeof(rep) + args_size);
	if (req.opcode == SECSHM_OP_CALL) {
		struct secshm_call_args in, got;

		memcpy(&in, data + sizeof(req), sizeof(in));
		memcpy(&got, reply + sizeof(rep), sizeof(got));
		CHECK(got.out_len <= in.out_len);
		CHECK(out == sizeof(rep) + args_size + got.out_len);
	} else if (req.opcode != SECSHM_OP_LIST) {
		CHECK(out == sizeof(rep) + args_size);
	}
	if (rfd >= 0 && req.opcode == SECSHM_OP_RING) {
		CHECK(fcntl(rfd, F_GETFL) >= 0);	/* the ring's doorbell */
	} else if (rfd >= 0) {
		struct secshm_map_args m;
		int fl = fcntl(rfd, F_GETFL);

		CHECK(req.opcode == SECSHM_OP_MAP);
		memcpy(&m, data + sizeof(req), sizeof(m));
		CHECK(fl >= 0);
		if (!(m.prot & SECSHM_PROT_WRITE))
			CHECK((fl & O_ACCMODE) == O_RDONLY);	/* H2 */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct secshm_msg hdr = { 0 };
	struct counts now;
	int fds[2] = { -1, -1 }, nfds = 0, rfd = -1;
	size_t out;

	if (size > SERVER_RX_MAX)
		return -1;	/* recvmsg would have truncated it: not a distinct input */
	if (!ready) {
		init();
		ready = true;
	}
	memcpy(&hdr, data, size < sizeof(hdr) ? size : sizeof(hdr));
	if (hdr.cookie & 2)
		CHECK((fds[nfds++] = fcntl(file_fd, F_DUPFD_CLOEXEC, 0)) >= 0);
	if (hdr.cookie & 4)
		CHECK((fds[nfds++] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0);

	/*
	 * The transport passes its receive buffer; libFuzzer's copy is exactly
	 * size bytes long, so ASan catches any read past the message.
	 */
	out = dispatch_request(w.c[hdr.cookie & 1], data, size, fds, nfds, false,
			       reply, SERVER_TX_MAX, &rfd);
	for (int i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	check_reply(data, size, out, rfd);
	if (rfd >= 0) {	/* made for the reply: the transport closes it once sent */
		close(rfd);
		fds_uncharge(w.srv, w.c[hdr.cookie & 1]->acct, 1);
	}
#ifdef FZ_TRACE
	fprintf(stderr, "fz: op %u cookie %#llx -> status %d, %zu bytes, fd %d\n", hdr.opcode,
		(unsigned long long)hdr.cookie, ((struct secshm_msg *)reply)->status, out, rfd);
#endif

	counts_get(&now);
	CHECK(now.clients == w.base.clients);
	CHECK(now.objects <= w.base.objects + 1);
	CHECK(now.sections <= w.base.sections + 1);
	CHECK(now.views <= w.base.views + 1);
	CHECK(now.handles <= w.base.handles + 1);
	CHECK(now.tokens <= w.base.tokens + 1);
	if (!counts_equal(&now, &w.base))
		world_reset();
	return 0;
}
