// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * The fetch ledger (P6), a debugging aid both sides switch on in their
 * tests (check_fetch): while one request's handler runs, every capture from
 * shared memory is recorded, and a capture of bytes the same request has
 * captured already fails with -EIO. A handler that reads a shared value
 * twice (validates one copy, uses another) is then caught by any test that
 * runs it, not only by a race that lands between the two reads.
 */
#include "core.h"

/*
 * A capture that continues the last one extends it, so a range read chunk
 * by chunk is one record; past SECSHM_FETCH_MAX records none are added.
 */
int secshm_fetch_record(struct secshm_fetch *f, uint64_t section, uint64_t start, uint64_t len)
{
	uint64_t end = start + len;

	if (!len)
		return 0;
	for (uint32_t i = 0; i < f->n; i++)
		if (f->r[i].section == section && start < f->r[i].end && f->r[i].start < end)
			return -EIO;
	if (f->n && f->r[f->n - 1].section == section && f->r[f->n - 1].end == start) {
		f->r[f->n - 1].end = end;
	} else if (f->n < SECSHM_FETCH_MAX) {
		f->r[f->n].section = section;
		f->r[f->n].start = start;
		f->r[f->n].end = end;
		f->n++;
	}
	return 0;
}
