/* SPDX-License-Identifier: GPL-2.0 */
/*
 * secshm.ko internals: the objects the module keeps and the functions its
 * files share, listed from the bottom layer up; a file calls only into the
 * files listed above its own (docs/layers.md). Every security decision is
 * the core's (core/core.h); these files hold the mechanics. The exported
 * API for other drivers is secshm_kapi.h.
 */
#ifndef _SECSHM_INTERNAL_H
#define _SECSHM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <uapi/secshm.h>

#include "core.h"
#include "secshm_kapi.h"

/* ---- params.c: the module's parameters ---- */

extern unsigned int secshm_max_handles, secshm_max_sections, secshm_max_views;
extern unsigned long secshm_max_bytes;
extern unsigned int secshm_uid_clients, secshm_uid_sections, secshm_uid_tokens;
extern unsigned long secshm_uid_bytes;
extern unsigned int secshm_owner_sections;
extern unsigned long secshm_owner_bytes;
extern unsigned int secshm_total_sections;
extern unsigned long secshm_total_bytes;
extern unsigned long secshm_total_pinned;
extern int secshm_trusted_gid;
extern int secshm_global_gid;
extern bool secshm_check_fetch;
extern char secshm_file_fs[256];

/* ---- who.c: the caller, as the core asks about it ---- */

/* The calling task (current), whose request this is. */
void secshm_who_current(struct secshm_who *who);

/* The kernel itself, a driver on the kernel API: root, every privilege. */
extern const struct secshm_who secshm_who_kernel;

/* ---- account.c: per-uid accounts (Q5) ---- */

/*
 * What one uid is charged for across its clients. The counters are quotas
 * taken with secshm_quota_take()/secshm_quota_add().
 */
struct secshm_account {
	struct kref ref;
	kuid_t uid;
	struct hlist_node node;		/* the account table */
	atomic_t clients;		/* opens of /dev/secshm */
	atomic_t sections;		/* sections its clients created, alive */
	atomic64_t bytes;		/* bytes of those */
	atomic_t tokens;		/* transfer tokens its clients exported */
	atomic_t owner_sections;	/* permanent names it owns */
	atomic64_t owner_bytes;		/* bytes of those */
};

struct secshm_account *secshm_account_get(kuid_t uid);
void secshm_account_put(struct secshm_account *a);

/* ---- quota.c: counters and charges (Q1, Q3, Q5) ---- */

/* Module-wide counters behind SECSHM_CALL_STATS and the unload leak check. */
struct secshm_counters {
	atomic_t accounts;
	atomic_t clients;
	atomic_t sections;
	atomic_t views;
	atomic_t handles;
	atomic_t server_refs;
	atomic64_t bytes;
	atomic64_t pinned;
};

extern struct secshm_counters secshm_count;

/* One more of a quota (-EDQUOT past max); given back with atomic_dec(). */
int secshm_quota_take(atomic_t *count, unsigned int max);
/* n more bytes (-EDQUOT past max); given back with atomic64_sub(). */
int secshm_quota_add(atomic64_t *count, u64 n, u64 max);

struct secshm_client;

/*
 * A section of @length bytes for its whole life: to its creating client
 * and that client's uid (-EDQUOT; NULL for the kernel), to the module
 * (-ENOSPC), and to the pinned total if @pinned (-ENOSPC).
 */
int secshm_section_charge(struct secshm_client *cl, u64 length, bool pinned);
void secshm_section_uncharge(struct secshm_client *cl, u64 length, bool pinned);

/* A permanent name of @length bytes to its owner's account, until unlinked. */
int secshm_owner_charge(struct secshm_account *a, u64 length);
void secshm_owner_uncharge(struct secshm_account *a, u64 length);

/* ---- client.c: one open of /dev/secshm ---- */

/*
 * The origin of its handles and what it is charged for. It lives while the
 * device file or any of its handles, views or sections does.
 */
struct secshm_client {
	struct kref ref;
	u64 id;
	pid_t pid;
	kuid_t uid;
	kgid_t gid;
	struct secshm_account *account;	/* of uid */
	struct list_head node;		/* the client list, while the file is open */
	spinlock_t lock;		/* handle_list */
	struct list_head handle_list;
	atomic_t handles;
	atomic_t sections;
	atomic_t views;
	atomic_t tokens;
	atomic64_t bytes;
};

