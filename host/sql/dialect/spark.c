/*
 * spark.c — Spark SQL / Databricks: `backtick` identifiers, "double-quoted"
 * and backslash-escaped strings, ? and :name parameters, LIMIT, three-part
 * names catalog.schema.t, `/` as fractional division.
 */
#include "sql/dialect/rules.h"

static const struct sql_func_map spark_funcs[] = {
	{"concat", FN_CONCAT_STRICT, NULL, 0},
	{"now", FN_NOW, NULL, 0},
	{"current_timestamp", FN_NOW, NULL, 0},
	{"nvl", FN_RENAME, "ifnull", 0},
	{"if", FN_RENAME, "iif", 0},
	{"pow", FN_RENAME, "pow", 0},
	{"power", FN_RENAME, "pow", 0},
	{NULL, FN_RENAME, NULL, 0},
};

const struct sql_rules sql_rules_spark = {
	.dialect = DIALECT_SPARK,
	.fold = FOLD_LOWER,
	.backtick = 1,
	.backslash = 1,
	.colon_param = 1,
	.pipes_concat = 1,
	.div = DIV_DECIMAL_NULL,
	.funcs = spark_funcs,
};
