/*
 * session_cursor.c — PostgreSQL's SQL-level cursors (DECLARE / FETCH / MOVE /
 * CLOSE) as named session portals.
 *
 * A cursor is a prepared statement with one portal (session_prepare +
 * session_portal_open), so FETCH n steps the store statement n rows further
 * and nothing is materialised: a cursor over millions of rows holds one
 * store statement, not its result.
 *
 * Lifetime, PostgreSQL's rules:
 *   DECLARE outside a transaction block without WITH HOLD   25P01
 *   a WITHOUT HOLD cursor                                   closed when its transaction ends
 *   a WITH HOLD cursor                                      survives COMMIT (its store statement
 *                                                           stays open; it reads the snapshot it
 *                                                           started with), closed by ROLLBACK of
 *                                                           the transaction that declared it
 *   FETCH/MOVE/CLOSE of an unknown name                     34000;  DECLARE of a taken name 42P03
 *
 * Cursor states:  OPEN --FETCH/MOVE--> OPEN (rows remain) --last row--> DONE (FETCH gives 0 rows)
 *                 OPEN/DONE --CLOSE | transaction end [session_cursors_end_txn]--> freed
 *
 * INTERFACE ROUTINES (session_int.h)
 *   session_cursor_plan      plan DECLARE/FETCH/MOVE/CLOSE (FETCH: the cursor's columns)
 *   session_cursor_run       run one
 *   session_cursors_end_txn  close what the end of a transaction closes
 *   session_cursors_free     close them all (session end)
 *   session_cursor_columns   (session.h) a cursor's columns, for a protocol's Describe
 *   session_cursor_attach    (session.h) a protocol-level portal (PostgreSQL's Bind to a named
 *                            portal) joins the cursors' namespace, so FETCH and MOVE reach it
 *                            (asyncpg's Cursor.forward is a MOVE); the protocol still owns it
 *                            and detaches it before closing it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "engine/session_int.h"

struct session_cursor {
	struct session_cursor *next;
	char *name;
	int hold;
	int declared_in_txn; /* still in the transaction that declared it (a ROLLBACK drops it even WITH HOLD) */
	int attached; /* a protocol's portal under its name: st and portal belong to the protocol */
	struct session_stmt *st;
	struct session_portal *portal;
};

