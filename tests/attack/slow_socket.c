// SPDX-License-Identifier: MIT
/*
 * A client that sends requests and never reads the replies (Q1, Q2, Q5):
 * the daemon must not block on it, must not buffer without bound for it
 * (it drops a client that leaves 256 KiB of replies unread), and must not
 * let it delay anyone else. Its replies carry descriptors (MAP), so a
 * server that queued them and then lost track would leak them.
 */
#include "raw.h"

#define SLOW_MS	20000	/* how long the slow client may push before the drop */

static unsigned char msg[4096];

/* Push MAP requests without reading until the socket stops taking them. */
static int child_slow(void *p, int in, int out)
{
	struct secshm_map_args m = { .size = sizeof(m), .prot = RO, .length = 4096 };
	long long end;
	uint32_t h;
	int sock, sent = 0;

	sock = raw_connect();
	CHILD_CHECK(sock >= 0);
	CHILD_RAW(raw_create(sock, 4096, SECSHM_GENERIC_ALL, &h), 0);
	m.handle = h;
	end = attack_now_ms() + SLOW_MS;
	while (attack_now_ms() < end) {
		size_t len = raw_build(msg, sizeof(msg), SECSHM_OP_MAP, (uint64_t)sent, &m,
				       sizeof(m), NULL, 0);
		ssize_t n = send(sock, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n >= 0) {
			if (++sent == 1000)	/* the server is queueing for it by now */
				CHILD_EQ(attack_post(out), 0);
			continue;
		}
		if (errno == EPIPE || errno == ECONNRESET)
			break;	/* dropped */
		CHILD_CHECK(errno == EAGAIN || errno == EWOULDBLOCK);
		attack_sleep_us(1000);
	}
	CHILD_CHECK(errno == EPIPE || errno == ECONNRESET);
	CHILD_EQ(attack_post(out), 0);
	/* Hold the dropped connection until the parent has checked the others. */
	CHILD_EQ(attack_await(in, 30000), 0);
	close(sock);
	return 0;
}

static int child_other(void *p)
{
	long long start = attack_now_ms();
	struct secshm_section_info info;
	uint32_t h, view;
	int sock, fd;

	sock = raw_connect();
	CHILD_CHECK(sock >= 0);
	for (int i = 0; i < 50; i++) {
		CHILD_RAW(raw_create(sock, 4096, SECSHM_GENERIC_ALL, &h), 0);
		CHILD_RAW(raw_map(sock, h, 0, 4096, RW, &view, &fd), 0);
		close(fd);
		CHILD_RAW(raw_query(sock, h, &info, NULL), 0);
		CHILD_RAW(raw_close(sock, view), 0);
		CHILD_RAW(raw_close(sock, h), 0);
	}
	close(sock);
	/* Bounded, and far below what waiting on the slow client would take. */
	CHILD_CHECK(attack_now_ms() - start < 5000);
	return 0;
}

/*
 * SPEC: Q1, Q2, Q5 — a nobody client floods MAP requests without ever
 * reading a reply: while it does, another nobody client still gets 250
 * requests answered promptly and root is served; once 256 KiB of its
 * replies wait, the server drops it, and the descriptors of its unsent
 * replies are closed (the teardown's fd count).
 */
static void test_slow_reader(void **state)
{
	struct attack_child ch = ATTACK_CHILD_INIT;

	assert_int_equal(attack_spawn(&ch, HARNESS_NOBODY, HARNESS_NOGROUP, child_slow, NULL), 0);
	if (attack_await(ch.from_child, 30000) == 0) {
		ATTACK_AS_NOBODY(child_other, NULL);
		assert_int_equal(harness_check_serves(), 0);
		assert_int_equal(attack_await(ch.from_child, 30000), 0);	/* dropped */
		attack_post(ch.to_child);
	}
	assert_int_equal(attack_reap(&ch), 0);
}

static int child_slow_killed(void *p, int in, int out)
{
	struct secshm_map_args m = { .size = sizeof(m), .prot = RW, .length = 4096 };
	long long end = attack_now_ms() + 100;
	int sock = raw_connect();

	if (sock < 0 || raw_create(sock, 4096, SECSHM_GENERIC_ALL, &m.handle) != 0)
		return 1;
	/* Replies that carry descriptors, queued in the server when the socket is full. */
	while (attack_now_ms() < end) {
		size_t len = raw_build(msg, sizeof(msg), SECSHM_OP_MAP, 1, &m, sizeof(m), NULL, 0);

		if (send(sock, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			attack_sleep_us(500);
	}
	attack_post(out);
	for (;;)
		pause();
}

/*
 * SPEC: Q2 — three slow clients with queued replies are SIGKILLed: the
 * server frees their queues and connections and keeps serving (teardown).
 */
static void test_slow_reader_killed(void **state)
{
	for (int i = 0; i < 3; i++) {
		struct attack_child ch = ATTACK_CHILD_INIT;

		assert_int_equal(attack_spawn(&ch, HARNESS_NOBODY, HARNESS_NOGROUP,
					      child_slow_killed, NULL), 0);
		attack_await(ch.from_child, 30000);
		kill(ch.pid, SIGKILL);
		assert_int_equal(attack_reap(&ch), HARNESS_CHILD_SIGNALED + SIGKILL);
	}
	assert_int_equal(harness_check_serves(), 0);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_slow_reader),
	HARNESS_TEST(test_slow_reader_killed),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
