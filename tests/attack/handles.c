// SPDX-License-Identifier: MIT
/*
 * Handle validation (H5) from a nobody client, through libsecshm: values
 * that are not a live handle of this client, in every operation that takes
 * one, QUERY, MAP, DUPLICATE, UNLINK, CLOSE and as a CALL reference
 * (EXAMPLE_OP_CHECKSUM of the example server, or of the module's example
 * driver). None may work, crash the server or touch another's object.
 */
#include <sys/eventfd.h>
#include "attack.h"

/* A value that is not a descriptor of this process (device) or any value (socket). */
static bool forgeable(uint32_t v)
{
	if (attack_is_socket())
		return true;
	return v > INT32_MAX || (fcntl((int)v, F_GETFD) < 0 && errno == EBADF);
}

/* Every operation taking a section handle answers v with expected. */
static int refused_everywhere(struct secshm *s, uint32_t v, int expected)
{
	struct secshm_section_info info;
	uint64_t sum;
	uint32_t x;
	void *addr;

	CHILD_STATUS(secshm_query(s, v, &info, &x), expected);
	CHILD_STATUS(secshm_map(s, v, 0, harness_page(), RO, &addr), expected);
	CHILD_STATUS(secshm_map(s, v, 0, harness_page(), RW, &addr), expected);
	CHILD_STATUS(secshm_duplicate(s, v, SECSHM_ACCESS_QUERY, &x), expected);
	CHILD_STATUS(attack_checksum(s, v, 0, 64, &sum), expected);
	CHILD_STATUS(secshm_unlink(s, v), expected);
	CHILD_STATUS(secshm_close(s, v), expected);
	return 0;
}

#define CHILD_REFUSED(s, v, e) do {						\
		if (refused_everywhere((s), (v), (e))) {			\
			fprintf(stderr, "  (handle value %#x)\n", (unsigned)(v)); \
			return 1;						\
		}								\
	} while (0)

/* h is live and names the section with this id. */
static int still_live(struct secshm *s, uint32_t h, uint64_t id)
{
	struct secshm_section_info info;
	uint64_t sum;

	CHILD_OK(secshm_query(s, h, &info, NULL));
	CHILD_EQ(info.id, id);
	CHILD_OK(attack_checksum(s, h, 0, 64, &sum));
	return 0;
}

static uint64_t id_of(struct secshm *s, uint32_t h)
{
	struct secshm_section_info info;

	return secshm_query(s, h, &info, NULL) ? 0 : info.id;
}

