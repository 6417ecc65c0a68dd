// SPDX-License-Identifier: MIT
/*
 * Handle tables, one per client and one for the server itself. A handle is
 * (generation << 20 | slot + 1), with the top bit set in the server's table,
 * so a client value can never name a server handle. Freed slots are reused
 * oldest first and bump their generation, so a stale value misses; a slot
 * whose generation would wrap is retired instead, so no value is ever
 * issued twice. Retired slots cost 16 bytes each and the table never grows
 * past HANDLE_INDEX_MAX slots, which a client would need some 2^31 closes
 * to reach.
 */
#include <errno.h>
#include <stdlib.h>
#include "internal.h"

#define HANDLE_MIN_SIZE	16U

void handle_table_init(struct handle_table *t, uint32_t limit, uint32_t server_bit)
{
	*t = (struct handle_table){ .limit = limit, .server_bit = server_bit };
	if (t->limit > HANDLE_INDEX_MAX)
		t->limit = HANDLE_INDEX_MAX;
}

static uint32_t handle_value(const struct handle_table *t, uint32_t slot)
{
	return t->server_bit | (uint32_t)t->entries[slot].gen << HANDLE_INDEX_BITS | (slot + 1);
}

static void free_push(struct handle_table *t, uint32_t slot)
{
	t->entries[slot].next_free = 0;
	if (t->free_tail)
		t->entries[t->free_tail - 1].next_free = slot + 1;
	else
		t->free_head = slot + 1;
	t->free_tail = slot + 1;
}

static int grow(struct handle_table *t)
{
	uint32_t nsize = t->size ? t->size * 2 : HANDLE_MIN_SIZE;
	struct handle_entry *e;

	if (nsize > HANDLE_INDEX_MAX)
		nsize = HANDLE_INDEX_MAX;
	if (nsize <= t->size)
		return -EDQUOT;
	e = realloc(t->entries, nsize * sizeof(*e));
	if (!e)
		return -ENOMEM;
	t->entries = e;
	for (uint32_t i = t->size; i < nsize; i++) {
		e[i] = (struct handle_entry){ 0 };
		free_push(t, i);
	}
	t->size = nsize;
	return 0;
}

int handle_insert(struct handle_table *t, struct secshm_object *obj, uint32_t access,
		  uint32_t *handle)
{
	uint32_t slot;
	int err;

	if (t->count >= t->limit)
		return -EDQUOT;
	if (!t->free_head && (err = grow(t)))
		return err;
	slot = t->free_head - 1;
	t->free_head = t->entries[slot].next_free;
	if (!t->free_head)
		t->free_tail = 0;
	t->entries[slot].obj = obj;
	t->entries[slot].access = access;
	t->count++;
	if (obj->ops->open_handle)
		obj->ops->open_handle(obj, t->server_bit);
	*handle = handle_value(t, slot);
	return 0;
}

struct handle_entry *handle_lookup(const struct handle_table *t, uint32_t handle)
{
	uint32_t slot = (handle & HANDLE_INDEX_MAX) - 1;
	uint32_t gen = (handle >> HANDLE_INDEX_BITS) & HANDLE_GEN_MASK;
	struct handle_entry *e;

	if ((handle & SECSHM_HANDLE_SERVER) != t->server_bit || slot >= t->size)
		return NULL;
	e = &t->entries[slot];
	if (!e->obj || e->gen != gen)
		return NULL;
	return e;
}

int handle_remove(struct handle_table *t, uint32_t handle, struct secshm_object **obj)
{
	struct handle_entry *e = handle_lookup(t, handle);

	if (!e)
		return -EBADF;
	*obj = e->obj;
	e->obj = NULL;
	e->access = 0;
	e->gen = (e->gen + 1) & HANDLE_GEN_MASK;
	t->count--;
	if (e->gen)
		free_push(t, (uint32_t)(e - t->entries));
	if ((*obj)->ops->close_handle)
		(*obj)->ops->close_handle(*obj, t->server_bit);
	return 0;
}

void handle_table_release(struct handle_table *t)
{
	for (uint32_t slot = 0; slot < t->size; slot++) {
		struct secshm_object *obj = NULL;

		if (t->entries[slot].obj && !handle_remove(t, handle_value(t, slot), &obj))
			secshm_object_put(obj);
	}
	free(t->entries);
	handle_table_init(t, t->limit, t->server_bit);
}
