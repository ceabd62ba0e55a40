/*
 * store_sqlite.c — the embedded store: one SQLite file per database.
 *
 * Layout: <dir>/<database>.db, each in WAL mode so that readers never block
 * the single writer.
 *
 * Connections: a session's store_conn (struct sqlite_conn) is a handle, not
 * a SQLite connection.  It borrows one (struct sqlite_db) from its
 * database's pool on its first statement and gives it back when the session
 * goes idle (store_idle, called between requests) with nothing tied to it:
 * no open transaction, no live statement (a prepared statement or an open
 * cursor keeps it), and no connection-local state (TEMP objects, PRAGMA,
 * ATTACH pin it for the session's life).  So an idle session costs no file
 * descriptors and no page cache, and 10,000 idle clients need only as many
 * SQLite connections as are busy.  A SQLite connection is used by one thread
 * at a time (SQLITE_OPEN_NOMUTEX); only sqlite3_interrupt() crosses threads,
 * under the store's lock so it never reaches a connection another session
 * has borrowed since.  The session-specific SQL functions (current_user,
 * rosetta_var, ...) are registered once per SQLite connection and read the
 * borrowing session; LAST_INSERT_ID() moves with the session.
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

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <strings.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "engine/catalog_pg.h"
#include "engine/sqlite_columns.h"
#include "engine/store_wal.h"
#include "engine/sqlite_funcs.h"
#include "engine/vector_sqlite.h"

#define STORE_SQLITE_BUSY_MS 30000 /* PostgreSQL waits for a lock; this waits 30 s, then 55P03 */

#define STORE_SQLITE_POOL_IDLE_MAX 32 /* idle SQLite connections kept per database */
#define STORE_SQLITE_CACHE 32          /* compiled statements kept per SQLite connection */
#define STORE_SQLITE_CACHE_TEXT 4096   /* longer texts (literal-laden INSERTs) are not kept */

struct sqlite_conn;

/* One SQLite connection to one database file, lent to one session at a time. */
struct sqlite_db {
	struct sqlite_db *next; /* in the pool's idle list */
	sqlite3 *db;
	/* Finished statements kept compiled, keyed by their text (sqlite3_sql), oldest first:
	 * a session's prepared statements come back here between requests (session_idle). */
	sqlite3_stmt *cache[STORE_SQLITE_CACHE];
	uint32_t cache_hash[STORE_SQLITE_CACHE];
	int ncache;
	struct store_wal_waiter waiter; /* the busy handler's state (store_wal.c) */
	struct sqlite_columns *columns; /* the binder's column lists (sqlite_columns.c) */
	struct sqlite_conn *owner;      /* the borrowing session; NULL while idle (store lock) */
};

/* The SQLite connections to one database file that no session holds. */
struct sqlite_pool {
	struct sqlite_pool *next;
	struct sqlite_db *idle;
	int nidle;
	char path[PATH_MAX];
};

struct sqlite_store {
	struct store base;
	pthread_mutex_t lock; /* pools, and every sqlite_conn's `held` and sqlite_db's `owner` */
	struct sqlite_pool *pools;
	char dir[PATH_MAX];
};

/* A session's handle on a database (see the header comment). */
struct sqlite_conn {
	struct store_conn base;
	struct sqlite_pool *pool;
	struct sqlite_db *held;  /* borrowed SQLite connection, or NULL; changed under the store lock */
	int nstmts;              /* live statements: each keeps `held` */
	int pinned;              /* connection-local state was created: keep `held` for good */
	int64_t last_rowid;      /* LAST_INSERT_ID() while nothing is held */
	char user[64];
	char database[64];
	const char *(*var_get)(void *ctx, const char *name);
	void *var_ctx;
};

struct sqlite_stmt {
	struct store_stmt base;
	sqlite3_stmt *st;
	int has_row;
	int cacheable;  /* its text is its whole key: back to the cache when finalized */
	int ddl;        /* creates, alters or drops a schema object (never cached) */
	uint32_t hash;
};

static sqlite3 *store_sqlite_handle(struct store_conn *base)
{
	return ((struct sqlite_conn *)base)->held->db;
}

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

/* FNV-1a: the statement cache's key. */
static uint32_t store_sqlite_hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 16777619u;
	return h;
}

static void store_sqlite_db_close(struct sqlite_db *d)
{
	for (int i = 0; i < d->ncache; i++)
		sqlite3_finalize(d->cache[i]);
	sqlite_columns_free(d->columns);
	sqlite3_close_v2(d->db);
	free(d);
}

