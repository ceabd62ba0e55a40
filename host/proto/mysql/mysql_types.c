/*
 * mysql_types.c — canonical types as MySQL column definitions, and the text
 * protocol's row values.
 *
 * The mapping follows what a MySQL 8 server reports for the column types
 * the MySQL dialect creates: INT -> LONG, BIGINT -> LONGLONG, VARCHAR(n) ->
 * VAR_STRING of 4n bytes in utf8mb4, BLOB -> BLOB in the binary charset,
 * JSON -> JSON in the binary charset, DATETIME/TIMESTAMP -> DATETIME/TIMESTAMP.
 * Types MySQL has no column type for (INTERVAL, UUID, VECTOR before 9.0) are
 * sent as strings, so every client can read them.
 *
 * INTERFACE ROUTINES
 *   mysql_type_of          enum rtype -> MYSQL_TYPE_*, flags, length, decimals, charset
 *   mysql_put_column_def   one ColumnDefinition41 packet
 *   mysql_put_text_value   one value of a text-protocol row
 */
#include "proto/mysql/mysql_types.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/vector.h"

#define MYSQL_NAME_MAX 256

void mysql_type_of(enum rtype t, int32_t typmod, struct mysql_coltype *out)
{
	out->flags = 0;
	out->decimals = 0;
	out->charset = MYSQL_CHARSET_BINARY;
	switch (t) {
	case RT_BOOL:
		out->type = MYSQL_TYPE_TINY;
		out->length = 1;
		out->flags = MYSQL_NUM_FLAG;
		return;
	case RT_INT2:
		out->type = MYSQL_TYPE_SHORT;
		out->length = 6;
		out->flags = MYSQL_NUM_FLAG;
		return;
	case RT_INT4:
		out->type = MYSQL_TYPE_LONG;
		out->length = 11;
		out->flags = MYSQL_NUM_FLAG;
		return;
	case RT_INT8:
	case RT_OID:
		out->type = MYSQL_TYPE_LONGLONG;
		out->length = 20;
		out->flags = MYSQL_NUM_FLAG;
		return;
	case RT_FLOAT4:
		out->type = MYSQL_TYPE_FLOAT;
		out->length = 12;
		out->decimals = 31; /* "not fixed" */
		out->flags = MYSQL_NUM_FLAG;
		return;
	case RT_FLOAT8:
		out->type = MYSQL_TYPE_DOUBLE;
		out->length = 22;
		out->decimals = 31;
		out->flags = MYSQL_NUM_FLAG;
		return;
	case RT_NUMERIC:
		out->type = MYSQL_TYPE_NEWDECIMAL;
		out->length = typmod > 0 ? (uint32_t)typmod + 2 : 67;
		out->decimals = typmod > 0 ? 0 : 30;
		out->flags = MYSQL_NUM_FLAG;
		return;
	case RT_BYTEA:
		out->type = MYSQL_TYPE_BLOB;
		out->length = 65535;
		out->flags = MYSQL_BLOB_FLAG | MYSQL_BINARY_FLAG;
		return;
	case RT_DATE:
		out->type = MYSQL_TYPE_DATE;
		out->length = 10;
		out->flags = MYSQL_BINARY_FLAG;
		return;
	case RT_TIME:
		out->type = MYSQL_TYPE_TIME;
		out->length = 10;
		out->flags = MYSQL_BINARY_FLAG;
		return;
	case RT_TIMESTAMP:
		out->type = MYSQL_TYPE_DATETIME;
		out->length = 19;
		out->flags = MYSQL_BINARY_FLAG;
		return;
	case RT_TIMESTAMPTZ:
		out->type = MYSQL_TYPE_TIMESTAMP;
		out->length = 19;
		out->flags = MYSQL_BINARY_FLAG;
		return;
	case RT_JSON:
		out->type = MYSQL_TYPE_JSON;
		out->length = 0xffffffffu;
		out->flags = MYSQL_BLOB_FLAG | MYSQL_BINARY_FLAG;
		return;
	case RT_CHAR:
		out->type = MYSQL_TYPE_STRING;
		out->charset = MYSQL_CHARSET_UTF8MB4;
		out->length = typmod > 0 ? (uint32_t)typmod * 4 : 4;
		return;
	case RT_UUID:
		out->type = MYSQL_TYPE_STRING;
		out->charset = MYSQL_CHARSET_UTF8MB4;
		out->length = 36 * 4;
		return;
	case RT_VARCHAR:
		out->type = MYSQL_TYPE_VAR_STRING;
		out->charset = MYSQL_CHARSET_UTF8MB4;
		out->length = typmod > 0 ? (uint32_t)typmod * 4 : 1020;
		return;
	case RT_TEXT:
		out->type = MYSQL_TYPE_BLOB;
		out->charset = MYSQL_CHARSET_UTF8MB4;
		out->length = 262140;
		out->flags = MYSQL_BLOB_FLAG;
		return;
	case RT_UNKNOWN:
	case RT_INTERVAL:
	case RT_VECTOR:
	default:
		out->type = MYSQL_TYPE_VAR_STRING;
		out->charset = MYSQL_CHARSET_UTF8MB4;
		out->length = 1020;
		return;
	}
}

