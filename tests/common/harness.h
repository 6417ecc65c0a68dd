/* SPDX-License-Identifier: MIT */
/*
 * Test harness for tests/api and tests/attack: start a privileged side (or
 * use the one $SECSHM_ADDRESS names, as the VM does with /dev/secshm), read
 * its counters, run code as another uid, and check after every test that the
 * server is alive, serves a well-behaved client and holds nothing it did not
 * hold before the test.
 *
 * Include after <cmocka.h>'s prerequisites; every test file's main is
 * HARNESS_MAIN(tests, kind).
 */
#ifndef SECSHM_TEST_HARNESS_H
#define SECSHM_TEST_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <cmocka.h>
#include "secshm.h"

enum harness_kind {
	HARNESS_DAEMON = 1,	/* build/bin/secshmd with the limits below */
	HARNESS_EXAMPLE = 2,	/* build/bin/secshm-example-server */
	HARNESS_DAEMON_POLL = 3,	/* secshmd as HARNESS_DAEMON, busy-polling rings */
};

/* How long HARNESS_DAEMON_POLL busy-polls a ring after its last request. */
#define HARNESS_RING_POLL_US	"1000000"

/*
 * Limits the harness starts secshmd with (Q1). Views are below handles so
 * that the view quota, not the handle every socket view also takes, bites.
 */
#define HARNESS_MAX_HANDLES	64
#define HARNESS_MAX_VIEWS	48
#define HARNESS_MAX_SECTIONS	32
#define HARNESS_MAX_BYTES	(64ULL << 20)
/*
 * Per-uid limits (Q5), above the per-client ones so that one uid's second
 * connection is what reaches them, and the per-owner limit on permanent
 * names below the per-uid sections.
 */
#define HARNESS_MAX_UID_CLIENTS		100
#define HARNESS_MAX_UID_SECTIONS	48
#define HARNESS_MAX_UID_BYTES		(96ULL << 20)
#define HARNESS_MAX_UID_TOKENS		100
#define HARNESS_MAX_OWNER_SECTIONS	24

#define HARNESS_NOBODY		65534
#define HARNESS_NOGROUP		65534

/* harness_run_as result when the child died by a signal: this + signo. */
#define HARNESS_CHILD_SIGNALED	1000

/*
 * Start the server of kind (or adopt $SECSHM_ADDRESS if set: nothing is
 * started), set $SECSHM_ADDRESS, open the harness's own root connection.
 * 0 or -1 (message printed).
 */
int harness_server_start(enum harness_kind kind);

/* SIGTERM and reap the server; -1 if it crashed or exited non-zero. */
int harness_server_stop(void);

/* -1 (and a message) if the server the harness started has died. */
int harness_server_check_alive(void);

/* Whether the server was given from outside ($SECSHM_ADDRESS). */
bool harness_external(void);

/* The process id of the server the harness started, or -1 (an external one). */
pid_t harness_server_pid(void);

/* The backend of the server under test. */
enum secshm_backend harness_backend(void);

/* A program of the build next to the test binaries (build/bin/name): 0 or -1. */
int harness_bin(char *out, size_t len, const char *name);

/* The page size. */
size_t harness_page(void);

/*
 * Quotas the server was started with, or from $SECSHM_TEST_MAX_HANDLES,
 * _SECTIONS, _BYTES, _VIEWS, _UID_CLIENTS, _UID_SECTIONS, _UID_BYTES,
 * _UID_TOKENS, _OWNER_SECTIONS for an external server. -1 if unknown.
 */
struct harness_limits {
	uint32_t handles, views, sections;
	uint64_t bytes;
	uint32_t uid_clients, uid_sections, uid_tokens, owner_sections;
	uint64_t uid_bytes;
};
int harness_limits(struct harness_limits *l);

/*
 * Server counters via SECSHM_CALL_STATS on the harness's root connection.
 * Parent process only: a forked child must not touch that connection.
 */
int harness_stats(struct secshm_stats *st);

/*
 * Poll until the counters equal base (clients, objects, sections, views,
 * handles, fds, bytes), giving the server time to reap closed connections.
 * 0, or -1 after a bounded wait, printing both.
 */
int harness_wait_stats(const struct secshm_stats *base);

/*
 * A fresh client does create, map twice, write and read back, unmap, close
 * and disconnect correctly. 0 or -1 (message printed).
 */
int harness_check_serves(void);

/*
 * Fork; the child drops supplementary groups, sets gid then uid, runs fn and
 * exits with its result (use CHILD_* checks there, never cmocka asserts).
 * Returns the child's exit status, or HARNESS_CHILD_SIGNALED + signo.
 * uid/gid (uid_t)-1 keep the current ids. The child is killed by SIGALRM
 * after a bounded time so that a hung server fails the test rather than the
 * run.
 */