/* A compiled statement for exactly this text, taken out of the cache; NULL when none. */
static sqlite3_stmt *store_sqlite_cache_take(struct sqlite_db *d, const char *sql, size_t len, uint32_t hash)
{
	for (int i = d->ncache - 1; i >= 0; i--) {
		if (d->cache_hash[i] != hash)
			continue;
		const char *text = sqlite3_sql(d->cache[i]);
		if (strlen(text) == len && !memcmp(text, sql, len)) {
			sqlite3_stmt *st = d->cache[i];
			memmove(&d->cache[i], &d->cache[i + 1], sizeof(d->cache[0]) * (size_t)(d->ncache - i - 1));
			memmove(&d->cache_hash[i], &d->cache_hash[i + 1], sizeof(d->cache_hash[0]) * (size_t)(d->ncache - i - 1));
			d->ncache--;
			return st;
		}
	}
	return NULL;
}

static void store_sqlite_cache_put(struct sqlite_db *d, sqlite3_stmt *st, uint32_t hash)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (d->ncache == STORE_SQLITE_CACHE) { /* the oldest goes */
		sqlite3_finalize(d->cache[0]);
		memmove(&d->cache[0], &d->cache[1], sizeof(d->cache[0]) * (STORE_SQLITE_CACHE - 1));
		memmove(&d->cache_hash[0], &d->cache_hash[1], sizeof(d->cache_hash[0]) * (STORE_SQLITE_CACHE - 1));
		d->ncache--;
	}
	d->cache[d->ncache] = st;
	d->cache_hash[d->ncache++] = hash;
}

