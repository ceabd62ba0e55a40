/*
 * sqlite_columns_test.c — engine/sqlite_columns.c on two SQLite connections
 * to one WAL file: answers follow DDL committed by the other connection, a
 * transaction's own DDL, and DDL rolled back (whole or to a savepoint) even
 * when the schema cookie comes back to a value the cache has seen.
 */
#include <CUnit/CUnit.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/sqlite_columns.h"

static char path[64];

static sqlite3 *open_conn(void)
{
	sqlite3 *db = NULL;
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
	CU_ASSERT_EQUAL_FATAL(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static void run(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "%s: %s\n", sql, msg ? msg : "?");
	sqlite3_free(msg);
	CU_ASSERT_EQUAL(rc, SQLITE_OK);
}

/* The columns of `table` as "name:decl,...", or "none" when it does not exist. */
static void expect_columns(struct sqlite_columns *cc, const char *table, const char *want)
{
	struct arena a;
	arena_init(&a);
	struct store_column *cols = NULL;
	int n = sqlite_columns_get(cc, table, &a, &cols);
	char got[512] = "none";
	if (n >= 0) {
		size_t at = 0;
		got[0] = '\0';
		for (int i = 0; i < n && at < sizeof(got); i++)
			at += (size_t)snprintf(got + at, sizeof(got) - at, "%s%s:%s", i ? "," : "", cols[i].name,
					       cols[i].decl);
	}
	if (strcmp(got, want) != 0)
		fprintf(stderr, "columns of %s: got \"%s\", want \"%s\"\n", table, got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
	arena_free(&a);
}

struct fixture {
	sqlite3 *db, *other;
	struct sqlite_columns *cc;
};

static void fixture_open(struct fixture *f)
{
	snprintf(path, sizeof(path), "/tmp/sqlite_columns_test_%d.db", (int)getpid());
	unlink(path);
	f->db = open_conn();
	f->other = open_conn();
	f->cc = sqlite_columns_new(f->db);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->cc);
	run(f->db, "CREATE TABLE t (a int4, b text)");
}

static void fixture_close(struct fixture *f)
{
	sqlite_columns_free(f->cc);
	sqlite3_close(f->db);
	sqlite3_close(f->other);
	char side[80];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static void another_connections_ddl_is_seen(void)
{
	struct fixture f;
	fixture_open(&f);
	expect_columns(f.cc, "t", "a:int4,b:TEXT");
	expect_columns(f.cc, "t", "a:int4,b:TEXT"); /* from the cache */
	expect_columns(f.cc, "missing", "none");
	run(f.other, "ALTER TABLE t ADD COLUMN c float8");
	expect_columns(f.cc, "t", "a:int4,b:TEXT,c:float8");
	run(f.other, "DROP TABLE t; CREATE VIEW t AS SELECT 1 AS x");
	expect_columns(f.cc, "t", "x:");
	fixture_close(&f);
}

static void a_rolled_back_transaction_does_not_leave_its_columns(void)
{
	struct fixture f;
	fixture_open(&f);
	expect_columns(f.cc, "t", "a:int4,b:TEXT");
	/* the transaction's own DDL is visible to it ... */
	run(f.db, "BEGIN; DROP TABLE t; CREATE TABLE t (z int8)");
	expect_columns(f.cc, "t", "z:int8");
	run(f.db, "ROLLBACK");
	/* ... and after the rollback, with no lookup between, the other connection raises the
	 * cookie to the value the transaction had */
	run(f.other, "BEGIN; DROP TABLE t; CREATE TABLE t (y text); COMMIT");
	expect_columns(f.cc, "t", "y:TEXT");
	fixture_close(&f);
}

static void a_savepoint_rollback_does_not_leave_its_columns(void)
{
	struct fixture f;
	fixture_open(&f);
	run(f.db, "BEGIN; SAVEPOINT s; ALTER TABLE t ADD COLUMN c int2");
	expect_columns(f.cc, "t", "a:int4,b:TEXT,c:int2");
	run(f.db, "ROLLBACK TO s; ALTER TABLE t ADD COLUMN d bool"); /* the cookie comes back to the same value */
	expect_columns(f.cc, "t", "a:int4,b:TEXT,d:bool");
	run(f.db, "COMMIT");
	expect_columns(f.cc, "t", "a:int4,b:TEXT,d:bool");
	fixture_close(&f);
}

static void a_statement_compiled_before_runs_its_ddl_later(void)
{
	struct fixture f;
	fixture_open(&f);
	sqlite3_stmt *alter = NULL;
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(f.db, "ALTER TABLE t ADD COLUMN c int8", -1, &alter, NULL), SQLITE_OK);
	unsigned before = sqlite_columns_ddl_count(f.cc);
	expect_columns(f.cc, "t", "a:int4,b:TEXT"); /* outside a transaction: the cache is trusted again */
	run(f.db, "BEGIN");
	sqlite_columns_ddl_ran(f.cc); /* what the store does before stepping a statement compiled as DDL */
	CU_ASSERT_EQUAL(sqlite3_step(alter), SQLITE_DONE);
	expect_columns(f.cc, "t", "a:int4,b:TEXT,c:int8");
	run(f.db, "ROLLBACK");
	sqlite3_finalize(alter);
	run(f.other, "ALTER TABLE t ADD COLUMN e text");
	expect_columns(f.cc, "t", "a:int4,b:TEXT,e:TEXT");
	CU_ASSERT_EQUAL(sqlite_columns_ddl_count(f.cc), before); /* nothing recompiled the ALTER */
	fixture_close(&f);
}

static void temp_tables_and_attached_databases(void)
{
	struct fixture f;
	fixture_open(&f);
	expect_columns(f.cc, "t", "a:int4,b:TEXT");
	run(f.db, "CREATE TEMP TABLE t (shadow int4)"); /* a TEMP table hides the main one */
	expect_columns(f.cc, "t", "shadow:int4");
	run(f.db, "DROP TABLE temp.t");
	expect_columns(f.cc, "t", "a:int4,b:TEXT");
	run(f.db, "ATTACH ':memory:' AS side; CREATE TABLE side.only_there (q text)");
	expect_columns(f.cc, "only_there", "q:TEXT");
	run(f.db, "DROP TABLE side.only_there; CREATE TABLE side.only_there (r int4)");
	expect_columns(f.cc, "only_there", "r:int4");
	run(f.db, "DETACH side");
	expect_columns(f.cc, "only_there", "none");
	fixture_close(&f);
}

void suite_sqlite_columns(void);
void suite_sqlite_columns(void)
{
	CU_pSuite s = CU_add_suite("sqlite_columns", NULL, NULL);
	CU_add_test(s, "another connection's DDL is seen", another_connections_ddl_is_seen);
	CU_add_test(s, "a rolled-back transaction does not leave its columns",
		    a_rolled_back_transaction_does_not_leave_its_columns);
	CU_add_test(s, "a savepoint rollback does not leave its columns", a_savepoint_rollback_does_not_leave_its_columns);
	CU_add_test(s, "a statement compiled before runs its DDL later", a_statement_compiled_before_runs_its_ddl_later);
	CU_add_test(s, "temp tables and attached databases", temp_tables_and_attached_databases);
}
