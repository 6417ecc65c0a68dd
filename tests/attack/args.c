// SPDX-License-Identifier: MIT
/*
 * Argument structs libsecshm never builds, sent raw to either side (the
 * op's ioctl on the device, a message on the socket): non-zero reserved
 * fields, unknown flags, unknown or missing access bits, fields that
 * belong to another form of the request. Both sides check them with the
 * core's rules (src/core/args.c), so each is -EINVAL on both, and none
 * changes anything: the one section stays with its one handle.
 */
#include "attack.h"

/* The connection's handle: its own, on its own connection. */
static uint32_t raw_create(int fd, size_t len)
{
	struct secshm_create_args c = { .size = sizeof(c), .length = len,
					 .access = SECSHM_GENERIC_ALL };

	if (harness_raw_op(fd, SECSHM_OP_CREATE, &c, sizeof(c)) < 0)
		return 0;
	return c.handle;
}

static int raw_handles(int fd, uint32_t h)
{
	struct secshm_query_args q = { .size = sizeof(q), .handle = h };
	int ret = harness_raw_op(fd, SECSHM_OP_QUERY, &q, sizeof(q));

	return ret < 0 ? ret : (int)q.info.handles;
}

static int child_bad_args(void *arg)
{
	struct secshm_create_args c;
	struct secshm_open_args o;
	struct secshm_query_args q;
	struct secshm_dup_args d;
	struct secshm_list_args l;
	struct secshm_call_args call;
	size_t page = harness_page();
	uint32_t h;
	int fd;

	fd = harness_raw_open();
	CHILD_CHECK(fd >= 0);
	h = raw_create(fd, page);
	CHILD_CHECK(h != 0);

#define BAD(op, args) CHILD_STATUS(harness_raw_op(fd, op, &(args), sizeof(args)), -EINVAL)
	c = (struct secshm_create_args){ .size = sizeof(c), .length = page,
					 .access = SECSHM_GENERIC_ALL, .flags = 1U << 30 };
	BAD(SECSHM_OP_CREATE, c);			/* unknown flag */
	c.flags = 0;
	c.access = 1U << 20;
	BAD(SECSHM_OP_CREATE, c);			/* unknown access bit */
	c.access = 0;
	BAD(SECSHM_OP_CREATE, c);			/* no access at all */
	c.access = SECSHM_GENERIC_ALL;
	c.sd.mode = 0600;
	BAD(SECSHM_OP_CREATE, c);			/* a descriptor without a name */
	c.sd.mode = 0;
	c.fd = 5;
	BAD(SECSHM_OP_CREATE, c);			/* a file without SECSHM_CREATE_FILE */
	c.fd = 0;
	c.flags = SECSHM_CREATE_PERMANENT;
	BAD(SECSHM_OP_CREATE, c);			/* permanent without a name */
	c.flags = 0;
	c.name[3] = 'x';
	BAD(SECSHM_OP_CREATE, c);			/* name bytes past name_len 0 */

	o = (struct secshm_open_args){ .size = sizeof(o), .access = SECSHM_GENERIC_READ,
				       .name_len = 1, .name = "a", .reserved = 1 };
	BAD(SECSHM_OP_OPEN, o);				/* reserved */
	o.reserved = 0;
	o.flags = 1U << 7;
	BAD(SECSHM_OP_OPEN, o);				/* unknown flag */
	o.flags = 0;
	o.token.value[1] = 1;
	BAD(SECSHM_OP_OPEN, o);				/* a token with a name */
	o.token.value[1] = 0;
	o.flags = SECSHM_OPEN_TOKEN;
	BAD(SECSHM_OP_OPEN, o);				/* a name with a token */
	o = (struct secshm_open_args){ .size = sizeof(o), .flags = SECSHM_OPEN_TOKEN,
				       .access = SECSHM_GENERIC_READ };
	BAD(SECSHM_OP_OPEN, o);				/* access with a token */

	q = (struct secshm_query_args){ .size = sizeof(q), .handle = h, .reserved = 1 };
	BAD(SECSHM_OP_QUERY, q);

	d = (struct secshm_dup_args){ .size = sizeof(d), .handle = h,
				      .access = SECSHM_GENERIC_READ, .reserved = 1 };
	BAD(SECSHM_OP_DUPLICATE, d);			/* reserved */
	d.reserved = 0;
	d.flags = 1U << 9;
	BAD(SECSHM_OP_DUPLICATE, d);			/* unknown flag */
	d.flags = 0;
	d.access = 0;
	BAD(SECSHM_OP_DUPLICATE, d);			/* no access, not SAME_ACCESS */
	d.access = 1U << 21;
	BAD(SECSHM_OP_DUPLICATE, d);			/* unknown access bit */

	l = (struct secshm_list_args){ .size = sizeof(l), .flags = 1 };
	BAD(SECSHM_OP_LIST, l);

	call = (struct secshm_call_args){ .size = sizeof(call), .opcode = SECSHM_CALL_STATS,
					  .flags = 1 };
	BAD(SECSHM_OP_CALL, call);
#undef BAD

	/* None of it made a section, a handle or a token. */
	CHILD_STATUS(raw_handles(fd, h), 1);
	close(fd);
	if (harness_backend() == SECSHM_BACKEND_DEVICE)
		close((int)h);
	return 0;
}

/*
 * SPEC: R4 — reserved fields, unknown flags, missing or unknown access
 * bits and fields of another form of the request are -EINVAL in CREATE,
 * OPEN, QUERY, DUPLICATE, LIST and CALL on both sides, and change nothing.
 */
static void test_bad_args(void **state)
{
	ATTACK_AS_NOBODY(child_bad_args, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_bad_args),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
