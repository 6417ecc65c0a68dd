/* SPDX-License-Identifier: MIT */
/*
 * secshm-bench: one program, one process tree, one run. Each file under
 * bench/ holds one group of rows (or one piece of the harness); a group
 * registers itself with BENCH_GROUP, so a new path is measured by adding
 * one row function to a group's table, or one file with a new group.
 *
 * A row is measured by calling its run function once per repetition; the
 * value it returns is one sample. Rows of a group are interleaved
 * (repetition 1 of every row, then repetition 2, ...) so that drift of the
 * machine spreads over all of them alike. The report shows the median and
 * the spread of the samples and the ratio of the median to the median of
 * the row the row names as its baseline.
 */
#ifndef SECSHM_BENCH_H
#define SECSHM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BENCH_REPS_MAX	32

enum bench_unit {
	BENCH_GBPS,		/* GB/s (10^9 bytes per second), higher is better */
	BENCH_NS,		/* ns per operation, lower is better */
	BENCH_US,		/* µs per operation, lower is better */
	BENCH_BYTES,		/* bytes, lower is better */
	BENCH_OPS,		/* operations per second, higher is better */
};

struct bench_row;
typedef int (*bench_run_fn)(const struct bench_row *row, double *value);

struct bench_row {
	const char *id;		/* unique, e.g. "b1.memcpy.4k"; JSON key, baseline key */
	const char *spec;	/* "B1" .. "B5" */
	const char *name;	/* what is measured, as printed */
	const char *baseline;	/* id of the row this one is compared with; NULL: none */
	double baseline_value;	/* or an absolute baseline (B3's 10 ns); 0: none */
	double target;		/* the SPEC's ratio target against the baseline; 0: none */
	enum bench_unit unit;
	bench_run_fn run;
	uint64_t arg;		/* per row: a chunk size, a flag */
	bool once;		/* one sample only (a scale figure): no spread */
	const char *note;	/* printed under the table */
};

struct bench_group {
	const char *title;	/* table heading */
	int order;		/* groups run and print in this order */
	int (*setup)(void);	/* 0, or -errno: every row of the group is skipped */
	void (*teardown)(void);
	const struct bench_row *rows;
	size_t nrows;
};

void bench_register(const struct bench_group *g);

#define BENCH_GROUP(var)							\
	static void __attribute__((constructor)) bench_register_##var(void)	\
	{ bench_register(&var); }
#define BENCH_NROWS(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- run-wide settings (main.c) ---- */
struct bench_config {
	const char *out_dir;	/* build/bench: JSON, PNG, gnuplot inputs */
	const char *secshmd;	/* path of the stock daemon */
	const char *run_dir;	/* private temporary directory for sockets */
	const char *only;	/* run only groups whose title starts with this */
	int reps;
	double scale;		/* < 1: shorter runs (--quick) */
	bool b5_full;		/* B5 at 1,000 clients and 100,000 sections */
};
extern struct bench_config bench_cfg;

/* ---- results (runner.c) ---- */
struct bench_result {
	const struct bench_row *row;
	const struct bench_group *group;
	double samples[BENCH_REPS_MAX];
	int nsamples;
	int err;		/* -errno: skipped */
	char skip_reason[160];
	double median, min, max, p10, p90;
	double ratio;		/* median / baseline median; 0: none */
	double base;		/* the baseline's median */
	const char *base_name;
};

int bench_run_all(struct bench_result **results, size_t *n);
const struct bench_result *bench_result_find(const struct bench_result *r, size_t n,
					     const char *id);
/* A line printed under the table and kept in the JSON (a scale run's detail). */
void bench_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *bench_notes(size_t i);
/* A row may say why it was skipped (the runner prints it). */
void bench_skip_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- statistics and time (stats.c) ---- */
uint64_t bench_now_ns(void);
void bench_stats(const double *v, int n, double *median, double *min, double *max,
		 double *p10, double *p90);
/* Seconds of work a measurement should last (scaled by --quick). */
double bench_seconds(double s);
bool bench_higher_is_better(enum bench_unit u);
const char *bench_unit_name(enum bench_unit u);

/* ---- the machine (machine.c) ---- */
struct bench_machine {
	char cpu[128];
	int cpus;
	char kernel[192];
	unsigned long long mem_mib;
	bool hypervisor;
	char thp[32];
	char when[32];
	double seconds;		/* the run's wall time */
	double busy_pct;	/* of all CPUs during the run */
	double other_pct;	/* of all CPUs, used by processes outside the bench */
};
void bench_machine(struct bench_machine *m);
/* CPU use over the run: the bench's own tree and everything else. */
void bench_load_start(void);
void bench_load_end(struct bench_machine *m);

/* ---- processes, CPUs, /proc (proc.c) ---- */
/* Pin pid (0: self) to one CPU, or let it run anywhere (cpu -1). */
int bench_pin(pid_t pid, int cpu);
/* Pin self and peer to CPU 0 (pinned) or release both (unpinned). */
int bench_pin_pair(pid_t peer, bool pinned);
/* fork a child that runs fn(arg) and _exits with its result. */
pid_t bench_fork(int (*fn)(void *), void *arg);
/* SIGTERM (if term) and reap; the child's exit status or -1. */
int bench_reap(pid_t pid, bool term);
/* Kilobytes of a /proc/<pid>/status or smaps_rollup field (-1 if absent). */
long long bench_proc_kb(pid_t pid, const char *file, const char *field);
/* Kilobytes of a /proc/meminfo field. */
long long bench_meminfo_kb(const char *field);
/* Wait until a unix socket at path accepts connections (ms); 0 or -ETIMEDOUT. */
int bench_wait_socket(const char *path, int timeout_ms, pid_t child);
/* Raise RLIMIT_NOFILE as far as the kernel allows; returns the soft limit. */
long bench_raise_nofile(void);

/* ---- the kernels every bulk row uses (kernels.c), compiled -O2 ---- */
uint64_t bench_sum64(const void *p, size_t len);
void bench_copy(void *dst, const void *src, size_t len);
/* Keep a value alive without the compiler seeing through it. */
#define bench_keep(v)	__asm__ volatile("" : : "r"(v) : "memory")

/* ---- output (report.c, plot.c) ---- */
void bench_report_table(const struct bench_machine *m, const struct bench_result *r, size_t n);
int bench_report_json(const char *path, const struct bench_machine *m,
		      const struct bench_result *r, size_t n);
int bench_plot(const char *dir, const struct bench_machine *m, const struct bench_result *r,
	       size_t n);

#endif /* SECSHM_BENCH_H */
