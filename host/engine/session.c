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

/* Run one statement on the store, streaming its rows to the sink. */
static int session_run(struct session *s, struct store_stmt *st, const struct result_sink *sink,
		       struct stmt_result *res, struct rerr *err)
{
	/* SQLite calls SAVEPOINT read-only, but outside a store transaction it
	 * would open a deferred one behind our back: take the write lock first. */
	int writes = !store_readonly(st) || !strcmp(res->verb, "SAVEPOINT");
	if (s->txn == TXN_OPEN && !s->store_txn && writes) {
		if (store_exec(s->sc, "BEGIN IMMEDIATE", err) < 0)
			return -1;
		s->store_txn = 1;
	}
	int n = store_ncols(st);
	if (n > SESSION_MAX_COLS)
		return rerr_set(err, ERR_PROGRAM_LIMIT_EXCEEDED, "target lists can have at most %d entries", SESSION_MAX_COLS);
	if (session_ensure_cols(s, n) < 0)
		return rerr_set(err, ERR_INTERNAL, "out of memory");

	int described = 0;
	for (;;) {
		int rc = store_step(st, err);
		if (rc < 0)
			return -1;
		if (n > 0 && !described) {
			if (session_describe(s, st, n, sink) < 0)
				return rerr_set(err, ERR_CONNECTION_FAILURE, "client went away");
			described = 1;
			res->returned_rows = 1;
		}
		if (rc == 0)
			break;
		for (int i = 0; i < n; i++)
			store_col_value(st, i, &s->vals[i]);
		if (sink && sink->row && sink->row(sink->ctx, n, s->vals) < 0)
			return rerr_set(err, ERR_CONNECTION_FAILURE, "client went away");
		res->rows++;
	}
	if (res->kind == STMT_INSERT || res->kind == STMT_UPDATE || res->kind == STMT_DELETE)
		res->rows = store_changes(s->sc);
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

	if (s->txn == TXN_FAILED && res->kind != STMT_ROLLBACK && res->kind != STMT_COMMIT &&
	    strcmp(res->verb, "ROLLBACK") != 0)
		return rerr_set(err, ERR_IN_FAILED_SQL_TRANSACTION,
				"current transaction is aborted, commands ignored until end of transaction block");

	if (res->kind == STMT_BEGIN || res->kind == STMT_COMMIT || res->kind == STMT_ROLLBACK)
		return session_txn_control(s, res->kind, sink, res, err);
	if (s->txn == TXN_IDLE && (!strcmp(res->verb, "SAVEPOINT") || !strcmp(res->verb, "RELEASE") ||
				   !strcmp(res->verb, "ROLLBACK")))
		return rerr_set(err, ERR_NO_ACTIVE_SQL_TRANSACTION, "%s can only be used in transaction blocks",
				res->verb);

	struct store_stmt *st = NULL;
	size_t stmt_used = 0;
	int rc = store_prepare(s->sc, sql, end, &st, &stmt_used, err);
	if (rc == 0 && st) {
		rc = session_run(s, st, sink, res, err);
		store_finalize(st);
	}
	if (rc < 0) {
		assert(!(s->store_txn && s->txn == TXN_IDLE));
		if (s->txn == TXN_OPEN && s->opts.abort_txn_on_error)
			s->txn = TXN_FAILED;
		return -1;
	}
	if (!strcmp(res->verb, "ROLLBACK") && s->txn == TXN_FAILED)
		s->txn = TXN_OPEN; /* ROLLBACK TO SAVEPOINT recovers the transaction */
	return 0;
}
