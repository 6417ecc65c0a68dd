// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Requests (R4): the header a socket message carries and the rules of
 * every argument struct, checked whole, before anything changes
 * (Documentation/process/botching-up-ioctls.rst): reserved fields and
 * unknown flags refused, sizes bounded. What only one side has (the
 * socket's framing, the device's user addresses) is told apart by device.
 */
#include "core.h"

static bool zero(const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

int secshm_check_header(const struct secshm_msg *hdr, size_t len, bool truncated)
{
	if (len < sizeof(*hdr) || len > SECSHM_MSG_MAX || truncated || hdr->size != len)
		return -EBADMSG;
	if (hdr->version != SECSHM_ABI_VERSION)
		return -EPROTO;
	if (hdr->status || hdr->flags)
		return -EINVAL;
	if (!hdr->opcode || hdr->opcode > SECSHM_OP_MAX_BUILTIN)
		return -EOPNOTSUPP;
	return 0;
}

int secshm_create_flags(uint32_t flags, bool named, bool has_file, const struct secshm_who *who,
			uint32_t *sflags)
{
	if (flags & ~SECSHM_CREATE_MASK)
		return -EINVAL;
	if (!(flags & SECSHM_CREATE_FILE) != !has_file)
		return -EINVAL;
	if ((flags & SECSHM_SECTION_PINNED) && (flags & SECSHM_CREATE_FILE))
		return -EINVAL;	/* a file can shrink under the lock */
	if ((flags & SECSHM_CREATE_PERMANENT) && !named)
		return -EINVAL;
	if (who && (flags & SECSHM_SECTION_TRUSTED_ONLY) && !who->ops->trusted(who))
		return -EACCES;
	if (who && (flags & SECSHM_SECTION_PINNED) && !who->ops->may_pin(who))
		return -EPERM;
	*sflags = (flags & SECSHM_SECTION_CREATE_MASK) |
		  (flags & SECSHM_CREATE_FILE ? SECSHM_SECTION_FILE : 0) |
		  (flags & SECSHM_CREATE_PERMANENT ? SECSHM_SECTION_PERMANENT : 0) |
		  (who ? SECSHM_SECTION_CLIENT_CREATED : 0);
	return 0;
}

int secshm_check_create(const struct secshm_create_args *a, bool device)
{
	if (a->fd && (!device || !(a->flags & SECSHM_CREATE_FILE)))
		return -EINVAL;	/* on the socket the file travels as SCM_RIGHTS */
	if (a->name_len)
		return secshm_name_request(a->name, a->name_len);
	if (!zero(&a->sd, sizeof(a->sd)) || !zero(a->name, sizeof(a->name)))
		return -EINVAL;	/* an unnamed section has no descriptor and no name bytes */
	return 0;
}

int secshm_check_open(const struct secshm_open_args *a)
{
	uint32_t want;

	if ((a->flags & ~SECSHM_OPEN_TOKEN) || a->reserved)
		return -EINVAL;
	if (a->flags & SECSHM_OPEN_TOKEN)
		return a->access || a->name_len || !zero(a->name, sizeof(a->name)) ? -EINVAL : 0;
	if (!zero(&a->token, sizeof(a->token)))
		return -EINVAL;
	return secshm_access_want(a->access, &want) ?: secshm_name_request(a->name, a->name_len);
}

int secshm_check_query(const struct secshm_query_args *a)
{
	return a->reserved ? -EINVAL : 0;
}

int secshm_check_dup(const struct secshm_dup_args *a)
{
	uint32_t want;

	if ((a->flags & ~(SECSHM_DUP_SAME_ACCESS | SECSHM_DUP_EXPORT)) || a->reserved)
		return -EINVAL;
	if (a->flags & SECSHM_DUP_SAME_ACCESS)
		return 0;
	return secshm_access_want(a->access, &want);
}

int secshm_check_map(const struct secshm_map_args *a)
{
	return !(a->prot & SECSHM_PROT_READ) || (a->prot & ~SECSHM_PROT_MASK) ? -EINVAL : 0;
}

int secshm_check_list(const struct secshm_list_args *a, bool device)
{
	return a->flags || (!device && a->entries) ? -EINVAL : 0;
}

int secshm_check_call(const struct secshm_call_args *a, bool device)
{
	if (a->flags)
		return -EINVAL;
	if (a->nrefs > SECSHM_REFS_MAX || a->in_len > SECSHM_INLINE_MAX ||
	    a->out_len > SECSHM_INLINE_MAX)
		return -E2BIG;
	if (!device && (a->refs || a->in || a->out))
		return -EINVAL;	/* on the socket they travel inline */
	return 0;
}

#define RING_DEFAULT	256

int secshm_check_ring(const struct secshm_ring_args *a, uint32_t *entries)
{
	uint32_t n = a->entries ? a->entries : RING_DEFAULT;

	if (a->flags || (n & (n - 1)) || n > SECSHM_RING_MAX)
		return -EINVAL;
	*entries = n;
	return 0;
}

int secshm_opcode_check(uint32_t opcode, bool builtin, uint32_t min_refs, uint32_t max_refs,
			uint32_t min_in, uint32_t max_in)
{
	if (builtin ? !opcode || opcode >= SECSHM_CALL_USER :
		      opcode < SECSHM_CALL_USER || opcode > SECSHM_CALL_MAX)
		return -EINVAL;
	if (min_refs > max_refs || max_refs > SECSHM_REFS_MAX || min_in > max_in ||
	    max_in > SECSHM_INLINE_MAX)
		return -EINVAL;
	return 0;
}

int secshm_call_fits(uint32_t nrefs, uint32_t in_len, uint32_t min_refs, uint32_t max_refs,
		     uint32_t min_in, uint32_t max_in)
{
	if (nrefs < min_refs || nrefs > max_refs || in_len < min_in || in_len > max_in)
		return -EINVAL;
	return 0;
}
