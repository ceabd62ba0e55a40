/*
 * catalog_vtab_test.c — the per-statement catalog tables of
 * engine/catalog_vtab.c on an in-memory SQLite: what a scan returns with and
 * without equality constraints, that the next statement sees a schema change,
 * that a scan left open across other statements keeps its rows, and that a
 * `live` table sees data the cached ones are not expected to.
 */
#include <CUnit/CUnit.h>
#include <sqlite3.h>
#include <string.h>

#include "engine/catalog_vtab.h"

static const struct catalog_vtab_def defs[] = {
	{"cat_rels", "oid int8, name text, kind text",
	 "SELECT rowid + 100, name, type FROM main.sqlite_master WHERE type IN ('table', 'index')", 0},
	{"cat_notes", "note text", "SELECT note FROM main.notes", 1},
};

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(":memory:", &db), SQLITE_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(catalog_vtab_attach(db, "test_catalog", defs, 2));
	CU_ASSERT_EQUAL_FATAL(sqlite3_exec(db,
					   "CREATE TABLE notes (note text);"
					   "CREATE TABLE a (x int); CREATE TABLE b (y int); CREATE INDEX b_y ON b (y);",
					   NULL, NULL, NULL),
			      SQLITE_OK);
	CU_ASSERT_EQUAL_FATAL(catalog_vtab_create(db, "test_catalog", defs, 2), SQLITE_OK);
	return db;
}

/* The text of the first column of the first row of sql, into out (empty when there is none). */
static void first_text(sqlite3 *db, const char *sql, char *out, size_t cap)
{
	sqlite3_stmt *st = NULL;
	out[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	int rc = sqlite3_step(st);
	CU_ASSERT(rc == SQLITE_ROW || rc == SQLITE_DONE);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* The first column of the first row of sql is `want`. */
static void expect_text(sqlite3 *db, const char *sql, const char *want)
{
	char got[256];
	first_text(db, sql, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, want);
}

static void a_self_join_on_constraints_finds_each_pair(void)
{
	sqlite3 *db = open_db();
	/* the inner side is scanned once per outer row, with `oid = ?` handed to the table */
	expect_text(db, "SELECT group_concat(r1.name || '=' || r2.name, ',') FROM cat_rels r1, cat_rels r2"
		   " WHERE r2.oid = r1.oid ORDER BY 1", "notes=notes,a=a,b=b,b_y=b_y");
	/* an OID written as text still finds its integer row, as SQLite's affinity would */
	expect_text(db, "SELECT name FROM cat_rels WHERE oid = '103'", "b");
	expect_text(db, "SELECT count(*) FROM cat_rels WHERE name = 'B'", "0");
	expect_text(db, "SELECT count(*) FROM cat_rels WHERE name = 'B' COLLATE NOCASE", "1");
	expect_text(db, "SELECT count(*) FROM cat_rels WHERE kind = NULL", "0");
	sqlite3_close(db);
}

static void the_next_statement_sees_a_new_table(void)
{
	sqlite3 *db = open_db();
	expect_text(db, "SELECT count(*) FROM cat_rels", "4");
	CU_ASSERT_EQUAL(sqlite3_exec(db, "CREATE TABLE c (z int)", NULL, NULL, NULL), SQLITE_OK);
	expect_text(db, "SELECT count(*) FROM cat_rels", "5");
	/* a rolled-back DDL leaves it again */
	CU_ASSERT_EQUAL(sqlite3_exec(db, "BEGIN; CREATE TABLE d (w int);", NULL, NULL, NULL), SQLITE_OK);
	expect_text(db, "SELECT count(*) FROM cat_rels", "6");
	CU_ASSERT_EQUAL(sqlite3_exec(db, "ROLLBACK; CREATE TABLE e (v int);", NULL, NULL, NULL), SQLITE_OK);
	expect_text(db, "SELECT group_concat(name, ',') FROM cat_rels WHERE kind = 'table'", "notes,a,b,c,e");
	sqlite3_close(db);
}

static void an_open_scan_keeps_its_rows_across_statements(void)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st = NULL;
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db, "SELECT name FROM cat_rels", -1, &st, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
	CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0), "notes");
	/* another statement starts (the cache slots empty) and the schema changes under the scan */
	CU_ASSERT_EQUAL(sqlite3_exec(db, "CREATE TABLE late (q int)", NULL, NULL, NULL), SQLITE_OK);
	expect_text(db, "SELECT count(*) FROM cat_rels", "5");
	const char *rest[] = {"a", "b", "b_y"};
	for (size_t i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
		CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0), rest[i]);
	}
	CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void a_live_table_sees_data_changes(void)
{
	sqlite3 *db = open_db();
	expect_text(db, "SELECT count(*) FROM cat_notes", "0");
	CU_ASSERT_EQUAL(sqlite3_exec(db, "INSERT INTO notes VALUES ('one')", NULL, NULL, NULL), SQLITE_OK);
	expect_text(db, "SELECT group_concat(note) FROM cat_notes", "one");
	sqlite3_close(db);
}

void suite_catalog_vtab(void);
void suite_catalog_vtab(void)
{
	CU_pSuite s = CU_add_suite("catalog_vtab", NULL, NULL);
	CU_add_test(s, "a self-join on constraints finds each pair", a_self_join_on_constraints_finds_each_pair);
	CU_add_test(s, "the next statement sees a new table", the_next_statement_sees_a_new_table);
	CU_add_test(s, "an open scan keeps its rows across statements", an_open_scan_keeps_its_rows_across_statements);
	CU_add_test(s, "a live table sees data changes", a_live_table_sees_data_changes);
}
