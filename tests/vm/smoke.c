// SPDX-License-Identifier: MIT
/*
 * Device-level tests of secshm.ko, run in the VM against /dev/secshm with
 * raw ioctls (and libsecshm where its device backend is the subject): what
 * only the module has (handles are descriptors, views are VMAs, plain
 * user-pointer references, the example driver on the kernel API, module
 * parameters, swap files) and the tricks a read-only handle must survive.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/falloc.h>
#include "secshm.h"
#include "uapi/secshm.h"
#include "example.h"

#define RW		(PROT_READ | PROT_WRITE)
#define NOBODY		65534
/* The CLOSE ioctl the module no longer has: -ENOTTY. */
#define CLOSE_IOCTL	_IOW(SECSHM_IOC_MAGIC, SECSHM_OP_CLOSE, struct secshm_handle_args)

static long page;

static int dev_open(void)
{
	int fd = open(SECSHM_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	int r = ioctl(fd, cmd, arg);

	return r < 0 ? -errno : r;
}

/* CREATE; returns the status, the handle in *h. */
static int create(int d, const char *name, uint64_t len, uint32_t flags,
		  uint32_t access, uint32_t mode, uint32_t *h)
{
	struct secshm_create_args a = {
		.size = sizeof(a), .flags = flags, .length = len, .access = access,
	};
	int r;

	if (name) {
		a.name_len = strlen(name);
		memcpy(a.name, name, a.name_len);
		a.sd.owner = SECSHM_ID_CALLER;
		a.sd.group = SECSHM_ID_CALLER;
		a.sd.mode = mode;
	}
	r = xioctl(d, SECSHM_IOC_CREATE, &a);
	*h = a.handle;
	return r;
}

static uint32_t create_ok(int d, uint64_t len, uint32_t access)
{
	uint32_t h;

	assert_int_equal(create(d, NULL, len, 0, access, 0, &h), 0);
	assert_true(h > 0);
	return h;
}

static int open_name(int d, const char *name, uint32_t access, uint32_t *h)
{
	struct secshm_open_args a = { .size = sizeof(a), .access = access };

	a.name_len = strlen(name);
	memcpy(a.name, name, a.name_len);
	*h = 0;
	a.handle = 0;
	if (xioctl(d, SECSHM_IOC_OPEN, &a) < 0)
		return -errno;
	*h = a.handle;
	return 0;
}

static int dup_handle(int d, uint32_t h, uint32_t access, uint32_t *out)
{
	struct secshm_dup_args a = { .size = sizeof(a), .handle = h, .access = access };
	int r = xioctl(d, SECSHM_IOC_DUPLICATE, &a);

	*out = a.new_handle;
	return r;
}

static int query(int d, uint32_t h, struct secshm_query_args *q)
{
	memset(q, 0, sizeof(*q));
	q->size = sizeof(*q);
	q->handle = h;
	return xioctl(d, SECSHM_IOC_QUERY, q);
}

static int call(int d, uint32_t opcode, const struct secshm_ref *refs, uint32_t nrefs,
		void *out, uint32_t *out_len)
{
	struct secshm_call_args a = {
		.size = sizeof(a), .opcode = opcode, .nrefs = nrefs,
		.out_len = *out_len, .refs = (uintptr_t)refs, .out = (uintptr_t)out,
	};
	int r = xioctl(d, SECSHM_IOC_CALL, &a);

	*out_len = a.out_len;
	return r;
}

static int stats(int d, struct secshm_stats *st)
{
	uint32_t len = sizeof(*st);

	return call(d, SECSHM_CALL_STATS, NULL, 0, st, &len);
}

static uint64_t fnv1a(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t h = EXAMPLE_FNV_OFFSET;

	while (len--)
		h = (h ^ *b++) * EXAMPLE_FNV_PRIME;
	return h;
}

static int checksum(int d, const struct secshm_ref *ref, uint64_t *sum)
{
	uint32_t len = sizeof(*sum);

	return call(d, EXAMPLE_OP_CHECKSUM, ref, 1, sum, &len);
}

static void *map(uint32_t h, size_t len, int prot, int flags, off_t off)
{
	return mmap(NULL, len, prot, flags, (int)h, off);
}

/* Run fn in a child as nobody; its exit status. */
static int as_nobody(int (*fn)(void *), void *arg)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(99);
		_exit(fn(arg));
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static struct secshm_stats base;
static int base_dev;

static int setup(void **state)
{
	base_dev = dev_open();
	return stats(base_dev, &base);
}

/* SPEC: S4 — after each test the module's counters are back at baseline. */
static int teardown(void **state)
{
	struct secshm_stats now;
	int i;

	for (i = 0; i < 100; i++) {
		if (stats(base_dev, &now) || (now.sections == base.sections &&
		    now.views == base.views && now.handles == base.handles &&
		    now.bytes == base.bytes && now.clients == base.clients))
			break;
		usleep(10000);
	}
	close(base_dev);
	if (now.sections != base.sections || now.views != base.views ||
	    now.handles != base.handles || now.bytes != base.bytes ||
	    now.clients != base.clients) {
		fprintf(stderr, "leak: sections %u/%u views %u/%u handles %u/%u bytes %llu/%llu clients %u/%u\n",
			now.sections, base.sections, now.views, base.views,
			now.handles, base.handles, (unsigned long long)now.bytes,
			(unsigned long long)base.bytes, now.clients, base.clients);
		return -1;
	}
	return 0;
}

/* SPEC: S1, S3 — a section maps; two views in one process see the same bytes. */
static void test_create_map(void **state)
{
	int d = dev_open();
	uint32_t h = create_ok(d, 3 * page - 100, SECSHM_GENERIC_ALL);
	struct secshm_query_args q;
	unsigned char *a, *b;

	assert_int_equal(query(d, h, &q), 0);
	assert_int_equal(q.info.length, 3 * page);
	assert_int_equal(q.access, SECSHM_ACCESS_SPECIFIC);
	assert_true(q.info.flags & SECSHM_SECTION_CLIENT_CREATED);
	a = map(h, 3 * page, RW, MAP_SHARED, 0);
	b = map(h, page, PROT_READ, MAP_SHARED, 2 * page);
	assert_true(a != MAP_FAILED && b != MAP_FAILED);
	memset(a, 0x5a, 3 * page);
	a[2 * page + 7] = 0x11;
	assert_int_equal(b[7], 0x11);
	assert_int_equal(query(d, h, &q), 0);
	assert_int_equal(q.info.views, 2);
	assert_int_equal(q.info.handles, 1);

	/* SPEC: S3 — outside the section is -ERANGE. */
	assert_true(map(h, page, PROT_READ, MAP_SHARED, 3 * page) == MAP_FAILED);
	assert_int_equal(errno, ERANGE);
	assert_true(map(h, 4 * page, PROT_READ, MAP_SHARED, 0) == MAP_FAILED);
	assert_int_equal(errno, ERANGE);

	munmap(a, 3 * page);
	munmap(b, page);
	close(h);
	close(d);
}

/* SPEC: S2 — create-or-open, EXISTED, CREATE_NEW, open-only, bad names. */
static void test_names(void **state)
{
	static const char *const bad[] = {
		"/a", "a/", "a//b", "..", "a/../b", ".", "a/./b", "a b", "a\\b", "é", "\xff", "a\xe9",
	};
	int d = dev_open();
	char name[64], longname[SECSHM_NAME_MAX + 2];
	uint32_t h, h2, h3;
	size_t i;

	snprintf(name, sizeof(name), "vm/%d/names", getpid());
	assert_int_equal(open_name(d, name, SECSHM_GENERIC_READ, &h), -ENOENT);
	assert_int_equal(create(d, name, page, 0, SECSHM_GENERIC_ALL, 0600, &h), 0);
	assert_int_equal(create(d, name, page, 0, SECSHM_GENERIC_READ, 0600, &h2),
			 SECSHM_EXISTED);
	assert_int_equal(create(d, name, page, SECSHM_CREATE_NEW, SECSHM_GENERIC_READ,
				0600, &h3), -EEXIST);
	assert_int_equal(open_name(d, name, SECSHM_GENERIC_READ, &h3), 0);
	close(h3);
	close(h2);
	close(h);
	/* The last handle gone, the name is gone. */
	assert_int_equal(open_name(d, name, SECSHM_GENERIC_READ, &h), -ENOENT);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(create(d, bad[i], page, 0, SECSHM_GENERIC_ALL, 0600, &h),
				 -EINVAL);
	memset(longname, 'a', sizeof(longname));
	longname[SECSHM_NAME_MAX + 1] = 0;
	{
		struct secshm_create_args a = {
			.size = sizeof(a), .length = page, .access = SECSHM_GENERIC_ALL,
			.name_len = SECSHM_NAME_MAX + 1,
		};

		assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -ENAMETOOLONG);
	}
	close(d);
}

