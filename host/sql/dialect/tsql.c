/*
 * tsql.c — SQL Server: [bracket] and "quoted" identifiers kept in their
 * case, @p1/@name parameters, #temp names, SELECT TOP n, N'..' strings,
 * case-insensitive LIKE (default collation).
 */
#include "sql/dialect/rules.h"

static const struct sql_func_map tsql_funcs[] = {
	{"concat", FN_CONCAT_SKIP_NULLS, NULL, 0},
	{"getdate", FN_NOW, NULL, 0},
	{"sysdatetime", FN_NOW, NULL, 0},
	{"getutcdate", FN_NOW, NULL, 0},
	{"len", FN_RENAME, "length", 0},
	{"isnull", FN_RENAME, "ifnull", 0},
	{"iif", FN_RENAME, "iif", 0},
	{"power", FN_RENAME, "pow", 0},
	{NULL, FN_RENAME, NULL, 0},
};

const struct sql_rules sql_rules_tsql = {
	.dialect = DIALECT_TSQL,
	.fold = FOLD_NONE,
	.dq_ident = 1,
	.bracket = 1,
	.at_param = 1,
	.top = 1,
	.like_ci = 1,
	.hash_ident = 1,
	.div = DIV_TRUNC_ERROR,
	.funcs = tsql_funcs,
};
