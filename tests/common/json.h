/* SPDX-License-Identifier: MIT */
/*
 * A small strict JSON parser (RFC 8259) for tests that check what a
 * command prints: objects, arrays, strings with every escape, numbers,
 * true, false and null. Strict: no trailing commas, comments, single
 * quotes, leading zeros, control characters in strings, invalid UTF-8,
 * unpaired surrogates, duplicate keys, or anything after the value but
 * white space. Nesting is limited to JSON_DEPTH_MAX.
 */
#ifndef SECSHM_TEST_JSON_H
#define SECSHM_TEST_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_DEPTH_MAX	64

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json {
	enum json_type type;
	char *text;		/* STRING: the decoded UTF-8, NUL-terminated; NUMBER: as written */
	size_t len;		/* STRING: bytes of text (it may hold a NUL) */
	size_t n;		/* ARRAY, OBJECT: elements */
	struct json **items;	/* ARRAY, OBJECT: the values */
	char **keys;		/* OBJECT: the member names, decoded */
	size_t *key_lens;	/* OBJECT: their bytes */
};

/*
 * Parse exactly len bytes. NULL on any error, with a message naming the
 * offset in err (err may be NULL).
 */
struct json *json_parse(const char *s, size_t len, char *err, size_t err_len);
void json_free(struct json *v);

/* An object's member, or NULL if v is not an object or has no such key. */
const struct json *json_get(const struct json *v, const char *key);

/* v is a number written as a non-negative integer that fits in 64 bits. */
bool json_u64(const struct json *v, uint64_t *out);

/* v is a string without NUL bytes: its text, else NULL. */
const char *json_str(const struct json *v);

#endif /* SECSHM_TEST_JSON_H */
