/*
 * snowflake.c — Snowflake: "quoted" identifiers, bare names folded to upper
 * case, ? and :1 binds, $$..$$ strings, `::` casts, LIMIT/OFFSET,
 * three-part names DB.SCHEMA.T.
 */
#include "sql/dialect/rules.h"

static const struct sql_func_map snowflake_funcs[] = {
	{"concat", FN_CONCAT_STRICT, NULL, 0},
	{"nvl", FN_RENAME, "ifnull", 0},
	{"iff", FN_RENAME, "iif", 0},
	{"current_timestamp", FN_NOW, NULL, 0},
	{"sysdate", FN_NOW, NULL, 1},
	{"power", FN_RENAME, "pow", 0},
	{NULL, FN_RENAME, NULL, 0},
};

const struct sql_rules sql_rules_snowflake = {
	.dialect = DIALECT_SNOWFLAKE,
	.fold = FOLD_UPPER,
	.dq_ident = 1,
	.dollar_quote = 1,
	.colon_param = 1,
	.pipes_concat = 1,
	.nulls_high = 1,
	.div = DIV_TRUNC_ERROR,
	.funcs = snowflake_funcs,
};
