/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The security core: every decision both privileged sides make about what
 * a client may do, in plain C that compiles unchanged into secshm.ko and
 * into libsecshm-server (compat.h). Each side keeps only its mechanics:
 * descriptors, files and locks in the kernel, memfds and sockets in the
 * daemon. One unit test and one fuzzer then cover both sides' decisions
 * (docs/layers.md).
 *
 * Every function returns 0 (or a value) or a negative errno, with the
 * meanings include/uapi/secshm.h gives them.
 */
#ifndef SECSHM_CORE_H
#define SECSHM_CORE_H

#include "compat.h"
#include "secshm-walk.h"

/* ---- who.c: a caller, as a side knows it ---- */

struct secshm_who;

/*
 * What only the side can tell about a caller: its groups and its
 * privileges (the daemon from SO_PEERCRED, SO_PEERGROUPS and its
 * configuration; the module from current_cred() and capabilities). Asked
 * only when a decision needs them.
 */
struct secshm_who_ops {
	bool (*in_group)(const struct secshm_who *who, uint32_t gid);
	bool (*dac_override)(const struct secshm_who *who);	/* every right on any descriptor */
	bool (*may_chown)(const struct secshm_who *who);	/* give a section to another owner */
	bool (*trusted)(const struct secshm_who *who);		/* trusted-only sections (P8) */
	bool (*may_pin)(const struct secshm_who *who);		/* pinned sections (Q3) */
	bool (*global)(const struct secshm_who *who);		/* global names (N1) */
	bool (*admin)(const struct secshm_who *who);		/* the server's state (Q4) */
};

struct secshm_who {
	uint32_t uid, gid;	/* as the init user namespace sees them */
	const struct secshm_who_ops *ops;
};

/*
 * The server itself (the daemon's process, a driver in the kernel): every
 * privilege, and the group it runs as.
 */
extern const struct secshm_who_ops secshm_who_server_ops;

/* ---- name.c: names and namespaces (S2, N1) ---- */

/* 1..SECSHM_NAME_MAX bytes of [A-Za-z0-9._-] in components joined by '/'. */
int secshm_name_check(const char *name, size_t len);

/* A request's name field: len bytes with no NUL, the rest of the array zero. */
int secshm_name_request(const char raw[SECSHM_NAME_MAX + 1], uint32_t len);

/* The namespace a qualified name is in. */
struct secshm_ns {
	bool qualified;		/* written with its namespace */
	bool global;
	uint32_t uid;		/* else whose */
};

/*
 * A checked name as uid means it: qualified names stand; an unqualified
 * one is global if global_default (the server's own names), else uid's.
 * out gets the qualified name, NUL-terminated, *out_len its length.
 */
int secshm_name_resolve(const char *name, size_t len, bool global_default, uint32_t uid,
			char out[SECSHM_NAME_MAX + 1], size_t *out_len, struct secshm_ns *ns);

/* May who, a client, create a new name in ns? (The server itself may anywhere.) */
bool secshm_name_may_create(const struct secshm_ns *ns, const struct secshm_who *who);

/* ---- access.c: rights and security descriptors (H1, H3, H4, P1, P8) ---- */

/* Rights asked for, generic mapped to specific: -EINVAL if none or unknown. */
int secshm_access_want(uint32_t access, uint32_t *want);

/*
 * A descriptor from a request, made the one stored: SECSHM_ID_CALLER
 * resolved to who (whose ids the side has already put in the init user
 * namespace, as in), generic rights mapped, the shape checked (mode 0666
 * at most, entries, reserved and unused bytes zero: -EINVAL), and only a
 * caller who may chown giving it away (-EPERM). All zero: who's, 0600.
 */
int secshm_sd_resolve(const struct secshm_sd *in, const struct secshm_who *who,
		      struct secshm_sd *out);

/* The rights who's credentials get from sd: the union of every match. */
uint32_t secshm_sd_rights(const struct secshm_sd *sd, const struct secshm_who *who);

/*
 * May who be given a handle with want (specific rights) to a section of
 * these flags (SECSHM_SECTION_*), whatever its descriptor says (the server
 * deciding, a transfer token)? Never to a server-private section, to a
 * trusted-only one only if trusted, and never more than the section allows.
 */
int secshm_grant_check(uint32_t flags, const struct secshm_who *who, uint32_t want);

/*
 * May who open such a section by name with want? As a grant, and then as
 * the descriptor says: server-private and trusted-only sections are refused
 * before the descriptor is looked at, so no override reaches them.
 */
int secshm_open_check(uint32_t flags, const struct secshm_sd *sd, const struct secshm_who *who,
		      uint32_t want);

/* A handle holding held asked for access (generic rights too; 0 for none): -EACCES. */
int secshm_handle_check(uint32_t held, uint32_t access);

/* The rights a handle to a section of these flags may ever carry (P9). */
uint32_t secshm_section_access_mask(uint32_t flags);

/* May who see the server's state: counters, clients, their handles (Q4)? -EACCES. */
int secshm_admin_check(const struct secshm_who *who);

/* ---- range.c: references, views and spans (R2, S3) ---- */

