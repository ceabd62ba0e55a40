/*
 * mysql_wire.c — MySQL packet framing, little-endian and length-encoded
 * integers, and the generic OK / ERR / EOF packets (see mysql_wire.h).
 *
 * Sans-IO: everything here reads from a byte range and appends to a struct
 * buf; nothing allocates besides the buffers it is handed.
 *
 * INTERFACE ROUTINES
 *   mysql_frame              next complete logical packet (reassembles 16 MiB splits)
 *   mysql_packet_begin/_end  write one logical packet, splitting it at 16 MiB
 *   mysql_put_u16/u24/u32/u64, mysql_put_lenenc_int/_str
 *   mysql_get_*              bounds-checked readers over struct mysql_rd
 *   mysql_put_ok / _err / _err_code / _err_raw / _eof
 *   mysql_sqlstate           the SQLSTATE MySQL itself sends with an errno
 *
 * Invariants
 *   1. A physical packet's payload is at most MYSQL_SPLIT bytes; a payload of
 *      exactly MYSQL_SPLIT bytes is always followed by another packet.
 *   2. mysql_frame never buffers more than `max` payload bytes: it refuses a
 *      logical packet as soon as the lengths announced so far exceed `max`.
 */
#include "proto/mysql/mysql_wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static uint32_t mysql_rd_u24(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

ssize_t mysql_frame(const uint8_t *p, size_t n, size_t max, struct buf *scratch,
		    struct mysql_packet *out)
{
	if (n < 4)
		return 0;
	uint32_t len = mysql_rd_u24(p);
	if (len > max)
		return -1;
	if (len < MYSQL_SPLIT) {
		if (n - 4 < len)
			return 0;
		out->payload = p + 4;
		out->len = len;
		out->seq = out->first_seq = p[3];
		return (ssize_t)(4 + len);
	}
	/* Split: walk the headers until a short packet, checking the total as we go. */
	size_t pos = 0, total = 0;
	for (;;) {
		if (n - pos < 4)
			return 0;
		uint32_t part = mysql_rd_u24(p + pos);
		total += part;
		if (total > max)
			return -1;
		if (n - pos - 4 < part)
			return 0;
		pos += 4 + part;
		if (part < MYSQL_SPLIT)
			break;
	}
	buf_reset(scratch);
	buf_reserve(scratch, total ? total : 1);
	size_t at = 0;
	uint8_t seq = 0;
	while (at < pos) {
		uint32_t part = mysql_rd_u24(p + at);
		seq = p[at + 3];
		buf_append(scratch, p + at + 4, part);
		at += 4 + part;
	}
	out->payload = scratch->data;
	out->len = total;
	out->seq = seq;
	out->first_seq = p[3];
	return (ssize_t)pos;
}

size_t mysql_packet_begin(struct buf *out, uint8_t *seq)
{
	(void)seq;
	size_t at = out->len;
	uint8_t hdr[4] = {0, 0, 0, 0};
	buf_append(out, hdr, 4);
	return at;
}

static void mysql_put_header(uint8_t *h, uint32_t len, uint8_t seq)
{
	h[0] = (uint8_t)len;
	h[1] = (uint8_t)(len >> 8);
	h[2] = (uint8_t)(len >> 16);
	h[3] = seq;
}

void mysql_packet_end(struct buf *out, size_t at, uint8_t *seq)
{
	size_t len = out->len - at - 4;
	if (len < MYSQL_SPLIT) {
		mysql_put_header(out->data + at, (uint32_t)len, (*seq)++);
		return;
	}
	/* Chunks 0..k of MYSQL_SPLIT bytes (the last shorter, possibly empty); each after the first
	 * needs its own header, so move chunks back to front to open the gaps. */
	size_t k = len / MYSQL_SPLIT;
	buf_reserve(out, 4 * k);
	for (size_t i = k + 1; i-- > 1;) {
		size_t from = at + 4 + i * MYSQL_SPLIT;
		size_t clen = i == k ? len - k * MYSQL_SPLIT : MYSQL_SPLIT;
		memmove(out->data + from + 4 * i, out->data + from, clen);
	}
	out->len += 4 * k;
	for (size_t i = 0; i <= k; i++) {
		size_t clen = i == k ? len - k * MYSQL_SPLIT : MYSQL_SPLIT;
		mysql_put_header(out->data + at + i * (MYSQL_SPLIT + 4), (uint32_t)clen, (*seq)++);
	}
}

