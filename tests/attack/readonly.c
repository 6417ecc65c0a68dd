// SPDX-License-Identifier: MIT
/*
 * Read-only stays read-only (H2), through libsecshm and plain system calls
 * only, so the same attacks run against the daemon and the module: nobody
 * holds a read-only handle to a section root shares with mode 0644 and
 * tries to write through its view. After each attack root checks that the
 * section still holds exactly what it wrote.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include "attack.h"

#define SEED	0x4f2a
#define PAGES	4

struct target {
	char name[64];
	uint32_t h;		/* root's handle */
	uint64_t len;
};

static void target_setup(struct secshm *s, struct target *t)
{
	t->len = PAGES * harness_page();
	attack_named_section(s, "ro", t->len, 0644, SEED, t->name, sizeof(t->name), &t->h);
}

/* The section still holds the pattern, seen through a fresh view. */
static void target_check(struct secshm *s, struct target *t)
{
	void *v;

	assert_ok(secshm_map(s, t->h, 0, t->len, RO, &v));
	assert_true(harness_check_fill(v, t->len, SEED));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, t->h));
}

/* In the child: a connection and a read-only view of the whole section. */
static int open_ro(const struct target *t, struct secshm **s, uint32_t *h, void **v)
{
	uint32_t access;
	struct secshm_section_info info;

	CHILD_OK(secshm_connect(NULL, s));
	CHILD_OK(secshm_open(*s, t->name, SECSHM_GENERIC_READ, h));
	CHILD_OK(secshm_query(*s, *h, &info, &access));
	CHILD_EQ(access, SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_READ);
	CHILD_OK(secshm_map(*s, *h, 0, t->len, RO, v));
	CHILD_CHECK(harness_check_fill(*v, t->len, SEED));
	return 0;
}

