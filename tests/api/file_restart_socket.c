// SPDX-License-Identifier: MIT
/*
 * File-backed sections survive the server (S1): data flushed through a
 * daemon killed with SIGKILL is in the file, and a new daemon serving the
 * same file shows it. Runs its own daemon, so the harness's is untouched.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../common/harness.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)
#define FILE_SIZE (1U << 20)

static int make_file(char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/secshm-file.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, FILE_SIZE), 0);
	return fd;
}

static pid_t start_daemon(const char *sock)
{
	char exe[PATH_MAX], bin[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	pid_t pid;

	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(bin, sizeof(bin), "%s/../../bin/secshmd", dirname(exe));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(bin, bin, "--foreground", "--address", sock, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static struct secshm *connect_to(const char *sock)
{
	struct secshm *s;

	for (int i = 0; i < 500; i++) {
		if (!secshm_connect(sock, &s))
			return s;
		usleep(10000);
	}
	fail_msg("no server at %s", sock);
	return NULL;
}

/* SPEC: S1 — flushed data is in the file after the server dies by SIGKILL and restarts. */
static void test_survives_server_kill(void **state)
{
	char path[64], dir[] = "/tmp/secshm-kill.XXXXXX", sock[64];
	struct secshm *s;
	unsigned char *v;
	uint32_t h;
	int fd = make_file(path, sizeof(path)), st;
	pid_t pid;

	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	pid = start_daemon(sock);
	s = connect_to(sock);
	assert_ok(secshm_create_file(s, "kept", FILE_SIZE, fd, SECSHM_GENERIC_WRITE, 0, NULL, &h));
	assert_ok(secshm_map(s, h, 0, FILE_SIZE, RW, (void **)&v));
	harness_fill(v, FILE_SIZE, 99);
	assert_ok(secshm_flush(s, h, 0, FILE_SIZE));
	assert_ok(secshm_unmap(s, v));
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	secshm_disconnect(s);

	pid = start_daemon(sock);	/* replaces the dead server's socket */
	s = connect_to(sock);
	assert_ok(secshm_create_file(s, "kept", FILE_SIZE, fd, SECSHM_GENERIC_READ, 0, NULL, &h));
	assert_ok(secshm_map(s, h, 0, FILE_SIZE, SECSHM_PROT_READ, (void **)&v));
	assert_true(harness_check_fill(v, FILE_SIZE, 99));
	assert_ok(secshm_unmap(s, v));
	secshm_disconnect(s);
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	rmdir(dir);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_survives_server_kill),
	};

	harness_set_kind(HARNESS_DAEMON);
	return harness_finish(cmocka_run_group_tests(tests, harness_group_setup,
						     harness_group_teardown));
}
