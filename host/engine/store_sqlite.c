/*
 * store_sqlite.c — the embedded store: one SQLite file per database.
 *
 * Layout: <dir>/<database>.db, each in WAL mode so that readers never block
 * the single writer.  Every session has its own sqlite3 connection
 * (SQLITE_OPEN_NOMUTEX: a connection is used by one thread at a time; only
 * sqlite3_interrupt() crosses threads, which SQLite allows).
 *
 * Durability: a COMMIT that returned has been fsynced, the same promise
 * PostgreSQL makes with fsync=on, synchronous_commit=on.  SQLite runs with
 * synchronous=NORMAL and the WAL hook (called after every commit, once the
 * write lock is released) waits for a group fsync (store_wal.c), so
 * concurrent writers share fsyncs instead of queueing behind each one; a
 * writer waiting for the lock is woken by the commit or rollback that
 * releases it instead of SQLite's sleeping busy timeout.
 *
 * SQLite's result codes and messages are mapped to canonical errors here,
 * and nowhere else (store_sqlite_error).
 */
#include "engine/store.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "engine/catalog_pg.h"
#include "engine/store_wal.h"
#include "engine/sqlite_funcs.h"
#include "engine/vector_sqlite.h"

#define STORE_SQLITE_BUSY_MS 30000 /* PostgreSQL waits for a lock; this waits 30 s, then 55P03 */

struct sqlite_store {
	struct store base;
	char dir[PATH_MAX];
};

struct sqlite_conn {
	struct store_conn base;
	sqlite3 *db;
	struct store_wal_waiter waiter; /* the busy handler's state (store_wal.c) */
};

struct sqlite_stmt {
	struct store_stmt base;
	sqlite3_stmt *st;
	int has_row;
};

static int store_sqlite_valid_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int store_sqlite_path(struct sqlite_store *s, const char *name, char *out, size_t cap)
{
	if (!store_sqlite_valid_name(name))
		return -1;
	int n = snprintf(out, cap, "%s/%s.db", s->dir, name);
	return (n < 0 || (size_t)n >= cap) ? -1 : 0;
}

/* Map SQLite's result (and, where the code is too coarse, its message) to a canonical error. */
static int store_sqlite_error(sqlite3 *db, int rc, struct rerr *err)
{
	int ext = db ? sqlite3_extended_errcode(db) : rc;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	enum errcode code = ERR_INTERNAL;

	switch (ext) {
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_UNIQUE:
		code = ERR_UNIQUE_VIOLATION;
		break;
	case SQLITE_CONSTRAINT_NOTNULL:
		code = ERR_NOT_NULL_VIOLATION;
		break;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		code = ERR_FOREIGN_KEY_VIOLATION;
		break;
	case SQLITE_CONSTRAINT_CHECK:
		code = ERR_CHECK_VIOLATION;
		break;
	case SQLITE_BUSY_SNAPSHOT:
		/* REPEATABLE READ / SERIALIZABLE: another session committed after our snapshot */
		code = ERR_SERIALIZATION_FAILURE;
		msg = "could not serialize access due to concurrent update";
		break;
	default:
		if (msg[0] == '[' && strlen(msg) > 8 && msg[6] == ']' && msg[7] == ' ') {
			/* an engine function's error: "[SQLSTATE] message" */
			char state[6];
			memcpy(state, msg + 1, 5);
			state[5] = 0;
			code = errcode_from_sqlstate(state);
			msg += 8;
			break;
		}
		switch (ext & 0xff) {
		case SQLITE_INTERRUPT:
			code = ERR_QUERY_CANCELED;
			msg = "canceling statement due to user request";
			break;
		case SQLITE_BUSY:
		case SQLITE_LOCKED:
			code = ERR_LOCK_NOT_AVAILABLE;
			msg = "could not obtain lock: another transaction holds the write lock";
			break;
		case SQLITE_FULL:
			code = ERR_DISK_FULL;
			break;
		case SQLITE_IOERR:
		case SQLITE_CORRUPT:
		case SQLITE_CANTOPEN:
			code = ERR_IO_ERROR;
			break;
		case SQLITE_TOOBIG:
			code = ERR_PROGRAM_LIMIT_EXCEEDED;
			break;
		case SQLITE_MISMATCH:
			code = ERR_DATATYPE_MISMATCH;
			break;
		case SQLITE_CONSTRAINT:
			code = ERR_CHECK_VIOLATION;
			break;
		case SQLITE_ERROR:
			if (strncmp(msg, "no such table", 13) == 0 || strncmp(msg, "no such view", 12) == 0)
				code = ERR_UNDEFINED_TABLE;
			else if (strncmp(msg, "no such column", 14) == 0 || strstr(msg, "has no column named"))
				code = ERR_UNDEFINED_COLUMN;
			else if (strncmp(msg, "ambiguous column name", 21) == 0)
				code = ERR_AMBIGUOUS_COLUMN;
			else if (strncmp(msg, "duplicate column name", 21) == 0)
				code = ERR_DUPLICATE_COLUMN;
			else if (strncmp(msg, "misuse of aggregate", 19) == 0 || strncmp(msg, "misuse of window function", 25) == 0)
				code = ERR_GROUPING_ERROR;
			else if (strstr(msg, "ON CONFLICT clause does not match"))
				code = ERR_INVALID_COLUMN_REFERENCE;
			else if (strstr(msg, "values for") && strstr(msg, "columns"))
				code = ERR_SYNTAX_ERROR;
			else if (strncmp(msg, "cannot modify", 13) == 0 && strstr(msg, "because it is a view"))
				code = ERR_WRONG_OBJECT_TYPE;
			else if (strncmp(msg, "no such function", 16) == 0)
				code = ERR_UNDEFINED_FUNCTION;
			else if (strstr(msg, "syntax error") || strncmp(msg, "unrecognized token", 18) == 0 ||
				 strncmp(msg, "incomplete input", 16) == 0)
				code = ERR_SYNTAX_ERROR;
			else if (strstr(msg, "already exists"))
				code = strncmp(msg, "table", 5) == 0 ? ERR_DUPLICATE_TABLE : ERR_DUPLICATE_OBJECT;
			else if (strncmp(msg, "no such index", 13) == 0)
				code = ERR_UNDEFINED_OBJECT;
			break;
		}
	}
	return rerr_set(err, code, "%s", msg);
}