static struct session_cursor *cursor_find(struct session *s, const char *name)
{
	for (struct session_cursor *c = s->cursors; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/*
 * pg_cursors reads temp.rosetta_cursors (engine/catalog_pg.c): one row per open
 * cursor, written here.  Failures are ignored: the catalog is a view, the
 * cursor works without it.
 */
static void cursor_catalog(struct session *s, const char *name, const char *statement, int hold)
{
	struct buf q;
	buf_init(&q);
	buf_printf(&q, "DELETE FROM temp.rosetta_cursors WHERE name = '");
	for (const char *c = name; *c; c++)
		buf_printf(&q, *c == '\'' ? "''" : "%c", *c);
	buf_printf(&q, "'");
	if (statement) {
		buf_printf(&q, "; INSERT INTO temp.rosetta_cursors VALUES ('");
		for (const char *c = name; *c; c++)
			buf_printf(&q, *c == '\'' ? "''" : "%c", *c);
		buf_printf(&q, "', '");
		for (const char *c = statement; *c; c++)
			buf_printf(&q, *c == '\'' ? "''" : "%c", *c);
		buf_printf(&q, "', %d, strftime('%%Y-%%m-%%d %%H:%%M:%%f+00', 'now'))", hold);
	}
	buf_put_u8(&q, 0);
	struct rerr ignored;
	rerr_clear(&ignored);
	store_exec(s->sc, (const char *)q.data, &ignored);
	buf_free(&q);
}

/* Frees a cursor already off the session's list; a declared one (not a protocol's portal) leaves pg_cursors too. */
static void cursor_free(struct session *s, struct session_cursor *c)
{
	if (!c->attached) {
		cursor_catalog(s, c->name, NULL, 0);
		session_portal_close(c->portal);
		session_stmt_close(c->st);
	}
	free(c->name);
	free(c);
}

static void cursor_unlink(struct session *s, struct session_cursor *c)
{
	for (struct session_cursor **pp = &s->cursors; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	cursor_free(s, c);
}

int session_cursor_plan(struct session *s, const struct ast_stmt *ast, struct session_plan *p, struct rerr *err)
{
	const struct ast_cursor *cur = ast->u.cursor;
	p->action = PLAN_CURSOR;
	p->proto.kind = STMT_OTHER;
	snprintf(p->proto.verb, sizeof(p->proto.verb), "%s", ast_stmt_tag(ast));
	if (ast->kind != AST_FETCH)
		return 0;
	struct session_cursor *c = cursor_find(s, cur->name.s);
	if (!c)
		return rerr_set(err, ERR_INVALID_CURSOR_NAME, "cursor \"%s\" does not exist", cur->name.s);
	if (!cur->move) { /* FETCH returns the cursor's columns: described before it runs */
		int n;
		const struct column_desc *cols = session_stmt_columns(c->st, &n);
		p->bound.ncols = n;
		p->bound.cols = arena_alloc(&s->arena, sizeof(*cols) * ((size_t)n + 1));
		memcpy(p->bound.cols, cols, sizeof(*cols) * (size_t)n);
	}
	return 0;
}

/* MOVE: a sink that counts and drops. */
static int cursor_drop_row(void *ctx, int n, const struct rvalue *vals)
{
	(void)ctx;
	(void)n;
	(void)vals;
	return 0;
}

static int cursor_declare(struct session *s, const struct ast_stmt *ast, struct rerr *err)
{
	const struct ast_cursor *cur = ast->u.cursor;
	if (!cur->hold && s->txn == TXN_IDLE)
		return rerr_set(err, ERR_NO_ACTIVE_SQL_TRANSACTION, "DECLARE CURSOR can only be used in transaction blocks");
	if (cursor_find(s, cur->name.s))
		return rerr_set(err, ERR_DUPLICATE_CURSOR, "cursor \"%s\" already exists", cur->name.s);
	struct session_cursor *c = calloc(1, sizeof(*c));
	size_t qlen = ast->len - cur->query_off;
	char *query = malloc(qlen + 1);
	char *text = strndup(ast->sql, ast->len); /* for pg_cursors.statement */
	if (c)
		c->name = strdup(cur->name.s);
	if (!c || !query || !c->name || !text) {
		free(query);
		free(text);
		if (c)
			free(c->name);
		free(c);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	/* copied first: preparing it replans in the session's arena, where `ast` lives */
	memcpy(query, ast->sql + cur->query_off, qlen);
	query[qlen] = 0;
	c->hold = cur->hold;
	c->declared_in_txn = s->txn != TXN_IDLE;
	int rc = session_prepare(s, query, qlen, &c->st, err);
	free(query);
	if (rc == 0 && session_stmt_nparams(c->st) > 0)
		rc = rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "parameters in DECLARE CURSOR are not supported yet");
	if (rc == 0)
		rc = session_portal_open(c->st, NULL, 0, &c->portal, err);
	if (rc < 0) {
		session_stmt_close(c->st);
		free(c->name);
		free(c);
		free(text);
		return -1;
	}
	c->next = s->cursors;
	s->cursors = c;
	cursor_catalog(s, c->name, text, c->hold);
	free(text);
	return 0;
}

int session_cursor_run(struct session *s, const struct session_plan *p, const struct result_sink *sink,
		       struct stmt_result *res, struct rerr *err)
{
	const struct ast_stmt *ast = p->ast;
	const struct ast_cursor *cur = ast->u.cursor;
	if (ast->kind == AST_DECLARE_CURSOR)
		return cursor_declare(s, ast, err);
	if (ast->kind == AST_CLOSE_CURSOR) {
		if (!cur->name.s) {
			session_cursors_free(s);
			return 0;
		}
		struct session_cursor *c = cursor_find(s, cur->name.s);
		if (!c)
			return rerr_set(err, ERR_INVALID_CURSOR_NAME, "cursor \"%s\" does not exist", cur->name.s);
		cursor_unlink(s, c);
		return 0;
	}
	struct session_cursor *c = cursor_find(s, cur->name.s);
	if (!c)
		return rerr_set(err, ERR_INVALID_CURSOR_NAME, "cursor \"%s\" does not exist", cur->name.s);
	struct result_sink drop = {sink ? sink->ctx : NULL, NULL, cursor_drop_row, sink ? sink->notice : NULL};
	const struct result_sink *to = cur->move ? &drop : sink;
	if (!cur->move && sink && sink->columns && sink->columns(sink->ctx, p->bound.ncols, p->bound.cols) < 0)
		return -1;
	int64_t rows = 0;
	if (cur->count != 0) {
		struct stmt_result r;
		int suspended;
		if (session_portal_run(c->portal, cur->count < 0 ? 0 : cur->count, to, &r, &suspended, err) < 0)
			return -1;
		rows = r.rows;
	}
	res->kind = STMT_OTHER;
	res->rows = rows;
	res->returned_rows = 0;
	snprintf(res->verb, sizeof(res->verb), "%s %lld", cur->move ? "MOVE" : "FETCH", (long long)rows);
	return 0;
}

int session_cursor_attach(struct session *s, const char *name, struct session_stmt *st,
			  struct session_portal *portal, struct rerr *err)
{
	if (cursor_find(s, name))
		return rerr_set(err, ERR_DUPLICATE_CURSOR, "cursor \"%s\" already exists", name);
	struct session_cursor *c = calloc(1, sizeof(*c));
	if (!c || !(c->name = strdup(name))) {
		free(c);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	c->attached = 1;
	c->declared_in_txn = s->txn != TXN_IDLE;
	c->st = st;
	c->portal = portal;
	c->next = s->cursors;
	s->cursors = c;
	return 0;
}

void session_cursor_detach(struct session *s, const char *name)
{
	struct session_cursor *c = cursor_find(s, name);
	if (c && c->attached)
		cursor_unlink(s, c);
}

const struct column_desc *session_cursor_columns(struct session *s, const char *name, int *ncols)
{
	struct session_cursor *c = cursor_find(s, name);
	return c ? session_stmt_columns(c->st, ncols) : NULL;
}

void session_cursors_end_txn(struct session *s, int commit)
{
	struct session_cursor **pp = &s->cursors;
	while (*pp) {
		struct session_cursor *c = *pp;
		if (!c->hold || (!commit && c->declared_in_txn)) {
			*pp = c->next;
			cursor_free(s, c);
			continue;
		}
		c->declared_in_txn = 0;
		pp = &c->next;
	}
}

void session_cursors_free(struct session *s)
{
	while (s->cursors) {
		struct session_cursor *c = s->cursors;
		s->cursors = c->next;
		cursor_free(s, c);
	}
}
