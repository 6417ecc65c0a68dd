// SPDX-License-Identifier: MIT
/* The machine a run measured: CPU model, CPUs, kernel, memory. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = 0;
}

/* Busy and total jiffies of all CPUs, from /proc/stat. */
static void cpu_jiffies(unsigned long long *busy, unsigned long long *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");

	*busy = *total = 0;
	if (f && fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			&v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		for (int i = 0; i < 8; i++)
			*total += v[i];
		*busy = *total - v[3] - v[4];	/* less idle and iowait */
	}
	if (f)
		fclose(f);
}

static double own_seconds(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec +
			kids.ru_stime.tv_sec) +
	       (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec +
			kids.ru_stime.tv_usec) / 1e6;
}

static unsigned long long busy0, total0;
static double own0;

void bench_load_start(void)
{
	cpu_jiffies(&busy0, &total0);
	own0 = own_seconds();
}

void bench_load_end(struct bench_machine *m)
{
	unsigned long long busy, total;
	double hz = (double)sysconf(_SC_CLK_TCK), own = own_seconds() - own0;

	cpu_jiffies(&busy, &total);
	if (total <= total0)
		return;
	m->busy_pct = 100.0 * (double)(busy - busy0) / (double)(total - total0);
	m->other_pct = 100.0 * ((double)(busy - busy0) / hz - own) * hz / (double)(total - total0);
	if (m->other_pct < 0)
		m->other_pct = 0;
	m->seconds = (double)(total - total0) / hz / (m->cpus > 0 ? m->cpus : 1);
}

void bench_machine(struct bench_machine *m)
{
	char line[1024];
	struct utsname u;
	FILE *f;
	time_t t = time(NULL);

	memset(m, 0, sizeof(*m));
	snprintf(m->cpu, sizeof(m->cpu), "unknown CPU");
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		if (!strncmp(line, "model name", 10) && !strcmp(m->cpu, "unknown CPU")) {
			snprintf(m->cpu, sizeof(m->cpu), "%s", v + 2);
			chomp(m->cpu);
		}
		if (!strncmp(line, "flags", 5) && strstr(v, " hypervisor"))
			m->hypervisor = true;
	}
	if (f)
		fclose(f);
	m->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (!uname(&u))
		snprintf(m->kernel, sizeof(m->kernel), "Linux %s %s", u.release, u.machine);
	m->mem_mib = (unsigned long long)bench_meminfo_kb("MemTotal") / 1024;
	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f && fgets(line, sizeof(line), f)) {
		char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;

		if (a && b) {
			*b = 0;
			snprintf(m->thp, sizeof(m->thp), "%s", a + 1);
		}
	}
	if (f)
		fclose(f);
	strftime(m->when, sizeof(m->when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
}
