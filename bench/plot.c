// SPDX-License-Identifier: MIT
/*
 * The PNG: gnuplot (Debian's gnuplot-nox) draws four panels from data files
 * the bench writes next to results.json: B1 throughput by path and chunk
 * size, B2 round trips and B4 cycles pinned and unpinned, and every target
 * as attainment (1 = exactly on target, above = met). All y axes are
 * logarithmic; bars are medians, whiskers min and max.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

#define KINDS_MAX 16
#define VARIANTS_MAX 4

struct matrix {
	const char *variants[VARIANTS_MAX];
	size_t nvariants;
	char kinds[KINDS_MAX][64];
	const char *labels[KINDS_MAX];
	const struct bench_result *cell[KINDS_MAX][VARIANTS_MAX];
	size_t nkinds;
};

/*
 * Rows of spec whose id is "spec.<variant>.<kind>" (variant_first) or
 * "spec.<kind>.<variant>" go in a kind x variant matrix.
 */
static void build(struct matrix *mx, const struct bench_result *r, size_t n, const char *prefix,
		  bool variant_first)
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; i < n; i++) {
		const char *id = r[i].row->id, *v, *k;
		char kind[64], variant[16];
		size_t vi, ki;

		if (strncmp(id, prefix, plen) || r[i].err)
			continue;
		id += plen;
		if (variant_first) {
			k = strchr(id, '.');
			if (!k)
				continue;
			snprintf(variant, sizeof(variant), "%.*s", (int)(k - id), id);
			snprintf(kind, sizeof(kind), "%s", k + 1);
		} else {
			v = strrchr(id, '.');
			if (!v)
				continue;
			snprintf(kind, sizeof(kind), "%.*s", (int)(v - id), id);
			snprintf(variant, sizeof(variant), "%s", v + 1);
		}
		for (vi = 0; vi < mx->nvariants && strcmp(mx->variants[vi], variant); vi++)
			;
		if (vi == mx->nvariants) {
			if (vi == VARIANTS_MAX)
				continue;
			mx->variants[mx->nvariants++] = strdup(variant);
		}
		for (ki = 0; ki < mx->nkinds && strcmp(mx->kinds[ki], kind); ki++)
			;
		if (ki == mx->nkinds) {
			if (ki == KINDS_MAX)
				continue;
			snprintf(mx->kinds[mx->nkinds], sizeof(mx->kinds[0]), "%s", kind);
			mx->labels[mx->nkinds++] = r[i].row->name;
		}
		mx->cell[ki][vi] = &r[i];
	}
}

/* A label without the PINNED/UNPINNED prefix and "(baseline)" suffix. */
static void short_label(char *buf, size_t len, const char *name)
{
	char *p;

	if (!strncmp(name, "PINNED ", 7) || !strncmp(name, "UNPINNED ", 9))
		name = strchr(name, ' ');
	while (*name == ' ')
		name++;
	snprintf(buf, len, "%s", name);
	p = strstr(buf, " (baseline)");
	if (p)
		strcpy(p, "*");
	for (p = buf; *p; p++)
		if (*p == '"')
			*p = '\'';
}

static int write_matrix(const char *path, const struct matrix *mx)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (size_t k = 0; k < mx->nkinds; k++) {
		char label[96];

		short_label(label, sizeof(label), mx->labels[k]);
		fprintf(f, "\"%s\"", label);
		for (size_t v = 0; v < mx->nvariants; v++) {
			const struct bench_result *c = mx->cell[k][v];

			if (c)
				fprintf(f, " %g %g %g", c->median, c->min, c->max);
			else
				fprintf(f, " NaN NaN NaN");
		}
		fputc('\n', f);
	}
	return fclose(f);
}

static void plot_matrix(FILE *gp, const char *file, const struct matrix *mx, const char *title,
			const char *ylabel)
{
	fprintf(gp, "set title \"%s\"\nset ylabel \"%s\"\n", title, ylabel);
	if (!mx->nvariants) {
		fprintf(gp, "set label 1 \"not run\" at graph 0.5, 0.5 center\n"
			    "set yrange [0.1:10]\nplot [0:1] 1 notitle lc rgb 'white'\n"
			    "unset label 1\nset autoscale y\n");
		return;
	}
	fprintf(gp, "plot ");
	for (size_t v = 0; v < mx->nvariants; v++)
		fprintf(gp, "%s'%s' using %zu:%zu:%zu%s title \"%s\"", v ? ", " : "", file,
			2 + 3 * v, 3 + 3 * v, 4 + 3 * v, v ? "" : ":xtic(1)", mx->variants[v]);
	fprintf(gp, "\n");
}

