// SPDX-License-Identifier: MIT
/*
 * Malformed requests on the daemon's socket (R4): every one gets a reply
 * with the documented status, changes nothing, and descriptors that came
 * with a request are closed by the server. Sent raw by a nobody client.
 */
#include "raw.h"

static unsigned char msg[SECSHM_MSG_MAX + 65536];
static struct raw_reply rep;

/* A raw connection for a child, or fail the child. */
#define CHILD_CONNECT(fd) do {							\
		(fd) = raw_connect();						\
		CHILD_CHECK((fd) >= 0);						\
	} while (0)

static int xfer(int sock, size_t len)
{
	int st = raw_xfer(sock, msg, len, NULL, 0, &rep);

	raw_reply_done(&rep);
	return st;
}

/* The connection still answers a valid request: query of a fresh section. */
static int still_serves(int sock)
{
	struct secshm_section_info info;
	uint32_t h;

	CHILD_RAW(raw_create(sock, 4096, SECSHM_GENERIC_ALL, &h), 0);
	CHILD_RAW(raw_query(sock, h, &info, NULL), 0);
	CHILD_EQ(info.length, 4096);
	CHILD_RAW(raw_close(sock, h), 0);
	return 0;
}

static struct secshm_msg *hdr_of(void)
{
	return (struct secshm_msg *)msg;
}

static size_t build_query(uint32_t h)
{
	struct secshm_query_args q = { .size = sizeof(q), .handle = h };

	return raw_build(msg, sizeof(msg), SECSHM_OP_QUERY, 77, &q, sizeof(q), NULL, 0);
}

static int child_short(void *arg)
{
	int sock;

	CHILD_CONNECT(sock);
	memset(msg, 0, sizeof(msg));
	for (size_t len = 1; len < sizeof(struct secshm_msg); len++) {
		build_query(1);
		hdr_of()->size = (uint32_t)len;
		CHILD_RAW(xfer(sock, len), -EBADMSG);
	}
	CHILD_CHECK(still_serves(sock) == 0);
	/*
	 * A zero-length datagram cannot be told from end-of-file by recvmsg:
	 * the server may answer -EBADMSG or drop this connection, never more.
	 */
	{
		int st = xfer(sock, 0);

		CHILD_CHECK(st == -EBADMSG || st == RAW_EOF);
	}
	close(sock);
	CHILD_CONNECT(sock);
	CHILD_CHECK(still_serves(sock) == 0);
	close(sock);
	return 0;
}

/* SPEC: R4 — a message shorter than the header is -EBADMSG (every length). */
static void test_short_message(void **state)
{
	ATTACK_AS_NOBODY(child_short, NULL);
}

static int child_header_only(void *arg)
{
	int sock;

	CHILD_CONNECT(sock);
	for (uint16_t op = SECSHM_OP_CREATE; op <= SECSHM_OP_MAX_BUILTIN; op++) {
		size_t len = raw_build(msg, sizeof(msg), op, op, NULL, 0, NULL, 0);

		CHILD_RAW(xfer(sock, len), -EBADMSG);
		/* Part of the size field only. */
		memset(msg + len, 0, 3);
		hdr_of()->size = (uint32_t)len + 3;
		CHILD_RAW(xfer(sock, len + 3), -EBADMSG);
	}
	CHILD_CHECK(still_serves(sock) == 0);
	close(sock);
	return 0;
}

/* SPEC: R4 — a header with no (or a partial) argument struct is -EBADMSG for every opcode. */
static void test_header_only(void **state)
{
	ATTACK_AS_NOBODY(child_header_only, NULL);
}

