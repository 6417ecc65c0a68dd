// SPDX-License-Identifier: MIT
/*
 * The test harness: one server per test binary (or the one $SECSHM_ADDRESS
 * names), its counters, children running as other uids, and the checks that
 * run after every test. See harness.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

#define START_TIMEOUT_MS	10000
#define STATS_TIMEOUT_MS	10000
#define CHILD_TIMEOUT_S		60

static enum harness_kind g_kind = HARNESS_DAEMON;
static pid_t g_server = -1;
static bool g_external;
static bool g_failed;
static char g_dir[PATH_MAX];
static char g_sock[PATH_MAX];
static struct secshm *g_conn;		/* the harness's own root connection */
static struct secshm_stats g_base;	/* counters when the current test began */

static void msleep(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool harness_external(void)
{
	return g_external;
}

pid_t harness_server_pid(void)
{
	return g_external ? -1 : g_server;
}

size_t harness_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

enum secshm_backend harness_backend(void)
{
	return secshm_backend(g_conn);
}

static int describe_exit(const char *what, int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM)
		return 0;
	if (WIFEXITED(st))
		fprintf(stderr, "harness: %s exited with status %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		fprintf(stderr, "harness: %s killed by signal %d (%s)\n", what, WTERMSIG(st),
			strsignal(WTERMSIG(st)));
	return -1;
}

int harness_server_check_alive(void)
{
	int st;
	pid_t r;

	if (g_external || g_server < 0)
		return 0;
	r = waitpid(g_server, &st, WNOHANG);
	if (r == 0)
		return 0;
	g_server = -1;
	g_failed = true;
	fprintf(stderr, "harness: the server died during the test\n");
	if (r > 0)
		describe_exit("server", st);
	return -1;
}

int harness_bin(char *out, size_t len, const char *name)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *dir;

	if (n < 0)
		return -1;
	exe[n] = '\0';
	dir = dirname(exe);	/* build/tests/api */
	if (snprintf(out, len, "%s/../../bin/%s", dir, name) >= (int)len)
		return -1;
	return access(out, X_OK);
}

static int spawn(enum harness_kind kind)
{
	char bin[PATH_MAX];
	const char *name = kind == HARNESS_EXAMPLE ? "secshm-example-server" : "secshmd";
	char handles[16], views[16], sections[16], bytes[32], uc[16], us[16], ub[32], ut[16],
	     os[16];
	pid_t pid;

	if (harness_bin(bin, sizeof(bin), name) < 0) {
		fprintf(stderr, "harness: cannot find %s next to the test binary\n", name);
		return -1;
	}
	strcpy(g_dir, "/tmp/secshm-test.XXXXXX");
	if (!mkdtemp(g_dir) || chmod(g_dir, 0755) < 0) {
		perror("harness: tmpdir");
		return -1;
	}
	snprintf(g_sock, sizeof(g_sock), "%s/sock", g_dir);
	snprintf(handles, sizeof(handles), "%u", HARNESS_MAX_HANDLES);
	snprintf(views, sizeof(views), "%u", HARNESS_MAX_VIEWS);
	snprintf(sections, sizeof(sections), "%u", HARNESS_MAX_SECTIONS);
	snprintf(bytes, sizeof(bytes), "%lluM", HARNESS_MAX_BYTES >> 20);
	snprintf(uc, sizeof(uc), "%u", HARNESS_MAX_UID_CLIENTS);
	snprintf(us, sizeof(us), "%u", HARNESS_MAX_UID_SECTIONS);
	snprintf(ub, sizeof(ub), "%lluM", HARNESS_MAX_UID_BYTES >> 20);
	snprintf(ut, sizeof(ut), "%u", HARNESS_MAX_UID_TOKENS);
	snprintf(os, sizeof(os), "%u", HARNESS_MAX_OWNER_SECTIONS);

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (kind == HARNESS_EXAMPLE)
			execl(bin, name, "--address", g_sock, "--check-fetch", (char *)NULL);
		else
			execl(bin, name, "--foreground", "--address", g_sock,
			      "--trusted-gid", "0", "--check-fetch",
			      "--max-client-handles", handles,
			      "--max-client-views", views,
			      "--max-client-sections", sections,
			      "--max-client-bytes", bytes,
			      "--max-uid-clients", uc,
			      "--max-uid-sections", us,
			      "--max-uid-bytes", ub,
			      "--max-uid-tokens", ut,
			      "--max-owner-sections", os,
			      "--ring-poll-us", kind == HARNESS_DAEMON_POLL ? HARNESS_RING_POLL_US : "0",
			      (char *)NULL);
		perror("harness: exec");
		_exit(127);
	}
	g_server = pid;
	return 0;
}