/*
 * SPEC: H2 — a read-only handle gives only read-only views: a writable
 * shared or private mmap, mprotect, write(2), reopening through /proc, a
 * forced write through /proc/self/mem and remap_file_pages all fail, and the
 * bytes stay as they were.
 */
static void test_readonly_handle(void **state)
{
	int d = dev_open(), fd;
	uint32_t h = create_ok(d, 2 * page, SECSHM_GENERIC_ALL), ro;
	unsigned char *w, *r;
	char path[64], c = 'x';

	w = map(h, 2 * page, RW, MAP_SHARED, 0);
	assert_true(w != MAP_FAILED);
	memset(w, 0xab, 2 * page);
	assert_int_equal(dup_handle(d, h, SECSHM_GENERIC_READ, &ro), 0);

	assert_true(map(ro, page, RW, MAP_SHARED, 0) == MAP_FAILED);
	assert_int_equal(errno, EACCES);
	assert_true(map(ro, page, RW, MAP_PRIVATE, 0) == MAP_FAILED);
	assert_int_equal(errno, EACCES);
	assert_true(map(ro, page, PROT_READ | PROT_EXEC, MAP_SHARED, 0) == MAP_FAILED);

	r = map(ro, 2 * page, PROT_READ, MAP_SHARED, 0);
	assert_true(r != MAP_FAILED);
	assert_int_equal(r[page], 0xab);
	assert_int_equal(mprotect(r, 2 * page, RW), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(mprotect(r, 2 * page, PROT_READ | PROT_EXEC), -1);

	/* /proc/self/mem writes with FOLL_FORCE: no COW on a shared read-only view. */
	fd = open("/proc/self/mem", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &c, 1, (off_t)(uintptr_t)r), -1);
	close(fd);

	/* remap_file_pages goes to the backing file's mmap, which refuses. */
	assert_int_equal(syscall(SYS_remap_file_pages, r, page, 0, 1, 0), -1);

	/* A private read-only mapping cannot be upgraded either. */
	{
		unsigned char *p = map(ro, page, PROT_READ, MAP_PRIVATE, 0);

		assert_true(p != MAP_FAILED);
		assert_int_equal(mprotect(p, page, RW), -1);
		munmap(p, page);
	}

	assert_int_equal(write((int)ro, &c, 1), -1);
	assert_int_equal(write((int)h, &c, 1), -1);
	assert_int_equal(ftruncate((int)h, 0), -1);
	assert_int_equal(fallocate((int)h, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, page), -1);
	snprintf(path, sizeof(path), "/proc/self/fd/%u", ro);
	assert_int_equal(open(path, O_RDWR), -1);
	assert_int_equal(open(path, O_RDONLY), -1);

	assert_int_equal(r[0], 0xab);
	assert_int_equal(w[0], 0xab);
	munmap(r, 2 * page);
	munmap(w, 2 * page);
	close(ro);
	close(h);
	close(d);
}

/*
 * SPEC: P5 — what a client can do to its writable view (hole punching,
 * remapping, unmapping) neither reaches the section behind the module's
 * back nor disturbs a server read of it.
 */