static int child_oversized(void *arg)
{
	struct secshm_call_args c = { .size = sizeof(c) + 8, .opcode = SECSHM_CALL_USER,
				      .nrefs = SECSHM_REFS_MAX, .in_len = SECSHM_INLINE_MAX };
	struct secshm_ref refs[SECSHM_REFS_MAX] = { { 0 } };
	unsigned char ext[sizeof(c) + 8];
	size_t lens[] = { SECSHM_MSG_MAX + 1, SECSHM_MSG_MAX + 65, SECSHM_MSG_MAX + 4096,
			  sizeof(msg) };
	unsigned char *p;
	size_t len;
	int sock;

	CHILD_CONNECT(sock);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(msg, 0x41, lens[i]);
		build_query(1);
		hdr_of()->size = (uint32_t)lens[i];
		CHILD_RAW(xfer(sock, lens[i]), -EBADMSG);
	}
	CHILD_CHECK(still_serves(sock) == 0);

	/*
	 * Self-consistent but longer than SECSHM_MSG_MAX: a CALL whose struct
	 * claims 8 more (zero) bytes, with the most references and input.
	 */
	memset(ext, 0, sizeof(ext));
	memcpy(ext, &c, sizeof(c));
	len = raw_build(msg, sizeof(msg), SECSHM_OP_CALL, 9, ext, sizeof(ext), NULL, 0);
	p = msg + len;
	memcpy(p, refs, sizeof(refs));
	memset(p + sizeof(refs), 0, SECSHM_INLINE_MAX);
	len += sizeof(refs) + SECSHM_INLINE_MAX;
	hdr_of()->size = (uint32_t)len;
	CHILD_CHECK(len > SECSHM_MSG_MAX);
	CHILD_RAW(xfer(sock, len), -EBADMSG);
	CHILD_CHECK(still_serves(sock) == 0);
	close(sock);
	return 0;
}

/*
 * SPEC: R4 — a message longer than SECSHM_MSG_MAX is -EBADMSG: garbage of
 * several lengths (truncated by the server), and a self-consistent CALL that
 * only exceeds the maximum through an extended argument struct.
 */
static void test_oversized_message(void **state)
{
	ATTACK_AS_NOBODY(child_oversized, NULL);
}

static int child_size_mismatch(void *arg)
{
	uint32_t sizes[] = { 0, 1, sizeof(struct secshm_msg), 0x7fffffff, UINT32_MAX };
	struct secshm_section_info info;
	size_t len;
	uint32_t h;
	int sock;

	CHILD_CONNECT(sock);
	CHILD_RAW(raw_create(sock, 4096, SECSHM_GENERIC_ALL, &h), 0);
	len = build_query(h);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		build_query(h);
		hdr_of()->size = sizes[i];
		CHILD_RAW(xfer(sock, len), -EBADMSG);
	}
	build_query(h);
	hdr_of()->size = (uint32_t)len + 1;
	CHILD_RAW(xfer(sock, len), -EBADMSG);
	build_query(h);
	hdr_of()->size = (uint32_t)len - 1;
	CHILD_RAW(xfer(sock, len), -EBADMSG);
	/* Sent with trailing bytes the header does not count. */
	build_query(h);
	CHILD_RAW(xfer(sock, len + 8), -EBADMSG);
	CHILD_RAW(raw_query(sock, h, &info, NULL), 0);
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
}

/* SPEC: R4 — msg.size that disagrees with the bytes sent is -EBADMSG. */
static void test_size_mismatch(void **state)
{
	ATTACK_AS_NOBODY(child_size_mismatch, NULL);
}

static int child_bad_version(void *arg)
{
	uint16_t versions[] = { 0, SECSHM_ABI_VERSION + 1, 0x100, 0xffff };
	uint32_t h;
	size_t len;
	int sock;

	CHILD_CONNECT(sock);
	CHILD_RAW(raw_create(sock, 4096, SECSHM_GENERIC_ALL, &h), 0);
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		struct secshm_handle_args a = { .size = sizeof(a), .handle = h };

		/* A CLOSE of a live handle: it must stay open. */
		len = raw_build(msg, sizeof(msg), SECSHM_OP_CLOSE, 3, &a, sizeof(a), NULL, 0);
		hdr_of()->version = versions[i];
		CHILD_RAW(xfer(sock, len), -EPROTO);
	}
	CHILD_RAW(raw_query(sock, h, NULL, NULL), 0);
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
}

/* SPEC: R4 — an unsupported ABI version is -EPROTO and the request does nothing. */
static void test_bad_version(void **state)
{
	ATTACK_AS_NOBODY(child_bad_version, NULL);
}

