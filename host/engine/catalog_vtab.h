/*
 * catalog_vtab.h — read-only virtual tables defined by a SELECT, each
 * materialized once per statement.
 *
 * A system catalog (engine/catalog_pg.c) is a column declaration plus the
 * SELECT over the store's schema that yields its rows.  Computed on every
 * scan, a catalog on the inner side of a join re-runs its SELECT — and every
 * pragma call inside it — once per outer row; psql's `\d` joins pg_class with
 * itself and pg_index, which made it quadratic in the number of relations
 * (half a minute at a few hundred tables).  So the first scan of a catalog in
 * a statement keeps its rows (sqlite3_value_dup'd), and every further scan in
 * that statement reads them from memory; equality constraints are checked
 * there too, so `c.oid = i.indrelid` costs a pass over a row array, not a
 * query.
 *
 * When rows are dropped: as each top-level statement of the connection
 * starts (an SQLITE_TRACE_STMT callback).  A catalog's rows are a function of
 * the schema and the session's identity, neither of which changes inside one
 * statement, so a cache never outlives what it was computed from.  The SQL a
 * catalog runs itself (its SELECT, the lookups of pg_get_indexdef and the
 * like, bracketed by catalog_vtab_nested_begin/end) does not drop them.  A
 * scan still open when its rows are dropped keeps them: rows are reference
 * counted.  A catalog marked `live` (rows that change without DDL, like the
 * session's cursors) is re-run on every scan.
 *
 * Invariants
 *   1. A row set is freed only when its last holder (the table's cache slot
 *      or an open scan) lets go.
 *   2. The cache slots are emptied before a top-level statement runs, never
 *      while this module's own SQL runs (nested > 0).
 *   3. A constraint handed to xFilter only narrows rows SQLite would reject
 *      anyway (omit is never set: SQLite re-checks every row it gets).
 *
 * INTERFACE ROUTINES
 *   catalog_vtab_attach         register the module `name` over `defs` on one
 *                               connection, and the statement hook; the state is
 *                               freed with the connection.  NULL when out of memory
 *                               or SQLite refuses.
 *   catalog_vtab_create         CREATE VIRTUAL TABLE temp.<name> for every def
 *   catalog_vtab_nested_begin   the SQL run until _end is the catalogs' own
 *   catalog_vtab_nested_end       (a lookup function's query)
 */
#ifndef ROSETTA_ENGINE_CATALOG_VTAB_H
#define ROSETTA_ENGINE_CATALOG_VTAB_H

#include <stddef.h>
#include <sqlite3.h>

struct catalog_vtab_def {
	const char *name;
	const char *decl; /* the column list of CREATE TABLE x(...), canonical declared types */
	const char *sql;  /* one row per catalog row, columns in decl's order */
	int live;         /* re-run on every scan: rows that change without DDL */
};

struct catalog_vtab_conn;

struct catalog_vtab_conn *catalog_vtab_attach(sqlite3 *db, const char *module,
					      const struct catalog_vtab_def *defs, size_t ndefs);
int catalog_vtab_create(sqlite3 *db, const char *module, const struct catalog_vtab_def *defs, size_t ndefs);
void catalog_vtab_nested_begin(struct catalog_vtab_conn *cv);
void catalog_vtab_nested_end(struct catalog_vtab_conn *cv);

#endif
