/*
 * session_int.h — the session's insides, shared by session.c (execution,
 * transactions), session_plan.c (text -> plan) and session_vars.c (SET/SHOW).
 * Not for protocol handlers: they use session.h.
 */
#ifndef ROSETTA_ENGINE_SESSION_INT_H
#define ROSETTA_ENGINE_SESSION_INT_H

#include "core/arena.h"
#include "engine/session.h"
#include "sql/ast.h"
#include "sql/binder.h"

struct session_var {
	struct session_var *next;
	char *name;  /* lower case */
	char *value;
};

struct session {
	struct store_conn *sc;
	char user[64];
	char database[64];
	enum txn_state txn;
	int store_txn;
	enum ast_isolation isolation;         /* of the open transaction */
	enum ast_isolation default_isolation; /* SET SESSION CHARACTERISTICS / default_transaction_isolation */
	enum ast_isolation next_isolation;    /* SET TRANSACTION before BEGIN's first statement */
	struct session_opts opts;
	struct column_desc *cols;
	struct rvalue *vals;
	int cols_cap;
	struct arena arena; /* the current statement's plan */
	struct session_var *vars;
	struct session_cursor *cursors; /* DECLAREd cursors (session_cursor.c) */
	struct session_stmt *stmts;     /* prepared statements, for session_idle */
};

/* What a statement becomes before it runs. */
enum plan_action {
	PLAN_EMPTY, /* nothing to run */
	PLAN_STORE, /* run `text` on the store */
	PLAN_TXN,   /* BEGIN / COMMIT / ROLLBACK, handled by the session */
	PLAN_SET,   /* assign a session variable */
	PLAN_NOOP,  /* accepted, nothing to do (CREATE EXTENSION vector, ...) */
	PLAN_CURSOR, /* DECLARE / FETCH / MOVE / CLOSE, handled by session_cursor.c */
};

struct session_plan {
	enum plan_action action;
	struct stmt_result proto; /* kind and verb */
	const struct ast_stmt *ast; /* NULL when the front-end could not parse it */
	const char *text;           /* PLAN_STORE: the store's SQL */
	size_t len;
	struct bind_result bound;   /* types known before execution (all RT_UNKNOWN without an AST) */
	enum ast_isolation isolation; /* PLAN_TXN BEGIN: requested level */
	const char *set_name, *set_value; /* PLAN_SET */
	int parse_failed;           /* the front-end refused it: keep its error for a store syntax error */
	struct rerr parse_err;
};

/* session_plan.c: plan the first statement of sql[0..len), allocating from s->arena. */
int session_plan(struct session *s, const char *sql, size_t len, size_t *used, struct session_plan *p,
		 struct rerr *err);
/* Map a store error after a front-end refusal: a syntax error is better told by the parser. */
void session_plan_store_error(const struct session_plan *p, struct rerr *err);

/* session_cursor.c: PostgreSQL's DECLARE / FETCH / MOVE / CLOSE over session portals */
struct session_cursor;
int session_cursor_plan(struct session *s, const struct ast_stmt *ast, struct session_plan *p, struct rerr *err);
int session_cursor_run(struct session *s, const struct session_plan *p, const struct result_sink *sink,
		       struct stmt_result *res, struct rerr *err);
void session_cursors_end_txn(struct session *s, int commit); /* WITHOUT HOLD ones close; ROLLBACK also drops new WITH HOLD */
void session_cursors_free(struct session *s);

/* session_vars.c */
int session_var_set(struct session *s, const char *name, const char *value, struct rerr *err);
const char *session_var_get(struct session *s, const char *name); /* NULL when unknown */
const char *session_var_lookup(void *session, const char *name);  /* the same, as a store callback */
void session_var_each(struct session *s, void (*fn)(void *ctx, const char *name, const char *value), void *ctx);
void session_vars_free(struct session *s);

#endif
