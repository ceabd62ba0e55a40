/*
 * session.c — statement execution and transaction state (see session.h).
 *
 * Every statement is planned first (session_plan.c: parse, bind, deparse),
 * then run here: transaction control and SET by the session, the rest on
 * the store, with result types from the binder where it knew them and
 * from the store where it did not.
 *
 * Isolation: READ COMMITTED (the default) as session.h describes;
 * REPEATABLE READ and SERIALIZABLE open the store transaction at BEGIN, so
 * every statement reads the snapshot of the first one, and a write after
 * another session's commit fails with 40001 (the store's busy-snapshot
 * error) — the failure PostgreSQL reports in the same case.
 *
 * Invariants
 *   1. store_txn implies txn != TXN_IDLE: the store never holds a write
 *      transaction for a session that is not in one.
 *   2. txn == TXN_FAILED only when abort_txn_on_error.
 */
#include "engine/session.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "engine/plan_vector.h"
#include "engine/session_int.h"
#include "sql/split.h"

#define SESSION_MAX_COLS 1664 /* PostgreSQL's MaxTupleAttributeNumber */

int session_open(struct store *store, const char *user, const char *database,
		 const struct session_opts *opts, struct session **out, struct rerr *err)
{
	struct session *s = calloc(1, sizeof(*s));
	if (!s)
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	if (store_connect(store, database, &s->sc, err) < 0) {
		free(s);
		return -1;
	}
	if (store_set_identity(s->sc, user, database, err) < 0 ||
	    store_set_variables(s->sc, session_var_lookup, s, err) < 0) {
		store_disconnect(s->sc);
		free(s);
		return -1;
	}
	arena_init(&s->arena);
	s->default_isolation = ISO_READ_COMMITTED;
	snprintf(s->user, sizeof(s->user), "%s", user);
	snprintf(s->database, sizeof(s->database), "%s", database);
	if (opts)
		s->opts = *opts;
	*out = s;
	return 0;
}

void session_close(struct session *s)
{
	if (!s)
		return;
	session_cursors_free(s); /* they hold store statements */
	store_disconnect(s->sc); /* rolls back an open store transaction */
	arena_free(&s->arena);
	session_vars_free(s);
	free(s->cols);
	free(s->vals);
	free(s);
}

enum txn_state session_txn_state(const struct session *s) { return s->txn; }
const char *session_user(const struct session *s) { return s->user; }
const char *session_database(const struct session *s) { return s->database; }

void session_fail(struct session *s)
{
	if (s->txn == TXN_OPEN && s->opts.abort_txn_on_error)
		s->txn = TXN_FAILED;
}

void session_cancel(struct session *s)
{
	store_interrupt(s->sc);
}

static void session_notice(const struct result_sink *sink, enum errcode code, const char *msg)
{
	if (!sink || !sink->notice)
		return;
	struct rerr n;
	rerr_set(&n, code, "%s", msg);
	n.severity = SEV_WARNING;
	sink->notice(sink->ctx, &n);
}

static void session_end_txn(struct session *s, int commit, struct rerr *err)
{
	if (s->store_txn) {
		struct rerr ignored;
		if (commit) {
			if (store_exec(s->sc, "COMMIT", err) < 0) {
				/* a failed COMMIT leaves nothing half-done: roll back and report */
				store_exec(s->sc, "ROLLBACK", &ignored);
			}
		} else {
			store_exec(s->sc, "ROLLBACK", &ignored);
		}
	}
	s->store_txn = 0;
	s->txn = TXN_IDLE;
	session_cursors_end_txn(s, commit);
}

