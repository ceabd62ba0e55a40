/*
 * test_sql_lexer.c — the SQL tokenizer per dialect: quoting, strings,
 * numbers, parameters, operators, comments, byte offsets.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "sql/lexer.h"

/* The token stream of `sql` as "KIND:text KIND:text ..." (kinds abbreviated). */
static const char *lex_stream(enum sql_dialect d, const char *sql)
{
	static char out[1024];
	static const char *const kinds[] = {"EOF", "ID", "QID", "STR", "HEX", "BITS", "INT", "NUM", "PARAM", "OP"};
	struct sql_lexer lx;
	sql_lex_init(&lx, d, sql, strlen(sql));
	out[0] = '\0';
	for (;;) {
		struct sql_token t;
		if (sql_lex_next(&lx, &t) < 0) {
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "%sERROR@%zu", out[0] ? " " : "", t.off);
			return out;
		}
		if (t.kind == TK_EOF)
			return out;
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s:%.*s", out[0] ? " " : "", kinds[t.kind],
			 (int)t.len, sql + t.off);
	}
}

static void lexer_pg_tokens(void)
{
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_PG, "SELECT a, \"B c\" FROM t WHERE x::int8 >= $1"),
			       "ID:SELECT ID:a OP:, QID:\"B c\" ID:FROM ID:t ID:WHERE ID:x OP::: ID:int8 OP:>= PARAM:$1");
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_PG, "E'a\\'b' 'it''s' $tag$x'y$tag$ $$z$$ X'0A' B'101' N'n'"),
			       "STR:E'a\\'b' STR:'it''s' STR:$tag$x'y$tag$ STR:$$z$$ HEX:X'0A' BITS:B'101' STR:N'n'");
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_PG, "1 1.5 .5 1e10 2E-3 7."), "INT:1 NUM:1.5 NUM:.5 NUM:1e10 NUM:2E-3 NUM:7.");
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_PG, "a<->b <#> c <=> d || e -> f ->> g"),
			       "ID:a OP:<-> ID:b OP:<#> ID:c OP:<=> ID:d OP:|| ID:e OP:-> ID:f OP:->> ID:g");
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_PG, "a -- c\n/* x /* nested */ y */ b"), "ID:a ID:b");
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_PG, "a # b"), "ID:a OP:# ID:b");
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_PG, "select 'abc"), "ID:select ERROR@7");
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_PG, "a /* open"), "ID:a ERROR@2");
}

static void lexer_mysql_tokens(void)
{
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_MYSQL, "select `a b`, \"str\", 'x\\'y' # comment\n from t"),
			       "ID:select QID:`a b` OP:, STR:\"str\" OP:, STR:'x\\'y' ID:from ID:t");
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_MYSQL, "a <=> ? and @@version and 0x1F"),
			       "ID:a OP:<=> PARAM:? ID:and ID:@@version ID:and INT:0x1F");
}

static void lexer_other_dialects(void)
{
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_TSQL, "select [a]]b], @p1, @name from #tmp"),
			       "ID:select QID:[a]]b] OP:, PARAM:@p1 OP:, PARAM:@name ID:from ID:#tmp");
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_ORACLE, "x = :1 and y = :name and z := 1"),
			       "ID:x OP:= PARAM::1 ID:and ID:y OP:= PARAM::name ID:and ID:z OP::= INT:1");
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_SPARK, "`c` = :p and \"s\""), "QID:`c` OP:= PARAM::p ID:and STR:\"s\"");
	CU_ASSERT_STRING_EQUAL(lex_stream(DIALECT_SNOWFLAKE, "$$a$$::text"), "STR:$$a$$ OP::: ID:text");
}

static void lexer_decodes_values_and_offsets(void)
{
	struct arena a;
	arena_init(&a);
	const char *sql = "  'it''s' E'a\\nb' \"Q\"\"x\" X'4142'";
	struct sql_lexer lx;
	sql_lex_init(&lx, DIALECT_PG, sql, strlen(sql));
	const char *want[] = {"it's", "a\nb", "Q\"x", "AB"};
	size_t offs[] = {2, 10, 18, 25};
	for (int k = 0; k < 4; k++) {
		struct sql_token t;
		CU_ASSERT_EQUAL(sql_lex_next(&lx, &t), 0);
		CU_ASSERT_EQUAL(t.off, offs[k]);
		size_t n;
		CU_ASSERT_STRING_EQUAL(sql_lex_decode(&a, &lx, &t, &n), want[k]);
	}
	sql_lex_init(&lx, DIALECT_MYSQL, "'a\\tb\\\\'", 9);
	struct sql_token t;
	size_t n;
	CU_ASSERT_EQUAL(sql_lex_next(&lx, &t), 0);
	CU_ASSERT_STRING_EQUAL(sql_lex_decode(&a, &lx, &t, &n), "a\tb\\");
	arena_free(&a);
}

void suite_sql_lexer(void);
void suite_sql_lexer(void)
{
	CU_pSuite s = CU_add_suite("sql_lexer", NULL, NULL);
	CU_add_test(s, "PostgreSQL tokens", lexer_pg_tokens);
	CU_add_test(s, "MySQL tokens", lexer_mysql_tokens);
	CU_add_test(s, "T-SQL, Oracle, Spark, Snowflake tokens", lexer_other_dialects);
	CU_add_test(s, "decoded values and byte offsets", lexer_decodes_values_and_offsets);
}
