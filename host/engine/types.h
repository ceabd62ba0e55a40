/*
 * types.h — canonical types and values.
 *
 * Every column and parameter the engine describes has one of these types;
 * each protocol maps them to its own (PostgreSQL OIDs, MySQL field types,
 * TDS types, ...) at the edge.  A struct rvalue is one value as the store
 * produced it: the `kind` says how it is held (integer, float, text bytes,
 * binary bytes, NULL), independently of the column's declared type, because
 * the embedded store is dynamically typed.  Encoders combine the two.
 *
 * Values borrow their bytes from the store's current row: they are valid
 * until the next step of the statement that produced them.
 */
#ifndef ROSETTA_ENGINE_TYPES_H
#define ROSETTA_ENGINE_TYPES_H

#include <stddef.h>
#include <stdint.h>

enum rtype {
	RT_UNKNOWN = 0, /* not yet known (an untyped literal or parameter) */
	RT_BOOL,
	RT_INT2,
	RT_INT4,
	RT_INT8,
	RT_FLOAT4,
	RT_FLOAT8,
	RT_NUMERIC,
	RT_TEXT,
	RT_VARCHAR,
	RT_CHAR,
	RT_BYTEA,
	RT_DATE,
	RT_TIME,
	RT_TIMESTAMP,
	RT_TIMESTAMPTZ,
	RT_INTERVAL,
	RT_JSON,
	RT_UUID,
	RT_VECTOR,
	RT_OID,   /* PostgreSQL's unsigned 32-bit object identifier (catalog keys) */
	RT_CHAR1, /* PostgreSQL's one-byte "char" (catalog kinds: typtype, relkind) */
};

/*
 * A parameter's type, or a declared column's, may be RT_ARRAY_OF | element
 * type: a one-dimensional array ($1::oid[], a text[] column), held as its
 * PostgreSQL text form '{a,b}' (engine/sqlite_array.c).  A column_desc says
 * so with `array` instead.
 */
#define RT_ARRAY_OF 0x100

enum rvalue_kind { RV_NULL, RV_INT, RV_FLOAT, RV_TEXT, RV_BLOB };

struct rvalue {
	enum rvalue_kind kind;
	int64_t i;
	double f;
	const uint8_t *p; /* RV_TEXT (not NUL-terminated) and RV_BLOB */
	size_t n;
};

struct column_desc {
	const char *name;
	enum rtype type;
	int32_t typmod;      /* e.g. varchar(n) length, numeric precision/scale; -1 when none */
	const char *table;   /* origin table, or NULL */
	int array;           /* a one-dimensional array of `type`, held in PostgreSQL's text form '{a,b}' */
};

const char *rtype_name(enum rtype t);
/*
 * Map a declared SQL type name ("integer", "varchar(20)", "double precision", ...) to a canonical type;
 * an array column's declaration ("int4 array", "text[]") gives RT_ARRAY_OF | the element type.
 */
enum rtype rtype_from_decl(const char *decl, int32_t *typmod);

#endif
