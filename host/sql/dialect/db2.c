/*
 * db2.c — Db2: "quoted" identifiers, bare names folded to upper case,
 * ? and :name parameters, FETCH FIRST n ROWS ONLY, SYSIBM.SYSDUMMY1.
 */
#include "sql/dialect/rules.h"

static const char *const db2_dummies[] = {"sysibm.sysdummy1", "sysdummy1", NULL};

static const struct sql_func_map db2_funcs[] = {
	{"concat", FN_CONCAT_STRICT, NULL, 0},
	{"power", FN_RENAME, "pow", 0},
	{NULL, FN_RENAME, NULL, 0},
};

const struct sql_rules sql_rules_db2 = {
	.dialect = DIALECT_DB2,
	.fold = FOLD_UPPER,
	.dq_ident = 1,
	.colon_param = 1,
	.pipes_concat = 1,
	.nulls_high = 1,
	.div = DIV_TRUNC_ERROR,
	.dummy_tables = db2_dummies,
	.funcs = db2_funcs,
};
