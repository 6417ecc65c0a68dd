// SPDX-License-Identifier: MIT
/*
 * The fetch ledger (P6, secshm_server_config.check_fetch): the core's
 * (src/core/fetch.c), kept for the request a handler is running.
 */
#include <stdio.h>
#include <stdlib.h>
#include "internal.h"

struct secshm_fetch *fetch_ledger_new(void)
{
	return calloc(1, sizeof(struct secshm_fetch));
}

void fetch_begin(struct secshm_server *srv, uint32_t opcode)
{
	if (!srv->fetch)
		return;
	secshm_fetch_begin(srv->fetch);
	srv->fetch_opcode = opcode;
	srv->fetching = true;
}

void fetch_end(struct secshm_server *srv)
{
	srv->fetching = false;
}

int fetch_record(struct secshm_server *srv, uint64_t section, uint64_t start, uint64_t len)
{
	int err = secshm_fetch_record(srv->fetch, section, start, len);

	if (err)
		fprintf(stderr, "secshm: double fetch: opcode %#x captured section %llu bytes "
			"%llu-%llu twice\n", srv->fetch_opcode, (unsigned long long)section,
			(unsigned long long)start, (unsigned long long)(start + len));
	return err;
}