int harness_server_start(enum harness_kind kind)
{
	const char *addr = getenv("SECSHM_ADDRESS");
	long long deadline;
	int ret;

	if (addr && *addr) {
		g_external = true;
		ret = secshm_connect(NULL, &g_conn);
		if (ret < 0) {
			fprintf(stderr, "harness: connect to %s: %s\n", addr, secshm_strerror(ret));
			return -1;
		}
		return 0;
	}
	if (spawn(kind) < 0)
		return -1;
	setenv("SECSHM_ADDRESS", g_sock, 1);
	deadline = now_ms() + START_TIMEOUT_MS;
	for (;;) {
		ret = secshm_connect(NULL, &g_conn);
		if (ret == 0)
			return 0;
		if (harness_server_check_alive() < 0)
			return -1;
		if (now_ms() > deadline) {
			fprintf(stderr, "harness: server not reachable at %s: %s\n", g_sock,
				secshm_strerror(ret));
			return -1;
		}
		msleep(5);
	}
}

int harness_server_stop(void)
{
	int st, ret = 0;

	if (g_conn) {
		secshm_disconnect(g_conn);
		g_conn = NULL;
	}
	if (g_external)
		return 0;
	if (g_server > 0) {
		kill(g_server, SIGTERM);
		if (waitpid(g_server, &st, 0) == g_server)
			ret = describe_exit("server", st);
		else
			ret = -1;
		g_server = -1;
	} else if (g_failed) {
		ret = -1;
	}
	unlink(g_sock);
	rmdir(g_dir);
	if (ret < 0)
		g_failed = true;
	return ret;
}

static int env_u64(const char *name, uint64_t *v)
{
	const char *s = getenv(name);

	if (!s || !*s)
		return -1;
	*v = strtoull(s, NULL, 0);
	return 0;
}

int harness_limits(struct harness_limits *l)
{
	uint64_t v[9];
	static const char *const names[9] = {
		"SECSHM_TEST_MAX_HANDLES", "SECSHM_TEST_MAX_VIEWS", "SECSHM_TEST_MAX_SECTIONS",
		"SECSHM_TEST_MAX_BYTES", "SECSHM_TEST_MAX_UID_CLIENTS",
		"SECSHM_TEST_MAX_UID_SECTIONS", "SECSHM_TEST_MAX_UID_TOKENS",
		"SECSHM_TEST_MAX_OWNER_SECTIONS", "SECSHM_TEST_MAX_UID_BYTES",
	};

	if (!g_external) {
		if (g_kind == HARNESS_EXAMPLE)
			return -1;
		*l = (struct harness_limits){
			.handles = HARNESS_MAX_HANDLES, .views = HARNESS_MAX_VIEWS,
			.sections = HARNESS_MAX_SECTIONS, .bytes = HARNESS_MAX_BYTES,
			.uid_clients = HARNESS_MAX_UID_CLIENTS,
			.uid_sections = HARNESS_MAX_UID_SECTIONS,
			.uid_tokens = HARNESS_MAX_UID_TOKENS,
			.owner_sections = HARNESS_MAX_OWNER_SECTIONS,
			.uid_bytes = HARNESS_MAX_UID_BYTES,
		};
		return 0;
	}
	for (int i = 0; i < 9; i++)
		if (env_u64(names[i], &v[i]))
			return -1;
	*l = (struct harness_limits){
		.handles = (uint32_t)v[0], .views = (uint32_t)v[1], .sections = (uint32_t)v[2],
		.bytes = v[3], .uid_clients = (uint32_t)v[4], .uid_sections = (uint32_t)v[5],
		.uid_tokens = (uint32_t)v[6], .owner_sections = (uint32_t)v[7], .uid_bytes = v[8],
	};
	return 0;
}

