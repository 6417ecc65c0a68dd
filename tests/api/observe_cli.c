// SPDX-License-Identifier: MIT
/*
 * Observability (Q4) as an administrator reads it: the secshm command's
 * ls, ls --json, ls --clients [--json] and stat [--json], run against the
 * server under test (the daemon the harness starts, or /dev/secshm in the
 * VM) and parsed, the text line by line and the JSON with
 * tests/common/json.c. Every value is checked against what this test
 * created and what QUERY, LIST, CLIENTS and HANDLES tell it directly.
 *
 * The command is found next to the test binaries, as the harness finds
 * secshmd: build/bin/secshm on the host, /bin/secshm in the VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../common/harness.h"
#include "../common/json.h"

#define PAGE_CLIENTS	(SECSHM_INLINE_MAX / sizeof(struct secshm_client_info))
#define PAGE_HANDLES	(SECSHM_INLINE_MAX / sizeof(struct secshm_handle_info))

/*
 * The section every test looks at, and the connection that holds it, with
 * values no default would give and no two alike: the connection is root's
 * (uid 0) with gid CONN_GID.
 */
#define OWNER		4321
#define GROUP		4242
#define MODE		0640
#define CONN_GID	4343

struct fixture {
	struct secshm *s;
	char name[64];
	uint32_t h, dup;	/* GENERIC_ALL and GENERIC_READ handles */
	uint32_t h_access, dup_access;
	void *view;		/* the second of three pages, read-write */
	struct secshm_section_info info;
};

static const struct {
	uint32_t bit;
	const char *word;
} flag_words[] = {
	{ SECSHM_SECTION_TRUSTED_ONLY,	 "trusted-only" },
	{ SECSHM_SECTION_PINNED,	 "pinned" },
	{ SECSHM_SECTION_PERMANENT,	 "permanent" },
	{ SECSHM_SECTION_CLIENT_CREATED, "client-created" },
	{ SECSHM_SECTION_SERVER_PRIVATE, "server-private" },
	{ SECSHM_SECTION_FILE,		 "file" },
	{ SECSHM_SECTION_UNLINKED,	 "unlinked" },
};

#define NFLAGS	(sizeof(flag_words) / sizeof(flag_words[0]))

static const char *const access_words[] = {
	"query", "map_read", "map_write", "duplicate", "delete",
};

static int setup(void **state)
{
	static struct fixture f;
	struct secshm_sd sd = { .owner = OWNER, .group = GROUP, .mode = MODE };
	size_t page = harness_page();
	uint32_t known = 0;

	if (harness_test_setup(state))
		return -1;
	memset(&f, 0, sizeof(f));
	/* The server takes the gid from the kernel at connect time. */
	assert_int_equal(setegid(CONN_GID), 0);
	f.s = harness_connect();
	assert_int_equal(setegid(getgid()), 0);
	harness_name(f.name, sizeof(f.name), "observe");
	assert_ok(secshm_create(f.s, f.name, 3 * page - 100, SECSHM_GENERIC_ALL,
				SECSHM_CREATE_PERMANENT, &sd, &f.h));
	assert_ok(secshm_duplicate(f.s, f.h, SECSHM_GENERIC_READ, &f.dup));
	assert_ok(secshm_map(f.s, f.h, page, page, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &f.view));
	assert_ok(secshm_query(f.s, f.dup, &f.info, &f.dup_access));
	assert_ok(secshm_query(f.s, f.h, &f.info, &f.h_access));
	/* What the commands must show, as QUERY reports it. */
	assert_int_equal(f.info.length, 3 * page);
	assert_int_equal(f.info.owner, OWNER);
	assert_int_equal(f.info.group, GROUP);
	assert_int_equal(f.info.mode, MODE);
	assert_true(f.info.flags & SECSHM_SECTION_PERMANENT);
	assert_true(f.info.flags & SECSHM_SECTION_CLIENT_CREATED);
	for (size_t i = 0; i < NFLAGS; i++)
		known |= flag_words[i].bit;
	assert_int_equal(f.info.flags & ~known, 0);
	assert_true(f.info.handles >= 2);
	assert_int_equal(f.info.views, 1);
	assert_string_equal(f.info.name, f.name);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	assert_ok(secshm_unmap(f->s, f->view));
	assert_ok(secshm_close(f->s, f->dup));
	assert_ok(secshm_unlink(f->s, f->h));
	assert_ok(secshm_close(f->s, f->h));
	secshm_disconnect(f->s);
	return harness_test_teardown(state);
}

/* ---- running the command ---- */

