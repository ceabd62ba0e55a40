/*
 * test_session.c — the session on a real SQLite store: statements, transaction
 * states, READ COMMITTED visibility between two sessions, error codes.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/session.h"
#include "engine/store.h"
#include "unit_store.h"
#include "sql/split.h"

static char dir[UNIT_STORE_DIR_MAX];
static struct store *store;

static int setup(void)
{
	store = unit_store_open(dir, "session");
	return store ? 0 : -1;
}

static int teardown(void)
{
	return unit_store_remove(store, dir);
}

struct collect {
	int ncols;
	int nrows;
	int64_t first_int;
	int notices;
	enum rtype first_type;
};

static int collect_columns(void *ctx, int n, const struct column_desc *cols)
{
	struct collect *c = ctx;
	c->ncols = n;
	c->first_type = cols[0].type;
	return 0;
}

static int collect_row(void *ctx, int n, const struct rvalue *v)
{
	struct collect *c = ctx;
	(void)n;
	if (c->nrows++ == 0)
		c->first_int = v[0].kind == RV_INT ? v[0].i : -1;
	return 0;
}

static void collect_notice(void *ctx, const struct rerr *e)
{
	(void)e;
	((struct collect *)ctx)->notices++;
}

/* Run one statement; returns its error code (ERR_SUCCESSFUL_COMPLETION on success). */
static enum errcode run(struct session *s, const char *sql, struct collect *c, struct stmt_result *res)
{
	struct collect dummy;
	struct stmt_result rdummy;
	if (!c)
		c = &dummy;
	if (!res)
		res = &rdummy;
	memset(c, 0, sizeof(*c));
	struct result_sink sink = {c, collect_columns, collect_row, collect_notice};
	struct rerr err;
	size_t used;
	if (session_execute(s, sql, strlen(sql), &used, &sink, res, &err) < 0)
		return err.code;
	return ERR_SUCCESSFUL_COMPLETION;
}

static struct session *open_session(int pg_rules)
{
	struct session *s = NULL;
	struct rerr err;
	struct session_opts o = {.abort_txn_on_error = pg_rules};
	CU_ASSERT_EQUAL_FATAL(session_open(store, "demo", "demo", &o, &s, &err), 0);
	return s;
}

