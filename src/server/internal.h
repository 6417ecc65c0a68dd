/* SPDX-License-Identifier: MIT */
/* libsecshm-server internals: the object model shared by the server's files. */
#ifndef SECSHM_SERVER_INTERNAL_H
#define SECSHM_SERVER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include "secshm-server.h"
#include "secshm-ring.h"
#include "list.h"

#define SECSHM_NGROUPS_MAX	64

struct section;
struct ring;

/*
 * What an epoll event is about: the first member of each watched thing.
 * A watched thing is freed only at the end of the epoll batch that saw it
 * die (loop.c), so an event later in the same batch still finds it.
 */
enum watch_kind {
	WATCH_LISTENER = 1,
	WATCH_WAKE,
	WATCH_CLIENT,
	WATCH_RING,
};

struct watch {
	enum watch_kind kind;
};

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Credentials, always from the kernel (SO_PEERCRED, SO_PEERGROUPS). */
struct secshm_cred {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	uint32_t ngroups;
	gid_t groups[SECSHM_NGROUPS_MAX];
};

/* ---- object.c: one ops table per type, as Wine's object_ops ---- */
struct secshm_object_ops {
	const char *name;
	enum secshm_type type;
	void (*destroy)(struct secshm_object *obj);
	/* NT's Open/CloseProcedure: a handle to obj entered or left a table. */
	void (*open_handle)(struct secshm_object *obj, bool server_table);
	void (*close_handle)(struct secshm_object *obj, bool server_table);
};

struct secshm_object {
	const struct secshm_object_ops *ops;
	struct secshm_server *srv;
	uint32_t refcount;
	uint64_t id;
};

void object_init(struct secshm_object *obj, struct secshm_server *srv,
		 const struct secshm_object_ops *ops);

/* ---- handle.c: index + generation tables ---- */
#define HANDLE_INDEX_BITS	20
#define HANDLE_INDEX_MAX	((1U << HANDLE_INDEX_BITS) - 1)
#define HANDLE_GEN_BITS		11
#define HANDLE_GEN_MASK		((1U << HANDLE_GEN_BITS) - 1)

struct handle_entry {
	struct secshm_object *obj;	/* NULL while free */
	uint32_t access;
	uint32_t gen : HANDLE_GEN_BITS;
	uint32_t next_free : HANDLE_INDEX_BITS;	/* 1-based, 0 = end */
};

struct handle_table {
	struct handle_entry *entries;
	uint32_t size;			/* entries allocated */
	uint32_t count;			/* live handles */
	uint32_t limit;			/* live handles allowed */
	uint32_t free_head, free_tail;	/* FIFO of free slots, 1-based */
	uint32_t server_bit;		/* SECSHM_HANDLE_SERVER or 0 */
};

void handle_table_init(struct handle_table *t, uint32_t limit, uint32_t server_bit);
/* Close every handle; the table can be reused or freed afterwards. */
void handle_table_release(struct handle_table *t);
/* Insert obj (the table takes over one reference the caller holds). */
int handle_insert(struct handle_table *t, struct secshm_object *obj, uint32_t access,
		  uint32_t *handle);
struct handle_entry *handle_lookup(const struct handle_table *t, uint32_t handle);
/* Remove a handle; *obj receives the reference the table held. */
int handle_remove(struct handle_table *t, uint32_t handle, struct secshm_object **obj);

/* A buffer equal to itself shifted by one byte is all its first byte. */
static inline bool all_zero(const void *p, size_t len)
{
	const unsigned char *b = p;

	return !len || (!b[0] && !memcmp(b, b + 1, len - 1));
}

/* ---- security.c ---- */
uint32_t secshm_map_generic(uint32_t access);
/* Requested rights as specific rights: -EINVAL if none or unknown bits. */
int access_want(uint32_t access, uint32_t *want);
int sd_resolve(const struct secshm_sd *in, const struct secshm_cred *creator,
	       struct secshm_sd *out);
uint32_t sd_allowed(const struct secshm_sd *sd, const struct secshm_cred *cred);
int access_check(const struct secshm_sd *sd, const struct secshm_cred *cred,
		 uint32_t desired, uint32_t *granted);
bool cred_in_group(const struct secshm_cred *cred, gid_t gid);
bool cred_trusted(const struct secshm_server *srv, const struct secshm_cred *cred);
/* May create names in the global namespace (N1). */
bool cred_global(const struct secshm_server *srv, const struct secshm_cred *cred);

/* ---- access.c ---- */
/* Install the SIGBUS guard, once per process (secshm_server_new). */
void access_init(void);
/* A dispatch begins: check the guard is still installed before relying on it. */
void access_recheck(void);

