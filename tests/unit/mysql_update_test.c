/*
 * mysql_update_test.c — the changed-only UPDATE rewrite (sql/dialect/mysql_update.h):
 * the texts it writes, the parameter map, and the statements it leaves alone.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "sql/dialect/mysql_update.h"

static int text_is(const struct buf *b, const char *want)
{
	return b->len == strlen(want) && memcmp(b->data, want, b->len) == 0;
}

static void a_where_clause_is_kept_in_parentheses(void)
{
	struct mysql_update_rewrite rw;
	const char *sql = "UPDATE t SET a = 1, b = b + 1 WHERE x = 1 OR y = 2";
	CU_ASSERT_EQUAL_FATAL(mysql_update_rewrite(sql, strlen(sql), &rw), 1);
	CU_ASSERT(text_is(&rw.update,
			  "UPDATE t SET a = 1, b = b + 1 WHERE (x = 1 OR y = 2) AND NOT (a <=> (1) AND b <=> (b + 1)) "));
	CU_ASSERT(text_is(&rw.count, "SELECT COUNT(*) FROM t WHERE (x = 1 OR y = 2) AND (a <=> (1) AND b <=> (b + 1))"));
	CU_ASSERT_EQUAL(rw.nparams, 0);
	mysql_update_rewrite_free(&rw);
}

static void no_where_clause_gets_one(void)
{
	struct mysql_update_rewrite rw;
	const char *sql = "update `t` as x set x.`v` = 'a;b';";
	CU_ASSERT_EQUAL_FATAL(mysql_update_rewrite(sql, strlen(sql), &rw), 1);
	CU_ASSERT(text_is(&rw.update, "update `t` as x set x.`v` = 'a;b' WHERE NOT (x.`v` <=> ('a;b')) "));
	CU_ASSERT(text_is(&rw.count, "SELECT COUNT(*) FROM `t` as x WHERE (x.`v` <=> ('a;b'))"));
	mysql_update_rewrite_free(&rw);
}

static void parameters_are_mapped_to_the_originals(void)
{
	struct mysql_update_rewrite rw;
	const char *sql = "UPDATE t SET v = ?, s = ? WHERE id >= ? ORDER BY id";
	CU_ASSERT_EQUAL_FATAL(mysql_update_rewrite(sql, strlen(sql), &rw), 1);
	CU_ASSERT(text_is(&rw.update, "UPDATE t SET v = ?, s = ? WHERE (id >= ?) AND NOT (v <=> (?) AND s <=> (?)) ORDER BY id"));
	static const int want[] = {0, 1, 2, 0, 1};
	CU_ASSERT_EQUAL_FATAL(rw.nparams, 5);
	CU_ASSERT(memcmp(rw.param_map, want, sizeof(want)) == 0);
	static const int count_want[] = {2, 0, 1};
	CU_ASSERT_EQUAL_FATAL(rw.count_params, 3);
	CU_ASSERT(memcmp(rw.count_map, count_want, sizeof(count_want)) == 0);
	mysql_update_rewrite_free(&rw);
}

static void statements_it_cannot_count_are_left_alone(void)
{
	static const char *const sqls[] = {
		"UPDATE t SET v = 1 WHERE id = 1 LIMIT 1",     /* LIMIT counts matched rows */
		"UPDATE a JOIN b ON a.id = b.id SET a.v = b.v", /* multi-table */
		"UPDATE a, b SET a.v = b.v WHERE a.id = b.id",
		"UPDATE t SET v = DEFAULT",
		"UPDATE t SET v = (1",                          /* unbalanced */
		"SELECT 1",
		"UPDATE t SET v = 'unterminated",
	};
	for (size_t i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
		struct mysql_update_rewrite rw;
		CU_ASSERT_EQUAL(mysql_update_rewrite(sqls[i], strlen(sqls[i]), &rw), 0);
	}
}

void suite_mysql_update(void);
void suite_mysql_update(void)
{
	CU_pSuite s = CU_add_suite("mysql_update", NULL, NULL);
	CU_add_test(s, "a WHERE clause is kept in parentheses", a_where_clause_is_kept_in_parentheses);
	CU_add_test(s, "no WHERE clause gets one", no_where_clause_gets_one);
	CU_add_test(s, "parameters are mapped to the originals", parameters_are_mapped_to_the_originals);
	CU_add_test(s, "statements it cannot count are left alone", statements_it_cannot_count_are_left_alone);
}
