// SPDX-License-Identifier: MIT
/*
 * File backing obeys the file (P9, docs/file-backing.md): a section over a
 * file is never more writable than a shared mapping of the caller's own
 * descriptor could be, whatever says so (the descriptor's open mode, write
 * and future-write seals, append-only and immutable inodes), also when the
 * file changes after the section was made; and files that could stall or
 * leak from the server (other filesystems, hugetlbfs) are refused.
 *
 * Files live in $SECSHM_TEST_DISK (the VM's ext4 disk) or /tmp.
 */
#include <limits.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "attack.h"

#define PAGES	4
#define SEED	0x9f1e

static size_t len(void)
{
	return PAGES * harness_page();
}

static const char *disk(void)
{
	const char *d = getenv("SECSHM_TEST_DISK");

	return d && *d ? d : "/tmp";
}

/* A file of len() pattern bytes, mode 0666 so that nobody may open it. */
static int make_file(char *path, size_t path_len)
{
	unsigned char *buf = malloc(len());
	int fd;

	assert_non_null(buf);
	snprintf(path, path_len, "%s/secshm-p9.XXXXXX", disk());
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0666), 0);
	harness_fill(buf, len(), SEED);
	assert_int_equal(pwrite(fd, buf, len(), 0), (ssize_t)len());
	free(buf);
	return fd;
}

/*
 * FS_IOC_SETFLAGS (root). A file left append-only or immutable by a failed
 * test could not even be removed: the teardown clears flagged_fd's flags.
 */
static int flagged_fd = -1;

static int inode_flags(int fd, int flags, bool on)
{
	int f = 0;

	if (ioctl(fd, FS_IOC_GETFLAGS, &f) < 0)
		return -1;
	f = on ? f | flags : f & ~flags;
	return ioctl(fd, FS_IOC_SETFLAGS, &f);
}

static int teardown(void **state)
{
	int ret = 0;

	if (flagged_fd >= 0) {
		ret = inode_flags(flagged_fd, FS_APPEND_FL | FS_IMMUTABLE_FL, false);
		close(flagged_fd);
		flagged_fd = -1;
	}
	return harness_test_teardown(state) ?: ret;
}

/* The file still holds the pattern. */
static bool file_intact(const char *path)
{
	unsigned char *buf = malloc(len());
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && buf && pread(fd, buf, len(), 0) == (ssize_t)len() &&
		  harness_check_fill(buf, len(), SEED);

	if (fd >= 0)
		close(fd);
	free(buf);
	return ok;
}

static int section_flags(struct secshm *s, uint32_t h, uint32_t *flags)
{
	struct secshm_section_info info;
	int r = secshm_query(s, h, &info, NULL);

	*flags = info.flags;
	return r;
}

/*
 * In a child: fd backs only a read-only section. Asking for MAP_WRITE at
 * create is -EACCES, as is every way of asking for it later (duplicate,
 * export); the section reports SECSHM_SECTION_READONLY; its views are
 * readable and can never be written.
 */
static int readonly_section(struct secshm *s, int fd, const char *name)
{
	struct secshm_token tok;
	uint32_t h, x, flags;
	void *v;

	CHILD_STATUS(secshm_create_file(s, name, len(), fd, SECSHM_GENERIC_WRITE, 0, NULL, &x),
		     -EACCES);
	CHILD_STATUS(secshm_create_file(s, name, len(), fd, SECSHM_ACCESS_MAP_WRITE, 0, NULL, &x),
		     -EACCES);
	CHILD_OK(secshm_create_file(s, name, len(), fd,
				    SECSHM_GENERIC_READ | SECSHM_ACCESS_DUPLICATE, 0, NULL, &h));
	CHILD_OK(section_flags(s, h, &flags));
	CHILD_CHECK(flags & SECSHM_SECTION_READONLY);
	CHILD_CHECK(flags & SECSHM_SECTION_FILE);
	CHILD_STATUS(secshm_duplicate(s, h, SECSHM_GENERIC_WRITE, &x), -EACCES);
	CHILD_STATUS(secshm_export(s, h, SECSHM_GENERIC_WRITE, &tok), -EACCES);
	CHILD_STATUS(secshm_map(s, h, 0, len(), RW, &v), -EACCES);
	CHILD_OK(secshm_map(s, h, 0, len(), RO, &v));
	CHILD_CHECK(harness_check_fill(v, len(), SEED));
	CHILD_ERRNO(mprotect(v, len(), PROT_READ | PROT_WRITE), EACCES);
	CHILD_OK(secshm_unmap(s, v));
	CHILD_OK(secshm_close(s, h));
	return 0;
}

