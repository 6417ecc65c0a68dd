// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Names and namespaces (S2, N1, docs/namespaces.md). A name is 1 to
 * SECSHM_NAME_MAX bytes of [A-Za-z0-9._-] in components joined by '/'; no
 * empty, "." or ".." component. "global/NAME" and "user/UID/NAME" are
 * qualified; anything else is resolved against its caller.
 */
#include "core.h"

#define NS_GLOBAL_LEN	(sizeof(SECSHM_NS_GLOBAL) - 1)
#define NS_USER_LEN	(sizeof(SECSHM_NS_USER) - 1)

/* ASCII only: a kernel's isalnum() takes Latin-1 letters too. */
static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static bool dots(const char *comp, size_t len)
{
	return (len == 1 && comp[0] == '.') || (len == 2 && comp[0] == '.' && comp[1] == '.');
}

int secshm_name_check(const char *name, size_t len)
{
	size_t start = 0;

	if (!len)
		return -EINVAL;
	if (len > SECSHM_NAME_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && name[i] != '/') {
			if (!name_char(name[i]))
				return -EINVAL;
			continue;
		}
		if (i == start || dots(name + start, i - start))
			return -EINVAL;
		start = i + 1;
	}
	return 0;
}

int secshm_name_request(const char raw[SECSHM_NAME_MAX + 1], uint32_t len)
{
	if (len > SECSHM_NAME_MAX)
		return -ENAMETOOLONG;
	if (!len || memchr(raw, 0, len))
		return -EINVAL;
	for (size_t i = len; i <= SECSHM_NAME_MAX; i++)
		if (raw[i])
			return -EINVAL;	/* bytes past the name */
	return secshm_name_check(raw, len);
}

static bool has_prefix(const char *s, size_t len, const char *prefix, size_t plen)
{
	return len >= plen && !memcmp(s, prefix, plen);
}

/* "UID/REST" after "user/": a canonical decimal uid and a rest. */
static int ns_user(const char *s, size_t len, uint32_t *uid)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && s[i] != '/'; i++) {
		if (s[i] < '0' || s[i] > '9' || (i == 1 && s[0] == '0'))
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v >= UINT32_MAX)
			return -EINVAL;	/* (uid_t)-1 is no uid */
	}
	if (!i || i == len)
		return -EINVAL;	/* "user/" alone, or "user/5" with no name */
	*uid = (uint32_t)v;
	return 0;
}

int secshm_name_resolve(const char *name, size_t len, bool global_default, uint32_t uid,
			char out[SECSHM_NAME_MAX + 1], size_t *out_len, struct secshm_ns *ns)
{
	int n, err;

	*ns = (struct secshm_ns){ .qualified = true, .global = true };
	if (has_prefix(name, len, SECSHM_NS_GLOBAL, NS_GLOBAL_LEN)) {
		n = snprintf(out, SECSHM_NAME_MAX + 1, "%.*s", (int)len, name);
	} else if (has_prefix(name, len, SECSHM_NS_USER, NS_USER_LEN)) {
		ns->global = false;
		err = ns_user(name + NS_USER_LEN, len - NS_USER_LEN, &ns->uid);
		if (err)
			return err;
		n = snprintf(out, SECSHM_NAME_MAX + 1, "%.*s", (int)len, name);
	} else if ((len == NS_GLOBAL_LEN - 1 && !memcmp(name, SECSHM_NS_GLOBAL, len)) ||
		   (len == NS_USER_LEN - 1 && !memcmp(name, SECSHM_NS_USER, len))) {
		return -EINVAL;	/* a namespace is not a name */
	} else if (global_default) {
		*ns = (struct secshm_ns){ .global = true };
		n = snprintf(out, SECSHM_NAME_MAX + 1, SECSHM_NS_GLOBAL "%.*s", (int)len, name);
	} else if (uid == UINT32_MAX) {
		return -EINVAL;	/* (uid_t)-1 is nobody's: no namespace */
	} else {
		*ns = (struct secshm_ns){ .uid = uid };
		n = snprintf(out, SECSHM_NAME_MAX + 1, SECSHM_NS_USER "%u/%.*s", uid, (int)len,
			     name);
	}
	if (n < 0 || n > SECSHM_NAME_MAX)
		return -ENAMETOOLONG;
	*out_len = (size_t)n;
	return 0;
}

bool secshm_name_may_create(const struct secshm_ns *ns, const struct secshm_who *who)
{
	if (ns->global)
		return who->ops->global(who);
	return ns->uid == who->uid;
}
