/*
 * catalog_vtab.c — read-only virtual tables defined by a SELECT, materialized
 * once per statement (see catalog_vtab.h).
 *
 *   table (cv_vtab)        one per catalog per connection; `rows` is its cache
 *                          slot, on the connection's `cached` list while full
 *   scan (cv_cursor)       holds a reference to the row set it walks, and the
 *                          equality constraints xBestIndex accepted
 *   row set (cv_rows)      nrow x ncol values, reference counted
 *
 * Cost: a catalog's first scan in a statement runs its SELECT once and copies
 * every value; each further scan is a pass over the row array, comparing the
 * constrained columns only.
 */
#include "engine/catalog_vtab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CV_MAX_EQ 4 /* equality constraints a scan takes, packed in idxNum a byte each */

struct cv_rows {
	int refs;
	int ncol;
	size_t nrow, cap; /* in rows */
	sqlite3_value **v; /* row r column c at v[r * ncol + c] */
};

struct cv_vtab;

struct catalog_vtab_conn {
	sqlite3 *db;
	const struct catalog_vtab_def *defs;
	size_t ndefs;
	int nested;             /* > 0 while the catalogs' own SQL runs */
	struct cv_vtab *cached; /* tables whose cache slot holds rows */
};

struct cv_vtab {
	sqlite3_vtab base;
	struct catalog_vtab_conn *cv;
	const struct catalog_vtab_def *def;
	struct cv_rows *rows; /* this statement's rows, or NULL */
	struct cv_vtab *prev, *next; /* on cv->cached while rows != NULL */
};

struct cv_cursor {
	sqlite3_vtab_cursor base;
	struct cv_rows *rows;
	size_t at;
	int neq;
	int eq_col[CV_MAX_EQ];
	sqlite3_value *eq_val[CV_MAX_EQ]; /* dup'd from xFilter's argv */
};

/* ---- row sets ----------------------------------------------------------- */

static void cv_rows_unref(struct cv_rows *r)
{
	if (!r || --r->refs > 0)
		return;
	for (size_t i = 0; i < r->nrow * (size_t)r->ncol; i++)
		sqlite3_value_free(r->v[i]);
	sqlite3_free(r->v);
	sqlite3_free(r);
}

/* Runs the catalog's SELECT and keeps every value.  NULL with the error in the table's zErrMsg. */
static struct cv_rows *cv_rows_build(struct cv_vtab *t)
{
	struct catalog_vtab_conn *cv = t->cv;
	struct cv_rows *r = sqlite3_malloc(sizeof(*r));
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->refs = 1;
	sqlite3_stmt *st = NULL;
	cv->nested++;
	int rc = sqlite3_prepare_v2(cv->db, t->def->sql, -1, &st, NULL);
	r->ncol = rc == SQLITE_OK ? sqlite3_column_count(st) : 0;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->nrow == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 16;
			sqlite3_value **v = sqlite3_realloc64(r->v, cap * (size_t)r->ncol * sizeof(*v));
			if (!v) {
				rc = SQLITE_NOMEM;
				break;
			}
			r->v = v;
			r->cap = cap;
		}
		sqlite3_value **row = r->v + r->nrow * (size_t)r->ncol;
		for (int c = 0; c < r->ncol; c++)
			if (!(row[c] = sqlite3_value_dup(sqlite3_column_value(st, c))))
				rc = SQLITE_NOMEM; /* the row is kept whole, so it is freed whole */
		r->nrow++;
		if (rc == SQLITE_NOMEM)
			break;
		rc = SQLITE_OK;
	}
	cv->nested--;
	if (rc != SQLITE_DONE) {
		sqlite3_free(t->base.zErrMsg);
		t->base.zErrMsg = sqlite3_mprintf("%s: %s", t->def->name,
						  rc == SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(cv->db));
		sqlite3_finalize(st);
		cv_rows_unref(r);
		return NULL;
	}
	sqlite3_finalize(st);
	return r;
}

/* Empties a table's cache slot (its rows live on while a scan holds them). */
static void cv_uncache(struct cv_vtab *t)
{
	if (!t->rows)
		return;
	cv_rows_unref(t->rows);
	t->rows = NULL;
	if (t->prev)
		t->prev->next = t->next;
	else
		t->cv->cached = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->prev = t->next = NULL;
}

