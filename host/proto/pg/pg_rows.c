/*
 * pg_rows.c — PostgreSQL row messages and parameter decoding (see pg_rows.h).
 *
 * Binary formats implemented: bool, int2, int4, int8, float4, float8, text
 * and its kin (varchar, bpchar, json, unknown), bytea, and through
 * pg_binary.c date, time, timestamp, timestamptz, uuid, numeric and interval.
 * oid, "char", pgvector's vector, and one-dimensional arrays of any of these.
 */
#include "proto/pg/pg_rows.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/bits.h"
#include "proto/pg/pg_binary.h"
#include "proto/pg/pg_types.h"
#include "engine/array_text.h"
#include "engine/catalog_pg.h"
#include "engine/vector.h"
#include "proto/pg/pg_wire.h"

void pg_put_row_description(struct buf *b, int n, const struct column_desc *cols, const struct pg_formats *f)
{
	size_t at = pg_msg_begin(b, 'T');
	buf_put_be16(b, (uint16_t)n);
	for (int i = 0; i < n; i++) {
		buf_put_cstr(b, cols[i].name);
		buf_put_be32(b, 0); /* table OID */
		buf_put_be16(b, 0); /* column number */
		buf_put_be32(b, cols[i].array ? pg_array_oid(cols[i].type) : pg_type_oid(cols[i].type));
		buf_put_be16(b, (uint16_t)(cols[i].array ? -1 : pg_type_len(cols[i].type)));
		int32_t typmod = cols[i].array ? -1 : cols[i].typmod;
		if (typmod >= 0 && (cols[i].type == RT_VARCHAR || cols[i].type == RT_CHAR))
			typmod += 4; /* PostgreSQL's VARHDRSZ */
		buf_put_be32(b, (uint32_t)typmod);
		buf_put_be16(b, (uint16_t)pg_format_of(f, i));
	}
	pg_msg_end(b, at);
}

static void pg_put_be64(struct buf *b, uint64_t v)
{
	buf_put_be32(b, (uint32_t)(v >> 32));
	buf_put_be32(b, (uint32_t)v);
}

static int64_t pg_value_as_int(const struct rvalue *v)
{
	switch (v->kind) {
	case RV_INT:
		return v->i;
	case RV_FLOAT:
		return (int64_t)llround(v->f);
	case RV_TEXT: {
		char tmp[32];
		size_t n = v->n < sizeof(tmp) - 1 ? v->n : sizeof(tmp) - 1;
		memcpy(tmp, v->p, n);
		tmp[n] = 0;
		return strtoll(tmp, NULL, 10);
	}
	default:
		return 0;
	}
}

static double pg_value_as_float(const struct rvalue *v)
{
	if (v->kind == RV_FLOAT)
		return v->f;
	if (v->kind == RV_INT)
		return (double)v->i;
	if (v->kind == RV_TEXT) {
		char tmp[64];
		size_t n = v->n < sizeof(tmp) - 1 ? v->n : sizeof(tmp) - 1;
		memcpy(tmp, v->p, n);
		tmp[n] = 0;
		return strtod(tmp, NULL);
	}
	return 0;
}

static int pg_decode_binary_param(struct arena *a, uint32_t oid, const uint8_t *p, int32_t len, struct rvalue *out,
				  struct rerr *err);

/* One decoded element in an array's text form: numbers bare, booleans t/f, bytea and text as array_out writes them. */
static void pg_array_put_elem(struct buf *t, uint32_t elem, const struct rvalue *v)
{
	char tmp[40];
	switch (v->kind) {
	case RV_NULL:
		buf_append(t, "NULL", 4);
		return;
	case RV_INT:
		if (elem == 16)
			buf_put_u8(t, v->i ? 't' : 'f');
		else
			buf_printf(t, "%lld", (long long)v->i);
		return;
	case RV_FLOAT:
		buf_append(t, tmp, (size_t)pg_format_float(tmp, sizeof(tmp), v->f, elem == 700));
		return;
	case RV_BLOB: /* bytea: its hex text, quoted */
		buf_append(t, "\"\\\\x", 4);
		for (size_t k = 0; k < v->n; k++)
			buf_printf(t, "%02x", v->p[k]);
		buf_put_u8(t, '"');
		return;
	case RV_TEXT:
		array_text_put_elem(t, (const char *)v->p, v->n);
		return;
	}
}

/*
 * A binary array parameter (int32 ndim, int32 has-nulls, int32 element OID, per
 * dimension int32 size and lower bound, then int32 length + bytes per element)
 * as the text form the engine holds arrays in ('{1,2}').  One dimension; each
 * element is decoded as a parameter of the element's type would be.
 */
