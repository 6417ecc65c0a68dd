// SPDX-License-Identifier: MIT
/* The printed table and the JSON file: the same figures, two forms. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "bench.h"

static const char *fmt_value(char *buf, size_t len, double v)
{
	if (v >= 10000)
		snprintf(buf, len, "%.0f", v);
	else if (v >= 100)
		snprintf(buf, len, "%.1f", v);
	else if (v >= 10)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3f", v);
	return buf;
}

/* Whether the row meets its target: 1 yes, 0 no, -1 no target. */
static int target_met(const struct bench_result *r)
{
	if (!r->row->target || !r->ratio)
		return -1;
	if (bench_higher_is_better(r->row->unit))
		return r->ratio >= r->row->target;
	return r->ratio <= r->row->target;
}

static void baseline_label(const struct bench_result *r, char *buf, size_t len)
{
	if (r->base_name) {
		const char *name = r->base_name;

		/* The PINNED/UNPINNED of a baseline is its row's own. */
		if (!strncmp(name, "PINNED ", 7) || !strncmp(name, "UNPINNED ", 9))
			name = strchr(name, ' ');
		while (*name == ' ')
			name++;
		snprintf(buf, len, "%s", name);
	}
	else if (r->row->baseline_value > 0)
		snprintf(buf, len, "%g %s (SPEC target)", r->row->baseline_value,
			 bench_unit_name(r->row->unit));
	else
		buf[0] = 0;
	/* "memcpy, private memory (baseline)" reads better as "memcpy, private memory". */
	char *p = strstr(buf, " (baseline)");
	if (p)
		*p = 0;
}

void bench_report_table(const struct bench_machine *m, const struct bench_result *r, size_t n)
{
	const struct bench_group *g = NULL;

	printf("secshm bench: %s, %d CPUs, %s, %llu MiB%s, THP %s, %s\n", m->cpu, m->cpus,
	       m->kernel, m->mem_mib, m->hypervisor ? ", virtual machine" : "", m->thp, m->when);
	printf("run: %.0f s; CPUs %.0f%% busy, %.0f%% of it by processes outside the bench%s\n",
	       m->seconds, m->busy_pct, m->other_pct,
	       m->other_pct > 5 ? " (a noisy machine: UNPINNED and busy-poll rows suffer most)" :
	       "");
	printf("each figure: median of %d runs [min - max]; ratio = median / the baseline's "
	       "median; target from SPEC.md\n", bench_cfg.reps);
	for (size_t i = 0; i < n; i++) {
		const struct bench_result *x = &r[i];
		char med[32], lo[32], hi[32], spread[72], base[96], ratio[16] = "", tgt[32] = "";
		int met = target_met(x);

		if (x->group != g) {
			g = x->group;
			printf("\n%s\n  %-58s %10s %-22s %-6s %7s  %-26s %s\n", g->title, "row",
			       "median", "[min - max]", "unit", "ratio", "vs", "target");
		}
		if (x->err) {
			printf("  %-58s skipped: %s\n", x->row->name, x->skip_reason);
			continue;
		}
		fmt_value(med, sizeof(med), x->median);
		if (x->row->once || x->nsamples < 2)
			snprintf(spread, sizeof(spread), "(one run)");
		else
			snprintf(spread, sizeof(spread), "[%s - %s]",
				 fmt_value(lo, sizeof(lo), x->min), fmt_value(hi, sizeof(hi), x->max));
		baseline_label(x, base, sizeof(base));
		if (x->ratio)
			snprintf(ratio, sizeof(ratio), "%.2fx", x->ratio);
		if (met >= 0)
			snprintf(tgt, sizeof(tgt), "%s%.2fx %s",
				 bench_higher_is_better(x->row->unit) ? ">=" : "<=", x->row->target,
				 met ? "met" : "MISSED");
		printf("  %-58s %10s %-22s %-6s %7s  %-26.26s %s\n", x->row->name, med, spread,
		       bench_unit_name(x->row->unit), ratio, base, tgt);
	}
	printf("\n");
	for (size_t i = 0; i < n; i++)
		if (r[i].row->note)
			printf("note: %s\n", r[i].row->note);
	for (size_t i = 0; bench_notes(i); i++)
		printf("note: %s\n", bench_notes(i));
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputs("null", f);
}

int bench_report_json(const char *path, const struct bench_machine *m,
		      const struct bench_result *r, size_t n)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "{\n  \"machine\": {\"cpu\": ");
	json_str(f, m->cpu);
	fprintf(f, ", \"cpus\": %d, \"kernel\": ", m->cpus);
	json_str(f, m->kernel);
	fprintf(f, ", \"memory_mib\": %llu, \"virtual\": %s, \"thp\": ", m->mem_mib,
		m->hypervisor ? "true" : "false");
	json_str(f, m->thp);
	fprintf(f, ", \"when\": ");
	json_str(f, m->when);
	fprintf(f, ", \"run_seconds\": %.1f, \"busy_pct\": %.1f, \"other_pct\": %.1f", m->seconds,
		m->busy_pct, m->other_pct);
	fprintf(f, "},\n  \"reps\": %d,\n  \"rows\": [\n", bench_cfg.reps);
	for (size_t i = 0; i < n; i++) {
		const struct bench_result *x = &r[i];
		int met = target_met(x);

		fprintf(f, "    {\"id\": ");
		json_str(f, x->row->id);
		fprintf(f, ", \"spec\": ");
		json_str(f, x->row->spec);
		fprintf(f, ", \"group\": ");
		json_str(f, x->group->title);
		fprintf(f, ", \"name\": ");
		json_str(f, x->row->name);
		fprintf(f, ", \"unit\": ");
		json_str(f, bench_unit_name(x->row->unit));
		fprintf(f, ", \"higher_is_better\": %s",
			bench_higher_is_better(x->row->unit) ? "true" : "false");
		if (x->err) {
			fprintf(f, ", \"skipped\": ");
			json_str(f, x->skip_reason);
			fprintf(f, "}%s\n", i + 1 < n ? "," : "");
			continue;
		}
		fprintf(f, ", \"median\": ");
		json_num(f, x->median);
		fprintf(f, ", \"min\": ");
		json_num(f, x->min);
		fprintf(f, ", \"max\": ");
		json_num(f, x->max);
		fprintf(f, ", \"p10\": ");
		json_num(f, x->p10);
		fprintf(f, ", \"p90\": ");
		json_num(f, x->p90);
		fprintf(f, ", \"samples\": [");
		for (int k = 0; k < x->nsamples; k++) {
			json_num(f, x->samples[k]);
			fputs(k + 1 < x->nsamples ? ", " : "", f);
		}
		fprintf(f, "]");
		if (x->row->baseline) {
			fprintf(f, ", \"baseline\": ");
			json_str(f, x->row->baseline);
		}
		if (x->base > 0) {
			fprintf(f, ", \"baseline_median\": ");
			json_num(f, x->base);
			fprintf(f, ", \"ratio\": ");
			json_num(f, x->ratio);
		}
		if (met >= 0) {
			fprintf(f, ", \"target\": ");
			json_num(f, x->row->target);
			fprintf(f, ", \"target_met\": %s", met ? "true" : "false");
		}
		fprintf(f, "}%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "  ],\n  \"notes\": [");
	bool first = true;
	for (size_t i = 0; i < n + 16; i++) {
		const char *note = i < n ? r[i].row->note : bench_notes(i - n);

		if (!note)
			continue;
		fprintf(f, "%s\n    ", first ? "" : ",");
		json_str(f, note);
		first = false;
	}
	fprintf(f, "\n  ]\n}\n");
	return fclose(f) ? -1 : 0;
}
