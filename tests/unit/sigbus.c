// SPDX-License-Identifier: MIT
/*
 * Unit tests: the SIGBUS guard (P5) next to a host application's own
 * SIGBUS handling. A file-backed section whose file is truncated under the
 * server's view makes the server's copies fault; the guard turns those
 * faults into -EFAULT and hands every other SIGBUS to what the host set up,
 * as the kernel would have, whether the host's handler came before the
 * server or after it.
 *
 * Each test runs in a fresh child process: the guard is installed once per
 * process and dispositions are process-wide, and a child may be meant to
 * die. Children report with CHECK (print, exit 1) or their death signal.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "../../src/server/internal.h"

#define PAGE		4096
#define SECTION_SIZE	(16 * PAGE)
#define SIGNALED	1000	/* in_child(): killed by SIGNALED + signo */
#define EXIT_STRAY	10	/* the host's handler got a fault the guard owed */

#define CHECK(cond) do {							\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: child check failed: %s\n",	\
				__FILE__, __LINE__, #cond);			\
			return 1;						\
		}								\
	} while (0)

#define CHECK_EQ(a, b) do {							\
		long long _a = (long long)(a), _b = (long long)(b);		\
		if (_a != _b) {							\
			fprintf(stderr, "%s:%d: child: %s == %lld, expected %lld\n", \
				__FILE__, __LINE__, #a, _a, _b);		\
			return 1;						\
		}								\
	} while (0)

/* Run fn in a fresh process: its exit status, or SIGNALED + its death signal. */
static int in_child(int (*fn)(void))
{
	struct rlimit none = { 0, 0 };
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		/* Deaths by SIGBUS are expected here: no core files. */
		setrlimit(RLIMIT_CORE, &none);
		prctl(PR_SET_DUMPABLE, 0);
		/* A crash kills the child, rather than cmocka's handlers going on in it. */
		for (int sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				signal(sig, SIG_DFL);
		alarm(30);
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFSIGNALED(st) ? SIGNALED + WTERMSIG(st) : WEXITSTATUS(st);
}

/* ---- the host application's side ---- */

static volatile sig_atomic_t host_faults;	/* faults the host's handler recovered */
static volatile sig_atomic_t host_sent;		/* sent SIGBUSes it received */
static volatile sig_atomic_t host_code;		/* si_code of the last of those */
static volatile sig_atomic_t host_armed;	/* the test expects a fault now */
static void *volatile host_addr;		/* where the last fault was */
static sigjmp_buf host_env;

/*
 * The host's SA_SIGINFO handler: it recovers from faults it expects (its
 * own truncated mapping) and counts sent signals. A fault it does not
 * expect is one of the server's copies that the guard failed to take.
 */
static void host_handler(int sig, siginfo_t *si, void *uc)
{
	if (si->si_code <= 0) {
		host_sent++;
		host_code = si->si_code;
		return;
	}
	if (!host_armed)
		_exit(EXIT_STRAY);
	host_armed = 0;
	host_faults++;
	host_addr = si->si_addr;
	siglongjmp(host_env, 1);
}

static int set_disposition(void (*handler)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO | flags };

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGBUS, &sa, NULL);
}

static int set_plain(void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler };

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGBUS, &sa, NULL);
}

/* A page of a file of the test's own, mapped and then truncated away. */
static char *own_truncated_page(void)
{
	char path[] = "/tmp/secshm-sigbus.XXXXXX";
	int fd = mkstemp(path);
	char *p;

	if (fd < 0)
		return NULL;
	unlink(path);
	p = ftruncate(fd, PAGE) ? MAP_FAILED : mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || ftruncate(fd, 0))
		p = NULL;
	close(fd);
	return p;
}

/* A fault outside any guard: it must reach the host's handler. */
static int touch_outside_guard(char *page)
{
	int faults = host_faults;

	if (!sigsetjmp(host_env, 1)) {
		host_armed = 1;
		(void)*(volatile char *)page;
		host_armed = 0;
		CHECK(!"touching a truncated page did not fault");
	}
	CHECK_EQ(host_faults, faults + 1);
	CHECK(host_addr == page);
	return 0;
}