static int pg_array_binary_to_text(struct arena *a, const uint8_t *p, size_t len, struct rvalue *out,
				   struct rerr *err)
{
	if (len < 12)
		return -1;
	uint32_t ndim = rd_be32(p), elem = rd_be32(p + 8);
	size_t off = 12, count = 0;
	if (ndim > 1 || (ndim == 1 && len < 20) || pg_oid_is_array(elem)) /* no arrays of arrays: no recursion */
		return -1;
	if (ndim == 1) {
		count = rd_be32(p + 12);
		off = 20;
	}
	struct buf t;
	buf_init(&t);
	buf_put_u8(&t, '{');
	for (size_t i = 0; i < count; i++) {
		if (off + 4 > len)
			goto bad;
		int32_t n = (int32_t)rd_be32(p + off);
		off += 4;
		if (i)
			buf_put_u8(&t, ',');
		struct rvalue v = {.kind = RV_NULL};
		if (n >= 0) {
			if ((size_t)n > len - off || pg_decode_binary_param(a, elem, p + off, n, &v, err) < 0)
				goto bad;
			off += (size_t)n;
		}
		pg_array_put_elem(&t, elem, &v);
	}
	buf_put_u8(&t, '}');
	out->kind = RV_TEXT;
	out->n = t.len;
	out->p = arena_memdup(a, t.data, t.len);
	buf_free(&t);
	return 0;
bad:
	buf_free(&t);
	return -1;
}