static void store_sqlite_close(struct store *base)
{
	free(base);
}

static int store_sqlite_database_exists(struct store *base, const char *name)
{
	char path[PATH_MAX];
	if (store_sqlite_path((struct sqlite_store *)base, name, path, sizeof(path)) < 0)
		return 0;
	return access(path, F_OK) == 0;
}

/* ---- commit listener (the accelerator's column mirror) ---------------- */

static void (*store_commit_listener)(const char *db_key);

void store_set_commit_listener(void (*fn)(const char *db_key))
{
	__atomic_store_n(&store_commit_listener, fn, __ATOMIC_RELEASE);
}

static void store_sqlite_notify(sqlite3 *db)
{
	void (*fn)(const char *) = __atomic_load_n(&store_commit_listener, __ATOMIC_ACQUIRE);
	if (fn)
		fn(sqlite3_db_filename(db, "main"));
}

/* Before a writing transaction commits ... */
static int store_sqlite_commit_hook(void *db)
{
	store_sqlite_notify(db);
	return 0; /* 0: let it commit */
}

/* ... and after, once the write lock is released.  Setting a WAL hook replaces
 * SQLite's auto-checkpoint, so this does its default (PASSIVE at 1000 pages). */
static int store_sqlite_wal_hook(void *wal, sqlite3 *db, const char *name, int pages)
{
	if (wal)
		store_wal_committed(wal); /* wake the next writer; durable before anyone is told */
	store_sqlite_notify(db);
	if (pages >= 1000)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

/* A rollback is about to release the write lock: wake writers waiting for it. */
static void store_sqlite_rollback_hook(void *wal)
{
	store_wal_released(wal);
}

static int store_sqlite_open_db(const char *path, int create, sqlite3 **out, struct rerr *err)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		store_sqlite_error(db, rc, err);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, STORE_SQLITE_BUSY_MS);
	sqlite3_extended_result_codes(db, 1);
	static const char pragmas[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
	char *emsg = NULL;
	rc = sqlite3_exec(db, pragmas, NULL, NULL, &emsg);
	if (rc != SQLITE_OK) {
		rerr_set(err, ERR_IO_ERROR, "could not configure database: %s", emsg ? emsg : "?");
		sqlite3_free(emsg);
		sqlite3_close(db);
		return -1;
	}
	/* the engine's SQL functions: dialect semantics (division, LIKE, ...) and VECTOR(N) */
	if (sqlite_funcs_register(db) != SQLITE_OK || vector_sqlite_register(db) != SQLITE_OK) {
		rerr_set(err, ERR_INTERNAL, "could not register SQL functions: %s", sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	/* PostgreSQL's system catalogs: functions now, the tables on first use */
	if (catalog_pg_install(db) != SQLITE_OK) {
		rerr_set(err, ERR_INTERNAL, "could not create the system catalogs: %s", sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_commit_hook(db, store_sqlite_commit_hook, db);
	sqlite3_wal_hook(db, store_sqlite_wal_hook, NULL);
	*out = db;
	return 0;
}

static int store_sqlite_create_database(struct store *base, const char *name, struct rerr *err)
{
	char path[PATH_MAX];
	if (store_sqlite_path((struct sqlite_store *)base, name, path, sizeof(path)) < 0)
		return rerr_set(err, ERR_INVALID_CATALOG_NAME, "invalid database name \"%s\"", name);
	if (access(path, F_OK) == 0)
		return rerr_set(err, ERR_DUPLICATE_OBJECT, "database \"%s\" already exists", name);
	sqlite3 *db;
	if (store_sqlite_open_db(path, 1, &db, err) < 0)
		return -1;
	sqlite3_close(db);
	return 0;
}

static int store_sqlite_connect(struct store *base, const char *database, struct store_conn **out,
				struct rerr *err)
{
	char path[PATH_MAX];
	if (store_sqlite_path((struct sqlite_store *)base, database, path, sizeof(path)) < 0 ||
	    access(path, F_OK) != 0)
		return rerr_set(err, ERR_INVALID_CATALOG_NAME, "database \"%s\" does not exist", database);
	struct sqlite_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	if (store_sqlite_open_db(path, 0, &c->db, err) < 0) {
		free(c);
		return -1;
	}
	c->waiter.wal = store_wal_for(path);
	c->waiter.timeout_ms = STORE_SQLITE_BUSY_MS;
	sqlite3_busy_handler(c->db, store_wal_busy, &c->waiter);
	if (c->waiter.wal) {
		sqlite3_wal_hook(c->db, store_sqlite_wal_hook, c->waiter.wal);
		sqlite3_rollback_hook(c->db, store_sqlite_rollback_hook, c->waiter.wal);
	}
	c->base.store = base;
	*out = &c->base;
	return 0;
}

static void store_sqlite_disconnect(struct store_conn *base)
{
	struct sqlite_conn *c = (struct sqlite_conn *)base;
	/* A session that goes away inside a transaction loses it, as on any server. */
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close_v2(c->db);
	free(c);
}

/*
 * The catalogs (catalog_pg.h) cost ~7 ms and ~170 KB a connection, most of a
 * session's start-up, and most sessions never read them; so a connection
 * gets them when a statement fails for a missing table and they are not
 * there yet (never created, or created inside a transaction that rolled
 * back).  Returns 1 when they were just created: the caller retries once.
 */
static int store_sqlite_catalog_missing(sqlite3 *db, int rc)
{
	if (rc != SQLITE_ERROR || strncmp(sqlite3_errmsg(db), "no such table: ", 15) != 0)
		return 0;
	if (sqlite3_table_column_metadata(db, "temp", "pg_namespace", NULL, NULL, NULL, NULL, NULL, NULL) ==
	    SQLITE_OK)
		return 0; /* they are there: the table is really missing */
	if (catalog_pg_install_tables(db) == SQLITE_OK)
		return 1;
	log_warn("catalog_install_failed", "error=\"%s\"", sqlite3_errmsg(db));
	return 0;
}

static int store_sqlite_prepare(struct store_conn *base, const char *sql, size_t len,
				struct store_stmt **out, size_t *used, struct rerr *err)
{
	struct sqlite_conn *c = (struct sqlite_conn *)base;
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	if (len > INT_MAX)
		return rerr_set(err, ERR_PROGRAM_LIMIT_EXCEEDED, "statement too long");
	int rc = sqlite3_prepare_v2(c->db, sql, (int)len, &st, &tail);
	if (rc != SQLITE_OK && store_sqlite_catalog_missing(c->db, rc))
		rc = sqlite3_prepare_v2(c->db, sql, (int)len, &st, &tail);
	if (rc != SQLITE_OK)
		return store_sqlite_error(c->db, rc, err);
	*used = tail ? (size_t)(tail - sql) : len;
	if (!st) { /* only white space or comments */
		*out = NULL;
		return 0;
	}
	struct sqlite_stmt *s = calloc(1, sizeof(*s));
	if (!s) {
		sqlite3_finalize(st);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	s->base.conn = base;
	s->st = st;
	*out = &s->base;
	return 0;
}

static int store_sqlite_step(struct store_stmt *base, struct rerr *err)
{
	struct sqlite_stmt *s = (struct sqlite_stmt *)base;
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW) {
		s->has_row = 1;
		return 1;
	}
	s->has_row = 0;
	if (rc == SQLITE_DONE)
		return 0;
	return store_sqlite_error(((struct sqlite_conn *)base->conn)->db, rc, err);
}

static int store_sqlite_ncols(struct store_stmt *base)
{
	return sqlite3_column_count(((struct sqlite_stmt *)base)->st);
}

static const char *store_sqlite_col_name(struct store_stmt *base, int i)
{
	const char *n = sqlite3_column_name(((struct sqlite_stmt *)base)->st, i);
	return n ? n : "?column?";
}

/*
 * A column's type is its declared type when it comes from a table; an
 * expression has none, so its type is read off the first row (INTEGER ->
 * bigint, REAL -> double precision, TEXT -> text, BLOB -> bytea).  The
 * canonical engine (binder) replaces this guess with inferred types.
 */
static enum rtype store_sqlite_col_type(struct store_stmt *base, int i, int32_t *typmod)
{
	struct sqlite_stmt *s = (struct sqlite_stmt *)base;
	enum rtype t = rtype_from_decl(sqlite3_column_decltype(s->st, i), typmod);
	if (t != RT_UNKNOWN)
		return t;
	if (!s->has_row)
		return RT_TEXT;
	switch (sqlite3_column_type(s->st, i)) {
	case SQLITE_INTEGER:
		return RT_INT8;
	case SQLITE_FLOAT:
		return RT_FLOAT8;
	case SQLITE_BLOB:
		return RT_BYTEA;
	default:
		return RT_TEXT;
	}
}

static void store_sqlite_col_value(struct store_stmt *base, int i, struct rvalue *v)
{
	sqlite3_stmt *st = ((struct sqlite_stmt *)base)->st;
	memset(v, 0, sizeof(*v));
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		v->kind = RV_NULL;
		break;
	case SQLITE_INTEGER:
		v->kind = RV_INT;
		v->i = sqlite3_column_int64(st, i);
		break;
	case SQLITE_FLOAT:
		v->kind = RV_FLOAT;
		v->f = sqlite3_column_double(st, i);
		break;
	case SQLITE_BLOB:
		v->kind = RV_BLOB;
		v->p = sqlite3_column_blob(st, i);
		v->n = (size_t)sqlite3_column_bytes(st, i);
		break;
	default:
		v->kind = RV_TEXT;
		v->p = sqlite3_column_text(st, i);
		v->n = (size_t)sqlite3_column_bytes(st, i);
		break;
	}
}

static int store_sqlite_readonly(struct store_stmt *base)
{
	return sqlite3_stmt_readonly(((struct sqlite_stmt *)base)->st);
}

/*
 * The highest parameter ordinal.  Until every dialect is deparsed to ?NNN,
 * PostgreSQL's $n reaches SQLite as written, where it is a named parameter;
 * "$n" and "?n" both count as ordinal n.
 */
static int store_sqlite_nparams(struct store_stmt *base)
{
	sqlite3_stmt *st = ((struct sqlite_stmt *)base)->st;
	int n = sqlite3_bind_parameter_count(st), max = 0;
	for (int i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);
		int ord = i;
		if (name && (name[0] == '$' || name[0] == '?') && name[1] >= '0' && name[1] <= '9')
			ord = atoi(name + 1);
		else if (name)
			ord = i;
		if (ord > max)
			max = ord;
	}
	return max;
}

static int store_sqlite_bind_index(sqlite3_stmt *st, int ordinal)
{
	char name[16];
	snprintf(name, sizeof(name), "$%d", ordinal);
	int idx = sqlite3_bind_parameter_index(st, name);
	if (idx)
		return idx;
	snprintf(name, sizeof(name), "?%d", ordinal);
	idx = sqlite3_bind_parameter_index(st, name);
	return idx ? idx : ordinal;
}

static int store_sqlite_bind(struct store_stmt *base, int ordinal, const struct rvalue *v, struct rerr *err)
{
	sqlite3_stmt *st = ((struct sqlite_stmt *)base)->st;
	int idx = store_sqlite_bind_index(st, ordinal), rc;
	if (idx < 1 || idx > sqlite3_bind_parameter_count(st))
		return rerr_set(err, ERR_PROTOCOL_VIOLATION, "bind message supplies parameter %d, but the statement has %d",
				ordinal, sqlite3_bind_parameter_count(st));
	switch (v->kind) {
	case RV_NULL:
		rc = sqlite3_bind_null(st, idx);
		break;
	case RV_INT:
		rc = sqlite3_bind_int64(st, idx, v->i);
		break;
	case RV_FLOAT:
		rc = sqlite3_bind_double(st, idx, v->f);
		break;
	case RV_BLOB:
		rc = sqlite3_bind_blob64(st, idx, v->p, v->n, SQLITE_TRANSIENT);
		break;
	default:
		rc = sqlite3_bind_text64(st, idx, (const char *)v->p, v->n, SQLITE_TRANSIENT, SQLITE_UTF8);
		break;
	}
	return rc == SQLITE_OK ? 0 : store_sqlite_error(sqlite3_db_handle(st), rc, err);
}

static void store_sqlite_reset(struct store_stmt *base)
{
	struct sqlite_stmt *s = (struct sqlite_stmt *)base;
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	s->has_row = 0;
}

static int64_t store_sqlite_changes(struct store_conn *base)
{
	return sqlite3_changes64(((struct sqlite_conn *)base)->db);
}

static void store_sqlite_finalize(struct store_stmt *base)
{
	struct sqlite_stmt *s = (struct sqlite_stmt *)base;
	sqlite3_finalize(s->st);
	free(s);
}

static int store_sqlite_exec(struct store_conn *base, const char *sql, struct rerr *err)
{
	sqlite3 *db = ((struct sqlite_conn *)base)->db;
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK && store_sqlite_catalog_missing(db, rc))
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : store_sqlite_error(db, rc, err);
}

/* A SQL function returning the text it was registered with (user data). */
static void store_sqlite_constant_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_text(ctx, sqlite3_user_data(ctx), -1, SQLITE_TRANSIENT);
}