int harness_stats(struct secshm_stats *st)
{
	size_t n = 0;
	int ret;

	memset(st, 0, sizeof(*st));
	if (!g_conn)
		return -ENOTCONN;
	ret = secshm_call(g_conn, SECSHM_CALL_STATS, NULL, 0, NULL, 0, st, sizeof(*st), &n);
	if (ret < 0)
		return ret;
	if (n != sizeof(*st) || st->size != sizeof(*st))
		return -EBADMSG;
	return 0;
}

static bool stats_equal(const struct secshm_stats *a, const struct secshm_stats *b)
{
	return a->clients == b->clients && a->objects == b->objects &&
	       a->sections == b->sections && a->views == b->views &&
	       a->handles == b->handles && a->fds == b->fds && a->bytes == b->bytes;
}

static void print_stats(const char *what, const struct secshm_stats *s)
{
	fprintf(stderr, "  %-8s clients %u objects %u sections %u views %u handles %u fds %u bytes %llu\n",
		what, s->clients, s->objects, s->sections, s->views, s->handles, s->fds,
		(unsigned long long)s->bytes);
}

int harness_wait_stats(const struct secshm_stats *base)
{
	long long deadline = now_ms() + STATS_TIMEOUT_MS;
	struct secshm_stats now;
	unsigned int delay = 1;
	int ret;

	for (;;) {
		ret = harness_stats(&now);
		if (ret < 0) {
			fprintf(stderr, "harness: STATS failed: %s\n", secshm_strerror(ret));
			return -1;
		}
		if (stats_equal(&now, base))
			return 0;
		if (harness_server_check_alive() < 0)
			return -1;
		if (now_ms() > deadline) {
			fprintf(stderr, "harness: server counters did not return to the baseline\n");
			print_stats("baseline", base);
			print_stats("now", &now);
			return -1;
		}
		msleep(delay);
		if (delay < 50)
			delay *= 2;
	}
}

#define SERVE_FAIL(...) do { fprintf(stderr, "harness: well-behaved client: " __VA_ARGS__); \
			     goto out; } while (0)

int harness_check_serves(void)
{
	size_t page = harness_page(), len = 2 * page;
	struct secshm_section_info info;
	struct secshm *s = NULL;
	uint32_t h = 0, access = 0;
	void *rw = NULL, *ro = NULL;
	int ret, result = -1;

	ret = secshm_connect(NULL, &s);
	if (ret < 0) {
		s = NULL;
		SERVE_FAIL("connect: %s\n", secshm_strerror(ret));
	}
	ret = secshm_create(s, NULL, len, SECSHM_GENERIC_WRITE, 0, NULL, &h);
	if (ret != 0)
		SERVE_FAIL("create: %s\n", secshm_strerror(ret));
	ret = secshm_query(s, h, &info, &access);
	if (ret != 0 || info.length != len || access != SECSHM_GENERIC_WRITE_MAP)
		SERVE_FAIL("query: %s\n", secshm_strerror(ret));
	ret = secshm_map(s, h, 0, len, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &rw);
	if (ret != 0)
		SERVE_FAIL("map rw: %s\n", secshm_strerror(ret));
	ret = secshm_map(s, h, page, page, SECSHM_PROT_READ, &ro);
	if (ret != 0)
		SERVE_FAIL("map ro: %s\n", secshm_strerror(ret));
	harness_fill(rw, len, (uint32_t)getpid());
	if (memcmp((char *)rw + page, ro, page) != 0)
		SERVE_FAIL("views disagree\n");
	result = 0;
out:
	if (ro && (ret = secshm_unmap(s, ro)) != 0) {
		fprintf(stderr, "harness: well-behaved client: unmap: %s\n", secshm_strerror(ret));
		result = -1;
	}
	if (rw && (ret = secshm_unmap(s, rw)) != 0) {
		fprintf(stderr, "harness: well-behaved client: unmap: %s\n", secshm_strerror(ret));
		result = -1;
	}
	if (h && (ret = secshm_close(s, h)) != 0) {
		fprintf(stderr, "harness: well-behaved client: close: %s\n", secshm_strerror(ret));
		result = -1;
	}
	if (s)
		secshm_disconnect(s);
	return result;
}