/* Transaction control statements, handled here rather than by the store. */
static int session_txn_control(struct session *s, enum stmt_kind kind, enum ast_isolation iso,
			       const struct result_sink *sink, struct stmt_result *res, struct rerr *err)
{
	switch (kind) {
	case STMT_BEGIN:
		strcpy(res->verb, "BEGIN");
		if (s->txn == TXN_OPEN && s->opts.dialect == DIALECT_MYSQL) { /* MySQL: BEGIN commits the open one */
			rerr_clear(err);
			session_end_txn(s, 1, err);
			if (err->code != ERR_SUCCESSFUL_COMPLETION)
				return -1;
		}
		if (s->txn != TXN_IDLE) {
			session_notice(sink, ERR_ACTIVE_SQL_TRANSACTION, "there is already a transaction in progress");
			return 0;
		}
		s->isolation = iso != ISO_DEFAULT ? iso : s->next_isolation != ISO_DEFAULT ? s->next_isolation
											  : s->default_isolation;
		s->next_isolation = ISO_DEFAULT;
		if (s->isolation >= ISO_REPEATABLE_READ) {
			if (store_exec(s->sc, "BEGIN", err) < 0) /* one snapshot, from the first read on */
				return -1;
			s->store_txn = 1;
		}
		s->txn = TXN_OPEN;
		return 0;
	case STMT_COMMIT:
		if (s->txn == TXN_IDLE)
			session_notice(sink, ERR_NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress");
		if (s->txn == TXN_FAILED) {
			session_end_txn(s, 0, err);
			strcpy(res->verb, "ROLLBACK");
			return 0;
		}
		rerr_clear(err);
		session_end_txn(s, 1, err);
		strcpy(res->verb, "COMMIT");
		return err->code == ERR_SUCCESSFUL_COMPLETION ? 0 : -1;
	case STMT_ROLLBACK:
		if (s->txn == TXN_IDLE)
			session_notice(sink, ERR_NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress");
		session_end_txn(s, 0, err);
		strcpy(res->verb, "ROLLBACK");
		return 0;
	default:
		assert(!"not a transaction control statement");
		return -1;
	}
}

/* The text of a SET value: a literal's text, a name, or a number. */
static void session_set_value(const struct ast_expr *e, struct buf *out)
{
	if (!e)
		return;
	if (e->kind == AST_LIT && e->u.lit.text)
		buf_printf(out, "%s", e->u.lit.text);
	else if (e->kind == AST_COLUMN && e->u.column.n)
		buf_printf(out, "%s", e->u.column.parts[e->u.column.n - 1].s);
	else if (e->kind == AST_UNARY && e->u.unary.op == AST_OP_NEG) {
		buf_printf(out, "-");
		session_set_value(e->u.unary.arg, out);
	} else if (e->kind == AST_SPECIAL && e->u.special.what == SPECIAL_CURRENT_USER)
		buf_printf(out, "current_user");
}

static int session_false(const char *v)
{
	return !strcmp(v, "0") || !strcasecmp(v, "off") || !strcasecmp(v, "false");
}

static int session_is_autocommit_var(const char *name)
{
	if (name[0] == '@' && name[1] == '@')
		name += 2;
	if (!strncasecmp(name, "session.", 8) || !strncasecmp(name, "local.", 6))
		name = strchr(name, '.') + 1;
	return !strcasecmp(name, "autocommit");
}

/* SET name = value [, name = value ...] and SET [SESSION CHARACTERISTICS AS] TRANSACTION. */
static int session_apply_set(struct session *s, const struct ast_stmt *ast, struct rerr *err)
{
	for (const struct ast_set *set = ast->u.set; set; set = set->next) {
		if (ast->kind == AST_SET_TRANSACTION || !set->name) {
			if (set->txn.isolation == ISO_DEFAULT)
				continue;
			if (set->scope == SET_SESSION)
				s->default_isolation = set->txn.isolation;
			else if (s->txn == TXN_OPEN && !s->store_txn)
				s->isolation = set->txn.isolation;
			else
				s->next_isolation = set->txn.isolation;
			continue;
		}
		struct buf v;
		buf_init(&v);
		for (int i = 0; i < set->value.n; i++) {
			if (i)
				buf_printf(&v, ", ");
			session_set_value(set->value.v[i], &v);
		}
		buf_put_u8(&v, 0);
		if (s->opts.dialect == DIALECT_MYSQL && s->txn == TXN_OPEN && session_is_autocommit_var(set->name) &&
		    !session_false((const char *)v.data)) { /* MySQL: turning autocommit on commits */
			rerr_clear(err);
			session_end_txn(s, 1, err);
			if (err->code != ERR_SUCCESSFUL_COMPLETION) {
				buf_free(&v);
				return -1;
			}
		}
		int rc = session_var_set(s, set->name, set->to_default ? "" : (const char *)v.data, err);
		buf_free(&v);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int session_ensure_cols(struct session *s, int n)
{
	if (n <= s->cols_cap)
		return 0;
	struct column_desc *c = realloc(s->cols, (size_t)n * sizeof(*c));
	if (!c)
		return -1;
	s->cols = c;
	struct rvalue *v = realloc(s->vals, (size_t)n * sizeof(*v));
	if (!v)
		return -1;
	s->vals = v;
	s->cols_cap = n;
	return 0;
}

/*
 * Describe the result columns: names as the store reports them (the
 * deparser aliased each to the name its ecosystem gives), types from the
 * binder where it knew them, else from the store (declared type, or the
 * first row's value for an expression).
 */
static void session_describe_column(struct column_desc *c, struct store_stmt *st, int i, int n,
				    const struct bind_result *bound)
{
	enum rtype t = store_col_type(st, i, &c->typmod); /* an array column's declaration: RT_ARRAY_OF | element */
	c->type = (enum rtype)((int)t & ~RT_ARRAY_OF);
	c->table = NULL;
	c->array = ((int)t & RT_ARRAY_OF) != 0;
	if (!bound || bound->ncols != n)
		return;
	if (bound->cols[i].type != RT_UNKNOWN) {
		c->type = bound->cols[i].type;
		if (bound->cols[i].typmod >= 0)
			c->typmod = bound->cols[i].typmod;
	}
	if (bound->cols[i].type != RT_UNKNOWN)
		c->array = bound->cols[i].array;
}

static int session_describe(struct session *s, struct store_stmt *st, int n, const struct bind_result *bound,
			    const struct result_sink *sink)
{
	for (int i = 0; i < n; i++) {
		s->cols[i].name = store_col_name(st, i);
		session_describe_column(&s->cols[i], st, i, n, bound);
	}
	return sink && sink->columns ? sink->columns(sink->ctx, n, s->cols) : 0;
}

/* Take the store's write lock before the first writing statement of a transaction. */
static int session_before_run(struct session *s, struct store_stmt *st, const struct stmt_result *res,
			      struct rerr *err)
{
	/* SQLite calls SAVEPOINT read-only, but outside a store transaction it
	 * would open a deferred one behind our back: take the write lock first. */
	int writes = !store_readonly(st) || !strcmp(res->verb, "SAVEPOINT");
	if (s->txn == TXN_OPEN && !s->store_txn && writes) {
		if (store_exec(s->sc, "BEGIN IMMEDIATE", err) < 0)
			return -1;
		s->store_txn = 1;
	}
	return 0;
}

/*
 * Step up to max_rows rows (0 = all) of a started statement into the sink.
 * `describe`: call sink->columns before the first row (simple protocols,
 * where the first row also settles the type of an expression column).
 * Sets *suspended when it stopped at max_rows; res->rows accumulates.
 */
static int session_step_rows(struct session *s, struct store_stmt *st, int64_t max_rows, int describe,
			     const struct bind_result *bound, const struct result_sink *sink, struct stmt_result *res,
			     int *suspended, struct rerr *err)
{
	int n = store_ncols(st);
	*suspended = 0;
	if (n > SESSION_MAX_COLS)
		return rerr_set(err, ERR_PROGRAM_LIMIT_EXCEEDED, "target lists can have at most %d entries", SESSION_MAX_COLS);
	if (session_ensure_cols(s, n) < 0)
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	int64_t sent = 0;
	for (;;) {
		if (max_rows > 0 && sent == max_rows) {
			*suspended = 1;
			return 0;
		}
		int rc = store_step(st, err);
		if (rc < 0)
			return -1;
		if (n > 0 && describe) {
			if (session_describe(s, st, n, bound, sink) < 0)
				return rerr_set(err, ERR_CONNECTION_FAILURE, "client went away");
			describe = 0;
		}
		if (n > 0)
			res->returned_rows = 1;
		if (rc == 0)
			break;
		for (int i = 0; i < n; i++)
			store_col_value(st, i, &s->vals[i]);
		if (sink && sink->row && sink->row(sink->ctx, n, s->vals) < 0)
			return rerr_set(err, ERR_CONNECTION_FAILURE, "client went away");
		res->rows++;
		sent++;
	}
	if (res->kind == STMT_INSERT || res->kind == STMT_UPDATE || res->kind == STMT_DELETE)
		res->rows = store_changes(s->sc);
	return 0;
}

static int session_is_txn_control(enum stmt_kind k)
{
	return k == STMT_BEGIN || k == STMT_COMMIT || k == STMT_ROLLBACK;
}

static int session_is_ddl(const struct stmt_result *r)
{
	static const char *const verbs[] = {"CREATE ", "DROP ", "ALTER ", "TRUNCATE", "RENAME "};
	if (r->kind != STMT_OTHER || !strncmp(r->verb, "CREATE TEMPORARY", 16))
		return 0;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strncmp(r->verb, verbs[i], strlen(verbs[i])))
			return 1;
	return 0;
}

/*
 * MySQL's implicit transactions: DDL commits an open transaction; with
 * autocommit off, any other statement outside a transaction opens one, which
 * COMMIT or ROLLBACK ends.  Nothing for other dialects.
 */
static int session_mysql_implicit(struct session *s, enum plan_action action, const struct stmt_result *r,
				  struct rerr *err)
{
	if (s->opts.dialect != DIALECT_MYSQL || action != PLAN_STORE)
		return 0;
	if (session_is_ddl(r)) {
		if (s->txn == TXN_OPEN) {
			session_end_txn(s, 1, err);
			if (err->code != ERR_SUCCESSFUL_COMPLETION)
				return -1;
		}
		return 0;
	}
	const char *ac = session_var_get(s, "autocommit");
	if (s->txn == TXN_IDLE && ac && session_false(ac)) {
		struct stmt_result begin;
		memset(&begin, 0, sizeof(begin));
		return session_txn_control(s, STMT_BEGIN, ISO_DEFAULT, NULL, &begin, err);
	}
	return 0;
}

/* Checks every statement passes before it runs: failed transactions, savepoints outside one. */
static int session_admit(struct session *s, const struct stmt_result *res, struct rerr *err)
{
	if (s->txn == TXN_FAILED && res->kind != STMT_ROLLBACK && res->kind != STMT_COMMIT &&
	    strcmp(res->verb, "ROLLBACK") != 0)
		return rerr_set(err, ERR_IN_FAILED_SQL_TRANSACTION,
				"current transaction is aborted, commands ignored until end of transaction block");
	if (s->txn == TXN_IDLE && !session_is_txn_control(res->kind) &&
	    (!strcmp(res->verb, "SAVEPOINT") || !strcmp(res->verb, "RELEASE") || !strcmp(res->verb, "ROLLBACK")))
		return rerr_set(err, ERR_NO_ACTIVE_SQL_TRANSACTION, "%s can only be used in transaction blocks",
				res->verb);
	return 0;
}

/* After a statement: a failure aborts the transaction (PostgreSQL rules); ROLLBACK TO recovers it. */
static int session_after(struct session *s, const struct stmt_result *res, int rc)
{
	if (rc < 0) {
		assert(!(s->store_txn && s->txn == TXN_IDLE));
		if (s->txn == TXN_OPEN && s->opts.abort_txn_on_error)
			s->txn = TXN_FAILED;
		return -1;
	}
	if (!strcmp(res->verb, "ROLLBACK") && !session_is_txn_control(res->kind) && s->txn == TXN_FAILED)
		s->txn = TXN_OPEN; /* ROLLBACK TO SAVEPOINT */
	return 0;
}

/* Run a planned store statement (or several: the deparser may emit more than one), streaming rows. */
static int session_run_store(struct session *s, const struct session_plan *p, const struct result_sink *sink,
			     struct stmt_result *res, struct rerr *err)
{
	size_t off = 0;
	int suspended;
	while (off < p->len) {
		struct store_stmt *st = NULL;
		size_t used = 0;
		if (store_prepare(s->sc, p->text + off, p->len - off, &st, &used, err) < 0) {
			session_plan_store_error(p, err);
			return -1;
		}
		off += used ? used : p->len - off;
		if (!st)
			continue;
		int rc = session_before_run(s, st, res, err);
		if (rc == 0)
			rc = session_step_rows(s, st, 0, 1, &p->bound, sink, res, &suspended, err);
		store_finalize(st);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Execute a plan that is not a store statement, or one that is. */
static int session_run_plan(struct session *s, const struct session_plan *p, const struct result_sink *sink,
			    struct stmt_result *res, struct rerr *err)
{
	switch (p->action) {
	case PLAN_EMPTY:
	case PLAN_NOOP:
		return 0;
	case PLAN_TXN:
		return session_txn_control(s, res->kind, p->isolation, sink, res, err);
	case PLAN_SET:
		return session_apply_set(s, p->ast, err);
	case PLAN_STORE:
		return session_run_store(s, p, sink, res, err);
	case PLAN_CURSOR:
		return session_cursor_run(s, p, sink, res, err);
	}
	return 0;
}

int session_execute(struct session *s, const char *sql, size_t len, size_t *used,
		    const struct result_sink *sink, struct stmt_result *res, struct rerr *err)
{
	memset(res, 0, sizeof(*res));
	rerr_clear(err);
	struct session_plan p;
	if (session_plan(s, sql, len, used, &p, err) < 0) {
		*res = p.proto;
		if (s->txn == TXN_FAILED)
			return rerr_set(err, ERR_IN_FAILED_SQL_TRANSACTION,
					"current transaction is aborted, commands ignored until end of transaction block");
		return session_after(s, res, -1);
	}
	*res = p.proto;
	if (p.action == PLAN_EMPTY)
		return 0;
	if (session_admit(s, res, err) < 0 || session_mysql_implicit(s, p.action, res, err) < 0)
		return -1;
	if (p.action == PLAN_TXN)
		return session_run_plan(s, &p, sink, res, err);
	if (plan_vector(s, &p, err) < 0) /* ORDER BY distance LIMIT k through the accelerator */
		return session_after(s, res, -1);
	return session_after(s, res, session_run_plan(s, &p, sink, res, err));
}

/* ---- prepared statements and portals -------------------------------- */

struct session_stmt {
	struct session *s;
	struct session_stmt *prev, *next; /* the session's statements */
	enum plan_action action;
	char *sql;                /* the client's text (a non-store plan is planned again when run) */
	size_t sql_len;
	char *text;               /* PLAN_STORE: the store's SQL */
	size_t len;
	struct stmt_result proto; /* kind and verb */
	int nparams;
	enum rtype *param_types;
	int ncols;
	struct column_desc *cols;
	struct bind_result bound; /* cols above, for session_step_rows */
	struct store_stmt *cached; /* compiled at prepare; lent to one portal at a time */
	int portals;               /* open portals; the statement outlives its close while > 0 */
	int closed;
};

struct session_portal {
	struct session_stmt *st;
	struct store_stmt *run;
	int started, finished;
	struct stmt_result res;
};

static void session_stmt_free(struct session_stmt *st)
{
	if (st->prev)
		st->prev->next = st->next;
	else if (st->s->stmts == st)
		st->s->stmts = st->next;
	if (st->next)
		st->next->prev = st->prev;
	if (st->cached)
		store_finalize(st->cached);
	for (int i = 0; i < st->ncols; i++)
		free((char *)st->cols[i].name);
	free(st->cols);
	free(st->param_types);
	free(st->text);
	free(st->sql);
	free(st);
}

static char *session_strndup(const char *p, size_t n)
{
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = 0;
	}
	return s;
}

int session_prepare(struct session *s, const char *sql, size_t len, struct session_stmt **out,
		    struct rerr *err)
{
	rerr_clear(err);
	struct session_plan p;
	size_t used;
	if (session_plan(s, sql, len, &used, &p, err) < 0)
		return -1;
	struct session_stmt *st = calloc(1, sizeof(*st));
	if (!st || !(st->sql = session_strndup(sql, used))) {
		free(st);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	st->s = s;
	st->sql_len = used;
	st->action = p.action;
	st->proto = p.proto;
	int store_params = 0;
	if (p.action == PLAN_STORE) {
		size_t stmt_used;
		if (!(st->text = session_strndup(p.text, p.len))) {
			session_stmt_free(st);
			return rerr_set(err, ERR_INTERNAL, "out of memory");
		}
		st->len = p.len;
		if (store_prepare(s->sc, st->text, st->len, &st->cached, &stmt_used, err) < 0) {
			session_plan_store_error(&p, err);
			session_stmt_free(st);
			return -1;
		}
		if (sql_skip_space(st->text, st->len, stmt_used) < st->len) {
			session_stmt_free(st);
			return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED,
					"this statement cannot be prepared (it runs as several store statements)");
		}
		if (st->cached) {
			store_params = store_nparams(st->cached);
			st->ncols = store_ncols(st->cached);
		}
	}
	st->nparams = p.bound.nparams > store_params ? p.bound.nparams : store_params;
	st->param_types = calloc((size_t)st->nparams + 1, sizeof(*st->param_types));
	st->cols = calloc((size_t)st->ncols + 1, sizeof(*st->cols));
	if (!st->param_types || !st->cols) {
		session_stmt_free(st);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	for (int i = 0; i < st->nparams && i < p.bound.nparams; i++)
		st->param_types[i] = p.bound.param_types[i];
	for (int i = 0; i < st->ncols; i++) {
		st->cols[i].name = strdup(store_col_name(st->cached, i));
		session_describe_column(&st->cols[i], st->cached, i, st->ncols, &p.bound);
	}
	st->bound.ncols = st->ncols;
	st->bound.cols = st->cols;
	st->next = s->stmts;
	if (s->stmts)
		s->stmts->prev = st;
	s->stmts = st;
	*out = st;
	return 0;
}

int session_stmt_nparams(const struct session_stmt *st) { return st->nparams; }
enum stmt_kind session_stmt_kind(const struct session_stmt *st) { return st->proto.kind; }

enum rtype session_stmt_param_type(const struct session_stmt *st, int i)
{
	return (i >= 0 && i < st->nparams) ? st->param_types[i] : RT_UNKNOWN;
}

const struct column_desc *session_stmt_columns(const struct session_stmt *st, int *ncols)
{
	*ncols = st->ncols;
	return st->cols;
}

void session_stmt_close(struct session_stmt *st)
{
	if (!st)
		return;
	st->closed = 1;
	if (st->portals == 0)
		session_stmt_free(st);
}

int session_portal_open(struct session_stmt *st, const struct rvalue *params, int nparams,
			struct session_portal **out, struct rerr *err)
{
	rerr_clear(err);
	if (nparams != st->nparams)
		return rerr_set(err, ERR_PROTOCOL_VIOLATION,
				"bind message supplies %d parameters, but prepared statement requires %d", nparams,
				st->nparams);
	struct session_portal *p = calloc(1, sizeof(*p));
	if (!p)
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	p->st = st;
	p->res = st->proto;
	if (st->action == PLAN_STORE) {
		if (st->cached) {
			p->run = st->cached;
			st->cached = NULL;
		} else {
			size_t used;
			if (store_prepare(st->s->sc, st->text, st->len, &p->run, &used, err) < 0) {
				free(p);
				return -1;
			}
		}
		for (int i = 0; i < nparams && p->run; i++) {
			if (store_bind(p->run, i + 1, &params[i], err) < 0) {
				store_reset(p->run);
				if (!st->cached)
					st->cached = p->run;
				else
					store_finalize(p->run);
				free(p);
				return -1;
			}
		}
	}
	st->portals++;
	*out = p;
	return 0;
}

int session_portal_run(struct session_portal *p, int64_t max_rows, const struct result_sink *sink,
		       struct stmt_result *res, int *suspended, struct rerr *err)
{
	struct session *s = p->st->s;
	rerr_clear(err);
	*suspended = 0;
	if (p->finished) { /* PostgreSQL runs an exhausted portal as zero more rows */
		*res = p->res;
		res->rows = 0;
		return 0;
	}
	if (!p->started) {
		p->started = 1;
		if (p->st->action != PLAN_STORE) { /* planned again now: SET, BEGIN, ... */
			p->finished = 1;
			size_t used;
			int rc = session_execute(s, p->st->sql, p->st->sql_len, &used, sink, &p->res, err);
			*res = p->res;
			return rc;
		}
		if (session_admit(s, &p->res, err) < 0 || session_mysql_implicit(s, p->st->action, &p->res, err) < 0) {
			p->finished = 1;
			return -1;
		}
		if (p->run && session_before_run(s, p->run, &p->res, err) < 0) {
			p->finished = 1;
			return session_after(s, &p->res, -1);
		}
	}
	int64_t before = p->res.rows;
	int rc = p->run ? session_step_rows(s, p->run, max_rows, 0, &p->st->bound, sink, &p->res, suspended, err) : 0;
	if (rc < 0 || !*suspended)
		p->finished = 1;
	*res = p->res;
	if (res->kind == STMT_SELECT || res->returned_rows)
		res->rows = p->res.rows - before; /* this call's rows, as PostgreSQL's tag counts them */
	return session_after(s, &p->res, rc);
}

void session_portal_close(struct session_portal *p)
{
	if (!p)
		return;
	struct session_stmt *st = p->st;
	if (p->run) {
		store_reset(p->run);
		if (!st->cached && !st->closed)
			st->cached = p->run; /* lend it to the next portal */
		else
			store_finalize(p->run);
	}
	free(p);
	if (--st->portals == 0 && st->closed)
		session_stmt_free(st);
}

/*
 * Outside a transaction, prepared statements give their compiled store
 * statements back (the store keeps them compiled on its connection, and the
 * next portal asks for them again), so nothing but an open portal, a cursor
 * or connection-local state keeps the store connection from other sessions.
 */
void session_idle(struct session *s)
{
	if (!s)
		return;
	if (s->txn == TXN_IDLE) {
		for (struct session_stmt *st = s->stmts; st; st = st->next) {
			if (st->cached) {
				store_finalize(st->cached);
				st->cached = NULL;
			}
		}
	}
	store_idle(s->sc);
}