static void statements_report_kind_rows_and_types(void)
{
	struct session *s = open_session(1);
	struct collect c;
	struct stmt_result r;
	CU_ASSERT_EQUAL(run(s, "create table t1 (id integer primary key, name varchar(10))", &c, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.verb, "CREATE TABLE");
	CU_ASSERT_EQUAL(run(s, "insert into t1 values (1, 'a'), (2, 'b')", &c, &r), 0);
	CU_ASSERT_EQUAL(r.kind, STMT_INSERT);
	CU_ASSERT_EQUAL(r.rows, 2);
	CU_ASSERT_EQUAL(run(s, "select id, name from t1 order by id", &c, &r), 0);
	CU_ASSERT_EQUAL(r.kind, STMT_SELECT);
	CU_ASSERT_EQUAL(c.ncols, 2);
	CU_ASSERT_EQUAL(c.nrows, 2);
	CU_ASSERT_EQUAL(c.first_int, 1);
	CU_ASSERT_EQUAL(c.first_type, RT_INT4);
	CU_ASSERT_EQUAL(run(s, "select id from t1 where id > 5", &c, &r), 0);
	CU_ASSERT_EQUAL(c.ncols, 1); /* columns are described even with no rows */
	CU_ASSERT_EQUAL(c.nrows, 0);
	CU_ASSERT_EQUAL(run(s, "update t1 set name = 'z'", &c, &r), 0);
	CU_ASSERT_EQUAL(r.rows, 2);
	CU_ASSERT_EQUAL(run(s, "  -- only a comment\n", &c, &r), 0);
	CU_ASSERT_EQUAL(r.kind, STMT_EMPTY);
	session_close(s);
}

static void errors_map_to_sqlstates(void)
{
	struct session *s = open_session(1);
	CU_ASSERT_EQUAL(run(s, "select * from nosuch", NULL, NULL), ERR_UNDEFINED_TABLE);
	CU_ASSERT_EQUAL(run(s, "selec 1", NULL, NULL), ERR_SYNTAX_ERROR);
	CU_ASSERT_EQUAL(run(s, "create table u1 (id integer primary key, v text not null)", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(s, "insert into u1 values (1, 'x')", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(s, "insert into u1 values (1, 'y')", NULL, NULL), ERR_UNIQUE_VIOLATION);
	CU_ASSERT_EQUAL(run(s, "insert into u1 values (2, null)", NULL, NULL), ERR_NOT_NULL_VIOLATION);
	CU_ASSERT_EQUAL(run(s, "create table u1 (x integer)", NULL, NULL), ERR_DUPLICATE_TABLE);
	CU_ASSERT_STRING_EQUAL(errcode_sqlstate(ERR_UNIQUE_VIOLATION), "23505");
	CU_ASSERT_EQUAL(errcode_mysql(ERR_UNIQUE_VIOLATION), 1062);
	session_close(s);
}

static void failed_transaction_rejects_until_rollback(void)
{
	struct session *s = open_session(1);
	CU_ASSERT_EQUAL(run(s, "create table f1 (v integer)", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(s, "begin", NULL, NULL), 0);
	CU_ASSERT_EQUAL(session_txn_state(s), TXN_OPEN);
	CU_ASSERT_EQUAL(run(s, "insert into f1 values (1)", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(s, "select * from nosuch", NULL, NULL), ERR_UNDEFINED_TABLE);
	CU_ASSERT_EQUAL(session_txn_state(s), TXN_FAILED);
	CU_ASSERT_EQUAL(run(s, "select 1", NULL, NULL), ERR_IN_FAILED_SQL_TRANSACTION);
	struct stmt_result r;
	CU_ASSERT_EQUAL(run(s, "commit", NULL, &r), 0); /* COMMIT of a failed transaction rolls back */
	CU_ASSERT_STRING_EQUAL(r.verb, "ROLLBACK");
	CU_ASSERT_EQUAL(session_txn_state(s), TXN_IDLE);
	struct collect c;
	CU_ASSERT_EQUAL(run(s, "select count(*) from f1", &c, NULL), 0);
	CU_ASSERT_EQUAL(c.first_int, 0);
	session_close(s);
}

static void mysql_rules_keep_the_transaction_after_an_error(void)
{
	struct session *s = open_session(0);
	CU_ASSERT_EQUAL(run(s, "create table m1 (v integer)", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(s, "begin", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(s, "insert into m1 values (1)", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(s, "select * from nosuch", NULL, NULL), ERR_UNDEFINED_TABLE);
	CU_ASSERT_EQUAL(session_txn_state(s), TXN_OPEN);
	CU_ASSERT_EQUAL(run(s, "commit", NULL, NULL), 0);
	struct collect c;
	CU_ASSERT_EQUAL(run(s, "select count(*) from m1", &c, NULL), 0);
	CU_ASSERT_EQUAL(c.first_int, 1);
	session_close(s);
}

static void read_committed_between_two_sessions(void)
{
	struct session *a = open_session(1), *b = open_session(1);
	struct collect c;
	CU_ASSERT_EQUAL(run(a, "create table rc (v integer)", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(b, "begin", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(b, "select count(*) from rc", &c, NULL), 0);
	CU_ASSERT_EQUAL(c.first_int, 0);
	CU_ASSERT_EQUAL(run(a, "begin", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(a, "insert into rc values (1)", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(b, "select count(*) from rc", &c, NULL), 0);
	CU_ASSERT_EQUAL(c.first_int, 0); /* uncommitted: invisible */
	CU_ASSERT_EQUAL(run(a, "select count(*) from rc", &c, NULL), 0);
	CU_ASSERT_EQUAL(c.first_int, 1); /* own write: visible */
	CU_ASSERT_EQUAL(run(a, "commit", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(b, "select count(*) from rc", &c, NULL), 0);
	CU_ASSERT_EQUAL(c.first_int, 1); /* committed before this statement began: visible */
	CU_ASSERT_EQUAL(run(b, "commit", NULL, NULL), 0);
	session_close(a);
	session_close(b);
}

static void transaction_control_notices(void)
{
	struct session *s = open_session(1);
	struct collect c;
	CU_ASSERT_EQUAL(run(s, "commit", &c, NULL), 0);
	CU_ASSERT_EQUAL(c.notices, 1); /* no transaction in progress */
	CU_ASSERT_EQUAL(run(s, "begin", &c, NULL), 0);
	CU_ASSERT_EQUAL(run(s, "start transaction", &c, NULL), 0);
	CU_ASSERT_EQUAL(c.notices, 1); /* already in progress */
	CU_ASSERT_EQUAL(run(s, "rollback", &c, NULL), 0);
	CU_ASSERT_EQUAL(run(s, "savepoint x", &c, NULL), ERR_NO_ACTIVE_SQL_TRANSACTION);
	session_close(s);
}

static void unknown_database_is_3D000(void)
{
	struct session *s = NULL;
	struct rerr err;
	CU_ASSERT_EQUAL(session_open(store, "demo", "nosuch", NULL, &s, &err), -1);
	CU_ASSERT_EQUAL(err.code, ERR_INVALID_CATALOG_NAME);
	CU_ASSERT_EQUAL(session_open(store, "demo", "../etc", NULL, &s, &err), -1);
}

static void splitter_respects_quotes_and_comments(void)
{
	const char *sql = "select ';' as a, \"x;y\" -- c;\n/* d; */ from t; select $$a;b$$; select 1";
	size_t n = strlen(sql);
	size_t e1 = sql_statement_end(sql, n, 0);
	CU_ASSERT_EQUAL(sql[e1 - 1], ';');
	CU_ASSERT(strncmp(sql + e1, " select $$", 10) == 0);
	size_t e2 = sql_statement_end(sql, n, e1);
	CU_ASSERT(strncmp(sql + e2, " select 1", 9) == 0);
	CU_ASSERT_EQUAL(sql_statement_end(sql, n, e2), n);
	char kw[16];
	size_t p = sql_read_keyword("  begin", 7, sql_skip_space("  begin", 7, 0), kw, sizeof(kw));
	CU_ASSERT_STRING_EQUAL(kw, "BEGIN");
	CU_ASSERT_EQUAL(p, 7);
}


struct typed_row {
	int ncols;
	enum rtype types[8];
	char text[8][64];
};

static int typed_columns(void *ctx, int n, const struct column_desc *cols)
{
	struct typed_row *t = ctx;
	t->ncols = n;
	for (int i = 0; i < n && i < 8; i++)
		t->types[i] = cols[i].type;
	return 0;
}

static int typed_row(void *ctx, int n, const struct rvalue *v)
{
	struct typed_row *t = ctx;
	for (int i = 0; i < n && i < 8; i++) {
		if (v[i].kind == RV_INT)
			snprintf(t->text[i], sizeof(t->text[i]), "%lld", (long long)v[i].i);
		else if (v[i].kind == RV_FLOAT)
			snprintf(t->text[i], sizeof(t->text[i]), "%g", v[i].f);
		else if (v[i].kind == RV_NULL)
			snprintf(t->text[i], sizeof(t->text[i]), "NULL");
		else
			snprintf(t->text[i], sizeof(t->text[i]), "%.*s", (int)v[i].n, (const char *)v[i].p);
	}
	return 0;
}

static void read_typed(struct session *s, const char *sql, struct typed_row *t)
{
	memset(t, 0, sizeof(*t));
	struct result_sink sink = {t, typed_columns, typed_row, NULL};
	struct stmt_result r;
	struct rerr err;
	size_t used;
	CU_ASSERT_EQUAL(session_execute(s, sql, strlen(sql), &used, &sink, &r, &err), 0);
}

static void a_table_written_in_one_dialect_reads_the_same_in_the_other(void)
{
	struct session *pg = NULL, *my = NULL;
	struct rerr err;
	struct session_opts po = {.dialect = DIALECT_PG, .abort_txn_on_error = 1};
	struct session_opts mo = {.dialect = DIALECT_MYSQL};
	CU_ASSERT_EQUAL_FATAL(session_open(store, "demo", "demo", &po, &pg, &err), 0);
	CU_ASSERT_EQUAL_FATAL(session_open(store, "demo", "demo", &mo, &my, &err), 0);
	CU_ASSERT_EQUAL(run(pg, "create table xd (id bigint primary key, name varchar(20) not null, price double precision, note text)", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(pg, "insert into xd values (9000000000, 'it''s', 2.5, null)", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(my, "insert into `xd` (id, name, price) values (2, 'two', 0.25)", NULL, NULL), 0);

	struct typed_row a, b;
	read_typed(pg, "select id, name, price, note from xd order by id desc limit 1", &a);
	read_typed(my, "SELECT `id`, `name`, `price`, `note` FROM xd ORDER BY id DESC LIMIT 1", &b);
	CU_ASSERT_EQUAL(a.ncols, 4);
	CU_ASSERT_EQUAL(b.ncols, 4);
	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(a.types[i], b.types[i]);
		CU_ASSERT_STRING_EQUAL(a.text[i], b.text[i]);
	}
	CU_ASSERT_EQUAL(a.types[0], RT_INT8);
	CU_ASSERT_EQUAL(a.types[1], RT_VARCHAR);
	CU_ASSERT_EQUAL(a.types[2], RT_FLOAT8);
	CU_ASSERT_STRING_EQUAL(a.text[0], "9000000000");
	CU_ASSERT_STRING_EQUAL(a.text[1], "it's");

	read_typed(pg, "select name from xd where id = 2", &a); /* MySQL's write, read by PostgreSQL */
	CU_ASSERT_STRING_EQUAL(a.text[0], "two");
	session_close(pg);
	session_close(my);
}

static void isolation_levels(void)
{
	struct session *a = open_session(1), *b = open_session(1);
	struct collect c;
	CU_ASSERT_EQUAL(run(a, "create table iso (v integer)", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(a, "insert into iso values (1)", NULL, NULL), 0);
	/* REPEATABLE READ: one snapshot for the whole transaction */
	CU_ASSERT_EQUAL(run(b, "begin isolation level repeatable read", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(b, "select count(*) from iso", &c, NULL), 0);
	CU_ASSERT_EQUAL(c.first_int, 1);
	CU_ASSERT_EQUAL(run(a, "insert into iso values (2)", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(b, "select count(*) from iso", &c, NULL), 0);
	CU_ASSERT_EQUAL(c.first_int, 1); /* a's commit is not visible */
	/* writing after a concurrent commit is a serialization failure */
	CU_ASSERT_EQUAL(run(b, "insert into iso values (3)", NULL, NULL), ERR_SERIALIZATION_FAILURE);
	CU_ASSERT_EQUAL(run(b, "rollback", NULL, NULL), 0);
	/* SHOW reports the level */
	struct typed_row t;
	CU_ASSERT_EQUAL(run(b, "set default_transaction_isolation = 'serializable'", NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(b, "begin", NULL, NULL), 0);
	read_typed(b, "show transaction isolation level", &t);
	CU_ASSERT_STRING_EQUAL(t.text[0], "serializable");
	CU_ASSERT_EQUAL(run(b, "commit", NULL, NULL), 0);
	read_typed(b, "show standard_conforming_strings", &t);
	CU_ASSERT_STRING_EQUAL(t.text[0], "on");
	CU_ASSERT_EQUAL(run(b, "show no_such_setting", NULL, NULL), ERR_UNDEFINED_OBJECT);
	session_close(a);
	session_close(b);
}


/* Collect every row's first two values as "a|b" lines. */
struct lines {
	char text[2048];
	int rows;
	char cols[256];
};

static int lines_columns(void *ctx, int n, const struct column_desc *cols)
{
	struct lines *l = ctx;
	for (int i = 0; i < n; i++)
		snprintf(l->cols + strlen(l->cols), sizeof(l->cols) - strlen(l->cols), "%s%s", i ? "," : "", cols[i].name);
	return 0;
}

static int lines_row(void *ctx, int n, const struct rvalue *v)
{
	struct lines *l = ctx;
	for (int i = 0; i < n && i < 2; i++) {
		size_t at = strlen(l->text);
		if (v[i].kind == RV_INT)
			snprintf(l->text + at, sizeof(l->text) - at, "%s%lld", i ? "|" : "", (long long)v[i].i);
		else if (v[i].kind == RV_NULL)
			snprintf(l->text + at, sizeof(l->text) - at, "%sNULL", i ? "|" : "");
		else
			snprintf(l->text + at, sizeof(l->text) - at, "%s%.*s", i ? "|" : "", (int)v[i].n, (const char *)v[i].p);
	}
	snprintf(l->text + strlen(l->text), sizeof(l->text) - strlen(l->text), "\n");
	l->rows++;
	return 0;
}

static int lines_run(struct session *s, const char *sql, struct lines *l)
{
	memset(l, 0, sizeof(*l));
	struct result_sink sink = {l, lines_columns, lines_row, NULL};
	struct stmt_result r;
	struct rerr err;
	size_t used;
	return session_execute(s, sql, strlen(sql), &used, &sink, &r, &err) < 0 ? (int)err.code : 0;
}

static void mysql_show_statements_and_variables(void)
{
	struct session *my = NULL;
	struct rerr err;
	struct session_opts mo = {.dialect = DIALECT_MYSQL};
	CU_ASSERT_EQUAL_FATAL(session_open(store, "demo", "demo", &mo, &my, &err), 0);
	struct lines l;
	CU_ASSERT_EQUAL(lines_run(my, "create table show_me (id int primary key auto_increment, name varchar(20) not null, "
				      "score double, unique key uname (name))", &l), 0);
	CU_ASSERT_EQUAL(lines_run(my, "show tables like 'show%'", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.text, "show_me\n");
	CU_ASSERT_STRING_EQUAL(l.cols, "Tables_in_demo");
	CU_ASSERT_EQUAL(lines_run(my, "show full tables like 'show_me'", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.text, "show_me|BASE TABLE\n");
	CU_ASSERT_EQUAL(lines_run(my, "show columns from show_me", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.cols, "Field,Type,Null,Key,Default,Extra");
	CU_ASSERT_STRING_EQUAL(l.text, "id|int\nname|varchar(20)\nscore|double\n");
	CU_ASSERT_EQUAL(lines_run(my, "show columns from no_such_table", &l), ERR_UNDEFINED_TABLE);
	CU_ASSERT_EQUAL(lines_run(my, "show databases", &l), 0);
	CU_ASSERT(strstr(l.text, "demo\n") != NULL);
	CU_ASSERT_EQUAL(lines_run(my, "show variables like 'max_allowed_packet'", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.text, "max_allowed_packet|67108864\n");
	CU_ASSERT_EQUAL(lines_run(my, "show warnings", &l), 0);
	CU_ASSERT_EQUAL(l.rows, 0);
	CU_ASSERT_STRING_EQUAL(l.cols, "Level,Code,Message");
	CU_ASSERT_EQUAL(lines_run(my, "select @@version_comment, @@session.tx_isolation", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.text, "Rosetta|READ-COMMITTED\n");
	CU_ASSERT_EQUAL(lines_run(my, "set @answer = 42", &l), 0);
	CU_ASSERT_EQUAL(lines_run(my, "select @answer, @@lower_case_table_names", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.text, "42|0\n");
	CU_ASSERT_EQUAL(lines_run(my, "select @never_set", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.text, "NULL\n");
	CU_ASSERT_EQUAL(lines_run(my, "show create table show_me", &l), 0);
	CU_ASSERT(strncmp(l.text, "show_me|CREATE TABLE", 20) == 0);
	CU_ASSERT_EQUAL(lines_run(my, "select current_user(), database()", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.text, "demo|demo\n");
	session_close(my);
}

void suite_session(void);
void suite_session(void)
{
	CU_pSuite s = CU_add_suite("session", setup, teardown);
	CU_add_test(s, "statements report kind, rows and types", statements_report_kind_rows_and_types);
	CU_add_test(s, "errors map to SQLSTATEs", errors_map_to_sqlstates);
	CU_add_test(s, "failed transaction rejects until rollback", failed_transaction_rejects_until_rollback);
	CU_add_test(s, "MySQL rules keep the transaction after an error", mysql_rules_keep_the_transaction_after_an_error);
	CU_add_test(s, "READ COMMITTED between two sessions", read_committed_between_two_sessions);
	CU_add_test(s, "transaction control notices", transaction_control_notices);
	CU_add_test(s, "unknown database is 3D000", unknown_database_is_3D000);
	CU_add_test(s, "splitter respects quotes and comments", splitter_respects_quotes_and_comments);
	CU_add_test(s, "a table written in one dialect reads the same in the other", a_table_written_in_one_dialect_reads_the_same_in_the_other);
	CU_add_test(s, "isolation levels: READ COMMITTED, REPEATABLE READ, SERIALIZABLE", isolation_levels);
	CU_add_test(s, "MySQL SHOW statements and @@variables", mysql_show_statements_and_variables);
}
