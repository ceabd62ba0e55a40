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
 * INTERFACE ROUTINES
 *   sqlite_funcs_register    create them on one connection (SQLITE_OK or an error code)
 */
#ifndef ROSETTA_ENGINE_SQLITE_FUNCS_H
#define ROSETTA_ENGINE_SQLITE_FUNCS_H

#include <sqlite3.h>

int sqlite_funcs_register(sqlite3 *db);

#endif
