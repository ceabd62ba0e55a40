/*
 * sqlite_columns.h — a SQLite connection's table columns, remembered per schema.
 *
 * The binder asks for the columns of every relation a statement names.
 * pragma_table_info answers, but each call compiles a PRAGMA statement inside
 * SQLite: measured with pgbench's TPC-B script, 13% of the server's time.
 * This keeps the answers per SQLite connection, valid while the database's
 * schema cookie (PRAGMA schema_version) is unchanged.
 *
 * The cookie alone is not enough: a transaction's own DDL raises it, and a
 * rollback takes it back, so the next DDL committed anywhere reuses the
 * value.  An authorizer sees every statement that creates, alters or drops
 * a schema object (TEMP ones too, and ATTACH) as SQLite compiles it; from the
 * moment one runs until the connection is next outside a transaction, nothing
 * is cached or answered from the cache, and then the cache is emptied.  A
 * connection with attached databases is never cached: their schemas have
 * cookies of their own.
 *
 * INTERFACE ROUTINES
 *   sqlite_columns_new / _free   one per SQLite connection (installs the authorizer)
 *   sqlite_columns_ddl_count     DDL statements compiled so far (compare around a prepare)
 *   sqlite_columns_ddl_ran       a compiled DDL statement is about to run again
 *   sqlite_columns_get           the columns of a table or view
 */
#ifndef ROSETTA_ENGINE_SQLITE_COLUMNS_H
#define ROSETTA_ENGINE_SQLITE_COLUMNS_H

#include <sqlite3.h>

#include "core/arena.h"
#include "engine/store.h"

struct sqlite_columns;

/* NULL when out of memory (the store then refuses to open the connection). */
struct sqlite_columns *sqlite_columns_new(sqlite3 *db);
/* Before sqlite3_close. */
void sqlite_columns_free(struct sqlite_columns *cc);
unsigned sqlite_columns_ddl_count(const struct sqlite_columns *cc);
void sqlite_columns_ddl_ran(struct sqlite_columns *cc);
/* Column count (names and declared types in `a`); -1 when no table or view has that name. */
int sqlite_columns_get(struct sqlite_columns *cc, const char *table, struct arena *a, struct store_column **out);

#endif
