/*
 * session.c — statement execution and transaction state (see session.h).
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

#include "sql/split.h"

#define SESSION_MAX_COLS 1664 /* PostgreSQL's MaxTupleAttributeNumber */

struct session {
	struct store_conn *sc;
	char user[64];
	char database[64];
	enum txn_state txn;
	int store_txn;
	struct session_opts opts;
	struct column_desc *cols;
	struct rvalue *vals;
	int cols_cap;
};

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
	store_disconnect(s->sc); /* rolls back an open store transaction */
	free(s->cols);
	free(s->vals);
	free(s);
}

enum txn_state session_txn_state(const struct session *s) { return s->txn; }
const char *session_user(const struct session *s) { return s->user; }
const char *session_database(const struct session *s) { return s->database; }

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
}

/* Transaction control statements, handled here rather than by the store. */
static int session_txn_control(struct session *s, enum stmt_kind kind, const struct result_sink *sink,
			       struct stmt_result *res, struct rerr *err)
{
	switch (kind) {
	case STMT_BEGIN:
		if (s->txn != TXN_IDLE)
			session_notice(sink, ERR_ACTIVE_SQL_TRANSACTION, "there is already a transaction in progress");
		else
			s->txn = TXN_OPEN;
		strcpy(res->verb, "BEGIN");
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

/* Classify a statement by its leading words and fill res->verb. */
static enum stmt_kind session_classify(const char *sql, size_t len, struct stmt_result *res)
{
	char w1[32], w2[32];
	size_t p = sql_skip_space(sql, len, 0);
	if (p >= len || sql[p] == ';')
		return STMT_EMPTY;
	p = sql_read_keyword(sql, len, p, w1, sizeof(w1));
	size_t q = sql_read_keyword(sql, len, sql_skip_space(sql, len, p), w2, sizeof(w2));
	(void)q;
	snprintf(res->verb, sizeof(res->verb), "%s", w1[0] ? w1 : "?");

	if (!strcmp(w1, "BEGIN") || (!strcmp(w1, "START") && !strcmp(w2, "TRANSACTION")))
		return STMT_BEGIN;
	if (!strcmp(w1, "COMMIT") || !strcmp(w1, "END"))
		return STMT_COMMIT;
	if ((!strcmp(w1, "ROLLBACK") || !strcmp(w1, "ABORT")) && strcmp(w2, "TO") != 0)
		return STMT_ROLLBACK;
	if (!strcmp(w1, "SELECT") || !strcmp(w1, "WITH") || !strcmp(w1, "VALUES") || !strcmp(w1, "TABLE"))
		return STMT_SELECT;
	if (!strcmp(w1, "INSERT") || !strcmp(w1, "REPLACE"))
		return STMT_INSERT;
	if (!strcmp(w1, "UPDATE"))
		return STMT_UPDATE;
	if (!strcmp(w1, "DELETE"))
		return STMT_DELETE;
	if ((!strcmp(w1, "CREATE") || !strcmp(w1, "DROP") || !strcmp(w1, "ALTER")) && w2[0]) {
		/* "CREATE UNIQUE INDEX" and "CREATE TEMP TABLE" are tagged by their object */
		if (!strcmp(w2, "UNIQUE") || !strcmp(w2, "TEMP") || !strcmp(w2, "TEMPORARY"))
			sql_read_keyword(sql, len, sql_skip_space(sql, len, q), w2, sizeof(w2));
		snprintf(res->verb, sizeof(res->verb), "%s %s", w1, w2);
	}
	return STMT_OTHER;
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

static int session_describe(struct session *s, struct store_stmt *st, int n, const struct result_sink *sink)
{
	for (int i = 0; i < n; i++) {
		s->cols[i].name = store_col_name(st, i);
		s->cols[i].type = store_col_type(st, i, &s->cols[i].typmod);
		s->cols[i].table = NULL;
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
			     const struct result_sink *sink, struct stmt_result *res, int *suspended,
			     struct rerr *err)
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
			if (session_describe(s, st, n, sink) < 0)
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

int session_execute(struct session *s, const char *sql, size_t len, size_t *used,
		    const struct result_sink *sink, struct stmt_result *res, struct rerr *err)
{
	memset(res, 0, sizeof(*res));
	rerr_clear(err);
	size_t end = sql_statement_end(sql, len, 0);
	*used = end;
	res->kind = session_classify(sql, end, res);
	if (res->kind == STMT_EMPTY)
		return 0;
	if (session_admit(s, res, err) < 0)
		return -1;
	if (session_is_txn_control(res->kind))
		return session_txn_control(s, res->kind, sink, res, err);

	struct store_stmt *st = NULL;
	size_t stmt_used = 0;
	int suspended;
	int rc = store_prepare(s->sc, sql, end, &st, &stmt_used, err);
	if (rc == 0 && st) {
		rc = session_before_run(s, st, res, err);
		if (rc == 0)
			rc = session_step_rows(s, st, 0, 1, sink, res, &suspended, err);
		store_finalize(st);
	}
	return session_after(s, res, rc);
}

/* ---- prepared statements and portals -------------------------------- */

struct session_stmt {
	struct session *s;
	char *sql;
	size_t len;
	struct stmt_result proto; /* kind and verb */
	int nparams;
	enum rtype *param_types;
	int ncols;
	struct column_desc *cols;
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
	if (st->cached)
		store_finalize(st->cached);
	for (int i = 0; i < st->ncols; i++)
		free((char *)st->cols[i].name);
	free(st->cols);
	free(st->param_types);
	free(st->sql);
	free(st);
}

int session_prepare(struct session *s, const char *sql, size_t len, struct session_stmt **out,
		    struct rerr *err)
{
	rerr_clear(err);
	struct session_stmt *st = calloc(1, sizeof(*st));
	if (!st)
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	st->s = s;
	size_t end = sql_statement_end(sql, len, 0);
	st->proto.kind = session_classify(sql, end, &st->proto);
	st->sql = malloc(end + 1);
	if (!st->sql) {
		free(st);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	memcpy(st->sql, sql, end);
	st->sql[end] = 0;
	st->len = end;
	if (st->proto.kind != STMT_EMPTY && !session_is_txn_control(st->proto.kind)) {
		size_t used;
		if (store_prepare(s->sc, st->sql, st->len, &st->cached, &used, err) < 0) {
			session_stmt_free(st);
			return -1;
		}
		if (st->cached) {
			st->nparams = store_nparams(st->cached);
			st->ncols = store_ncols(st->cached);
		}
		st->param_types = calloc((size_t)st->nparams + 1, sizeof(*st->param_types));
		st->cols = calloc((size_t)st->ncols + 1, sizeof(*st->cols));
		if (!st->param_types || !st->cols) {
			session_stmt_free(st);
			return rerr_set(err, ERR_INTERNAL, "out of memory");
		}
		for (int i = 0; i < st->ncols; i++) {
			st->cols[i].name = strdup(store_col_name(st->cached, i));
			st->cols[i].type = store_col_type(st->cached, i, &st->cols[i].typmod);
		}
	}
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
	if (st->proto.kind != STMT_EMPTY && !session_is_txn_control(st->proto.kind)) {
		if (st->cached) {
			p->run = st->cached;
			st->cached = NULL;
		} else {
			size_t used;
			if (store_prepare(st->s->sc, st->sql, st->len, &p->run, &used, err) < 0) {
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
		if (p->res.kind == STMT_EMPTY) {
			p->finished = 1;
			*res = p->res;
			return 0;
		}
		if (session_admit(s, &p->res, err) < 0) {
			p->finished = 1;
			return -1;
		}
		if (session_is_txn_control(p->res.kind)) {
			p->finished = 1;
			int rc = session_txn_control(s, p->res.kind, sink, &p->res, err);
			*res = p->res;
			return rc;
		}
		if (p->run && session_before_run(s, p->run, &p->res, err) < 0) {
			p->finished = 1;
			return session_after(s, &p->res, -1);
		}
	}
	int64_t before = p->res.rows;
	int rc = p->run ? session_step_rows(s, p->run, max_rows, 0, sink, &p->res, suspended, err) : 0;
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
