// SPDX-License-Identifier: MIT
/*
 * secshm-bench: every row of the SPEC's speed section (B1-B5) and its
 * baseline, measured in one process tree in one run, printed as a table of
 * medians with spreads and ratios, and written as JSON and a PNG plot.
 * Timings are reported, never asserted.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench.h"
#include "server.h"

struct bench_config bench_cfg = {
	.out_dir = "build/bench",
	.secshmd = "build/bin/secshmd",
	.reps = 7,
	.scale = 1.0,
	.b5_full = true,
};

static char run_dir[] = "/tmp/secshm-bench.XXXXXX";

static void usage(const char *argv0, FILE *f)
{
	fprintf(f,
		"usage: %s [--out DIR] [--secshmd PATH] [--reps N] [--quick] [--only Bn]\n"
		"Measure secshm's paths against their baselines (SPEC B1-B5) and write\n"
		"DIR/results.json and DIR/results.png (default DIR build/bench).\n"
		"  --reps N   repetitions per row (default 7, at most %d)\n"
		"  --quick    shorter measurements and a tenth of B5's scale (for a smoke run)\n"
		"  --only Bn  run only the groups whose title starts with Bn\n",
		argv0, BENCH_REPS_MAX);
}

static void cleanup(void)
{
	bench_server_stop();
	char cmd[sizeof(run_dir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", run_dir);
	if (system(cmd))
		fprintf(stderr, "bench: could not remove %s\n", run_dir);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "secshmd", required_argument, NULL, 'd' },
		{ "reps", required_argument, NULL, 'r' },
		{ "quick", no_argument, NULL, 'q' },
		{ "only", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct bench_machine m;
	struct bench_result *res;
	char path[4096];
	size_t n;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			bench_cfg.out_dir = optarg;
			break;
		case 'd':
			bench_cfg.secshmd = optarg;
			break;
		case 'r':
			bench_cfg.reps = atoi(optarg);
			if (bench_cfg.reps < 1 || bench_cfg.reps > BENCH_REPS_MAX) {
				usage(argv[0], stderr);
				return 2;
			}
			break;
		case 'q':
			bench_cfg.scale = 0.2;
			bench_cfg.b5_full = false;
			break;
		case 'O':
			bench_cfg.only = optarg;
			break;
		default:
			usage(argv[0], opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(run_dir)) {
		perror("bench: mkdtemp");
		return 1;
	}
	bench_cfg.run_dir = run_dir;
	atexit(cleanup);
	snprintf(path, sizeof(path), "mkdir -p '%s'", bench_cfg.out_dir);
	if (system(path)) {
		fprintf(stderr, "bench: cannot create %s\n", bench_cfg.out_dir);
		return 1;
	}
	/* B5 holds two descriptors per section in the daemon, which inherits this. */
	bench_raise_nofile();
	bench_machine(&m);
	bench_load_start();

	err = bench_run_all(&res, &n);
	bench_server_stop();	/* reaped: its CPU time counts as the bench's */
	bench_load_end(&m);
	if (err) {
		fprintf(stderr, "bench: %s\n", strerror(-err));
		return 1;
	}
	printf("\n");
	bench_report_table(&m, res, n);
	snprintf(path, sizeof(path), "%s/results.json", bench_cfg.out_dir);
	if (bench_report_json(path, &m, res, n))
		fprintf(stderr, "bench: cannot write %s\n", path);
	else
		printf("wrote %s\n", path);
	if (!bench_plot(bench_cfg.out_dir, &m, res, n))
		printf("wrote %s/results.png\n", bench_cfg.out_dir);
	free(res);
	return 0;
}
