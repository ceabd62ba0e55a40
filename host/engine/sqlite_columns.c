/*
 * sqlite_columns.c — a SQLite connection's table columns, remembered per
 * schema (see sqlite_columns.h).
 *
 * An entry is one allocation: the table name, then the column names and
 * declared types.  The cache is small and emptied whole: when the cookie
 * moves, after DDL, and when it is full.
 */
#include "engine/sqlite_columns.h"

#include <stdlib.h>
#include <string.h>

#define SQLITE_COLUMNS_MAX 64 /* relations remembered per connection */

struct sqlite_columns_entry {
	char *table;
	int n;
	struct store_column *cols; /* n of them; the strings follow in the same block */
};

struct sqlite_columns {
	sqlite3 *db;
	sqlite3_stmt *version;  /* PRAGMA main.schema_version */
	sqlite3_stmt *info;     /* the columns of ?1, uncached */
	sqlite3_int64 cookie;   /* the entries' schema, valid when have_cookie */
	int have_cookie;
	int ddl_pending;        /* DDL ran since the connection was last outside a transaction */
	unsigned ddl_count;     /* DDL statements the authorizer saw compiled */
	int n;
	struct sqlite_columns_entry *entries[SQLITE_COLUMNS_MAX];
};

/* SQLite's authorizer, called for every action of a statement it compiles; it only watches. */
static int sqlite_columns_authorizer(void *arg, int action, const char *a, const char *b, const char *schema,
				     const char *trigger)
{
	(void)a, (void)b, (void)schema, (void)trigger;
	struct sqlite_columns *cc = arg;
	switch (action) {
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_VIEW:
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_TEMP_TRIGGER:
	case SQLITE_DROP_TEMP_VIEW:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_VIEW:
	case SQLITE_ATTACH:
	case SQLITE_DETACH:
	case SQLITE_ALTER_TABLE:
	case SQLITE_CREATE_VTABLE:
	case SQLITE_DROP_VTABLE:
		cc->ddl_count++;
		cc->ddl_pending = 1; /* compiled, so perhaps about to run: stop trusting the cache */
		break;
	default:
		break;
	}
	return SQLITE_OK;
}

struct sqlite_columns *sqlite_columns_new(sqlite3 *db)
{
	struct sqlite_columns *cc = calloc(1, sizeof(*cc));
	if (!cc)
		return NULL;
	cc->db = db;
	sqlite3_set_authorizer(db, sqlite_columns_authorizer, cc);
	return cc;
}

static void sqlite_columns_clear(struct sqlite_columns *cc)
{
	for (int i = 0; i < cc->n; i++)
		free(cc->entries[i]);
	cc->n = 0;
}

void sqlite_columns_free(struct sqlite_columns *cc)
{
	if (!cc)
		return;
	sqlite3_set_authorizer(cc->db, NULL, NULL);
	sqlite_columns_clear(cc);
	sqlite3_finalize(cc->version);
	sqlite3_finalize(cc->info);
	free(cc);
}

unsigned sqlite_columns_ddl_count(const struct sqlite_columns *cc)
{
	return cc->ddl_count;
}

void sqlite_columns_ddl_ran(struct sqlite_columns *cc)
{
	cc->ddl_pending = 1;
}

