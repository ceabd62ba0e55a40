/*
 * mysql.c — MySQL/MariaDB: `backtick` identifiers kept in their case,
 * "double-quoted" strings and backslash escapes (no ANSI_QUOTES, no
 * NO_BACKSLASH_ESCAPES), # comments, ? parameters, || as OR (no
 * PIPES_AS_CONCAT), <=> as null-safe equality, LIMIT offset,count,
 * case-insensitive LIKE, `/` as decimal division that yields NULL on zero,
 * ON DUPLICATE KEY UPDATE.
 */
#include "sql/dialect/rules.h"

static const char *const mysql_dummies[] = {"dual", NULL};

static const struct sql_func_map mysql_funcs[] = {
	{"concat", FN_CONCAT_STRICT, NULL, 0},
	{"now", FN_NOW, NULL, 0},
	{"sysdate", FN_NOW, NULL, 0},
	{"current_timestamp", FN_NOW, NULL, 0},
	{"if", FN_RENAME, "iif", 0},
	{"char_length", FN_RENAME, "length", 0},
	{"character_length", FN_RENAME, "length", 0},
	{"locate", FN_RENAME, "rosetta_locate", 0},
	{"pow", FN_RENAME, "pow", 0},
	{"power", FN_RENAME, "pow", 0},
	{"rand", FN_RENAME, "rosetta_random", 0},
	{"ucase", FN_RENAME, "upper", 0},
	{"lcase", FN_RENAME, "lower", 0},
	{"date_add", FN_DATE_ADD, NULL, 0},
	{"adddate", FN_DATE_ADD, NULL, 0},
	{"date_sub", FN_DATE_SUB, NULL, 0},
	{"subdate", FN_DATE_SUB, NULL, 0},
	{"greatest", FN_RENAME, "max", 0},
	{"least", FN_RENAME, "min", 0},
	{"ifnull", FN_RENAME, "ifnull", 0},
	{"length", FN_RENAME, "octet_length", 0}, /* MySQL's LENGTH counts bytes */
	{"format", FN_RENAME, "rosetta_mysql_format", 0},
	{"left", FN_RENAME, "rosetta_mysql_left", 0},
	{"right", FN_RENAME, "rosetta_mysql_right", 0},
	{"lpad", FN_RENAME, "rosetta_mysql_lpad", 0},
	{"rpad", FN_RENAME, "rosetta_mysql_rpad", 0},
	{"schema", FN_RENAME, "database", 0},
	{"version", FN_RENAME, "rosetta_mysql_version", 0},
	{"hex", FN_RENAME, "rosetta_mysql_hex", 0},
	{NULL, FN_RENAME, NULL, 0},
};

const struct sql_rules sql_rules_mysql = {
	.dialect = DIALECT_MYSQL,
	.fold = FOLD_NONE,
	.backtick = 1,
	.backslash = 1,
	.hash_comment = 1,
	.spaceship_nullsafe = 1,
	.limit_comma = 1,
	.like_ci = 1,
	.on_duplicate = 1,
	.mysql_ops = 1,
	.div = DIV_DECIMAL_NULL,
	.dummy_tables = mysql_dummies,
	.funcs = mysql_funcs,
};
