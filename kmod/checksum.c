// SPDX-License-Identifier: GPL-2.0
/*
 * secshm_checksum.ko: the example privileged server of examples/example.h
 * as a driver on the secshm kernel API, written the way the seeds' driver
 * shares a section: it creates the sections itself, keeps its own
 * reference and server view of each for its lifetime (P7, P2), and serves
 * CALLs whose references it reads only through private captures (P6). The
 * daemon's example (examples/checksum-server.c) is the same server on
 * libsecshm-server; what does not touch either API they share
 * (examples/example_server.h).
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
 *                    (secshm_reference_by_handle), checks the range as a
 *                    span's (secshm_span_init), and answers its checksum.
 *   EXAMPLE_OP_PUBLISH  input: a name. The driver creates a section of that
 *                    name for itself and drops it again: a name a client
 *                    created first is -EEXIST (never adopted, P3), one the
 *                    driver created already answers SECSHM_EXISTED.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "secshm_kapi.h"
#include "example_server.h"

#define CHECKSUM_CHUNK	(64 * 1024)

/* What the driver keeps in its server-private section. */
struct checksum_counters {
	u64 calls;
	u64 bytes;
};

static struct secshm_section *shared_sec, *private_sec;
static void *shared_view;
static struct checksum_counters *counters;	/* in private_sec's server view */
static DEFINE_MUTEX(counters_lock);

/* Capture [pos, pos + len) of a span chunk by chunk and checksum it. */
static int checksum_span(const struct secshm_span *span, u64 pos, u64 len, u64 *sum)
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
		ret = secshm_capture(span, pos, buf, n);
		if (ret)
			break;
		hash = example_fnv1a(hash, buf, n);
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

static int reply(struct secshm_request *req, const void *out, u32 len)
{
	memcpy(req->out, out, len);
	req->out_len = len;
	return 0;
}

static int op_checksum(struct secshm_request *req, void *data)
{
	u64 sum;
	int ret;

	if (req->out_cap < sizeof(sum))
		return -EINVAL;
	ret = checksum_span(&req->refs[0], 0, req->refs[0].length, &sum);
	return ret ?: reply(req, &sum, sizeof(sum));
}

/* The header is read once; only the captured, validated length is used (P6). */
static int op_record(struct secshm_request *req, void *data)
{
	const struct secshm_span *span = &req->refs[0];
	struct example_record_reply out = {};
	struct example_record hdr;
	u64 sum;
	int ret;

	if (req->out_cap < sizeof(out))
		return -EINVAL;
	ret = secshm_capture(span, 0, &hdr, sizeof(hdr));
	if (ret)
		return ret;
	if (hdr.len > span->length - sizeof(hdr))
		return -EINVAL;
	ret = checksum_span(span, sizeof(hdr), hdr.len, &sum);
	if (ret)
		return ret;
	out.len = hdr.len;
	out.checksum = sum;
	return reply(req, &out, sizeof(out));
}

/*
 * The handle is a value from the client's input, not a resolved reference:
 * reference it with the checked flavour (H6), then check the range as a
 * span's and read it through the span.
 */
static int op_checksum_handle(struct secshm_request *req, void *data)
{
	struct secshm_section *sec;
	struct example_handle_ref in;
	struct secshm_span span;
	u64 sum;
	int ret;

	if (req->out_cap < sizeof(sum))
		return -EINVAL;
	memcpy(&in, req->in, sizeof(in));
	if (in.reserved)
		return -EINVAL;
	sec = secshm_reference_by_handle(req, in.handle, SECSHM_ACCESS_MAP_READ);
	if (IS_ERR(sec))
		return PTR_ERR(sec);
	ret = secshm_span_init(&span, req, sec, in.offset, in.length, SECSHM_REF_READ) ?:
	      checksum_span(&span, 0, in.length, &sum);
	secshm_section_put(sec);
	return ret ?: reply(req, &sum, sizeof(sum));
}

/*
 * Create a section of the name for the driver itself and drop it again: a
 * name a client created first is never adopted (P3, -EEXIST); one the
 * driver created already answers SECSHM_EXISTED.
 */
static int op_publish(struct secshm_request *req, void *data)
{
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_section *sec;
	int status = 0;

	if (memchr(req->in, 0, req->in_len))
		return -EINVAL;
	memcpy(name, req->in, req->in_len);
	name[req->in_len] = 0;
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

/* A linked list in shared memory, every hop checked (R3). */
static int op_list_sum(struct secshm_request *req, void *data)
{
	struct example_list_reply out = {};
	const struct secshm_walk walk = EXAMPLE_LIST_WALK(&out);
	int ret;

	if (req->out_cap < sizeof(out))
		return -EINVAL;
	ret = secshm_walk(req, &req->refs[0], &walk);
	return ret ?: reply(req, &out, sizeof(out));
}

static const struct secshm_opcode ops[] = {
	{ EXAMPLE_OP_CHECKSUM, 1, 1, 0, 0, op_checksum, NULL, THIS_MODULE },
	{ EXAMPLE_OP_RECORD, 1, 1, 0, 0, op_record, NULL, THIS_MODULE },
	{ EXAMPLE_OP_LIST_SUM, 1, 1, 0, 0, op_list_sum, NULL, THIS_MODULE },
	{ EXAMPLE_OP_CHECKSUM_HANDLE, 0, 0, sizeof(struct example_handle_ref),
	  sizeof(struct example_handle_ref), op_checksum_handle, NULL, THIS_MODULE },
	{ EXAMPLE_OP_PUBLISH, 0, 0, 1, SECSHM_NAME_MAX, op_publish, NULL, THIS_MODULE },
};

static struct secshm_section *section_with_view(const char *name, u64 length, u32 flags,
						const struct secshm_sd *sd, void **view)
{
	struct secshm_section *sec;

	sec = secshm_section_create(name, length, flags, sd);
	if (IS_ERR(sec))
		return sec;
	*view = secshm_view_map(sec);
	if (IS_ERR(*view)) {
		secshm_section_put(sec);
		return ERR_CAST(*view);
	}
	return sec;
}

static void section_drop(struct secshm_section *sec)
{
	secshm_view_unmap(sec);
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
					SECSHM_SECTION_SERVER_PRIVATE, NULL, &view);
	if (IS_ERR(private_sec))
		return PTR_ERR(private_sec);
	counters = view;
	shared_sec = section_with_view(EXAMPLE_SHARED, EXAMPLE_SHARED_SIZE, 0, &shared_sd,
				       &shared_view);
	if (IS_ERR(shared_sec)) {
		ret = PTR_ERR(shared_sec);
		goto err_private;
	}
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		ret = secshm_opcode_register(&ops[i]);
		if (ret)
			goto err_unregister;
	}
	return 0;

err_unregister:
	while (i--)
		secshm_opcode_unregister(&ops[i]);
	section_drop(shared_sec);
err_private:
	section_drop(private_sec);
	return ret;
}

static void __exit checksum_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		secshm_opcode_unregister(&ops[i]);
	pr_info("%llu checksums over %llu bytes\n", counters->calls, counters->bytes);
	section_drop(shared_sec);
	section_drop(private_sec);
}

module_init(checksum_init);
module_exit(checksum_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("secshm example driver: FNV-1a checksums over client references");
MODULE_SOFTDEP("pre: secshm");
