// SPDX-License-Identifier: MIT
/*
 * Name squatting (N1, docs/namespaces.md). A flat namespace let nobody
 * create a name before root did, with a mode of its choosing, so that
 * root's `secshm write NAME` wrote into nobody's section. Now an unqualified
 * name is the caller's own, only privileged callers create global names,
 * and root's tools ask before touching another uid's section.
 */
#include <sys/wait.h>
#include "attack.h"

struct ns_arg {
	char name[96];		/* unqualified */
	char global[128];	/* global/<name> */
	char nobody[128];	/* user/65534/<name> */
};

static void ns_names(struct ns_arg *a, const char *tag)
{
	harness_local_name(a->name, sizeof(a->name), tag);
	snprintf(a->global, sizeof(a->global), "global/%s", a->name);
	snprintf(a->nobody, sizeof(a->nobody), "user/%d/%s", HARNESS_NOBODY, a->name);
}

static int child_no_foreign_names(void *p)
{
	const struct ns_arg *a = p;
	char root_ns[128], other_ns[128];
	struct secshm *s;
	uint32_t h;

	snprintf(root_ns, sizeof(root_ns), "user/0/%s", a->name);
	snprintf(other_ns, sizeof(other_ns), "user/4242/%s", a->name);
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_STATUS(secshm_create(s, a->global, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h), -EPERM);
	CHILD_STATUS(secshm_create(s, root_ns, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h), -EPERM);
	CHILD_STATUS(secshm_create(s, other_ns, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h), -EPERM);
	CHILD_STATUS(secshm_create(s, root_ns, 4096, SECSHM_GENERIC_ALL,
				   SECSHM_CREATE_PERMANENT, NULL, &h), -EPERM);
	CHILD_STATUS(secshm_open(s, a->global, SECSHM_GENERIC_READ, &h), -ENOENT);
	/* Its own namespace, written either way, is its own to use. */
	CHILD_OK(secshm_create(s, a->nobody, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, NULL,
			       &h));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: N1 — nobody cannot create a name in the global namespace, in
 * root's or in any other uid's, permanent or not (-EPERM), and creates in
 * its own freely.
 */
static void test_no_foreign_names(void **state)
{
	struct ns_arg a;

	ns_names(&a, "foreign");
	ATTACK_AS_NOBODY(child_no_foreign_names, &a);
}

/* nobody squats: its own "name", world-writable, reading what lands in it. */
static int child_squat(void *p, int in, int out)
{
	const struct ns_arg *a = p;
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER, .mode = 0666 };
	struct secshm_section_info info;
	struct secshm *s;
	uint32_t h;
	char *v;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, a->name, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, &sd, &h));
	CHILD_OK(secshm_query(s, h, &info, NULL));
	CHILD_EQ(info.name_len, strlen(a->nobody));
	CHILD_CHECK(!memcmp(info.name, a->nobody, info.name_len));
	CHILD_OK(secshm_map(s, h, 0, 4096, RW, (void **)&v));
	CHILD_EQ(attack_post(out), 0);
	CHILD_EQ(attack_await(in, 30000), 0);	/* root has written "its" section */
	CHILD_CHECK(!memchr(v, 's', 4096));
	CHILD_OK(secshm_unmap(s, v));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: N1 — the attack: nobody creates NAME first, mode 0666; root then
 * creates-or-opens NAME and writes a secret. Root gets a new section of
 * its own (not SECSHM_EXISTED, reported as user/0/NAME) and nobody's
 * section sees nothing of the secret.
 */
