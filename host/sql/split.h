/*
 * split.h — find statement boundaries and leading keywords in SQL text.
 *
 * A lexical scan only: it knows quotes ('...', "...", `...`, [...] is not
 * treated as a quote), PostgreSQL dollar quotes ($tag$...$tag$), and
 * comments (-- to end of line, nested block comments), so that a ';' or a
 * keyword inside them is never taken for structure.  The full lexer and
 * parser of the canonical engine build on the same rules.
 *
 * INTERFACE ROUTINES
 *   sql_skip_space      skip white space and comments
 *   sql_statement_end   offset just past the first statement's ';' (or the end)
 *   sql_read_keyword    the next bare word, upper-cased
 */
#ifndef ROSETTA_SQL_SPLIT_H
#define ROSETTA_SQL_SPLIT_H

#include <stddef.h>

size_t sql_skip_space(const char *sql, size_t len, size_t pos);
size_t sql_statement_end(const char *sql, size_t len, size_t pos);
/* Reads [A-Za-z_][A-Za-z0-9_]* at `pos` into `out` upper-cased; returns the position after it, or `pos` if none. */
size_t sql_read_keyword(const char *sql, size_t len, size_t pos, char *out, size_t cap);

#endif