/* A statement of the cache's own, compiled once and kept. */
static sqlite3_stmt *sqlite_columns_stmt(struct sqlite_columns *cc, sqlite3_stmt **slot, const char *sql)
{
	if (!*slot && sqlite3_prepare_v3(cc->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
		sqlite3_finalize(*slot);
		*slot = NULL;
	}
	return *slot;
}

/* May the cache answer for the schema the connection sees now?  Empties it if the schema moved. */
static int sqlite_columns_usable(struct sqlite_columns *cc)
{
	if (sqlite3_db_name(cc->db, 2)) /* an attached database: its schema has a cookie of its own */
		return 0;
	if (cc->ddl_pending) {
		if (!sqlite3_get_autocommit(cc->db))
			return 0; /* this transaction's DDL may yet roll back */
		sqlite_columns_clear(cc);
		cc->have_cookie = 0;
		cc->ddl_pending = 0;
	}
	sqlite3_stmt *st = sqlite_columns_stmt(cc, &cc->version, "PRAGMA main.schema_version");
	if (!st)
		return 0;
	int ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_int64 cookie = ok ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (!ok)
		return 0;
	if (!cc->have_cookie || cookie != cc->cookie) {
		sqlite_columns_clear(cc);
		cc->cookie = cookie;
		cc->have_cookie = 1;
	}
	return 1;
}

static char *sqlite_columns_copy(char **at, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = memcpy(*at, s, n);
	*at += n;
	return p;
}

/* Remember `cols` for `table`. */
static void sqlite_columns_put(struct sqlite_columns *cc, const char *table, const struct store_column *cols, int n)
{
	size_t size = sizeof(struct sqlite_columns_entry) + sizeof(struct store_column) * (size_t)n + strlen(table) + 1;
	for (int i = 0; i < n; i++)
		size += strlen(cols[i].name) + strlen(cols[i].decl) + 2;
	struct sqlite_columns_entry *e = malloc(size);
	if (!e)
		return;
	e->cols = (struct store_column *)(e + 1);
	char *at = (char *)(e->cols + n);
	e->table = sqlite_columns_copy(&at, table);
	e->n = n;
	for (int i = 0; i < n; i++) {
		e->cols[i].name = sqlite_columns_copy(&at, cols[i].name);
		e->cols[i].decl = sqlite_columns_copy(&at, cols[i].decl);
	}
	if (cc->n == SQLITE_COLUMNS_MAX)
		sqlite_columns_clear(cc);
	cc->entries[cc->n++] = e;
}

/* Does a table or view of that name exist (pragma_table_info is empty for a missing one)? */
static int sqlite_columns_exists(sqlite3 *db, const char *table)
{
	static const char sql[] = "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?1 COLLATE NOCASE"
				  " UNION ALL SELECT 1 FROM sqlite_temp_master WHERE name = ?1 COLLATE NOCASE";
	sqlite3_stmt *st = NULL;
	int found = 0;
	if (sqlite3_prepare_v2(db, sql, sizeof(sql) - 1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

int sqlite_columns_get(struct sqlite_columns *cc, const char *table, struct arena *a, struct store_column **out)
{
	int cached = sqlite_columns_usable(cc);
	if (cached) {
		for (int i = 0; i < cc->n; i++) {
			struct sqlite_columns_entry *e = cc->entries[i];
			if (strcmp(e->table, table) != 0)
				continue;
			/* copies: the entry goes when the schema moves, the binder's arena lives on */
			struct store_column *c = arena_alloc(a, sizeof(*c) * (size_t)e->n);
			for (int k = 0; k < e->n; k++) {
				c[k].name = arena_strndup(a, e->cols[k].name, strlen(e->cols[k].name));
				c[k].decl = arena_strndup(a, e->cols[k].decl, strlen(e->cols[k].decl));
			}
			*out = c;
			return e->n;
		}
	}
	sqlite3_stmt *st = sqlite_columns_stmt(cc, &cc->info, "SELECT name, type FROM pragma_table_info(?1)");
	if (!st) {
		*out = NULL;
		return 0;
	}
	int n = 0, cap = 0;
	struct store_column *cols = NULL;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			int nc = cap ? cap * 2 : 16;
			struct store_column *c = arena_alloc(a, sizeof(*c) * (size_t)nc);
			if (n)
				memcpy(c, cols, sizeof(*c) * (size_t)n);
			cols = c;
			cap = nc;
		}
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *decl = (const char *)sqlite3_column_text(st, 1);
		cols[n].name = arena_strndup(a, name ? name : "", name ? strlen(name) : 0);
		cols[n].decl = arena_strndup(a, decl ? decl : "", decl ? strlen(decl) : 0);
		n++;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (n == 0 && !sqlite_columns_exists(cc->db, table))
		return -1;
	if (cached && n > 0)
		sqlite_columns_put(cc, table, cols, n);
	*out = cols;
	return n;
}
