// SPDX-License-Identifier: GPL-2.0
/*
 * Transfer tokens (H7), as the daemon has them: DUPLICATE with
 * SECSHM_DUP_EXPORT turns a handle with DUPLICATE access into a one-use
 * 128-bit random token carrying equal or lesser access; any client given
 * it redeems it with OPEN and SECSHM_OPEN_TOKEN for exactly that access,
 * subject to the trusted-only rule. A token holds a reference to its
 * section and dies when redeemed or when its exporter closes /dev/secshm;
 * it is charged to its exporter and the exporter's uid (Q5).
 * (A handle descriptor can also travel over SCM_RIGHTS: mmap works on it
 * anywhere, requests only from the client that holds it.)
 */
#include <crypto/algapi.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "secshm_internal.h"

#define SECSHM_TOKENS_PER_CLIENT	64

struct secshm_token_k {
	struct list_head node;
	struct secshm_token value;
	struct secshm_section *sec;
	u32 access;
	struct secshm_client *exporter;
};

static LIST_HEAD(secshm_tokens);
static DEFINE_MUTEX(secshm_tokens_lock);

static void secshm_token_free(struct secshm_token_k *t)
{
	list_del(&t->node);
	atomic_dec(&t->exporter->account->tokens);
	atomic_dec(&t->exporter->tokens);
	secshm_section_release(t->sec);
	kfree(t);
}

int secshm_token_export(struct secshm_client *cl, struct secshm_section *sec,
			u32 access, struct secshm_token *value)
{
	struct secshm_token_k *t;
	int ret;

	ret = secshm_quota_take(&cl->tokens, SECSHM_TOKENS_PER_CLIENT);
	if (ret)
		return ret;
	ret = secshm_quota_take(&cl->account->tokens, secshm_uid_tokens);
	if (ret)
		goto err_client;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t) {
		ret = -ENOMEM;
		goto err_uid;
	}
	get_random_bytes(&t->value, sizeof(t->value));
	secshm_section_get(sec);
	t->sec = sec;
	t->access = access;
	t->exporter = cl;
	*value = t->value;
	mutex_lock(&secshm_tokens_lock);
	list_add_tail(&t->node, &secshm_tokens);
	mutex_unlock(&secshm_tokens_lock);
	return 0;

err_uid:
	atomic_dec(&cl->account->tokens);
err_client:
	atomic_dec(&cl->tokens);
	return ret;
}

/*
 * Prepare a handle for the token's holder and consume the token. Every
 * token is compared, in constant time, so timing says nothing of a guess.
 */
long secshm_token_redeem(struct secshm_client *cl,
			 const struct secshm_token *value,
			 struct secshm_handle_new *hn)
{
	struct secshm_token_k *t, *found = NULL;
	long ret;

	mutex_lock(&secshm_tokens_lock);
	list_for_each_entry(t, &secshm_tokens, node) {
		if (!crypto_memneq(&t->value, value, sizeof(*value)))
			found = t;
	}
	ret = -EBADF;
	if (!found)
		goto out;
	ret = secshm_open_check(found->sec, 0);
	if (ret)
		goto out;
	ret = secshm_handle_prepare(hn, cl, found->sec, found->access);
	if (!ret)
		secshm_token_free(found);
out:
	mutex_unlock(&secshm_tokens_lock);
	return ret;
}

void secshm_tokens_drop(struct secshm_client *cl)
{
	struct secshm_token_k *t, *tmp;

	mutex_lock(&secshm_tokens_lock);
	list_for_each_entry_safe(t, tmp, &secshm_tokens, node)
		if (t->exporter == cl)
			secshm_token_free(t);
	mutex_unlock(&secshm_tokens_lock);
}
