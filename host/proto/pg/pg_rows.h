/*
 * pg_rows.h — RowDescription and DataRow, in text or binary format per column.
 *
 * INTERFACE ROUTINES
 *   pg_put_row_description   columns -> 'T' (format codes as the client asked)
 *   pg_put_data_row          one row -> 'D'
 *   pg_decode_param          a Bind parameter (text or binary, by type OID) -> struct rvalue
 *
 * Format codes follow the protocol: none means all text, one applies to
 * every column, otherwise one per column.
 */
#ifndef ROSETTA_PROTO_PG_ROWS_H
#define ROSETTA_PROTO_PG_ROWS_H

#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "engine/types.h"

struct pg_formats {
	int n;
	const int16_t *codes;
};

static inline int pg_format_of(const struct pg_formats *f, int i)
{
	return f->n == 0 ? 0 : f->n == 1 ? f->codes[0] : f->codes[i];
}

/*
 * The type a DataRow column is encoded by: the column's own, or for an array
 * column PG_ROW_ARRAY | element type (text form '{...}' with booleans as t/f,
 * or the binary array form with each element in its type's binary form).
 */
#define PG_ROW_ARRAY 0x100
static inline enum rtype pg_row_type(const struct column_desc *c)
{
	return c->array ? (enum rtype)(PG_ROW_ARRAY | (int)c->type) : c->type;
}

void pg_put_row_description(struct buf *b, int n, const struct column_desc *cols, const struct pg_formats *f);
/* 0, or -1 with err when a value cannot take its column's binary form (a malformed array or vector). */
int pg_put_data_row(struct buf *b, int n, const enum rtype *types, const struct rvalue *vals,
		    const struct pg_formats *f, struct rerr *err);
/* `p`/`len` borrowed from the message; NULL p means SQL NULL.  Text is copied into `a`. */
int pg_decode_param(struct arena *a, uint32_t oid, int format, const uint8_t *p, int32_t len,
		    struct rvalue *out, struct rerr *err);

#endif
