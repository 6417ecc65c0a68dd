// SPDX-License-Identifier: MIT
/*
 * Names as raw bytes (S2, R4): what libsecshm cannot send because it
 * measures names with strlen — NULs inside name_len, bytes after name_len,
 * and name_len past SECSHM_NAME_MAX — sent by a nobody client to CREATE and
 * OPEN on the daemon's socket.
 */
#include "raw.h"

static int create_raw(int sock, const char *name, uint32_t name_len, size_t copy, uint32_t *h)
{
	struct secshm_create_args a = { .size = sizeof(a), .length = 4096,
					.access = SECSHM_GENERIC_ALL, .name_len = name_len };
	struct raw_reply r;
	int st;

	memcpy(a.name, name, copy);
	st = raw_op(sock, SECSHM_OP_CREATE, &a, sizeof(a), NULL, 0, &r);
	raw_reply_done(&r);
	if (st >= 0)
		*h = a.handle;
	return st;
}

static int open_raw(int sock, const char *name, uint32_t name_len, size_t copy, uint32_t *h)
{
	struct secshm_open_args a = { .size = sizeof(a), .access = SECSHM_GENERIC_READ,
				      .name_len = name_len };
	struct raw_reply r;
	int st;

	memcpy(a.name, name, copy);
	st = raw_op(sock, SECSHM_OP_OPEN, &a, sizeof(a), NULL, 0, &r);
	raw_reply_done(&r);
	if (st >= 0)
		*h = a.handle;
	return st;
}

/* Both CREATE and OPEN answer expected for these bytes. */
#define CHILD_NAME(sock, bytes, len, copy, expected) do {			\
		uint32_t _h;							\
		CHILD_RAW(create_raw((sock), (bytes), (len), (copy), &_h), (expected)); \
		CHILD_RAW(open_raw((sock), (bytes), (len), (copy), &_h), (expected)); \
	} while (0)

static int child_nul(void *arg)
{
	char base[64], buf[SECSHM_NAME_MAX + 1];
	size_t n;
	uint32_t h;
	int sock = raw_connect();

	CHILD_CHECK(sock >= 0);
	n = (size_t)snprintf(base, sizeof(base), "t/%d-nul", (int)getpid());
	/* The prefix alone is a fine name: make it exist, so a cut would find it. */
	CHILD_RAW(create_raw(sock, base, (uint32_t)n, n, &h), 0);

	memcpy(buf, base, n);
	buf[n] = '\0';
	buf[n + 1] = 'x';
	CHILD_NAME(sock, buf, (uint32_t)n + 2, n + 2, -EINVAL);	/* "base\0x" */
	CHILD_NAME(sock, buf, (uint32_t)n + 1, n + 1, -EINVAL);	/* "base\0" */
	CHILD_NAME(sock, "\0", 1, 1, -EINVAL);
	CHILD_NAME(sock, "\0\0\0\0", 4, 4, -EINVAL);
	CHILD_NAME(sock, "a\0/b", 4, 4, -EINVAL);
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
}

/*
 * SPEC: S2 — a NUL inside name_len is -EINVAL for create and open (never
 * cut to the prefix, which exists), alone, in front or at the end.
 */
static void test_embedded_nul(void **state)
{
	ATTACK_AS_NOBODY(child_nul, NULL);
}

static int child_after(void *arg)
{
	char buf[SECSHM_NAME_MAX + 1];
	size_t n;
	uint32_t h;
	int sock = raw_connect();

	CHILD_CHECK(sock >= 0);
	memset(buf, 0, sizeof(buf));
	n = (size_t)snprintf(buf, sizeof(buf), "t/%d-after", (int)getpid());
	CHILD_RAW(create_raw(sock, buf, (uint32_t)n, n, &h), 0);
	/* The same name with bytes after name_len: not accepted as that name. */
	for (size_t at = n; at < sizeof(buf); at += 61) {
		buf[at] = 'x';
		CHILD_NAME(sock, buf, (uint32_t)n, sizeof(buf), -EINVAL);
		buf[at] = '\0';
	}
	buf[SECSHM_NAME_MAX] = 'z';
	CHILD_NAME(sock, buf, (uint32_t)n, sizeof(buf), -EINVAL);
	buf[SECSHM_NAME_MAX] = '\0';
	/* Nor an empty name with bytes in the array (an unnamed create is checked in protocol_socket.c). */
	{
		uint32_t x;

		CHILD_RAW(open_raw(sock, buf, 0, sizeof(buf), &x), -EINVAL);
	}
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
}

/*
 * SPEC: S2, R4 — name bytes after name_len that are not zero make the
 * request -EINVAL, at any position up to the array's last byte.
 */
static void test_bytes_after_name_len(void **state)
{
	ATTACK_AS_NOBODY(child_after, NULL);
}

static int child_too_long(void *arg)
{
	uint32_t lens[] = { SECSHM_NAME_MAX + 1, SECSHM_NAME_MAX + 2, 4096, 0x10000, 0x7fffffff,
			    UINT32_MAX };
	char buf[SECSHM_NAME_MAX + 1];
	int sock = raw_connect();

	CHILD_CHECK(sock >= 0);
	memset(buf, 'a', sizeof(buf));
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		CHILD_NAME(sock, buf, lens[i], sizeof(buf), -ENAMETOOLONG);
	close(sock);
	return 0;
}

/* SPEC: S2, R4 — name_len beyond SECSHM_NAME_MAX (up to UINT32_MAX) is -ENAMETOOLONG, never a read past the array. */
static void test_name_len_too_long(void **state)
{
	ATTACK_AS_NOBODY(child_too_long, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_embedded_nul),
	HARNESS_TEST(test_bytes_after_name_len),
	HARNESS_TEST(test_name_len_too_long),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
