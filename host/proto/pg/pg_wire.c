/*
 * pg_wire.c — PostgreSQL framing and message formatting (see pg_wire.h).
 */
#include "proto/pg/pg_wire.h"

#include <string.h>

ssize_t pg_frame(const uint8_t *p, size_t n, size_t max, struct pg_msg *m)
{
	if (n < 5)
		return 0;
	uint32_t len = rd_be32(p + 1);
	if (len < 4 || len > max)
		return -1;
	if (n < (size_t)len + 1)
		return 0;
	m->type = p[0];
	m->body = p + 5;
	m->len = len - 4;
	return (ssize_t)len + 1;
}

ssize_t pg_frame_startup(const uint8_t *p, size_t n, struct pg_msg *m)
{
	if (n < 4)
		return 0;
	uint32_t len = rd_be32(p);
	if (len < 8 || len > PG_STARTUP_MAX)
		return -1;
	if (n < len)
		return 0;
	m->type = 0;
	m->body = p + 4;
	m->len = len - 4;
	return (ssize_t)len;
}

void pg_rd_init(struct pg_reader *r, const struct pg_msg *m)
{
	r->p = m->body;
	r->n = m->len;
	r->pos = 0;
	r->bad = 0;
}

const uint8_t *pg_rd_bytes(struct pg_reader *r, size_t n)
{
	if (r->bad || r->n - r->pos < n) {
		r->bad = 1;
		return NULL;
	}
	const uint8_t *p = r->p + r->pos;
	r->pos += n;
	return p;
}

uint32_t pg_rd_u32(struct pg_reader *r)
{
	const uint8_t *p = pg_rd_bytes(r, 4);
	return p ? rd_be32(p) : 0;
}

uint16_t pg_rd_u16(struct pg_reader *r)
{
	const uint8_t *p = pg_rd_bytes(r, 2);
	return p ? rd_be16(p) : 0;
}

const char *pg_rd_cstr(struct pg_reader *r)
{
	if (r->bad)
		return NULL;
	const uint8_t *start = r->p + r->pos;
	const uint8_t *nul = memchr(start, 0, r->n - r->pos);
	if (!nul) {
		r->bad = 1;
		return NULL;
	}
	r->pos += (size_t)(nul - start) + 1;
	return (const char *)start;
}

size_t pg_msg_begin(struct buf *b, char type)
{
	buf_put_u8(b, (uint8_t)type);
	size_t at = b->len;
	buf_put_be32(b, 0);
	return at;
}

void pg_msg_end(struct buf *b, size_t at)
{
	buf_patch_be32(b, at, (uint32_t)(b->len - at));
}

static const char *pg_severity(const struct rerr *e, int notice, int fatal)
{
	if (fatal)
		return "FATAL";
	if (!notice)
		return "ERROR";
	return e->severity == SEV_NOTICE ? "NOTICE" : "WARNING";
}

void pg_put_error(struct buf *b, const struct rerr *e, int notice, int fatal)
{
	size_t at = pg_msg_begin(b, notice ? 'N' : 'E');
	const char *sev = pg_severity(e, notice, fatal);
	buf_put_u8(b, 'S');
	buf_put_cstr(b, sev);
	buf_put_u8(b, 'V');
	buf_put_cstr(b, sev);
	buf_put_u8(b, 'C');
	buf_put_cstr(b, errcode_sqlstate(e->code));
	buf_put_u8(b, 'M');
	buf_put_cstr(b, e->message);
	if (e->detail[0]) {
		buf_put_u8(b, 'D');
		buf_put_cstr(b, e->detail);
	}
	if (e->hint[0]) {
		buf_put_u8(b, 'H');
		buf_put_cstr(b, e->hint);
	}
	if (e->position > 0) {
		buf_put_u8(b, 'P');
		buf_printf(b, "%d", e->position);
		buf_put_u8(b, 0);
	}
	buf_put_u8(b, 0);
	pg_msg_end(b, at);
}

void pg_put_error_msg(struct buf *b, enum errcode code, int fatal, const char *msg)
{
	struct rerr e;
	rerr_set(&e, code, "%s", msg);
	pg_put_error(b, &e, 0, fatal);
}

void pg_put_ready(struct buf *b, char status)
{
	size_t at = pg_msg_begin(b, 'Z');
	buf_put_u8(b, (uint8_t)status);
	pg_msg_end(b, at);
}

void pg_put_param_status(struct buf *b, const char *name, const char *value)
{
	size_t at = pg_msg_begin(b, 'S');
	buf_put_cstr(b, name);
	buf_put_cstr(b, value);
	pg_msg_end(b, at);
}
