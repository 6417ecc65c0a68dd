// SPDX-License-Identifier: MIT
/*
 * The wrappers behind inject.h. Each __wrap_f asks should_fail() and
 * either fails as f itself would or calls __real_f.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "inject.h"

static bool armed;
static pthread_t owner;
static unsigned long calls, nth;
static int failed = -1;

static const char *const names[FI_NR] = {
	"malloc", "calloc", "realloc", "strdup", "memfd_create", "mmap", "open",
	"pipe2", "eventfd", "dup", "fcntl(F_DUPFD)", "sendmsg", "pthread_create",
};

void fi_arm(unsigned long n)
{
	owner = pthread_self();
	calls = 0;
	nth = n;
	failed = -1;
	__atomic_store_n(&armed, true, __ATOMIC_RELEASE);
}

unsigned long fi_disarm(void)
{
	__atomic_store_n(&armed, false, __ATOMIC_RELEASE);
	return calls;
}

int fi_failed(void)
{
	return failed;
}

const char *fi_name(int fn)
{
	return fn >= 0 && fn < FI_NR ? names[fn] : "none";
}

static bool should_fail(enum fi_fn fn, int err)
{
	if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE) || !pthread_equal(pthread_self(), owner))
		return false;
	if (++calls != nth)
		return false;
	failed = (int)fn;
	errno = err;
	return true;
}

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
int __real_memfd_create(const char *name, unsigned int flags);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_open(const char *path, int flags, ...);
int __real_pipe2(int fds[2], int flags);
int __real_eventfd(unsigned int count, int flags);
int __real_dup(int fd);
int __real_dup3(int fd, int fd2, int flags);
int __real_fcntl(int fd, int cmd, ...);
ssize_t __real_sendmsg(int fd, const struct msghdr *mh, int flags);
int __real_pthread_create(pthread_t *t, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
int __wrap_memfd_create(const char *name, unsigned int flags);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __wrap_open(const char *path, int flags, ...);
int __wrap_pipe2(int fds[2], int flags);
int __wrap_eventfd(unsigned int count, int flags);
int __wrap_dup(int fd);
int __wrap_dup3(int fd, int fd2, int flags);
int __wrap_fcntl(int fd, int cmd, ...);
ssize_t __wrap_sendmsg(int fd, const struct msghdr *mh, int flags);
int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg);

void *__wrap_malloc(size_t size)
{
	return should_fail(FI_MALLOC, ENOMEM) ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return should_fail(FI_CALLOC, ENOMEM) ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return should_fail(FI_REALLOC, ENOMEM) ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
	return should_fail(FI_STRDUP, ENOMEM) ? NULL : __real_strdup(s);
}

int __wrap_memfd_create(const char *name, unsigned int flags)
{
	return should_fail(FI_MEMFD_CREATE, EMFILE) ? -1 : __real_memfd_create(name, flags);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (should_fail(FI_MMAP, ENOMEM))
		return MAP_FAILED;
	return __real_mmap(addr, len, prot, flags, fd, off);
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return should_fail(FI_OPEN, EMFILE) ? -1 : __real_open(path, flags, mode);
}

int __wrap_pipe2(int fds[2], int flags)
{
	return should_fail(FI_PIPE2, EMFILE) ? -1 : __real_pipe2(fds, flags);
}

int __wrap_eventfd(unsigned int count, int flags)
{
	return should_fail(FI_EVENTFD, EMFILE) ? -1 : __real_eventfd(count, flags);
}

int __wrap_dup(int fd)
{
	return should_fail(FI_DUP, EMFILE) ? -1 : __real_dup(fd);
}

int __wrap_dup3(int fd, int fd2, int flags)
{
	return should_fail(FI_DUP, EMFILE) ? -1 : __real_dup3(fd, fd2, flags);
}

/* Only the commands that make a descriptor fail; the rest pass. */
int __wrap_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if ((cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && should_fail(FI_FCNTL_DUPFD, EMFILE))
		return -1;
	return __real_fcntl(fd, cmd, arg);
}

ssize_t __wrap_sendmsg(int fd, const struct msghdr *mh, int flags)
{
	return should_fail(FI_SENDMSG, ENOBUFS) ? -1 : __real_sendmsg(fd, mh, flags);
}

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg)
{
	return should_fail(FI_PTHREAD_CREATE, 0) ? EAGAIN : __real_pthread_create(t, attr, fn, arg);
}