static int child_forged(void *arg)
{
	struct secshm *s;
	uint32_t h, v, fixed[12];
	uint64_t id;
	int n = 0;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	id = id_of(s, h);
	CHILD_CHECK(id != 0);
	fixed[n++] = SECSHM_HANDLE_NONE;
	fixed[n++] = h + 1;
	fixed[n++] = h + 2;
	fixed[n++] = h ^ (1U << 20);		/* same slot, another generation */
	fixed[n++] = h + (1U << 20);
	fixed[n++] = h | 0x000fffffU;		/* the last slot */
	fixed[n++] = h | 0x7ff00000U;		/* the last generation */
	fixed[n++] = 0x000fffffU;
	fixed[n++] = INT32_MAX;
	fixed[n++] = UINT32_MAX;
	fixed[n++] = 1000;
	fixed[n++] = 65535;
	for (int i = 0; i < n; i++)
		if (fixed[i] != h && forgeable(fixed[i]))
			CHILD_REFUSED(s, fixed[i], -EBADF);
	srandom(0xbadf);
	for (int i = 0; i < 300; i++) {
		v = (uint32_t)random() ^ ((uint32_t)random() << 16);
		if (i % 3 == 0)
			v &= 0xfff;
		v &= ~SECSHM_HANDLE_SERVER;
		if (v != h && forgeable(v))
			CHILD_REFUSED(s, v, -EBADF);
	}
	CHILD_CHECK(still_live(s, h, id) == 0);
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H5 — forged values (0, neighbours of a live handle, other
 * generations of its slot, the largest slot and generation, random
 * values) are -EBADF in QUERY, MAP, DUPLICATE, UNLINK, CLOSE and as a CALL
 * reference; the live handle is unaffected.
 */
static void test_forged_handles(void **state)
{
	ATTACK_AS_NOBODY(child_forged, NULL);
}

static int child_closed_stale(void *arg)
{
	struct secshm *s;
	uint32_t h, first, hs[40];
	uint64_t id;
	int i;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &first));
	CHILD_OK(secshm_close(s, first));
	CHILD_REFUSED(s, first, -EBADF);
	if (!attack_is_socket()) {
		/* A device handle is a descriptor: its number is reused by design. */
		secshm_disconnect(s);
		return 0;
	}
	/* Fill the table until the freed slot is reused; the old value stays dead. */
	for (i = 0; i < 40; i++) {
		CHILD_OK(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &hs[i]));
		CHILD_CHECK(hs[i] != first);
	}
	for (i = 0; i < 40 && (hs[i] & 0xfffff) != (first & 0xfffff); i++)
		;
	CHILD_CHECK(i < 40);	/* the slot was reused ... */
	h = hs[i];
	id = id_of(s, h);
	CHILD_REFUSED(s, first, -EBADF);	/* ... under another value */
	CHILD_CHECK(still_live(s, h, id) == 0);
	/* Close and reuse again: neither older value revives. */
	CHILD_OK(secshm_close(s, h));
	for (int k = 0; k < 40; k++)
		if (k != i)
			CHILD_OK(secshm_close(s, hs[k]));
	for (i = 0; i < 40; i++)
		CHILD_OK(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &hs[i]));
	CHILD_REFUSED(s, first, -EBADF);
	CHILD_REFUSED(s, h, -EBADF);
	for (i = 0; i < 40; i++)
		CHILD_OK(secshm_close(s, hs[i]));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H5 — a closed handle is -EBADF everywhere (closing twice too); on
 * the socket a stale value stays -EBADF after its slot is reused, twice
 * over, and never reaches the new handle's section.
 */
static void test_closed_and_stale_handles(void **state)
{
	ATTACK_AS_NOBODY(child_closed_stale, NULL);
}

struct others {
	uint32_t h[6];
	uint64_t id[6];
};

static int child_others(void *arg)
{
	const struct others *o = arg;
	struct secshm *s, *s2;
	uint32_t mine;

	/*
	 * On the device a handle is a descriptor, and fork gave this process
	 * copies of root's: a descriptor a process holds is its own capability
	 * (it may map or close it), so drop the copies and attack the values.
	 */
	if (!attack_is_socket())
		for (int i = 0; i < 6; i++)
			close((int)o->h[i]);
	CHILD_OK(secshm_connect(NULL, &s));
	/* With no handle of its own ... */
	for (int i = 0; i < 6; i++)
		if (forgeable(o->h[i]))
			CHILD_REFUSED(s, o->h[i], -EBADF);
	/* ... and with one (on the socket, possibly the same value as root's first). */
	CHILD_OK(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &mine));
	for (int i = 0; i < 6; i++)
		if (o->h[i] != mine && forgeable(o->h[i]))
			CHILD_REFUSED(s, o->h[i], -EBADF);
	/* On the socket a second connection does not share the first's handles. */
	if (attack_is_socket()) {
		CHILD_OK(secshm_connect(NULL, &s2));
		CHILD_REFUSED(s2, mine, -EBADF);
		secshm_disconnect(s2);
	}
	CHILD_OK(secshm_close(s, mine));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H5 — root's handle values are -EBADF from a nobody client, whether
 * or not the attacker holds handles of its own; on the socket another
 * connection's handle is -EBADF too; root's handles are untouched.
 */