static void command_path(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	assert_true(n > 0);
	exe[n] = '\0';
	assert_true(snprintf(out, len, "%s/../../bin/secshm", dirname(exe)) < (int)len);
	if (access(out, X_OK))
		fail_msg("the secshm command is not at %s: %s", out, strerror(errno));
}

/*
 * Run `secshm args...` against the server under test ($SECSHM_ADDRESS, which
 * the harness set): its standard output, NUL-terminated; it must exit 0.
 */
static char *run(char *const args[], size_t *len)
{
	char path[PATH_MAX], *out = NULL, *argv[8] = { "secshm" };
	size_t cap = 0, n = 0;
	int pipefd[2], st;
	ssize_t got;
	pid_t pid;

	command_path(path, sizeof(path));
	for (int i = 0; args[i]; i++) {
		assert_true(i + 2 < 8);
		argv[i + 1] = args[i];
	}
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(pipefd[1], STDOUT_FILENO);
		execv(path, argv);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		if (n + 1 >= cap) {
			cap = cap ? 2 * cap : 65536;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		got = read(pipefd[0], out + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		assert_true(got >= 0);
		if (!got)
			break;
		n += (size_t)got;
	}
	close(pipefd[0]);
	out[n] = '\0';
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail_msg("secshm %s: exit status %#x; output:\n%s", args[0], st, out);
	*len = n;
	return out;
}

static struct json *run_json(char *const args[])
{
	char err[128];
	struct json *v;
	size_t len;
	char *out = run(args, &len);

	v = json_parse(out, len, err, sizeof(err));
	if (!v)
		fail_msg("secshm %s %s: not JSON (%s):\n%s", args[0], args[1], err, out);
	free(out);
	return v;
}

/* ---- what the output must say ---- */

static void expected_flags(uint32_t flags, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NFLAGS; i++)
		if (flags & flag_words[i].bit)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "",
					      flag_words[i].word);
	assert_true(n > 0 && n < len);
}

/* Access words joined by commas; none is "" (the text form prints "-"). */
static void expected_access(uint32_t access, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < 5; i++)
		if (access & (1U << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "",
					      access_words[i]);
	assert_true(n < len);
}

static const char *u64(uint64_t v, char *buf)
{
	snprintf(buf, 24, "%" PRIu64, v);
	return buf;
}

/* Split a line at runs of spaces: at most max fields, their count. */
static int split(char *line, char **fields, int max)
{
	int n = 0;

	for (char *tok = strtok(line, " "); tok; tok = strtok(NULL, " ")) {
		assert_true(n < max);
		fields[n++] = tok;
	}
	return n;
}

static void assert_u64_member(const struct json *obj, const char *key, uint64_t want)
{
	uint64_t v;

	if (!json_u64(json_get(obj, key), &v))
		fail_msg("member \"%s\" is not an unsigned integer", key);
	if (v != want)
		fail_msg("member \"%s\" is %" PRIu64 ", expected %" PRIu64, key, v, want);
}

static void assert_str_member(const struct json *obj, const char *key, const char *want)
{
	const char *v = json_str(json_get(obj, key));

	if (!v)
		fail_msg("member \"%s\" is not a string", key);
	assert_string_equal(v, want);
}

/* A JSON array of strings, joined with commas, equals want. */
static void assert_words_member(const struct json *obj, const char *key, const char *want)
{
	const struct json *a = json_get(obj, key);
	char buf[256] = "";
	size_t n = 0;

	if (!a || a->type != JSON_ARRAY)
		fail_msg("member \"%s\" is not an array", key);
	for (size_t i = 0; i < a->n; i++) {
		const char *w = json_str(a->items[i]);

		assert_non_null(w);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "," : "", w);
		assert_true(n < sizeof(buf));
	}
	assert_string_equal(buf, want);
}

/* The section's QUERY values, as the JSON of ls and stat carry them. */
static void assert_section_json(const struct json *o, const struct secshm_section_info *info,
				uint32_t handles)
{
	char flags[256], mode[8];

	assert_non_null(o);
	assert_int_equal(o->type, JSON_OBJECT);
	expected_flags(info->flags, flags, sizeof(flags));
	snprintf(mode, sizeof(mode), "%04o", info->mode);
	assert_str_member(o, "name", info->name);
	assert_u64_member(o, "id", info->id);
	assert_u64_member(o, "size", info->length);
	assert_u64_member(o, "owner", info->owner);
	assert_u64_member(o, "group", info->group);
	assert_str_member(o, "mode", mode);
	assert_words_member(o, "flags", flags);
	assert_u64_member(o, "flags_value", info->flags);
	assert_u64_member(o, "handles", handles);
	assert_u64_member(o, "views", info->views);
	assert_u64_member(o, "server_refs", info->server_refs);
	assert_int_equal(o->n, 11);
}