static int child_bad_opcode(void *arg)
{
	uint16_t ops[] = { 0, SECSHM_OP_MAX_BUILTIN + 1, 0x80, 0x1000, 0x8000, 0xffff };
	struct secshm_handle_args a = { .size = sizeof(a), .handle = 1 };
	int sock;

	CHILD_CONNECT(sock);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t len = raw_build(msg, sizeof(msg), ops[i], 5, &a, sizeof(a), NULL, 0);

		CHILD_RAW(xfer(sock, len), -EOPNOTSUPP);
	}
	CHILD_CHECK(still_serves(sock) == 0);
	close(sock);
	return 0;
}

/* SPEC: R4 — opcode 0 and unknown opcodes are -EOPNOTSUPP. */
static void test_bad_opcode(void **state)
{
	ATTACK_AS_NOBODY(child_bad_opcode, NULL);
}

static int child_status_flags(void *arg)
{
	int32_t statuses[] = { -1, 1, INT32_MIN, -EBADF };
	uint32_t flags[] = { 1, 0x80000000U, UINT32_MAX };
	uint32_t h;
	size_t len;
	int sock;

	CHILD_CONNECT(sock);
	CHILD_RAW(raw_create(sock, 4096, SECSHM_GENERIC_ALL, &h), 0);
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		len = build_query(h);
		hdr_of()->status = statuses[i];
		CHILD_RAW(xfer(sock, len), -EINVAL);
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		len = build_query(h);
		hdr_of()->flags = flags[i];
		CHILD_RAW(xfer(sock, len), -EINVAL);
	}
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
}

/* SPEC: R4 — a request with a non-zero msg.status or msg.flags is -EINVAL. */
static void test_nonzero_status_flags(void **state)
{
	ATTACK_AS_NOBODY(child_status_flags, NULL);
}

static int child_args_size(void *arg)
{
	struct secshm_query_args q = { .handle = 0 };
	struct secshm_create_args c = { .length = 4096, .access = SECSHM_GENERIC_ALL };
	unsigned char big[sizeof(c) + 16];
	uint32_t h, n0;
	size_t len;
	int sock;

	CHILD_CONNECT(sock);
	CHILD_RAW(raw_create(sock, 4096, SECSHM_GENERIC_ALL, &h), 0);
	q.handle = h;

	/* Smaller than the struct, as sent and as claimed. */
	for (uint32_t s = 0; s < sizeof(q); s += 4) {
		q.size = s;
		len = raw_build(msg, sizeof(msg), SECSHM_OP_QUERY, 1, &q, sizeof(q), NULL, 0);
		CHILD_RAW(xfer(sock, len), -EBADMSG);
		len = raw_build(msg, sizeof(msg), SECSHM_OP_QUERY, 1, &q, s, NULL, 0);
		CHILD_RAW(xfer(sock, len), -EBADMSG);
	}
	/* Larger than what was sent. */
	q.size = sizeof(q) + 8;
	len = raw_build(msg, sizeof(msg), SECSHM_OP_QUERY, 1, &q, sizeof(q), NULL, 0);
	CHILD_RAW(xfer(sock, len), -EBADMSG);
	q.size = UINT32_MAX;
	len = raw_build(msg, sizeof(msg), SECSHM_OP_QUERY, 1, &q, sizeof(q), NULL, 0);
	CHILD_RAW(xfer(sock, len), -EBADMSG);

	/* Larger, with bytes this server does not know: zero is fine, else -E2BIG. */
	memset(big, 0, sizeof(big));
	q.size = sizeof(q) + 16;
	memcpy(big, &q, sizeof(q));
	len = raw_build(msg, sizeof(msg), SECSHM_OP_QUERY, 1, big, sizeof(q) + 16, NULL, 0);
	CHILD_RAW(xfer(sock, len), 0);
	for (size_t at = sizeof(q); at < sizeof(q) + 16; at += 5) {
		big[at] = 0x01;
		len = raw_build(msg, sizeof(msg), SECSHM_OP_QUERY, 1, big, sizeof(q) + 16, NULL, 0);
		CHILD_RAW(xfer(sock, len), -E2BIG);
		big[at] = 0;
	}

	/* The same for CREATE: an extended zero tail creates, a non-zero one does not. */
	memset(big, 0, sizeof(big));
	c.size = sizeof(c) + 16;
	memcpy(big, &c, sizeof(c));
	big[sizeof(c) + 15] = 0x80;
	len = raw_build(msg, sizeof(msg), SECSHM_OP_CREATE, 1, big, sizeof(c) + 16, NULL, 0);
	CHILD_RAW(xfer(sock, len), -E2BIG);
	big[sizeof(c) + 15] = 0;
	len = raw_build(msg, sizeof(msg), SECSHM_OP_CREATE, 1, big, sizeof(c) + 16, NULL, 0);
	{
		int st = raw_xfer(sock, msg, len, NULL, 0, &rep);

		raw_reply_done(&rep);
		CHILD_RAW(st, 0);
		CHILD_CHECK(rep.body_len >= sizeof(c));
		memcpy(&c, rep.body, sizeof(c));
		n0 = c.handle;
	}
	CHILD_RAW(raw_query(sock, n0, NULL, NULL), 0);
	CHILD_RAW(raw_close(sock, n0), 0);
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
}