/* A SIGBUS sent by raise, kill and sigqueue: each reaches the host's handler. */
static int send_three(void)
{
	int sent = host_sent;

	CHECK_EQ(raise(SIGBUS), 0);
	CHECK_EQ(host_sent, sent + 1);
	CHECK_EQ(host_code, SI_TKILL);
	CHECK_EQ(kill(getpid(), SIGBUS), 0);
	CHECK_EQ(host_sent, sent + 2);
	CHECK_EQ(host_code, SI_USER);
	CHECK_EQ(sigqueue(getpid(), SIGBUS, (union sigval){ 0 }), 0);
	CHECK_EQ(host_sent, sent + 3);
	CHECK_EQ(host_code, SI_QUEUE);
	return 0;
}

/* ---- the server's side ---- */

struct file_section {
	struct secshm_server *srv;
	struct secshm_view *view;
	struct secshm_span span;
	int fd;
	size_t size;
};

static int section_open(struct file_section *f, size_t size)
{
	struct secshm_object_attr attr = { .attributes = SECSHM_OBJ_KERNEL_HANDLE };
	char path[] = "/tmp/secshm-sigbus.XXXXXX";
	struct secshm_object *obj;
	uint32_t h;

	f->size = size;
	f->fd = mkstemp(path);
	CHECK(f->fd >= 0);
	unlink(path);
	CHECK_EQ(ftruncate(f->fd, (off_t)size), 0);
	CHECK_EQ(secshm_server_new(NULL, &f->srv), 0);
	CHECK_EQ(secshm_section_create(f->srv, &attr, size, SECSHM_CREATE_FILE,
				       SECSHM_GENERIC_ALL, f->fd, &h), 0);
	CHECK_EQ(secshm_reference_by_handle(f->srv, NULL, h, 0, SECSHM_TYPE_SECTION,
					    SECSHM_TRUSTED, &obj), 0);
	CHECK_EQ(secshm_view_map(obj, 0, size, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &f->view), 0);
	secshm_object_put(obj);
	secshm_view_span(f->view, &f->span);
	return 0;
}

/*
 * With the file cut to one page, every server copy past it fails with
 * -EFAULT, including one that starts in the page that is left.
 */
static int server_copies_fail(struct file_section *f)
{
	unsigned char buf[64] = { 0 };

	CHECK_EQ(ftruncate(f->fd, PAGE), 0);
	CHECK_EQ(secshm_capture(&f->span, PAGE - 32, buf, sizeof(buf)), -EFAULT);
	CHECK_EQ(secshm_capture(&f->span, f->size - PAGE, buf, sizeof(buf)), -EFAULT);
	CHECK_EQ(secshm_copy_out(&f->span, PAGE, buf, sizeof(buf)), -EFAULT);
	return 0;
}

/* With the file whole again, copies move the right bytes both ways. */
static int server_copies_work(struct file_section *f)
{
	unsigned char in[256], out[256];

	CHECK_EQ(ftruncate(f->fd, (off_t)f->size), 0);
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 1);
	CHECK_EQ(pwrite(f->fd, in, sizeof(in), 3 * PAGE - 100), (ssize_t)sizeof(in));
	CHECK_EQ(secshm_capture(&f->span, 3 * PAGE - 100, out, sizeof(out)), 0);
	CHECK(!memcmp(in, out, sizeof(in)));
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 13 + 5);
	CHECK_EQ(secshm_copy_out(&f->span, 5 * PAGE - 7, in, sizeof(in)), 0);
	CHECK_EQ(pread(f->fd, out, sizeof(out), 5 * PAGE - 7), (ssize_t)sizeof(out));
	CHECK(!memcmp(in, out, sizeof(in)));
	return 0;
}

static void section_close(struct file_section *f)
{
	secshm_view_unmap(f->view);
	secshm_server_free(f->srv);
	close(f->fd);
}

/*
 * Faults of the server, of the host, and sent signals, interleaved. The
 * host also touches the server's own view where the guard's last copy
 * was, outside any copy: that fault is the host's too.
 */