int harness_drop_to(uid_t uid, gid_t gid)
{
	if (uid == (uid_t)-1 && gid == (gid_t)-1)
		return 0;
	if (setgroups(0, NULL) < 0) {
		perror("harness: setgroups");
		return -1;
	}
	if (gid != (gid_t)-1 && setgid(gid) < 0) {
		perror("harness: setgid");
		return -1;
	}
	if (uid != (uid_t)-1 && setuid(uid) < 0) {
		perror("harness: setuid");
		return -1;
	}
	return 0;
}

int harness_run_as(uid_t uid, gid_t gid, int (*fn)(void *), void *arg)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		alarm(CHILD_TIMEOUT_S);
		if (harness_drop_to(uid, gid) < 0)
			_exit(120);
		fflush(NULL);
		_exit(fn(arg) & 0xff);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "harness: child killed by signal %d (%s)\n", WTERMSIG(st),
			strsignal(WTERMSIG(st)));
		return HARNESS_CHILD_SIGNALED + WTERMSIG(st);
	}
	return WEXITSTATUS(st);
}

int harness_as_nobody(int (*fn)(void *), void *arg)
{
	return harness_run_as(HARNESS_NOBODY, HARNESS_NOGROUP, fn, arg);
}

int harness_as_root_child(int (*fn)(void *), void *arg)
{
	return harness_run_as((uid_t)-1, (gid_t)-1, fn, arg);
}

struct secshm *harness_connect(void)
{
	struct secshm_section_info info;
	struct secshm *s = NULL;
	int ret = secshm_connect(NULL, &s);

	if (ret != 0)
		fail_msg("secshm_connect: %s", secshm_strerror(ret));
	/*
	 * A connected socket may not be accepted yet; one round trip makes the
	 * server count this client before the caller reads a baseline.
	 */
	if (secshm_backend(s) != SECSHM_BACKEND_SOCKET)
		return s;
	ret = secshm_query(s, SECSHM_HANDLE_NONE, &info, NULL);
	if (ret != -EBADF)
		fail_msg("query of handle 0: %d, expected -EBADF", ret);
	return s;
}

static unsigned int name_seq;

const char *harness_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "global/t/%d-%u-%s", (int)getpid(), name_seq++, tag);
	return buf;
}

const char *harness_local_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "t/%d-%u-%s", (int)getpid(), name_seq++, tag);
	return buf;
}

uint64_t harness_fnv1a(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static unsigned char pattern_byte(size_t i, uint32_t seed)
{
	uint32_t x = (uint32_t)i * 2654435761U ^ seed;

	x ^= x >> 13;
	return (unsigned char)(x * 0x9e3779b1U >> 24);
}

void harness_fill(void *p, size_t len, uint32_t seed)
{
	unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		c[i] = pattern_byte(i, seed);
}

bool harness_check_fill(const void *p, size_t len, uint32_t seed)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i] != pattern_byte(i, seed))
			return false;
	return true;
}

/* Open descriptors are handles or other files: neither is a forged value. */
bool harness_forgeable(uint32_t v)
{
	return v > INT_MAX || fcntl((int)v, F_GETFD) < 0;
}

bool harness_is_open_fd(uint32_t v)
{
	return v <= INT_MAX && fcntl((int)v, F_GETFD) >= 0;
}

