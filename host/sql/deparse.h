/*
 * deparse.h — an AST (ast.h) back into SQL text for the SQLite store.
 *
 * INTERFACE ROUTINES
 *   sql_deparse_sqlite   write SQLite SQL that behaves as the source dialect expects
 *
 * Contract: appends to `out` (no NUL) and returns 0, or returns -1 with
 * `err` set (ERR_FEATURE_NOT_SUPPORTED naming the construct; statements the
 * engine executes itself — transactions, SET, SHOW, USE, CREATE SCHEMA /
 * DATABASE / EXTENSION — are refused this way).  Every parameter is written
 * ?NNN with its unified ordinal, so the caller binds by ordinal.  A few
 * statements become several SQLite statements separated by "; " (DROP of
 * several objects, TRUNCATE of several tables, CREATE OR REPLACE VIEW):
 * the caller runs them in order (store_prepare reports how much it used).
 *
 * Translations that keep the source ecosystem's results (see deparse.c for
 * the full list): `a / b` and `%` call rosetta_div / rosetta_mysql_div /
 * rosetta_mod (host/engine/sqlite_funcs.c) for the dialect's division
 * semantics and 22012; case-sensitive LIKE (PG) calls rosetta_like, ILIKE
 * and case-insensitive LIKE use SQLite's LIKE with ESCAPE '\'; TRUE/FALSE
 * are 1/0; ORDER BY spells out NULLS FIRST/LAST where the dialect sorts
 * NULLs high; CASTs name SQLite affinities (the canonical type stays in
 * the AST); column types are written as canonical names (int4, varchar(20),
 * timestamptz, ...) that engine/types.c maps back; SERIAL / AUTO_INCREMENT /
 * IDENTITY primary keys become INTEGER PRIMARY KEY AUTOINCREMENT; result
 * columns without an alias get the name the source ecosystem would give.
 * Schema and catalog qualifiers on table names are dropped (one namespace
 * until the binder maps schemas).
 */
#ifndef ROSETTA_SQL_DEPARSE_H
#define ROSETTA_SQL_DEPARSE_H

#include "core/buf.h"
#include "core/error.h"
#include "sql/ast.h"

int sql_deparse_sqlite(const struct ast_stmt *s, struct buf *out, struct rerr *err);

/* The canonical type name written for a column of type `t` ("int4", "varchar(20)", ...), into buf. */
void sql_deparse_type_name(const struct ast_type *t, struct buf *out);

#endif
