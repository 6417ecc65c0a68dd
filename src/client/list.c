// SPDX-License-Identifier: MIT
/* LIST: the named sections the caller may query, a page at a time. */
#include <errno.h>
#include <limits.h>
#include "client.h"

int secshm_list(struct secshm *s, uint32_t start, struct secshm_section_info *info,
		uint32_t max, uint32_t *total)
{
	struct secshm_list_args a = { .size = sizeof(a), .start = start };
	struct secshm__tail tail = { .out = info };
	int ret;

	/* The count is the return value, and a socket reply holds one page. */
	if (max > INT_MAX)
		max = INT_MAX;
	if (!secshm__by_address(s) && max > SECSHM_LIST_MAX)
		max = SECSHM_LIST_MAX;
	a.max = max;
	tail.out_cap = (size_t)max * sizeof(*info);
	if (secshm__by_address(s))
		a.entries = secshm__addr(info);

	ret = secshm__list(s, &a, &tail);
	if (ret < 0)
		return ret;
	if (a.count > max)
		return -EPROTO;
	if (!secshm__by_address(s) && tail.out_len != a.count * sizeof(*info))
		return -EPROTO;
	if (total)
		*total = a.total;
	return (int)a.count;
}