static int store_sqlite_set_identity(struct store_conn *base, const char *user, const char *database,
				     struct rerr *err)
{
	sqlite3 *db = ((struct sqlite_conn *)base)->db;
	static const char *const user_fns[] = {"rosetta_current_user", "current_user", "session_user", "user"};
	static const char *const db_fns[] = {"current_database", "database"};
	for (size_t i = 0; i < sizeof(user_fns) / sizeof(user_fns[0]); i++) {
		char *u = sqlite3_mprintf("%s", user);
		if (!u || sqlite3_create_function_v2(db, user_fns[i], 0, SQLITE_UTF8, u, store_sqlite_constant_text,
						     NULL, NULL, sqlite3_free) != SQLITE_OK)
			return rerr_set(err, ERR_INTERNAL, "could not register %s()", user_fns[i]);
	}
	for (size_t i = 0; i < sizeof(db_fns) / sizeof(db_fns[0]); i++) {
		char *d = sqlite3_mprintf("%s", database);
		if (!d || sqlite3_create_function_v2(db, db_fns[i], 0, SQLITE_UTF8, d, store_sqlite_constant_text, NULL,
						     NULL, sqlite3_free) != SQLITE_OK)
			return rerr_set(err, ERR_INTERNAL, "could not register %s()", db_fns[i]);
	}
	return 0;
}

