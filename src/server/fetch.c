// SPDX-License-Identifier: MIT
/*
 * The fetch ledger (P6), a debugging aid (secshm_server_config.check_fetch):
 * while a request's handler runs, every capture from shared memory is
 * recorded, and a capture of bytes the same request captured already fails
 * with -EIO and a line on stderr. A handler that reads a shared value twice
 * (validates one copy, uses another) is then caught by any test that runs
 * it, not only by a race that happens to land between the two reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "internal.h"

#define FETCH_MAX	64	/* records per request; past that, none are kept */

struct fetch_range {
	uint64_t section, start, end;
};

struct fetch_ledger {
	uint32_t opcode;
	uint32_t n;
	struct fetch_range r[FETCH_MAX];
};

struct fetch_ledger *fetch_ledger_new(void)
{
	return calloc(1, sizeof(struct fetch_ledger));
}

void fetch_begin(struct secshm_server *srv, uint32_t opcode)
{
	if (!srv->fetch)
		return;
	srv->fetch->opcode = opcode;
	srv->fetch->n = 0;
	srv->fetching = true;
}

void fetch_end(struct secshm_server *srv)
{
	srv->fetching = false;
}

int fetch_record(struct secshm_server *srv, uint64_t section, uint64_t start, uint64_t len)
{
	struct fetch_ledger *l = srv->fetch;
	uint64_t end = start + len;

	for (uint32_t i = 0; i < l->n && i < FETCH_MAX; i++) {
		if (l->r[i].section == section && start < l->r[i].end && l->r[i].start < end) {
			fprintf(stderr, "secshm: double fetch: opcode %#x captured section %llu "
				"bytes %llu-%llu twice\n", l->opcode, (unsigned long long)section,
				(unsigned long long)start, (unsigned long long)end);
			return -EIO;
		}
	}
	if (l->n < FETCH_MAX)
		l->r[l->n] = (struct fetch_range){ section, start, end };
	l->n++;
	return 0;
}
