// SPDX-License-Identifier: MIT
/* The namespace of named sections: name validation and a chained hash. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define NAME_MIN_BUCKETS 64U

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/*
 * 1..SECSHM_NAME_MAX bytes of [A-Za-z0-9._-] in components separated by
 * single '/'; no empty, "." or ".." component.
 */
int name_validate(const char *name, size_t len)
{
	size_t start = 0;

	if (len == 0)
		return -EINVAL;
	if (len > SECSHM_NAME_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i <= len; i++) {
		size_t clen;

		if (i < len && name[i] != '/') {
			if (!name_char_ok(name[i]))
				return -EINVAL;
			continue;
		}
		clen = i - start;
		if (clen == 0 || (clen == 1 && name[start] == '.') ||
		    (clen == 2 && name[start] == '.' && name[start + 1] == '.'))
			return -EINVAL;
		start = i + 1;
	}
	return 0;
}

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

/*
 * Namespaces (N1, docs/namespaces.md): "global/NAME" and "user/UID/NAME"
 * are qualified; anything else is resolved against the caller. A client's
 * unqualified name is its own, "user/<uid>/NAME", and opening it falls
 * back to "global/NAME"; the server's own unqualified names are global.
 */
#define NS_GLOBAL_LEN	(sizeof(SECSHM_NS_GLOBAL) - 1)
#define NS_USER_LEN	(sizeof(SECSHM_NS_USER) - 1)

static bool has_prefix(const char *s, size_t len, const char *prefix, size_t plen)
{
	return len >= plen && !memcmp(s, prefix, plen);
}

/* "UID/REST" after "user/": a canonical decimal uid and a rest. */
static int parse_user(const char *s, size_t len, uid_t *uid)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && s[i] != '/'; i++) {
		if (s[i] < '0' || s[i] > '9' || (i == 1 && s[0] == '0'))
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v >= (uid_t)-1)
			return -EINVAL;
	}
	if (!i || i == len)
		return -EINVAL;	/* "user/" alone, or "user/5" with no name */
	*uid = (uid_t)v;
	return 0;
}

static int qualify(char out[SECSHM_NAME_MAX + 1], const char *prefix, uid_t uid, bool user,
		   const char *name)
{
	int n = user ? snprintf(out, SECSHM_NAME_MAX + 1, "%s%u/%s", prefix, (unsigned int)uid, name)
		     : snprintf(out, SECSHM_NAME_MAX + 1, "%s%s", prefix, name);

	return n < 0 || n > SECSHM_NAME_MAX ? -ENAMETOOLONG : 0;
}

int name_resolve(const char *name, bool server, uid_t uid, struct qname *q)
{
	size_t len = strnlen(name, SECSHM_NAME_MAX + 1);
	int err = name_validate(name, len);

	if (err)
		return err;
	q->alt[0] = '\0';
	if (has_prefix(name, len, SECSHM_NS_GLOBAL, NS_GLOBAL_LEN)) {
		q->global = true;
		memcpy(q->name, name, len + 1);
		return 0;
	}
	if (has_prefix(name, len, SECSHM_NS_USER, NS_USER_LEN)) {
		q->global = false;
		memcpy(q->name, name, len + 1);
		return parse_user(name + NS_USER_LEN, len - NS_USER_LEN, &q->uid);
	}
	if ((len == NS_GLOBAL_LEN - 1 && !memcmp(name, SECSHM_NS_GLOBAL, len)) ||
	    (len == NS_USER_LEN - 1 && !memcmp(name, SECSHM_NS_USER, len)))
		return -EINVAL;	/* a namespace is not a name */
	q->global = server;
	q->uid = uid;
	if (server)
		return qualify(q->name, SECSHM_NS_GLOBAL, 0, false, name);
	err = qualify(q->name, SECSHM_NS_USER, uid, true, name);
	if (!err && qualify(q->alt, SECSHM_NS_GLOBAL, 0, false, name))
		q->alt[0] = '\0';
	return err;
}