static int interleave(struct file_section *f, char *page)
{
	char *view = (char *)f->span.base;

	for (int round = 0; round < 3; round++) {
		int faults = host_faults;

		CHECK_EQ(server_copies_work(f), 0);
		CHECK_EQ(ftruncate(f->fd, 0), 0);
		CHECK_EQ(touch_outside_guard(view + 5 * PAGE), 0);
		CHECK_EQ(server_copies_fail(f), 0);
		CHECK_EQ(host_faults, faults + 1);
		CHECK_EQ(touch_outside_guard(view + PAGE), 0);
		CHECK_EQ(touch_outside_guard(page), 0);
		CHECK_EQ(send_three(), 0);
	}
	return 0;
}

/*
 * A fault in the host's own memory during a guarded copy (a source page it
 * truncated) is outside the guarded range: the host's. Its handler jumps
 * out of the copy, and the guard is down afterwards.
 */
static int fault_in_source(struct file_section *f, char *page)
{
	int faults = host_faults;

	CHECK_EQ(ftruncate(f->fd, (off_t)f->size), 0);
	if (!sigsetjmp(host_env, 1)) {
		host_armed = 1;
		secshm_copy_out(&f->span, 2 * PAGE, page, 64);
		host_armed = 0;
		CHECK(!"a copy from a truncated page did not fault");
	}
	CHECK_EQ(host_faults, faults + 1);
	CHECK(host_addr == page);
	CHECK_EQ(ftruncate(f->fd, 0), 0);
	return touch_outside_guard((char *)f->span.base + 2 * PAGE);
}

/* secshm_server_new puts the guard in place, before any section exists. */
static int installed_by_server_new(void)
{
	struct secshm_server *srv;
	struct sigaction now;

	CHECK_EQ(secshm_server_new(NULL, &srv), 0);
	CHECK_EQ(sigaction(SIGBUS, NULL, &now), 0);
	CHECK(now.sa_sigaction != host_handler);
	secshm_server_free(srv);
	return 0;
}

static int child_handler_before(void)
{
	struct sigaction installed, now;
	struct file_section f;
	char *page = own_truncated_page();

	CHECK(page);
	CHECK_EQ(set_disposition(host_handler, 0), 0);
	CHECK_EQ(installed_by_server_new(), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(sigaction(SIGBUS, NULL, &installed), 0);
	CHECK_EQ(interleave(&f, page), 0);
	CHECK_EQ(fault_in_source(&f, page), 0);
	CHECK_EQ(secshm_server_dispatch(f.srv, 0), 0);
	CHECK_EQ(interleave(&f, page), 0);
	/* The guard is still the installed handler, after all of that. */
	CHECK_EQ(sigaction(SIGBUS, NULL, &now), 0);
	CHECK(now.sa_sigaction == installed.sa_sigaction);
	section_close(&f);
	return 0;
}

/*
 * SPEC: P5 — with the host's SIGBUS handler installed before the server
 * (which puts the guard in place at once): the server's copies from a
 * truncated file-backed section fail with -EFAULT every time and never
 * reach the host's handler; the host's own faults (its own mapping, the
 * server's view outside a copy, its own source buffer during a copy) and
 * every sent SIGBUS (raise, kill, sigqueue) reach it every time,
 * interleaved with them; the guard stays installed throughout.
 */
static void test_handler_before_server(void **state)
{
	assert_int_equal(in_child(child_handler_before), 0);
}

static void *stop_soon(void *srv)
{
	usleep(50000);
	secshm_server_stop(srv);
	return NULL;
}

static int child_handler_after(void)
{
	struct file_section f;
	char *page = own_truncated_page();
	pthread_t t;

	CHECK(page);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(server_copies_work(&f), 0);	/* the guard is seen in place */
	CHECK_EQ(set_disposition(host_handler, 0), 0);
	/* Serve a while: the loop dispatches. */
	CHECK_EQ(pthread_create(&t, NULL, stop_soon, f.srv), 0);
	CHECK_EQ(secshm_server_run(f.srv), 0);
	pthread_join(t, NULL);
	CHECK_EQ(interleave(&f, page), 0);
	section_close(&f);
	return 0;
}

/*
 * SPEC: P5 — a host handler installed after the server, which knows
 * nothing of the guard: once the server has dispatched (here in
 * secshm_server_run's loop), the server's copies
 * still fail with -EFAULT (and move the right bytes when the file is
 * whole) without a single fault reaching the host's handler, while the
 * host's own faults and sent signals all do.
 */
static void test_handler_after_server(void **state)
{
	assert_int_equal(in_child(child_handler_after), 0);
}

/* A later handler that forwards what is not its own to what it replaced. */
static struct sigaction replaced;
static volatile sig_atomic_t forwarded;

static void forwarding_handler(int sig, siginfo_t *si, void *uc)
{
	forwarded++;
	replaced.sa_sigaction(sig, si, uc);
}

static int child_forwarding_after(void)
{
	struct sigaction sa = { .sa_sigaction = forwarding_handler, .sa_flags = SA_SIGINFO };
	struct file_section f;
	int sent;

	/* The disposition before the server: the host's counting handler. */
	CHECK_EQ(set_disposition(host_handler, 0), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(server_copies_work(&f), 0);
	/* Without SA_NODEFER: SIGBUS is blocked while it runs. */
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGBUS, &sa, &replaced), 0);
	/*
	 * The guard was seen in place at the first copy; until the next
	 * dispatch it is reached through the newcomer, fault after fault.
	 */
	for (int i = 1; i <= 3; i++) {
		CHECK_EQ(server_copies_fail(&f), 0);
		CHECK_EQ(forwarded, 3 * i);
		CHECK_EQ(host_faults, 0);
	}
	sent = host_sent;
	CHECK_EQ(raise(SIGBUS), 0);
	CHECK_EQ(forwarded, 10);
	CHECK_EQ(host_sent, sent + 1);
	/* From the dispatch on, the server's copies no longer fault at all. */
	CHECK_EQ(secshm_server_dispatch(f.srv, 0), 0);
	CHECK_EQ(server_copies_fail(&f), 0);
	CHECK_EQ(server_copies_work(&f), 0);
	CHECK_EQ(forwarded, 10);
	section_close(&f);
	return 0;
}