int bench_plot(const char *dir, const struct bench_machine *m, const struct bench_result *r,
	       size_t n)
{
	struct matrix b1 = { 0 }, b2 = { 0 }, b4 = { 0 };
	char path[4096], cmd[4200];
	FILE *gp, *f;
	int k = 0;

	build(&b1, r, n, "b1.", true);
	build(&b2, r, n, "b2.", false);
	build(&b4, r, n, "b4.", false);
	snprintf(path, sizeof(path), "%s/b1.dat", dir);
	write_matrix(path, &b1);
	snprintf(path, sizeof(path), "%s/b2.dat", dir);
	write_matrix(path, &b2);
	snprintf(path, sizeof(path), "%s/b4.dat", dir);
	write_matrix(path, &b4);

	snprintf(path, sizeof(path), "%s/targets.dat", dir);
	f = fopen(path, "w");
	for (size_t i = 0; f && i < n; i++) {
		const struct bench_result *x = &r[i];
		double a;

		if (x->err || !x->row->target || !x->ratio)
			continue;
		a = bench_higher_is_better(x->row->unit) ? x->ratio / x->row->target :
							    x->row->target / x->ratio;
		fprintf(f, "%d \"%s\" %g\n", k++, x->row->id, a);
	}
	if (f)
		fclose(f);

	snprintf(path, sizeof(path), "%s/results.gp", dir);
	gp = fopen(path, "w");
	if (!gp)
		return -1;
	fprintf(gp, "set terminal pngcairo size 1800,1400 font 'sans,10'\n"
		    "set output 'results.png'\n"
		    "set termoption noenhanced\n"
		    "set multiplot layout 2,2 title \"secshm bench: %s, %d CPUs, %s\" "
		    "font 'sans,13'\n"
		    "set style data histogram\n"
		    "set style histogram errorbars gap 1 lw 1\n"
		    "set style fill solid 0.7 border -1\n"
		    "set logscale y\nset grid ytics\nset key top right\n"
		    "set xtics rotate by -35 left font 'sans,9'\n"
		    "set bmargin 13\nset rmargin 10\n",
		m->cpu, m->cpus, m->kernel);
	plot_matrix(gp, "b1.dat", &b1, "B1 bulk client -> server by chunk size (* = baseline)",
		    "GB/s (higher is better)");
	plot_matrix(gp, "b2.dat", &b2, "B2 round trip, one reference (* = baseline)",
		    "ns per round trip (lower is better)");
	plot_matrix(gp, "b4.dat", &b4, "B4 open + map + unmap + close (* = baseline)",
		    "us per cycle (lower is better)");
	fprintf(gp, "set title \"Targets: attainment (1 = on target, above = met)\"\n"
		    "set ylabel \"attainment\"\nunset key\nset style data boxes\nset boxwidth 0.7\n");
	if (k)
		fprintf(gp, "plot 'targets.dat' using 1:3:xtic(2) with boxes lc rgb '#4477aa', "
			    "1 with lines lw 2 lc rgb '#cc3311'\n");
	else
		fprintf(gp, "set label 1 \"no targets\" at graph 0.5, 0.5 center\n"
			    "set yrange [0.1:10]\nplot [0:1] 1 notitle lc rgb 'white'\n");
	fprintf(gp, "unset multiplot\n");
	fclose(gp);
	snprintf(cmd, sizeof(cmd), "command -v gnuplot >/dev/null 2>&1 && cd '%s' && "
		 "gnuplot results.gp", dir);
	if (system(cmd)) {
		fprintf(stderr, "bench: no PNG: gnuplot (Debian: gnuplot-nox) is missing or failed; "
			"%s/results.gp has the plot\n", dir);
		return -1;
	}
	return 0;
}
