// SPDX-License-Identifier: MIT
/*
 * The runner: groups in order, each set up once, its rows interleaved over
 * the repetitions, then medians, spreads and ratios against each row's
 * baseline.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

#define GROUPS_MAX 32

static const struct bench_group *groups[GROUPS_MAX];
static size_t ngroups;
static char skip_reason[160];

void bench_register(const struct bench_group *g)
{
	if (ngroups < GROUPS_MAX)
		groups[ngroups++] = g;
}

#define NOTES_MAX 16
static char *notes[NOTES_MAX];
static size_t nnotes;

void bench_note(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (nnotes < NOTES_MAX && vasprintf(&s, fmt, ap) >= 0)
		notes[nnotes++] = s;
	va_end(ap);
}

const char *bench_notes(size_t i)
{
	return i < nnotes ? notes[i] : NULL;
}

void bench_skip_reason(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(skip_reason, sizeof(skip_reason), fmt, ap);
	va_end(ap);
}

static int by_order(const void *a, const void *b)
{
	const struct bench_group *x = *(const struct bench_group *const *)a;
	const struct bench_group *y = *(const struct bench_group *const *)b;

	return x->order < y->order ? -1 : x->order > y->order;
}

const struct bench_result *bench_result_find(const struct bench_result *r, size_t n,
					     const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].row->id, id))
			return &r[i];
	return NULL;
}

static void skip(struct bench_result *r, int err, const char *why)
{
	r->err = err ? err : -EINVAL;
	snprintf(r->skip_reason, sizeof(r->skip_reason), "%s", why[0] ? why : strerror(-r->err));
}

static void run_group(const struct bench_group *g, struct bench_result *res)
{
	int err = 0;

	for (size_t i = 0; i < g->nrows; i++) {
		res[i].row = &g->rows[i];
		res[i].group = g;
	}
	fprintf(stderr, "bench: %s\n", g->title);
	skip_reason[0] = 0;
	if (g->setup)
		err = g->setup();
	if (err) {
		for (size_t i = 0; i < g->nrows; i++)
			skip(&res[i], err, skip_reason);
		fprintf(stderr, "bench:   skipped: %s\n", res[0].skip_reason);
		return;
	}
	for (int rep = 0; rep < bench_cfg.reps; rep++) {
		for (size_t i = 0; i < g->nrows; i++) {
			const struct bench_row *row = &g->rows[i];
			double v = 0;

			if (res[i].err || (row->once && rep))
				continue;
			skip_reason[0] = 0;
			err = row->run(row, &v);
			if (err) {
				skip(&res[i], err, skip_reason);
				fprintf(stderr, "bench:   %s: skipped: %s\n", row->id,
					res[i].skip_reason);
				continue;
			}
			res[i].samples[res[i].nsamples++] = v;
		}
	}
	if (g->teardown)
		g->teardown();
}

static void finish(struct bench_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bench_stats(r[i].samples, r[i].nsamples, &r[i].median, &r[i].min, &r[i].max,
			    &r[i].p10, &r[i].p90);
	}
	for (size_t i = 0; i < n; i++) {
		const struct bench_row *row = r[i].row;
		const struct bench_result *b;

		if (r[i].err || !r[i].nsamples)
			continue;
		if (row->baseline) {
			b = bench_result_find(r, n, row->baseline);
			if (b && !b->err && b->median > 0) {
				r[i].base = b->median;
				r[i].base_name = b->row->name;
			}
		} else if (row->baseline_value > 0) {
			r[i].base = row->baseline_value;
		}
		if (r[i].base > 0)
			r[i].ratio = r[i].median / r[i].base;
	}
}

int bench_run_all(struct bench_result **out, size_t *nout)
{
	struct bench_result *res;
	size_t total = 0, at = 0;

	qsort(groups, ngroups, sizeof(groups[0]), by_order);
	for (size_t g = 0; g < ngroups; g++)
		total += groups[g]->nrows;
	res = calloc(total ? total : 1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	for (size_t g = 0; g < ngroups; g++) {
		const struct bench_group *grp = groups[g];

		if (bench_cfg.only && strncmp(grp->title, bench_cfg.only, strlen(bench_cfg.only)))
			continue;
		run_group(grp, res + at);
		at += grp->nrows;
	}
	finish(res, at);
	*out = res;
	*nout = at;
	return 0;
}