/*
 * SPEC: P5 — a host handler installed after the server that forwards
 * other SIGBUSes to the handler it replaced, blocking SIGBUS while it runs:
 * the guard takes the server's faults through it, repeatedly (the jump out
 * of the forwarding handler leaves SIGBUS unblocked), a sent SIGBUS passes
 * through both to the disposition the guard replaced, and after a dispatch
 * the server's copies stop faulting into the host's handler.
 */
static void test_forwarding_handler_after_server(void **state)
{
	assert_int_equal(in_child(child_forwarding_after), 0);
}

/* ---- a sent SIGBUS in the middle of a guarded copy ---- */

#define BIG_SIZE	(16U << 20)

struct sender {
	pid_t tid;			/* the copying thread */
	void *addr;			/* inside the range it copies */
	volatile sig_atomic_t copying, done;
	int sent, during_copy;
};

static struct sender snd;

static void counting_handler(int sig, siginfo_t *si, void *uc)
{
	if (si->si_code > 0)
		_exit(EXIT_STRAY);
	if (snd.copying)
		snd.during_copy++;
	host_sent++;
}

/*
 * sigqueue's si_code with the fault's address field set inside the range
 * being copied: only si_code tells it from a fault of the copy.
 */
static void *send_loop(void *arg)
{
	siginfo_t si;

	while (!snd.done) {
		if (!snd.copying) {
			sched_yield();
			continue;
		}
		memset(&si, 0, sizeof(si));
		si.si_signo = SIGBUS;
		si.si_code = SI_QUEUE;
		si.si_addr = snd.addr;
		if (syscall(SYS_rt_tgsigqueueinfo, getpid(), snd.tid, SIGBUS, &si))
			break;
		snd.sent++;
		while (host_sent != snd.sent)
			sched_yield();
	}
	return NULL;
}