/* pgvector's binary form: int16 dimensions, int16 unused, then each element as a big-endian float4. */
static int pg_put_binary_vector(struct buf *b, const struct rvalue *v, struct rerr *err)
{
	struct buf stored;
	buf_init(&stored);
	const uint8_t *p = v->p;
	size_t n = v->n;
	if (v->kind == RV_TEXT) { /* a vector the store holds as text: '[1,2,3]' */
		struct buf text;
		buf_init(&text);
		buf_append(&text, v->p, v->n);
		buf_put_u8(&text, 0);
		int dims = vector_parse((const char *)text.data, VECTOR_TYPMOD_ANY, &stored, err);
		buf_free(&text);
		if (dims < 0) {
			buf_free(&stored);
			return -1;
		}
		p = stored.data;
		n = stored.len;
	} else if (v->kind != RV_BLOB || vector_blob_dims(n, err) < 0) {
		buf_free(&stored);
		return v->kind == RV_BLOB ? -1 : rerr_set(err, ERR_DATATYPE_MISMATCH, "value is not a vector");
	}
	size_t dims = n / 4;
	buf_put_be32(b, (uint32_t)(4 + n));
	buf_put_be16(b, (uint16_t)dims);
	buf_put_be16(b, 0);
	for (size_t i = 0; i < dims; i++) /* stored little-endian */
		buf_put_be32(b, (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
					(uint32_t)p[4 * i + 3] << 24);
	buf_free(&stored);
	return 0;
}

static int pg_put_binary_value(struct buf *b, enum rtype t, const struct rvalue *v, struct rerr *err);

/*
 * An array in binary: int32 dimensions (0 or 1), int32 has-nulls, int32
 * element OID, for the one dimension int32 size and lower bound 1, then each
 * element as int32 length (-1 for NULL) and its binary form.
 */
static int pg_put_binary_array(struct buf *b, enum rtype elem, const struct rvalue *v, struct rerr *err)
{
	struct array_text a;
	if (v->kind != RV_TEXT || array_text_parse((const char *)v->p, v->n, &a) < 0) {
		if (v->kind == RV_TEXT)
			array_text_free(&a);
		return rerr_set(err, ERR_INVALID_TEXT_REPRESENTATION, "malformed array literal");
	}
	int nulls = 0;
	for (int i = 0; i < a.n; i++)
		nulls |= a.v[i].null;
	size_t at = b->len;
	buf_put_be32(b, 0);
	buf_put_be32(b, a.n ? 1 : 0);
	buf_put_be32(b, (uint32_t)nulls);
	buf_put_be32(b, pg_type_oid(elem));
	if (a.n) {
		buf_put_be32(b, (uint32_t)a.n);
		buf_put_be32(b, 1);
	}
	for (int i = 0; i < a.n; i++) {
		const struct array_elem *e = &a.v[i];
		struct rvalue ev = {.kind = RV_TEXT, .p = (const uint8_t *)e->p, .n = e->n};
		if (e->null)
			ev.kind = RV_NULL;
		else if (elem == RT_BOOL) /* stored 0/1, written t/f */
			ev = (struct rvalue){.kind = RV_INT, .i = e->n && strchr("1tTyY", e->p[0]) != NULL};
		if (ev.kind == RV_NULL) {
			buf_put_be32(b, 0xffffffffu);
		} else if (pg_put_binary_value(b, elem, &ev, err) < 0) {
			array_text_free(&a);
			return -1;
		}
	}
	array_text_free(&a);
	buf_patch_be32(b, at, (uint32_t)(b->len - at - 4));
	return 0;
}

static int pg_put_binary_value(struct buf *b, enum rtype t, const struct rvalue *v, struct rerr *err)
{
	switch (t) {
	case RT_BOOL:
		buf_put_be32(b, 1);
		buf_put_u8(b, pg_value_as_int(v) != 0);
		return 0;
	case RT_INT2:
		buf_put_be32(b, 2);
		buf_put_be16(b, (uint16_t)pg_value_as_int(v));
		return 0;
	case RT_INT4:
		buf_put_be32(b, 4);
		buf_put_be32(b, (uint32_t)pg_value_as_int(v));
		return 0;
	case RT_INT8:
		buf_put_be32(b, 8);
		pg_put_be64(b, (uint64_t)pg_value_as_int(v));
		return 0;
	case RT_OID:
		buf_put_be32(b, 4);
		buf_put_be32(b, (uint32_t)pg_value_as_int(v));
		return 0;
	case RT_CHAR1: /* one byte; the empty text is the zero byte */
		buf_put_be32(b, 1);
		buf_put_u8(b, (v->kind == RV_TEXT || v->kind == RV_BLOB) && v->n ? v->p[0]
			      : v->kind == RV_INT ? (uint8_t)v->i : 0);
		return 0;
	case RT_VECTOR:
		return pg_put_binary_vector(b, v, err);
	case RT_FLOAT4:
		buf_put_be32(b, 4);
		buf_put_be32(b, f32_bits((float)pg_value_as_float(v)));
		return 0;
	case RT_FLOAT8:
		buf_put_be32(b, 8);
		pg_put_be64(b, f64_bits(pg_value_as_float(v)));
		return 0;
	case RT_TEXT:
	case RT_VARCHAR:
	case RT_CHAR:
	case RT_JSON:
	case RT_UNKNOWN:
		pg_put_text_value(b, RT_TEXT, v); /* a text type's binary form is its text */
		return 0;
	case RT_BYTEA:
		if (v->kind == RV_TEXT || v->kind == RV_BLOB) {
			buf_put_be32(b, (uint32_t)v->n);
			buf_append(b, v->p, v->n);
		} else {
			pg_put_text_value(b, RT_TEXT, v);
		}
		return 0;
	case RT_DATE:
	case RT_TIME:
	case RT_TIMESTAMP:
	case RT_TIMESTAMPTZ:
	case RT_UUID:
	case RT_INTERVAL:
	case RT_NUMERIC: {
		char text[128];
		if (v->kind == RV_TEXT || v->kind == RV_BLOB)
			snprintf(text, sizeof(text), "%.*s", (int)v->n, (const char *)v->p);
		else if (v->kind == RV_INT)
			snprintf(text, sizeof(text), "%lld", (long long)v->i);
		else if (snprintf(text, sizeof(text), "%.15g", v->f) > 0 && strchr(text, 'e'))
			snprintf(text, sizeof(text), "%.6f", v->f);
		size_t at = b->len;
		buf_put_be32(b, 0);
		if (pg_binary_from_text(t, text, b) < 0) {
			b->len = at;
			return rerr_set(err, t == RT_UUID || t == RT_NUMERIC ? ERR_INVALID_TEXT_REPRESENTATION
									       : ERR_INVALID_DATETIME_FORMAT,
					"invalid input syntax for type %s: \"%s\"", rtype_name(t), text);
		}
		buf_patch_be32(b, at, (uint32_t)(b->len - at - 4));
		return 0;
	}
	default:
		return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "binary output format for type %s is not supported yet",
				rtype_name(t));
	}
}

