// SPDX-License-Identifier: MIT
/* A small strict JSON parser for tests; see json.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

struct parser {
	const char *start, *p, *end;
	char *err;
	size_t err_len;
	bool failed;
};

static void *fail(struct parser *ps, const char *what)
{
	if (!ps->failed && ps->err)
		snprintf(ps->err, ps->err_len, "offset %zu: %s", (size_t)(ps->p - ps->start), what);
	ps->failed = true;
	return NULL;
}

static bool at(const struct parser *ps, char c)
{
	return ps->p < ps->end && *ps->p == c;
}

static bool is_digit(const struct parser *ps)
{
	return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static void skip_ws(struct parser *ps)
{
	while (at(ps, ' ') || at(ps, '\t') || at(ps, '\n') || at(ps, '\r'))
		ps->p++;
}

static struct json *new_value(struct parser *ps, enum json_type type)
{
	struct json *v = calloc(1, sizeof(*v));

	if (!v)
		return fail(ps, "out of memory");
	v->type = type;
	return v;
}

void json_free(struct json *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->key_lens);
	free(v->text);
	free(v);
}

static struct json *literal(struct parser *ps, const char *word, enum json_type type)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return fail(ps, "unexpected character");
	ps->p += n;
	return new_value(ps, type);
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as written. */
static struct json *number(struct parser *ps)
{
	const char *begin = ps->p;
	struct json *v;

	if (at(ps, '-'))
		ps->p++;
	if (at(ps, '0'))
		ps->p++;
	else if (is_digit(ps))
		while (is_digit(ps))
			ps->p++;
	else
		return fail(ps, "bad number");
	if (at(ps, '.')) {
		ps->p++;
		if (!is_digit(ps))
			return fail(ps, "bad fraction");
		while (is_digit(ps))
			ps->p++;
	}
	if (at(ps, 'e') || at(ps, 'E')) {
		ps->p++;
		if (at(ps, '+') || at(ps, '-'))
			ps->p++;
		if (!is_digit(ps))
			return fail(ps, "bad exponent");
		while (is_digit(ps))
			ps->p++;
	}
	v = new_value(ps, JSON_NUMBER);
	if (v && !(v->text = strndup(begin, (size_t)(ps->p - begin)))) {
		json_free(v);
		return fail(ps, "out of memory");
	}
	return v;
}

