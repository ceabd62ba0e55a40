/*
 * store.h — the storage interface under the engine.
 *
 * A store holds databases; a store_conn is one session's connection to one
 * database; a store_stmt is one prepared statement on it.  A store_conn
 * need not be a backend connection of its own: between requests
 * (store_idle) the SQLite backend lends its connection to other sessions.  The engine uses
 * only these calls, so the embedded SQLite backend (store_sqlite.c, the
 * default) and a later PostgreSQL-cluster backend are interchangeable.
 * Every call is synchronous; store_interrupt() is the one call that may
 * come from another thread (it makes the running step fail with
 * ERR_QUERY_CANCELED).
 *
 * SQL functions the engine registers in a backend raise a specific
 * canonical error by starting their message with the SQLSTATE in brackets:
 * "[22012] division by zero" becomes ERR_DIVISION_BY_ZERO with message
 * "division by zero" (store_sqlite_error strips the prefix).
 *
 * INTERFACE ROUTINES
 *   store_open_sqlite   open the SQLite store rooted at a directory
 *   store_close         close a store (all connections must be closed)
 *   store_create_database / store_database_exists
 *   store_connect / store_disconnect     one connection per session
 *   store_prepare       compile the first statement of a text; reports how much text it used
 *   store_step          1 = a row is ready, 0 = done, -1 = error
 *   store_ncols / store_col_name / store_col_type / store_col_value
 *   store_nparams / store_bind / store_reset   parameters: count, bind by ordinal, rewind
 *   store_readonly      the statement does not write
 *   store_changes       rows changed by the last finished statement
 *   store_finalize      release a statement
 *   store_exec          run a statement with no result (BEGIN, COMMIT, ...)
 *   store_columns       the columns of a table or view: names and declared types
 *   store_interrupt     cancel what the connection is running
 *   store_idle          the session is between requests: a backend may lend what it holds to others
 *   store_set_identity  the session's user and database, for SQL functions (current_user, ...)
 *   store_set_commit_listener  be told when a database's committed data changes
 */
#ifndef ROSETTA_ENGINE_STORE_H
#define ROSETTA_ENGINE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "engine/types.h"

struct arena;
struct store;
struct store_conn;
struct store_stmt;

/* A relation's column as the store declares it. */
struct store_column {
	const char *name;
	const char *decl; /* the declared type, "" when none */
};

struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	int (*create_database)(struct store *s, const char *name, struct rerr *err);
	int (*database_exists)(struct store *s, const char *name);
	int (*connect)(struct store *s, const char *database, struct store_conn **out, struct rerr *err);
	void (*disconnect)(struct store_conn *c);
	int (*prepare)(struct store_conn *c, const char *sql, size_t len, struct store_stmt **out,
		       size_t *used, struct rerr *err);
	int (*step)(struct store_stmt *st, struct rerr *err);
	int (*ncols)(struct store_stmt *st);
	const char *(*col_name)(struct store_stmt *st, int i);
	enum rtype (*col_type)(struct store_stmt *st, int i, int32_t *typmod);
	void (*col_value)(struct store_stmt *st, int i, struct rvalue *out);
	int (*readonly)(struct store_stmt *st);
	int (*nparams)(struct store_stmt *st);
	int (*bind)(struct store_stmt *st, int ordinal, const struct rvalue *v, struct rerr *err);
	void (*reset)(struct store_stmt *st);
	int64_t (*changes)(struct store_conn *c);
	void (*finalize)(struct store_stmt *st);
	int (*exec)(struct store_conn *c, const char *sql, struct rerr *err);
	/* Column count (allocated in `a`); -1 when no table or view has that name; -2 + err on failure. */
	int (*columns)(struct store_conn *c, const char *table, struct arena *a, struct store_column **out,
		       struct rerr *err);
	void (*interrupt)(struct store_conn *c);
	void (*idle)(struct store_conn *c);
	int (*set_identity)(struct store_conn *c, const char *user, const char *database, struct rerr *err);
	int (*set_variables)(struct store_conn *c, const char *(*get)(void *ctx, const char *name), void *ctx,
			     struct rerr *err);
	/* Names of the databases, NUL-separated in `out` (appended); count or -1. */
	int (*list_databases)(struct store *s, struct buf *out);
};

