/* SPDX-License-Identifier: GPL-2.0 */
/*
 * secshm.ko internals: the objects the module keeps and the functions its
 * files share. The exported API for other drivers is secshm_kapi.h.
 */
#ifndef _SECSHM_INTERNAL_H
#define _SECSHM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <uapi/secshm.h>

#include "secshm_kapi.h"

/*
 * What one uid is charged for across its clients (Q5): account.c. The
 * counters are quotas taken with secshm_quota_take()/secshm_quota_add().
 */
struct secshm_account {
	struct kref ref;
	kuid_t uid;
	struct hlist_node node;		/* secshm_accounts */
	atomic_t clients;		/* opens of /dev/secshm */
	atomic_t sections;		/* sections its clients created, alive */
	atomic64_t bytes;		/* bytes of those */
	atomic_t tokens;		/* transfer tokens its clients exported */
	atomic_t owner_sections;	/* permanent names it owns */
	atomic64_t owner_bytes;		/* bytes of those */
};

/*
 * One open of /dev/secshm: the origin of its handles and what it is charged
 * for. It lives while the device file or any of its handles or views does.
 */
struct secshm_client {
	struct kref ref;
	u64 id;
	pid_t pid;
	kuid_t uid;
	kgid_t gid;
	struct secshm_account *account;	/* of uid */
	struct list_head node;		/* secshm_clients, while the file is open */
	spinlock_t lock;		/* handle_list */
	struct list_head handle_list;
	atomic_t handles;
	atomic_t sections;
	atomic_t views;
	atomic_t tokens;
	atomic64_t bytes;
};

struct secshm_ace_k {
	u32 type;		/* SECSHM_ACE_USER or SECSHM_ACE_GROUP */
	kuid_t uid;
	kgid_t gid;
	u32 access;		/* specific rights only */
};

struct secshm_sd_k {
	kuid_t owner;
	kgid_t group;
	u32 mode;
	u32 nace;
	struct secshm_ace_k ace[SECSHM_ACE_MAX];
};

struct secshm_section {
	struct kref ref;
	u64 id;
	u64 length;
	u32 flags;			/* SECSHM_SECTION_* */
	struct file *filp;		/* the backing, the module's own file */
	int (*backing_mmap)(struct file *filp, struct vm_area_struct *vma);
	struct secshm_client *creator;	/* charged for it; NULL if the kernel made it */
	struct secshm_sd_k sd;

	atomic_t handles;		/* client handle files */
	atomic_t views;			/* client VMAs */
	atomic_t server_refs;		/* kernel references (P7) */

	/* namespace, under secshm_names_lock */
	struct hlist_node name_node;
	bool linked;
	bool permanent;			/* link the name permanently */
	struct secshm_account *owner;	/* while the permanent name is linked: */
					/* charged; the namespace holds a reference */
	u32 name_len;
	char *name;

	/* pinned pages and the kernel view, under pin_lock */
	struct mutex pin_lock;
	struct page **pages;
	unsigned int pin_count;
	void *kview;
	unsigned int kview_count;
};

/* The private data of a handle file; VMAs made from it keep it alive. */
struct secshm_handle {
	struct kref ref;
	struct secshm_section *sec;
	struct secshm_client *cl;
	u32 access;
	u32 fd;				/* where it was installed, for HANDLES */
	struct list_head node;		/* cl->handle_list while the file lives */
};

struct secshm_handle_new {
	int fd;
	struct file *file;
};

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

/* main.c */
void secshm_client_put(struct secshm_client *cl);
int secshm_quota_take(atomic_t *count, unsigned int max);
int secshm_quota_add(atomic64_t *count, u64 n, u64 max);

/* account.c: per-uid accounts (Q5) */
struct secshm_account *secshm_account_get(kuid_t uid);
void secshm_account_put(struct secshm_account *a);
int secshm_owner_charge(struct secshm_account *a, u64 length);
void secshm_owner_uncharge(struct secshm_account *a, u64 length);

