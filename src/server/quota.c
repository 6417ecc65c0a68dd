// SPDX-License-Identifier: MIT
/*
 * Quotas (Q1). Per client: handles (in its table), sections and bytes it
 * created, views. Per owner uid: permanent named sections, which outlive
 * their creator's connection. Server-wide: sections and bytes. A client over
 * its own quota gets -EDQUOT; over the server-wide cap, -ENOSPC.
 */
#include <errno.h>
#include <stdlib.h>
#include "internal.h"

static struct owner_account *owner_find(struct secshm_server *srv, uid_t uid, bool create)
{
	struct owner_account *a;

	for (size_t i = 0; i < srv->nowners; i++)
		if (srv->owners[i].uid == uid)
			return &srv->owners[i];
	if (!create)
		return NULL;
	a = realloc(srv->owners, (srv->nowners + 1) * sizeof(*a));
	if (!a)
		return NULL;
	srv->owners = a;
	a = &srv->owners[srv->nowners++];
	*a = (struct owner_account){ .uid = uid };
	return a;
}

int quota_charge(struct secshm_server *srv, struct secshm_client *c, const struct charge *ch)
{
	const struct secshm_limits *l = &srv->limits;
	uint64_t len = ch->length, pin = ch->pinned ? len : 0;
	struct owner_account *a = NULL;

	if (c && (c->nsections >= l->client_sections || len > l->client_bytes - c->bytes ||
		  pin > l->client_pinned - c->pinned))
		return -EDQUOT;
	if (ch->owner != QUOTA_NO_OWNER) {
		a = owner_find(srv, ch->owner, true);
		if (!a)
			return -ENOMEM;
		if (a->sections >= l->owner_sections || len > l->owner_bytes - a->bytes)
			return -EDQUOT;
	}
	if (srv->nsections >= l->sections || len > l->bytes - srv->bytes ||
	    pin > l->pinned - srv->pinned)
		return -ENOSPC;
	if (c) {
		c->nsections++;
		c->bytes += len;
		c->pinned += pin;
	}
	if (a) {
		a->sections++;
		a->bytes += len;
	}
	srv->nsections++;
	srv->bytes += len;
	srv->pinned += pin;
	return 0;
}

void quota_uncharge(struct secshm_server *srv, struct secshm_client *c,
		    const struct charge *ch)
{
	uint64_t pin = ch->pinned ? ch->length : 0;

	if (c) {
		c->nsections--;
		c->bytes -= ch->length;
		c->pinned -= pin;
	}
	if (ch->owner != QUOTA_NO_OWNER) {
		struct owner_account *a = owner_find(srv, ch->owner, false);

		if (a) {
			a->sections--;
			a->bytes -= ch->length;
		}
	}
	srv->nsections--;
	srv->bytes -= ch->length;
	srv->pinned -= pin;
}

int quota_charge_view(struct secshm_client *c)
{
	if (c->nviews >= c->srv->limits.client_views)
		return -EDQUOT;
	c->nviews++;
	c->srv->nviews++;
	return 0;
}

void quota_uncharge_view(struct secshm_client *c)
{
	c->nviews--;
	c->srv->nviews--;
}