/*
 * SPEC: R4 — the argument struct's size field: smaller than the struct, or
 * larger than the bytes sent, is -EBADMSG; larger with non-zero unknown
 * bytes is -E2BIG; larger with zero unknown bytes is accepted.
 */
static void test_args_size(void **state)
{
	ATTACK_AS_NOBODY(child_args_size, NULL);
}

/* Send one op's struct as is: the status. */
static int send_args(int sock, uint16_t op, const void *args, size_t len)
{
	size_t n = raw_build(msg, sizeof(msg), op, op, args, len, NULL, 0);

	return xfer(sock, n);
}

static int child_reserved_flags(void *arg)
{
	struct secshm_create_args c;
	struct secshm_open_args o;
	struct secshm_query_args q;
	struct secshm_dup_args d;
	struct secshm_map_args m;
	struct secshm_list_args l;
	struct secshm_section_info info;
	uint32_t h, n;
	int sock;

	CHILD_CONNECT(sock);
	CHILD_RAW(raw_create(sock, 4096, SECSHM_GENERIC_ALL, &h), 0);

#define CREATE_RESET() do { memset(&c, 0, sizeof(c)); c.size = sizeof(c); c.length = 4096; \
			    c.access = SECSHM_GENERIC_ALL; } while (0)
	CREATE_RESET();
	c.flags = 1U << 20;
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	c.flags = 1U << 31;
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	c.flags = 1U << 7;
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	CREATE_RESET();
	c.fd = 3;	/* the device's field: 0 on the socket */
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	CREATE_RESET();
	c.access = 1U << 5;
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	c.access = 0;
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	c.access = SECSHM_ACCESS_QUERY | (1U << 28);
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	CREATE_RESET();
	c.sd.mode = 0600;	/* an unnamed section has no descriptor */
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	CREATE_RESET();
	c.name[7] = 'x';	/* nor name bytes */
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	/* Named: descriptor fields that must be zero or in range. */
	CREATE_RESET();
	c.name_len = (uint32_t)snprintf(c.name, sizeof(c.name), "t/%d-rsv", (int)getpid());
	c.sd.owner = c.sd.group = SECSHM_ID_CALLER;
	c.sd.mode = 0600;
	c.sd.nace = 1;
	c.sd.ace[0] = (struct secshm_ace){ .type = SECSHM_ACE_USER, .id = 0,
					   .access = SECSHM_ACCESS_QUERY, .reserved = 1 };
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	c.sd.ace[0].reserved = 0;
	c.sd.ace[0].type = 3;
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	c.sd.ace[0].type = SECSHM_ACE_USER;
	c.sd.ace[0].access = 1U << 6;
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	c.sd.ace[0].access = SECSHM_ACCESS_QUERY;
	c.sd.ace[1].id = 5;	/* an entry past nace */
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	c.sd.ace[1].id = 0;
	c.sd.nace = SECSHM_ACE_MAX + 1;
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	c.sd.nace = 1;
	c.sd.mode = 01600;
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	c.sd.mode = 0777;
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), -EINVAL);
	/* Nothing of that name was made. */
	CHILD_RAW(raw_open(sock, c.name, SECSHM_GENERIC_READ, &n), -ENOENT);

	/* OPEN of a name that exists, so that only the bad field can fail it. */
	CREATE_RESET();
	c.name_len = (uint32_t)snprintf(c.name, sizeof(c.name), "t/%d-open", (int)getpid());
	CHILD_RAW(send_args(sock, SECSHM_OP_CREATE, &c, sizeof(c)), 0);
	memcpy(&n, rep.body + offsetof(struct secshm_create_args, handle), sizeof(n));
	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.access = SECSHM_GENERIC_READ;
	o.name_len = c.name_len;
	memcpy(o.name, c.name, c.name_len);
	o.flags = 1U << 7;
	CHILD_RAW(send_args(sock, SECSHM_OP_OPEN, &o, sizeof(o)), -EINVAL);
	o.flags = 1U << 31;
	CHILD_RAW(send_args(sock, SECSHM_OP_OPEN, &o, sizeof(o)), -EINVAL);
	o.flags = 0;
	o.reserved = 1;
	CHILD_RAW(send_args(sock, SECSHM_OP_OPEN, &o, sizeof(o)), -EINVAL);
	o.reserved = 0;
	o.access = 1U << 5;
	CHILD_RAW(send_args(sock, SECSHM_OP_OPEN, &o, sizeof(o)), -EINVAL);
	o.access = 0;
	CHILD_RAW(send_args(sock, SECSHM_OP_OPEN, &o, sizeof(o)), -EINVAL);
	CHILD_RAW(raw_close(sock, n), 0);

	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.handle = h;
	q.reserved = 1;
	CHILD_RAW(send_args(sock, SECSHM_OP_QUERY, &q, sizeof(q)), -EINVAL);
	q.reserved = 0x80000000U;
	CHILD_RAW(send_args(sock, SECSHM_OP_QUERY, &q, sizeof(q)), -EINVAL);

	memset(&d, 0, sizeof(d));
	d.size = sizeof(d);
	d.handle = h;
	d.access = SECSHM_ACCESS_QUERY;
	d.flags = 1U << 7;
	CHILD_RAW(send_args(sock, SECSHM_OP_DUPLICATE, &d, sizeof(d)), -EINVAL);
	d.flags = 1U << 31;
	CHILD_RAW(send_args(sock, SECSHM_OP_DUPLICATE, &d, sizeof(d)), -EINVAL);
	d.flags = 0;
	d.reserved = 1;
	CHILD_RAW(send_args(sock, SECSHM_OP_DUPLICATE, &d, sizeof(d)), -EINVAL);
	d.reserved = 0;
	d.access = 1U << 5;
	CHILD_RAW(send_args(sock, SECSHM_OP_DUPLICATE, &d, sizeof(d)), -EINVAL);
	d.access = 0;
	CHILD_RAW(send_args(sock, SECSHM_OP_DUPLICATE, &d, sizeof(d)), -EINVAL);

	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.handle = h;
	m.length = 4096;
	m.prot = 0;
	CHILD_RAW(send_args(sock, SECSHM_OP_MAP, &m, sizeof(m)), -EINVAL);
	m.prot = SECSHM_PROT_WRITE;	/* write without read */
	CHILD_RAW(send_args(sock, SECSHM_OP_MAP, &m, sizeof(m)), -EINVAL);
	m.prot = RW | 4;
	CHILD_RAW(send_args(sock, SECSHM_OP_MAP, &m, sizeof(m)), -EINVAL);
	m.prot = RO | (1U << 31);
	CHILD_RAW(send_args(sock, SECSHM_OP_MAP, &m, sizeof(m)), -EINVAL);

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.max = 1;
	l.flags = 1;
	CHILD_RAW(send_args(sock, SECSHM_OP_LIST, &l, sizeof(l)), -EINVAL);
	l.flags = 0;
	l.entries = 0x10000;	/* a user address: the device's alone */
	CHILD_RAW(send_args(sock, SECSHM_OP_LIST, &l, sizeof(l)), -EINVAL);

	/* None of it changed anything: no view, no extra handle. */
	CHILD_RAW(raw_query(sock, h, &info, NULL), 0);
	CHILD_EQ(info.views, 0);
	CHILD_EQ(info.handles, 1);
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
#undef CREATE_RESET
}