/* The state did not move while the command ran (stat's handle is closed again). */
static void assert_unchanged(const struct fixture *f)
{
	struct secshm_section_info now;

	assert_ok(secshm_query(f->s, f->h, &now, NULL));
	assert_int_equal(now.handles, f->info.handles);
	assert_int_equal(now.views, f->info.views);
	assert_int_equal(now.server_refs, f->info.server_refs);
}

/* ---- secshm ls ---- */

/*
 * SPEC: Q4 — `secshm ls` prints a heading and one line per section LIST
 * reports; the test's section appears once with its name, size, owner, group, mode,
 * flags, client handles and views as QUERY reports them.
 */
static void test_ls_text(void **state)
{
	static const char *const headings[] = {
		"NAME", "SIZE", "OWNER", "GROUP", "MODE", "FLAGS", "HANDLES", "VIEWS",
	};
	struct fixture *f = *state;
	char *fields[16], flags[256], num[24], mode[8], *save = NULL, *line, *out;
	uint32_t total, lines = 0;
	size_t len;
	int found = 0, n;

	assert_true(secshm_list(f->s, 0, NULL, 0, &total) >= 0);
	out = run((char *[]){ "ls", NULL }, &len);
	expected_flags(f->info.flags, flags, sizeof(flags));
	snprintf(mode, sizeof(mode), "%04o", f->info.mode);
	line = strtok_r(out, "\n", &save);
	assert_non_null(line);
	n = split(line, fields, 16);
	assert_int_equal(n, 8);
	for (int i = 0; i < 8; i++)
		assert_string_equal(fields[i], headings[i]);
	while ((line = strtok_r(NULL, "\n", &save))) {
		lines++;
		assert_int_equal(split(line, fields, 16), 8);
		if (strcmp(fields[0], f->name))
			continue;
		found++;
		assert_string_equal(fields[1], u64(f->info.length, num));
		assert_string_equal(fields[2], u64(f->info.owner, num));
		assert_string_equal(fields[3], u64(f->info.group, num));
		assert_string_equal(fields[4], mode);
		assert_string_equal(fields[5], flags);
		assert_string_equal(fields[6], u64(f->info.handles, num));
		assert_string_equal(fields[7], u64(f->info.views, num));
	}
	assert_int_equal(found, 1);
	assert_int_equal(lines, total);
	free(out);
	assert_unchanged(f);
}

/*
 * SPEC: Q4 — `secshm ls --json` is one strict JSON array of objects, one
 * per section LIST reports, and the test's section carries every QUERY
 * value: name, id, size, owner, group, mode, flag words and bits, handles,
 * views and the server's references.
 */
static void test_ls_json(void **state)
{
	struct fixture *f = *state;
	struct json *v = run_json((char *[]){ "ls", "--json", NULL });
	struct secshm_section_info *info = calloc(SECSHM_LIST_MAX, sizeof(*info));
	const struct json *mine = NULL;
	uint32_t total;
	int listed;

	assert_non_null(info);
	assert_int_equal(v->type, JSON_ARRAY);
	for (size_t i = 0; i < v->n; i++) {
		const char *name = json_str(json_get(v->items[i], "name"));

		assert_non_null(name);
		if (!strcmp(name, f->name)) {
			assert_null(mine);
			mine = v->items[i];
		}
	}
	assert_section_json(mine, &f->info, f->info.handles);
	/* As many entries as LIST has. */
	listed = secshm_list(f->s, 0, info, SECSHM_LIST_MAX, &total);
	assert_true(listed >= 0);
	assert_true(total <= SECSHM_LIST_MAX);
	assert_int_equal(v->n, total);
	json_free(v);
	free(info);
	assert_unchanged(f);
}

/* ---- secshm stat ---- */

/*
 * SPEC: Q4 — `secshm stat NAME` prints one "key: value" line per field
 * with the section's QUERY values; its handle count includes the handle
 * the command itself opened.
 */