static void test_view_tricks(void **state)
{
	int d = dev_open();
	uint32_t h = create_ok(d, 4 * page, SECSHM_GENERIC_ALL);
	struct secshm_ref ref = { .handle = h, .flags = SECSHM_REF_READ, .length = 4 * page };
	unsigned char *w, *m;
	uint64_t sum;

	w = map(h, 4 * page, RW, MAP_SHARED, 0);
	assert_true(w != MAP_FAILED);
	memset(w, 0x42, 4 * page);
	assert_int_equal(madvise(w, page, MADV_REMOVE), -1);
	assert_int_equal(w[0], 0x42);

	/* VM_DONTEXPAND: a view cannot grow past what was checked. */
	assert_true(mremap(w, 4 * page, 8 * page, 0) == MAP_FAILED);
	/* Moving it is fine and keeps the bytes. */
	m = mremap(w, 4 * page, 4 * page, MREMAP_MAYMOVE | MREMAP_FIXED,
		   (char *)mmap(NULL, 4 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	assert_true(m != MAP_FAILED);
	assert_int_equal(m[3 * page], 0x42);
	/* Partial unmap leaves two views of one mapping. */
	assert_int_equal(munmap(m + page, page), 0);
	/*
	 * remap_file_pages re-mmaps the backing file, whose mmap refuses: the
	 * page is gone from this view (the kernel unmapped it first), nothing
	 * else changed.
	 */
	assert_int_equal(syscall(SYS_remap_file_pages, m, page, 0, 2, 0), -1);
	assert_int_equal(m[2 * page], 0x42);
	munmap(m, 4 * page);

	assert_int_equal(checksum(d, &ref, &sum), 0);
	{
		unsigned char *expect = malloc(4 * page);

		memset(expect, 0x42, 4 * page);
		assert_true(sum == fnv1a(expect, 4 * page));
		free(expect);
	}
	close(h);
	close(d);
}

/* SPEC: H5 — handle validation on the device: type, origin, access, liveness. */
static void test_handle_validation(void **state)
{
	int d = dev_open(), other = dev_open(), p[2];
	uint32_t h = create_ok(d, page, SECSHM_GENERIC_ALL), q_only, h2;
	struct secshm_query_args q;

	assert_int_equal(pipe(p), 0);
	/* Descriptors of other kinds are the wrong type; 0 is never a handle. */
	assert_int_equal(query(d, (uint32_t)p[0], &q), -EMEDIUMTYPE);
	assert_int_equal(query(d, 0, &q), -EBADF);
	assert_int_equal(query(d, (uint32_t)d, &q), -EMEDIUMTYPE);
	assert_int_equal(query(d, 0x7fffff00, &q), -EBADF);
	assert_int_equal(query(d, SECSHM_HANDLE_SERVER | h, &q), -EBADF);
	/* Another client's handle, even in this very process. */
	assert_int_equal(query(other, h, &q), -EBADF);
	{
		struct secshm_ref ref = { .handle = h, .flags = SECSHM_REF_READ, .length = page };
		uint64_t sum;

		assert_int_equal(checksum(other, &ref, &sum), -EBADF);
	}
	assert_int_equal(dup_handle(d, h, SECSHM_ACCESS_QUERY, &q_only), 0);
	assert_true(map(q_only, page, PROT_READ, MAP_SHARED, 0) == MAP_FAILED);
	assert_int_equal(errno, EACCES);
	assert_int_equal(dup_handle(d, q_only, SECSHM_ACCESS_QUERY, &h2), -EACCES);
	assert_int_equal(query(d, q_only, &q), 0);
	assert_int_equal(q.access, SECSHM_ACCESS_QUERY);
	/* Never more access than the handle has (H7). */
	{
		uint32_t ro, up;

		assert_int_equal(dup_handle(d, h, SECSHM_GENERIC_READ | SECSHM_ACCESS_DUPLICATE,
					    &ro), 0);
		assert_int_equal(dup_handle(d, ro, SECSHM_GENERIC_WRITE, &up), -EACCES);
		close(ro);
	}
	/* There is no CLOSE ioctl; close(2) releases a handle. */
	{
		struct secshm_handle_args a = { .size = sizeof(a), .handle = q_only };
		struct secshm_stats st, after;

		assert_int_equal(xioctl(d, CLOSE_IOCTL, &a), -ENOTTY);
		a.handle = (uint32_t)p[0];
		assert_int_equal(xioctl(d, CLOSE_IOCTL, &a), -ENOTTY);
		assert_true(fcntl(p[0], F_GETFD) >= 0);
		assert_int_equal(query(d, q_only, &q), 0);
		assert_int_equal(stats(d, &st), 0);
		assert_int_equal(close((int)q_only), 0);
		assert_int_equal(query(d, q_only, &q), -EBADF);
		assert_int_equal(stats(d, &after), 0);
		assert_int_equal(after.handles, st.handles - 1);
	}
	close(p[0]);
	close(p[1]);
	close(h);
	assert_int_equal(query(d, h, &q), -EBADF);
	close(other);
	close(d);
}

/*
 * SPEC: H5 — libsecshm's secshm_close on the device closes only a live
 * handle of its own connection: a descriptor of another file, another
 * connection's handle, a closed handle and a handle the caller close(2)d
 * itself whose number another thread dup2()ed a pipe onto are -EBADF, and
 * each of those descriptors stays open.
 */
static void test_library_close(void **state)
{
	struct secshm_section_info info;
	struct secshm *s, *t;
	uint32_t h, h2, theirs;
	int p[2];

	assert_int_equal(secshm_connect(SECSHM_DEVICE_PATH, &s), 0);
	assert_int_equal(secshm_connect(SECSHM_DEVICE_PATH, &t), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(secshm_create(s, NULL, page, SECSHM_GENERIC_ALL, 0, NULL, &h), 0);
	assert_int_equal(secshm_create(t, NULL, page, SECSHM_GENERIC_ALL, 0, NULL, &theirs), 0);

	assert_int_equal(secshm_close(s, (uint32_t)p[0]), -EBADF);
	assert_true(fcntl(p[0], F_GETFD) >= 0);
	assert_int_equal(secshm_close(s, theirs), -EBADF);
	assert_int_equal(secshm_query(t, theirs, &info, NULL), 0);
	assert_int_equal(secshm_close(s, 0), -EBADF);
	assert_int_equal(secshm_close(s, 0x7ffffff0), -EBADF);

	assert_int_equal(secshm_close(s, h), 0);
	assert_true(fcntl((int)h, F_GETFD) < 0);
	assert_int_equal(secshm_close(s, h), -EBADF);

	assert_int_equal(secshm_duplicate(s, theirs, SECSHM_GENERIC_READ, &h2), -EBADF);
	assert_int_equal(secshm_create(s, NULL, page, SECSHM_GENERIC_ALL, 0, NULL, &h2), 0);
	assert_int_equal(dup2(p[1], (int)h2), (int)h2);
	assert_int_equal(secshm_close(s, h2), -EBADF);
	assert_true(fcntl((int)h2, F_GETFD) >= 0);
	assert_int_equal(write((int)h2, "x", 1), 1);

	close((int)h2);
	close(p[0]);
	close(p[1]);
	assert_int_equal(secshm_close(t, theirs), 0);
	secshm_disconnect(t);
	secshm_disconnect(s);
}

/* SPEC: R4 — malformed ioctls change nothing and say why. */
static void test_bad_ioctls(void **state)
{
	int d = dev_open();
	struct secshm_create_args a = {
		.size = sizeof(a), .length = page, .access = SECSHM_GENERIC_ALL,
	};
	struct secshm_stats before, after;
	char big[sizeof(a) + 64];

	assert_int_equal(stats(d, &before), 0);
	assert_int_equal(xioctl(d, _IO(SECSHM_IOC_MAGIC, 42), NULL), -ENOTTY);
	assert_int_equal(xioctl(d, _IOWR(SECSHM_IOC_MAGIC, SECSHM_OP_MAP,
					 struct secshm_map_args), &a), -ENOTTY);
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, NULL), -EFAULT);
	a.flags = 1U << 30;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -EINVAL);
	a.flags = 0;
	a.access = 1U << 20;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -EINVAL);
	a.access = SECSHM_GENERIC_ALL;
	a.length = 0;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -EINVAL);
	a.length = page;
	a.sd.mode = 0600;	/* a descriptor without a name */
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -EINVAL);
	a.sd.mode = 0;
	a.size = sizeof(a) - 8;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -EBADMSG);
	/* A longer struct is fine if the tail is zero, -E2BIG if not. */
	memset(big, 0, sizeof(big));
	a.size = sizeof(big);
	memcpy(big, &a, sizeof(a));
	big[sizeof(a) + 3] = 1;
	assert_int_equal(ioctl(d, SECSHM_IOC_CREATE, big), -1);
	assert_int_equal(errno, E2BIG);
	{
		struct secshm_dup_args da = { .size = sizeof(da), .handle = 0, .reserved = 1 };

		assert_int_equal(xioctl(d, SECSHM_IOC_DUPLICATE, &da), -EINVAL);
	}
	{
		struct secshm_call_args ca = { .size = sizeof(ca), .opcode = EXAMPLE_OP_CHECKSUM,
					       .nrefs = SECSHM_REFS_MAX + 1 };

		assert_int_equal(xioctl(d, SECSHM_IOC_CALL, &ca), -E2BIG);
		ca.nrefs = 0;
		ca.flags = 1;
		assert_int_equal(xioctl(d, SECSHM_IOC_CALL, &ca), -EINVAL);
		ca.flags = 0;
		ca.opcode = 0x0fff;
		assert_int_equal(xioctl(d, SECSHM_IOC_CALL, &ca), -EOPNOTSUPP);
		ca.opcode = 0xfffe;
		assert_int_equal(xioctl(d, SECSHM_IOC_CALL, &ca), -EOPNOTSUPP);
	}
	assert_int_equal(stats(d, &after), 0);
	assert_int_equal(after.sections, before.sections);
	assert_int_equal(after.handles, before.handles);
	close(d);
}