/*
 * SPEC: R4, H1, H3 — non-zero reserved fields, unknown flags, unknown
 * access bits, bad descriptor entries and device-only fields are -EINVAL in
 * CREATE, OPEN, QUERY, DUPLICATE, MAP and LIST, and change nothing.
 */
static void test_reserved_and_flags(void **state)
{
	ATTACK_AS_NOBODY(child_reserved_flags, NULL);
}

/* A CALL message with a tail of tail_len bytes, fields as given. */
static size_t build_call(const struct secshm_call_args *a, size_t tail_len)
{
	size_t len = raw_build(msg, sizeof(msg), SECSHM_OP_CALL, 11, a, sizeof(*a), NULL, 0);

	memset(msg + len, 0, tail_len);
	len += tail_len;
	hdr_of()->size = (uint32_t)len;
	return len;
}

static int child_call_limits(void *arg)
{
	const size_t ref = sizeof(struct secshm_ref);
	struct secshm_call_args a = { .size = sizeof(a), .opcode = SECSHM_CALL_USER };
	int sock;

	CHILD_CONNECT(sock);
	a.nrefs = SECSHM_REFS_MAX + 1;
	CHILD_RAW(xfer(sock, build_call(&a, a.nrefs * ref)), -E2BIG);
	a.nrefs = UINT32_MAX;
	CHILD_RAW(xfer(sock, build_call(&a, 0)), -E2BIG);
	a.nrefs = 0;
	a.in_len = SECSHM_INLINE_MAX + 1;
	CHILD_RAW(xfer(sock, build_call(&a, a.in_len)), -E2BIG);
	a.in_len = UINT32_MAX;
	CHILD_RAW(xfer(sock, build_call(&a, 0)), -E2BIG);
	a.in_len = 0;
	a.out_len = SECSHM_INLINE_MAX + 1;
	CHILD_RAW(xfer(sock, build_call(&a, 0)), -E2BIG);
	a.out_len = 0;

	/* Counts that disagree with the bytes that follow. */
	a.nrefs = 2;
	CHILD_RAW(xfer(sock, build_call(&a, ref)), -EBADMSG);
	CHILD_RAW(xfer(sock, build_call(&a, 3 * ref)), -EBADMSG);
	CHILD_RAW(xfer(sock, build_call(&a, 2 * ref - 1)), -EBADMSG);
	a.nrefs = 0;
	a.in_len = 10;
	CHILD_RAW(xfer(sock, build_call(&a, 5)), -EBADMSG);
	CHILD_RAW(xfer(sock, build_call(&a, 11)), -EBADMSG);
	a.in_len = 0;
	CHILD_RAW(xfer(sock, build_call(&a, 8)), -EBADMSG);
	a.nrefs = 1;
	a.in_len = 4;
	CHILD_RAW(xfer(sock, build_call(&a, ref)), -EBADMSG);
	CHILD_RAW(xfer(sock, build_call(&a, 4)), -EBADMSG);
	CHILD_CHECK(still_serves(sock) == 0);
	close(sock);
	return 0;
}