static void test_other_clients_handles(void **state)
{
	struct secshm *s = harness_connect();
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER,
				.mode = 0666 };
	struct others o;
	char name[64];

	for (int i = 0; i < 6; i++) {
		harness_name(name, sizeof(name), "other");
		/* Named and world-writable: only the handle's owner may use the handle. */
		assert_ok(secshm_create(s, name, harness_page(), SECSHM_GENERIC_ALL, 0, &sd,
					&o.h[i]));
		o.id[i] = id_of(s, o.h[i]);
	}
	ATTACK_AS_NOBODY(child_others, &o);
	for (int i = 0; i < 6; i++) {
		struct secshm_section_info info;

		assert_ok(secshm_query(s, o.h[i], &info, NULL));
		assert_int_equal(info.id, o.id[i]);
		assert_int_equal(info.flags & SECSHM_SECTION_UNLINKED, 0);
		assert_ok(secshm_close(s, o.h[i]));
	}
	secshm_disconnect(s);
}

static int child_server_bit(void *arg)
{
	struct secshm *s;
	uint32_t h;
	uint64_t id;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	id = id_of(s, h);
	CHILD_REFUSED(s, h | SECSHM_HANDLE_SERVER, -EBADF);
	/* The example server's own handles sit in the first slots of its table. */
	for (uint32_t v = 0; v < 64; v++) {
		CHILD_REFUSED(s, SECSHM_HANDLE_SERVER | v, -EBADF);
		CHILD_REFUSED(s, SECSHM_HANDLE_SERVER | (1U << 20) | v, -EBADF);
	}
	CHILD_CHECK(still_live(s, h, id) == 0);
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H5, H6, P1 — values with the server-handle bit (the client's own
 * handle with the bit set, and the server table's first slots, where the
 * example server keeps its shared and private sections) are -EBADF in
 * every operation and as a reference.
 */
static void test_server_bit_handles(void **state)
{
	ATTACK_AS_NOBODY(child_server_bit, NULL);
}

static int child_wrong_type(void *arg)
{
	struct secshm *s;
	int p[2], e, n;
	uint32_t h;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	CHILD_SYSOK(pipe2(p, O_CLOEXEC));
	e = eventfd(0, EFD_CLOEXEC);
	n = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHILD_CHECK(e >= 0 && n >= 0);
	/* Descriptors of other kinds, and the connection's own /dev/secshm descriptor. */
	{
		struct secshm_section_info info;
		uint64_t sum;
		uint32_t x;
		int fds[] = { p[0], p[1], e, n };

		for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
			CHILD_STATUS(secshm_query(s, (uint32_t)fds[i], &info, &x), -EMEDIUMTYPE);
			CHILD_STATUS(secshm_duplicate(s, (uint32_t)fds[i], SECSHM_ACCESS_QUERY, &x),
				     -EMEDIUMTYPE);
			CHILD_STATUS(attack_checksum(s, (uint32_t)fds[i], 0, 64, &sum),
				     -EMEDIUMTYPE);
			CHILD_STATUS(secshm_unlink(s, (uint32_t)fds[i]), -EMEDIUMTYPE);
		}
		/* Every other open descriptor; 0 is never a handle (-EBADF, above). */
		for (int fd = 1; fd < 64; fd++) {
			if (!harness_forgeable((uint32_t)fd) && (uint32_t)fd != h) {
				CHILD_STATUS(secshm_query(s, (uint32_t)fd, &info, &x), -EMEDIUMTYPE);
				CHILD_STATUS(attack_checksum(s, (uint32_t)fd, 0, 64, &sum),
					     -EMEDIUMTYPE);
			}
		}
	}
	close(p[0]);
	close(p[1]);
	close(e);
	close(n);
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H5 — (device) a descriptor that is not a secshm handle (pipe,
 * eventfd, /dev/null, the /dev/secshm connection itself) is a type
 * mismatch, -EMEDIUMTYPE, in QUERY, DUPLICATE, UNLINK and as a reference.
 * The socket's wrong-type case (a view handle) is in handles_socket.c.
 */
static void test_device_wrong_type(void **state)
{
	if (attack_is_socket())
		skip();
	ATTACK_AS_NOBODY(child_wrong_type, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_forged_handles),
	HARNESS_TEST(test_closed_and_stale_handles),
	HARNESS_TEST(test_other_clients_handles),
	HARNESS_TEST(test_server_bit_handles),
	HARNESS_TEST(test_device_wrong_type),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