int harness_run_as(uid_t uid, gid_t gid, int (*fn)(void *), void *arg);
int harness_as_nobody(int (*fn)(void *), void *arg);

/* In a child: drop supplementary groups, then set gid and uid. 0 or -1. */
int harness_drop_to(uid_t uid, gid_t gid);
int harness_as_root_child(int (*fn)(void *), void *arg);

/*
 * Connect to the server under test and make one round trip, so that the
 * server already counts the client (parent only: cmocka assert on failure).
 */
struct secshm *harness_connect(void);

/*
 * A name unique to this process and call, in the global namespace, where
 * the harness (root) creates and every uid finds it:
 * "global/t/<pid>-<n>-<tag>" (N1).
 */
const char *harness_name(char *buf, size_t len, const char *tag);

/*
 * The same, unqualified: in the namespace of whoever creates it,
 * "user/<uid>/t/<pid>-<n>-<tag>" to everyone else (N1).
 */
const char *harness_local_name(char *buf, size_t len, const char *tag);

/* FNV-1a 64 (examples/example.h). */
uint64_t harness_fnv1a(const void *data, size_t len);

/* Fill with a pattern derived from seed; check it. */
void harness_fill(void *p, size_t len, uint32_t seed);
bool harness_check_fill(const void *p, size_t len, uint32_t seed);

/*
 * Whether fd value v may be given to the server as a forged handle on the
 * device: it is not an open descriptor of this process at all.
 */
bool harness_forgeable(uint32_t v);

/*
 * Whether v is an open descriptor of this process (on the device, a handle
 * or any other file: secshm_close must leave those that are not its
 * connection's handles open).
 */
bool harness_is_open_fd(uint32_t v);

/*
 * Raw socket client (socket backend only), for what libsecshm hides: view
 * handles. harness_raw_request sends one request (args then tail) and
 * returns the reply status; on success the reply's struct is copied back
 * into args (args_len bytes), the tail into out (out_len set) and a received
 * descriptor into *rfd (-1 if none; rfd may be NULL, then it is closed).
 */
int harness_raw_connect(void);
int harness_raw_request(int fd, uint16_t opcode, void *args, size_t args_len,
			const void *tail, size_t tail_len, void *out, size_t out_cap,
			size_t *out_len, int *rfd);

/*
 * Raw requests on either backend, for argument structs libsecshm would
 * never build: harness_raw_open makes a connection of its own (the device
 * opened again, or a raw socket), harness_raw_op sends one operation's
 * struct as it is (the op's ioctl, or a message with no tail) and returns
 * the status, the reply's struct copied back into args on success.
 */
int harness_raw_open(void);
int harness_raw_op(int fd, uint16_t opcode, void *args, size_t len);

/* cmocka fixtures: group setup/teardown and the per-test check. */
int harness_group_setup(void **state);
int harness_group_teardown(void **state);
int harness_test_setup(void **state);
int harness_test_teardown(void **state);
void harness_set_kind(enum harness_kind kind);
int harness_finish(int cmocka_rc);

#define HARNESS_TEST(fn) cmocka_unit_test_setup_teardown(fn, harness_test_setup, harness_test_teardown)

#define HARNESS_MAIN(tests, kind)						\
	int main(void)								\
	{									\
		harness_set_kind(kind);						\
		return harness_finish(cmocka_run_group_tests(tests,		\
				harness_group_setup, harness_group_teardown));	\
	}

/* Checks for code running in a forked child: print and return 1. */
#define CHILD_CHECK(cond) do {							\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: child check failed: %s\n",	\
				__FILE__, __LINE__, #cond);			\
			return 1;						\
		}								\
	} while (0)

#define CHILD_EQ(a, b) do {							\
		long long _ce_a = (long long)(a), _ce_b = (long long)(b);	\
		if (_ce_a != _ce_b) {						\
			fprintf(stderr, "%s:%d: child: %s == %lld, expected %s == %lld\n", \
				__FILE__, __LINE__, #a, _ce_a, #b, _ce_b);	\
			return 1;						\
		}								\
	} while (0)

/* Parent-side: the call returns exactly the expected status. */
#define assert_status(call, expected) do {					\
		int _as_r = (call);						\
		if (_as_r != (expected))					\
			fail_msg("%s returned %d (%s), expected %d (%s)", #call,	\
				 _as_r, secshm_strerror(_as_r), (int)(expected),	\
				 secshm_strerror(expected));			\
	} while (0)

#define assert_ok(call) assert_status(call, 0)

#endif /* SECSHM_TEST_HARNESS_H */
