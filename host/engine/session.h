/*
 * session.h — the embedded session API every protocol handler uses.
 *
 * A session is one authenticated client's view of one database: its store
 * connection, its transaction state, and the rules its ecosystem expects.
 * Handlers feed it statement text and receive columns, rows, notices and
 * a result summary through a struct result_sink; they never touch the store.
 *
 * Transactions (READ COMMITTED, as PostgreSQL means it):
 *
 *   IDLE --BEGIN--> OPEN --COMMIT/ROLLBACK--> IDLE
 *                    |  \--error, abort_txn_on_error--> FAILED --ROLLBACK/COMMIT--> IDLE
 *                    \--first writing statement: store write transaction taken (store_txn=1)
 *
 * Inside OPEN, statements that only read run in the store's autocommit mode,
 * so each sees what was committed before it began; the first statement that
 * writes takes the store's write lock (BEGIN IMMEDIATE on SQLite) and holds
 * it to COMMIT.  While the lock is held no other session can commit, so the
 * latest committed state plus our own writes is exactly what later statements
 * must see — READ COMMITTED with no spurious serialization failures.
 *
 * INTERFACE ROUTINES
 *   session_open / session_close
 *   session_execute     run the first statement of a text; reports how much text it used
 *   session_txn_state   IDLE / OPEN / FAILED (PostgreSQL's I / T / E)
 *   session_cancel      interrupt the running statement (any thread)
 *   session_idle        the client is waiting for nothing: release what can be shared
 */
#ifndef ROSETTA_ENGINE_SESSION_H
#define ROSETTA_ENGINE_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "engine/store.h"
#include "engine/types.h"
#include "sql/dialect.h"

enum txn_state { TXN_IDLE, TXN_OPEN, TXN_FAILED };

enum stmt_kind {
	STMT_EMPTY,    /* only white space or comments */
	STMT_SELECT,   /* returns rows */
	STMT_INSERT,
	STMT_UPDATE,
	STMT_DELETE,
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_OTHER,    /* DDL and the rest: the verb names it */
};

struct session_opts {
	enum sql_dialect dialect; /* how statement text is parsed */
	/* A failed statement inside a transaction aborts the transaction until
	 * ROLLBACK (PostgreSQL); otherwise only the statement fails (MySQL). */
	int abort_txn_on_error;
};

struct stmt_result {
	enum stmt_kind kind;
	char verb[72];    /* the command's leading words, upper case: "CREATE TABLE", "INSERT" */
	int64_t rows;     /* rows returned (STMT_SELECT) or changed (INSERT/UPDATE/DELETE) */
	int returned_rows; /* a result set (columns) was produced */
};

struct result_sink {
	void *ctx;
	/* Before the first row of a statement that returns rows (also when it returns none). */
	int (*columns)(void *ctx, int n, const struct column_desc *cols);
	/* One row; values are valid only during the call.  Return -1 to stop (the statement fails). */
	int (*row)(void *ctx, int n, const struct rvalue *vals);
	/* A warning or notice that does not fail the statement. */
	void (*notice)(void *ctx, const struct rerr *notice);
};

struct session;

int session_open(struct store *store, const char *user, const char *database,
		 const struct session_opts *opts, struct session **out, struct rerr *err);
void session_close(struct session *s);

/*
 * Run the first statement of sql[0..len).  `*used` is set to the bytes it
 * spanned (through its ';'), so a caller with several statements loops.
 * Returns 0 (result in *res) or -1 (error in *err; the transaction state has
 * been updated as the session's options say).
 */
int session_execute(struct session *s, const char *sql, size_t len, size_t *used,
		    const struct result_sink *sink, struct stmt_result *res, struct rerr *err);

/*
 * Prepared statements and portals (the extended protocols of PostgreSQL,
 * MySQL's COM_STMT_*, TDS RPC, ...).
 *
 *   session_prepare        one statement -> struct session_stmt: parameter count
 *                          and types, result columns, known before execution
 *   session_portal_open    a statement + parameter values -> a portal
 *   session_portal_run     up to max_rows rows (0 = all) to the sink; *suspended
 *                          says more remain, and the next call continues
 *   session_portal_close / session_stmt_close
 *
 * A statement may back several portals at once; each portal runs its own
 * store statement (the statement's compiled one is lent to the first).
 * Values are in the canonical kinds of struct rvalue; protocols decode
 * their wire formats into them.  Column descriptions point into the
 * statement and live as long as it.
 */
struct session_stmt;
struct session_portal;

int session_prepare(struct session *s, const char *sql, size_t len, struct session_stmt **out,
		    struct rerr *err);
int session_stmt_nparams(const struct session_stmt *st);
enum rtype session_stmt_param_type(const struct session_stmt *st, int i); /* i is 0-based */
/* Result columns; *ncols = 0 for a statement that returns no rows. */
const struct column_desc *session_stmt_columns(const struct session_stmt *st, int *ncols);
enum stmt_kind session_stmt_kind(const struct session_stmt *st);
void session_stmt_close(struct session_stmt *st);

int session_portal_open(struct session_stmt *st, const struct rvalue *params, int nparams,
			struct session_portal **out, struct rerr *err);
int session_portal_run(struct session_portal *p, int64_t max_rows, const struct result_sink *sink,
		       struct stmt_result *res, int *suspended, struct rerr *err);
void session_portal_close(struct session_portal *p);

/* The result columns of DECLAREd cursor `name` (a portal to PostgreSQL's Describe), or NULL when none is open. */
const struct column_desc *session_cursor_columns(struct session *s, const char *name, int *ncols);
/* Name a protocol's portal as a cursor (FETCH/MOVE reach it; 42P03 when the name is taken); detach before closing it. */
int session_cursor_attach(struct session *s, const char *name, struct session_stmt *st,
			  struct session_portal *portal, struct rerr *err);
void session_cursor_detach(struct session *s, const char *name);

enum txn_state session_txn_state(const struct session *s);
const char *session_user(const struct session *s);
const char *session_database(const struct session *s);
void session_cancel(struct session *s);
/* Call when a request is fully answered (PostgreSQL's ReadyForQuery, MySQL's reply). */
void session_idle(struct session *s);
/* A session variable's value (SET or the dialect's default), NULL when unknown; and SET name = value. */
const char *session_get_var(struct session *s, const char *name);
int session_set_var(struct session *s, const char *name, const char *value, struct rerr *err);
/* Mark an open transaction failed, as a statement error would (under abort_txn_on_error); for
 * handler-side failures such as a malformed COPY row. */
void session_fail(struct session *s);

#endif
