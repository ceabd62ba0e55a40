/*
 * pg.c — PostgreSQL: "quoted" identifiers folded to lower case, E'..' and
 * $tag$ strings, $n parameters, `::` casts, || concatenation, pgvector's
 * <-> <#> <=> distances, case-sensitive LIKE, integer division that fails
 * on zero.
 */
#include "sql/dialect/rules.h"

static const struct sql_func_map pg_funcs[] = {
	{"concat", FN_CONCAT_SKIP_NULLS, NULL, 0},
	{"now", FN_NOW, NULL, 0},
	{"transaction_timestamp", FN_NOW, NULL, 0},
	{"statement_timestamp", FN_NOW, NULL, 0},
	{"greatest", FN_GREATEST, NULL, 0},
	{"least", FN_LEAST, NULL, 0},
	{"char_length", FN_RENAME, "length", 0},
	{"character_length", FN_RENAME, "length", 0},
	{"strpos", FN_RENAME, "instr", 0},
	{"pow", FN_RENAME, "pow", 0},
	{"power", FN_RENAME, "pow", 0},
	{"random", FN_RENAME, "rosetta_random", 0},
	{"mod", FN_RENAME, "rosetta_mod", 0}, /* mod(x, 0) is 22012 in PostgreSQL */
	{"json_build_object", FN_RENAME, "json_object", 0},
	{"string_agg", FN_RENAME, "group_concat", 0},
	{"current_setting", FN_RENAME, "rosetta_var", 0}, /* the session's variables (engine/store_sqlite.c) */
	{"jsonb_build_object", FN_RENAME, "json_object", 0},
	{NULL, FN_RENAME, NULL, 0},
};

const struct sql_rules sql_rules_pg = {
	.dialect = DIALECT_PG,
	.fold = FOLD_LOWER,
	.dq_ident = 1,
	.e_strings = 1,
	.dollar_quote = 1,
	.dollar_param = 1,
	.nested_comments = 1,
	.pipes_concat = 1,
	.caret_pow = 1,
	.nulls_high = 1,
	.div = DIV_TRUNC_ERROR,
	.funcs = pg_funcs,
};