/* ---- fetch.c: the double-fetch ledger (P6, check_fetch) ---- */
struct fetch_ledger;
struct fetch_ledger *fetch_ledger_new(void);
void fetch_begin(struct secshm_server *srv, uint32_t opcode);
void fetch_end(struct secshm_server *srv);
/* -EIO if [start, start + len) of section was captured already in this request. */
int fetch_record(struct secshm_server *srv, uint64_t section, uint64_t start, uint64_t len);

/* ---- file.c: descriptors of backings, which filesystems may back a section ---- */
int file_reopen(int fd, bool writable);
int file_allowed(const struct secshm_server *srv, int fd);

/* ---- name.c: the namespace ---- */
struct name_node {
	struct name_node *next;
	uint32_t hash;
	uint32_t len;
	char *name;			/* NUL-terminated copy */
};

struct name_table {
	struct name_node **buckets;
	uint32_t nbuckets;		/* power of two */
	uint32_t count;
};

int name_validate(const char *name, size_t len);

/* A requested name, qualified for its caller (N1). */
struct qname {
	char name[SECSHM_NAME_MAX + 1];	/* "global/..." or "user/UID/..." */
	char alt[SECSHM_NAME_MAX + 1];	/* open falls back to it; "" if none */
	bool global;			/* name is in the global namespace */
	uid_t uid;			/* else whose namespace it is in */
};

/* server: resolve as the server's own name, else as uid's. */
int name_resolve(const char *name, bool server, uid_t uid, struct qname *q);
int name_table_init(struct name_table *ns);
void name_table_fini(struct name_table *ns);
struct name_node *name_lookup(const struct name_table *ns, const char *name, size_t len);
int name_insert(struct name_table *ns, struct name_node *node);
void name_remove(struct name_table *ns, struct name_node *node);

/* ---- token.c: transfer tokens (H7) ---- */
#define TOKENS_PER_CLIENT 64

int token_export(struct secshm_client *c, struct section *sec, uint32_t access,
		 struct secshm_token *value);
int token_redeem(struct secshm_client *c, const struct secshm_token *value, uint32_t *handle);
void token_drop_client(struct secshm_client *c);

/* ---- quota.c: per client, per uid, server-wide (Q1, Q5) ---- */
#define QUOTA_NO_UID	((uid_t)-1)
#define ACCOUNT_BUCKETS	256

/* What one uid holds of the server, whatever connection it came by. */
struct uid_account {
	struct uid_account *next;	/* hash chain */
	uid_t uid;
	uint32_t clients;
	uint32_t sections;		/* sections it created, while they live */
	uint64_t bytes;			/* bytes of those */
	uint32_t fds;			/* server descriptors spent on it */
	uint32_t tokens;
	uint32_t owner_sections;	/* permanent sections it owns */
	uint64_t owner_bytes;
};

/* A section's cost, given back at destroy. */
struct charge {
	uint64_t length;
	uid_t uid;			/* its creator's; QUOTA_NO_UID: the server's own */
	uid_t owner;			/* QUOTA_NO_UID: not permanent */
	bool pinned;
};

struct uid_account *account_find(struct secshm_server *srv, uid_t uid);
void accounts_free(struct secshm_server *srv);
int quota_connect(struct secshm_server *srv, uid_t uid, struct uid_account **out);
void quota_disconnect(struct secshm_server *srv, struct uid_account *a);
int fds_charge(struct secshm_server *srv, struct uid_account *a, uint32_t n);
void fds_force(struct secshm_server *srv, struct uid_account *a, uint32_t n);
void fds_uncharge(struct secshm_server *srv, struct uid_account *a, uint32_t n);
/* An errno from a call that makes a descriptor, as the client is told it. */
int fd_errno(int err);
int quota_charge(struct secshm_server *srv, struct secshm_client *c, const struct charge *ch);
void quota_uncharge(struct secshm_server *srv, struct secshm_client *c,
		    const struct charge *ch);
int quota_charge_view(struct secshm_client *c);
void quota_uncharge_view(struct secshm_client *c);
int quota_charge_token(struct secshm_client *c);
void quota_uncharge_token(struct secshm_client *c);

/* ---- section.c ---- */
struct section {
	struct secshm_object obj;
	int fd;				/* the server's own: sealed memfd, or its open of the file */
	uint64_t length;
	uint32_t flags;			/* SECSHM_SECTION_* */
	struct secshm_sd sd;		/* resolved: no SECSHM_ID_CALLER */
	struct name_node name;		/* name.name NULL: unnamed or unlinked */
	unsigned char *map;		/* server's own view of the whole section */
	uint32_t handles;		/* client handles open on it */
	uint32_t views;			/* client views registered */
	uint32_t server_refs;		/* server handles open on it */
	struct secshm_client *creator;	/* charged for it while connected */
	struct list_head creator_link;
	struct charge charge;		/* what it cost, given back at destroy */
};