void mysql_put_u16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	buf_append(b, x, 2);
}

void mysql_put_u24(struct buf *b, uint32_t v)
{
	uint8_t x[3] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16)};
	buf_append(b, x, 3);
}

void mysql_put_u32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	buf_append(b, x, 4);
}

void mysql_put_u64(struct buf *b, uint64_t v)
{
	mysql_put_u32(b, (uint32_t)v);
	mysql_put_u32(b, (uint32_t)(v >> 32));
}

void mysql_put_lenenc_int(struct buf *b, uint64_t v)
{
	if (v < 251) {
		buf_put_u8(b, (uint8_t)v);
	} else if (v < 0x10000) {
		buf_put_u8(b, 0xfc);
		mysql_put_u16(b, (uint16_t)v);
	} else if (v < 0x1000000) {
		buf_put_u8(b, 0xfd);
		mysql_put_u24(b, (uint32_t)v);
	} else {
		buf_put_u8(b, 0xfe);
		mysql_put_u64(b, v);
	}
}

void mysql_put_lenenc_str(struct buf *b, const void *p, size_t n)
{
	mysql_put_lenenc_int(b, n);
	buf_append(b, p, n);
}

const uint8_t *mysql_get_bytes(struct mysql_rd *r, size_t len)
{
	if (r->bad || r->n - r->pos < len) {
		r->bad = 1;
		return NULL;
	}
	const uint8_t *p = r->p + r->pos;
	r->pos += len;
	return p;
}

uint8_t mysql_get_u8(struct mysql_rd *r)
{
	const uint8_t *p = mysql_get_bytes(r, 1);
	return p ? p[0] : 0;
}