void mysql_put_column_def(struct buf *out, uint8_t *seq, const struct column_desc *col, const char *schema)
{
	struct mysql_coltype ct;
	mysql_type_of(mysql_column_rtype(col), col->array ? -1 : col->typmod, &ct);
	const char *table = col->table ? col->table : "";
	const char *name = col->name ? col->name : "";
	size_t nlen = strnlen(name, MYSQL_NAME_MAX); /* an expression's text names its column: bound it */
	size_t at = mysql_packet_begin(out, seq);
	mysql_put_lenenc_str(out, "def", 3);
	mysql_put_lenenc_str(out, table[0] ? schema : "", table[0] ? strlen(schema) : 0);
	mysql_put_lenenc_str(out, table, strlen(table));
	mysql_put_lenenc_str(out, table, strlen(table));
	mysql_put_lenenc_str(out, name, nlen);
	mysql_put_lenenc_str(out, name, nlen);
	buf_put_u8(out, 0x0c); /* length of the fixed fields */
	mysql_put_u16(out, ct.charset);
	mysql_put_u32(out, ct.length);
	buf_put_u8(out, ct.type);
	mysql_put_u16(out, ct.flags);
	buf_put_u8(out, ct.decimals);
	mysql_put_u16(out, 0);
	mysql_packet_end(out, at, seq);
}

/* Shortest text that reads back as the same value, without an exponent where MySQL has none. */
static int mysql_format_float(char *out, size_t cap, double f, int is_float4)
{
	if (isnan(f) || isinf(f))
		return snprintf(out, cap, "%s", isnan(f) ? "NaN" : f > 0 ? "inf" : "-inf");
	int n = 0;
	for (int prec = is_float4 ? 6 : 15; prec <= 17; prec++) {
		n = snprintf(out, cap, "%.*g", prec, f);
		if (is_float4 ? (float)strtod(out, NULL) == (float)f : strtod(out, NULL) == f)
			break;
	}
	char *e = strchr(out, 'e');
	if (e && e[1] == '+') { /* MySQL writes 1e20, not 1e+20 */
		memmove(e + 1, e + 2, strlen(e + 2) + 1);
		n--;
	}
	return n;
}

/* A NUMERIC held as a double: plain digits, as DECIMAL prints. */
static int mysql_format_decimal(char *out, size_t cap, double f)
{
	int n = mysql_format_float(out, cap, f, 0);
	if (!strchr(out, 'e') || fabs(f) > 1e30)
		return n;
	n = snprintf(out, cap, "%.17f", f);
	while (n > 1 && out[n - 1] == '0')
		out[--n] = 0;
	if (n > 0 && out[n - 1] == '.')
		out[--n] = 0;
	return n;
}

void mysql_put_text_value(struct buf *b, enum rtype t, const struct rvalue *v)
{
	char tmp[64];
	int n;
	switch (v->kind) {
	case RV_NULL:
		buf_put_u8(b, 0xfb);
		return;
	case RV_INT:
		n = snprintf(tmp, sizeof(tmp), "%" PRId64, t == RT_BOOL ? (int64_t)(v->i != 0) : v->i);
		mysql_put_lenenc_str(b, tmp, (size_t)n);
		return;
	case RV_FLOAT:
		if (t == RT_NUMERIC)
			n = mysql_format_decimal(tmp, sizeof(tmp), v->f);
		else if (t == RT_INT2 || t == RT_INT4 || t == RT_INT8 || t == RT_BOOL)
			n = snprintf(tmp, sizeof(tmp), "%.0f", v->f);
		else
			n = mysql_format_float(tmp, sizeof(tmp), v->f, t == RT_FLOAT4);
		mysql_put_lenenc_str(b, tmp, (size_t)n);
		return;
	case RV_TEXT:
		if (t == RT_BOOL && v->n == 1 && (v->p[0] == 't' || v->p[0] == 'f')) {
			mysql_put_lenenc_str(b, v->p[0] == 't' ? "1" : "0", 1);
			return;
		}
		mysql_put_lenenc_str(b, v->p, v->n);
		return;
	case RV_BLOB:
		if (t == RT_VECTOR && v->n % 4 == 0 && v->n > 0) { /* stored float32 -> [1,2.5] */
			size_t dims = v->n / 4;
			float *x = malloc(dims * sizeof(float));
			if (x) {
				struct buf txt;
				buf_init(&txt);
				vector_decode(v->p, dims, x);
				vector_format(x, dims, VECTOR_TEXT_PG, &txt);
				mysql_put_lenenc_str(b, txt.data, txt.len);
				buf_free(&txt);
				free(x);
				return;
			}
		}
		mysql_put_lenenc_str(b, v->p, v->n);
		return;
	}
}
