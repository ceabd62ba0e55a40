/*
 * dialect.h — the SQL dialects the front-end parses.
 *
 * Every protocol handler names the dialect of its ecosystem when it opens a
 * session; the parser consults the dialect for quoting, keywords, parameter
 * styles and syntax that only one ecosystem has.  Each dialect's specifics
 * live in its own file under host/sql/dialect/.
 */
#ifndef ROSETTA_SQL_DIALECT_H
#define ROSETTA_SQL_DIALECT_H

enum sql_dialect {
	DIALECT_PG,
	DIALECT_MYSQL,
	DIALECT_TSQL,
	DIALECT_DB2,
	DIALECT_ORACLE,
	DIALECT_SNOWFLAKE,
	DIALECT_SPARK,
	DIALECT__COUNT
};

const char *sql_dialect_name(enum sql_dialect d);

#endif
