// SPDX-License-Identifier: MIT
/*
 * B5, scale: 1,000 concurrent client connections and 100,000 sections of
 * 4 KiB (100 per client, created by the clients, never touched) on one
 * secshmd, then 100 more handles per client (duplicates). The daemon's
 * memory is read from /proc/<pid>/status (VmRSS) and smaps_rollup (Pss)
 * before and after each step; a delta divided by what the step added is
 * the cost of one. Kernel memory (the memfd's inode, dentry and two open
 * files, socket buffers, the descriptor table) is not in the daemon's RSS;
 * the system-wide Slab delta of /proc/meminfo over the section step gives
 * the slab part of it per section. Throughput: secshm_query, a cheap
 * request, from THREADS threads round-robin over all the connections.
 *
 * The daemon's quotas are lifted with its flags; its descriptors (two per
 * section) need RLIMIT_NOFILE above 200,000, which the bench raises as root
 * and the daemon inherits. Without that the run is scaled down, and says so.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "bulk.h"
#include "daemon.h"

#define THREADS		4
#define SECTIONS	100000	/* in all, spread evenly over the clients */
#define DUPS		100	/* extra handles per client */
#define SECTION_SIZE	4096

static struct bench_daemon daemon_;
static struct secshm **conns;
static uint32_t *first_handle;
static unsigned int nclients, per_client;
static char title[128] = "B5 scale: 1,000 clients, 100,000 sections, one secshmd";

static struct {
	double per_handle, per_section, slab_per_section, per_client, slab_per_client, create_rate;
} fig;

struct mem {
	long long rss_kb, pss_kb, slab_kb;
};

static void mem_read(struct mem *m)
{
	m->rss_kb = bench_proc_kb(daemon_.pid, "status", "VmRSS");
	m->pss_kb = bench_proc_kb(daemon_.pid, "smaps_rollup", "Pss");
	m->slab_kb = bench_meminfo_kb("Slab");
}

static double per(long long after_kb, long long before_kb, unsigned long n)
{
	return n ? (double)(after_kb - before_kb) * 1024.0 / (double)n : 0;
}

/* ---- work spread over THREADS threads, each owning every THREADS-th client ---- */

enum job { JOB_CREATE, JOB_DUP, JOB_QUERY };

struct worker {
	pthread_t t;
	unsigned int id;
	enum job job;
	uint64_t until_ns;	/* JOB_QUERY */
	uint64_t done;
	int err;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct secshm_section_info info;

	if (w->job == JOB_QUERY) {
		for (unsigned int c = w->id; !w->err; c += THREADS) {
			if (c >= nclients)
				c = w->id;
			w->err = secshm_query(conns[c], first_handle[c], &info, NULL);
			w->done++;
			if (!(w->done & 63) && bench_now_ns() >= w->until_ns)
				break;
		}
		return NULL;
	}
	/* Round-robin over this thread's clients, one request each per round. */
	unsigned int rounds = w->job == JOB_CREATE ? per_client : DUPS;

	for (unsigned int k = 0; k < rounds && !w->err; k++) {
		for (unsigned int c = w->id; c < nclients && !w->err; c += THREADS) {
			uint32_t h;

			if (w->job == JOB_CREATE)
				w->err = secshm_create(conns[c], NULL, SECTION_SIZE,
						       SECSHM_GENERIC_ALL, 0, NULL, &h);
			else
				w->err = secshm_duplicate(conns[c], first_handle[c],
							  SECSHM_GENERIC_READ, &h);
			if (w->err > 0)
				w->err = 0;
			if (!w->err && w->job == JOB_CREATE && k == 0)
				first_handle[c] = h;
			w->done++;
		}
	}
	return NULL;
}

static int run_workers(enum job job, uint64_t until_ns, uint64_t *done)
{
	struct worker w[THREADS];
	int err = 0;

	*done = 0;
	for (unsigned int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .id = i, .job = job, .until_ns = until_ns };
		if (pthread_create(&w[i].t, NULL, work, &w[i])) {
			/* Fewer threads than planned: the ones started still finish. */
			w[i].err = -EAGAIN;
		}
	}
	for (unsigned int i = 0; i < THREADS; i++) {
		if (w[i].err != -EAGAIN)
			pthread_join(w[i].t, NULL);
		if (w[i].err && !err)
			err = w[i].err;
		*done += w[i].done;
	}
	return err;
}