/* SQLITE_TRACE_STMT: a statement starts; unless it is the catalogs' own, no cache survives it. */
static int cv_on_statement(unsigned type, void *arg, void *stmt, void *sql)
{
	(void)type;
	(void)stmt;
	(void)sql;
	struct catalog_vtab_conn *cv = arg;
	if (cv->nested == 0)
		while (cv->cached)
			cv_uncache(cv->cached);
	return 0;
}

/* ---- comparing a row's value with a constraint's ------------------------- */

static int cv_as_number(sqlite3_value *v, double *out)
{
	int t = sqlite3_value_numeric_type(v);
	if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
		return 0;
	*out = sqlite3_value_double(v);
	return 1;
}

/*
 * 0 only when `a = b` is false under any affinity SQLite might apply: a NULL
 * on either side, or values that differ both as text and as numbers.  Loose
 * on purpose (invariant 3): SQLite re-checks what passes.
 */
static int cv_may_equal(sqlite3_value *a, sqlite3_value *b)
{
	int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
	if (ta == SQLITE_NULL || tb == SQLITE_NULL)
		return 0;
	if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER)
		return sqlite3_value_int64(a) == sqlite3_value_int64(b);
	double x, y;
	if (cv_as_number(a, &x) && cv_as_number(b, &y) && x == y)
		return 1;
	const unsigned char *sa = sqlite3_value_text(a), *sb = sqlite3_value_text(b);
	int na = sqlite3_value_bytes(a), nb = sqlite3_value_bytes(b);
	return sa && sb && na == nb && memcmp(sa, sb, (size_t)na) == 0;
}

/* ---- the module ---------------------------------------------------------- */

static int cv_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **errp)
{
	struct catalog_vtab_conn *cv = aux;
	const struct catalog_vtab_def *def = NULL;
	for (size_t i = 0; argc > 3 && i < cv->ndefs; i++)
		if (!strcmp(argv[3], cv->defs[i].name))
			def = &cv->defs[i];
	if (!def) {
		*errp = sqlite3_mprintf("unknown catalog");
		return SQLITE_ERROR;
	}
	char *decl = sqlite3_mprintf("CREATE TABLE x(%s)", def->decl);
	int rc = decl ? sqlite3_declare_vtab(db, decl) : SQLITE_NOMEM;
	sqlite3_free(decl);
	if (rc != SQLITE_OK)
		return rc;
	struct cv_vtab *t = sqlite3_malloc(sizeof(*t));
	if (!t)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof(*t));
	t->cv = cv;
	t->def = def;
	*out = &t->base;
	return SQLITE_OK;
}

static int cv_disconnect(sqlite3_vtab *vt)
{
	struct cv_vtab *t = (struct cv_vtab *)vt;
	cv_uncache(t);
	sqlite3_free(t);
	return SQLITE_OK;
}

/* Takes up to CV_MAX_EQ usable `column = value` constraints compared with BINARY; idxNum holds column + 1 a byte each. */
static int cv_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	(void)vt;
	int n = 0, packed = 0;
	for (int i = 0; i < info->nConstraint && n < CV_MAX_EQ; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		if (!c->usable || c->op != SQLITE_INDEX_CONSTRAINT_EQ || c->iColumn < 0 || c->iColumn > 254)
			continue;
		const char *coll = sqlite3_vtab_collation(info, i);
		if (coll && sqlite3_stricmp(coll, "BINARY") != 0)
			continue;
		info->aConstraintUsage[i].argvIndex = ++n;
		packed |= (c->iColumn + 1) << (8 * (n - 1));
	}
	info->idxNum = packed;
	info->estimatedCost = n ? 10 : 1000;
	info->estimatedRows = n ? 2 : 100;
	return SQLITE_OK;
}

static int cv_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	(void)vt;
	struct cv_cursor *c = sqlite3_malloc(sizeof(*c));
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	*out = &c->base;
	return SQLITE_OK;
}

static void cv_cursor_reset(struct cv_cursor *c)
{
	cv_rows_unref(c->rows);
	c->rows = NULL;
	for (int i = 0; i < c->neq; i++)
		sqlite3_value_free(c->eq_val[i]);
	c->neq = 0;
}

static int cv_close(sqlite3_vtab_cursor *cur)
{
	cv_cursor_reset((struct cv_cursor *)cur);
	sqlite3_free(cur);
	return SQLITE_OK;
}

static int cv_row_matches(const struct cv_cursor *c, size_t r)
{
	sqlite3_value **row = c->rows->v + r * (size_t)c->rows->ncol;
	for (int i = 0; i < c->neq; i++)
		if (c->eq_col[i] >= c->rows->ncol || !cv_may_equal(row[c->eq_col[i]], c->eq_val[i]))
			return 0;
	return 1;
}

