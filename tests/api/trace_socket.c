// SPDX-License-Identifier: MIT
/*
 * secshmd --trace, started as `secshm daemon` (which runs secshmd): one
 * line on stderr per request, with the client, the operation decoded from
 * the ABI's table and its arguments, and the result. The daemon is this
 * test's own, on a socket of its own, its stderr a file read afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../common/harness.h"

struct traced {
	char dir[64], sock[96], log[96];
	pid_t pid;
	struct secshm *s;
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void start(struct traced *t, bool trace)
{
	char bin[4096];
	int fd;

	assert_int_equal(harness_bin(bin, sizeof(bin), "secshm"), 0);
	strcpy(t->dir, "/tmp/secshm-trace.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->sock, sizeof(t->sock), "%s/sock", t->dir);
	snprintf(t->log, sizeof(t->log), "%s/stderr", t->dir);
	fd = open(t->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fflush(NULL);
	t->pid = fork();
	assert_true(t->pid >= 0);
	if (!t->pid) {
		dup2(fd, STDERR_FILENO);
		if (trace)
			execl(bin, "secshm", "daemon", "--foreground", "--trace", "--address",
			      t->sock, (char *)NULL);
		else
			execl(bin, "secshm", "daemon", "--foreground", "--address", t->sock,
			      (char *)NULL);
		_exit(127);
	}
	close(fd);
	for (int i = 0; i < 500; i++) {
		if (!secshm_connect(t->sock, &t->s))
			return;
		sleep_ms(10);
	}
	fail_msg("secshm daemon did not start");
}

/* Stop the daemon and read what it wrote. */
static char *stop(struct traced *t)
{
	static char buf[16384];
	int status, fd;
	ssize_t n;

	secshm_disconnect(t->s);
	kill(t->pid, SIGTERM);
	assert_int_equal(waitpid(t->pid, &status, 0), t->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	fd = open(t->log, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n >= 0);
	buf[n] = 0;
	close(fd);
	unlink(t->log);
	rmdir(t->dir);
	return buf;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The line of the trace holding both words, or NULL. */
static const char *line_with(const char *log, const char *a, const char *b)
{
	static char line[512];

	for (const char *p = log; *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = 0;
			if (strstr(line, a) && strstr(line, b))
				return line;
		}
		p += len + (end ? 1 : 0);
	}
	return NULL;
}

/*
 * SPEC: Q4 — --trace shows every request, decoded, with its result, one
 * line each whatever a client puts in a name; without it, nothing.
 */
static void test_trace(void **state)
{
	struct traced t;
	char want[64];
	struct secshm_section_info info;
	uint32_t h, none = 0;
	char *log;

	start(&t, true);
	assert_int_equal(secshm_create(t.s, NULL, 3 * harness_page(), SECSHM_GENERIC_ALL, 0, NULL,
				       &h), 0);
	assert_int_equal(secshm_query(t.s, h, &info, NULL), 0);
	assert_int_equal(secshm_query(t.s, h + 1000, &info, NULL), -EBADF);
	assert_int_equal(secshm_open(t.s, "nowhere", SECSHM_GENERIC_READ, &none), -ENOENT);
	assert_int_equal(secshm_open(t.s, "a\nfake line\x1b[31m", SECSHM_GENERIC_READ, &none),
			 -EINVAL);
	assert_int_equal(secshm_close(t.s, h), 0);
	log = stop(&t);

	assert_int_equal(count_lines(log), 6);
	assert_null(strchr(log, '\x1b'));
	assert_non_null(line_with(log, "OPEN", "name=\"a\\x0afake\\x20line\\x1b\\x5b31m\""));
	snprintf(want, sizeof(want), "length=%zu", 3 * harness_page());
	assert_non_null(line_with(log, "CREATE", want));
	snprintf(want, sizeof(want), "handle=%#x", h);
	assert_non_null(line_with(log, "QUERY", want));
	assert_non_null(strstr(line_with(log, "QUERY", want), "-> 0"));
	snprintf(want, sizeof(want), "-> %d", -EBADF);
	assert_non_null(line_with(log, "QUERY", want));
	assert_non_null(line_with(log, "OPEN", "nowhere"));
	snprintf(want, sizeof(want), "-> %d", -ENOENT);
	assert_non_null(line_with(log, "OPEN", want));
	assert_non_null(line_with(log, "CLOSE", "-> 0"));
	snprintf(want, sizeof(want), "uid %u", getuid());
	assert_non_null(line_with(log, "CREATE", want));

	start(&t, false);
	assert_int_equal(secshm_create(t.s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h),
			 0);
	log = stop(&t);
	assert_int_equal(count_lines(log), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