/*
 * SPEC: R2 — references are checked (access for the direction, bounds,
 * overflow) before the handler runs; a plain user pointer is copied with
 * the kernel's fault-safe routines (a bad address is -EFAULT, not a crash).
 */
static void test_references(void **state)
{
	int d = dev_open();
	uint32_t h = create_ok(d, 2 * page, SECSHM_GENERIC_ALL), wo;
	struct secshm_ref ref = { .handle = h, .flags = SECSHM_REF_READ, .length = page };
	unsigned char *w, buf[300];
	uint64_t sum;

	w = map(h, 2 * page, RW, MAP_SHARED, 0);
	assert_true(w != MAP_FAILED);
	for (size_t i = 0; i < 2 * (size_t)page; i++)
		w[i] = (unsigned char)(i * 13);
	ref.offset = page / 2;
	assert_int_equal(checksum(d, &ref, &sum), 0);
	assert_true(sum == fnv1a(w + page / 2, page));

	ref.offset = page + 1;
	assert_int_equal(checksum(d, &ref, &sum), -ERANGE);
	ref.offset = UINT64_MAX - 10;
	assert_int_equal(checksum(d, &ref, &sum), -EOVERFLOW);
	ref.offset = 0;
	ref.length = 0;
	assert_int_equal(checksum(d, &ref, &sum), -EINVAL);
	ref.length = page;
	ref.flags = 1U << 7;
	assert_int_equal(checksum(d, &ref, &sum), -EINVAL);

	assert_int_equal(dup_handle(d, h, SECSHM_ACCESS_MAP_WRITE, &wo), 0);
	ref.flags = SECSHM_REF_READ;
	ref.handle = wo;
	assert_int_equal(checksum(d, &ref, &sum), -EACCES);
	close(wo);

	memset(buf, 7, sizeof(buf));
	ref = (struct secshm_ref){ .flags = SECSHM_REF_READ | SECSHM_REF_USER_PTR,
				   .offset = (uintptr_t)buf, .length = sizeof(buf) };
	assert_int_equal(checksum(d, &ref, &sum), 0);
	assert_true(sum == fnv1a(buf, sizeof(buf)));
	ref.offset = 16;	/* unmapped */
	assert_int_equal(checksum(d, &ref, &sum), -EFAULT);
	ref.offset = (uintptr_t)buf;
	ref.handle = h;		/* a user pointer carries no handle */
	assert_int_equal(checksum(d, &ref, &sum), -EINVAL);
	ref.handle = 0;
	ref.offset = 0xffff800000000000ULL;	/* kernel address */
	assert_int_equal(checksum(d, &ref, &sum), -EFAULT);

	munmap(w, 2 * page);
	close(h);
	close(d);
}