static void test_stat_text(void **state)
{
	static const char *const keys[] = {
		"name", "id", "size", "owner", "group", "mode", "flags", "handles", "views",
		"server refs",
	};
	struct fixture *f = *state;
	char flags[256], num[10][24], mode[8], *save = NULL, *line, *out;
	const char *want[10];
	size_t len;
	int i = 0;

	out = run((char *[]){ "stat", f->name, NULL }, &len);
	expected_flags(f->info.flags, flags, sizeof(flags));
	want[0] = f->name;
	want[1] = u64(f->info.id, num[1]);
	want[2] = u64(f->info.length, num[2]);
	want[3] = u64(f->info.owner, num[3]);
	want[4] = u64(f->info.group, num[4]);
	snprintf(mode, sizeof(mode), "%04o", f->info.mode);
	want[5] = mode;
	want[6] = flags;
	want[7] = u64(f->info.handles + 1, num[7]);
	want[8] = u64(f->info.views, num[8]);
	want[9] = u64(f->info.server_refs, num[9]);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		char *colon = strchr(line, ':'), *value;

		assert_true(i < 10);
		assert_non_null(colon);
		*colon = '\0';
		assert_string_equal(line, keys[i]);
		value = colon + 1 + strspn(colon + 1, " ");
		assert_string_equal(value, want[i]);
	}
	assert_int_equal(i, 10);
	free(out);
	assert_unchanged(f);
}

/* SPEC: Q4 — `secshm stat NAME --json` is one JSON object of the QUERY values. */
static void test_stat_json(void **state)
{
	struct fixture *f = *state;
	struct json *v = run_json((char *[]){ "stat", f->name, "--json", NULL });

	assert_section_json(v, &f->info, f->info.handles + 1);
	json_free(v);
	assert_unchanged(f);
}

/* ---- secshm ls --clients ---- */

/* What CLIENTS and HANDLES say directly about the fixture's connection. */
struct truth {
	struct secshm_client_info client;
	struct secshm_handle_info handles[PAGE_HANDLES];
	size_t nhandles;
};

static const struct secshm_handle_info *held(const struct truth *t, size_t n, uint32_t handle)
{
	for (size_t i = 0; i < n; i++)
		if (t->handles[i].handle == handle)
			return &t->handles[i];
	return NULL;
}

/* HANDLES reports a section handle of the fixture as QUERY does. */
static void assert_held(const struct fixture *f, const struct truth *t, uint32_t handle,
			uint32_t access)
{
	const struct secshm_handle_info *h = held(t, t->nhandles, handle);

	assert_non_null(h);
	assert_int_equal(h->type, SECSHM_OBJECT_SECTION);
	assert_int_equal(h->access, access);
	assert_int_equal(h->object, f->info.id);
	assert_int_equal(h->offset, 0);
	assert_int_equal(h->length, f->info.length);
}

/* The connection that holds the fixture's handle h (other ones are the harness's). */
static void find_truth(const struct fixture *f, struct truth *t)
{
	static struct secshm_client_info c[PAGE_CLIENTS];
	struct { uint64_t id; uint32_t start, zero; } q = { 0 };
	uint32_t start = 0;
	int found = 0;
	size_t n, m;

	do {
		assert_ok(secshm_call(f->s, SECSHM_CALL_CLIENTS, &start, sizeof(start), NULL, 0,
				      c, sizeof(c), &n));
		n /= sizeof(c[0]);
		for (size_t i = 0; i < n; i++) {
			q.id = c[i].id;
			assert_ok(secshm_call(f->s, SECSHM_CALL_HANDLES, &q, sizeof(q), NULL, 0,
					      t->handles, sizeof(t->handles), &m));
			m /= sizeof(t->handles[0]);
			assert_true(m < PAGE_HANDLES);
			if (c[i].pid != (uint32_t)getpid() || !held(t, m, f->h))
				continue;
			t->client = c[i];
			t->nhandles = m;
			found++;
		}
		start += (uint32_t)n;
	} while (n == PAGE_CLIENTS);
	assert_int_equal(found, 1);
	/* The truth itself is what the test did. */
	assert_int_equal(t->client.uid, getuid());
	assert_int_equal(t->client.gid, CONN_GID);
	assert_int_equal(t->client.handles, t->nhandles);
	assert_held(f, t, f->h, f->h_access);
	assert_held(f, t, f->dup, f->dup_access);
	assert_int_equal(t->client.views, 1);
	assert_int_equal(t->client.sections, 1);
	assert_int_equal(t->client.bytes, f->info.length);
}

/* The text line a handle gets: hex value, type, section id, range, access words. */
static void handle_line(const struct secshm_handle_info *h, char *buf, size_t len)
{
	char words[96];

	expected_access(h->access, words, sizeof(words));
	snprintf(buf, len, "%#010x %s section %" PRIu64 " %" PRIu64 "+%" PRIu64 " %s",
		 h->handle, h->type == SECSHM_OBJECT_VIEW ? "view" : "section",
		 (uint64_t)h->object, (uint64_t)h->offset, (uint64_t)h->length,
		 words[0] ? words : "-");
}