static int child_sent_during_copy(void)
{
	struct file_section f;
	unsigned char *buf = malloc(BIG_SIZE), *pattern = malloc(BIG_SIZE);
	pthread_t t;

	CHECK(buf && pattern);
	CHECK_EQ(set_disposition(counting_handler, 0), 0);
	CHECK_EQ(section_open(&f, BIG_SIZE), 0);
	for (size_t i = 0; i < BIG_SIZE; i++)
		pattern[i] = (unsigned char)(i * 31 >> 3);
	CHECK_EQ(pwrite(f.fd, pattern, BIG_SIZE, 0), (ssize_t)BIG_SIZE);
	snd.tid = gettid();
	snd.addr = f.span.base + BIG_SIZE / 2;
	CHECK_EQ(pthread_create(&t, NULL, send_loop, NULL), 0);
	for (int i = 0; i < 10 || snd.during_copy < 20; i++) {
		CHECK(i < 2000);
		memset(buf, 0, BIG_SIZE);
		snd.copying = 1;
		CHECK_EQ(secshm_capture(&f.span, 0, buf, BIG_SIZE), 0);
		snd.copying = 0;
		CHECK(!memcmp(buf, pattern, BIG_SIZE));
	}
	/* The race was real: signals arrived while the guard was up. */
	CHECK(snd.during_copy >= 20);
	snd.done = 1;
	pthread_join(t, NULL);
	CHECK_EQ(host_sent, snd.sent);
	section_close(&f);
	free(buf);
	free(pattern);
	return 0;
}

/*
 * SPEC: P5 — SIGBUSes sent to the thread in the middle of a guarded copy,
 * even one whose address field points into the range being copied, go to
 * the host's handler: none is swallowed and none abandons the copy.
 */
static void test_sent_during_guarded_copy(void **state)
{
	assert_int_equal(in_child(child_sent_during_copy), 0);
}

/* ---- a host handler that repairs its own fault and returns ---- */

static char *repair_page;
static volatile sig_atomic_t repaired;

/* As wl_shm does: map zeros over the page that faulted, and retry. */
static void repair_handler(int sig, siginfo_t *si, void *uc)
{
	if (si->si_code <= 0 || si->si_addr != repair_page)
		_exit(EXIT_STRAY);
	if (mmap(repair_page, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0) ==
	    MAP_FAILED)
		_exit(EXIT_STRAY + 1);
	repaired++;
}

