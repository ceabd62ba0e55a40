/*
 * dialect.c — dialect names (for logs, tests and the sqllogictest runner).
 */
#include "sql/dialect.h"

static const char *const sql_dialect_names[DIALECT__COUNT] = {
	[DIALECT_PG] = "pg",         [DIALECT_MYSQL] = "mysql",         [DIALECT_TSQL] = "tsql",
	[DIALECT_DB2] = "db2",       [DIALECT_ORACLE] = "oracle",       [DIALECT_SNOWFLAKE] = "snowflake",
	[DIALECT_SPARK] = "spark",
};

const char *sql_dialect_name(enum sql_dialect d)
{
	return (unsigned)d < DIALECT__COUNT ? sql_dialect_names[d] : "?";
}
