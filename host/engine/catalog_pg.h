/*
 * catalog_pg.h — PostgreSQL's system catalogs over the store's own schema.
 *
 * pg_catalog (pg_class, pg_namespace, pg_attribute, pg_type, pg_index,
 * pg_constraint, pg_attrdef, pg_database, pg_roles, ...) and
 * information_schema (tables, columns, schemata, table_constraints,
 * key_column_usage, views) are read-only TEMP virtual tables created on a
 * store connection the first time one of its statements needs them, each
 * filled from sqlite_master and the pragma table-valued functions once per
 * statement (engine/catalog_vtab.h), so they always show the live schema,
 * nothing about user relations is stored twice, and a join of catalogs costs
 * one computation of each, not one per outer row.  Their columns carry
 * canonical declared types (int8, int4, bool, text), so the binder describes
 * catalog queries with real types.
 *
 * Names: a query's `pg_catalog.pg_class` and `pg_class` both reach the table
 * `pg_class`; `information_schema.tables` reaches `information_schema_tables`
 * (the deparser maps the qualifier, sql/deparse_expr.c dp_table), so a user
 * table named `tables` never collides with a catalog.
 *
 * OIDs: namespaces pg_catalog 11, public 2200, information_schema 13000;
 * built-in types their PostgreSQL OIDs (proto/pg/pg_types.c), `vector`
 * CATALOG_PG_VECTOR_OID; a user relation, index or constraint a hash of its
 * name (stable across connections and restarts, >= 16384).
 *
 * Also registered: format_type, pg_table_is_visible, pg_get_userbyid,
 * pg_get_indexdef, pg_get_constraintdef, pg_get_expr, pg_get_viewdef,
 * obj_description, col_description, shobj_description, current_schema,
 * current_schemas, version, has_table_privilege, has_schema_privilege,
 * pg_encoding_to_char, pg_backend_pid, to_regtype, to_regclass,
 * quote_ident, and rosetta_regexp(s, pattern, icase) (POSIX extended
 * regular expressions, the deparser's target for `~` / REGEXP).
 *
 * Roles: one row, the session user (current_user()); the user store in the
 * data directory is not read from the store connection.
 *
 * INTERFACE ROUTINES
 *   catalog_pg_install          register the functions and the catalog module on one
 *                               connection (cheap; SQLITE_OK or an SQLite error code)
 *   catalog_pg_install_tables   create the catalogs themselves (TEMP views and virtual
 *                               tables: ~7 ms and ~170 KB a connection, so the store
 *                               creates them on first use, see store_sqlite.c)
 */
#ifndef ROSETTA_ENGINE_CATALOG_PG_H
#define ROSETTA_ENGINE_CATALOG_PG_H

#include <sqlite3.h>

#define CATALOG_PG_VECTOR_OID 16385

int catalog_pg_install(sqlite3 *db);
int catalog_pg_install_tables(sqlite3 *db);

#endif
