/*
 * pg_types.c — PostgreSQL OIDs and text output for canonical types.
 *
 * The OIDs are PostgreSQL's built-in pg_type OIDs (stable across versions).
 * VECTOR has no built-in OID (pgvector assigns one at CREATE EXTENSION): the
 * catalog publishes `vector` as CATALOG_PG_VECTOR_OID with its array type
 * one above, and columns and parameters carry that OID, in pgvector's text
 * form ('[1,2,3]') or its binary form (proto/pg/pg_rows.c).
 */
#include "proto/pg/pg_types.h"

#include "engine/catalog_pg.h"
#include "engine/vector.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const struct {
	uint32_t oid;
	int16_t len;
} pg_types[] = {
	[RT_UNKNOWN] = {25, -1},    [RT_BOOL] = {16, 1},        [RT_INT2] = {21, 2},
	[RT_INT4] = {23, 4},        [RT_INT8] = {20, 8},        [RT_FLOAT4] = {700, 4},
	[RT_FLOAT8] = {701, 8},     [RT_NUMERIC] = {1700, -1},  [RT_TEXT] = {25, -1},
	[RT_VARCHAR] = {1043, -1},  [RT_CHAR] = {1042, -1},     [RT_BYTEA] = {17, -1},
	[RT_DATE] = {1082, 4},      [RT_TIME] = {1083, 8},      [RT_TIMESTAMP] = {1114, 8},
	[RT_TIMESTAMPTZ] = {1184, 8}, [RT_INTERVAL] = {1186, 16}, [RT_JSON] = {114, -1},
	[RT_UUID] = {2950, 16},     [RT_VECTOR] = {CATALOG_PG_VECTOR_OID, -1},
	[RT_OID] = {26, 4},         [RT_CHAR1] = {18, 1},
};

uint32_t pg_type_oid(enum rtype t)
{
	if ((int)t & RT_ARRAY_OF) /* a parameter cast to an array type */
		return pg_array_oid((enum rtype)((int)t & ~RT_ARRAY_OF));
	return (unsigned)t < sizeof(pg_types) / sizeof(pg_types[0]) ? pg_types[t].oid : 25;
}

uint32_t pg_array_oid(enum rtype t)
{
	static const uint32_t arrays[] = {
		[RT_BOOL] = 1000, [RT_INT2] = 1005, [RT_INT4] = 1007, [RT_INT8] = 1016, [RT_FLOAT4] = 1021,
		[RT_FLOAT8] = 1022, [RT_NUMERIC] = 1231, [RT_TEXT] = 1009, [RT_VARCHAR] = 1015, [RT_CHAR] = 1014,
		[RT_BYTEA] = 1001, [RT_DATE] = 1182, [RT_TIME] = 1183, [RT_TIMESTAMP] = 1115, [RT_TIMESTAMPTZ] = 1185,
		[RT_INTERVAL] = 1187, [RT_JSON] = 199, [RT_UUID] = 2951, [RT_OID] = 1028, [RT_CHAR1] = 1002,
		[RT_VECTOR] = CATALOG_PG_VECTOR_OID + 1,
	};
	uint32_t oid = (unsigned)t < sizeof(arrays) / sizeof(arrays[0]) ? arrays[t] : 0;
	return oid ? oid : 1009;
}

int pg_oid_is_array(uint32_t oid)
{
	for (int t = RT_BOOL; t <= RT_CHAR1; t++)
		if (pg_array_oid((enum rtype)t) == oid)
			return 1;
	return 0;
}

int16_t pg_type_len(enum rtype t)
{
	return (unsigned)t < sizeof(pg_types) / sizeof(pg_types[0]) ? pg_types[t].len : -1;
}

/* Shortest text that reads back as the same double, as PostgreSQL 12+ prints (extra_float_digits=1). */
int pg_format_float(char *out, size_t cap, double f, int is_float4)
{
	if (isnan(f))
		return snprintf(out, cap, "NaN");
	if (isinf(f))
		return snprintf(out, cap, f > 0 ? "Infinity" : "-Infinity");
	int n = 0;
	for (int prec = is_float4 ? 6 : 15; prec <= 17; prec++) {
		n = snprintf(out, cap, "%.*g", prec, f);
		if (is_float4 ? (float)strtod(out, NULL) == (float)f : strtod(out, NULL) == f)
			break;
	}
	return n;
}

static void pg_put_bytes_value(struct buf *b, const void *p, size_t n)
{
	buf_put_be32(b, (uint32_t)n);
	buf_append(b, p, n);
}

void pg_put_text_value(struct buf *b, enum rtype t, const struct rvalue *v)
{
	char tmp[64];
	int n;
	switch (v->kind) {
	case RV_NULL:
		buf_put_be32(b, 0xffffffffu);
		return;
	case RV_INT:
		if (t == RT_BOOL)
			n = snprintf(tmp, sizeof(tmp), "%s", v->i ? "t" : "f");
		else if (t == RT_FLOAT4 || t == RT_FLOAT8)
			n = pg_format_float(tmp, sizeof(tmp), (double)v->i, t == RT_FLOAT4);
		else
			n = snprintf(tmp, sizeof(tmp), "%" PRId64, v->i);
		pg_put_bytes_value(b, tmp, (size_t)n);
		return;
	case RV_FLOAT:
		n = pg_format_float(tmp, sizeof(tmp), v->f, t == RT_FLOAT4);
		pg_put_bytes_value(b, tmp, (size_t)n);
		return;
	case RV_BLOB:
	case RV_TEXT:
		if (t == RT_VECTOR && v->kind == RV_BLOB && v->n % 4 == 0) { /* stored float32 -> pgvector's text */
			size_t dims = v->n / 4;
			float *x = malloc(dims ? dims * sizeof(float) : 1);
			if (x) {
				struct buf txt;
				buf_init(&txt);
				vector_decode(v->p, dims, x);
				vector_format(x, dims, VECTOR_TEXT_PG, &txt);
				pg_put_bytes_value(b, txt.data, txt.len);
				buf_free(&txt);
				free(x);
				return;
			}
		}
		if (t == RT_BYTEA) { /* hex format: \x followed by two digits a byte */
			static const char hex[] = "0123456789abcdef";
			buf_put_be32(b, (uint32_t)(2 + 2 * v->n));
			buf_reserve(b, 2 + 2 * v->n);
			b->data[b->len++] = '\\';
			b->data[b->len++] = 'x';
			for (size_t i = 0; i < v->n; i++) {
				b->data[b->len++] = (uint8_t)hex[v->p[i] >> 4];
				b->data[b->len++] = (uint8_t)hex[v->p[i] & 15];
			}
			return;
		}
		pg_put_bytes_value(b, v->p, v->n);
		return;
	}
}