/* A client for current, on the client list: -EDQUOT past uid_clients. */
struct secshm_client *secshm_client_new(void);
/* The device file closed: off the list; the handles may live on. */
void secshm_client_close(struct secshm_client *cl);
struct secshm_client *secshm_client_get(struct secshm_client *cl);
void secshm_client_put(struct secshm_client *cl);
/* fn for every open client, oldest first, under the list's lock (no sleeping). */
void secshm_clients_for_each(void (*fn)(struct secshm_client *cl, void *arg), void *arg);
/* The open client of that id, referenced, or NULL. */
struct secshm_client *secshm_client_find(u64 id);

/* ---- the section object (its functions: section.c, below) ---- */

struct secshm_section {
	struct kref ref;
	u64 id;
	u64 length;
	u32 flags;			/* SECSHM_SECTION_* */
	struct file *filp;		/* the backing, the module's own file */
	int (*backing_mmap)(struct file *filp, struct vm_area_struct *vma);
	struct secshm_client *creator;	/* charged for it; NULL if the kernel made it */
	struct secshm_sd sd;		/* ids as the initial user namespace sees them */

	atomic_t handles;		/* client handle files */
	atomic_t views;			/* client VMAs */
	atomic_t server_refs;		/* kernel references (P7) */

	/* namespace, under secshm_names_lock */
	struct hlist_node name_node;
	bool linked;
	struct secshm_account *owner;	/* while the permanent name is linked: */
					/* charged; the name holds a reference */
	u32 name_len;
	char *name;

	/* pinned pages and the server view, under pin_lock */
	struct mutex pin_lock;
	struct page **pages;
	unsigned int pin_count;
	void *kview;
	unsigned int kview_count;
};

/* ---- namespace.c: names (S2, N1) ---- */

/*
 * Lock order: mmap_lock -> secshm_names_lock (a view's close may free a
 * section). Nothing that can fault on user memory runs under the lock.
 */
extern struct mutex secshm_names_lock;

/* The live section of that qualified name, referenced, or NULL. */
struct secshm_section *secshm_name_lookup(const char *name, size_t len);

/*
 * Link @sec under @name unless a live section has it; then *@existing is
 * that section, referenced, and @sec is untouched. A @permanent name holds
 * a reference to @sec and is charged to its owner (-EDQUOT).
 */
int secshm_name_link(struct secshm_section *sec, const char *name, size_t len, bool permanent,
		     struct secshm_section **existing);

/* Remove the name; true if it was permanent: the caller drops its reference. */
bool secshm_name_unlink(struct secshm_section *sec);

/* The section's release, with secshm_names_lock held. */
void secshm_name_drop(struct secshm_section *sec);

/*
 * Every named section @who may query, referenced and in id order (stable
 * for paging), in *@out; the caller puts each and kvfrees @out.
 */
int secshm_name_list(const struct secshm_who *who, struct secshm_section ***out, u32 *count);

/* ---- backing.c, file.c: what a section's memory is (P9) ---- */

/* The anonymous, swappable backing: mode 0, nobody can reopen it. */
struct file *secshm_shmem_backing(u64 length);

/* The module's own open of the caller's file @fd, as docs/file-backing.md says. */
struct file *secshm_file_backing(int fd, u64 length, u32 *flags);

/* Whether the file refuses writes through a shared mapping, with mmap(2)'s errno. */
int secshm_file_write_denied(struct inode *inode);

/*
 * Make @filp, a file only the module holds, @sec's backing: its f_op
 * becomes a copy without mmap or fallocate, and the original mmap goes to
 * sec->backing_mmap for the views.
 */
int secshm_backing_wrap(struct secshm_section *sec, struct file *filp);
void secshm_backing_exit(void);

/* ---- memory.c: the section's bytes ---- */

int secshm_section_pin(struct secshm_section *sec);
void secshm_section_unpin(struct secshm_section *sec);
/* Put pinned pages of a section being freed. */
void secshm_section_pages_free(struct secshm_section *sec);
/* Copy between the section and kernel memory; the caller checked the range. */
int secshm_section_copy(struct secshm_section *sec, u64 pos, void *buf, size_t len, bool write);
int secshm_section_flush(struct secshm_section *sec, u64 pos, u64 len);

/* ---- section.c ---- */