/* An array's text form as stored, with boolean elements (stored 0/1) spelled t/f as PostgreSQL does. */
static void pg_put_array_text(struct buf *b, enum rtype elem, const struct rvalue *v)
{
	struct rvalue t = *v;
	if (v->kind != RV_TEXT || elem != RT_BOOL) {
		pg_put_text_value(b, RT_TEXT, &t);
		return;
	}
	size_t at = b->len;
	buf_put_be32(b, 0);
	for (size_t k = 0; k < v->n; k++) {
		uint8_t c = v->p[k];
		int alone = (k == 0 || v->p[k - 1] == '{' || v->p[k - 1] == ',') &&
			    (k + 1 == v->n || v->p[k + 1] == '}' || v->p[k + 1] == ',');
		buf_put_u8(b, alone && c == '0' ? 'f' : alone && c == '1' ? 't' : c);
	}
	uint32_t len = (uint32_t)(b->len - at - 4);
	b->data[at] = (uint8_t)(len >> 24);
	b->data[at + 1] = (uint8_t)(len >> 16);
	b->data[at + 2] = (uint8_t)(len >> 8);
	b->data[at + 3] = (uint8_t)len;
}

int pg_put_data_row(struct buf *b, int n, const enum rtype *types, const struct rvalue *vals,
		    const struct pg_formats *f, struct rerr *err)
{
	size_t at = pg_msg_begin(b, 'D');
	buf_put_be16(b, (uint16_t)n);
	for (int i = 0; i < n; i++) {
		if (vals[i].kind == RV_NULL) {
			buf_put_be32(b, 0xffffffffu);
		} else if ((int)types[i] & PG_ROW_ARRAY) {
			enum rtype elem = (enum rtype)((int)types[i] & ~PG_ROW_ARRAY);
			if (pg_format_of(f, i) != 1) {
				pg_put_array_text(b, elem, &vals[i]);
			} else if (pg_put_binary_array(b, elem, &vals[i], err) < 0) {
				b->len = at - 1;
				return -1;
			}
		} else if (pg_format_of(f, i) == 1) {
			if (pg_put_binary_value(b, types[i], &vals[i], err) < 0) {
				b->len = at - 1; /* drop the half-built message */
				return -1;
			}
		} else {
			pg_put_text_value(b, types[i], &vals[i]);
		}
	}
	pg_msg_end(b, at);
	return 0;
}

static int pg_bad_input(struct rerr *err, const char *type, const uint8_t *p, int32_t len)
{
	return rerr_set(err, ERR_INVALID_TEXT_REPRESENTATION, "invalid input syntax for type %s: \"%.*s\"", type,
			len > 64 ? 64 : (int)len, (const char *)p);
}

static int pg_decode_text_param(struct arena *a, uint32_t oid, const uint8_t *p, int32_t len, struct rvalue *out,
				struct rerr *err)
{
	char *s = arena_strndup(a, (const char *)p, (size_t)len);
	char *end;
	switch (oid) {
	case 20: case 21: case 23: case 26: /* int8, int2, int4, oid */
		errno = 0;
		out->kind = RV_INT;
		out->i = strtoll(s, &end, 10);
		if (errno || end == s || *end)
			return pg_bad_input(err, oid == 20 ? "bigint" : oid == 21 ? "smallint" : oid == 26 ? "oid" : "integer",
					    p, len);
		return 0;
	case 700: case 701:
		out->kind = RV_FLOAT;
		out->f = strtod(s, &end);
		if (end == s || *end)
			return pg_bad_input(err, "double precision", p, len);
		return 0;
	case 16:
		out->kind = RV_INT;
		if (!strcasecmp(s, "t") || !strcasecmp(s, "true") || !strcasecmp(s, "1") || !strcasecmp(s, "yes") ||
		    !strcasecmp(s, "on") || !strcasecmp(s, "y"))
			out->i = 1;
		else if (!strcasecmp(s, "f") || !strcasecmp(s, "false") || !strcasecmp(s, "0") ||
			 !strcasecmp(s, "no") || !strcasecmp(s, "off") || !strcasecmp(s, "n"))
			out->i = 0;
		else
			return pg_bad_input(err, "boolean", p, len);
		return 0;
	case 17: /* bytea, hex format */
		if (len >= 2 && s[0] == '\\' && s[1] == 'x' && (len % 2) == 0) {
			size_t n = (size_t)(len - 2) / 2;
			uint8_t *bytes = arena_alloc(a, n + 1);
			for (size_t i = 0; i < n; i++) {
				char hex[3] = {s[2 + 2 * i], s[3 + 2 * i], 0};
				bytes[i] = (uint8_t)strtoul(hex, &end, 16);
				if (*end)
					return pg_bad_input(err, "bytea", p, len);
			}
			out->kind = RV_BLOB;
			out->p = bytes;
			out->n = n;
			return 0;
		}
		out->kind = RV_BLOB;
		out->p = (const uint8_t *)s;
		out->n = (size_t)len;
		return 0;
	default:
		out->kind = RV_TEXT;
		out->p = (const uint8_t *)s;
		out->n = (size_t)len;
		return 0;
	}
}