/*
 * SPEC: R4, R1 — CALL with more than SECSHM_REFS_MAX references or more
 * than SECSHM_INLINE_MAX input or output bytes is -E2BIG; nrefs or in_len
 * that disagree with the message length are -EBADMSG.
 */
static void test_call_limits(void **state)
{
	ATTACK_AS_NOBODY(child_call_limits, NULL);
}

static int child_call_fields(void *arg)
{
	struct secshm_call_args a = { .size = sizeof(a), .opcode = SECSHM_CALL_STATS,
				      .out_len = sizeof(struct secshm_stats) };
	uint32_t bad_ops[] = { 0, 0x0005, 0x00ff, 0x0800, SECSHM_CALL_USER - 1, SECSHM_CALL_USER,
			       0x1234, SECSHM_CALL_MAX, SECSHM_CALL_MAX + 1, 0x80000000U,
			       UINT32_MAX };
	uint64_t ptrs[] = { 1, 0x7fff00000000ULL, UINT64_MAX };
	int sock;

	CHILD_CONNECT(sock);
	for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
		a.refs = ptrs[i];
		CHILD_RAW(xfer(sock, build_call(&a, 0)), -EINVAL);
		a.refs = 0;
		a.in = ptrs[i];
		CHILD_RAW(xfer(sock, build_call(&a, 0)), -EINVAL);
		a.in = 0;
		a.out = ptrs[i];
		CHILD_RAW(xfer(sock, build_call(&a, 0)), -EINVAL);
		a.out = 0;
	}
	a.flags = 1;
	CHILD_RAW(xfer(sock, build_call(&a, 0)), -EINVAL);
	a.flags = 0x80000000U;
	CHILD_RAW(xfer(sock, build_call(&a, 0)), -EINVAL);
	a.flags = 0;
	for (size_t i = 0; i < sizeof(bad_ops) / sizeof(bad_ops[0]); i++) {
		a.opcode = bad_ops[i];
		CHILD_RAW(xfer(sock, build_call(&a, 0)), -EOPNOTSUPP);
	}
	CHILD_CHECK(still_serves(sock) == 0);
	close(sock);
	return 0;
}