static void cv_seek(struct cv_cursor *c)
{
	while (c->at < c->rows->nrow && !cv_row_matches(c, c->at))
		c->at++;
}

static int cv_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc, sqlite3_value **argv)
{
	(void)idxstr;
	struct cv_cursor *c = (struct cv_cursor *)cur;
	struct cv_vtab *t = (struct cv_vtab *)cur->pVtab;
	cv_cursor_reset(c);
	for (int i = 0; i < argc && i < CV_MAX_EQ; i++) {
		c->eq_col[i] = ((idx >> (8 * i)) & 0xff) - 1;
		c->eq_val[i] = sqlite3_value_dup(argv[i]);
		c->neq = i + 1;
		if (!c->eq_val[i])
			return SQLITE_NOMEM;
	}
	if (!t->rows) {
		struct cv_rows *r = cv_rows_build(t);
		if (!r)
			return SQLITE_ERROR;
		if (t->def->live) {
			c->rows = r; /* not cached: the scan holds the only reference */
		} else {
			t->rows = r;
			t->next = t->cv->cached;
			if (t->next)
				t->next->prev = t;
			t->cv->cached = t;
		}
	}
	if (!c->rows) {
		c->rows = t->rows;
		c->rows->refs++;
	}
	c->at = 0;
	cv_seek(c);
	return SQLITE_OK;
}

static int cv_next(sqlite3_vtab_cursor *cur)
{
	struct cv_cursor *c = (struct cv_cursor *)cur;
	c->at++;
	cv_seek(c);
	return SQLITE_OK;
}

static int cv_eof(sqlite3_vtab_cursor *cur)
{
	struct cv_cursor *c = (struct cv_cursor *)cur;
	return !c->rows || c->at >= c->rows->nrow;
}

static int cv_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i)
{
	struct cv_cursor *c = (struct cv_cursor *)cur;
	sqlite3_value *v = i < c->rows->ncol ? c->rows->v[c->at * (size_t)c->rows->ncol + (size_t)i] : NULL;
	if (v)
		sqlite3_result_value(ctx, v);
	else
		sqlite3_result_null(ctx);
	return SQLITE_OK;
}

static int cv_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct cv_cursor *)cur)->at + 1;
	return SQLITE_OK;
}

static const sqlite3_module cv_module = {
	.iVersion = 0,
	.xCreate = cv_connect,
	.xConnect = cv_connect,
	.xBestIndex = cv_best_index,
	.xDisconnect = cv_disconnect,
	.xDestroy = cv_disconnect,
	.xOpen = cv_open,
	.xClose = cv_close,
	.xFilter = cv_filter,
	.xNext = cv_next,
	.xEof = cv_eof,
	.xColumn = cv_column,
	.xRowid = cv_rowid,
};

/* ---- interface ----------------------------------------------------------- */

struct catalog_vtab_conn *catalog_vtab_attach(sqlite3 *db, const char *module,
					      const struct catalog_vtab_def *defs, size_t ndefs)
{
	struct catalog_vtab_conn *cv = sqlite3_malloc(sizeof(*cv));
	if (!cv)
		return NULL;
	memset(cv, 0, sizeof(*cv));
	cv->db = db;
	cv->defs = defs;
	cv->ndefs = ndefs;
	/* the module owns cv from here: SQLite calls sqlite3_free on it at close, or now if this fails */
	if (sqlite3_create_module_v2(db, module, &cv_module, cv, sqlite3_free) != SQLITE_OK)
		return NULL;
	if (sqlite3_trace_v2(db, SQLITE_TRACE_STMT, cv_on_statement, cv) != SQLITE_OK)
		return NULL;
	return cv;
}

int catalog_vtab_create(sqlite3 *db, const char *module, const struct catalog_vtab_def *defs, size_t ndefs)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < ndefs; i++) {
		char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE temp.\"%w\" USING %s(%s)", defs[i].name, module,
					    defs[i].name);
		rc = sql ? sqlite3_exec(db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
		sqlite3_free(sql);
	}
	return rc;
}

void catalog_vtab_nested_begin(struct catalog_vtab_conn *cv)
{
	if (cv)
		cv->nested++;
}

void catalog_vtab_nested_end(struct catalog_vtab_conn *cv)
{
	if (cv)
		cv->nested--;
}
