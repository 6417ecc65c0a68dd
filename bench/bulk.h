/* SPDX-License-Identifier: MIT */
/* B1, bulk client -> server: the pieces the bulk groups are made of. */
#ifndef SECSHM_BENCH_BULK_H
#define SECSHM_BENCH_BULK_H

#include "bench.h"
#include "server.h"

/* The connection to the bench server every B1 row of ours uses. */
struct bench_conn *bench_bulk_conn(void);
/* Bytes a two-sided stream moves per sample for this chunk size. */
uint64_t bench_bulk_total(uint32_t chunk);
/* Run fn in batches until at least seconds have passed; returns ns elapsed, *iters done. */
uint64_t bench_timed(double seconds, int (*fn)(void *ctx, uint64_t i), void *ctx,
		     uint64_t *iters, int *err);

/* ring_stream.c */
int bench_ring_capture(const struct bench_row *row, double *value);
int bench_ring_inplace(const struct bench_row *row, double *value);
int bench_ring_capture_sum(const struct bench_row *row, double *value);

/* bulk_baselines.c */
int bench_memcpy_private(const struct bench_row *row, double *value);
int bench_read_private(const struct bench_row *row, double *value);
int bench_unix_stream(const struct bench_row *row, double *value);
int bench_pipe(const struct bench_row *row, double *value);
int bench_process_vm_readv(const struct bench_row *row, double *value);

#endif /* SECSHM_BENCH_BULK_H */