struct store_sqlite_vars {
	const char *(*get)(void *ctx, const char *name);
	void *ctx;
};

static void store_sqlite_var(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct store_sqlite_vars *v = sqlite3_user_data(ctx);
	const char *name = (const char *)sqlite3_value_text(argv[0]);
	const char *value = name ? v->get(v->ctx, name) : NULL;
	if (value)
		sqlite3_result_text(ctx, value, -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
}

/* MySQL's CONNECTION_ID(): the protocol handler keeps it in the variable pseudo_thread_id. */
static void store_sqlite_connection_id(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	struct store_sqlite_vars *v = sqlite3_user_data(ctx);
	const char *value = v->get(v->ctx, "pseudo_thread_id");
	sqlite3_result_int64(ctx, value ? strtoll(value, NULL, 10) : 0);
}

/* MySQL's VERSION(): @@version (the MySQL dialect maps VERSION() here). */
static void store_sqlite_mysql_version(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	struct store_sqlite_vars *v = sqlite3_user_data(ctx);
	const char *value = v->get(v->ctx, "version");
	sqlite3_result_text(ctx, value ? value : "8.0.40-rosetta", -1, SQLITE_TRANSIENT);
}

static int store_sqlite_set_variables(struct store_conn *base, const char *(*get)(void *ctx, const char *name),
				      void *vctx, struct rerr *err)
{
	sqlite3 *db = ((struct sqlite_conn *)base)->db;
	struct store_sqlite_vars *v = sqlite3_malloc(sizeof(*v));
	if (!v)
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	v->get = get;
	v->ctx = vctx;
	/* not deterministic: SET changes the answer between statements */
	if (sqlite3_create_function_v2(db, "rosetta_var", 1, SQLITE_UTF8, v, store_sqlite_var, NULL, NULL,
				       sqlite3_free) != SQLITE_OK)
		return rerr_set(err, ERR_INTERNAL, "could not register rosetta_var()");
	if (sqlite3_create_function_v2(db, "connection_id", 0, SQLITE_UTF8, v, store_sqlite_connection_id, NULL, NULL,
				       NULL) != SQLITE_OK)
		return rerr_set(err, ERR_INTERNAL, "could not register connection_id()");
	if (sqlite3_create_function_v2(db, "rosetta_mysql_version", 0, SQLITE_UTF8, v, store_sqlite_mysql_version, NULL,
				       NULL, NULL) != SQLITE_OK)
		return rerr_set(err, ERR_INTERNAL, "could not register rosetta_mysql_version()");
	return 0;
}

static int store_sqlite_list_databases(struct store *base, struct buf *out)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	DIR *d = opendir(s->dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len > 3 && !strcmp(e->d_name + len - 3, ".db")) {
			buf_append(out, e->d_name, len - 3);
			buf_put_u8(out, 0);
			n++;
		}
	}
	closedir(d);
	return n;
}