/* Every backend's store begins with this header. */
struct store {
	const struct store_ops *ops;
};
struct store_conn {
	struct store *store;
};
struct store_stmt {
	struct store_conn *conn;
};

/*
 * `fn(db_key)` is called, from whichever thread commits, just before and
 * again just after a transaction that wrote a database commits; db_key
 * names the database (its file).  One listener per process (the
 * accelerator's column mirror, accel/mirror.c); it must not call the store.
 */
void store_set_commit_listener(void (*fn)(const char *db_key));

/* Open (creating if needed) the SQLite store whose databases live in `dir`. NULL + err on failure. */
struct store *store_open_sqlite(const char *dir, struct rerr *err);

static inline void store_close(struct store *s) { s->ops->close(s); }
static inline int store_create_database(struct store *s, const char *name, struct rerr *err)
{ return s->ops->create_database(s, name, err); }
static inline int store_database_exists(struct store *s, const char *name)
{ return s->ops->database_exists(s, name); }
static inline int store_connect(struct store *s, const char *db, struct store_conn **out, struct rerr *err)
{ return s->ops->connect(s, db, out, err); }
static inline void store_disconnect(struct store_conn *c) { c->store->ops->disconnect(c); }
static inline int store_prepare(struct store_conn *c, const char *sql, size_t len,
				struct store_stmt **out, size_t *used, struct rerr *err)
{ return c->store->ops->prepare(c, sql, len, out, used, err); }
static inline int store_step(struct store_stmt *st, struct rerr *err)
{ return st->conn->store->ops->step(st, err); }
static inline int store_ncols(struct store_stmt *st) { return st->conn->store->ops->ncols(st); }
static inline const char *store_col_name(struct store_stmt *st, int i)
{ return st->conn->store->ops->col_name(st, i); }
static inline enum rtype store_col_type(struct store_stmt *st, int i, int32_t *typmod)
{ return st->conn->store->ops->col_type(st, i, typmod); }
static inline void store_col_value(struct store_stmt *st, int i, struct rvalue *out)
{ st->conn->store->ops->col_value(st, i, out); }
static inline int store_readonly(struct store_stmt *st) { return st->conn->store->ops->readonly(st); }
static inline int store_nparams(struct store_stmt *st) { return st->conn->store->ops->nparams(st); }
/* Bind the value of parameter `ordinal` (1-based, the unified numbering of host/sql). */
static inline int store_bind(struct store_stmt *st, int ordinal, const struct rvalue *v, struct rerr *err)
{ return st->conn->store->ops->bind(st, ordinal, v, err); }
/* Rewind to before the first step and clear the bindings, so the statement can run again. */
static inline void store_reset(struct store_stmt *st) { st->conn->store->ops->reset(st); }
static inline int64_t store_changes(struct store_conn *c) { return c->store->ops->changes(c); }
static inline void store_finalize(struct store_stmt *st) { st->conn->store->ops->finalize(st); }
static inline int store_exec(struct store_conn *c, const char *sql, struct rerr *err)
{ return c->store->ops->exec(c, sql, err); }
static inline int store_columns(struct store_conn *c, const char *table, struct arena *a,
				struct store_column **out, struct rerr *err)
{
	return c->store->ops->columns(c, table, a, out, err);
}
static inline void store_interrupt(struct store_conn *c) { c->store->ops->interrupt(c); }
static inline void store_idle(struct store_conn *c) { c->store->ops->idle(c); }
/* rosetta_var(name): a session variable, answered by `get(ctx, name)` (NULL for unknown: SQL NULL). */
static inline int store_set_variables(struct store_conn *c, const char *(*get)(void *ctx, const char *name), void *ctx,
				      struct rerr *err)
{ return c->store->ops->set_variables(c, get, ctx, err); }
static inline int store_list_databases(struct store *s, struct buf *out) { return s->ops->list_databases(s, out); }
static inline int store_set_identity(struct store_conn *c, const char *user, const char *database, struct rerr *err)
{ return c->store->ops->set_identity(c, user, database, err); }

#endif