/* ---- the scale run ---- */

/*
 * 1,000 clients and 100,000 sections if the descriptor limit allows: the
 * daemon holds two descriptors per section and one per client. The bench
 * raised RLIMIT_NOFILE as far as it may (lifting the hard limit needs
 * CAP_SYS_RESOURCE); fewer sections fit under a lower one, and the title
 * and notes say so.
 */
static int sizes(void)
{
	struct rlimit rl;
	unsigned long fit;

	nclients = bench_cfg.b5_full ? 1000 : 100;
	getrlimit(RLIMIT_NOFILE, &rl);
	fit = rl.rlim_cur > nclients + 256 ? (unsigned long)(rl.rlim_cur - nclients - 256) / 2 : 0;
	per_client = (bench_cfg.b5_full ? SECTIONS : SECTIONS / 10) / nclients;
	if (fit / nclients < per_client)
		per_client = (unsigned int)(fit / nclients);
	if (!per_client) {
		bench_skip_reason("RLIMIT_NOFILE %llu is too low", (unsigned long long)rl.rlim_cur);
		return -EMFILE;
	}
	snprintf(title, sizeof(title), "B5 scale: %u clients, %u sections%s, one secshmd",
		 nclients, nclients * per_client,
		 nclients * per_client < (bench_cfg.b5_full ? SECTIONS : SECTIONS / 10) ?
		 " (RLIMIT_NOFILE-bound, see notes)" : "");
	if (nclients * per_client < (bench_cfg.b5_full ? SECTIONS : SECTIONS / 10))
		bench_note("B5: only %u sections fit: secshmd holds 2 descriptors per section and "
			   "RLIMIT_NOFILE is %llu (hard), which this process may not raise "
			   "(no CAP_SYS_RESOURCE); 100,000 sections need about 201,000",
			   nclients * per_client, (unsigned long long)rl.rlim_max);
	return 0;
}

static int b5_setup(void)
{
	char maxc[16], maxh[16], maxs[16], maxsec[16];
	const char *extra[] = {
		"--max-clients", maxc, "--max-client-handles", maxh,
		"--max-client-sections", maxs, "--max-sections", maxsec,
		"--max-client-bytes", "1G", "--max-bytes", "8G", NULL,
	};
	struct mem m0, m1, m2, m3;
	uint64_t t0, done;
	int err = sizes();

	if (err)
		return err;
	snprintf(maxc, sizeof(maxc), "%u", nclients + 16);
	snprintf(maxh, sizeof(maxh), "%u", per_client + DUPS + 16);
	snprintf(maxs, sizeof(maxs), "%u", per_client + 16);
	snprintf(maxsec, sizeof(maxsec), "%u", nclients * per_client + 1024);
	conns = calloc(nclients, sizeof(*conns));
	first_handle = calloc(nclients, sizeof(*first_handle));
	if (!conns || !first_handle)
		return -ENOMEM;
	err = bench_daemon_start(&daemon_, "b5", extra);
	if (err)
		return err;

	mem_read(&m0);
	for (unsigned int c = 0; c < nclients && !err; c++)
		err = secshm_connect(daemon_.path, &conns[c]);
	if (err) {
		bench_skip_reason("connect: %s", secshm_strerror(err));
		return err;
	}
	/* connect returns from the backlog: one answered request each proves the accept. */
	for (unsigned int c = 0; c < nclients; c++)
		secshm_close(conns[c], 0);	/* -EBADF, after a full round trip */
	mem_read(&m1);

	t0 = bench_now_ns();
	err = run_workers(JOB_CREATE, 0, &done);
	if (err) {
		bench_skip_reason("create: %s", secshm_strerror(err));
		return err;
	}
	fig.create_rate = (double)done * 1e9 / (double)(bench_now_ns() - t0);
	mem_read(&m2);

	err = run_workers(JOB_DUP, 0, &done);
	if (err) {
		bench_skip_reason("duplicate: %s", secshm_strerror(err));
		return err;
	}
	mem_read(&m3);

	fig.per_client = per(m1.rss_kb, m0.rss_kb, nclients);
	fig.slab_per_client = per(m1.slab_kb, m0.slab_kb, nclients);
	fig.per_section = per(m2.rss_kb, m1.rss_kb, (unsigned long)nclients * per_client);
	fig.slab_per_section = per(m2.slab_kb, m1.slab_kb, (unsigned long)nclients * per_client);
	fig.per_handle = per(m3.rss_kb, m2.rss_kb, (unsigned long)nclients * DUPS);
	bench_note("B5: %u clients, %u sections of %u bytes (never touched), %u extra handles; "
		   "secshmd VmRSS %lld -> %lld -> %lld -> %lld KiB, Pss %lld -> %lld KiB, "
		   "system Slab %lld -> %lld -> %lld KiB", nclients, nclients * per_client, SECTION_SIZE,
		   nclients * DUPS, m0.rss_kb, m1.rss_kb, m2.rss_kb, m3.rss_kb, m0.pss_kb,
		   m3.pss_kb, m0.slab_kb, m1.slab_kb, m2.slab_kb);
	bench_note("B5: per section = user-space RSS (struct section, its handle entry, malloc "
		   "overhead); not counted there: the memfd's kernel objects (slab row), the "
		   "descriptor table (vmalloc), and page cache (none: sections never touched)");
	return 0;
}

