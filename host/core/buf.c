/*
 * buf.c — growable byte buffers (see buf.h for the contract).
 */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b)
{
	memset(b, 0, sizeof(*b));
}

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	b->len = b->rpos = 0;
}

void buf_reserve(struct buf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return;
	size_t need = b->len + n;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	uint8_t *p = realloc(b->data, cap);
	if (!p)
		abort();
	b->data = p;
	b->cap = cap;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void buf_put_u8(struct buf *b, uint8_t v)
{
	buf_reserve(b, 1);
	b->data[b->len++] = v;
}

void buf_put_be16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	buf_append(b, x, 2);
}

void buf_put_be32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	buf_append(b, x, 4);
}

void buf_patch_be32(struct buf *b, size_t at, uint32_t v)
{
	b->data[at] = (uint8_t)(v >> 24);
	b->data[at + 1] = (uint8_t)(v >> 16);
	b->data[at + 2] = (uint8_t)(v >> 8);
	b->data[at + 3] = (uint8_t)v;
}

void buf_put_cstr(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s) + 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_consume(struct buf *b, size_t n)
{
	b->rpos += n;
	if (b->rpos > b->len)
		b->rpos = b->len;
	if (b->rpos == b->len)
		b->len = b->rpos = 0;
}

void buf_compact(struct buf *b)
{
	if (b->rpos == 0)
		return;
	memmove(b->data, b->data + b->rpos, b->len - b->rpos);
	b->len -= b->rpos;
	b->rpos = 0;
}