int harness_raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *addr = getenv("SECSHM_ADDRESS");
	int fd;

	if (!addr || strlen(addr) >= sizeof(sa.sun_path))
		return -EINVAL;
	strcpy(sa.sun_path, addr);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int harness_raw_request(int fd, uint16_t opcode, void *args, size_t args_len,
			const void *tail, size_t tail_len, void *out, size_t out_cap,
			size_t *out_len, int *rfd)
{
	static uint64_t cookie = 1;
	static unsigned char buf[SECSHM_MSG_MAX + 4096];
	struct secshm_msg hdr = {
		.size = (uint32_t)(sizeof(hdr) + args_len + tail_len),
		.version = SECSHM_ABI_VERSION,
		.opcode = opcode,
		.cookie = cookie++,
	};
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(8 * sizeof(int))];
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	struct secshm_msg reply;
	size_t off = 0;
	ssize_t n;
	int got = -1;

	if (rfd)
		*rfd = -1;
	if (out_len)
		*out_len = 0;
	if (hdr.size > sizeof(buf))
		return -E2BIG;
	memcpy(buf, &hdr, sizeof(hdr));
	off += sizeof(hdr);
	memcpy(buf + off, args, args_len);
	off += args_len;
	if (tail_len)
		memcpy(buf + off, tail, tail_len);
	off += tail_len;
	if (send(fd, buf, off, MSG_NOSIGNAL) != (ssize_t)off)
		return -errno;

	mh.msg_control = cbuf.b;
	mh.msg_controllen = sizeof(cbuf.b);
	n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t i, nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int fds[8];

			memcpy(fds, CMSG_DATA(c), nfd * sizeof(int));
			for (i = 0; i < nfd; i++) {
				if (got < 0 && rfd)
					got = fds[i];
				else
					close(fds[i]);
			}
		}
	}
	if (rfd)
		*rfd = got;
	if ((size_t)n < sizeof(reply))
		return -EBADMSG;
	memcpy(&reply, buf, sizeof(reply));
	if (reply.cookie != hdr.cookie || reply.opcode != opcode)
		return -EBADMSG;
	if (reply.status < 0)
		return reply.status;
	if ((size_t)n < sizeof(reply) + args_len)
		return -EBADMSG;
	memcpy(args, buf + sizeof(reply), args_len);
	if (out) {
		size_t t = (size_t)n - sizeof(reply) - args_len;

		if (t > out_cap)
			t = out_cap;
		memcpy(out, buf + sizeof(reply) + args_len, t);
		if (out_len)
			*out_len = t;
	}
	return reply.status;
}

int harness_raw_open(void)
{
	const char *addr = getenv("SECSHM_ADDRESS");
	int fd;

	if (harness_backend() != SECSHM_BACKEND_DEVICE)
		return harness_raw_connect();
	fd = open(addr && *addr ? addr : "/dev/secshm", O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The device's ioctl of each operation it serves (SECSHM_OPS). */
#define RAW_IOCTL_BOTH(NAME)	[SECSHM_OP_##NAME] = SECSHM_IOC_##NAME,
#define RAW_IOCTL_SOCKET(NAME)
#define RAW_IOCTL(NAME, name, nr, args, dir, where) RAW_IOCTL_##where(NAME)
static const unsigned long raw_ioctl[SECSHM_OP_MAX_BUILTIN + 1] = {
	SECSHM_OPS(RAW_IOCTL)
};

int harness_raw_op(int fd, uint16_t opcode, void *args, size_t len)
{
	int ret;

	if (harness_backend() != SECSHM_BACKEND_DEVICE)
		return harness_raw_request(fd, opcode, args, len, NULL, 0, NULL, 0, NULL, NULL);
	if (opcode > SECSHM_OP_MAX_BUILTIN || !raw_ioctl[opcode])
		return -ENOTTY;
	ret = ioctl(fd, raw_ioctl[opcode], args);
	return ret < 0 ? -errno : ret;
}

void harness_set_kind(enum harness_kind kind)
{
	g_kind = kind;
}

int harness_group_setup(void **state)
{
	return harness_server_start(g_kind);
}

int harness_group_teardown(void **state)
{
	return harness_server_stop();
}

int harness_test_setup(void **state)
{
	int ret;

	if (harness_server_check_alive() < 0)
		return -1;
	ret = harness_stats(&g_base);
	if (ret < 0) {
		fprintf(stderr, "harness: STATS failed: %s\n", secshm_strerror(ret));
		return -1;
	}
	return 0;
}

int harness_test_teardown(void **state)
{
	int ret = 0;

	if (harness_server_check_alive() < 0)
		return -1;
	if (harness_check_serves() < 0)
		ret = -1;
	if (harness_wait_stats(&g_base) < 0)
		ret = -1;
	if (harness_server_check_alive() < 0)
		ret = -1;
	return ret;
}

/*
 * cmocka ignores a failing group teardown in its exit status; a server that
 * crashed or exited non-zero at the end still fails the binary.
 */
int harness_finish(int cmocka_rc)
{
	if (g_failed) {
		fprintf(stderr, "harness: the server exited abnormally: every test of this binary fails\n");
		printf("[  FAILED  ] 1 test(s), listed below:\n[  FAILED  ] server\n");
		return cmocka_rc ? cmocka_rc : 1;
	}
	return cmocka_rc;
}
