// SPDX-License-Identifier: MIT
/*
 * A file-backed section obeys its file (P9, docs/file-backing.md): a
 * section is never more writable than a shared mapping of the caller's
 * descriptor could be, only files on filesystems that cannot stall the
 * server may back one, and nothing about the file can make the server
 * wait. Against the example server, whose EXAMPLE_OP_CHECKSUM reads a
 * reference: a read-only section is still served.
 */
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "attack.h"

#define LEN	(4 * 4096)

static int checksum_ok(struct secshm *s, uint32_t h, const void *want)
{
	uint64_t sum;

	CHILD_OK(attack_checksum(s, h, 0, LEN, &sum));
	CHILD_EQ(sum, harness_fnv1a(want, LEN));
	return 0;
}

/*
 * Whatever the section claims, no handle writes: write access is refused at
 * create, and the read-only section that can be had refuses writable views,
 * writable duplicates, write references and opens for write by name.
 */
static int check_readonly(struct secshm *s, int fd, const void *content)
{
	struct secshm_ref wref = { .flags = SECSHM_REF_WRITE, .length = 8 };
	struct secshm_section_info info;
	char name[64];
	uint32_t h, d;
	uint64_t out;
	size_t n;
	void *v;

	CHILD_STATUS(secshm_create_file(s, NULL, LEN, fd, SECSHM_GENERIC_ALL, 0, NULL, &h),
		     -EACCES);
	CHILD_OK(secshm_create_file(s, NULL, LEN, fd, SECSHM_GENERIC_READ, 0, NULL, &h));
	CHILD_OK(secshm_query(s, h, &info, NULL));
	CHILD_CHECK(info.flags & SECSHM_SECTION_READONLY);
	CHILD_STATUS(secshm_map(s, h, 0, LEN, RW, &v), -EACCES);
	CHILD_STATUS(secshm_duplicate(s, h, SECSHM_GENERIC_WRITE, &d), -EACCES);
	wref.handle = h;
	CHILD_STATUS(secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &wref, 1, &out, sizeof(out), &n),
		     -EACCES);
	CHILD_EQ(checksum_ok(s, h, content), 0);
	CHILD_OK(secshm_map(s, h, 0, LEN, RO, &v));
	CHILD_CHECK(!memcmp(v, content, LEN));
	CHILD_OK(secshm_unmap(s, v));
	CHILD_OK(secshm_close(s, h));
	/* By name, its owner's mode (rw) does not make it writable either. */
	harness_local_name(name, sizeof(name), "ro");
	CHILD_OK(secshm_create_file(s, name, LEN, fd, SECSHM_GENERIC_READ, 0, NULL, &h));
	CHILD_STATUS(secshm_open(s, name, SECSHM_GENERIC_WRITE, &d), -EACCES);
	CHILD_STATUS(secshm_create(s, name, LEN, SECSHM_GENERIC_WRITE, 0, NULL, &d), -EACCES);
	CHILD_OK(secshm_open(s, name, SECSHM_GENERIC_READ, &d));
	CHILD_OK(secshm_close(s, d));
	CHILD_OK(secshm_close(s, h));
	return 0;
}

