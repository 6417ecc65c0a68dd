// SPDX-License-Identifier: MIT
/*
 * Safe access: the only code that reads or writes shared memory for the
 * server (P5, P6). Everything is copied once between the section and
 * private memory, after the range is checked against the span.
 *
 * A memfd section is sealed, so nothing a client does can make these copies
 * fault. A file-backed section can be truncated by anyone who may write the
 * file, and touching a page past the new end raises SIGBUS; copies from
 * such sections run under a guard (as wl_shm's begin/end_access) whose
 * SIGBUS handler abandons the copy, which then fails with -EFAULT. The
 * guard is a sigsetjmp that saves no signal mask and two thread-local
 * stores, no system call. Measured against pread on the server's
 * descriptor, the other known answer (the README's machine): a 64-byte
 * capture costs 5.3 ns guarded, 1.8 ns unguarded, 155 ns by pread; 64 KiB
 * costs 1.39 us guarded and 1.76-1.94 us by pread.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"

struct guard {
	sigjmp_buf env;
	const unsigned char *lo, *hi;	/* the range being copied */
	volatile sig_atomic_t active;
};

static __thread struct guard guard;
static struct sigaction old_sigbus;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	const unsigned char *addr = si->si_addr;

	if (guard.active && addr >= guard.lo && addr < guard.hi) {
		guard.active = 0;
		siglongjmp(guard.env, 1);
	}
	/* Not ours: restore whatever was there and let the fault happen again. */
	sigaction(SIGBUS, &old_sigbus, NULL);
}

static void guard_install(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus,
				.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_sigbus);
}

void access_init(void)
{
	pthread_once(&guard_once, guard_install);
}

static int span_check(const struct secshm_span *span, uint64_t off, size_t len,
		      uint32_t need)
{
	if (!(span->flags & need))
		return -EACCES;
	if (off > span->length || len > span->length - off)
		return -ERANGE;
	return 0;
}

static bool guarded(const struct secshm_span *span)
{
	return to_section(span->section)->flags & SECSHM_SECTION_FILE;
}

int secshm_section_flush(const struct secshm_span *span)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)span->base & ~(page - 1);

	if (!guarded(span))
		return 0;
	if (msync((void *)start, (uintptr_t)span->base + span->length - start, MS_SYNC))
		return -errno;
	return 0;
}

static int guarded_copy(void *dst, const void *src, size_t len, const unsigned char *shared)
{
	if (sigsetjmp(guard.env, 0))
		return -EFAULT;
	guard.lo = shared;
	guard.hi = shared + len;
	guard.active = 1;
	memcpy(dst, src, len);
	guard.active = 0;
	return 0;
}

int secshm_capture(const struct secshm_span *span, uint64_t off, void *dst, size_t len)
{
	struct secshm_server *srv = span->section->srv;
	int err = span_check(span, off, len, SECSHM_REF_READ);

	if (!err && srv->fetching)
		err = fetch_record(srv, span->section->id, span->offset + off, len);
	if (err)
		return err;
	if (guarded(span))
		return guarded_copy(dst, span->base + off, len, span->base + off);
	memcpy(dst, span->base + off, len);
	return 0;
}

int secshm_copy_out(const struct secshm_span *span, uint64_t off, const void *src, size_t len)
{
	int err = span_check(span, off, len, SECSHM_REF_WRITE);

	if (err)
		return err;
	if (guarded(span))
		return guarded_copy(span->base + off, src, len, span->base + off);
	memcpy(span->base + off, src, len);
	return 0;
}
