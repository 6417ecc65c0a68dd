// SPDX-License-Identifier: MIT
/*
 * Unit tests of tests/common/json.c, the parser tests/api/observe_cli.c
 * reads the secshm command's JSON with: it must take what RFC 8259 allows,
 * values intact, and refuse everything else, or a broken --json output
 * would pass for a good one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../common/json.h"

static struct json *parse(const char *s)
{
	return json_parse(s, strlen(s), NULL, 0);
}

static void test_values(void **state)
{
	static const char doc[] =
		" {\"a\": [0, -12, 3.25e+2, 1E-3, true, false, null],\r\n"
		"\t\"s\": \"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\xc3\xa9\","
		" \"big\": 18446744073709551615, \"o\": {}, \"e\": []} ";
	struct json *v = parse(doc);
	const struct json *a;
	uint64_t u;

	assert_non_null(v);
	assert_int_equal(v->type, JSON_OBJECT);
	assert_int_equal(v->n, 5);
	a = json_get(v, "a");
	assert_non_null(a);
	assert_int_equal(a->type, JSON_ARRAY);
	assert_int_equal(a->n, 7);
	assert_true(json_u64(a->items[0], &u));
	assert_int_equal(u, 0);
	assert_false(json_u64(a->items[1], &u));
	assert_string_equal(a->items[2]->text, "3.25e+2");
	assert_false(json_u64(a->items[2], &u));
	assert_false(json_u64(a->items[3], &u));
	assert_int_equal(a->items[4]->type, JSON_TRUE);
	assert_int_equal(a->items[5]->type, JSON_FALSE);
	assert_int_equal(a->items[6]->type, JSON_NULL);
	assert_string_equal(json_str(json_get(v, "s")),
			    "q\"b\\s/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80\xc3\xa9");
	assert_true(json_u64(json_get(v, "big"), &u));
	assert_true(u == UINT64_MAX);
	assert_int_equal(json_get(v, "o")->type, JSON_OBJECT);
	assert_int_equal(json_get(v, "e")->n, 0);
	assert_null(json_get(v, "missing"));
	assert_null(json_str(json_get(v, "a")));
	json_free(v);
}

static void test_scalars_and_lengths(void **state)
{
	struct json *v;
	uint64_t u;

	v = parse("\"a\\u0000b\"");
	assert_non_null(v);
	assert_int_equal(v->len, 3);
	assert_null(json_str(v));	/* a NUL inside is not a C string */
	json_free(v);
	v = parse("18446744073709551616");
	assert_non_null(v);
	assert_false(json_u64(v, &u));	/* one past 2^64 - 1 */
	json_free(v);
	/* Exactly len bytes: what follows is not looked at, a NUL inside is garbage. */
	v = json_parse("[1]xyz", 3, NULL, 0);
	assert_non_null(v);
	json_free(v);
	assert_null(json_parse("[1]\0", 4, NULL, 0));
}

static void test_rejects(void **state)
{
	static const char *const bad[] = {
		"", " ", "{", "}", "[", "[1,]", "[,1]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}",
		"{a:1}", "{'a':1}", "{\"a\":1 \"b\":2}", "{\"a\":1,\"a\":2}", "[1]]", "[1] x",
		"1 2", "01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN",
		"Infinity", "tru", "nul", "falsey", "\"abc", "\"\\x\"", "\"\\u12\"",
		"\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\x01\"", "\"a\tb\"",
		"\"\xc0\xaf\"", "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
		"\"\x80\"", "\"\xc3\"", "[\"a\"\"b\"]", "/* */ 1", "1 // x",
	};
	char deep[2 * JSON_DEPTH_MAX + 3], err[128];
	struct json *v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = parse(bad[i]);
		if (v)
			fail_msg("accepted %s", bad[i]);
	}
	/* Nesting: JSON_DEPTH_MAX levels are fine, one more is refused. */
	memset(deep, '[', JSON_DEPTH_MAX);
	memset(deep + JSON_DEPTH_MAX, ']', JSON_DEPTH_MAX);
	v = json_parse(deep, 2 * JSON_DEPTH_MAX, NULL, 0);
	assert_non_null(v);
	json_free(v);
	memset(deep, '[', JSON_DEPTH_MAX + 1);
	memset(deep + JSON_DEPTH_MAX + 1, ']', JSON_DEPTH_MAX + 1);
	assert_null(json_parse(deep, 2 * JSON_DEPTH_MAX + 2, err, sizeof(err)));
	assert_non_null(strstr(err, "deep"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_scalars_and_lengths),
		cmocka_unit_test(test_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