/* SPEC: P1, P2 — the example driver's private section is nobody's. */
static void test_server_private(void **state)
{
	int d = dev_open();
	uint32_t h;
	struct secshm_list_args l = { .size = sizeof(l), .max = 128 };
	struct secshm_section_info *info = calloc(128, sizeof(*info));

	assert_int_equal(open_name(d, EXAMPLE_PRIVATE, SECSHM_GENERIC_READ, &h), -EACCES);
	assert_int_equal(open_name(d, EXAMPLE_PRIVATE, SECSHM_ACCESS_QUERY, &h), -EACCES);
	assert_int_equal(create(d, EXAMPLE_PRIVATE, page, 0, SECSHM_GENERIC_READ, 0, &h),
			 -EACCES);
	l.entries = (uintptr_t)info;
	assert_int_equal(xioctl(d, SECSHM_IOC_LIST, &l), 0);
	for (uint32_t i = 0; i < l.count; i++)
		assert_true(strcmp(info[i].name, EXAMPLE_PRIVATE) != 0);
	free(info);
	close(d);
}

/*
 * SPEC: P7 — the driver holds its own reference to its shared section: a
 * client closing every handle it has leaves it alive, the same bytes there.
 */
static void test_server_reference(void **state)
{
	int d = dev_open();
	struct secshm_query_args q;
	unsigned char *v;
	uint32_t h;
	uint64_t sum, sum2;

	assert_int_equal(open_name(d, EXAMPLE_SHARED, SECSHM_GENERIC_WRITE, &h), 0);
	assert_int_equal(query(d, h, &q), 0);
	assert_true(q.info.server_refs >= 1);
	assert_false(q.info.flags & SECSHM_SECTION_CLIENT_CREATED);
	v = map(h, page, RW, MAP_SHARED, 0);
	assert_true(v != MAP_FAILED);
	memset(v, 0x3c, page);
	sum = fnv1a(v, page);
	munmap(v, page);
	close(h);
	assert_int_equal(open_name(d, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &h), 0);
	{
		struct secshm_ref ref = { .handle = h, .flags = SECSHM_REF_READ, .length = page };

		assert_int_equal(checksum(d, &ref, &sum2), 0);
	}
	assert_true(sum == sum2);
	close(h);
	close(d);
}

static int child_open_trusted(void *arg)
{
	const char *name = arg;
	int d = open(SECSHM_DEVICE_PATH, O_RDWR);
	uint32_t h;

	if (d < 0)
		return 2;
	return open_name(d, name, SECSHM_GENERIC_READ, &h) == -EACCES ? 0 : 1;
}

static int child_map_inherited(void *arg)
{
	uint32_t h = *(uint32_t *)arg;

	return map(h, page, PROT_READ, MAP_SHARED, 0) == MAP_FAILED && errno == EACCES ? 0 : 1;
}

/*
 * SPEC: P8 — a trusted-only section: nobody is refused even with the right
 * name and the 0666 mode, and cannot map a handle it inherited either.
 */
static void test_trusted_only(void **state)
{
	int d = dev_open();
	char name[64];
	uint32_t h;

	snprintf(name, sizeof(name), "global/vm/%d/trusted", getpid());
	assert_int_equal(create(d, name, page, SECSHM_SECTION_TRUSTED_ONLY,
				SECSHM_GENERIC_ALL, 0666, &h), 0);
	assert_int_equal(as_nobody(child_open_trusted, name), 0);
	assert_int_equal(fcntl((int)h, F_SETFD, 0), 0);
	assert_int_equal(as_nobody(child_map_inherited, &h), 0);
	close(h);
	close(d);
}

/* SPEC: Q3 — pinning is for trusted callers (or CAP_IPC_LOCK) only. */
static int child_pin(void *arg)
{
	int d = open(SECSHM_DEVICE_PATH, O_RDWR);
	uint32_t h;

	return create(d, NULL, page, SECSHM_SECTION_PINNED, SECSHM_GENERIC_ALL, 0, &h) ==
	       -EPERM ? 0 : 1;
}

static void test_pinned(void **state)
{
	int d = dev_open();
	uint32_t h;
	struct secshm_query_args q;

	struct secshm_stats st;

	assert_int_equal(create(d, NULL, 4 * page, SECSHM_SECTION_PINNED,
				SECSHM_GENERIC_ALL, 0, &h), 0);
	assert_int_equal(query(d, h, &q), 0);
	assert_true(q.info.flags & SECSHM_SECTION_PINNED);
	assert_int_equal(stats(d, &st), 0);
	assert_int_equal(st.pinned, base.pinned + 4 * page);
	close(h);
	assert_int_equal(as_nobody(child_pin, NULL), 0);
	close(d);
}

/*
 * SPEC: Q1, Q2 — quotas give -EDQUOT and nothing else breaks; a client that
 * dies holding views and handles leaves nothing behind (teardown checks).
 */
