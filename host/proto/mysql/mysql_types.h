/*
 * mysql_types.h — canonical types as MySQL column definitions and binary values.
 *
 * INTERFACE ROUTINES
 *   mysql_type_of          enum rtype -> MYSQL_TYPE_* plus flags, length, decimals, charset
 *   mysql_put_column_def   one ColumnDefinition41 packet for a struct column_desc
 *   mysql_put_text_value   a value of a text-protocol row (lenenc string, 0xfb for NULL)
 *   mysql_put_binary_value / mysql_get_binary_param   (mysql_binary.c) the binary protocol
 */
#ifndef ROSETTA_PROTO_MYSQL_TYPES_H
#define ROSETTA_PROTO_MYSQL_TYPES_H

#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "engine/types.h"
#include "proto/mysql/mysql_wire.h"

enum mysql_field_type {
	MYSQL_TYPE_DECIMAL = 0, MYSQL_TYPE_TINY = 1, MYSQL_TYPE_SHORT = 2, MYSQL_TYPE_LONG = 3,
	MYSQL_TYPE_FLOAT = 4, MYSQL_TYPE_DOUBLE = 5, MYSQL_TYPE_NULL = 6, MYSQL_TYPE_TIMESTAMP = 7,
	MYSQL_TYPE_LONGLONG = 8, MYSQL_TYPE_INT24 = 9, MYSQL_TYPE_DATE = 10, MYSQL_TYPE_TIME = 11,
	MYSQL_TYPE_DATETIME = 12, MYSQL_TYPE_YEAR = 13, MYSQL_TYPE_NEWDATE = 14, MYSQL_TYPE_VARCHAR = 15,
	MYSQL_TYPE_BIT = 16, MYSQL_TYPE_VECTOR = 242, MYSQL_TYPE_JSON = 245, MYSQL_TYPE_NEWDECIMAL = 246,
	MYSQL_TYPE_ENUM = 247, MYSQL_TYPE_SET = 248, MYSQL_TYPE_TINY_BLOB = 249,
	MYSQL_TYPE_MEDIUM_BLOB = 250, MYSQL_TYPE_LONG_BLOB = 251, MYSQL_TYPE_BLOB = 252,
	MYSQL_TYPE_VAR_STRING = 253, MYSQL_TYPE_STRING = 254, MYSQL_TYPE_GEOMETRY = 255,
};

/* Column flags. */
#define MYSQL_NOT_NULL_FLAG 0x0001u
#define MYSQL_PRI_KEY_FLAG 0x0002u
#define MYSQL_UNIQUE_KEY_FLAG 0x0004u
#define MYSQL_BLOB_FLAG 0x0010u
#define MYSQL_UNSIGNED_FLAG 0x0020u
#define MYSQL_BINARY_FLAG 0x0080u
#define MYSQL_AUTO_INCREMENT_FLAG 0x0200u
#define MYSQL_NUM_FLAG 0x8000u

#define MYSQL_CHARSET_UTF8MB4 45   /* utf8mb4_general_ci */
#define MYSQL_CHARSET_BINARY 63

struct mysql_coltype {
	uint8_t type;      /* enum mysql_field_type */
	uint16_t flags;
	uint32_t length;   /* display length */
	uint8_t decimals;
	uint16_t charset;
};

void mysql_type_of(enum rtype t, int32_t typmod, struct mysql_coltype *out);
/* The type a column is sent as: its own, or text for a PostgreSQL array ('{1,2}'), which MySQL has no type for. */
static inline enum rtype mysql_column_rtype(const struct column_desc *c)
{
	return c->array ? RT_TEXT : c->type;
}
/* `schema` is the current database (may be ""). */
void mysql_put_column_def(struct buf *out, uint8_t *seq, const struct column_desc *col, const char *schema);
void mysql_put_text_value(struct buf *b, enum rtype t, const struct rvalue *v);

/* mysql_binary.c — the binary protocol (COM_STMT_EXECUTE parameters, binary result rows). */
/* Append one non-NULL value of a binary row, encoded as the column's MySQL type. */
void mysql_put_binary_value(struct buf *b, enum rtype t, int32_t typmod, const struct rvalue *v);
/*
 * Decode one parameter of MySQL type `type` (flags byte `unsigned_flag`) from r
 * into *v; text and blob bytes point into the payload.  0, or -1 with *err
 * (a malformed value).
 */
int mysql_get_binary_param(struct mysql_rd *r, uint8_t type, int unsigned_flag, struct rvalue *v,
			   struct buf *scratch, struct rerr *err);

#endif
