/*
 * parse_int.h — the parser's shared state and helpers (internal to host/sql).
 *
 * The statement's tokens are lexed up front into an array (so any rule may
 * look ahead), then parsed by recursive descent.  Every helper returns 0 on
 * success and -1 with p->err filled; the first error wins.
 */
#ifndef ROSETTA_SQL_PARSE_INT_H
#define ROSETTA_SQL_PARSE_INT_H

#include "core/arena.h"
#include "core/error.h"
#include "sql/ast.h"
#include "sql/lexer.h"

#define PARSE_MAX_DEPTH 200 /* nesting of expressions and subqueries */
#define PARSE_MAX_OPERATORS 5001 /* binary operators in one statement, so any tree walk stays shallow */

struct parser {
	struct arena *a;
	const struct sql_rules *r;
	enum sql_dialect d;
	struct sql_lexer lx; /* lx.s is the caller's whole text; offsets are into it */
	struct sql_token *toks;
	size_t ntok, i;
	struct rerr *err;
	int depth;
	struct ast_param *params;
	int nparams, cap;
	int max_ordinal;
	int operators;      /* binary operators so far (PARSE_MAX_OPERATORS) */
	int next_auto;      /* ordinals handed to ? and :name */
	int in_values;      /* DEFAULT is a value here */
	int in_upsert;      /* MySQL VALUES(col) means the row proposed for insertion */
	const char *upsert_alias; /* MySQL INSERT ... AS new: new.col is that row too */
};

/* tokens */
static inline const struct sql_token *p_tok(const struct parser *p) { return &p->toks[p->i]; }
static inline const struct sql_token *p_peek(const struct parser *p, size_t k)
{
	return &p->toks[p->i + k < p->ntok ? p->i + k : p->ntok - 1];
}
static inline void p_next(struct parser *p) { if (p->i + 1 < p->ntok) p->i++; }
int p_is(const struct parser *p, const char *word);
int p_peek_is(const struct parser *p, size_t k, const char *word);
int p_accept(struct parser *p, const char *word);
int p_accept2(struct parser *p, const char *w1, const char *w2);
int p_expect(struct parser *p, const char *word);
int p_syntax(struct parser *p);                 /* syntax error at the current token */
int p_skip_parens(struct parser *p);            /* at '(': skip through its matching ')'; -1 at end of input */
int p_syntax_at(struct parser *p, const struct sql_token *t);
int p_unsupported(struct parser *p, const char *what);
int p_position(const struct parser *p, size_t off); /* 1-based character offset of a byte offset */
int p_enter(struct parser *p);                  /* depth guard; pair with p_leave */
static inline void p_leave(struct parser *p) { p->depth--; }
int p_is_reserved(const struct parser *p, const struct sql_token *t);
char *p_raw(struct parser *p, const struct sql_token *t);       /* raw token text */
char *p_lower(struct parser *p, const struct sql_token *t);     /* lower-cased raw text */
char *p_span(struct parser *p, size_t from, size_t to);         /* text between offsets */

/* names and types (parser.c) */
int p_ident(struct parser *p, struct ast_ident *out);       /* not a reserved word */
int p_ident_any(struct parser *p, struct ast_ident *out);   /* any word */
int p_name(struct parser *p, struct ast_name *out);
int p_ident_list(struct parser *p, int *n, struct ast_ident **v); /* ( a, b, ... ) */
int p_type(struct parser *p, struct ast_type *out);
int p_param(struct parser *p, const struct sql_token *t, int *ordinal);

/* expressions (parse_expr.c) */
int p_expr(struct parser *p, struct ast_expr **out);
int p_expr_list(struct parser *p, struct ast_expr_list *out); /* e, e, ... (no parens) */
struct ast_expr *p_new_expr(struct parser *p, enum ast_expr_kind k, size_t off);

/* queries (parse_select.c) */
int p_query(struct parser *p, struct ast_query **out);
int p_query_starts(const struct parser *p);
int p_with(struct parser *p, int *recursive, int *n, struct ast_cte **v);
int p_targets(struct parser *p, int *n, struct ast_target **v);
int p_from_list(struct parser *p, struct ast_from **out);
int p_order_by(struct parser *p, int *n, struct ast_order **v);

/* statements */
int p_insert(struct parser *p, struct ast_stmt *s);
int p_update(struct parser *p, struct ast_stmt *s);
int p_delete(struct parser *p, struct ast_stmt *s);
int p_create(struct parser *p, struct ast_stmt *s);
int p_drop(struct parser *p, struct ast_stmt *s);
int p_alter(struct parser *p, struct ast_stmt *s);
int p_truncate(struct parser *p, struct ast_stmt *s);
int p_txn(struct parser *p, struct ast_stmt *s);
int p_cursor(struct parser *p, struct ast_stmt *s);  /* DECLARE FETCH MOVE CLOSE (PostgreSQL cursors) */     /* BEGIN START COMMIT END ROLLBACK ABORT SAVEPOINT RELEASE */
int p_set(struct parser *p, struct ast_stmt *s);
int p_show(struct parser *p, struct ast_stmt *s);
int p_statement(struct parser *p, struct ast_stmt *s); /* dispatch (parser.c); EXPLAIN recurses */

#endif
