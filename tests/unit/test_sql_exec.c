/*
 * test_sql_exec.c — deparsed statements run on an in-memory SQLite with the
 * engine's SQL functions, and return what the source ecosystem returns:
 * division, concatenation, LIKE case rules, upserts, every LIMIT form,
 * NULL ordering, SERIAL keys, boolean input, date arithmetic, and the string,
 * number and date functions of engine/sqlite_funcs.c.
 */
#include <CUnit/CUnit.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "engine/sqlite_funcs.h"
#include "sql/deparse.h"
#include "sql/parser.h"

static sqlite3 *db;

static int exec_setup(void)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return -1;
	return sqlite_funcs_register(db) == SQLITE_OK ? 0 : -1;
}

static int exec_teardown(void)
{
	sqlite3_close(db);
	return 0;
}

/*
 * Parses every statement of `sql` in dialect d, deparses and runs it, binding
 * parameter ordinal i to binds[i-1] (text).  Returns the first column of the
 * first row of the last statement that returned rows ("NULL" for NULL,
 * "" when none), or "ERR <message>".
 */
static const char *run(enum sql_dialect d, const char *sql, const char *const *binds)
{
	static char out[1024];
	struct arena a;
	arena_init(&a);
	size_t pos = 0, n = strlen(sql);
	out[0] = '\0';
	while (pos < n) {
		struct ast_stmt *s;
		size_t used;
		struct rerr err;
		if (sql_parse(&a, d, sql + pos, n - pos, &s, &used, &err) < 0) {
			snprintf(out, sizeof(out), "ERR parse %s", err.message);
			break;
		}
		pos += used;
		if (!s)
			continue;
		struct buf b;
		buf_init(&b);
		if (sql_deparse_sqlite(s, &b, &err) < 0) {
			snprintf(out, sizeof(out), "ERR deparse %s", err.message);
			buf_free(&b);
			break;
		}
		buf_put_u8(&b, 0);
		const char *tail = (const char *)b.data;
		int failed = 0;
		while (*tail && !failed) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v2(db, tail, -1, &st, &tail) != SQLITE_OK) {
				snprintf(out, sizeof(out), "ERR %s", sqlite3_errmsg(db));
				failed = 1;
				break;
			}
			if (!st)
				continue;
			for (int k = 0; binds && k < s->nparams; k++)
				sqlite3_bind_text(st, s->params[k].ordinal, binds[s->params[k].ordinal - 1], -1, SQLITE_STATIC);
			int rc = sqlite3_step(st);
			if (rc == SQLITE_ROW) {
				const unsigned char *v = sqlite3_column_text(st, 0);
				snprintf(out, sizeof(out), "%s", v ? (const char *)v : "NULL");
				while (sqlite3_step(st) == SQLITE_ROW)
					;
			} else if (rc != SQLITE_DONE) {
				snprintf(out, sizeof(out), "ERR %s", sqlite3_errmsg(db));
				failed = 1;
			}
			sqlite3_finalize(st);
		}
		buf_free(&b);
		if (failed)
			break;
	}
	arena_free(&a);
	return out;
}

static void division_follows_the_dialect(void)
{
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 7/2", NULL), "3");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 7.0/2", NULL), "3.5");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select -7/2", NULL), "-3");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 1/0", NULL), "ERR [22012] division by zero");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 1.5/0.0", NULL), "ERR [22012] division by zero");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 7 % 0", NULL), "ERR [22012] division by zero");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 5.5 % 2", NULL), "1.5");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select (-9223372036854775807 - 1) / -1", NULL), "ERR [22003] bigint out of range");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select 7/2", NULL), "3.5");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select 1/0", NULL), "NULL");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select 7 div 2", NULL), "3");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select 7 mod 0", NULL), "NULL");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 2 ^ 10", NULL), "1024.0");
}

static void concatenation_and_functions(void)
{
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 'a' || 'b'", NULL), "ab");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select concat('a', null, 'c')", NULL), "ac");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select concat('a', 'b')", NULL), "ab");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select concat('a', null)", NULL), "NULL");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select 0 || 1", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select null <=> null", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select greatest(1, null, 3)", NULL), "3");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select least('b', 'a')", NULL), "a");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select coalesce(null, nullif(1, 1), 5)", NULL), "5");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select extract(year from date '2024-05-06')", NULL), "2024");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select date '2024-01-31' + interval '1 day'", NULL), "2024-02-01 00:00:00");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select '2024-01-31' - interval 2 day", NULL), "2024-01-29 00:00:00");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 'yes'::boolean", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select cast('off' as bool)", NULL), "0");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 'maybe'::boolean", NULL),
			       "ERR [22P02] invalid input syntax for type boolean: \"maybe\"");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select true and not false", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select case when 1 is distinct from null then 'd' end", NULL), "d");
}

