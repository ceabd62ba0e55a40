/*
 * sqlite_funcs.h — SQL functions the SQLite deparser (sql/deparse.c) calls
 * so that results match the source ecosystem rather than SQLite.
 *
 * Errors are raised as "[SQLSTATE] message" (see store.h), which the store
 * turns into the canonical error.  A NULL argument gives NULL unless noted.
 *
 *   rosetta_div(a, b)        PG `/`: integer division (truncating) when both are
 *                            integers, else floating; [22012] on zero, [22003]
 *                            for INT8_MIN / -1
 *   rosetta_mysql_div(a, b)  MySQL `/`: decimal (floating) division; NULL on zero
 *   rosetta_mod(a, b)        PG `%`: [22012] on zero; fractional operands keep
 *                            their fraction (5.5 % 2 = 1.5)
 *   rosetta_intdiv(a, b)     MySQL DIV: truncating integer division; NULL on zero
 *   rosetta_bitxor(a, b)     integer exclusive or
 *   rosetta_like(s, p, esc)  case-sensitive LIKE (%, _ on UTF-8 characters; esc
 *                            the escape character, '' for none)
 *   rosetta_bool(x)          text/number to 0/1 as PG's boolean input:
 *                            t/true/yes/on/1 and f/false/no/off/0 (any case,
 *                            trimmed, unique prefixes); [22P02] otherwise
 *   rosetta_greatest(...) / rosetta_least(...)   PG GREATEST/LEAST: NULLs ignored
 *   rosetta_random()         a float in [0, 1)
 *   rosetta_locate(sub, s)   MySQL LOCATE: 1-based position or 0
 *
 * Functions called by their source name (the deparser passes them through):
 *   mod(a, b)                integers stay integers, sign of a; NULL on zero (MySQL;
 *                            PG should be routed to rosetta_mod)
 *   div(a, b)                PG: quotient truncated toward zero; [22012] on zero
 *   left/right(s, n)         PG: negative n drops |n| characters;
 *                            rosetta_mysql_left/right: negative n gives ''
 *   lpad/rpad(s, n [, fill]) PG: cut to n; '' for n <= 0; empty fill leaves s;
 *                            rosetta_mysql_lpad/rpad(s, n, fill): NULL for n < 0
 *                            and for an empty fill that is needed
 *   repeat(s, n) reverse(s) initcap(s) chr(code) octet_length(s) md5(s)
 *   concat_ws(sep, ...)      NULL arguments skipped; NULL when sep is NULL
 *   split_part(s, d, k)      PG (negative k from the end); [22023] for k = 0
 *   substring_index(s, d, k) MySQL
 *   rosetta_mysql_format(x, d)  MySQL FORMAT: 1,234.50
 *   to_char(v, fmt)          PG: numeric templates (9 0 . D , G S MI FM) and
 *                            date/time templates (YYYY MM DD HH24 HH12 MI SS MS US
 *                            AM Month Mon Day Dy DDD D Q FM "text")
 *   date_trunc(field, ts)    PG: microseconds .. millennium; [22023] unknown unit
 *   datediff(a, b)           MySQL: days between the date parts; NULL if not dates
 *   date_format(d, fmt)      MySQL %-specifiers
 *   bool_and / every / bool_or   PG aggregates over boolean input (rosetta_bool's rules)
 *   last_insert_id()         MySQL: the connection's last inserted rowid
 *   current_schema()         'public'
 *
 * INTERFACE ROUTINES
 *   sqlite_funcs_register    create them on one connection (SQLITE_OK or an error code)
 */
#ifndef ROSETTA_ENGINE_SQLITE_FUNCS_H
#define ROSETTA_ENGINE_SQLITE_FUNCS_H

#include <sqlite3.h>

int sqlite_funcs_register(sqlite3 *db);

/* Shared by the function files: the numeric class of an argument after PG-like coercion of text. */
static inline int sqlite_funcs_numeric_type(sqlite3_value *v)
{
	int t = sqlite3_value_type(v);
	return t == SQLITE_TEXT || t == SQLITE_BLOB ? sqlite3_value_numeric_type(v) : t;
}

/* 1 when any of the arguments is NULL. */
static inline int sqlite_funcs_any_null(int argc, sqlite3_value **argv)
{
	for (int i = 0; i < argc; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			return 1;
	return 0;
}

/* PostgreSQL arrays (engine/sqlite_array.c); called by sqlite_funcs_register. */
int sqlite_array_register(sqlite3 *db);
/* engine/sqlite_mysql.c: MySQL's functions that differ from SQLite's namesakes (HEX). */
int sqlite_mysql_register(sqlite3 *db);
/* to_char, date_trunc, datediff, date_format (sqlite_datetime.c); called by sqlite_funcs_register. */
int sqlite_datetime_register(sqlite3 *db);

#endif
