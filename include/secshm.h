/* SPDX-License-Identifier: MIT */
/*
 * libsecshm: the client side of secshm. One API against either privileged
 * side: the kernel module (/dev/secshm) or a daemon built on
 * libsecshm-server (secshmd). Every function returns 0 (or a documented
 * positive value) on success and a negative errno on failure; see
 * include/uapi/secshm.h for what each code means.
 *
 * A struct secshm is one connection; it is not safe to use from two threads
 * at once without a lock of the caller's.
 */
#ifndef SECSHM_H
#define SECSHM_H

#include <stddef.h>
#include <stdint.h>
#include "uapi/secshm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct secshm;

/* Which privileged side a connection talks to. */
enum secshm_backend {
	SECSHM_BACKEND_SOCKET = 1,	/* a daemon on libsecshm-server */
	SECSHM_BACKEND_DEVICE = 2,	/* the kernel module, /dev/secshm */
};

/*
 * Connect. address NULL tries $SECSHM_ADDRESS, then /dev/secshm, then the
 * default daemon socket (/run/secshm/socket as root, else
 * $XDG_RUNTIME_DIR/secshm.sock). An address naming a character device is
 * opened as the device, anything else as a daemon socket path.
 */
int secshm_connect(const char *address, struct secshm **out);

/*
 * Close the connection; the server closes every handle and view record it
 * holds. Views stay mapped in this process until munmap(2): the kernel keeps
 * their memory.
 */
void secshm_disconnect(struct secshm *s);

/* The backend this connection uses. */
enum secshm_backend secshm_backend(const struct secshm *s);

/* The address the default search picks for a daemon socket, in buf. */
int secshm_default_address(char *buf, size_t len);

/*
 * Create a section of size bytes (rounded up to the page size). name NULL
 * makes an unnamed section. flags: SECSHM_CREATE_* and SECSHM_SECTION_*.
 * sd NULL means owner read/write (0600). Returns 0 when created,
 * SECSHM_EXISTED when it opened an existing named section (then size and sd
 * are ignored and access is checked against the existing descriptor).
 */
int secshm_create(struct secshm *s, const char *name, uint64_t size,
		  uint32_t access, uint32_t flags, const struct secshm_sd *sd,
		  uint32_t *handle);

/*
 * As secshm_create, backed by a regular file the caller opened read-write
 * (file stays the caller's; the server keeps its own reference). Writes
 * through a view reach the file's page cache, and so the file, at once;
 * secshm_flush makes them durable on disk. The section covers the whole file:
 * size rounded up to the page must be the file's size rounded up (-ERANGE
 * otherwise), because a view is a descriptor of the file itself. Anyone who
 * can write the file can truncate it: the server survives that, and its
 * accesses past the new end fail with -EFAULT.
 */
int secshm_create_file(struct secshm *s, const char *name, uint64_t size, int file,
		       uint32_t access, uint32_t flags, const struct secshm_sd *sd,
		       uint32_t *handle);

/* Write [offset, offset + length) of a file-backed section to disk (needs MAP_READ). */
int secshm_flush(struct secshm *s, uint32_t handle, uint64_t offset, uint64_t length);

/* Open an existing named section with the access wanted; -ENOENT if none. */
int secshm_open(struct secshm *s, const char *name, uint32_t access, uint32_t *handle);

/*
 * Close a handle (a section or a view handle). Any value that is not a live
 * handle of this connection is -EBADF and closes nothing (on the device, a
 * descriptor of another file or of another connection's handle stays open).
 */
int secshm_close(struct secshm *s, uint32_t handle);

/* Query a section (needs QUERY); access gets this handle's rights (may be NULL). */
int secshm_query(struct secshm *s, uint32_t handle, struct secshm_section_info *info,
		 uint32_t *access);

/* A new handle to the same section with access (subset of the handle's). */
int secshm_duplicate(struct secshm *s, uint32_t handle, uint32_t access, uint32_t *new_handle);

/*
 * Pass a section to another process (H7): a one-use token carrying access
 * (a subset of the handle's; the handle needs DUPLICATE). Hand the token
 * over any channel; the receiver calls secshm_import. A token dies when
 * imported or when this connection closes.
 */
int secshm_export(struct secshm *s, uint32_t handle, uint32_t access, struct secshm_token *token);

/* Open the section a token names, with exactly the access it carries. */
int secshm_import(struct secshm *s, const struct secshm_token *token, uint32_t *handle);

/* Remove a section's name (needs DELETE); the section lives while referenced. */
int secshm_unlink(struct secshm *s, uint32_t handle);

/*
 * Map [offset, offset + length) of a section into this process. offset and
 * length must be page aligned; prot is SECSHM_PROT_READ, optionally with
 * SECSHM_PROT_WRITE (needs MAP_WRITE). A read-only handle gives a view that
 * cannot be made writable.
 */
int secshm_map(struct secshm *s, uint32_t handle, uint64_t offset, uint64_t length,
	       uint32_t prot, void **addr);

/* Unmap a view made by secshm_map (addr as returned). */
int secshm_unmap(struct secshm *s, void *addr);

/*
 * Named sections the caller may query, skipping the first start: up to max
 * entries into info, the number returned as the result (>= 0); *total (may
 * be NULL) gets how many there are. A socket reply holds at most
 * SECSHM_LIST_MAX entries; call again with a larger start for more.
 */
int secshm_list(struct secshm *s, uint32_t start, struct secshm_section_info *info,
		uint32_t max, uint32_t *total);

/*
 * A request served by CALL: a server-registered opcode (>= SECSHM_CALL_USER)
 * or a built-in call (SECSHM_CALL_STATS), in_len input
 * bytes, nrefs references into sections, up to out_cap output bytes. Returns
 * the server's status (>= 0 on success) and the bytes produced in *out_len.
 */
int secshm_call(struct secshm *s, uint32_t opcode, const void *in, size_t in_len,
		const struct secshm_ref *refs, uint32_t nrefs,
		void *out, size_t out_cap, size_t *out_len);

/*
 * The ring request path (daemon only; -EOPNOTSUPP on the device): requests
 * and completions travel through a ring pair in a section the server makes
 * for this connection, with exactly the checks secshm_call gets and no
 * system call per request while the server is awake. One per connection.
 */
struct secshm_ring;

/* entries: 0 for 256, else a power of two up to SECSHM_RING_MAX. */
int secshm_ring_setup(struct secshm *s, uint32_t entries, struct secshm_ring **ring);

/* Unmap the ring; the server drops it when the connection closes. */
void secshm_ring_free(struct secshm_ring *ring);

/*
 * Queue a request (nrefs <= SECSHM_SQE_REFS, in_len <= SECSHM_SQE_INLINE;
 * more: -E2BIG, use secshm_call) and publish it, ringing the server's
 * doorbell only if it sleeps. -EBUSY when the ring is full: take
 * completions first.
 */
int secshm_ring_submit(struct secshm_ring *ring, uint32_t opcode, const void *in,
		       size_t in_len, const struct secshm_ref *refs, uint32_t nrefs,
		       uint64_t user_data);

/*
 * Take the oldest completion into *cqe: busy-poll up to spin_ns first, then
 * sleep up to timeout_ms (-1: forever; 0: never, -EAGAIN if none).
 * cqe->status is what the request returned, as secshm_call's.
 */
int secshm_ring_wait(struct secshm_ring *ring, struct secshm_cqe *cqe, uint64_t spin_ns,
		     int timeout_ms);

/* A one-line description of a secshm status code (negative errno). */
const char *secshm_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif /* SECSHM_H */