static void test_quota_and_death(void **state)
{
	int d = dev_open(), n = 0, r, st;
	uint32_t hs[600];
	pid_t pid;

	for (;;) {
		r = create(d, NULL, page, 0, SECSHM_GENERIC_ALL, 0, &hs[n]);
		if (r)
			break;
		n++;
		assert_true(n < 600);
	}
	assert_int_equal(r, -EDQUOT);
	assert_true(n > 0);
	while (n--)
		close(hs[n]);

	pid = fork();
	if (pid == 0) {
		int cd = open(SECSHM_DEVICE_PATH, O_RDWR);
		uint32_t h;

		create(cd, NULL, 8 * page, 0, SECSHM_GENERIC_ALL, 0, &h);
		memset(map(h, 8 * page, RW, MAP_SHARED, 0), 1, 8 * page);
		map(h, page, PROT_READ, MAP_SHARED, 0);
		kill(getpid(), SIGKILL);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	close(d);
}

/* SPEC: S4 — fork copies views; the counts follow each VMA. */
static void test_fork_views(void **state)
{
	int d = dev_open(), st;
	uint32_t h = create_ok(d, page, SECSHM_GENERIC_ALL);
	struct secshm_query_args q;
	unsigned char *v = map(h, page, RW, MAP_SHARED, 0);
	pid_t pid;

	assert_true(v != MAP_FAILED);
	pid = fork();
	if (pid == 0) {
		v[0] = 0x77;
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(v[0], 0x77);
	assert_int_equal(query(d, h, &q), 0);
	assert_int_equal(q.info.views, 1);
	munmap(v, page);
	assert_int_equal(query(d, h, &q), 0);
	assert_int_equal(q.info.views, 0);
	close(h);
	close(d);
}

/* SPEC: S2 — a permanent name outlives its handles until UNLINK. */
static void test_permanent(void **state)
{
	int d = dev_open();
	char name[64];
	uint32_t h;
	struct secshm_handle_args u = { .size = sizeof(u) };
	struct secshm_query_args q;

	snprintf(name, sizeof(name), "vm/%d/perm", getpid());
	assert_int_equal(create(d, name, page, SECSHM_CREATE_PERMANENT, SECSHM_GENERIC_ALL,
				0600, &h), 0);
	close(h);
	assert_int_equal(open_name(d, name, SECSHM_GENERIC_ALL, &h), 0);
	assert_int_equal(query(d, h, &q), 0);
	assert_true(q.info.flags & SECSHM_SECTION_PERMANENT);
	u.handle = h;
	assert_int_equal(xioctl(d, SECSHM_IOC_UNLINK, &u), 0);
	assert_int_equal(query(d, h, &q), 0);
	assert_true(q.info.flags & SECSHM_SECTION_UNLINKED);
	close(h);
	assert_int_equal(open_name(d, name, SECSHM_GENERIC_READ, &h), -ENOENT);
	close(d);
}

static int child_redeem(void *arg)
{
	const struct secshm_token *tok = arg;
	struct secshm_open_args a = { .size = sizeof(a), .flags = SECSHM_OPEN_TOKEN };
	struct secshm_query_args q;
	int d = open(SECSHM_DEVICE_PATH, O_RDWR);
	unsigned char *v;

	a.token = *tok;
	if (xioctl(d, SECSHM_IOC_OPEN, &a))
		return 1;
	if (query(d, a.handle, &q) || q.access != (SECSHM_GENERIC_READ_MAP))
		return 2;
	v = map(a.handle, page, PROT_READ, MAP_SHARED, 0);
	if (v == MAP_FAILED || v[5] != 0x6e)
		return 3;
	if (map(a.handle, page, RW, MAP_SHARED, 0) != MAP_FAILED)
		return 4;
	/* One use only. */
	return xioctl(d, SECSHM_IOC_OPEN, &a) == -EBADF ? 0 : 5;
}

/*
 * SPEC: H7 — a transfer token carries equal or lesser access to another
 * process (here nobody), once; asking for more than the handle has is
 * refused, and a token dies with its exporter's connection.
 */
static void test_tokens(void **state)
{
	int d = dev_open();
	uint32_t h = create_ok(d, page, SECSHM_GENERIC_ALL);
	struct secshm_dup_args a = {
		.size = sizeof(a), .flags = SECSHM_DUP_EXPORT, .handle = h,
		.access = SECSHM_GENERIC_READ,
	};
	struct secshm_open_args o = { .size = sizeof(o), .flags = SECSHM_OPEN_TOKEN };
	unsigned char *v = map(h, page, RW, MAP_SHARED, 0);

	assert_true(v != MAP_FAILED);
	memset(v, 0x6e, page);
	assert_int_equal(xioctl(d, SECSHM_IOC_DUPLICATE, &a), 0);
	assert_int_equal(a.new_handle, 0);
	assert_int_equal(as_nobody(child_redeem, &a.token), 0);

	/* A forged token is not a handle. */
	o.token.value[0] = 1;
	assert_int_equal(xioctl(d, SECSHM_IOC_OPEN, &o), -EBADF);
	/* The exporter goes, its tokens go. */
	{
		int d2 = dev_open();
		uint32_t h2;

		assert_int_equal(dup_handle(d, h, SECSHM_GENERIC_ALL, &h2), 0);
		close(h2);
		assert_int_equal(xioctl(d, SECSHM_IOC_DUPLICATE, &a), 0);
		o.token = a.token;
		close(d);
		d = dev_open();
		assert_int_equal(xioctl(d2, SECSHM_IOC_OPEN, &o), -EBADF);
		close(d2);
	}
	munmap(v, page);
	close(h);
	close(d);
}

/*
 * SPEC: S1, P9 — a file-backed section: the caller's own read-write file,
 * written through a view and flushed, holds the bytes after everything is
 * closed; a file shorter or longer than the section is refused, and a
 * read-only descriptor gives no write access.
 */
static void test_file_backed(void **state)
{
	int d = dev_open(), fd, ro;
	char path[] = "/tmp/secshm-vm-file.XXXXXX", buf[16];
	struct secshm_create_args a = {
		.size = sizeof(a), .flags = SECSHM_CREATE_FILE, .length = 2 * page,
		.access = SECSHM_GENERIC_ALL,
	};
	struct secshm_ref ref = { .flags = SECSHM_REF_WRITE, .length = page };
	uint32_t len = 0;
	unsigned char *v;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, page), 0);
	a.fd = fd;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -ERANGE);
	assert_int_equal(ftruncate(fd, 3 * page), 0);
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -ERANGE);
	assert_int_equal(ftruncate(fd, 2 * page), 0);
	ro = open(path, O_RDONLY);
	a.fd = ro;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -EACCES);
	close(ro);
	a.fd = fd;
	a.flags |= SECSHM_SECTION_PINNED;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -EINVAL);
	a.flags &= ~SECSHM_SECTION_PINNED;
	a.fd = 0;
	a.flags = 0;
	a.fd = fd;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -EINVAL);	/* fd without FILE */
	a.flags = SECSHM_CREATE_FILE;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), 0);
	close(fd);

	v = map(a.handle, 2 * page, RW, MAP_SHARED, 0);
	assert_true(v != MAP_FAILED);
	memcpy(v + page, "through-a-view", 15);
	ref.handle = a.handle;
	ref.offset = page;
	assert_int_equal(call(d, SECSHM_CALL_FLUSH, &ref, 1, NULL, &len), 0);
	{
		struct secshm_query_args q;

		assert_int_equal(query(d, a.handle, &q), 0);
		assert_true(q.info.flags & SECSHM_SECTION_FILE);
	}
	/* The server reads a file section with pread semantics. */
	{
		struct secshm_ref r = { .handle = a.handle, .flags = SECSHM_REF_READ,
					.offset = page, .length = page };
		uint64_t sum;

		assert_int_equal(checksum(d, &r, &sum), 0);
		assert_true(sum == fnv1a(v + page, page));
	}
	munmap(v, 2 * page);
	close(a.handle);
	fd = open(path, O_RDONLY);
	assert_int_equal(pread(fd, buf, 15, page), 15);
	assert_string_equal(buf, "through-a-view");
	close(fd);
	unlink(path);
	close(d);
}

