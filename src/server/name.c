// SPDX-License-Identifier: MIT
/*
 * The namespace of named sections: a chained hash of qualified names (the
 * core resolves and checks them: src/core/name.c). LIST is section.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define NAME_MIN_BUCKETS 64U

static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261U;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619U;
	return h;
}

int name_table_init(struct name_table *ns)
{
	ns->buckets = calloc(NAME_MIN_BUCKETS, sizeof(*ns->buckets));
	if (!ns->buckets)
		return -ENOMEM;
	ns->nbuckets = NAME_MIN_BUCKETS;
	ns->count = 0;
	return 0;
}

void name_table_fini(struct name_table *ns)
{
	free(ns->buckets);
	ns->buckets = NULL;
	ns->nbuckets = 0;
}

struct name_node *name_lookup(const struct name_table *ns, const char *name, size_t len)
{
	uint32_t h = name_hash(name, len);

	for (struct name_node *n = ns->buckets[h & (ns->nbuckets - 1)]; n; n = n->next)
		if (n->hash == h && n->len == len && !memcmp(n->name, name, len))
			return n;
	return NULL;
}

static void rehash(struct name_table *ns)
{
	uint32_t nb = ns->nbuckets * 2;
	struct name_node **b = calloc(nb, sizeof(*b));

	if (!b)
		return;	/* longer chains, still correct */
	for (uint32_t i = 0; i < ns->nbuckets; i++) {
		struct name_node *n = ns->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	free(ns->buckets);
	ns->buckets = b;
	ns->nbuckets = nb;
}

/* node->name and node->len set by the caller; -EEXIST if taken. */
int name_insert(struct name_table *ns, struct name_node *node)
{
	struct name_node **slot;

	if (name_lookup(ns, node->name, node->len))
		return -EEXIST;
	if (ns->count >= ns->nbuckets)
		rehash(ns);
	node->hash = name_hash(node->name, node->len);
	slot = &ns->buckets[node->hash & (ns->nbuckets - 1)];
	node->next = *slot;
	*slot = node;
	ns->count++;
	return 0;
}

void name_remove(struct name_table *ns, struct name_node *node)
{
	struct name_node **p = &ns->buckets[node->hash & (ns->nbuckets - 1)];

	for (; *p; p = &(*p)->next) {
		if (*p == node) {
			*p = node->next;
			node->next = NULL;
			ns->count--;
			return;
		}
	}
}