/*
 * SPEC: R4, R1 — CALL with refs/in/out addresses on the socket or non-zero
 * flags is -EINVAL; an unknown CALL opcode (user range, or below
 * SECSHM_CALL_USER and not built in, or above SECSHM_CALL_MAX) is
 * -EOPNOTSUPP.
 */
static void test_call_fields_and_opcodes(void **state)
{
	ATTACK_AS_NOBODY(child_call_fields, NULL);
}

/* Whether the server has closed its copy of a pipe's write end (EOF on read). */
static bool pipe_closed(int rd)
{
	struct pollfd p = { .fd = rd, .events = POLLIN };
	char c;

	return poll(&p, 1, RAW_WAIT_MS) == 1 && read(rd, &c, 1) == 0;
}

static int child_fds_attached(void *arg)
{
	int counts[] = { 1, 2, 8, 9, 40 };
	struct secshm_section_info info;
	int sock, fds[64], p[2];
	uint32_t h;

	CHILD_CONNECT(sock);
	CHILD_RAW(raw_create(sock, 4096, SECSHM_GENERIC_ALL, &h), 0);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct secshm_handle_args a = { .size = sizeof(a), .handle = h };
		size_t len;
		int n = counts[i];

		CHILD_SYSOK(pipe2(p, O_CLOEXEC));
		for (int k = 0; k < n; k++)
			fds[k] = k == n - 1 ? p[1] : p[0];
		/* A CLOSE of a live handle: refused, the handle stays. */
		len = raw_build(msg, sizeof(msg), SECSHM_OP_CLOSE, 1, &a, sizeof(a), NULL, 0);
		CHILD_RAW(raw_xfer(sock, msg, len, fds, n, &rep), -EBADMSG);
		raw_reply_done(&rep);
		close(p[1]);
		CHILD_CHECK(pipe_closed(p[0]));
		close(p[0]);
		CHILD_RAW(raw_query(sock, h, &info, NULL), 0);
	}

	/* On CREATE (no SECSHM_CREATE_FILE), QUERY and CALL too. */
	{
		struct secshm_create_args c = { .size = sizeof(c), .length = 4096,
						 .access = SECSHM_GENERIC_ALL };
		struct secshm_call_args k = { .size = sizeof(k), .opcode = SECSHM_CALL_STATS,
					      .out_len = sizeof(struct secshm_stats) };
		size_t len;

		CHILD_SYSOK(pipe2(p, O_CLOEXEC));
		len = raw_build(msg, sizeof(msg), SECSHM_OP_CREATE, 1, &c, sizeof(c), NULL, 0);
		CHILD_RAW(raw_xfer(sock, msg, len, &p[1], 1, &rep), -EBADMSG);
		raw_reply_done(&rep);
		len = build_query(h);
		CHILD_RAW(raw_xfer(sock, msg, len, &p[1], 1, &rep), -EBADMSG);
		raw_reply_done(&rep);
		len = build_call(&k, 0);
		CHILD_RAW(raw_xfer(sock, msg, len, &p[1], 1, &rep), -EBADMSG);
		raw_reply_done(&rep);
		/* With another fault in the same message: still closed. */
		len = build_query(h);
		hdr_of()->version = 7;
		CHILD_RAW(raw_xfer(sock, msg, len, &p[1], 1, &rep), -EPROTO);
		raw_reply_done(&rep);
		len = build_query(h);
		CHILD_RAW(raw_xfer(sock, msg, 5, &p[1], 1, &rep), -EBADMSG);
		raw_reply_done(&rep);
		close(p[1]);
		CHILD_CHECK(pipe_closed(p[0]));
		close(p[0]);
	}
	CHILD_RAW(raw_query(sock, h, &info, NULL), 0);
	CHILD_EQ(info.handles, 1);
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
}

