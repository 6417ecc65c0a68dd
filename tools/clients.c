// SPDX-License-Identifier: MIT
/*
 * secshm ls --clients: every connected client and each handle it holds,
 * with the access mask and, for views, the range (the administrator's view;
 * the server refuses anyone but root and its own uid).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include "cli.h"

#define PAGE_CLIENTS (SECSHM_INLINE_MAX / sizeof(struct secshm_client_info))
#define PAGE_HANDLES (SECSHM_INLINE_MAX / sizeof(struct secshm_handle_info))

static const char *const access_names[] = {
	"query", "map_read", "map_write", "duplicate", "delete",
};

static void access_words(uint32_t access, char *buf, size_t len, bool json)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < 5 && n < len; i++)
		if (access & (1U << i))
			n += (size_t)snprintf(buf + n, len - n, json ? "%s\"%s\"" : "%s%s",
					      n ? (json ? ", " : ",") : "", access_names[i]);
	if (!n && !json)
		snprintf(buf, len, "-");
}

/* One client's handles, a page at a time. */
static int print_handles(struct secshm *s, const struct secshm_client_info *c, bool json)
{
	static struct secshm_handle_info h[PAGE_HANDLES];
	struct { uint64_t id; uint32_t start, zero; } q = { c->id, 0, 0 };
	char words[96];
	size_t n;
	int ret;

	do {
		ret = secshm_call(s, SECSHM_CALL_HANDLES, &q, sizeof(q), NULL, 0, h, sizeof(h), &n);
		if (ret == -ENOENT)
			return 0;	/* it left meanwhile */
		if (ret < 0)
			return ret;
		n /= sizeof(h[0]);
		for (size_t i = 0; i < n; i++) {
			const char *type = h[i].type == SECSHM_OBJECT_VIEW ? "view" : "section";

			access_words(h[i].access, words, sizeof(words), json);
			if (json)
				printf("%s{\"handle\": %u, \"type\": \"%s\", \"access\": [%s], "
				       "\"section\": %" PRIu64 ", \"offset\": %" PRIu64
				       ", \"length\": %" PRIu64 "}",
				       q.start + i ? ", " : "", h[i].handle, type, words,
				       (uint64_t)h[i].object, (uint64_t)h[i].offset,
				       (uint64_t)h[i].length);
			else
				printf("    %#010x  %-7s  section %-6" PRIu64 " %" PRIu64 "+%"
				       PRIu64 "  %s\n", h[i].handle, type, (uint64_t)h[i].object,
				       (uint64_t)h[i].offset, (uint64_t)h[i].length, words);
		}
		q.start += (uint32_t)n;
	} while (n == PAGE_HANDLES);
	return 0;
}

static int print_client(struct secshm *s, const struct secshm_client_info *c, bool json,
			bool first)
{
	int ret;

	if (json)
		printf("%s{\"id\": %" PRIu64 ", \"pid\": %u, \"uid\": %u, \"gid\": %u, "
		       "\"views\": %u, \"sections\": %u, \"bytes\": %" PRIu64 ", \"handles\": [",
		       first ? "\n  " : ",\n  ", (uint64_t)c->id, c->pid, c->uid, c->gid,
		       c->views, c->sections, (uint64_t)c->bytes);
	else
		printf("client %" PRIu64 ": pid %u uid %u gid %u, %u handles, %u views, "
		       "%u sections created (%" PRIu64 " bytes)\n", (uint64_t)c->id, c->pid,
		       c->uid, c->gid, c->handles, c->views, c->sections, (uint64_t)c->bytes);
	ret = print_handles(s, c, json);
	if (json)
		fputs("]}", stdout);
	return ret;
}

int cli_list_clients(struct secshm *s, bool json)
{
	static struct secshm_client_info c[PAGE_CLIENTS];
	uint32_t start = 0;
	size_t n;
	int ret;

	if (json)
		fputs("[", stdout);
	do {
		ret = secshm_call(s, SECSHM_CALL_CLIENTS, &start, sizeof(start), NULL, 0, c,
				  sizeof(c), &n);
		if (ret < 0)
			return ret;
		n /= sizeof(c[0]);
		for (size_t i = 0; i < n && !ret; i++)
			ret = print_client(s, &c[i], json, start + i == 0);
		start += (uint32_t)n;
	} while (!ret && n == PAGE_CLIENTS);
	if (json)
		fputs(start ? "\n]\n" : "]\n", stdout);
	return ret;
}