static void write_string(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, value, strlen(value)), (ssize_t)strlen(value));
	close(fd);
}

static void read_string(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, len - 1);
	assert_true(n > 0);
	buf[n] = 0;
	close(fd);
}

static long meminfo(const char *key)
{
	char buf[4096], *p;

	read_string("/proc/meminfo", buf, sizeof(buf));
	p = strstr(buf, key);
	assert_non_null(p);
	return strtol(p + strlen(key), NULL, 10);
}

#define FILE_FS		"/sys/module/secshm/parameters/file_fs"
#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"

/*
 * SPEC: S4, P9 — a backing the module cannot wrap (hugetlbfs, whose
 * vm_ops keep a reservation in vm_private_data; here only because the
 * administrator allowed it with file_fs) is refused at mmap after its own
 * mmap ran, and what that mmap took is given back through its close: a
 * private view leaks no huge page reservation, however often it is tried.
 */
static void test_unwrappable_backing(void **state)
{
	const size_t huge = 2UL << 20;
	char fs[256], pages[32];
	int d = dev_open(), fd, i;
	struct secshm_create_args a = {
		.size = sizeof(a), .flags = SECSHM_CREATE_FILE, .length = huge,
		.access = SECSHM_GENERIC_ALL,
	};
	long rsvd;

	read_string(FILE_FS, fs, sizeof(fs));
	read_string(NR_HUGEPAGES, pages, sizeof(pages));
	write_string(NR_HUGEPAGES, "2");
	assert_int_equal(meminfo("HugePages_Total:"), 2);
	fd = memfd_create("secshm-huge", MFD_CLOEXEC | MFD_HUGETLB);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)huge), 0);
	a.fd = fd;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -EOPNOTSUPP);
	write_string(FILE_FS, "hugetlbfs");
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), 0);
	write_string(FILE_FS, fs);

	rsvd = meminfo("HugePages_Rsvd:");
	for (i = 0; i < 4; i++) {
		assert_true(map(a.handle, huge, PROT_READ, MAP_PRIVATE, 0) == MAP_FAILED);
		assert_int_equal(errno, ENODEV);
		assert_int_equal(meminfo("HugePages_Rsvd:"), rsvd);
	}
	close(a.handle);
	close(fd);
	write_string(NR_HUGEPAGES, pages);
	close(d);
}

/* A swap file of n pages: zeros (no holes) and a version 1 header. */
static int make_swap(const char *path, uint32_t n)
{
	unsigned char *buf = calloc(1, page);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	uint32_t v[2] = { 1, n - 1 };	/* version, last_page */

	assert_true(fd >= 0 && buf);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(write(fd, buf, page), page);
	memcpy(buf + 1024, v, sizeof(v));
	memcpy(buf + page - 10, "SWAPSPACE2", 10);
	assert_int_equal(pwrite(fd, buf, page, 0), page);
	assert_int_equal(fsync(fd), 0);
	free(buf);
	return fd;
}

/*
 * SPEC: P9 — an active swap file backs only a read-only section, and a
 * writable section made over it before swapon gets no new writable view
 * (-ETXTBSY, as mmap(2) says), only read-only ones that stay read-only.
 */
static void test_swap_file(void **state)
{
	const char *dir = getenv("SECSHM_TEST_DISK");
	const uint32_t n = 64;
	int d = dev_open(), fd;
	char path[256];
	struct secshm_create_args a = {
		.size = sizeof(a), .flags = SECSHM_CREATE_FILE, .length = n * page,
		.access = SECSHM_GENERIC_ALL,
	};
	struct secshm_query_args q;
	uint32_t before;
	void *v;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/swap", dir);
	fd = make_swap(path, n);
	a.fd = fd;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), 0);
	before = a.handle;
	assert_int_equal(swapon(path, 0), 0);

	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), -EACCES);
	a.access = SECSHM_GENERIC_READ;
	assert_int_equal(xioctl(d, SECSHM_IOC_CREATE, &a), 0);
	assert_int_equal(query(d, a.handle, &q), 0);
	assert_true(q.info.flags & SECSHM_SECTION_READONLY);
	close(a.handle);

	assert_true(map(before, n * page, RW, MAP_SHARED, 0) == MAP_FAILED);
	assert_int_equal(errno, ETXTBSY);
	v = map(before, n * page, PROT_READ, MAP_SHARED, 0);
	assert_true(v != MAP_FAILED);
	assert_int_equal(mprotect(v, n * page, RW), -1);
	assert_int_equal(errno, EACCES);
	munmap(v, n * page);

	assert_int_equal(swapoff(path), 0);
	v = map(before, n * page, RW, MAP_SHARED, 0);
	assert_true(v != MAP_FAILED);
	munmap(v, n * page);
	close(before);
	close(fd);
	unlink(path);
	close(d);
}

/* SPEC: Q4 — the administrator sees clients and their handles. */
static void test_observe(void **state)
{
	int d = dev_open();
	uint32_t h = create_ok(d, 3 * page, SECSHM_GENERIC_READ);
	struct secshm_client_info ci[64];
	struct secshm_handle_info hi[8];
	struct { uint64_t id; uint32_t start, zero; } q = { 0 };
	uint32_t start = 0, len = sizeof(ci), i, found = 0;
	struct secshm_call_args a = {
		.size = sizeof(a), .opcode = SECSHM_CALL_CLIENTS, .in_len = sizeof(start),
		.in = (uintptr_t)&start, .out = (uintptr_t)ci, .out_len = sizeof(ci),
	};

	assert_int_equal(xioctl(d, SECSHM_IOC_CALL, &a), 0);
	len = a.out_len / sizeof(ci[0]);
	assert_true(len >= 2);
	for (i = 0; i < len; i++) {
		if (ci[i].pid != (uint32_t)getpid() || ci[i].handles != 1)
			continue;
		q.id = ci[i].id;
		found++;
	}
	assert_int_equal(found, 1);
	a = (struct secshm_call_args){
		.size = sizeof(a), .opcode = SECSHM_CALL_HANDLES, .in_len = sizeof(q),
		.in = (uintptr_t)&q, .out = (uintptr_t)hi, .out_len = sizeof(hi),
	};
	assert_int_equal(xioctl(d, SECSHM_IOC_CALL, &a), 0);
	assert_int_equal(a.out_len, sizeof(hi[0]));
	assert_int_equal(hi[0].handle, h);
	assert_int_equal(hi[0].access, SECSHM_GENERIC_READ_MAP);
	assert_int_equal(hi[0].length, 3 * page);
	close(h);
	close(d);
}

