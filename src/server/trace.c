// SPDX-License-Identifier: MIT
/*
 * --trace (secshm_server_config.trace): one line on stderr per request,
 * who sent it, what it asked and what it got. The operations and their
 * names come from the ABI's table (SECSHM_OPS); each has its own few words
 * below, found by name, so an operation cannot be added without them.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"

/*
 * A request's name as the client sent it, checked or not: bytes a name
 * may hold as they are, anything else (a newline, an escape sequence) as
 * \xNN, so that no client writes lines or colours into the log.
 */
static void trace_name(FILE *f, const char *name, uint32_t len)
{
	fputs("name=\"", f);
	for (uint32_t i = 0; i < len && i <= SECSHM_NAME_MAX; i++) {
		unsigned char c = (unsigned char)name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr("._-/", c)))
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
	fputs("\" ", f);
}

static void trace_create(FILE *f, const struct secshm_create_args *a)
{
	trace_name(f, a->name, a->name_len);
	fprintf(f, "length=%llu flags=%#x access=%#x handle=%#x", (unsigned long long)a->length,
		a->flags, a->access, a->handle);
}

static void trace_open(FILE *f, const struct secshm_open_args *a)
{
	trace_name(f, a->name, a->name_len);
	fprintf(f, "flags=%#x access=%#x handle=%#x", a->flags, a->access, a->handle);
}

static void trace_close(FILE *f, const struct secshm_handle_args *a)
{
	fprintf(f, "handle=%#x", a->handle);
}

static void trace_query(FILE *f, const struct secshm_query_args *a)
{
	fprintf(f, "handle=%#x access=%#x length=%llu", a->handle, a->access,
		(unsigned long long)a->info.length);
}

static void trace_duplicate(FILE *f, const struct secshm_dup_args *a)
{
	fprintf(f, "handle=%#x flags=%#x access=%#x new=%#x", a->handle, a->flags, a->access,
		a->new_handle);
}

static void trace_map(FILE *f, const struct secshm_map_args *a)
{
	fprintf(f, "handle=%#x prot=%#x offset=%llu length=%llu view=%#x", a->handle, a->prot,
		(unsigned long long)a->offset, (unsigned long long)a->length, a->view);
}

static void trace_unlink(FILE *f, const struct secshm_handle_args *a)
{
	fprintf(f, "handle=%#x", a->handle);
}

static void trace_list(FILE *f, const struct secshm_list_args *a)
{
	fprintf(f, "start=%u max=%u count=%u total=%u", a->start, a->max, a->count, a->total);
}

static void trace_call(FILE *f, const struct secshm_call_args *a)
{
	fprintf(f, "opcode=%#x nrefs=%u in=%u out=%u", a->opcode, a->nrefs, a->in_len, a->out_len);
}

static void trace_ring(FILE *f, const struct secshm_ring_args *a)
{
	fprintf(f, "entries=%u handle=%#x length=%llu", a->entries, a->handle,
		(unsigned long long)a->length);
}

void trace_request(const struct secshm_client *c, const struct secshm_msg *hdr,
		   const void *args, int status)
{
	FILE *f = stderr;

	if (!c->srv->trace)
		return;
	fprintf(f, "secshm: client %llu uid %u pid %d: ", (unsigned long long)c->id,
		c->cred.who.uid, (int)c->cred.pid);
	switch (status == -EBADMSG || status == -EPROTO ? 0 : hdr->opcode) {
#define TRACE_CASE(NAME, name, nr, argstruct, dir, where)		\
	case SECSHM_OP_##NAME:						\
		fputs(#NAME " ", f);					\
		trace_##name(f, (const struct argstruct *)args);	\
		break;
	SECSHM_OPS(TRACE_CASE)
#undef TRACE_CASE
	default:
		fprintf(f, "opcode %u (not decoded)", hdr->opcode);
	}
	fprintf(f, " -> %d\n", status);
}