static void store_sqlite_close(struct store *base)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	while (s->pools) {
		struct sqlite_pool *p = s->pools;
		s->pools = p->next;
		while (p->idle) {
			struct sqlite_db *d = p->idle;
			p->idle = d->next;
			store_sqlite_db_close(d);
		}
		free(p);
	}
	pthread_mutex_destroy(&s->lock);
	free(s);
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
	/*
	 * mmap_size: pages of the database file are read through a shared mapping
	 * (up to SQLite's compile-time cap), not pread() into each pooled
	 * connection's own 2 MB page cache.  A point select on a table larger than
	 * that cache otherwise costs two or three preads and page copies; measured
	 * with pgbench -S at scale 10, this halves the server's CPU per
	 * transaction.  Pages still in the WAL are read as before.
	 */
	static const char pragmas[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
				      " PRAGMA mmap_size=2147418112;";
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

static void store_sqlite_register_session_functions(sqlite3 *db, struct sqlite_db *d);

/* The pool of a database file, created on first use.  Store lock held. */
static struct sqlite_pool *store_sqlite_pool_for(struct sqlite_store *s, const char *path)
{
	for (struct sqlite_pool *p = s->pools; p; p = p->next)
		if (!strcmp(p->path, path))
			return p;
	struct sqlite_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	snprintf(p->path, sizeof(p->path), "%s", path);
	p->next = s->pools;
	s->pools = p;
	return p;
}

static int store_sqlite_db_open(const char *path, struct sqlite_db **out, struct rerr *err)
{
	struct sqlite_db *d = calloc(1, sizeof(*d));
	if (!d)
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	if (store_sqlite_open_db(path, 0, &d->db, err) < 0) {
		free(d);
		return -1;
	}
	store_sqlite_register_session_functions(d->db, d);
	if (!(d->columns = sqlite_columns_new(d->db))) {
		sqlite3_close_v2(d->db);
		free(d);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	d->waiter.wal = store_wal_for(path);
	d->waiter.timeout_ms = STORE_SQLITE_BUSY_MS;
	sqlite3_busy_handler(d->db, store_wal_busy, &d->waiter);
	if (d->waiter.wal) {
		sqlite3_wal_hook(d->db, store_sqlite_wal_hook, d->waiter.wal);
		sqlite3_rollback_hook(d->db, store_sqlite_rollback_hook, d->waiter.wal);
	}
	*out = d;
	return 0;
}

/* Make sure the session holds a SQLite connection: an idle one from the pool, or a new one. */
static int store_sqlite_acquire(struct sqlite_conn *c, struct rerr *err)
{
	if (c->held)
		return 0;
	struct sqlite_store *s = (struct sqlite_store *)c->base.store;
	struct sqlite_db *d;
	pthread_mutex_lock(&s->lock);
	d = c->pool->idle;
	if (d) {
		c->pool->idle = d->next;
		c->pool->nidle--;
	}
	pthread_mutex_unlock(&s->lock);
	if (!d && store_sqlite_db_open(c->pool->path, &d, err) < 0)
		return -1;
	sqlite3_set_last_insert_rowid(d->db, c->last_rowid);
	pthread_mutex_lock(&s->lock);
	d->next = NULL;
	d->owner = c;
	c->held = d;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* Give the SQLite connection back (to the pool, or closed when the pool is full). */
static void store_sqlite_give_back(struct sqlite_conn *c)
{
	struct sqlite_store *s = (struct sqlite_store *)c->base.store;
	struct sqlite_db *d = c->held, *excess = NULL;
	c->last_rowid = sqlite3_last_insert_rowid(d->db);
	pthread_mutex_lock(&s->lock);
	c->held = NULL;
	d->owner = NULL;
	if (c->pool->nidle < STORE_SQLITE_POOL_IDLE_MAX) {
		d->next = c->pool->idle;
		c->pool->idle = d;
		c->pool->nidle++;
	} else {
		excess = d;
	}
	pthread_mutex_unlock(&s->lock);
	if (excess)
		store_sqlite_db_close(excess);
}

static int store_sqlite_connect(struct store *base, const char *database, struct store_conn **out,
				struct rerr *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char path[PATH_MAX];
	if (store_sqlite_path(s, database, path, sizeof(path)) < 0 || access(path, F_OK) != 0)
		return rerr_set(err, ERR_INVALID_CATALOG_NAME, "database \"%s\" does not exist", database);
	struct sqlite_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	pthread_mutex_lock(&s->lock);
	c->pool = store_sqlite_pool_for(s, path);
	pthread_mutex_unlock(&s->lock);
	if (!c->pool) {
		free(c);
		return rerr_set(err, ERR_INTERNAL, "out of memory");
	}
	c->base.store = base;
	*out = &c->base;
	return 0;
}

static void store_sqlite_disconnect(struct store_conn *base)
{
	struct sqlite_conn *c = (struct sqlite_conn *)base;
	struct sqlite_db *d = c->held;
	if (d) {
		/* A session that goes away inside a transaction loses it, as on any server. */
		if (!sqlite3_get_autocommit(d->db))
			sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
		assert(c->nstmts == 0); /* the engine finalizes its statements first */
		if (c->pinned) { /* its TEMP objects and settings die with it */
			struct sqlite_store *s = (struct sqlite_store *)base->store;
			pthread_mutex_lock(&s->lock);
			c->held = NULL;
			pthread_mutex_unlock(&s->lock);
			store_sqlite_db_close(d);
		} else {
			store_sqlite_give_back(c);
		}
	}
	free(c);
}

/* Between requests: give the SQLite connection back unless something ties the session to it. */
static void store_sqlite_idle(struct store_conn *base)
{
	struct sqlite_conn *c = (struct sqlite_conn *)base;
	if (c->held && !c->pinned && c->nstmts == 0 && sqlite3_get_autocommit(c->held->db))
		store_sqlite_give_back(c);
}

/* Statements that leave state in the SQLite connection itself, not in the database. */
static int store_sqlite_pins(const char *sql, size_t len)
{
	while (len > 0 && (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r' || *sql == '(')) {
		sql++;
		len--;
	}
	static const char *const prefixes[] = {"PRAGMA", "ATTACH", "DETACH", "CREATE TEMP"};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);
		if (len >= n && !strncasecmp(sql, prefixes[i], n))
			return 1;
	}
	return 0;
}

/*
 * The catalogs (catalog_pg.h) cost ~7 ms and ~170 KB a connection, most of a
 * session's start-up, and most sessions never read them; so a connection
 * gets them when a statement fails for a missing table and they are not
 * there yet (never created, or created inside a transaction that rolled
 * back).  `err` gets the failure first (the probe below resets SQLite's
 * message).  Returns 1 when they were just created: the caller retries once.
 */
static int store_sqlite_catalog_missing(sqlite3 *db, int rc, struct rerr *err)
{
	store_sqlite_error(db, rc, err);
	const char *msg = sqlite3_errmsg(db);
	if (rc != SQLITE_ERROR || strncmp(msg, "no such table: ", 15) != 0)
		return 0;
	const char *name = msg + 15;
	if (!strncmp(name, "temp.", 5) || !strncmp(name, "main.", 5))
		name += 5;
	if (strncmp(name, "pg_", 3) != 0 && strncmp(name, "information_schema_", 19) != 0 &&
	    strncmp(name, "rosetta_", 8) != 0)
		return 0; /* not a catalog's name (catalog_pg.c) */
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
	if (store_sqlite_acquire(c, err) < 0)
		return -1;
	sqlite3 *db = c->held->db;
	int cacheable = len <= STORE_SQLITE_CACHE_TEXT, ddl = 0;
	uint32_t hash = cacheable ? store_sqlite_hash(sql, len) : 0;
	if (cacheable && (st = store_sqlite_cache_take(c->held, sql, len, hash))) {
		*used = len;
	} else {
		unsigned ddl_before = sqlite_columns_ddl_count(c->held->columns);
		unsigned flags = cacheable ? SQLITE_PREPARE_PERSISTENT : 0;
		int rc = sqlite3_prepare_v3(db, sql, (int)len, flags, &st, &tail);
		if (rc != SQLITE_OK) {
			if (!store_sqlite_catalog_missing(db, rc, err))
				return -1;
			rc = sqlite3_prepare_v3(db, sql, (int)len, flags, &st, &tail);
			if (rc != SQLITE_OK)
				return store_sqlite_error(db, rc, err);
		}
		*used = tail ? (size_t)(tail - sql) : len;
		/* the key is sqlite3_sql(), the text up to `used`: only a text that is one statement */
		cacheable = cacheable && *used == len;
		if (st && store_sqlite_pins(sql, *used)) {
			c->pinned = 1;
			cacheable = 0;
		}
		ddl = sqlite_columns_ddl_count(c->held->columns) != ddl_before;
		cacheable = cacheable && !ddl;
	}
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
	s->cacheable = cacheable;
	s->ddl = ddl;
	s->hash = hash;
	c->nstmts++;
	*out = &s->base;
	return 0;
}

static int store_sqlite_step(struct store_stmt *base, struct rerr *err)
{
	struct sqlite_stmt *s = (struct sqlite_stmt *)base;
	if (s->ddl)
		sqlite_columns_ddl_ran(((struct sqlite_conn *)base->conn)->held->columns);
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW) {
		s->has_row = 1;
		return 1;
	}
	s->has_row = 0;
	if (rc == SQLITE_DONE)
		return 0;
	return store_sqlite_error(store_sqlite_handle(base->conn), rc, err);
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

/* The SQLite index of parameter `ordinal` ($n or ?n, or the n-th anonymous one). */
static int store_sqlite_bind_index(sqlite3_stmt *st, int ordinal)
{
	/* the usual case, and O(1): the deparser numbers ?NNN in order, so index n is ?n */
	const char *at = sqlite3_bind_parameter_name(st, ordinal);
	if (at && (at[0] == '$' || at[0] == '?') && at[1] >= '1' && at[1] <= '9' &&
	    strtol(at + 1, NULL, 10) == ordinal)
		return ordinal;
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
	struct sqlite_conn *c = (struct sqlite_conn *)base;
	return c->held ? sqlite3_changes64(c->held->db) : 0;
}

static void store_sqlite_finalize(struct store_stmt *base)
{
	struct sqlite_stmt *s = (struct sqlite_stmt *)base;
	struct sqlite_conn *c = (struct sqlite_conn *)base->conn;
	if (s->cacheable)
		store_sqlite_cache_put(c->held, s->st, s->hash);
	else
		sqlite3_finalize(s->st);
	c->nstmts--;
	free(s);
}

static int store_sqlite_exec(struct store_conn *base, const char *sql, struct rerr *err)
{
	struct sqlite_conn *c = (struct sqlite_conn *)base;
	if (store_sqlite_acquire(c, err) < 0)
		return -1;
	if (store_sqlite_pins(sql, strlen(sql)))
		c->pinned = 1;
	sqlite3 *db = c->held->db;
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		if (!store_sqlite_catalog_missing(db, rc, err))
			return -1;
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	return rc == SQLITE_OK ? 0 : store_sqlite_error(db, rc, err);
}

static int store_sqlite_columns(struct store_conn *base, const char *table, struct arena *a,
				struct store_column **out, struct rerr *err)
{
	struct sqlite_conn *c = (struct sqlite_conn *)base;
	if (store_sqlite_acquire(c, err) < 0)
		return -2;
	return sqlite_columns_get(c->held->columns, table, a, out);
}

/*
 * The session-specific SQL functions, registered once per SQLite connection
 * (user data: the struct sqlite_db) and answering for the session that
 * borrowed it.  Only the borrowing session's thread runs statements on it.
 */
static struct sqlite_conn *store_sqlite_owner(sqlite3_context *ctx)
{
	return ((struct sqlite_db *)sqlite3_user_data(ctx))->owner;
}

static void store_sqlite_current_user(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	struct sqlite_conn *c = store_sqlite_owner(ctx);
	sqlite3_result_text(ctx, c ? c->user : "", -1, SQLITE_TRANSIENT);
}

static void store_sqlite_current_database(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	struct sqlite_conn *c = store_sqlite_owner(ctx);
	sqlite3_result_text(ctx, c ? c->database : "", -1, SQLITE_TRANSIENT);
}

static const char *store_sqlite_var_value(sqlite3_context *ctx, const char *name)
{
	struct sqlite_conn *c = store_sqlite_owner(ctx);
	return c && c->var_get && name ? c->var_get(c->var_ctx, name) : NULL;
}

/* rosetta_var(name): a session variable, or NULL. */
static void store_sqlite_var(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *value = store_sqlite_var_value(ctx, (const char *)sqlite3_value_text(argv[0]));
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
	const char *value = store_sqlite_var_value(ctx, "pseudo_thread_id");
	sqlite3_result_int64(ctx, value ? strtoll(value, NULL, 10) : 0);
}

/* MySQL's VERSION(): @@version (the MySQL dialect maps VERSION() here). */
static void store_sqlite_mysql_version(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	const char *value = store_sqlite_var_value(ctx, "version");
	sqlite3_result_text(ctx, value ? value : "8.0.40-rosetta", -1, SQLITE_TRANSIENT);
}

static void store_sqlite_register_session_functions(sqlite3 *db, struct sqlite_db *d)
{
	static const struct {
		const char *name;
		int nargs;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
		{"rosetta_current_user", 0, store_sqlite_current_user},
		{"current_user", 0, store_sqlite_current_user},
		{"session_user", 0, store_sqlite_current_user},
		{"user", 0, store_sqlite_current_user},
		{"current_database", 0, store_sqlite_current_database},
		{"database", 0, store_sqlite_current_database},
		/* not deterministic: SET changes the answer between statements */
		{"rosetta_var", 1, store_sqlite_var},
		{"connection_id", 0, store_sqlite_connection_id},
		{"rosetta_mysql_version", 0, store_sqlite_mysql_version},
	};
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs, SQLITE_UTF8, d, fns[i].fn, NULL, NULL,
					       NULL) != SQLITE_OK)
			log_warn("sqlite_function_failed", "name=%s error=\"%s\"", fns[i].name, sqlite3_errmsg(db));
}

static int store_sqlite_set_identity(struct store_conn *base, const char *user, const char *database,
				     struct rerr *err)
{
	struct sqlite_conn *c = (struct sqlite_conn *)base;
	if (strlen(user) >= sizeof(c->user) || strlen(database) >= sizeof(c->database))
		return rerr_set(err, ERR_PROGRAM_LIMIT_EXCEEDED, "identifier too long");
	snprintf(c->user, sizeof(c->user), "%s", user);
	snprintf(c->database, sizeof(c->database), "%s", database);
	return 0;
}

static int store_sqlite_set_variables(struct store_conn *base, const char *(*get)(void *ctx, const char *name),
				      void *vctx, struct rerr *err)
{
	(void)err;
	struct sqlite_conn *c = (struct sqlite_conn *)base;
	c->var_get = get;
	c->var_ctx = vctx;
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

/* From another thread: only the SQLite connection the session holds now. */
static void store_sqlite_interrupt(struct store_conn *base)
{
	struct sqlite_conn *c = (struct sqlite_conn *)base;
	struct sqlite_store *s = (struct sqlite_store *)base->store;
	pthread_mutex_lock(&s->lock);
	if (c->held)
		sqlite3_interrupt(c->held->db);
	pthread_mutex_unlock(&s->lock);
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
	.columns = store_sqlite_columns,
	.interrupt = store_sqlite_interrupt,
	.idle = store_sqlite_idle,
	.set_identity = store_sqlite_set_identity,
	.set_variables = store_sqlite_set_variables,
	.list_databases = store_sqlite_list_databases,
};

/*
 * Process-wide SQLite settings, before the library initializes.  MEMSTATUS off:
 * with it on (SQLite's default) every sqlite3_malloc and free takes one global
 * mutex to keep usage counters nobody here reads, and the workers compiling
 * statements at once queued on it (a tenth of the CPU profile of pgbench -S
 * -M simple was futex waits and wakes).  SQLITE_MISUSE when the library was
 * initialized already (a test that opened SQLite first): harmless.
 */
static void store_sqlite_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct store *store_open_sqlite(const char *dir, struct rerr *err)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	pthread_once(&configured, store_sqlite_configure);
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
	pthread_mutex_init(&s->lock, NULL);
	strcpy(s->dir, dir);
	log_info("store_open", "backend=sqlite dir=%s sqlite=%s", dir, sqlite3_libversion());
	return &s->base;
}
