/* SPDX-License-Identifier: MIT */
/*
 * A single-producer single-consumer ring over shared memory, usable on
 * either side: libsecshm and libsecshm-server build the request path on it,
 * applications can move bulk data with it through any section both sides
 * map. Header only; the shared layout is struct secshm_ring_ctl in
 * include/uapi/secshm.h.
 *
 * The rules are io_uring's: each side keeps its own index and its own copy
 * of the ring size in private memory, reads the peer's index once per batch
 * (acquire), clamps what it implies to the ring size, masks every index with
 * its private mask, and publishes its own index with a release store. A
 * peer writing nonsense into the control block can only garble or stall its
 * own traffic. Entry contents are the peer's too: copy them out once before
 * validating them.
 */
#ifndef SECSHM_RING_H
#define SECSHM_RING_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include "uapi/secshm.h"

struct secshm_spsc {
	struct secshm_ring_ctl *ctl;	/* shared */
	unsigned char *slots;		/* shared: size * entry_size bytes */
	uint32_t mask;			/* private: entries - 1 */
	uint32_t entry_size;		/* private */
	uint32_t own;			/* private: the producer's tail or the consumer's head */
	uint32_t peer;			/* private: the peer's index as last read, clamped */
};

/* entries: a power of two. Both sides start a fresh (zeroed) ring at 0. */
static inline int secshm_spsc_init(struct secshm_spsc *r, void *ctl, void *slots,
				   uint32_t entries, uint32_t entry_size)
{
	if (!entries || (entries & (entries - 1)) || !entry_size)
		return -EINVAL;
	r->ctl = (struct secshm_ring_ctl *)ctl;
	r->slots = (unsigned char *)slots;
	r->mask = entries - 1;
	r->entry_size = entry_size;
	r->own = 0;
	r->peer = 0;
	return 0;
}

static inline void *secshm_spsc_slot(const struct secshm_spsc *r, uint32_t index)
{
	return r->slots + (size_t)(index & r->mask) * r->entry_size;
}

/* Producer: the next free slot, or NULL when the ring is full. */
static inline void *secshm_spsc_reserve(struct secshm_spsc *r)
{
	uint32_t size = r->mask + 1, head;

	if (r->own - r->peer < size)
		return secshm_spsc_slot(r, r->own);
	head = __atomic_load_n(&r->ctl->head, __ATOMIC_ACQUIRE);
	if (r->own - head > size)
		return NULL;	/* a head we never reached: a lie, treat as full */
	r->peer = head;
	return r->own - r->peer < size ? secshm_spsc_slot(r, r->own) : NULL;
}

/* Producer: publish n reserved slots. */
static inline void secshm_spsc_commit(struct secshm_spsc *r, uint32_t n)
{
	r->own += n;
	__atomic_store_n(&r->ctl->tail, r->own, __ATOMIC_RELEASE);
}

/* Consumer: entries ready (at most the ring size), reading the tail if none are known. */
static inline uint32_t secshm_spsc_ready(struct secshm_spsc *r)
{
	uint32_t tail;

	if (r->own != r->peer)
		return r->peer - r->own;
	tail = __atomic_load_n(&r->ctl->tail, __ATOMIC_ACQUIRE);
	if (tail - r->own > r->mask + 1)
		tail = r->own + r->mask + 1;	/* never more than a ring's worth */
	r->peer = tail;
	return r->peer - r->own;
}

/* Consumer: the oldest unconsumed entry, or NULL when the ring is empty. */
static inline void *secshm_spsc_peek(struct secshm_spsc *r)
{
	return secshm_spsc_ready(r) ? secshm_spsc_slot(r, r->own) : NULL;
}

/* Consumer: done with n entries; the producer learns it at the next publish. */
static inline void secshm_spsc_consume(struct secshm_spsc *r, uint32_t n)
{
	r->own += n;
}

/* Consumer: hand every consumed entry back to the producer. */
static inline void secshm_spsc_publish(struct secshm_spsc *r)
{
	__atomic_store_n(&r->ctl->head, r->own, __ATOMIC_RELEASE);
}

/* Consumer: consume n entries and hand them back at once. */
static inline void secshm_spsc_release(struct secshm_spsc *r, uint32_t n)
{
	secshm_spsc_consume(r, n);
	secshm_spsc_publish(r);
}

/*
 * Consumer about to sleep: ask for a wake-up, then look once more, since the
 * producer checks the flag only after publishing. Returns 1 if it may sleep,
 * 0 if entries arrived meanwhile (the flag is then cleared again).
 */
static inline int secshm_spsc_prepare_sleep(struct secshm_spsc *r)
{
	__atomic_store_n(&r->ctl->consumer_flags, SECSHM_RING_NEED_WAKEUP, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!secshm_spsc_ready(r))	/* with nothing cached, this reads the tail */
		return 1;
	__atomic_store_n(&r->ctl->consumer_flags, 0, __ATOMIC_RELAXED);
	return 0;
}

/* Consumer: awake again, no wake-ups needed. */
static inline void secshm_spsc_awake(struct secshm_spsc *r)
{
	__atomic_store_n(&r->ctl->consumer_flags, 0, __ATOMIC_RELAXED);
}

/* Producer, after commit: whether the consumer sleeps and must be woken. */
static inline int secshm_spsc_needs_wakeup(const struct secshm_spsc *r)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&r->ctl->consumer_flags, __ATOMIC_RELAXED) &
	       SECSHM_RING_NEED_WAKEUP;
}

/* Producer: whether entries it published are still unconsumed. */
static inline int secshm_spsc_pending(const struct secshm_spsc *r)
{
	return __atomic_load_n(&r->ctl->head, __ATOMIC_ACQUIRE) != r->own;
}

#endif /* SECSHM_RING_H */