/* [off, off + len) inside size: -EINVAL empty, -EOVERFLOW, -ERANGE. */
int secshm_range_check(uint64_t off, uint64_t len, uint64_t size);

/* A view: the range, page aligned (-EINVAL otherwise). */
int secshm_view_check(uint64_t off, uint64_t len, uint64_t size, uint64_t page);

/*
 * A reference's flags: READ and/or WRITE, SECSHM_REF_USER_PTR only where
 * user_ptr_ok (the device). *need: the handle rights they take.
 */
int secshm_ref_flags(uint32_t flags, bool user_ptr_ok, uint32_t *need);

/* pos/len within a resolved reference of length and flags, used for dir. */
int secshm_span_check(uint32_t flags, uint64_t length, uint64_t pos, uint64_t len, uint32_t dir);

/*
 * A section's length: not 0 (-EINVAL), and rounded up to whole pages no
 * more than max (-EOVERFLOW); *rounded gets the rounded length.
 */
int secshm_length_check(uint64_t length, uint64_t page, uint64_t max, uint64_t *rounded);

/*
 * A file backs a section only whole (P9): a view gives the file itself
 * away, so a section shorter than its file would give the bytes after it.
 * -ERANGE unless length and size round up to the same number of pages.
 */
int secshm_file_size_check(uint64_t length, uint64_t size, uint64_t page);

/* ---- args.c: request headers and argument structs (R4) ---- */

/* A socket message's header, len bytes received (truncated: more were sent). */
int secshm_check_header(const struct secshm_msg *hdr, size_t len, bool truncated);

/*
 * CREATE's flags (SECSHM_CREATE_*), whatever path they came by: their
 * rules, who's permission for them (who NULL: the server itself, which
 * needs none), and the section flags they make in *sflags.
 */
int secshm_create_flags(uint32_t flags, bool named, bool has_file, const struct secshm_who *who,
			uint32_t *sflags);

/*
 * CREATE's struct: the fd field (device: the file's descriptor; the
 * socket sends it as SCM_RIGHTS), the name bytes, an unnamed section's
 * unused fields.
 */
int secshm_check_create(const struct secshm_create_args *a, bool device);
int secshm_check_open(const struct secshm_open_args *a);
int secshm_check_query(const struct secshm_query_args *a);
int secshm_check_dup(const struct secshm_dup_args *a);
int secshm_check_map(const struct secshm_map_args *a);
int secshm_check_list(const struct secshm_list_args *a, bool device);
int secshm_check_call(const struct secshm_call_args *a, bool device);
int secshm_check_ring(const struct secshm_ring_args *a, uint32_t *entries);

/*
 * A CALL opcode as a server registers it: in the servers' range
 * (SECSHM_CALL_USER..SECSHM_CALL_MAX), or below it for a built-in call, and
 * a shape (how many references, how many input bytes) within the ABI's
 * limits, min <= max. -EINVAL otherwise.
 */
int secshm_opcode_check(uint32_t opcode, bool builtin, uint32_t min_refs, uint32_t max_refs,
			uint32_t min_in, uint32_t max_in);

/* Does a CALL of nrefs references and in_len input bytes fit that shape (-EINVAL)? */
int secshm_call_fits(uint32_t nrefs, uint32_t in_len, uint32_t min_refs, uint32_t max_refs,
		     uint32_t min_in, uint32_t max_in);

/* ---- quota: the one comparison every quota makes ---- */

/* Would n more over used pass max? Never wraps. */
static inline bool secshm_quota_over(uint64_t used, uint64_t n, uint64_t max)
{
	return n > max || used > max - n;
}

/* ---- fetch.c: the double-fetch ledger (P6, check_fetch) ---- */

#define SECSHM_FETCH_MAX	64	/* captures recorded per request */

struct secshm_fetch {
	uint32_t n;
	struct {
		uint64_t section, start, end;
	} r[SECSHM_FETCH_MAX];
};

static inline void secshm_fetch_begin(struct secshm_fetch *f)
{
	f->n = 0;
}

/*
 * -EIO if [start, start + len) of section (0: the caller's own memory) was
 * captured already in this request.
 */
int secshm_fetch_record(struct secshm_fetch *f, uint64_t section, uint64_t start, uint64_t len);

/* ---- walk.c: nested references (R3) ---- */

/* A node of a walk: a resolved reference, as the side made it. */
struct secshm_walk_node {
	uint64_t section;	/* an id unique to the section */
	uint64_t offset, length;
	void *priv;		/* the side's own */
};

/* How a side resolves, captures and lets go of a node. */
struct secshm_walk_ops {
	int (*resolve)(void *ctx, const struct secshm_ref *ref, struct secshm_walk_node *node);
	int (*capture)(void *ctx, const struct secshm_walk_node *node, void *buf);
	void (*put)(void *ctx, struct secshm_walk_node *node);
};

/*
 * Walk from root, depth first: every node is resolved as a client's
 * reference by ops->resolve, captured once into private memory by
 * ops->capture, and only then shown to w->visit. Limits and errors as
 * include/secshm-walk.h describes.
 */
int secshm_walk_run(const struct secshm_walk *w, const struct secshm_walk_ops *ops, void *ctx,
		    const struct secshm_walk_node *root);

#endif /* SECSHM_CORE_H */
