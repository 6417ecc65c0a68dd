// SPDX-License-Identifier: MIT
/*
 * The two loops every bulk row shares, in their own file so that the
 * baselines and the bench server run the very same machine code: a copy
 * (memcpy, what secshm_capture does for a memfd section) and a read that
 * touches every byte once (a sum of 64-bit words).
 */
#include <string.h>
#include "bench.h"

uint64_t bench_sum64(const void *p, size_t len)
{
	const uint64_t *w = p;
	uint64_t a = 0, b = 0, c = 0, d = 0;
	size_t n = len / sizeof(*w), i;

	/* Four accumulators: the loads, not an add chain, set the pace. */
	for (i = 0; i + 4 <= n; i += 4) {
		a += w[i];
		b += w[i + 1];
		c += w[i + 2];
		d += w[i + 3];
	}
	for (; i < n; i++)
		a += w[i];
	return a + b + c + d;
}

void bench_copy(void *dst, const void *src, size_t len)
{
	memcpy(dst, src, len);
}