static void like_case_rules(void)
{
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 'ABC' like 'a%'", NULL), "0");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 'abc' like 'a%'", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 'ABC' ilike 'a%'", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 'ABC' not like 'a%'", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 'a_c' like 'a\\_c'", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 'abc' like 'a\\_c'", NULL), "0");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 'héllo' like 'h_llo'", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select 'a%b' like 'a#%b' escape '#'", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select 'ABC' like 'a%'", NULL), "1");
}

static void upserts(void)
{
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "create table up (id int primary key, v text, n int default 0);"
					       "insert into up (id, v) values (1, 'a');"
					       "insert into up (id, v) values (1, 'b') on conflict (id) do update set v = excluded.v, n = up.n + 1;"
					       "select v || n from up", NULL),
			       "b1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "insert into up (id, v) values (1, 'c') on conflict do nothing; select v from up", NULL), "b");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "insert into up (id, v) values (1, 'm') on duplicate key update v = values(v), n = n + 1;"
						  "select concat(v, n) from up", NULL),
			       "m2");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "insert into up (id, v) values (1, 'x') as new on duplicate key update v = new.v;"
						  "select v from up", NULL),
			       "x");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "insert into up (id, v) values (2, 'r') returning id * 10", NULL), "20");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "insert into up (id, v) values (2, 'dup')", NULL),
			       "ERR UNIQUE constraint failed: up.id");
}

static void limit_forms(void)
{
	run(DIALECT_PG, "create table nums (x int); insert into nums values (1),(2),(3),(4),(5),(6),(7),(8),(9),(10)", NULL);
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select x from nums order by x limit 2 offset 3", NULL), "4");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select x from nums order by x offset 8", NULL), "9");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select x from nums order by x limit 3, 2", NULL), "4");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_TSQL, "select top 1 x from nums order by x desc", NULL), "10");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_TSQL, "select x from nums order by x offset 5 rows fetch next 1 rows only", NULL), "6");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_DB2, "select x from nums order by x desc fetch first 3 rows only", NULL), "10");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_ORACLE, "select count(*) from (select x from nums where rownum <= 4)", NULL), "4");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_ORACLE, "select 'x' from dual", NULL), "x");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_DB2, "select 'y' from sysibm.sysdummy1", NULL), "y");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select x from nums where x > $1 order by x limit $2", (const char *const[]){"7", "1"}), "8");
}

static void null_ordering_and_keys(void)
{
	run(DIALECT_PG, "create table ord (x int); insert into ord values (2), (null), (1)", NULL);
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select x from ord order by x", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select x from ord order by x desc", NULL), "NULL");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select x from ord order by x", NULL), "NULL");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "create table ser (id serial primary key, name text);"
					       "insert into ser (name) values ('a'), ('b');"
					       "select max(id) from ser", NULL),
			       "2");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "create table ai (id int auto_increment primary key, name varchar(10));"
						  "insert into ai (name) values ('a'); insert into ai set name = 'b';"
						  "select id from ai where name = 'b'", NULL),
			       "2");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select count(*) from (select 1 union all select 2 union select 2) s", NULL), "2");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "with recursive r(n) as (select 1 union all select n + 1 from r where n < 5) "
					       "select sum(n) from r", NULL),
			       "15");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select sum(x) over (order by x rows between unbounded preceding and current row) "
					       "from ord order by x desc limit 1", NULL),
			       "3");
}

static void string_functions(void)
{
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select left('hello', 2) || right('hello', 3)", NULL), "hello");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select left('héllo', -2)", NULL), "hél");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select right('héllo', -1)", NULL), "éllo");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select rosetta_mysql_left('hello', -2)", NULL), "");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select lpad('5', 3, '0')", NULL), "005");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select rpad('ab', 5, 'xy')", NULL), "abxyx");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select lpad('hello', 2)", NULL), "he");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select '[' || lpad('hi', 4) || ']'", NULL), "[  hi]");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select rpad('hi', 5, '')", NULL), "hi");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select lpad('hi', -1, 'x')", NULL), "");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select rosetta_mysql_lpad('hi', 5, '')", NULL), "NULL");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select repeat('ab', 3)", NULL), "ababab");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select repeat('ab', -1)", NULL), "");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select reverse('héllo')", NULL), "olléh");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select initcap('hello wORLD foo-bar')", NULL), "Hello World Foo-Bar");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select split_part('a,b,c', ',', 2)", NULL), "b");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select split_part('a,b,c', ',', -1)", NULL), "c");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select split_part('a,b,c', ',', 4)", NULL), "");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select split_part('a,b', ',', 0)", NULL),
			       "ERR [22023] field position must not be zero");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select substring_index('a.b.c', '.', 2)", NULL), "a.b");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select substring_index('a.b.c', '.', -2)", NULL), "b.c");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select substring_index('a.b.c', '.', 0)", NULL), "");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select substring_index('a.b.c', '.', 9)", NULL), "a.b.c");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select concat_ws('-', 'a', null, 'c')", NULL), "a-c");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select concat_ws(null, 'a')", NULL), "NULL");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select octet_length('héllo')", NULL), "6");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select chr(233)", NULL), "é");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select chr(0)", NULL), "ERR [54000] null character not permitted");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select md5('abc')", NULL), "900150983cd24fb0d6963f7d28e17f72");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select md5('')", NULL), "d41d8cd98f00b204e9800998ecf8427e");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select rosetta_mysql_format(1234567.891, 2)", NULL), "1,234,567.89");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select rosetta_mysql_format(-0.5, 0)", NULL), "-0");
}