extern const struct secshm_object_ops section_ops;

static inline struct section *to_section(struct secshm_object *obj)
{
	return container_of(obj, struct section, obj);
}

struct section_params {
	const char *name;		/* NUL-terminated, validated; NULL: unnamed */
	uint64_t length;
	uint32_t flags;			/* SECSHM_SECTION_* */
	const struct secshm_sd *sd;	/* resolved */
	struct secshm_client *creator;	/* NULL: the server */
	uid_t uid;			/* charged to; QUOTA_NO_UID: the server's own */
	int file;			/* SECSHM_SECTION_FILE: the caller's file, borrowed */
};

int section_new(struct secshm_server *srv, const struct section_params *p,
		struct section **out);
void section_info(const struct section *sec, struct secshm_section_info *info);
void section_unlink(struct section *sec);
/* The server's own mapping of the whole section, made on first use. */
unsigned char *section_map(struct section *sec);
uint32_t section_access_mask(const struct section *sec);

/* ---- view.c: client view registrations ---- */
struct cview {
	struct secshm_object obj;
	struct section *sec;		/* referenced */
	struct secshm_client *client;
	uint64_t offset, length;
	uint32_t prot;
};

extern const struct secshm_object_ops cview_ops;
int cview_new(struct secshm_client *c, struct section *sec, uint64_t offset,
	      uint64_t length, uint32_t prot, struct cview **out);

/* ---- client.c ---- */
struct outmsg {
	struct list_head link;
	size_t len;
	int fd;				/* the server's, closed once sent; -1: none */
	unsigned char data[];
};

struct flush_job;

struct secshm_client {
	struct watch watch;
	struct secshm_server *srv;
	struct list_head link;		/* srv->clients, or srv->zombies once dead */
	int fd;
	uint64_t id;
	struct secshm_cred cred;
	struct uid_account *acct;	/* its uid's */
	struct handle_table handles;
	struct list_head created;	/* sections it created and is charged for */
	uint32_t nsections;
	uint64_t bytes;
	uint64_t pinned;
	uint32_t nviews;
	uint32_t ntokens;		/* transfer tokens it exported */
	struct ring *ring;		/* its request ring, if it set one up */
	struct list_head outq;		/* replies the socket would not take yet */
	size_t outq_bytes;
	struct flush_job *flush;	/* a FLUSH its last request started */
	uint32_t jobs;			/* workers' jobs that will come back to it */
	bool busy;			/* not read until a job answers for it */
	bool dead;			/* to be disconnected */
	bool zombie;			/* disconnected, freed at the batch's end */
};

int client_new(struct secshm_server *srv, int fd, struct secshm_client **out);
void client_free(struct secshm_client *c);

/* ---- offload.c: work that may block, on a thread per uid ---- */
struct job {
	struct list_head link;
	void (*run)(struct job *job);	/* on the worker: no server state */
	void (*done)(struct secshm_server *srv, struct job *job);	/* on the loop; frees */
};

int offload_init(struct secshm_server *srv);
void offload_fini(struct secshm_server *srv);
int offload_submit(struct secshm_server *srv, uid_t uid, struct job *job);
void offload_reap(struct secshm_server *srv);
int offload_close(struct secshm_client *c, const int *fds, unsigned int n);

/* ---- flush.c ---- */
#define CALL_DEFERRED	0x7ffffff0	/* call_run's: the reply comes later */
void flush_start(struct secshm_client *c, const void *reply, size_t len);

/* ---- ops.c: built-in opcodes ---- */
struct reply {
	int in_fd;			/* descriptor the request carried, borrowed; -1: none */
	void *args;			/* argument struct, echoed with out fields */
	size_t args_len;
	unsigned char *tail;		/* room after the args */
	size_t tail_cap;
	size_t tail_len;
	int fd;				/* made for the reply, closed once sent; -1: none */
};

typedef int (*builtin_fn)(struct secshm_client *c, void *args, struct reply *r);

struct builtin {
	size_t args_size;
	builtin_fn fn;
};

extern const struct builtin builtins[SECSHM_OP_MAX_BUILTIN + 1];

int op_call(struct secshm_client *c, struct secshm_call_args *a,
	    const struct secshm_ref *refs, const void *in, struct reply *r);

/* ---- call.c: a CALL, whichever path (socket or ring) it came by ---- */
struct call {
	uint32_t opcode;
	const struct secshm_ref *refs;	/* private copies, unresolved */
	uint32_t nrefs;
	const void *in;			/* private */
	uint32_t in_len;
	void *out;			/* private, out_cap bytes */
	uint32_t out_cap;
	uint32_t out_len;
	bool deferrable;		/* the socket: may answer CALL_DEFERRED */
};

