// SPDX-License-Identifier: MIT
/*
 * Transfer tokens (H7): how a client passes a section to another process
 * through the daemon. DUPLICATE with SECSHM_DUP_EXPORT turns a handle the
 * client holds with DUPLICATE access into a one-use 128-bit random token
 * carrying equal or lesser access; whoever is given it redeems it with OPEN
 * and gets exactly that access, subject to the trusted-only rule. A token
 * dies when redeemed or when its exporter disconnects, and holds a
 * reference to its section meanwhile. (On the device a handle is a
 * descriptor and passes over SCM_RIGHTS the ordinary way.)
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>
#include "internal.h"

struct token {
	struct list_head link;		/* srv->tokens */
	struct secshm_token value;
	struct section *sec;		/* referenced */
	uint32_t access;
	struct secshm_client *exporter;
};

static void token_free(struct token *t)
{
	list_del_init(&t->link);
	quota_uncharge_token(t->exporter);
	secshm_object_put(&t->sec->obj);
	free(t);
}

int token_export(struct secshm_client *c, struct section *sec, uint32_t access,
		 struct secshm_token *value)
{
	struct token *t;
	int err = quota_charge_token(c);

	if (err)
		return err;
	t = calloc(1, sizeof(*t));
	if (!t) {
		quota_uncharge_token(c);
		return -ENOMEM;
	}
	if (getrandom(&t->value, sizeof(t->value), 0) != sizeof(t->value)) {
		quota_uncharge_token(c);
		free(t);
		return -EAGAIN;
	}
	t->sec = to_section(secshm_object_get(&sec->obj));
	t->access = access;
	t->exporter = c;
	list_add_tail(&t->link, &c->srv->tokens);
	*value = t->value;
	return 0;
}

/* Compare without an early exit, so timing says nothing about a guess. */
static bool token_equal(const struct secshm_token *a, const struct secshm_token *b)
{
	return !((a->value[0] ^ b->value[0]) | (a->value[1] ^ b->value[1]));
}

int token_redeem(struct secshm_client *c, const struct secshm_token *value, uint32_t *handle)
{
	struct list_head *pos, *tmp;
	struct token *found = NULL;
	int err;

	list_for_each_safe(pos, tmp, &c->srv->tokens) {
		struct token *t = list_entry(pos, struct token, link);

		if (token_equal(&t->value, value))
			found = t;
	}
	if (!found)
		return -EBADF;
	err = secshm_grant_check(found->sec->flags, &c->cred.who, found->access);
	if (err)
		return err;
	err = handle_insert(&c->handles, secshm_object_get(&found->sec->obj), found->access,
			    handle);
	if (err) {
		secshm_object_put(&found->sec->obj);
		return err;
	}
	token_free(found);
	return 0;
}

void token_drop_client(struct secshm_client *c)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &c->srv->tokens) {
		struct token *t = list_entry(pos, struct token, link);

		if (t->exporter == c)
			token_free(t);
	}
}