/*
 * SPEC: R4 — descriptors attached to a request that expects none: -EBADMSG
 * (whatever else is wrong with it, the server closes them: the pipe's write
 * end sees EOF, and the teardown finds the server's fd count at baseline),
 * more than the server receives at once included; the request changes
 * nothing.
 */
static void test_fds_attached(void **state)
{
	ATTACK_AS_NOBODY(child_fds_attached, NULL);
}

static int child_garbage(void *arg)
{
	int sock, sent = 0;

	CHILD_CONNECT(sock);
	srandom(0x5ec5);
	for (int i = 0; i < 300; i++) {
		size_t len = 1 + (size_t)random() % 160;

		for (size_t k = 0; k < len; k++)
			msg[k] = (unsigned char)random();
		/* Half of them with a plausible header to reach deeper. */
		if (i % 2 && len >= sizeof(struct secshm_msg)) {
			hdr_of()->size = (uint32_t)len;
			hdr_of()->version = SECSHM_ABI_VERSION;
			hdr_of()->opcode = (uint16_t)(1 + random() % SECSHM_OP_MAX_BUILTIN);
			hdr_of()->status = 0;
			hdr_of()->flags = 0;
		}
		CHILD_EQ(raw_send(sock, msg, len, NULL, 0), 0);
		sent++;
		/* Read as we go so the server never has to queue. */
		if (sent == 16 || i == 299) {
			for (; sent; sent--) {
				int st = raw_recv(sock, &rep, RAW_WAIT_MS);

				raw_reply_done(&rep);
				CHILD_CHECK(st > RAW_EOF);
			}
		}
	}
	CHILD_CHECK(still_serves(sock) == 0);
	close(sock);
	return 0;
}

/*
 * SPEC: R4, Q2 — 300 random messages (random bytes, and random bodies under
 * a plausible header) each get one well-formed reply, and the connection
 * then serves a valid request.
 */
static void test_random_garbage(void **state)
{
	ATTACK_AS_NOBODY(child_garbage, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_short_message),
	HARNESS_TEST(test_header_only),
	HARNESS_TEST(test_oversized_message),
	HARNESS_TEST(test_size_mismatch),
	HARNESS_TEST(test_bad_version),
	HARNESS_TEST(test_bad_opcode),
	HARNESS_TEST(test_nonzero_status_flags),
	HARNESS_TEST(test_args_size),
	HARNESS_TEST(test_reserved_and_flags),
	HARNESS_TEST(test_call_limits),
	HARNESS_TEST(test_call_fields_and_opcodes),
	HARNESS_TEST(test_fds_attached),
	HARNESS_TEST(test_random_garbage),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