static int child_seals(void *arg)
{
	static const unsigned int seals[] = { F_SEAL_WRITE, F_SEAL_FUTURE_WRITE };
	unsigned char content[LEN];
	struct secshm *s;

	harness_fill(content, LEN, 0x5ea1);
	CHILD_OK(secshm_connect(NULL, &s));
	for (size_t i = 0; i < sizeof(seals) / sizeof(seals[0]); i++) {
		int fd = memfd_create("sealed", MFD_CLOEXEC | MFD_ALLOW_SEALING);

		CHILD_CHECK(fd >= 0);
		CHILD_EQ(pwrite(fd, content, LEN, 0), LEN);
		CHILD_SYSOK(fcntl(fd, F_ADD_SEALS, seals[i]));
		CHILD_EQ(check_readonly(s, fd, content), 0);
		close(fd);
	}
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P9 — nobody's memfd with a write seal or a future-write seal backs
 * only a read-only section: the independent attack wrote through the
 * server into a sealed memfd.
 */
static void test_sealed_memfd(void **state)
{
	ATTACK_AS_NOBODY(child_seals, NULL);
}

struct append_arg {
	char path[96];
	unsigned char content[LEN];
};

static int child_append(void *arg)
{
	const struct append_arg *a = arg;
	struct secshm *s;
	int fd = open(a->path, O_RDWR | O_APPEND | O_CLOEXEC);

	CHILD_CHECK(fd >= 0);
	CHILD_ERRNO(open(a->path, O_RDWR | O_CLOEXEC), EPERM);	/* as the kernel has it */
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_EQ(check_readonly(s, fd, a->content), 0);
	secshm_disconnect(s);
	close(fd);
	return 0;
}

/*
 * SPEC: P9 — an append-only file (chattr +a) that nobody may open only
 * with O_APPEND backs only a read-only section: the independent attack
 * overwrote its first bytes through a section. Its bytes are unchanged.
 */
static void test_append_only_file(void **state)
{
	char dir[] = "/tmp/secshm-append.XXXXXX";
	unsigned char now[LEN];
	struct append_arg a;
	int fd, flags = FS_APPEND_FL;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(a.path, sizeof(a.path), "%s/log", dir);
	harness_fill(a.content, LEN, 0xa99e);
	fd = open(a.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0666), 0);
	assert_int_equal(pwrite(fd, a.content, LEN, 0), LEN);
	assert_int_equal(ioctl(fd, FS_IOC_SETFLAGS, &flags), 0);
	ATTACK_AS_NOBODY(child_append, &a);
	assert_int_equal(pread(fd, now, LEN, 0), LEN);
	assert_memory_equal(now, a.content, LEN);
	flags = 0;
	assert_int_equal(ioctl(fd, FS_IOC_SETFLAGS, &flags), 0);
	close(fd);
	unlink(a.path);
	rmdir(dir);
}

static int child_lease(void *arg)
{
	char path[] = "/tmp/secshm-lease.XXXXXX";
	struct secshm *s;
	uint32_t h;
	int fd = mkstemp(path);

	CHILD_CHECK(fd >= 0);
	CHILD_SYSOK(ftruncate(fd, LEN));
	signal(SIGIO, SIG_IGN);	/* how the kernel asks the holder to give it up */
	/* A write lease: anyone else's open waits for the holder, up to 45 s. */
	CHILD_SYSOK(fcntl(fd, F_SETLEASE, F_WRLCK));
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_STATUS(secshm_create_file(s, NULL, LEN, fd, SECSHM_GENERIC_WRITE, 0, NULL, &h),
		     -EAGAIN);
	CHILD_EQ(harness_check_serves(), 0);
	CHILD_SYSOK(fcntl(fd, F_SETLEASE, F_UNLCK));
	CHILD_OK(secshm_create_file(s, NULL, LEN, fd, SECSHM_GENERIC_WRITE, 0, NULL, &h));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	close(fd);
	unlink(path);
	return 0;
}

/*
 * SPEC: P9, Q5 — nobody's file carries a write lease: the server's own
 * open of it fails at once with -EAGAIN rather than waiting for nobody to
 * give the lease up, and everyone is served meanwhile.
 */
static void test_leased_file(void **state)
{
	ATTACK_AS_NOBODY(child_lease, NULL);
}

static int child_filesystems(void *arg)
{
	static const char *const files[] = {
		"/proc/self/status",				/* procfs */
		"/sys/kernel/mm/transparent_hugepage/enabled",	/* sysfs */
	};
	struct secshm *s;
	uint32_t h;
	int fd;

	CHILD_OK(secshm_connect(NULL, &s));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		fd = open(files[i], O_RDONLY | O_CLOEXEC);
		CHILD_CHECK(fd >= 0);
		CHILD_STATUS(secshm_create_file(s, NULL, 4096, fd, SECSHM_GENERIC_READ, 0, NULL,
						&h), -EOPNOTSUPP);
		close(fd);
	}
	/* hugetlbfs: its mappings take reservations the server could not give back. */
	fd = memfd_create("huge", MFD_CLOEXEC | MFD_HUGETLB);
	CHILD_CHECK(fd >= 0);
	CHILD_STATUS(secshm_create_file(s, NULL, 2 << 20, fd, SECSHM_GENERIC_READ, 0, NULL, &h),
		     -EOPNOTSUPP);
	close(fd);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P9 — files on filesystems that may not back a section are refused
 * with -EOPNOTSUPP before the server asks them anything: procfs, sysfs,
 * hugetlbfs (FUSE and network filesystems are refused the same way).
 */
static void test_filesystems_refused(void **state)
{
	ATTACK_AS_NOBODY(child_filesystems, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_sealed_memfd),
	HARNESS_TEST(test_append_only_file),
	HARNESS_TEST(test_leased_file),
	HARNESS_TEST(test_filesystems_refused),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