/* Registered opcode and shape, references resolved, then the handler. */
int call_run(struct secshm_client *c, struct call *call);

int call_flush(struct secshm_client *c, struct call *call);

/* ---- observe.c: built-in calls for the administrator ---- */
bool client_is_admin(const struct secshm_client *c);
int call_stats(struct secshm_client *c, struct call *call);
int call_clients(struct secshm_client *c, struct call *call);
int call_handles(struct secshm_client *c, struct call *call);

/* ---- ring.c: the ring request path ---- */
int op_ring(struct secshm_client *c, void *args, struct reply *r);
/* The doorbell of the ring whose watch this is rang. */
void ring_doorbell(struct watch *w);
/* Serve the active rings for one slice. */
void rings_run(struct secshm_server *srv);
void ring_silence(struct ring *ring);
void ring_free(struct ring *ring);

/* ---- dispatch.c ---- */
struct opcode_table {
	struct secshm_opcode *ops;	/* sorted by opcode */
	uint32_t count;
};

/*
 * Decode, validate and run one request of len bytes that arrived with nfds
 * descriptors (fds[0] is the only one ever used, and only borrowed; more
 * than one, or one where none is expected, is malformed). Fills the reply;
 * *reply_fd is a descriptor made for it, or -1.
 */
size_t dispatch_request(struct secshm_client *c, const void *msg, size_t len, const int *fds,
			int nfds, bool truncated, void *reply, size_t reply_cap, int *reply_fd);

/* Resolve a client's reference (R2): handle, type, access, overflow, bounds. */
int ref_resolve(struct secshm_client *c, const struct secshm_ref *ref,
		struct secshm_span *span);

/* ---- transport.c ---- */
int transport_listen(struct secshm_server *srv, const char *path);
void transport_close(struct secshm_server *srv);
void transport_accept(struct secshm_server *srv);
void transport_event(struct secshm_client *c, uint32_t events);
void transport_interest(struct secshm_client *c);
/* Send (or queue) a reply; fd, the server's own, is closed once sent. */
void transport_reply(struct secshm_client *c, void *data, size_t len, int fd);
void transport_drop_outq(struct secshm_client *c);

/* ---- loop.c ---- */
int loop_dispatch(struct secshm_server *srv, int timeout_ms);
void loop_fini(struct secshm_server *srv);
void client_disconnect(struct secshm_client *c);

/* ---- server.c ---- */
struct secshm_server {
	struct secshm_limits limits;
	uid_t *trusted_uids;
	size_t ntrusted_uids;
	gid_t *trusted_gids;
	size_t ntrusted_gids;
	uid_t *global_uids;
	size_t nglobal_uids;
	gid_t *global_gids;
	size_t nglobal_gids;
	char *file_fs;			/* filesystems that may back sections; NULL: default */
	uid_t euid;

	struct handle_table handles;	/* the server's own (OBJ_KERNEL_HANDLE) */
	struct name_table names;
	struct opcode_table opcodes;
	struct uid_account *accounts[ACCOUNT_BUCKETS];

	struct list_head clients;
	struct list_head zombies;	/* hung up in this batch (loop.c) */
	struct list_head tokens;
	struct list_head active_rings;	/* rings with work or being polled */
	uint32_t nclients;
	uint32_t nobjects;
	uint32_t nsections;
	uint32_t nviews;
	uint32_t fds;			/* descriptors charged (quota.c) */
	uint64_t bytes;
	uint64_t pinned;
	uint64_t next_id;

	uint64_t ring_poll_ns;		/* busy-poll a ring this long before sleeping */
	struct offload *offload;
	struct fetch_ledger *fetch;	/* check_fetch: the current request's captures */
	bool fetching;			/* a handler runs: record its captures */

	struct watch listen_watch, wake_watch;
	int epfd;
	int listen_fd;
	int spare_fd;			/* given up to refuse a client at EMFILE */
	int wake_fd;			/* eventfd: stop, workers done, rings still active */
	bool wake_armed;		/* the loop wrote wake_fd itself */
	char *path;
	volatile sig_atomic_t stop;
	unsigned char *rxbuf;
	unsigned char *txbuf;
};

#define SERVER_RX_MAX	(SECSHM_MSG_MAX + 64)
#define SERVER_TX_MAX	(sizeof(struct secshm_msg) + sizeof(struct secshm_list_args) + \
			 SECSHM_LIST_MAX * sizeof(struct secshm_section_info))

#endif /* SECSHM_SERVER_INTERNAL_H */
