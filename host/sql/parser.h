/*
 * parser.h — SQL text of any dialect into the one AST (ast.h).
 *
 * Hand-written recursive descent with precedence climbing for expressions,
 * rather than a generated parser: each dialect's quirks (TOP, LIMIT a,b,
 * ROWNUM, :: casts, `||` as OR, <=> as two different operators) are small
 * local decisions driven by sql/dialect/rules.h, error messages and
 * positions follow PostgreSQL's exactly, and the parser stays a set of
 * plain C functions that fuzz and debug like any other code.  Cost: linear
 * in the statement's tokens; nesting is bounded (PARSE_MAX_DEPTH) so
 * hostile input cannot exhaust the stack.
 *
 * INTERFACE ROUTINES
 *   sql_parse   parse the first statement of a text
 *
 * Contract: sql_parse() reads sql[0..len), parses its FIRST statement into
 * nodes allocated from `a`, and returns 0 with *out set and *used = the
 * bytes through that statement's terminating ';' (or len).  An empty
 * statement (only space, comments or ';') gives *out = NULL with *used set.
 * On failure it returns -1 with `err` set: ERR_SYNTAX_ERROR with
 * err->position (1-based character offset into `sql`) and PostgreSQL's
 * message (`syntax error at or near "selec"`, `syntax error at end of
 * input`), or ERR_FEATURE_NOT_SUPPORTED naming a recognised construct the
 * engine does not implement; *used is still the end of the statement, so
 * a caller can skip it.  The AST points into `sql` (ast_stmt.sql), which
 * must outlive it.
 *
 * Parameters get one numbering whatever their spelling: $n -> n; ? -> the
 * order of appearance; :name -> order of first appearance (same name, same
 * ordinal); :n -> n; @pN -> N; @name like :name.
 */
#ifndef ROSETTA_SQL_PARSER_H
#define ROSETTA_SQL_PARSER_H

#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"
#include "sql/ast.h"
#include "sql/dialect.h"

int sql_parse(struct arena *a, enum sql_dialect d, const char *sql, size_t len, struct ast_stmt **out,
	      size_t *used, struct rerr *err);

#endif