/* Collapse runs of spaces and drop leading ones, for comparing columns. */
static void squeeze(char *s)
{
	char *o = s;

	for (char *p = s; *p; p++)
		if (*p != ' ' || (o > s && o[-1] != ' '))
			*o++ = *p;
	if (o > s && o[-1] == ' ')
		o--;
	*o = '\0';
}

/*
 * SPEC: Q4 — `secshm ls --clients` shows the test's own connection with its
 * pid, uid, gid, handle, view and section counts, then one line per handle
 * with its value, type, section id, range and access words, exactly as
 * CLIENTS and HANDLES report them (the fixture's two section handles with
 * GENERIC_ALL's and GENERIC_READ's rights among them).
 */
static void test_clients_text(void **state)
{
	struct fixture *f = *state;
	struct truth t;
	char header[256], want[256], *save = NULL, *line, *out;
	size_t len, next = 0;
	bool in_mine = false;
	int found = 0;

	find_truth(f, &t);
	snprintf(header, sizeof(header),
		 "client %" PRIu64 ": pid %u uid %u gid %u, %u handles, %u views, "
		 "%u sections created (%" PRIu64 " bytes)", (uint64_t)t.client.id, t.client.pid,
		 t.client.uid, t.client.gid, t.client.handles, t.client.views,
		 t.client.sections, (uint64_t)t.client.bytes);
	out = run((char *[]){ "ls", "--clients", NULL }, &len);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "client ", 7)) {
			in_mine = !strncmp(line, header, strcspn(header, ":") + 1);
			if (in_mine) {
				assert_string_equal(line, header);
				found++;
			}
			continue;
		}
		assert_true(!strncmp(line, "    ", 4));
		if (!in_mine)
			continue;
		assert_true(next < t.nhandles);
		handle_line(&t.handles[next++], want, sizeof(want));
		squeeze(line);
		assert_string_equal(line, want);
	}
	assert_int_equal(found, 1);
	assert_int_equal(next, t.nhandles);
	free(out);
}

/*
 * SPEC: Q4 — `secshm ls --clients --json` is a strict JSON array with the
 * test's own connection: id, pid, uid, gid, views, sections, bytes, and a
 * handles array whose length is its handle count and whose entries carry
 * each handle's value, type, access words, section id and range.
 */
static void test_clients_json(void **state)
{
	struct fixture *f = *state;
	struct json *v = run_json((char *[]){ "ls", "--clients", "--json", NULL });
	const struct json *mine = NULL, *hs;
	struct truth t;
	char words[96];
	uint64_t id;

	find_truth(f, &t);
	assert_int_equal(v->type, JSON_ARRAY);
	for (size_t i = 0; i < v->n; i++) {
		assert_true(json_u64(json_get(v->items[i], "id"), &id));
		if (id == t.client.id) {
			assert_null(mine);
			mine = v->items[i];
		}
	}
	assert_non_null(mine);
	assert_int_equal(mine->n, 8);
	assert_u64_member(mine, "pid", (uint64_t)getpid());
	assert_u64_member(mine, "uid", t.client.uid);
	assert_u64_member(mine, "gid", t.client.gid);
	assert_u64_member(mine, "views", t.client.views);
	assert_u64_member(mine, "sections", t.client.sections);
	assert_u64_member(mine, "bytes", t.client.bytes);
	hs = json_get(mine, "handles");
	assert_non_null(hs);
	assert_int_equal(hs->type, JSON_ARRAY);
	assert_int_equal(hs->n, t.client.handles);
	for (size_t i = 0; i < hs->n; i++) {
		const struct secshm_handle_info *h = &t.handles[i];

		expected_access(h->access, words, sizeof(words));
		assert_int_equal(hs->items[i]->n, 6);
		assert_u64_member(hs->items[i], "handle", h->handle);
		assert_str_member(hs->items[i], "type",
				  h->type == SECSHM_OBJECT_VIEW ? "view" : "section");
		assert_words_member(hs->items[i], "access", words);
		assert_u64_member(hs->items[i], "section", h->object);
		assert_u64_member(hs->items[i], "offset", h->offset);
		assert_u64_member(hs->items[i], "length", h->length);
	}
	json_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ls_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ls_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stat_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stat_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clients_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clients_json, setup, teardown),
	};

	harness_set_kind(HARNESS_DAEMON);
	return harness_finish(cmocka_run_group_tests(tests, harness_group_setup,
						     harness_group_teardown));
}