static void number_functions(void)
{
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select mod(-17, 5)", NULL), "-2");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select mod(5.5, 2)", NULL), "1.5");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select rosetta_mod(5, 0)", NULL), "ERR [22012] division by zero");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select div(-7, 2)", NULL), "-3");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select div(7.5, 2)", NULL), "3");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select div(1, 0)", NULL), "ERR [22012] division by zero");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select to_char(1234.5, 'FM9999.00')", NULL), "1234.50");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select to_char(1234.5, 'FM9999.99')", NULL), "1234.5");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select to_char(-1234.5, '9999.99')", NULL), "-1234.50");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select to_char(1234567, '9,999,999')", NULL), " 1,234,567");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select to_char(5, '000')", NULL), " 005");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select to_char(12345, '999')", NULL), " ###");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select to_char(-5, 'S999')", NULL), "  -5");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select to_char(5, '999MI')", NULL), "  5 ");
}

static void date_functions(void)
{
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select to_char(date '2024-03-05', 'YYYY/MM/DD')", NULL), "2024/03/05");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select to_char(timestamp '2024-03-05 14:07:09', 'Dy DD Mon HH12:MI:SS PM')", NULL),
			       "Tue 05 Mar 02:07:09 PM");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select to_char(date '2024-03-05', 'FMDay, FMMonth \"the\" FMDD')", NULL),
			       "Tuesday, March the 5");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select date_trunc('month', timestamp '2024-03-05 10:00:00')", NULL),
			       "2024-03-01 00:00:00");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select date_trunc('week', timestamp '2024-03-07 10:11:12')", NULL),
			       "2024-03-04 00:00:00");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select date_trunc('quarter', date '2024-05-20')", NULL), "2024-04-01 00:00:00");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select date_trunc('fortnight', date '2024-05-20')", NULL),
			       "ERR [22023] unit \"fortnight\" not recognized for type timestamp without time zone");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select datediff('2024-03-01', '2024-02-01')", NULL), "29");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select datediff('2024-03-01 23:59:59', '2024-03-02')", NULL), "-1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select datediff('2024-02-30', '2024-03-02')", NULL), "NULL");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "select date_format('2024-03-05 14:07:09', '%Y/%m/%d %H:%i:%s %W %D %p %%')", NULL),
			       "2024/03/05 14:07:09 Tuesday 5th PM %");
}

static void aggregates_and_session_functions(void)
{
	run(DIALECT_PG, "create table flags (b boolean); insert into flags values (true), (false), (null)", NULL);
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select bool_and(b) from flags", NULL), "0");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select bool_or(b) from flags", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select every(b) from flags where b", NULL), "1");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select bool_or(b) from flags where b is null", NULL), "NULL");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_PG, "select current_schema()", NULL), "public");
	CU_ASSERT_STRING_EQUAL(run(DIALECT_MYSQL, "create table li (id int auto_increment primary key, v int);"
						  "insert into li (v) values (1); insert into li (v) values (2);"
						  "select last_insert_id()", NULL),
			       "2");
}

void suite_sql_exec(void);
void suite_sql_exec(void)
{
	CU_pSuite s = CU_add_suite("sql_exec", exec_setup, exec_teardown);
	CU_add_test(s, "division follows the dialect", division_follows_the_dialect);
	CU_add_test(s, "concatenation and functions", concatenation_and_functions);
	CU_add_test(s, "LIKE case rules", like_case_rules);
	CU_add_test(s, "upserts", upserts);
	CU_add_test(s, "LIMIT, TOP, FETCH FIRST, ROWNUM", limit_forms);
	CU_add_test(s, "NULL ordering, identity keys, set operations", null_ordering_and_keys);
	CU_add_test(s, "string functions", string_functions);
	CU_add_test(s, "number functions", number_functions);
	CU_add_test(s, "date functions", date_functions);
	CU_add_test(s, "aggregates and session functions", aggregates_and_session_functions);
}
