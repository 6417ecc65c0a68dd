// SPDX-License-Identifier: MIT
/* Time and order statistics: medians and spreads of a row's samples. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

double bench_seconds(double s)
{
	return s * bench_cfg.scale;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Linear interpolation between closest ranks (numpy's default). */
static double quantile(const double *sorted, int n, double q)
{
	double pos = q * (n - 1);
	int lo = (int)pos;

	if (lo >= n - 1)
		return sorted[n - 1];
	return sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]);
}

void bench_stats(const double *v, int n, double *median, double *min, double *max,
		 double *p10, double *p90)
{
	double s[BENCH_REPS_MAX];

	if (n <= 0) {
		*median = *min = *max = *p10 = *p90 = 0;
		return;
	}
	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	*median = quantile(s, n, 0.5);
	*min = s[0];
	*max = s[n - 1];
	*p10 = quantile(s, n, 0.1);
	*p90 = quantile(s, n, 0.9);
}

bool bench_higher_is_better(enum bench_unit u)
{
	return u == BENCH_GBPS || u == BENCH_OPS;
}

const char *bench_unit_name(enum bench_unit u)
{
	switch (u) {
	case BENCH_GBPS:
		return "GB/s";
	case BENCH_NS:
		return "ns";
	case BENCH_US:
		return "us";
	case BENCH_BYTES:
		return "bytes";
	case BENCH_OPS:
		return "ops/s";
	}
	return "?";
}