static int hex4(struct parser *ps, unsigned int *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++, ps->p++) {
		char c = ps->p < ps->end ? *ps->p : 0;

		*out <<= 4;
		if (c >= '0' && c <= '9')
			*out |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*out |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*out |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* After the backslash of \u: one code point, a surrogate pair joined. */
static int unicode_escape(struct parser *ps, unsigned int *cp)
{
	unsigned int lo;

	if (hex4(ps, cp))
		return -1;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return -1;
	if (*cp < 0xd800 || *cp > 0xdbff)
		return 0;
	if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
		return -1;
	ps->p += 2;
	if (hex4(ps, &lo) || lo < 0xdc00 || lo > 0xdfff)
		return -1;
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* One raw UTF-8 sequence, well formed: no overlong forms, surrogates or > U+10FFFF. */
static int utf8_sequence(struct parser *ps, char *o, size_t *n)
{
	const unsigned char *u = (const unsigned char *)ps->p;
	size_t left = (size_t)(ps->end - ps->p), len;
	unsigned int cp, min;

	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		len = 2, cp = u[0] & 0x1f, min = 0x80;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		len = 3, cp = u[0] & 0x0f, min = 0x800;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		len = 4, cp = u[0] & 0x07, min = 0x10000;
	else
		return -1;
	if (left < len)
		return -1;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (u[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	memcpy(o, ps->p, len);
	ps->p += len;
	*n = len;
	return 0;
}

static int escape(struct parser *ps, char *o, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	unsigned int cp;

	if (ps->p >= ps->end)
		return -1;
	e = memchr(from, *ps->p, sizeof(from) - 1);
	ps->p++;
	if (e) {
		*o = to[e - from];
		*n = 1;
		return 0;
	}
	if (ps->p[-1] != 'u' || unicode_escape(ps, &cp))
		return -1;
	*n = put_utf8(o, cp);
	return 0;
}

/* A string at ps->p (on its quote), decoded into a new buffer. */
static char *string(struct parser *ps, size_t *len)
{
	/* Decoding never makes a string longer than its source. */
	char *out = malloc((size_t)(ps->end - ps->p) + 1);
	size_t n = 0, k;

	if (!out)
		return fail(ps, "out of memory");
	ps->p++;
	for (;;) {
		unsigned char c;

		if (ps->p >= ps->end) {
			free(out);
			return fail(ps, "unterminated string");
		}
		c = (unsigned char)*ps->p;
		if (c == '"')
			break;
		if (c < 0x20) {
			free(out);
			return fail(ps, "control character in string");
		}
		if (c == '\\') {
			ps->p++;
			if (escape(ps, out + n, &k)) {
				free(out);
				return fail(ps, "bad escape");
			}
		} else if (c >= 0x80) {
			if (utf8_sequence(ps, out + n, &k)) {
				free(out);
				return fail(ps, "invalid UTF-8");
			}
		} else {
			out[n] = (char)c;
			k = 1;
			ps->p++;
		}
		n += k;
	}
	ps->p++;
	out[n] = '\0';
	*len = n;
	return out;
}

static struct json *value(struct parser *ps, int depth);

/* Append a value (and for objects its key) to a container; both are consumed. */
static int append(struct parser *ps, struct json *c, struct json *item, char *key, size_t key_len)
{
	struct json **items = realloc(c->items, (c->n + 1) * sizeof(*items));

	if (items)
		c->items = items;
	if (items && c->type == JSON_OBJECT) {
		char **keys = realloc(c->keys, (c->n + 1) * sizeof(*keys));
		size_t *lens = keys ? realloc(c->key_lens, (c->n + 1) * sizeof(*lens)) : NULL;

		if (keys)
			c->keys = keys;
		if (lens)
			c->key_lens = lens;
		if (!lens)
			items = NULL;
	}
	if (!items) {
		json_free(item);
		free(key);
		fail(ps, "out of memory");
		return -1;
	}
	c->items[c->n] = item;
	if (c->type == JSON_OBJECT) {
		c->keys[c->n] = key;
		c->key_lens[c->n] = key_len;
	}
	c->n++;
	return 0;
}

static struct json *array(struct parser *ps, int depth)
{
	struct json *a = new_value(ps, JSON_ARRAY), *item;

	ps->p++;
	skip_ws(ps);
	if (a && at(ps, ']')) {
		ps->p++;
		return a;
	}
	while (a) {
		item = value(ps, depth);
		if (!item || append(ps, a, item, NULL, 0))
			break;
		skip_ws(ps);
		if (at(ps, ']')) {
			ps->p++;
			return a;
		}
		if (!at(ps, ',')) {
			fail(ps, "expected ',' or ']'");
			break;
		}
		ps->p++;
	}
	json_free(a);
	return NULL;
}

static bool duplicate(const struct json *o, const char *key, size_t len)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->key_lens[i] == len && !memcmp(o->keys[i], key, len))
			return true;
	return false;
}

static struct json *object(struct parser *ps, int depth)
{
	struct json *o = new_value(ps, JSON_OBJECT), *item;
	size_t key_len;
	char *key;

	ps->p++;
	skip_ws(ps);
	if (o && at(ps, '}')) {
		ps->p++;
		return o;
	}
	while (o) {
		if (!at(ps, '"')) {
			fail(ps, "expected a member name");
			break;
		}
		key = string(ps, &key_len);
		if (!key)
			break;
		if (duplicate(o, key, key_len)) {
			free(key);
			fail(ps, "duplicate member name");
			break;
		}
		skip_ws(ps);
		if (!at(ps, ':')) {
			free(key);
			fail(ps, "expected ':'");
			break;
		}
		ps->p++;
		item = value(ps, depth);
		if (!item) {
			free(key);
			break;
		}
		if (append(ps, o, item, key, key_len))
			break;
		skip_ws(ps);
		if (at(ps, '}')) {
			ps->p++;
			return o;
		}
		if (!at(ps, ',')) {
			fail(ps, "expected ',' or '}'");
			break;
		}
		ps->p++;
		skip_ws(ps);
	}
	json_free(o);
	return NULL;
}

static struct json *value(struct parser *ps, int depth)
{
	struct json *v;

	if (depth >= JSON_DEPTH_MAX)
		return fail(ps, "nested too deep");
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end");
	switch (*ps->p) {
	case '{':
		return object(ps, depth + 1);
	case '[':
		return array(ps, depth + 1);
	case '"':
		v = new_value(ps, JSON_STRING);
		if (v && !(v->text = string(ps, &v->len))) {
			json_free(v);
			return NULL;
		}
		return v;
	case 't':
		return literal(ps, "true", JSON_TRUE);
	case 'f':
		return literal(ps, "false", JSON_FALSE);
	case 'n':
		return literal(ps, "null", JSON_NULL);
	default:
		return number(ps);
	}
}

struct json *json_parse(const char *s, size_t len, char *err, size_t err_len)
{
	struct parser ps = { .start = s, .p = s, .end = s + len, .err = err,
			     .err_len = err_len };
	struct json *v = value(&ps, 0);

	if (!v)
		return NULL;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		json_free(v);
		return fail(&ps, "trailing characters after the value");
	}
	return v;
}

const struct json *json_get(const struct json *v, const char *key)
{
	size_t len = strlen(key);

	if (!v || v->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (v->key_lens[i] == len && !memcmp(v->keys[i], key, len))
			return v->items[i];
	return NULL;
}

bool json_u64(const struct json *v, uint64_t *out)
{
	char *end;

	if (!v || v->type != JSON_NUMBER || v->text[0] == '-' ||
	    strspn(v->text, "0123456789") != strlen(v->text))
		return false;
	errno = 0;
	*out = strtoull(v->text, &end, 10);
	return !errno && !*end;
}

const char *json_str(const struct json *v)
{
	if (!v || v->type != JSON_STRING || strlen(v->text) != v->len)
		return NULL;
	return v->text;
}