/* observe.c: the built-in calls for the administrator (Q4) */
void secshm_client_add(struct secshm_client *cl);
void secshm_client_del(struct secshm_client *cl);
int secshm_call_stats(struct secshm_call *call);
int secshm_call_clients(struct secshm_call *call);
int secshm_call_handles(struct secshm_call *call);

/* token.c: transfer tokens (H7) */
int secshm_token_export(struct secshm_client *cl, struct secshm_section *sec,
			u32 access, struct secshm_token *value);
long secshm_token_redeem(struct secshm_client *cl,
			 const struct secshm_token *value,
			 struct secshm_handle_new *hn);
void secshm_tokens_drop(struct secshm_client *cl);

/* section.c */
struct secshm_section *secshm_section_alloc(struct secshm_client *creator,
					    u64 length, u32 flags, int fd);
void secshm_section_get(struct secshm_section *sec);
void secshm_server_ref(struct secshm_section *sec);
void secshm_section_release(struct secshm_section *sec);
void secshm_section_info(struct secshm_section *sec,
			 struct secshm_section_info *info);
int secshm_section_pin(struct secshm_section *sec);
void secshm_section_unpin(struct secshm_section *sec);
int secshm_section_flush(struct secshm_section *sec, u64 pos, u64 len);
int secshm_section_copy(struct secshm_section *sec, u64 pos, void *buf,
			size_t len, bool write);

/* file.c: file backing (P9) */
struct file *secshm_file_backing(int fd, u64 length, u32 *flags);
int secshm_file_write_denied(struct inode *inode);

/* namespace.c */
extern struct mutex secshm_names_lock;
int secshm_name_check(const char *name, u32 len);

/* The namespace a qualified name is in (N1). */
struct secshm_ns {
	bool qualified;		/* written with its namespace */
	bool global;
	kuid_t uid;		/* else whose */
};

int secshm_name_resolve(const char *name, u32 len, bool global_default, char *out,
			u32 *out_len, struct secshm_ns *ns);
bool secshm_name_may_create(const struct secshm_ns *ns);
struct secshm_section *secshm_name_lookup(const char *name, u32 len);
int secshm_name_link(struct secshm_section *sec, const char *name, u32 len,
		     struct secshm_section **existing);
void secshm_name_unlink(struct secshm_section *sec);
void secshm_name_drop(struct secshm_section *sec);
int secshm_name_list(struct secshm_section ***out, u32 *count);

/* security.c */
u32 secshm_access_map(u32 access);
bool secshm_access_bits_valid(u32 access);
bool secshm_access_valid(u32 access);
bool secshm_trusted(void);
bool secshm_visible(const struct secshm_section *sec);
int secshm_sd_from_user(struct secshm_sd_k *sd, const struct secshm_sd *usd,
			bool kernel);
void secshm_sd_default(struct secshm_sd_k *sd);
u32 secshm_sd_access(const struct secshm_section *sec);
int secshm_open_check(const struct secshm_section *sec, u32 want);

/* handle.c */
extern const struct file_operations secshm_handle_fops;
int secshm_handle_prepare(struct secshm_handle_new *hn,
			  struct secshm_client *cl,
			  struct secshm_section *sec, u32 access);
void secshm_handle_commit(struct secshm_handle_new *hn);
void secshm_handle_abort(struct secshm_handle_new *hn);
void secshm_handle_put(struct secshm_handle *h);
struct secshm_handle *secshm_handle_lookup(u32 fd, struct secshm_client *cl,
					   u32 access);

/* view.c */
int secshm_view_backing(struct secshm_section *sec, struct file *filp);
void secshm_view_exit(void);
int secshm_view_mmap(struct secshm_handle *h, struct vm_area_struct *vma);

/* call.c */
int secshm_call(struct secshm_client *cl, struct secshm_call_args *args);
int secshm_ref_resolve(struct secshm_call *call, const struct secshm_ref *u,
		       struct secshm_call_ref *r);

/* ioctl.c */
long secshm_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* _SECSHM_INTERNAL_H */