static void test_squat_defeated(void **state)
{
	struct attack_child ch = ATTACK_CHILD_INIT;
	struct secshm *s = harness_connect();
	struct secshm_section_info info;
	char root_ns[128];
	struct ns_arg a;
	uint32_t h;
	char *v;

	ns_names(&a, "frames");
	snprintf(root_ns, sizeof(root_ns), "user/0/%s", a.name);
	assert_int_equal(attack_spawn(&ch, HARNESS_NOBODY, HARNESS_NOGROUP, child_squat, &a), 0);
	assert_int_equal(attack_await(ch.from_child, 30000), 0);
	assert_status(secshm_create(s, a.name, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h), 0);
	assert_ok(secshm_query(s, h, &info, NULL));
	assert_int_equal(info.owner, 0);
	assert_int_equal(info.name_len, strlen(root_ns));
	assert_memory_equal(info.name, root_ns, info.name_len);
	assert_ok(secshm_map(s, h, 0, 4096, RW, (void **)&v));
	memset(v, 's', 4096);
	assert_ok(secshm_unmap(s, v));
	attack_post(ch.to_child);
	assert_int_equal(attack_reap(&ch), 0);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static int child_fallback(void *p)
{
	const struct ns_arg *a = p;
	struct secshm_section_info info;
	struct secshm *s;
	uint32_t h, own;

	CHILD_OK(secshm_connect(NULL, &s));
	/* Not in its own namespace: the global one. */
	CHILD_OK(secshm_open(s, a->name, SECSHM_GENERIC_READ, &h));
	CHILD_OK(secshm_query(s, h, &info, NULL));
	CHILD_CHECK(info.name_len == strlen(a->global) &&
		    !memcmp(info.name, a->global, info.name_len));
	CHILD_EQ(info.owner, 0);
	CHILD_STATUS(secshm_open(s, a->name, SECSHM_GENERIC_WRITE, &own), -EACCES);
	CHILD_OK(secshm_close(s, h));
	/* Its own name of the same spelling comes first for itself. */
	CHILD_OK(secshm_create(s, a->name, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, NULL,
			       &own));
	CHILD_OK(secshm_open(s, a->name, SECSHM_GENERIC_READ, &h));
	CHILD_OK(secshm_query(s, h, &info, NULL));
	CHILD_CHECK(info.name_len == strlen(a->nobody) &&
		    !memcmp(info.name, a->nobody, info.name_len));
	CHILD_OK(secshm_close(s, h));
	CHILD_OK(secshm_close(s, own));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: N1 — a name root publishes globally (mode 0644) is found by
 * nobody's unqualified open, read-only as its mode says; a name of
 * nobody's own spelled the same comes first, for nobody only.
 */
static void test_global_fallback(void **state)
{
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER, .mode = 0644 };
	struct secshm *s = harness_connect();
	struct secshm_section_info info;
	struct ns_arg a;
	uint32_t h, h2;

	ns_names(&a, "pub");
	assert_ok(secshm_create(s, a.global, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, &sd, &h));
	ATTACK_AS_NOBODY(child_fallback, &a);
	/* Root's unqualified open finds the global one too, and never nobody's. */
	assert_ok(secshm_open(s, a.name, SECSHM_GENERIC_READ, &h2));
	assert_ok(secshm_query(s, h2, &info, NULL));
	assert_int_equal(info.name_len, strlen(a.global));
	assert_ok(secshm_close(s, h2));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/* Run `secshm ARGS...` with input on stdin; its exit status, stderr into err. */
static int run_tool(const char *input, char *err, size_t errlen, char *const args[])
{
	char bin[512];
	int in[2], ep[2], st;
	ssize_t n;
	pid_t pid;

	assert_int_equal(harness_bin(bin, sizeof(bin), "secshm"), 0);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(ep), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(ep[1], 2);
		close(in[1]);
		close(ep[0]);
		execv(bin, args);
		_exit(127);
	}
	close(in[0]);
	close(ep[1]);
	if (input)
		assert_int_equal(write(in[1], input, strlen(input)), (ssize_t)strlen(input));
	close(in[1]);
	n = read(ep[0], err, errlen - 1);
	err[n > 0 ? n : 0] = '\0';
	close(ep[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int child_make_own(void *p)
{
	const struct ns_arg *a = p;
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER, .mode = 0666 };
	struct secshm *s;
	uint32_t h;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, a->name, 4096, SECSHM_GENERIC_ALL,
			       SECSHM_CREATE_NEW | SECSHM_CREATE_PERMANENT, &sd, &h));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: N1 — root's `secshm write` and `secshm read` of a section another
 * uid owns are refused, saying why and what to pass, and change nothing;
 * with --any-owner they do as asked.
 */
static void test_tool_asks_before_foreign(void **state)
{
	struct secshm *s = harness_connect();
	char err[512], out[16];
	struct ns_arg a;
	uint32_t h;
	char *v;

	ns_names(&a, "tool");
	ATTACK_AS_NOBODY(child_make_own, &a);
	assert_int_equal(run_tool("secret", err, sizeof(err), (char *[]){
		"secshm", "write", a.nobody, "0", NULL }), 1);
	assert_non_null(strstr(err, "owned by uid 65534"));
	assert_non_null(strstr(err, "--any-owner"));
	assert_int_equal(run_tool(NULL, err, sizeof(err), (char *[]){
		"secshm", "read", a.nobody, "0", "6", NULL }), 1);
	assert_ok(secshm_open(s, a.nobody, SECSHM_GENERIC_ALL, &h));
	assert_ok(secshm_map(s, h, 0, 4096, RW, (void **)&v));
	assert_null(memchr(v, 's', 4096));
	assert_int_equal(run_tool("secret", err, sizeof(err), (char *[]){
		"secshm", "write", "--any-owner", a.nobody, "0", NULL }), 0);
	memcpy(out, v, 6);
	assert_memory_equal(out, "secret", 6);
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_unlink(s, h));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_no_foreign_names),
	HARNESS_TEST(test_squat_defeated),
	HARNESS_TEST(test_global_fallback),
	HARNESS_TEST(test_tool_asks_before_foreign),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