static int pg_decode_binary_param(struct arena *a, uint32_t oid, const uint8_t *p, int32_t len, struct rvalue *out,
				  struct rerr *err)
{
	switch (oid) {
	case 16:
		if (len != 1)
			break;
		out->kind = RV_INT;
		out->i = p[0] != 0;
		return 0;
	case 21:
		if (len != 2)
			break;
		out->kind = RV_INT;
		out->i = (int16_t)rd_be16(p);
		return 0;
	case 23:
		if (len != 4)
			break;
		out->kind = RV_INT;
		out->i = (int32_t)rd_be32(p);
		return 0;
	case 26:
		if (len != 4)
			break;
		out->kind = RV_INT;
		out->i = rd_be32(p);
		return 0;
	case 18: /* "char": the byte as a one-character text */
		if (len != 1)
			break;
		out->kind = RV_TEXT;
		out->p = arena_memdup(a, p, p[0] ? 1 : 0);
		out->n = p[0] ? 1 : 0;
		return 0;
	case 20:
		if (len != 8)
			break;
		out->kind = RV_INT;
		out->i = (int64_t)((uint64_t)rd_be32(p) << 32 | rd_be32(p + 4));
		return 0;
	case 700:
		if (len != 4)
			break;
		out->kind = RV_FLOAT;
		out->f = f32_from_bits(rd_be32(p));
		return 0;
	case 701:
		if (len != 8)
			break;
		out->kind = RV_FLOAT;
		out->f = f64_from_bits((uint64_t)rd_be32(p) << 32 | rd_be32(p + 4));
		return 0;
	case 17:
		out->kind = RV_BLOB;
		out->p = arena_memdup(a, p, (size_t)len);
		out->n = (size_t)len;
		return 0;
	case 0: case 25: case 1043: case 1042: case 705: case 114:
		out->kind = RV_TEXT;
		out->p = arena_memdup(a, p, (size_t)len);
		out->n = (size_t)len;
		return 0;
	case 1082: case 1083: case 1114: case 1184: case 2950: case 1700: case 1186: {
		enum rtype t = oid == 1082 ? RT_DATE : oid == 1083 ? RT_TIME : oid == 1114 ? RT_TIMESTAMP
			       : oid == 1184 ? RT_TIMESTAMPTZ : oid == 2950 ? RT_UUID : oid == 1186 ? RT_INTERVAL
			       : RT_NUMERIC;
		char text[1200];
		if (pg_binary_to_text(t, p, (size_t)len, text, sizeof(text)) < 0)
			break;
		out->kind = RV_TEXT;
		out->n = strlen(text);
		out->p = arena_memdup(a, text, out->n);
		return 0;
	}

	case CATALOG_PG_VECTOR_OID: { /* pgvector's binary form -> the stored little-endian float32s */
		if (len < 4)
			break;
		size_t dims = (size_t)p[0] << 8 | p[1];
		if ((size_t)len != 4 + 4 * dims)
			break;
		uint8_t *blob = arena_alloc(a, dims * 4 + 1);
		for (size_t i = 0; i < dims; i++) {
			const uint8_t *f = p + 4 + 4 * i;
			blob[4 * i] = f[3];
			blob[4 * i + 1] = f[2];
			blob[4 * i + 2] = f[1];
			blob[4 * i + 3] = f[0];
		}
		out->kind = RV_BLOB;
		out->p = blob;
		out->n = dims * 4;
		return 0;
	}
	default:
		if (pg_oid_is_array(oid)) { /* one-dimensional arrays */
			if (pg_array_binary_to_text(a, p, (size_t)len, out, err) < 0)
				break;
			return 0;
		}
		return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "binary input format for type OID %u is not supported yet", oid);
	}
	return rerr_set(err, ERR_PROTOCOL_VIOLATION, "incorrect binary data format in bind parameter");
}

int pg_decode_param(struct arena *a, uint32_t oid, int format, const uint8_t *p, int32_t len,
		    struct rvalue *out, struct rerr *err)
{
	memset(out, 0, sizeof(*out));
	if (!p) {
		out->kind = RV_NULL;
		return 0;
	}
	return format == 1 ? pg_decode_binary_param(a, oid, p, len, out, err)
			   : pg_decode_text_param(a, oid, p, len, out, err);
}