uint16_t mysql_get_u16(struct mysql_rd *r)
{
	const uint8_t *p = mysql_get_bytes(r, 2);
	return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

uint32_t mysql_get_u24(struct mysql_rd *r)
{
	const uint8_t *p = mysql_get_bytes(r, 3);
	return p ? mysql_rd_u24(p) : 0;
}

uint32_t mysql_get_u32(struct mysql_rd *r)
{
	const uint8_t *p = mysql_get_bytes(r, 4);
	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}

uint64_t mysql_get_u64(struct mysql_rd *r)
{
	uint64_t lo = mysql_get_u32(r);
	uint64_t hi = mysql_get_u32(r);
	return lo | hi << 32;
}

uint64_t mysql_get_lenenc_int(struct mysql_rd *r, int *is_null)
{
	if (is_null)
		*is_null = 0;
	uint8_t first = mysql_get_u8(r);
	if (r->bad)
		return 0;
	switch (first) {
	case 0xfb:
		if (is_null) {
			*is_null = 1;
			return 0;
		}
		r->bad = 1;
		return 0;
	case 0xfc:
		return mysql_get_u16(r);
	case 0xfd:
		return mysql_get_u24(r);
	case 0xfe:
		return mysql_get_u64(r);
	case 0xff:
		r->bad = 1;
		return 0;
	default:
		return first;
	}
}

const uint8_t *mysql_get_lenenc_str(struct mysql_rd *r, size_t *len)
{
	uint64_t n = mysql_get_lenenc_int(r, NULL);
	if (r->bad || n > r->n - r->pos) {
		r->bad = 1;
		*len = 0;
		return NULL;
	}
	*len = (size_t)n;
	return mysql_get_bytes(r, (size_t)n);
}

const char *mysql_get_cstr(struct mysql_rd *r, size_t *len)
{
	if (r->bad) {
		*len = 0;
		return NULL;
	}
	const uint8_t *s = r->p + r->pos;
	const uint8_t *nul = memchr(s, 0, r->n - r->pos);
	if (!nul) {
		r->bad = 1;
		*len = 0;
		return NULL;
	}
	*len = (size_t)(nul - s);
	r->pos += *len + 1;
	return (const char *)s;
}

void mysql_put_ok(struct buf *out, uint8_t *seq, uint32_t caps, uint8_t header, uint64_t affected,
		  uint64_t insert_id, uint16_t status, uint16_t warnings, const char *info)
{
	size_t at = mysql_packet_begin(out, seq);
	buf_put_u8(out, header);
	mysql_put_lenenc_int(out, affected);
	mysql_put_lenenc_int(out, insert_id);
	if (caps & CLIENT_PROTOCOL_41) {
		mysql_put_u16(out, status);
		mysql_put_u16(out, warnings);
	} else if (caps & CLIENT_TRANSACTIONS) {
		mysql_put_u16(out, status);
	}
	if (info && *info) /* length-encoded with or without SESSION_TRACK, as MySQL's server writes it
			    * and libmariadb reads it */
		mysql_put_lenenc_str(out, info, strlen(info));
	mysql_packet_end(out, at, seq);
}

/* MySQL sends its own SQLSTATE per errno (not PostgreSQL's); the ones we raise. */
static const struct {
	uint16_t my_errno;
	char sqlstate[6];
} mysql_states[] = {
	{1040, "08004"}, {1045, "28000"}, {1046, "3D000"}, {1047, "08S01"}, {1048, "23000"},
	{1049, "42000"}, {1050, "42S01"}, {1051, "42S02"}, {1052, "23000"}, {1054, "42S22"},
	{1060, "42S21"}, {1061, "42000"}, {1062, "23000"}, {1064, "42000"}, {1091, "42000"},
	{1094, "HY000"}, {1111, "HY000"}, {1136, "21S01"}, {1142, "42000"}, {1146, "42S02"},
	{1149, "42000"}, {1153, "08S01"}, {1205, "HY000"}, {1213, "40001"}, {1231, "42000"},
	{1235, "42000"}, {1242, "21000"}, {1243, "HY000"}, {1264, "22003"}, {1292, "22007"},
	{1295, "HY000"}, {1305, "42000"}, {1317, "70100"}, {1325, "24000"}, {1365, "22012"},
	{1366, "HY000"}, {1406, "22001"}, {1452, "23000"}, {1568, "25001"}, {1792, "25006"},
	{3105, "HY000"}, {3140, "22032"}, {3819, "HY000"},
};

const char *mysql_sqlstate(int my_errno)
{
	for (size_t i = 0; i < sizeof(mysql_states) / sizeof(mysql_states[0]); i++)
		if (mysql_states[i].my_errno == my_errno)
			return mysql_states[i].sqlstate;
	return "HY000";
}

void mysql_put_err_raw(struct buf *out, uint8_t *seq, uint32_t caps, int my_errno, const char *sqlstate,
		       const char *msg)
{
	size_t at = mysql_packet_begin(out, seq);
	buf_put_u8(out, 0xff);
	mysql_put_u16(out, (uint16_t)my_errno);
	if (caps & CLIENT_PROTOCOL_41) {
		buf_put_u8(out, '#');
		char st[5] = {'H', 'Y', '0', '0', '0'};
		if (sqlstate && strlen(sqlstate) == 5)
			memcpy(st, sqlstate, 5);
		buf_append(out, st, 5);
	}
	buf_append(out, msg, strlen(msg));
	mysql_packet_end(out, at, seq);
}

void mysql_put_err(struct buf *out, uint8_t *seq, uint32_t caps, const struct rerr *e)
{
	if (e->code == ERR_SYNTAX_ERROR && strstr(e->message, " values for ") && strstr(e->message, " columns")) {
		/* PostgreSQL calls an INSERT arity mismatch a syntax error; MySQL has its own errno */
		mysql_put_err_raw(out, seq, caps, 1136, "21S01", "Column count doesn't match value count at row 1");
		return;
	}
	int my = errcode_mysql(e->code);
	if (e->code == ERR_QUERY_CANCELED) { /* KILL QUERY: MySQL's words */
		mysql_put_err_raw(out, seq, caps, my, mysql_sqlstate(my), "Query execution was interrupted");
		return;
	}
	mysql_put_err_raw(out, seq, caps, my, mysql_sqlstate(my), e->message);
}

void mysql_put_err_code(struct buf *out, uint8_t *seq, uint32_t caps, enum errcode code, const char *fmt, ...)
{
	struct rerr e;
	rerr_clear(&e);
	e.code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof(e.message), fmt, ap);
	va_end(ap);
	mysql_put_err(out, seq, caps, &e);
}

void mysql_put_eof(struct buf *out, uint8_t *seq, uint16_t status, uint16_t warnings)
{
	size_t at = mysql_packet_begin(out, seq);
	buf_put_u8(out, 0xfe);
	mysql_put_u16(out, warnings);
	mysql_put_u16(out, status);
	mysql_packet_end(out, at, seq);
}
