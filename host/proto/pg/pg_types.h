/*
 * pg_types.h — canonical types as PostgreSQL sees them: OIDs, lengths, text form.
 *
 * INTERFACE ROUTINES
 *   pg_type_oid / pg_type_len    canonical type -> pg_type OID / typlen
 *   pg_array_oid                 canonical element type -> its array type's OID
 *   pg_oid_is_array              whether an OID is one of those array types
 *   pg_put_text_value            a value in PostgreSQL's text output format (length-prefixed, -1 for NULL)
 */
#ifndef ROSETTA_PROTO_PG_TYPES_H
#define ROSETTA_PROTO_PG_TYPES_H

#include <stdint.h>

#include "core/buf.h"
#include "engine/types.h"

uint32_t pg_type_oid(enum rtype t);
int16_t pg_type_len(enum rtype t);
/* The OID of the array type whose elements are `t` (text[] 1009 when none is known). */
uint32_t pg_array_oid(enum rtype t);
/* Whether `oid` is the array type of some canonical type. */
int pg_oid_is_array(uint32_t oid);
/* Appends int32 length + bytes (or int32 -1 for NULL), as a DataRow column wants. */
void pg_put_text_value(struct buf *b, enum rtype t, const struct rvalue *v);
/* The shortest text that reads back as f (as float4 when is_float4), PostgreSQL's spelling of NaN and infinities. */
int pg_format_float(char *out, size_t cap, double f, int is_float4);

#endif
