/*
 * rules.c — dialect lookup (see rules.h).
 */
#include "sql/dialect/rules.h"

#include <strings.h>

const struct sql_rules *sql_rules(enum sql_dialect d)
{
	switch (d) {
	case DIALECT_MYSQL: return &sql_rules_mysql;
	case DIALECT_TSQL: return &sql_rules_tsql;
	case DIALECT_DB2: return &sql_rules_db2;
	case DIALECT_ORACLE: return &sql_rules_oracle;
	case DIALECT_SNOWFLAKE: return &sql_rules_snowflake;
	case DIALECT_SPARK: return &sql_rules_spark;
	default: return &sql_rules_pg;
	}
}

const struct sql_func_map *sql_rules_func(const struct sql_rules *r, const char *name, size_t n)
{
	for (const struct sql_func_map *f = r->funcs; f && f->name; f++)
		if (strncasecmp(f->name, name, n) == 0 && f->name[n] == '\0')
			return f;
	return NULL;
}
