// SPDX-License-Identifier: MIT
/*
 * Byte ranges of a named section for read and write: views are page
 * aligned, bytes need not be, so map the pages that cover the range.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "cli.h"

/* Open name with access (which must include QUERY) and learn its size. */
int cli_range_open(struct cli_range *r, struct secshm *s, const char *name, uint32_t access)
{
	struct secshm_section_info info;
	int err;

	*r = (struct cli_range){ .s = s };
	err = secshm_open(s, name, access, &r->handle);
	if (err < 0)
		return err;
	err = secshm_query(s, r->handle, &info, NULL);
	if (err < 0) {
		secshm_close(s, r->handle);
		return err;
	}
	r->size = info.length;
	r->owner = info.owner;
	return 0;
}

/*
 * Root names another uid's section: the name may be exactly the squat the
 * namespaces prevent for unqualified names (docs/namespaces.md), so root
 * has to say it means it.
 */
int cli_range_owner(const struct cli_range *r, const char *cmd, const char *name,
		    bool any_owner)
{
	if (any_owner || geteuid() != 0 || r->owner == 0)
		return 0;
	fprintf(stderr, "secshm: %s %s: owned by uid %u, not by you; pass --any-owner to %s it "
		"anyway\n", cmd, name, r->owner, cmd);
	return CLI_FAIL;
}

/* Map [offset, offset + length); -ERANGE past the section's end. */
int cli_range_map(struct cli_range *r, uint64_t offset, uint64_t length, uint32_t prot)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t start = offset & ~(page - 1);
	uint64_t end;
	void *view;
	int err;

	if (offset > r->size || length > r->size - offset)
		return -ERANGE;
	if (!length)
		return 0;
	end = (offset + length + page - 1) & ~(page - 1);
	err = secshm_map(r->s, r->handle, start, end - start, prot, &view);
	if (err < 0)
		return err;
	r->view = view;
	r->bytes = (char *)view + (offset - start);
	return 0;
}

void cli_range_close(struct cli_range *r)
{
	if (r->view)
		secshm_unmap(r->s, r->view);
	secshm_close(r->s, r->handle);
}
