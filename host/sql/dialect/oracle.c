/*
 * oracle.c — Oracle: "quoted" identifiers, bare names folded to upper case,
 * :name and :1 binds, FROM DUAL, ROWNUM, FETCH FIRST n ROWS ONLY.
 */
#include "sql/dialect/rules.h"

static const char *const oracle_dummies[] = {"dual", "sys.dual", NULL};

static const struct sql_func_map oracle_funcs[] = {
	{"concat", FN_CONCAT_SKIP_NULLS, NULL, 0},
	{"nvl", FN_RENAME, "ifnull", 0},
	{"sysdate", FN_NOW, NULL, 1},
	{"systimestamp", FN_NOW, NULL, 1},
	{"power", FN_RENAME, "pow", 0},
	{NULL, FN_RENAME, NULL, 0},
};

const struct sql_rules sql_rules_oracle = {
	.dialect = DIALECT_ORACLE,
	.fold = FOLD_UPPER,
	.dq_ident = 1,
	.colon_param = 1,
	.pipes_concat = 1,
	.rownum = 1,
	.nulls_high = 1,
	.div = DIV_TRUNC_ERROR,
	.dummy_tables = oracle_dummies,
	.funcs = oracle_funcs,
};
