/*
 * array_text.c — split an array's text form into elements (see array_text.h).
 */
#include "engine/array_text.h"

#include "core/buf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void array_text_free(struct array_text *a)
{
	free(a->mem);
	free(a->v);
}

static int arr_push(struct array_text *a, const char *p, size_t n, int null, int quoted)
{
	if (a->n == a->cap) {
		int cap = a->cap ? a->cap * 2 : 8;
		struct array_elem *v = realloc(a->v, sizeof(*v) * (size_t)cap);
		if (!v)
			return -1;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = (struct array_elem){p, n, null, quoted};
	return 0;
}

int array_text_parse(const char *s, size_t len, struct array_text *a)
{
	memset(a, 0, sizeof(*a));
	a->mem = malloc(len + 1);
	if (!a->mem)
		return -1;
	char *w = a->mem;
	size_t i = 0;
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	if (i == len)
		return 0;
	if (s[i] != '{') { /* int2vector / oidvector */
		while (i < len) {
			while (i < len && isspace((unsigned char)s[i]))
				i++;
			if (i == len)
				break;
			char *start = w;
			while (i < len && !isspace((unsigned char)s[i]))
				*w++ = s[i++];
			*w++ = 0;
			if (arr_push(a, start, (size_t)(w - start - 1), 0, 0) < 0)
				return -1;
		}
		return 0;
	}
	i++;
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	if (i < len && s[i] == '}')
		return 0;
	for (;;) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i >= len)
			return -1;
		char *start = w;
		int quoted = 0;
		if (s[i] == '"') {
			quoted = 1;
			i++;
			while (i < len && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				*w++ = s[i++];
			}
			if (i >= len)
				return -1;
			i++;
		} else if (s[i] == '{') { /* a nested array: kept whole */
			int depth = 0;
			do {
				if (s[i] == '{')
					depth++;
				else if (s[i] == '}')
					depth--;
				*w++ = s[i++];
			} while (i < len && depth > 0);
		} else {
			while (i < len && s[i] != ',' && s[i] != '}') {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				*w++ = s[i++];
			}
			while (w > start && isspace((unsigned char)w[-1]))
				w--;
		}
		*w++ = 0;
		size_t n = (size_t)(w - start - 1);
		int null = !quoted && n == 4 && !strncasecmp(start, "null", 4);
		if (arr_push(a, start, n, null, quoted) < 0)
			return -1;
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i < len && s[i] == ',') {
			i++;
			continue;
		}
		if (i < len && s[i] == '}')
			return 0;
		return -1;
	}
}

void array_text_put_elem(struct buf *b, const char *s, size_t n)
{
	int quote = n == 0 || (n == 4 && !strncasecmp(s, "null", 4));
	for (size_t k = 0; k < n && !quote; k++)
		quote = strchr("{},\"\\", s[k]) != NULL || isspace((unsigned char)s[k]);
	if (!quote) {
		buf_append(b, s, n);
		return;
	}
	buf_put_u8(b, '"');
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '"' || s[k] == '\\')
			buf_put_u8(b, '\\');
		buf_put_u8(b, (uint8_t)s[k]);
	}
	buf_put_u8(b, '"');
}