static int list_sum(int d, uint32_t h, uint64_t off, struct example_list_reply *r)
{
	struct secshm_ref ref = { .handle = h, .flags = SECSHM_REF_READ, .offset = off,
				  .length = sizeof(struct example_node) };
	uint32_t len = sizeof(*r);

	return call(d, EXAMPLE_OP_LIST_SUM, &ref, 1, r, &len);
}

/*
 * SPEC: R3 — a linked list across two sections is walked hop by hop
 * through the kernel API's walker: a cycle is -ELOOP, a hop through a bad
 * handle or out of bounds fails with that reference's error, a list longer
 * than the limit is -E2BIG.
 */
static void test_nested(void **state)
{
	int d = dev_open();
	uint32_t a = create_ok(d, page, SECSHM_GENERIC_ALL), b = create_ok(d, page, SECSHM_GENERIC_ALL);
	struct example_node *na = map(a, page, RW, MAP_SHARED, 0);
	struct example_node *nb = map(b, page, RW, MAP_SHARED, 0);
	struct example_list_reply r;
	size_t n = page / sizeof(*na);

	assert_true(na != MAP_FAILED && nb != MAP_FAILED);
	na[0] = (struct example_node){ .next_handle = b, .next_offset = sizeof(*nb), .value = 1 };
	nb[1] = (struct example_node){ .next_handle = a, .next_offset = 2 * sizeof(*na), .value = 2 };
	na[2] = (struct example_node){ .value = 4 };
	assert_int_equal(list_sum(d, a, 0, &r), 0);
	assert_int_equal(r.count, 3);
	assert_int_equal(r.sum, 7);

	na[2].next_handle = a;	/* back to the head */
	assert_int_equal(list_sum(d, a, 0, &r), -ELOOP);
	na[2].next_handle = 0x7ffff000;
	assert_int_equal(list_sum(d, a, 0, &r), -EBADF);
	na[2].next_handle = b;
	na[2].next_offset = page - 8;
	assert_int_equal(list_sum(d, a, 0, &r), -ERANGE);
	na[2].next_offset = UINT64_MAX - 8;
	assert_int_equal(list_sum(d, a, 0, &r), -EOVERFLOW);

	/* A straight chain longer than EXAMPLE_LIST_MAX. */
	for (size_t i = 0; i < n; i++)
		na[i] = (struct example_node){ .next_handle = i + 1 < n ? a : 0,
					       .next_offset = (i + 1) * sizeof(*na), .value = 1 };
	assert_true(n > EXAMPLE_LIST_MAX);
	assert_int_equal(list_sum(d, a, 0, &r), -E2BIG);
	assert_int_equal(list_sum(d, a, (n - EXAMPLE_LIST_MAX) * sizeof(*na), &r), 0);
	assert_int_equal(r.count, EXAMPLE_LIST_MAX);

	munmap(na, page);
	munmap(nb, page);
	close(a);
	close(b);
	close(d);
}

#define CHECK_FETCH	"/sys/module/secshm/parameters/check_fetch"

/* Whether a kernel log record read from kmsg (non-blocking) contains what. */
static bool kmsg_says(int kmsg, const char *what)
{
	char rec[1024];
	bool found = false;
	ssize_t n;

	for (;;) {
		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* records lost to the ring: go on */
			continue;
		if (n <= 0)
			return found;
		rec[n] = 0;
		found |= strstr(rec, what) != NULL;
	}
}

/*
 * SPEC: P6 — check_fetch (on in this VM): a CALL whose handler captures
 * shared bytes it captured before fails with -EIO, and the kernel log
 * names the opcode. Two list nodes that share bytes make the example
 * driver's walker read those twice; without check_fetch the same list
 * sums fine.
 */
static void test_double_fetch(void **state)
{
	int d = dev_open(), kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	uint32_t a = create_ok(d, page, SECSHM_GENERIC_ALL);
	unsigned char *v = map(a, page, RW, MAP_SHARED, 0);
	struct example_node n0 = { .next_handle = a, .next_offset = 16 };
	uint64_t value = 5;
	struct example_list_reply r;
	char on[8];

	assert_true(v != MAP_FAILED && kmsg >= 0);
	read_string(CHECK_FETCH, on, sizeof(on));
	assert_int_equal(on[0], 'Y');
	/* The node at 16 begins inside the one at 0: its next_handle is n0.value, 0. */
	memcpy(v, &n0, sizeof(n0));
	memcpy(v + 32, &value, sizeof(value));
	assert_int_equal(lseek(kmsg, 0, SEEK_END), 0);
	assert_int_equal(list_sum(d, a, 0, &r), -EIO);
	assert_true(kmsg_says(kmsg, "double fetch: opcode 0x1003"));

	write_string(CHECK_FETCH, "N");
	assert_int_equal(list_sum(d, a, 0, &r), 0);
	write_string(CHECK_FETCH, "Y");
	assert_int_equal(r.count, 2);
	assert_int_equal(r.sum, 5);
	/* Nodes side by side share nothing. */
	n0.next_offset = sizeof(n0);
	memcpy(v, &n0, sizeof(n0));
	memset(v + sizeof(n0), 0, sizeof(n0));
	assert_int_equal(list_sum(d, a, 0, &r), 0);
	assert_int_equal(r.count, 2);
	munmap(v, page);
	close(a);
	close(kmsg);
	close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_create_map),
		T(test_names),
		T(test_readonly_handle),
		T(test_view_tricks),
		T(test_handle_validation),
		T(test_library_close),
		T(test_bad_ioctls),
		T(test_references),
		T(test_server_private),
		T(test_server_reference),
		T(test_trusted_only),
		T(test_pinned),
		T(test_quota_and_death),
		T(test_fork_views),
		T(test_permanent),
		T(test_tokens),
		T(test_file_backed),
		T(test_unwrappable_backing),
		T(test_swap_file),
		T(test_observe),
		T(test_nested),
		T(test_double_fetch),
	};

	page = sysconf(_SC_PAGESIZE);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