static int child_no_write_access(void *arg)
{
	const struct target *t = arg;
	struct secshm *s;
	uint32_t h, x;
	void *v;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_STATUS(secshm_open(s, t->name, SECSHM_GENERIC_WRITE, &x), -EACCES);
	CHILD_STATUS(secshm_open(s, t->name, SECSHM_ACCESS_MAP_WRITE, &x), -EACCES);
	CHILD_STATUS(secshm_open(s, t->name, SECSHM_GENERIC_ALL, &x), -EACCES);
	CHILD_STATUS(secshm_create(s, t->name, t->len, SECSHM_GENERIC_WRITE, 0, NULL, &x), -EACCES);
	CHILD_OK(secshm_open(s, t->name, SECSHM_GENERIC_READ, &h));
	CHILD_STATUS(secshm_map(s, h, 0, t->len, RW, &v), -EACCES);
	CHILD_STATUS(secshm_map(s, h, 0, harness_page(), RW, &v), -EACCES);
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H1, H2, H3 — nobody on a 0644 section gets read access only: asking
 * for write access at open (or create-or-open) is -EACCES, and a read-only
 * handle maps no writable view.
 */
static void test_no_write_access(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_no_write_access, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static int child_mprotect(void *arg)
{
	const struct target *t = arg;
	size_t page = harness_page();
	struct secshm *s;
	char *v;
	uint32_t h;

	CHILD_CHECK(open_ro(t, &s, &h, (void **)&v) == 0);
	CHILD_ERRNO(mprotect(v, t->len, PROT_READ | PROT_WRITE), EACCES);
	CHILD_ERRNO(mprotect(v, t->len, PROT_WRITE), EACCES);
	CHILD_ERRNO(mprotect(v + page, page, PROT_READ | PROT_WRITE), EACCES);
	/* pkey_mprotect is the same check by another door. */
	CHILD_ERRNO(syscall(SYS_pkey_mprotect, v, t->len, PROT_READ | PROT_WRITE, -1), EACCES);
	/* Dropping access and asking it back gives read only. */
	CHILD_SYSOK(mprotect(v, t->len, PROT_NONE));
	CHILD_ERRNO(mprotect(v, t->len, PROT_READ | PROT_WRITE), EACCES);
	CHILD_SYSOK(mprotect(v, t->len, PROT_READ));
	CHILD_CHECK(harness_check_fill(v, t->len, SEED));
	CHILD_OK(secshm_unmap(s, v));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/* SPEC: H2 — mprotect(PROT_WRITE) on a read-only view is refused (EACCES). */
static void test_mprotect_readonly_view(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_mprotect, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static int child_store(void *arg)
{
	const struct target *t = arg;
	struct secshm *s;
	char *v;
	uint32_t h;
	pid_t pid;
	int st;

	CHILD_CHECK(open_ro(t, &s, &h, (void **)&v) == 0);
	/* A grandchild stores through the view; it must die of SIGSEGV. */
	pid = fork();
	CHILD_CHECK(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		((volatile char *)v)[0] = 0x7f;
		((volatile char *)v)[t->len - 1] = 0x7f;
		_exit(0);
	}
	CHILD_CHECK(waitpid(pid, &st, 0) == pid);
	CHILD_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	/* Nor can the kernel be made to store there for us. */
	{
		int p[2];

		CHILD_SYSOK(pipe(p));
		CHILD_EQ(write(p[1], "xxxx", 4), 4);
		CHILD_ERRNO(read(p[0], v, 4), EFAULT);
		close(p[0]);
		close(p[1]);
	}
	CHILD_CHECK(harness_check_fill(v, t->len, SEED));
	CHILD_OK(secshm_unmap(s, v));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H2 — a store through a read-only view faults (SIGSEGV), and a
 * system call asked to write into it fails with EFAULT.
 */
static void test_store_to_readonly_view(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_store, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static int child_madvise(void *arg)
{
	const struct target *t = arg;
	size_t page = harness_page();
	struct secshm *s;
	char *v;
	uint32_t h;

	CHILD_CHECK(open_ro(t, &s, &h, (void **)&v) == 0);
	/* Punching a hole is writing zeros: refused on a read-only view. */
	CHILD_ERRNO(madvise(v, t->len, MADV_REMOVE), EACCES);
	CHILD_ERRNO(madvise(v + page, page, MADV_REMOVE), EACCES);
	/* Dropping this process's pages is allowed and changes nothing shared. */
	CHILD_SYSOK(madvise(v, t->len, MADV_DONTNEED));
	CHILD_CHECK(harness_check_fill(v, t->len, SEED));
	CHILD_OK(secshm_unmap(s, v));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H2, P5 — madvise(MADV_REMOVE) (hole punching through the mapping)
 * on a read-only view is refused; MADV_DONTNEED leaves the shared bytes.
 */
static void test_madvise_remove_readonly_view(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_madvise, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static int child_mremap(void *arg)
{
	const struct target *t = arg;
	size_t page = harness_page();
	struct secshm *s;
	char *v, *w;
	uint32_t h;

	CHILD_CHECK(open_ro(t, &s, &h, (void **)&v) == 0);
	/* A moved or duplicated view keeps its protection limits. */
	w = mremap(v, t->len, t->len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	if (w != MAP_FAILED) {
		CHILD_ERRNO(mprotect(w, t->len, PROT_READ | PROT_WRITE), EACCES);
		CHILD_SYSOK(munmap(w, t->len));
	}
	w = mremap(v, page, page, 0);
	CHILD_CHECK(w == v);
	CHILD_ERRNO(mprotect(v, page, PROT_READ | PROT_WRITE), EACCES);
	/* A forked copy of the view is no more writable. */
	{
		pid_t pid = fork();
		int st;

		CHILD_CHECK(pid >= 0);
		if (pid == 0)
			_exit(mprotect(v, t->len, PROT_READ | PROT_WRITE) == 0 ? 1 :
			      errno == EACCES ? 0 : 2);
		CHILD_CHECK(waitpid(pid, &st, 0) == pid);
		CHILD_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	CHILD_CHECK(harness_check_fill(v, t->len, SEED));
	CHILD_OK(secshm_unmap(s, v));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H2 — a read-only view moved or copied with mremap, or inherited by
 * fork, still cannot be made writable.
 */
static void test_mremap_fork_readonly_view(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_mremap, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

/*
 * On the device a handle is a descriptor the client holds: every way to
 * write through it must fail. (On the socket the client holds a descriptor
 * only after MAP: readonly_fd_socket.c makes the same attacks there.)
 */
static int child_device_fd(void *arg)
{
	const struct target *t = arg;
	size_t page = harness_page();
	char path[64], buf[16] = "attack";
	struct secshm *s;
	uint32_t h;
	void *v;
	int fd;

	CHILD_CHECK(open_ro(t, &s, &h, &v) == 0);
	fd = (int)h;
	CHILD_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	CHILD_MMAP_FAILS(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	CHILD_MMAP_FAILS(mmap(NULL, page, PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	/* The design refuses a writable private mapping of a read-only handle. */
	CHILD_MMAP_FAILS(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), EACCES);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHILD_CHECK(open(path, O_RDWR | O_CLOEXEC) < 0);
	CHILD_CHECK(open(path, O_WRONLY | O_CLOEXEC) < 0);
	CHILD_ERRNO(write(fd, buf, sizeof(buf)), EBADF);
	CHILD_ERRNO(pwrite(fd, buf, sizeof(buf), 0), EBADF);
	CHILD_CHECK(ftruncate(fd, 0) < 0);
	CHILD_CHECK(ftruncate(fd, (off_t)t->len * 2) < 0);
	CHILD_CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, page) < 0);
	CHILD_CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) < 0);
	CHILD_CHECK(fchmod(fd, 0666) < 0);
	CHILD_CHECK(harness_check_fill(v, t->len, SEED));
	CHILD_OK(secshm_unmap(s, v));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H2 — (device) the read-only handle descriptor: writable mmap
 * (shared or private), reopening it read-write through /proc, write(2),
 * pwrite, ftruncate, fallocate, F_ADD_SEALS and fchmod all fail.
 */
static void test_device_handle_descriptor(void **state)
{
	struct secshm *s;
	struct target t;

	if (attack_is_socket())
		skip();
	s = harness_connect();
	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_device_fd, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_no_write_access),
	HARNESS_TEST(test_mprotect_readonly_view),
	HARNESS_TEST(test_store_to_readonly_view),
	HARNESS_TEST(test_madvise_remove_readonly_view),
	HARNESS_TEST(test_mremap_fork_readonly_view),
	HARNESS_TEST(test_device_handle_descriptor),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