static int child_repair(void)
{
	struct file_section f;

	CHECK(repair_page = own_truncated_page());
	CHECK_EQ(set_disposition(repair_handler, 0), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(ftruncate(f.fd, 0), 0);
	/* The source faults first (the host's), then the section (the server's). */
	CHECK_EQ(secshm_copy_out(&f.span, PAGE, repair_page, 64), -EFAULT);
	CHECK_EQ(repaired, 1);
	section_close(&f);
	return 0;
}

/*
 * SPEC: P5 — a host handler that repairs a fault of its own during a
 * guarded copy and returns: the copy resumes under the guard, and the
 * server's own fault after it still fails with -EFAULT.
 */
static void test_host_repairs_during_copy(void **state)
{
	assert_int_equal(in_child(child_repair), 0);
}

/* ---- a fault of another thread in the range a guarded copy covers ---- */

static __thread sigjmp_buf thread_env;
static __thread volatile sig_atomic_t thread_armed;

static void thread_handler(int sig, siginfo_t *si, void *uc)
{
	if (si->si_code <= 0 || !thread_armed)
		_exit(EXIT_STRAY);
	thread_armed = 0;
	siglongjmp(thread_env, 1);
}

struct toucher {
	char *addr;
	volatile sig_atomic_t stop;
	volatile int faults;
};

static void *touch_loop(void *arg)
{
	struct toucher *t = arg;

	while (!t->stop) {
		if (!sigsetjmp(thread_env, 1)) {
			thread_armed = 1;
			(void)*(volatile char *)t->addr;
			_exit(EXIT_STRAY + 1);	/* a page past the end did not fault */
		}
		t->faults++;
	}
	return NULL;
}

static int child_other_thread(void)
{
	struct file_section f;
	struct toucher t = { .stop = 0 };
	unsigned char *buf = malloc(BIG_SIZE);
	pthread_t th;

	CHECK(buf);
	CHECK_EQ(set_disposition(thread_handler, 0), 0);
	CHECK_EQ(section_open(&f, BIG_SIZE), 0);
	CHECK_EQ(ftruncate(f.fd, BIG_SIZE / 2), 0);
	t.addr = (char *)f.span.base + BIG_SIZE / 4 * 3;
	CHECK_EQ(pthread_create(&th, NULL, touch_loop, &t), 0);
	for (int i = 0; i < 50 || t.faults < 1000; i++) {
		CHECK(i < 20000);
		CHECK_EQ(secshm_capture(&f.span, 0, buf, BIG_SIZE), -EFAULT);
	}
	t.stop = 1;
	pthread_join(th, NULL);
	section_close(&f);
	free(buf);
	return 0;
}

/*
 * SPEC: P5 — the guard is per thread: while one thread's guarded copy
 * covers the server's whole view, another thread's faults in that view go
 * to the host's handler, and the copy still fails cleanly.
 */
static void test_other_thread_fault(void **state)
{
	assert_int_equal(in_child(child_other_thread), 0);
}

/* ---- SIG_DFL and SIG_IGN before the server ---- */

static int child_default_fault(void)
{
	struct file_section f;
	char *page = own_truncated_page();

	CHECK(page);
	CHECK_EQ(set_plain(SIG_DFL), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(server_copies_fail(&f), 0);
	(void)*(volatile char *)page;
	return 0;
}

static int child_default_sent(void)
{
	struct file_section f;

	CHECK_EQ(set_plain(SIG_DFL), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(server_copies_fail(&f), 0);
	raise(SIGBUS);
	return 0;
}

/* A later handler that forwards, blocking SIGBUS, and goes on if that returns. */
static void forward_then_go_on(int sig, siginfo_t *si, void *uc)
{
	replaced.sa_sigaction(sig, si, uc);
	_exit(EXIT_STRAY);
}

static int child_default_forwarded(void)
{
	struct sigaction sa = { .sa_sigaction = forward_then_go_on, .sa_flags = SA_SIGINFO };
	struct file_section f;

	sigemptyset(&sa.sa_mask);
	CHECK_EQ(set_plain(SIG_DFL), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(sigaction(SIGBUS, &sa, &replaced), 0);
	raise(SIGBUS);
	return 0;
}

/*
 * SPEC: P5 — with SIG_DFL before the server, the server's own faults
 * still fail cleanly, but a fault outside the guard, or a sent SIGBUS,
 * kills the process by SIGBUS as it would have without the guard, and at
 * once when a later handler forwards it to the guard with SIGBUS blocked.
 */
static void test_default_disposition(void **state)
{
	assert_int_equal(in_child(child_default_fault), SIGNALED + SIGBUS);
	assert_int_equal(in_child(child_default_sent), SIGNALED + SIGBUS);
	assert_int_equal(in_child(child_default_forwarded), SIGNALED + SIGBUS);
}

static int child_ignored_sent(void)
{
	struct file_section f;

	CHECK_EQ(set_plain(SIG_IGN), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(raise(SIGBUS), 0);
	CHECK_EQ(kill(getpid(), SIGBUS), 0);
	CHECK_EQ(sigqueue(getpid(), SIGBUS, (union sigval){ 0 }), 0);
	CHECK_EQ(server_copies_fail(&f), 0);
	section_close(&f);
	return 0;
}

static int child_ignored_fault(void)
{
	struct file_section f;
	char *page = own_truncated_page();

	CHECK(page);
	CHECK_EQ(set_plain(SIG_IGN), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	(void)*(volatile char *)page;
	return 0;
}

/*
 * SPEC: P5 — with SIG_IGN before the server, sent SIGBUSes are ignored,
 * but a fault outside the guard kills by SIGBUS: the kernel does not let
 * a fault be ignored, and neither does the guard.
 */
static void test_ignored_disposition(void **state)
{
	assert_int_equal(in_child(child_ignored_sent), 0);
	assert_int_equal(in_child(child_ignored_fault), SIGNALED + SIGBUS);
}

/* ---- the replaced handler sees what the kernel would have given it ---- */

static volatile sig_atomic_t plain_calls, plain_sig, bus_blocked, usr1_blocked;

static void note_mask(void)
{
	sigset_t now;

	pthread_sigmask(SIG_SETMASK, NULL, &now);
	bus_blocked = sigismember(&now, SIGBUS);
	usr1_blocked = sigismember(&now, SIGUSR1);
}

static void plain_handler(int sig)
{
	plain_calls++;
	plain_sig = sig;
	note_mask();
}

static void nodefer_handler(int sig, siginfo_t *si, void *uc)
{
	plain_calls++;
	note_mask();
}

static int unblocked_now(void)
{
	sigset_t now;

	pthread_sigmask(SIG_SETMASK, NULL, &now);
	CHECK(!sigismember(&now, SIGBUS));
	CHECK(!sigismember(&now, SIGUSR1));
	return 0;
}

static int child_plain(void)
{
	struct sigaction sa = { .sa_handler = plain_handler };
	struct file_section f;

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR1);
	CHECK_EQ(sigaction(SIGBUS, &sa, NULL), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(raise(SIGBUS), 0);
	CHECK_EQ(plain_calls, 1);
	CHECK_EQ(plain_sig, SIGBUS);
	CHECK(bus_blocked && usr1_blocked);
	CHECK_EQ(unblocked_now(), 0);
	section_close(&f);
	return 0;
}

static int child_nodefer(void)
{
	struct file_section f;

	CHECK_EQ(set_disposition(nodefer_handler, SA_NODEFER), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(raise(SIGBUS), 0);
	CHECK_EQ(plain_calls, 1);
	CHECK(!bus_blocked);
	section_close(&f);
	return 0;
}

static int child_resethand(void)
{
	struct sigaction sa = { .sa_handler = plain_handler, .sa_flags = SA_RESETHAND };
	struct file_section f;

	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGBUS, &sa, NULL), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(raise(SIGBUS), 0);
	CHECK_EQ(plain_calls, 1);
	CHECK_EQ(server_copies_fail(&f), 0);
	raise(SIGBUS);
	return 0;
}

/*
 * SPEC: P5 — the handler the guard replaced is called as the kernel would
 * have called it: a plain handler with the signal number, with its
 * sa_mask and SIGBUS blocked (unblocked again after), not SIGBUS under
 * SA_NODEFER, and only once under SA_RESETHAND (the next SIGBUS kills).
 */
static void test_replaced_handler_flags(void **state)
{
	assert_int_equal(in_child(child_plain), 0);
	assert_int_equal(in_child(child_nodefer), 0);
	assert_int_equal(in_child(child_resethand), SIGNALED + SIGBUS);
}

static pid_t main_tid;
static int pipe_fd[2];

static void *interrupt_read(void *arg)
{
	usleep(100000);
	syscall(SYS_tgkill, getpid(), main_tid, SIGBUS);
	usleep(100000);
	if (write(pipe_fd[1], "x", 1) != 1)
		abort();
	return NULL;
}

/* A read interrupted by a sent SIGBUS: 1 if restarted, -EINTR if not. */
static int interrupted_read(int flags)
{
	struct sigaction sa = { .sa_handler = plain_handler, .sa_flags = flags };
	struct file_section f;
	pthread_t t;
	char c;
	ssize_t n;

	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGBUS, &sa, NULL), 0);
	CHECK_EQ(section_open(&f, SECTION_SIZE), 0);
	CHECK_EQ(pipe(pipe_fd), 0);
	main_tid = gettid();
	CHECK_EQ(pthread_create(&t, NULL, interrupt_read, NULL), 0);
	n = read(pipe_fd[0], &c, 1);
	pthread_join(t, NULL);
	CHECK_EQ(plain_calls, 1);
	if (n < 0)
		CHECK_EQ(errno, EINTR);
	section_close(&f);
	return n == 1 ? 0 : 2;
}

static int child_restart(void)
{
	return interrupted_read(SA_RESTART);
}

static int child_no_restart(void)
{
	return interrupted_read(0);
}

/*
 * SPEC: P5 — a sent SIGBUS interrupting a system call restarts it if the
 * replaced handler asked for SA_RESTART, and interrupts it otherwise.
 */
static void test_replaced_handler_restart(void **state)
{
	assert_int_equal(in_child(child_restart), 0);
	assert_int_equal(in_child(child_no_restart), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handler_before_server),
		cmocka_unit_test(test_handler_after_server),
		cmocka_unit_test(test_forwarding_handler_after_server),
		cmocka_unit_test(test_sent_during_guarded_copy),
		cmocka_unit_test(test_host_repairs_during_copy),
		cmocka_unit_test(test_other_thread_fault),
		cmocka_unit_test(test_default_disposition),
		cmocka_unit_test(test_ignored_disposition),
		cmocka_unit_test(test_replaced_handler_flags),
		cmocka_unit_test(test_replaced_handler_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
