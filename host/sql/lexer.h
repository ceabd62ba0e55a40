/*
 * lexer.h — the SQL tokenizer, sans-IO.
 *
 * sql_lex_next() reads one token from (text, len) at lx->pos under one
 * dialect's rules (sql/dialect/rules.h) and advances.  Tokens point into the
 * caller's text: `off`/`len` is the raw span (for error positions and for
 * source text), nothing is copied and nothing is allocated.  Decoding a
 * string literal or a quoted identifier (undoubling quotes, backslash
 * escapes) is a separate call, sql_lex_decode(), that writes into an arena.
 *
 * Recognised:
 *   identifiers   bare (letters, digits, _, $ after the first; non-ASCII
 *                 bytes are letters), "quoted" (PG, standard), `backtick`
 *                 (MySQL, Spark), [bracket] (T-SQL), #temp (T-SQL)
 *   strings       '..' with '' doubling; E'..' (PG); backslash escapes and
 *                 "double-quoted" strings (MySQL, Spark); N'..'; X'..' hex;
 *                 B'..' bits; $tag$..$tag$ (PG, Snowflake)
 *   numbers       123, 1.5, .5, 1e10, 0x1F (MySQL hex integer)
 *   parameters    $1, ?, :name, :1, @p1, @name (per dialect)
 *   operators     longest match: :: || <-> <#> <+> <=> ->> #>> -> #> <= >= <> !=
 *                 << >> @> <@ && := => and single characters
 *   comments      -- to end of line, # (MySQL), block comments (nested in PG)
 *
 * Contract: sql_lex_next returns 0 with a token (TK_EOF at the end), or -1
 * for an unterminated string, quoted identifier or comment, with the token
 * spanning from its start to the end of the text.  The lexer never reads
 * past len.
 */
#ifndef ROSETTA_SQL_LEXER_H
#define ROSETTA_SQL_LEXER_H

#include <stddef.h>

#include "core/arena.h"
#include "sql/dialect.h"
#include "sql/dialect/rules.h"

enum tok_kind {
	TK_EOF,
	TK_IDENT,   /* bare word: identifier or keyword */
	TK_QIDENT,  /* quoted identifier */
	TK_STRING,  /* '..', E'..', N'..', $$..$$, MySQL "..": decode for the value */
	TK_HEX,     /* X'..' */
	TK_BITS,    /* B'..' */
	TK_INT,     /* digits only (or 0x.. in MySQL) */
	TK_NUMBER,  /* with a point or an exponent */
	TK_PARAM,   /* $1 ? :name :1 @p1 @name */
	TK_OP,      /* operator or punctuation, including ';' */
};

enum tok_quote { TQ_PLAIN, TQ_ESCAPE, TQ_DOLLAR, TQ_NATIONAL };

struct sql_token {
	enum tok_kind kind;
	enum tok_quote quote; /* how a TK_STRING is written */
	size_t off, len;      /* raw span in the text */
};

struct sql_lexer {
	const char *s;
	size_t len, pos;
	const struct sql_rules *r;
};

void sql_lex_init(struct sql_lexer *lx, enum sql_dialect d, const char *s, size_t len);
int sql_lex_next(struct sql_lexer *lx, struct sql_token *t);

/* The value of a TK_STRING, TK_QIDENT, TK_HEX or TK_BITS token, NUL-terminated, in `a`
 * (hex: the decoded bytes).  *n gets its length. */
char *sql_lex_decode(struct arena *a, const struct sql_lexer *lx, const struct sql_token *t, size_t *n);

/* A bare word or operator token equals `word` (ASCII case-insensitive). */
int sql_tok_is(const struct sql_lexer *lx, const struct sql_token *t, const char *word);

#endif