static void b5_teardown(void)
{
	for (unsigned int c = 0; conns && c < nclients; c++)
		if (conns[c])
			secshm_disconnect(conns[c]);
	free(conns);
	free(first_handle);
	conns = NULL;
	first_handle = NULL;
	if (bench_daemon_stop(&daemon_))
		fprintf(stderr, "bench: secshmd (B5) did not exit cleanly\n");
}

static int figure(const struct bench_row *row, double *value)
{
	static const double *const f[] = {
		&fig.per_handle, &fig.per_section, &fig.slab_per_section, &fig.per_client,
		&fig.create_rate, &fig.slab_per_client,
	};

	*value = *f[row->arg];
	return 0;
}

/* SPEC: B5 — requests/s of secshm_query over every connection. */
static int query_rate(const struct bench_row *row, double *value)
{
	uint64_t t0 = bench_now_ns(), done;
	int err = run_workers(JOB_QUERY, t0 + (uint64_t)(bench_seconds(0.3) * 1e9), &done);

	if (err)
		return err;
	*value = (double)done * 1e9 / (double)(bench_now_ns() - t0);
	return 0;
}

/* SPEC: B5 — rows. */
static const struct bench_row rows[] = {
	{ "b5.handle.bytes", "B5", "secshmd memory per handle (RSS delta)", NULL, 128, 1.0,
	  BENCH_BYTES, figure, 0, true, NULL },
	{ "b5.section.bytes", "B5", "secshmd memory per section, its handle included", NULL, 0,
	  0, BENCH_BYTES, figure, 1, true, NULL },
	{ "b5.section.slab", "B5", "kernel slab per section (system Slab delta)", NULL, 0, 0,
	  BENCH_BYTES, figure, 2, true, NULL },
	{ "b5.client.bytes", "B5", "secshmd memory per client connection", NULL, 0, 0,
	  BENCH_BYTES, figure, 3, true, NULL },
	{ "b5.client.slab", "B5", "kernel slab per client connection (both socket ends)", NULL,
	  0, 0, BENCH_BYTES, figure, 5, true, NULL },
	{ "b5.create.rate", "B5", "sections created per second (4 threads)", NULL, 0, 0,
	  BENCH_OPS, figure, 4, true, NULL },
	{ "b5.query.rate", "B5", "secshm_query requests/s, 4 threads over all clients", NULL, 0,
	  0, BENCH_OPS, query_rate, 0, false, NULL },
};

static const struct bench_group b5 = {
	title, 50, b5_setup, b5_teardown,
	rows, BENCH_NROWS(rows),
};
BENCH_GROUP(b5)