/* ---- seals ---- */

static int child_sealed(void *arg)
{
	const int *seal = arg;
	unsigned char *buf = malloc(len());
	struct secshm *s;
	int fd;

	CHILD_CHECK(buf);
	fd = memfd_create("secshm-p9", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	CHILD_CHECK(fd >= 0);
	harness_fill(buf, len(), SEED);
	CHILD_EQ(pwrite(fd, buf, len(), 0), (ssize_t)len());
	free(buf);
	CHILD_SYSOK(fcntl(fd, F_ADD_SEALS, *seal));
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_EQ(readonly_section(s, fd, NULL), 0);
	secshm_disconnect(s);
	close(fd);
	return 0;
}

/*
 * SPEC: P9 — a memfd with a write seal, or a future-write seal, backs only
 * a read-only section: MAP_WRITE at create, duplicate or export is
 * -EACCES, QUERY reports SECSHM_SECTION_READONLY, no view is writable.
 */
static void test_sealed_memfd(void **state)
{
	int seal = F_SEAL_WRITE;

	ATTACK_AS_NOBODY(child_sealed, &seal);
	seal = F_SEAL_FUTURE_WRITE;
	ATTACK_AS_NOBODY(child_sealed, &seal);
}

static int child_seal_under_view(void *arg)
{
	size_t page = harness_page();
	unsigned char *w, *r, *m;
	struct secshm *s;
	uint32_t h, flags;
	int fd, st;
	pid_t pid;

	fd = memfd_create("secshm-p9", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	CHILD_CHECK(fd >= 0);
	CHILD_SYSOK(ftruncate(fd, (off_t)len()));
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create_file(s, NULL, len(), fd, SECSHM_GENERIC_WRITE, 0, NULL, &h));
	CHILD_OK(section_flags(s, h, &flags));
	CHILD_CHECK(!(flags & SECSHM_SECTION_READONLY));

	/* A writable view, split, moved and forked: the seal waits for all of it. */
	CHILD_OK(secshm_map(s, h, 0, len(), RW, (void **)&w));
	w[0] = 1;
	pid = fork();
	CHILD_CHECK(pid >= 0);
	if (pid == 0) {
		w[page] = 2;
		_exit(0);
	}
	CHILD_EQ(waitpid(pid, &st, 0), pid);
	CHILD_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHILD_EQ(w[page], 2);
	CHILD_SYSOK(munmap(w + page, page));
	m = mremap(w + 2 * page, 2 * page, 2 * page, MREMAP_MAYMOVE | MREMAP_FIXED,
		   mmap(NULL, 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	CHILD_CHECK(m != MAP_FAILED);
	CHILD_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
	CHILD_SYSOK(munmap(m, 2 * page));
	CHILD_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
	CHILD_SYSOK(munmap(w, page));
	/* A read-only view of a writable handle could be mprotect()ed writable. */
	CHILD_OK(secshm_map(s, h, 0, len(), RO, (void **)&r));
	CHILD_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
	CHILD_OK(secshm_unmap(s, r));
	CHILD_OK(secshm_unmap(s, w));	/* its pieces are gone already */

	if (attack_is_socket()) {
		/*
		 * The daemon maps the section writable itself, for as long as it
		 * lives: only once it is gone can the seal go on, and a section
		 * made over the sealed memfd then is read-only.
		 */
		CHILD_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
		CHILD_OK(secshm_close(s, h));
		CHILD_SYSOK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
		CHILD_OK(secshm_create_file(s, NULL, len(), fd, SECSHM_GENERIC_READ, 0, NULL, &h));
		CHILD_STATUS(secshm_map(s, h, 0, len(), RW, (void **)&w), -EACCES);
	} else {
		/* Every view gone, the count is back where it was: the memfd's own mapping works. */
		m = mmap(NULL, len(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		CHILD_CHECK(m != MAP_FAILED);
		CHILD_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
		CHILD_SYSOK(munmap(m, len()));
		/* Then the seal goes on, and from then on no view writes. */
		CHILD_SYSOK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
		CHILD_STATUS(secshm_map(s, h, 0, len(), RW, (void **)&w), -EPERM);
	}
	CHILD_OK(secshm_map(s, h, 0, len(), RO, (void **)&r));
	CHILD_EQ(r[0], 1);
	CHILD_ERRNO(mprotect(r, len(), PROT_READ | PROT_WRITE), EACCES);
	CHILD_OK(secshm_unmap(s, r));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	close(fd);
	return 0;
}

/*
 * SPEC: P9 — a writable view of a memfd section holds the memfd writable:
 * F_SEAL_WRITE is -EBUSY while any part of it lives (after fork, a partial
 * munmap and mremap, and for a read-only view that mprotect could make
 * writable). On the module, once all are gone the memfd's own writable
 * mapping works and holds it the same way (so the views gave back exactly
 * what they took), the seal goes on after it, and then no view is
 * writable; the daemon's own view holds it until the section is gone, and
 * a section made over the sealed memfd is read-only.
 */
static void test_seal_under_view(void **state)
{
	ATTACK_AS_NOBODY(child_seal_under_view, NULL);
}

/* ---- the caller's open mode ---- */

struct p9_file {
	char path[PATH_MAX];
	char name[64];
	int flags;		/* open(2) flags for the child */
};

static int child_open_mode(void *arg)
{
	const struct p9_file *f = arg;
	struct secshm *s;
	uint32_t x;
	int fd, wo;

	fd = open(f->path, f->flags | O_CLOEXEC);
	CHILD_CHECK(fd >= 0);
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_EQ(readonly_section(s, fd, NULL), 0);
	/* Writing but not reading is no mapping at all. */
	wo = open(f->path, O_WRONLY | O_CLOEXEC);
	CHILD_CHECK(wo >= 0);
	CHILD_STATUS(secshm_create_file(s, NULL, len(), wo, SECSHM_GENERIC_READ, 0, NULL, &x),
		     -EACCES);
	close(wo);
	/* A section root named over its read-only descriptor: no writer, not even root. */
	CHILD_STATUS(secshm_open(s, f->name, SECSHM_GENERIC_WRITE, &x), -EACCES);
	CHILD_OK(secshm_open(s, f->name, SECSHM_GENERIC_READ, &x));
	CHILD_OK(secshm_close(s, x));
	secshm_disconnect(s);
	close(fd);
	return 0;
}

/*
 * SPEC: P9 — the caller's own open mode: a descriptor open read-only backs
 * a read-only section (MAP_WRITE at create, duplicate, export, and by name
 * for anyone, root included, is -EACCES), a write-only one is -EACCES.
 */
static void test_open_mode(void **state)
{
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER,
				.mode = 0666 };
	struct secshm *s = harness_connect();
	struct p9_file f = { .flags = O_RDONLY };
	uint32_t h, x;
	int fd = make_file(f.path, sizeof(f.path)), ro = open(f.path, O_RDONLY | O_CLOEXEC);

	assert_true(ro >= 0);
	harness_name(f.name, sizeof(f.name), "p9-ro");
	assert_status(secshm_create_file(s, f.name, len(), ro, SECSHM_GENERIC_WRITE,
					 SECSHM_CREATE_NEW, &sd, &h), -EACCES);
	assert_status(secshm_open(s, f.name, SECSHM_GENERIC_READ, &h), -ENOENT);
	assert_ok(secshm_create_file(s, f.name, len(), ro, SECSHM_GENERIC_READ, SECSHM_CREATE_NEW,
				     &sd, &h));
	assert_status(secshm_open(s, f.name, SECSHM_GENERIC_ALL, &x), -EACCES);
	assert_status(secshm_create_file(s, f.name, len(), fd, SECSHM_GENERIC_WRITE, 0, &sd, &x),
		      -EACCES);
	ATTACK_AS_NOBODY(child_open_mode, &f);
	assert_ok(secshm_close(s, h));
	assert_true(file_intact(f.path));
	secshm_disconnect(s);
	close(ro);
	close(fd);
	unlink(f.path);
}

/*
 * SPEC: P9 — the server's own open of the file has only the access the
 * section allows: a program that is running cannot be opened for writing
 * (-ETXTBSY), yet its read-only descriptor backs a read-only section.
 */
static void test_running_program(void **state)
{
	struct secshm *s = harness_connect();
	char path[PATH_MAX], *argv[] = { "sleep", "30", NULL };
	int src = open("/bin/sleep", O_RDONLY | O_CLOEXEC), fd, ro, st;
	uint32_t h, flags;
	struct stat sb;
	ssize_t n;
	char buf[65536];
	pid_t pid;

	assert_true(src >= 0);
	snprintf(path, sizeof(path), "%s/secshm-p9-exe.XXXXXX", disk());
	fd = mkstemp(path);
	assert_true(fd >= 0);
	while ((n = read(src, buf, sizeof(buf))) > 0)
		assert_int_equal(write(fd, buf, (size_t)n), n);
	close(src);
	assert_int_equal(fchmod(fd, 0755), 0);
	assert_int_equal(fstat(fd, &sb), 0);
	close(fd);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execv(path, argv);
		_exit(127);
	}
	/* Running once writing it fails. */
	for (int i = 0; i < 500; i++) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			break;
		close(fd);
		attack_sleep_us(10000);
	}
	assert_int_equal(errno, ETXTBSY);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(ro >= 0);
	assert_ok(secshm_create_file(s, NULL, (uint64_t)sb.st_size, ro, SECSHM_GENERIC_READ, 0,
				     NULL, &h));
	assert_ok(section_flags(s, h, &flags));
	assert_true(flags & SECSHM_SECTION_READONLY);
	assert_ok(secshm_close(s, h));
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	secshm_disconnect(s);
	close(ro);
	unlink(path);
}

/* ---- inode flags ---- */

static int child_inode_flag(void *arg)
{
	const struct p9_file *f = arg;
	struct secshm *s;
	int fd;

	CHILD_ERRNO(open(f->path, O_RDWR | O_CLOEXEC), EPERM);
	fd = open(f->path, f->flags | O_CLOEXEC);
	CHILD_CHECK(fd >= 0);
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_EQ(readonly_section(s, fd, NULL), 0);
	secshm_disconnect(s);
	close(fd);
	return 0;
}

/*
 * Root made a writable section over the file before the flag came; a new
 * writable view of it is refused with mmap(2)'s errno, a read-only one
 * works but can never be made writable.
 */
static void check_flag_after(struct secshm *s, uint32_t h, int err)
{
	void *v;

	assert_status(secshm_map(s, h, 0, len(), RW, &v), err);
	assert_ok(secshm_map(s, h, 0, len(), RO, &v));
	assert_true(harness_check_fill(v, len(), SEED));
	assert_int_equal(mprotect(v, len(), PROT_READ | PROT_WRITE), -1);
	assert_int_equal(errno, EACCES);
	assert_ok(secshm_unmap(s, v));
}

static void inode_flag_case(int flag, int child_flags)
{
	struct secshm *s = harness_connect();
	struct p9_file f = { .flags = child_flags };
	int fd = make_file(f.path, sizeof(f.path));
	uint32_t before, x;

	assert_ok(secshm_create_file(s, NULL, len(), fd, SECSHM_GENERIC_WRITE, 0, NULL, &before));
	flagged_fd = dup(fd);
	assert_int_equal(inode_flags(fd, flag, true), 0);
	/* root's own read-write descriptor, opened before the flag, does not help */
	assert_status(secshm_create_file(s, NULL, len(), fd, SECSHM_GENERIC_WRITE, 0, NULL, &x),
		      -EACCES);
	ATTACK_AS_NOBODY(child_inode_flag, &f);
	check_flag_after(s, before, -EACCES);
	assert_ok(secshm_close(s, before));
	assert_int_equal(inode_flags(fd, flag, false), 0);
	close(flagged_fd);
	flagged_fd = -1;
	assert_true(file_intact(f.path));
	secshm_disconnect(s);
	close(fd);
	unlink(f.path);
}

/*
 * SPEC: P9 — an append-only file (chattr +a), which nobody can open only
 * with O_APPEND, backs only a read-only section: its start cannot be
 * overwritten through a view. A writable section made before the flag
 * gets no new writable view.
 */
static void test_append_only(void **state)
{
	inode_flag_case(FS_APPEND_FL, O_RDWR | O_APPEND);
}

/* SPEC: P9 — the same for an immutable file (chattr +i). */
static void test_immutable(void **state)
{
	inode_flag_case(FS_IMMUTABLE_FL, O_RDONLY);
}

/* ---- filesystems ---- */

static long meminfo(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

static int child_filesystems(void *arg)
{
	const size_t huge = 2UL << 20;
	struct secshm *s;
	uint32_t x;
	int fd;

	CHILD_OK(secshm_connect(NULL, &s));
	/* sysfs: a regular file whose size is a page, on no allowed filesystem */
	fd = open("/sys/kernel/uevent_seqnum", O_RDONLY | O_CLOEXEC);
	CHILD_CHECK(fd >= 0);
	CHILD_STATUS(secshm_create_file(s, NULL, harness_page(), fd, SECSHM_GENERIC_READ, 0, NULL,
					&x), -EOPNOTSUPP);
	close(fd);
	/* hugetlbfs, whose mappings take reservations */
	fd = memfd_create("secshm-p9", MFD_CLOEXEC | MFD_HUGETLB);
	CHILD_CHECK(fd >= 0);
	CHILD_SYSOK(ftruncate(fd, (off_t)huge));
	CHILD_STATUS(secshm_create_file(s, NULL, huge, fd, SECSHM_GENERIC_READ, 0, NULL, &x),
		     -EOPNOTSUPP);
	CHILD_STATUS(secshm_create_file(s, NULL, huge, fd, SECSHM_GENERIC_WRITE, 0, NULL, &x),
		     -EOPNOTSUPP);
	close(fd);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P9 — files on filesystems that could stall or leak from the server
 * are refused with -EOPNOTSUPP (sysfs, hugetlbfs, whatever the caller asks
 * for), and the huge page reservations stay as they were.
 */
static void test_filesystems(void **state)
{
	long rsvd = meminfo("HugePages_Rsvd:");

	ATTACK_AS_NOBODY(child_filesystems, NULL);
	assert_int_equal(meminfo("HugePages_Rsvd:"), rsvd);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, harness_test_setup, teardown)

static const struct CMUnitTest tests[] = {
	TEST(test_sealed_memfd),
	TEST(test_seal_under_view),
	TEST(test_open_mode),
	TEST(test_running_program),
	TEST(test_append_only),
	TEST(test_immutable),
	TEST(test_filesystems),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
