// SPDX-License-Identifier: GPL-2.0
/*
 * secshm_checksum.ko: the example privileged server of examples/example.h
 * as a driver on the secshm kernel API, written the way the seeds' driver
 * shares a section: it creates the sections itself, keeps its own
 * reference and kernel view of each for its lifetime (P7, P2), and serves
 * CALLs whose references it reads only through private captures (P6).
 *
 *   EXAMPLE_SHARED   16 MiB, root-owned, mode 0666: clients map it and pass
 *                    references into it.
 *   EXAMPLE_PRIVATE  server-private (P1): no client can open or map it; the
 *                    driver keeps its request counters there.
 *   EXAMPLE_OP_CHECKSUM  one READ reference, no input: __u64 FNV-1a 64
 *                    (offset basis 0xcbf29ce484222325, prime 0x100000001b3)
 *                    of its bytes. On the device the reference may also be
 *                    a plain user pointer (SECSHM_REF_USER_PTR).
 *   EXAMPLE_OP_LIST_SUM  one READ reference to the first node of a linked
 *                    list in shared memory, walked with secshm_walk().
 *   EXAMPLE_OP_RECORD  one READ reference to a struct example_record: the
 *                    header is captured once, len is validated against the
 *                    reference, and the reply carries that len and the
 *                    checksum of data[0, len).
 *   EXAMPLE_OP_CHECKSUM_HANDLE  no reference; the input names a handle and
 *                    a range. The handle is a value from the client, so the
 *                    driver references it with the checked flavour
 *                    (secshm_section_get_by_handle), checks the range as a
 *                    reference's, and answers the range's checksum.
 *   EXAMPLE_OP_PUBLISH  input: a name. The driver creates a section of that
 *                    name for itself and drops it again: a name a client
 *                    created first is -EEXIST (never adopted, P3), one the
 *                    driver created already answers SECSHM_EXISTED.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "secshm_kapi.h"
#include "example.h"

#define CHECKSUM_CHUNK	(64 * 1024)

/* What the driver keeps in its server-private section. */
struct checksum_counters {
	u64 calls;
	u64 bytes;
};

static struct secshm_section *shared_sec, *private_sec;
static void *shared_view;
static struct checksum_counters *counters;	/* in private_sec's kernel view */
static DEFINE_MUTEX(counters_lock);

static u64 fnv1a64(u64 hash, const u8 *p, size_t len)
{
	while (len--) {
		hash ^= *p++;
		hash *= EXAMPLE_FNV_PRIME;
	}
	return hash;
}

