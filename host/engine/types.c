/*
 * types.c — canonical type names and the mapping from declared type names.
 */
#include "engine/types.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const rtype_names[] = {
	[RT_UNKNOWN] = "unknown",   [RT_BOOL] = "boolean",     [RT_INT2] = "smallint",
	[RT_INT4] = "integer",      [RT_INT8] = "bigint",      [RT_FLOAT4] = "real",
	[RT_FLOAT8] = "double precision", [RT_NUMERIC] = "numeric", [RT_TEXT] = "text",
	[RT_VARCHAR] = "varchar",   [RT_CHAR] = "char",        [RT_BYTEA] = "bytea",
	[RT_DATE] = "date",         [RT_TIME] = "time",        [RT_TIMESTAMP] = "timestamp",
	[RT_TIMESTAMPTZ] = "timestamptz", [RT_INTERVAL] = "interval", [RT_JSON] = "json",
	[RT_UUID] = "uuid",         [RT_VECTOR] = "vector",
	[RT_OID] = "oid",           [RT_CHAR1] = "\"char\"",
};

const char *rtype_name(enum rtype t)
{
	if ((unsigned)t >= sizeof(rtype_names) / sizeof(rtype_names[0]))
		return "unknown";
	return rtype_names[t];
}

/* Declared names, matched on the leading words of the declaration. */
static const struct {
	const char *prefix;
	enum rtype type;
} rtype_decls[] = {
	{"timestamp with time zone", RT_TIMESTAMPTZ},
	{"timestamptz", RT_TIMESTAMPTZ},
	{"timestamp", RT_TIMESTAMP},
	{"datetime", RT_TIMESTAMP},
	{"double precision", RT_FLOAT8},
	{"character varying", RT_VARCHAR},
	{"char1", RT_CHAR1}, /* the store's spelling of "char": SQLite drops the quotes */
	{"varchar", RT_VARCHAR},
	{"character", RT_CHAR},
	{"bpchar", RT_CHAR},
	{"char", RT_CHAR},
	{"bigserial", RT_INT8},
	{"bigint", RT_INT8},
	{"int8", RT_INT8},
	{"smallserial", RT_INT2},
	{"smallint", RT_INT2},
	{"int2", RT_INT2},
	{"serial", RT_INT4},
	{"integer", RT_INT4},
	{"int4", RT_INT4},
	{"int", RT_INT4},
	{"real", RT_FLOAT4},
	{"float4", RT_FLOAT4},
	{"float8", RT_FLOAT8},
	{"float", RT_FLOAT8},
	{"double", RT_FLOAT8},
	{"numeric", RT_NUMERIC},
	{"decimal", RT_NUMERIC},
	{"boolean", RT_BOOL},
	{"bool", RT_BOOL},
	{"text", RT_TEXT},
	{"bytea", RT_BYTEA},
	{"blob", RT_BYTEA},
	{"date", RT_DATE},
	{"time", RT_TIME},
	{"interval", RT_INTERVAL},
	{"jsonb", RT_JSON},
	{"json", RT_JSON},
	{"uuid", RT_UUID},
	{"vector", RT_VECTOR},
	{"oid", RT_OID},
};

/* "int4 array", the store's spelling of int4[] (SQLite reads [...] as a quoted name and drops it). */
static int rtype_decl_is_array(const char *decl)
{
	size_t n = strlen(decl);
	while (n && isspace((unsigned char)decl[n - 1]))
		n--;
	return strchr(decl, '[') || (n > 6 && !strncasecmp(decl + n - 5, "array", 5) && isspace((unsigned char)decl[n - 6]));
}

enum rtype rtype_from_decl(const char *decl, int32_t *typmod)
{
	if (typmod)
		*typmod = -1;
	if (!decl)
		return RT_UNKNOWN;
	while (isspace((unsigned char)*decl))
		decl++;
	for (size_t i = 0; i < sizeof(rtype_decls) / sizeof(rtype_decls[0]); i++) {
		size_t n = strlen(rtype_decls[i].prefix);
		if (strncasecmp(decl, rtype_decls[i].prefix, n) != 0)
			continue;
		char next = decl[n];
		if (isalnum((unsigned char)next) || next == '_')
			continue; /* "integer" must not match "interval"... nor "int" match "internal" */
		const char *paren = strchr(decl + n, '(');
		if (typmod && paren)
			*typmod = (int32_t)strtol(paren + 1, NULL, 10);
		if (rtype_decl_is_array(decl))
			return (enum rtype)(RT_ARRAY_OF | (int)rtype_decls[i].type);
		return rtype_decls[i].type;
	}
	return RT_UNKNOWN;
}
