/*
 * rules.h — what each SQL dialect does differently, as data.
 *
 * The lexer, parser and deparser are shared; they never test which dialect
 * they run ("no if (protocol == ...)").  They read a struct sql_rules: the
 * quoting, comment, parameter and operator conventions of one ecosystem,
 * and a small table of its function spellings that the SQLite deparser must
 * rewrite.  Each dialect's row is defined in its own file beside this one
 * (pg.c, mysql.c, tsql.c, db2.c, oracle.c, snowflake.c, spark.c).
 *
 * INTERFACE ROUTINES
 *   sql_rules           the rules of a dialect (never NULL; PG for an unknown value)
 *   sql_rules_func      look a function name up in a dialect's rewrite table
 */
#ifndef ROSETTA_SQL_DIALECT_RULES_H
#define ROSETTA_SQL_DIALECT_RULES_H

#include <stddef.h>

#include "sql/dialect.h"

enum sql_fold { FOLD_NONE, FOLD_LOWER, FOLD_UPPER };

/* What `a / b` means. */
enum sql_div {
	DIV_TRUNC_ERROR, /* integer division for integers, error 22012 on zero (PG, T-SQL, DB2, Snowflake int/int) */
	DIV_DECIMAL_NULL /* decimal division, NULL on zero (MySQL; Spark) */
};

/* How the deparser rewrites a function call. */
enum sql_func_rewrite {
	FN_RENAME,            /* same arguments, SQLite name in `to` */
	FN_CONCAT_STRICT,     /* concat(a, b, ...): NULL if any argument is NULL (MySQL) */
	FN_CONCAT_SKIP_NULLS, /* concat(a, b, ...): NULLs count as '' (PG, T-SQL, Snowflake) */
	FN_NOW,               /* the current timestamp */
	FN_GREATEST,          /* greatest/least skipping NULLs (PG) */
	FN_LEAST,
	FN_DATE_ADD,          /* date_add(ts, INTERVAL ..) as ts + INTERVAL .. (MySQL) */
	FN_DATE_SUB,
};

struct sql_func_map {
	const char *name; /* lower-case, as written in the dialect */
	enum sql_func_rewrite how;
	const char *to;   /* FN_RENAME target */
	int bare;         /* also a bare word: Oracle SYSDATE */
};

struct sql_rules {
	enum sql_dialect dialect;
	enum sql_fold fold;          /* how bare identifiers are folded */
	unsigned dq_ident : 1;       /* "x" is an identifier (else a string) */
	unsigned backtick : 1;       /* `x` is an identifier */
	unsigned bracket : 1;        /* [x] is an identifier */
	unsigned backslash : 1;      /* backslash escapes in '...' */
	unsigned e_strings : 1;      /* E'...' escape strings */
	unsigned dollar_quote : 1;   /* $tag$...$tag$ */
	unsigned dollar_param : 1;   /* $1 */
	unsigned colon_param : 1;    /* :name and :1 */
	unsigned at_param : 1;       /* @p1, @name */
	unsigned hash_comment : 1;   /* # to end of line */
	unsigned nested_comments : 1;
	unsigned pipes_concat : 1;   /* || concatenates (else it is OR) */
	unsigned spaceship_nullsafe : 1; /* <=> is null-safe equality (else pgvector cosine distance) */
	unsigned limit_comma : 1;    /* LIMIT offset, count */
	unsigned top : 1;            /* SELECT TOP n */
	unsigned rownum : 1;         /* ROWNUM pseudo-column */
	unsigned like_ci : 1;        /* LIKE ignores case (default collation) */
	unsigned caret_pow : 1;      /* ^ is exponentiation (else bitwise xor) */
	unsigned on_duplicate : 1;   /* INSERT ... ON DUPLICATE KEY UPDATE */
	unsigned hash_ident : 1;     /* #temp names are identifiers */
	unsigned mysql_ops : 1;      /* DIV MOD XOR && ! REGEXP RLIKE are operators */
	unsigned nulls_high : 1;     /* NULL sorts above every value (ASC puts NULLs last) */
	enum sql_div div;
	const char *const *dummy_tables; /* FROM these means "no FROM" (DUAL, SYSIBM.SYSDUMMY1); NULL-terminated */
	const struct sql_func_map *funcs; /* terminated by a NULL name */
};

extern const struct sql_rules sql_rules_pg, sql_rules_mysql, sql_rules_tsql, sql_rules_db2,
	sql_rules_oracle, sql_rules_snowflake, sql_rules_spark;

const struct sql_rules *sql_rules(enum sql_dialect d);
/* The rewrite for function `name` (n bytes, any case) in `r`, or NULL. */
const struct sql_func_map *sql_rules_func(const struct sql_rules *r, const char *name, size_t n);

#endif
