/* SPDX-License-Identifier: MIT */
/*
 * Failure injection for the daemon's library, linked into one test binary
 * with -Wl,--wrap (mk/fault.mk): every call the server code makes to a
 * wrapped function goes through a wrapper that, while armed, counts the
 * calls made on the arming thread and fails the Nth with the function's
 * own failure (malloc NULL/ENOMEM, a descriptor -1/EMFILE, mmap ENOMEM,
 * sendmsg ENOBUFS, pthread_create EAGAIN). Calls on other threads (the
 * daemon's workers) and calls while disarmed pass through untouched, so a
 * test that does the same thing twice sees the same Nth call.
 */
#ifndef SECSHM_TEST_INJECT_H
#define SECSHM_TEST_INJECT_H

enum fi_fn {
	FI_MALLOC, FI_CALLOC, FI_REALLOC, FI_STRDUP, FI_MEMFD_CREATE, FI_MMAP,
	FI_OPEN, FI_PIPE2, FI_EVENTFD, FI_DUP, FI_FCNTL_DUPFD, FI_SENDMSG,
	FI_PTHREAD_CREATE, FI_NR
};

/* Count from now on this thread; fail call number nth (0: never). */
void fi_arm(unsigned long nth);

/* Stop counting; returns how many calls were counted since fi_arm. */
unsigned long fi_disarm(void);

/* The function whose call was failed since fi_arm, or -1. */
int fi_failed(void);

const char *fi_name(int fn);

#endif /* SECSHM_TEST_INJECT_H */
