// SPDX-License-Identifier: MIT
/*
 * Quotas (Q1, Q5, docs/quotas.md). Connections are free, so every resource
 * is charged three times: to the connection, to the uid behind it (the
 * kernel's word: SO_PEERCRED) and to the server as a whole. A uid's limits
 * are a fraction of the server's, so no uid exhausts a global cap alone.
 * Over a per-client or per-uid quota: -EDQUOT; over a server-wide cap:
 * -ENOSPC.
 *
 * A section is charged to the uid that created it for its whole life and,
 * while permanent, to its owner: hanging up does not give a uid its quota
 * back while what it made lives on.
 */
#include <errno.h>
#include <stdlib.h>
#include "internal.h"

static uint32_t uid_hash(uid_t uid, uint32_t nbuckets)
{
	return (uint32_t)(uid * 2654435761U) & (nbuckets - 1);
}

struct uid_account *account_find(struct secshm_server *srv, uid_t uid)
{
	for (struct uid_account *a = srv->accounts[uid_hash(uid, ACCOUNT_BUCKETS)]; a; a = a->next)
		if (a->uid == uid)
			return a;
	return NULL;
}

static struct uid_account *account_get(struct secshm_server *srv, uid_t uid)
{
	struct uid_account *a = account_find(srv, uid), **b;

	if (a)
		return a;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->uid = uid;
	b = &srv->accounts[uid_hash(uid, ACCOUNT_BUCKETS)];
	a->next = *b;
	*b = a;
	return a;
}

/* An account holding nothing is forgotten. */
static void account_put(struct secshm_server *srv, struct uid_account *a)
{
	struct uid_account **p;

	if (a->clients || a->sections || a->fds || a->tokens || a->owner_sections)
		return;
	for (p = &srv->accounts[uid_hash(a->uid, ACCOUNT_BUCKETS)]; *p != a; p = &(*p)->next)
		;
	*p = a->next;
	free(a);
}

void accounts_free(struct secshm_server *srv)
{
	for (uint32_t b = 0; b < ACCOUNT_BUCKETS; b++)
		while (srv->accounts[b]) {
			struct uid_account *a = srv->accounts[b];

			srv->accounts[b] = a->next;
			free(a);
		}
}

/*
 * A new connection of uid: one of the uid's connections and one server
 * descriptor. The account is the client's until quota_disconnect().
 */
int quota_connect(struct secshm_server *srv, uid_t uid, struct uid_account **out)
{
	const struct secshm_limits *l = &srv->limits;
	struct uid_account *a;
	int err;

	if (srv->nclients >= l->clients)
		return -ENOSPC;
	a = account_get(srv, uid);
	if (!a)
		return -ENOMEM;
	err = a->clients >= l->uid_clients ? -EDQUOT : fds_charge(srv, a, 1);
	if (err) {
		account_put(srv, a);
		return err;
	}
	a->clients++;
	srv->nclients++;
	*out = a;
	return 0;
}

void quota_disconnect(struct secshm_server *srv, struct uid_account *a)
{
	a->clients--;
	srv->nclients--;
	fds_uncharge(srv, a, 1);
}

/*
 * n more descriptors held for uid a (NULL: for the server itself, charged
 * only to the server-wide budget). Every descriptor the server keeps on a
 * client's behalf goes through here before it is made.
 */
int fds_charge(struct secshm_server *srv, struct uid_account *a, uint32_t n)
{
	if (n > srv->limits.fds - srv->fds)
		return -ENOSPC;
	if (a && n > srv->limits.uid_fds - a->fds)
		return -EDQUOT;
	srv->fds += n;
	if (a)
		a->fds += n;
	return 0;
}

/* Charge descriptors that exist already, whatever the quota says. */
void fds_force(struct secshm_server *srv, struct uid_account *a, uint32_t n)
{
	srv->fds += n;
	if (a)
		a->fds += n;
}

void fds_uncharge(struct secshm_server *srv, struct uid_account *a, uint32_t n)
{
	srv->fds -= n;
	if (a) {
		a->fds -= n;
		account_put(srv, a);
	}
}

/* Descriptors the kernel refused us: the server's table is its own cap. */
int fd_errno(int err)
{
	return err == EMFILE || err == ENFILE ? -ENOSPC : -err;
}

int quota_charge(struct secshm_server *srv, struct secshm_client *c, const struct charge *ch)
{
	const struct secshm_limits *l = &srv->limits;
	uint64_t len = ch->length, pin = ch->pinned ? len : 0;
	struct uid_account *a = NULL, *o = NULL;
	int err;

	if (c && (c->nsections >= l->client_sections || len > l->client_bytes - c->bytes ||
		  pin > l->client_pinned - c->pinned))
		return -EDQUOT;
	if (srv->nsections >= l->sections || len > l->bytes - srv->bytes ||
	    pin > l->pinned - srv->pinned)
		return -ENOSPC;
	if (ch->uid != QUOTA_NO_UID && !(a = account_get(srv, ch->uid)))
		return -ENOMEM;
	err = -ENOMEM;
	if (ch->owner != QUOTA_NO_UID && !(o = account_get(srv, ch->owner)))
		goto err;
	err = -EDQUOT;
	if (a && (a->sections >= l->uid_sections || len > l->uid_bytes - a->bytes))
		goto err;
	if (o && (o->owner_sections >= l->owner_sections || len > l->owner_bytes - o->owner_bytes))
		goto err;
	err = fds_charge(srv, a, 1);
	if (err)
		goto err;
	if (c) {
		c->nsections++;
		c->bytes += len;
		c->pinned += pin;
	}
	if (a) {
		a->sections++;
		a->bytes += len;
	}
	if (o) {
		o->owner_sections++;
		o->owner_bytes += len;
	}
	srv->nsections++;
	srv->bytes += len;
	srv->pinned += pin;
	return 0;
err:
	if (o && o != a)
		account_put(srv, o);
	if (a)
		account_put(srv, a);
	return err;
}

/* c: the creator if it is still connected, else NULL. */
void quota_uncharge(struct secshm_server *srv, struct secshm_client *c,
		    const struct charge *ch)
{
	uint64_t pin = ch->pinned ? ch->length : 0;
	struct uid_account *a = ch->uid != QUOTA_NO_UID ? account_find(srv, ch->uid) : NULL;

	if (c) {
		c->nsections--;
		c->bytes -= ch->length;
		c->pinned -= pin;
	}
	if (ch->owner != QUOTA_NO_UID) {
		struct uid_account *o = account_find(srv, ch->owner);

		o->owner_sections--;
		o->owner_bytes -= ch->length;
		account_put(srv, o);
	}
	srv->nsections--;
	srv->bytes -= ch->length;
	srv->pinned -= pin;
	if (a) {
		a->sections--;
		a->bytes -= ch->length;
	}
	fds_uncharge(srv, a, 1);
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

int quota_charge_token(struct secshm_client *c)
{
	if (c->ntokens >= TOKENS_PER_CLIENT || c->acct->tokens >= c->srv->limits.uid_tokens)
		return -EDQUOT;
	c->ntokens++;
	c->acct->tokens++;
	return 0;
}

/* The token's account may outlive its exporter's connection by nothing. */
void quota_uncharge_token(struct secshm_client *c)
{
	c->ntokens--;
	c->acct->tokens--;
}