static void store_sqlite_interrupt(struct store_conn *base)
{
	sqlite3_interrupt(((struct sqlite_conn *)base)->db);
}

static const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.close = store_sqlite_close,
	.create_database = store_sqlite_create_database,
	.database_exists = store_sqlite_database_exists,
	.connect = store_sqlite_connect,
	.disconnect = store_sqlite_disconnect,
	.prepare = store_sqlite_prepare,
	.step = store_sqlite_step,
	.ncols = store_sqlite_ncols,
	.col_name = store_sqlite_col_name,
	.col_type = store_sqlite_col_type,
	.col_value = store_sqlite_col_value,
	.readonly = store_sqlite_readonly,
	.nparams = store_sqlite_nparams,
	.bind = store_sqlite_bind,
	.reset = store_sqlite_reset,
	.changes = store_sqlite_changes,
	.finalize = store_sqlite_finalize,
	.exec = store_sqlite_exec,
	.interrupt = store_sqlite_interrupt,
	.set_identity = store_sqlite_set_identity,
	.set_variables = store_sqlite_set_variables,
	.list_databases = store_sqlite_list_databases,
};

struct store *store_open_sqlite(const char *dir, struct rerr *err)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		rerr_set(err, ERR_IO_ERROR, "could not create directory \"%s\": %s", dir, strerror(errno));
		return NULL;
	}
	struct sqlite_store *s = calloc(1, sizeof(*s));
	if (!s || strlen(dir) >= sizeof(s->dir)) {
		free(s);
		rerr_set(err, ERR_INTERNAL, "cannot open store at \"%s\"", dir);
		return NULL;
	}
	s->base.ops = &store_sqlite_ops;
	strcpy(s->dir, dir);
	log_info("store_open", "backend=sqlite dir=%s sqlite=%s", dir, sqlite3_libversion());
	return &s->base;
}