/*
 * A new unnamed section with one reference, charged to @creator (NULL for
 * the kernel); @flags as the core made them. @fd is the caller's file for
 * SECSHM_SECTION_FILE, which may make the section SECSHM_SECTION_READONLY.
 */
struct secshm_section *secshm_section_alloc(struct secshm_client *creator, u64 length,
					    u32 flags, int fd);
void secshm_section_get(struct secshm_section *sec);
void __secshm_section_put(struct secshm_section *sec);
/* Count a reference as the server's own (P7): QUERY's server_refs. */
void secshm_section_get_server(struct secshm_section *sec);
void secshm_section_info(struct secshm_section *sec, struct secshm_section_info *info);

/* ---- client_view.c: mmap of a handle (P4, H2) ---- */

struct secshm_handle;
int secshm_client_view_mmap(struct secshm_handle *h, struct vm_area_struct *vma);
void secshm_client_view_exit(void);

/* ---- handle.c: handles, as descriptors (H5, H6) ---- */

/* The private data of a handle file. */
struct secshm_handle {
	struct kref ref;
	struct secshm_section *sec;
	struct secshm_client *cl;
	u32 access;			/* specific rights */
	u32 fd;				/* where it was installed, for HANDLES */
	struct list_head node;		/* cl->handle_list while the file lives */
};

/* A handle built but not yet in the process's table (CVE-2019-6974). */
struct secshm_handle_new {
	int fd;
	struct file *file;		/* NULL once committed or given back */
	struct secshm_section *created;	/* named by this request: unlinked if given back */
};

int secshm_handle_prepare(struct secshm_handle_new *hn, struct secshm_client *cl,
			  struct secshm_section *sec, u32 access);
void secshm_handle_commit(struct secshm_handle_new *hn);
void secshm_handle_abort(struct secshm_handle_new *hn);
void secshm_handle_put(struct secshm_handle *h);
/* The checked lookup: a handle of @cl carrying @access. */
struct secshm_handle *secshm_handle_lookup(u32 fd, struct secshm_client *cl, u32 access);

/* ---- token.c: transfer tokens (H7) ---- */

int secshm_token_export(struct secshm_client *cl, struct secshm_section *sec, u32 access,
			struct secshm_token *value);
int secshm_token_redeem(struct secshm_client *cl, const struct secshm_token *value,
			struct secshm_handle_new *hn);
void secshm_tokens_drop(struct secshm_client *cl);

/* ---- span.c, walk.c: a request's references (R2, R3, P6) ---- */

/* The MapCallerPtr step for one reference of @req's client. */
int secshm_span_resolve(struct secshm_request *req, const struct secshm_ref *ref,
			struct secshm_span *span);

/* ---- observe.c (Q4), flush.c (S1): the built-in calls ---- */

#define SECSHM__CALL_DECL(NAME, name, nr, refs, in) \
	int secshm_call_##name(struct secshm_request *req, void *data);
SECSHM_CALLS(SECSHM__CALL_DECL)
#undef SECSHM__CALL_DECL

/* ---- opcode.c: the CALL opcodes (R1) ---- */

/* Register the built-in calls (SECSHM_CALLS). */
int secshm_opcodes_init(void);
void secshm_opcodes_exit(void);
/* The opcode's entry with its owner held, or NULL. */
const struct secshm_opcode *secshm_opcode_get(u32 opcode);
void secshm_opcode_put(const struct secshm_opcode *op);

/* ---- the operations (section_open.c, section_ops.c, call.c) ---- */

/*
 * The device's handler for an operation of SECSHM_OPS: @args is the
 * caller's struct, copied in; the handler fills its out fields and returns
 * a status >= 0 or an errno. A handler that gives the caller a handle
 * prepares it in @hn: it is installed only once the struct is back with
 * the caller, and given back if that fails.
 */
#define SECSHM__OP_DECL_BOTH(name, args) \
	long secshm_op_##name(struct secshm_client *cl, struct args *a, \
			      struct secshm_handle_new *hn);
#define SECSHM__OP_DECL_SOCKET(name, args)
#define SECSHM__OP_DECL(NAME, name, nr, args, dir, where) SECSHM__OP_DECL_##where(name, args)
SECSHM_OPS(SECSHM__OP_DECL)
#undef SECSHM__OP_DECL

/* ---- device.c: /dev/secshm ---- */

int secshm_device_init(void);
void secshm_device_exit(void);

#endif /* _SECSHM_INTERNAL_H */