/* Capture [pos, pos + len) of a reference chunk by chunk and checksum it. */
static int checksum_ref(const struct secshm_call_ref *ref, u64 pos, u64 len,
			u64 *sum)
{
	u64 hash = EXAMPLE_FNV_OFFSET;
	size_t n;
	u8 *buf;
	int ret = 0;

	buf = kvmalloc(CHECKSUM_CHUNK, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (; len; pos += n, len -= n) {
		n = min_t(u64, len, CHECKSUM_CHUNK);
		ret = secshm_ref_capture(ref, pos, buf, n);
		if (ret)
			break;
		hash = fnv1a64(hash, buf, n);
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	kvfree(buf);

	mutex_lock(&counters_lock);
	counters->calls++;
	counters->bytes += pos;
	mutex_unlock(&counters_lock);
	*sum = hash;
	return ret;
}

static int checksum_shape(const struct secshm_call *call, size_t out)
{
	if (call->nrefs != 1 || call->in_len || call->out_max < out)
		return -EINVAL;
	return 0;
}

static int op_checksum(struct secshm_call *call)
{
	u64 sum;
	int ret;

	ret = checksum_shape(call, sizeof(sum));
	if (ret)
		return ret;
	ret = checksum_ref(&call->refs[0], 0, call->refs[0].length, &sum);
	if (ret)
		return ret;
	memcpy(call->out, &sum, sizeof(sum));
	call->out_len = sizeof(sum);
	return 0;
}

/* The header is read once; only the captured, validated length is used. */
static int op_record(struct secshm_call *call)
{
	const struct secshm_call_ref *ref = &call->refs[0];
	struct example_record_reply reply = {};
	struct example_record hdr;
	u64 sum;
	int ret;

	ret = checksum_shape(call, sizeof(reply));
	if (ret)
		return ret;
	ret = secshm_ref_capture(ref, 0, &hdr, sizeof(hdr));
	if (ret)
		return ret;
	if (hdr.len > ref->length - sizeof(hdr))
		return -EINVAL;
	ret = checksum_ref(ref, sizeof(hdr), hdr.len, &sum);
	if (ret)
		return ret;
	reply.len = hdr.len;
	reply.checksum = sum;
	memcpy(call->out, &reply, sizeof(reply));
	call->out_len = sizeof(reply);
	return 0;
}

/* A handle value from the client's input: the checked flavour (H6). */
static int op_checksum_handle(struct secshm_call *call)
{
	struct secshm_call_ref ref = { .flags = SECSHM_REF_READ, .call = call };
	struct example_handle_ref in;
	u64 end, sum;
	int ret;

	if (call->nrefs || call->in_len != sizeof(in) || call->out_max < sizeof(sum))
		return -EINVAL;
	memcpy(&in, call->in, sizeof(in));
	if (in.reserved)
		return -EINVAL;
	ref.sec = secshm_section_get_by_handle(call, in.handle, SECSHM_ACCESS_MAP_READ);
	if (IS_ERR(ref.sec))
		return PTR_ERR(ref.sec);
	ref.offset = in.offset;
	ref.length = in.length;
	if (!in.length)
		ret = -EINVAL;
	else if (check_add_overflow(in.offset, in.length, &end))
		ret = -EOVERFLOW;
	else if (end > secshm_section_length(ref.sec))
		ret = -ERANGE;
	else
		ret = checksum_ref(&ref, 0, in.length, &sum);
	secshm_section_put(ref.sec);
	if (ret)
		return ret;
	memcpy(call->out, &sum, sizeof(sum));
	call->out_len = sizeof(sum);
	return 0;
}

/* Create-or-open a name for the driver itself, and drop it again. */
static int op_publish(struct secshm_call *call)
{
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_section *sec;
	int status = 0;

	if (call->nrefs || !call->in_len || call->in_len > SECSHM_NAME_MAX ||
	    memchr(call->in, 0, call->in_len))
		return -EINVAL;
	memcpy(name, call->in, call->in_len);
	name[call->in_len] = 0;
	sec = secshm_section_create(name, EXAMPLE_PUBLISH_SIZE, 0, NULL);
	if (sec == ERR_PTR(-EEXIST)) {
		sec = secshm_section_open(name);
		status = SECSHM_EXISTED;
	}
	if (IS_ERR(sec))
		return PTR_ERR(sec);
	secshm_section_put(sec);
	return status;
}

static int list_visit(void *ctx, const void *node, size_t len, u32 depth,
		      struct secshm_ref next[SECSHM_WALK_FANOUT])
{
	struct example_list_reply *reply = ctx;
	const struct example_node *n = node;	/* the walker's private copy */

	if (len != sizeof(*n))
		return -EINVAL;
	reply->count++;
	reply->sum += n->value;
	if (!n->next_handle)
		return 0;
	next[0] = (struct secshm_ref){ .handle = n->next_handle,
				       .offset = n->next_offset,
				       .length = sizeof(*n) };
	return 1;
}

/* A linked list in shared memory, every hop checked (R3). */
static int op_list_sum(struct secshm_call *call)
{
	struct example_list_reply reply = {};
	const struct secshm_walk walk = {
		.max_depth = EXAMPLE_LIST_MAX - 1, .max_nodes = EXAMPLE_LIST_MAX,
		.max_bytes = EXAMPLE_LIST_MAX * sizeof(struct example_node),
		.max_node = sizeof(struct example_node), .visit = list_visit,
		.ctx = &reply,
	};
	int ret;

	ret = checksum_shape(call, sizeof(reply));
	if (ret)
		return ret;
	ret = secshm_walk(call, &call->refs[0], &walk);
	if (ret)
		return ret;
	memcpy(call->out, &reply, sizeof(reply));
	call->out_len = sizeof(reply);
	return 0;
}

static struct secshm_call_handler handlers[] = {
	{ .opcode = EXAMPLE_OP_CHECKSUM, .owner = THIS_MODULE, .fn = op_checksum },
	{ .opcode = EXAMPLE_OP_RECORD, .owner = THIS_MODULE, .fn = op_record },
	{ .opcode = EXAMPLE_OP_LIST_SUM, .owner = THIS_MODULE, .fn = op_list_sum },
	{ .opcode = EXAMPLE_OP_CHECKSUM_HANDLE, .owner = THIS_MODULE,
	  .fn = op_checksum_handle },
	{ .opcode = EXAMPLE_OP_PUBLISH, .owner = THIS_MODULE, .fn = op_publish },
};

static struct secshm_section *section_with_view(const char *name, u64 length,
						u32 flags,
						const struct secshm_sd *sd,
						void **view)
{
	struct secshm_section *sec;

	sec = secshm_section_create(name, length, flags, sd);
	if (IS_ERR(sec))
		return sec;
	*view = secshm_kmap(sec);
	if (IS_ERR(*view)) {
		secshm_section_put(sec);
		return ERR_CAST(*view);
	}
	return sec;
}

static void section_drop(struct secshm_section *sec)
{
	secshm_kunmap(sec);
	secshm_section_put(sec);
}

static int __init checksum_init(void)
{
	static const struct secshm_sd shared_sd = {
		.owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER, .mode = 0666,
	};
	void *view;
	int ret, i;

	private_sec = section_with_view(EXAMPLE_PRIVATE, EXAMPLE_PRIVATE_SIZE,
					SECSHM_SECTION_SERVER_PRIVATE, NULL,
					&view);
	if (IS_ERR(private_sec))
		return PTR_ERR(private_sec);
	counters = view;
	shared_sec = section_with_view(EXAMPLE_SHARED, EXAMPLE_SHARED_SIZE, 0,
				       &shared_sd, &shared_view);
	if (IS_ERR(shared_sec)) {
		ret = PTR_ERR(shared_sec);
		goto err_private;
	}
	for (i = 0; i < ARRAY_SIZE(handlers); i++) {
		ret = secshm_register_call(&handlers[i]);
		if (ret)
			goto err_unregister;
	}
	return 0;

err_unregister:
	while (i--)
		secshm_unregister_call(&handlers[i]);
	section_drop(shared_sec);
err_private:
	section_drop(private_sec);
	return ret;
}

static void __exit checksum_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(handlers); i++)
		secshm_unregister_call(&handlers[i]);
	pr_info("%llu checksums over %llu bytes\n", counters->calls,
		counters->bytes);
	section_drop(shared_sec);
	section_drop(private_sec);
}

module_init(checksum_init);
module_exit(checksum_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("secshm example driver: FNV-1a checksums over client references");
MODULE_SOFTDEP("pre: secshm");
