/*
 * mirror.c — the column mirror (see mirror.h): building a table's columnar
 * copy from the store, the registry of live mirrors, and the per-database
 * generations that say when one is stale.
 *
 * Invariants
 *   1. A mirror is never modified after mirror_build returns; readers share
 *      it without locks, and it is freed when the registry has replaced it
 *      and the last reader has released it (refs, under registry_lock).
 *   2. m->gen is the database's generation read *before* the rows were: a
 *      commit that lands during the build bumps the generation past it, so
 *      the next acquire rebuilds.
 *   3. A filterable column is `usable` only when every stored value has the
 *      columnar kind (SQLite is dynamically typed: an int4 column may hold
 *      text); the planner never filters on an unusable column.
 *
 * INTERFACE ROUTINES (mirror.h)
 *   mirror_acquire, mirror_release, mirror_column, mirror_dict_code,
 *   mirror_note_commit, mirror_memory
 */
#include "accel/mirror.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/log.h"
#include "engine/catalog.h"

/* ---- generations and the registry ------------------------------------ */

struct mirror_gen {
	struct mirror_gen *next;
	char *db_key;
	uint64_t gen;
};

struct mirror_entry {
	struct mirror_entry *next;
	struct mirror *m;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mirror_gen *gens;
static struct mirror_entry *entries;
static size_t total_bytes;
static pthread_once_t listener_once = PTHREAD_ONCE_INIT;

/* Under registry_lock. */
static struct mirror_gen *mirror_gen_find(const char *db_key, int create)
{
	for (struct mirror_gen *g = gens; g; g = g->next)
		if (!strcmp(g->db_key, db_key))
			return g;
	if (!create)
		return NULL;
	struct mirror_gen *g = calloc(1, sizeof(*g));
	if (!g || !(g->db_key = strdup(db_key))) {
		free(g);
		return NULL;
	}
	g->gen = 1;
	g->next = gens;
	gens = g;
	return g;
}

void mirror_note_commit(const char *db_key)
{
	if (!db_key)
		return;
	pthread_mutex_lock(&registry_lock);
	struct mirror_gen *g = mirror_gen_find(db_key, 0);
	if (g)
		g->gen++;
	pthread_mutex_unlock(&registry_lock);
}

size_t mirror_memory(void)
{
	pthread_mutex_lock(&registry_lock);
	size_t n = total_bytes;
	pthread_mutex_unlock(&registry_lock);
	return n;
}

static void mirror_listen(void)
{
	store_set_commit_listener(mirror_note_commit);
}

/* ---- dictionaries ------------------------------------------------------ */

struct mirror_dict {
	size_t n, cap;     /* cap: a power of two > 2n */
	uint32_t *slots;   /* code + 1; 0 = empty */
	char **strs;
	size_t *lens;
	size_t bytes;
};

static uint64_t mirror_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
	return h;
}

static void mirror_dict_free(struct mirror_dict *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->strs[i]);
	free(d->strs);
	free(d->lens);
	free(d->slots);
	free(d);
}

/* Code of (s, n), or -1 when absent. */
static int64_t mirror_dict_find(const struct mirror_dict *d, const char *s, size_t n)
{
	if (!d->cap)
		return -1;
	for (size_t i = mirror_hash(s, n) & (d->cap - 1);; i = (i + 1) & (d->cap - 1)) {
		uint32_t c = d->slots[i];
		if (!c)
			return -1;
		if (d->lens[c - 1] == n && !memcmp(d->strs[c - 1], s, n))
			return c - 1;
	}
}

static int mirror_dict_grow(struct mirror_dict *d)
{
	size_t cap = d->cap ? d->cap * 2 : 64;
	uint32_t *slots = calloc(cap, sizeof(uint32_t));
	char **strs = realloc(d->strs, cap / 2 * sizeof(char *));
	if (strs)
		d->strs = strs;
	size_t *lens = realloc(d->lens, cap / 2 * sizeof(size_t));
	if (lens)
		d->lens = lens;
	if (!slots || !strs || !lens) {
		free(slots);
		return -1;
	}
	for (size_t c = 0; c < d->n; c++) {
		size_t i = mirror_hash(d->strs[c], d->lens[c]) & (cap - 1);
		while (slots[i])
			i = (i + 1) & (cap - 1);
		slots[i] = (uint32_t)c + 1;
	}
	free(d->slots);
	d->slots = slots;
	d->cap = cap;
	return 0;
}

/* Code of (s, n), added when new; -1 on out of memory. */
static int64_t mirror_dict_add(struct mirror_dict *d, const char *s, size_t n)
{
	int64_t c = mirror_dict_find(d, s, n);
	if (c >= 0)
		return c;
	if ((d->n + 1) * 2 >= d->cap && mirror_dict_grow(d) < 0)
		return -1;
	if (d->n >= UINT32_MAX - 1)
		return -1;
	char *copy = malloc(n + 1);
	if (!copy)
		return -1;
	memcpy(copy, s, n);
	copy[n] = 0;
	size_t i = mirror_hash(s, n) & (d->cap - 1);
	while (d->slots[i])
		i = (i + 1) & (d->cap - 1);
	d->strs[d->n] = copy;
	d->lens[d->n] = n;
	d->slots[i] = (uint32_t)d->n + 1;
	d->bytes += n + 1 + sizeof(char *) + sizeof(size_t) + 2 * sizeof(uint32_t);
	return (int64_t)d->n++;
}

int64_t mirror_dict_code(const struct mirror *m, int col, const char *s, size_t n)
{
	const struct mirror_dict *d = m->cols[col].dict;
	int64_t c = d ? mirror_dict_find(d, s, n) : -1;
	return c >= 0 ? c : (int64_t)UINT32_MAX; /* no row has this code */
}

int mirror_column(const struct mirror *m, const char *name)
{
	for (int i = 0; i < m->table.ncols; i++)
		if (m->cols[i].usable && !strcasecmp(m->cols[i].name, name))
			return i;
	return -1;
}

/* ---- building ---------------------------------------------------------- */

static void mirror_free(struct mirror *m)
{
	if (!m)
		return;
	free((void *)m->vectors.x);
	free((void *)m->vectors.norms);
	free((void *)m->vectors.ids);
	for (int i = 0; i < m->table.ncols; i++) {
		free((void *)m->table.cols[i].data);
		free((void *)m->table.cols[i].nulls);
		free(m->cols[i].name);
		mirror_dict_free(m->cols[i].dict);
	}
	free((void *)m->table.cols);
	free(m->cols);
	free(m->pk_name);
	free(m->key);
	free(m);
}

static void mirror_put_ident(struct buf *q, const char *s)
{
	buf_put_u8(q, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_put_u8(q, '"');
		buf_put_u8(q, (uint8_t)*s);
	}
	buf_put_u8(q, '"');
}

/* One text value of a one-row query with an optional text parameter, into dst (NUL-terminated); 1, 0 no row, -1. */
static int mirror_query_text(struct store_conn *sc, const char *sql, const char *param, char *dst, size_t cap,
			     struct rerr *err)
{
	struct store_stmt *st = NULL;
	size_t used;
	if (store_prepare(sc, sql, strlen(sql), &st, &used, err) < 0 || !st)
		return -1;
	if (param) {
		struct rvalue v = {.kind = RV_TEXT, .p = (const uint8_t *)param, .n = strlen(param)};
		if (store_bind(st, 1, &v, err) < 0) {
			store_finalize(st);
			return -1;
		}
	}
	int rc = store_step(st, err);
	if (rc == 1 && dst) {
		struct rvalue v;
		store_col_value(st, 0, &v);
		size_t n = (v.kind == RV_TEXT || v.kind == RV_BLOB) ? v.n : 0;
		if (n >= cap)
			n = cap - 1;
		if (n)
			memcpy(dst, v.p, n);
		dst[n] = 0;
	}
	store_finalize(st);
	return rc;
}

/* Columnar kind for a declared type; -1 when the column is not filterable. */
static int mirror_kind(enum rtype t)
{
	switch (t) {
	case RT_INT2: case RT_INT4: case RT_INT8: case RT_OID:
		return ACCEL_COL_I64;
	case RT_FLOAT4: case RT_FLOAT8:
		return ACCEL_COL_F64;
	case RT_BOOL:
		return ACCEL_COL_BOOL;
	case RT_TEXT: case RT_VARCHAR: case RT_CHAR: case RT_CHAR1:
		return ACCEL_COL_DICT;
	default:
		return -1;
	}
}

static size_t mirror_kind_size(int kind)
{
	return kind == ACCEL_COL_I64 || kind == ACCEL_COL_F64 ? 8 : kind == ACCEL_COL_BOOL ? 1 : 4;
}

/* Arrays that grow with the rows. */
struct mirror_build {
	size_t cap;
	float *x;
	double *norms;
	int64_t *ids;
	void **data;
	uint64_t **nulls;
	int *kinds;
};

static void *mirror_grow_array(void *p, size_t old_bytes, size_t new_bytes, size_t align)
{
	void *q = NULL;
	if (posix_memalign(&q, align, new_bytes ? new_bytes : align) != 0)
		return NULL;
	if (p && old_bytes)
		memcpy(q, p, old_bytes);
	memset((char *)q + old_bytes, 0, new_bytes - old_bytes);
	free(p);
	return q;
}

static int mirror_build_grow(struct mirror *m, struct mirror_build *b, size_t need)
{
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap * 2 : 1024;
	while (cap < need)
		cap *= 2;
	size_t dim = (size_t)m->dim;
	float *x = mirror_grow_array(b->x, b->cap * dim * 4, cap * dim * 4, 64);
	if (!x)
		return -1;
	b->x = x;
	double *nr = mirror_grow_array(b->norms, b->cap * 8, cap * 8, 64);
	if (!nr)
		return -1;
	b->norms = nr;
	int64_t *ids = mirror_grow_array(b->ids, b->cap * 8, cap * 8, 64);
	if (!ids)
		return -1;
	b->ids = ids;
	for (int i = 0; i < m->table.ncols; i++) {
		size_t sz = mirror_kind_size(b->kinds[i]);
		void *d = mirror_grow_array(b->data[i], b->cap * sz, cap * sz, 64);
		if (!d)
			return -1;
		b->data[i] = d;
		uint64_t *nl = mirror_grow_array(b->nulls[i], ACCEL_BITMAP_WORDS(b->cap) * 8, ACCEL_BITMAP_WORDS(cap) * 8, 64);
		if (!nl)
			return -1;
		b->nulls[i] = nl;
	}
	b->cap = cap;
	return 0;
}

/* Store one filterable value of row r. */
static int mirror_put_value(struct mirror *m, struct mirror_build *b, int i, size_t r, const struct rvalue *v)
{
	struct mirror_col *c = &m->cols[i];
	if (!c->usable)
		return 0;
	if (v->kind == RV_NULL) {
		c->has_null = 1;
		b->nulls[i][r / 64] |= (uint64_t)1 << (r % 64);
		return 0;
	}
	switch (b->kinds[i]) {
	case ACCEL_COL_I64:
		if (v->kind != RV_INT)
			c->usable = 0;
		else
			((int64_t *)b->data[i])[r] = v->i;
		break;
	case ACCEL_COL_F64:
		if (v->kind == RV_FLOAT)
			((double *)b->data[i])[r] = v->f;
		else if (v->kind == RV_INT && v->i > -((int64_t)1 << 53) && v->i < ((int64_t)1 << 53))
			((double *)b->data[i])[r] = (double)v->i;
		else
			c->usable = 0;
		break;
	case ACCEL_COL_BOOL:
		if (v->kind != RV_INT || (v->i != 0 && v->i != 1))
			c->usable = 0;
		else
			((uint8_t *)b->data[i])[r] = (uint8_t)v->i;
		break;
	case ACCEL_COL_DICT: {
		if (v->kind != RV_TEXT) {
			c->usable = 0;
			break;
		}
		int64_t code = mirror_dict_add(c->dict, (const char *)v->p, v->n);
		if (code < 0)
			return -1;
		((uint32_t *)b->data[i])[r] = (uint32_t)code;
		break;
	}
	}
	return 0;
}

/* Read the whole table into a new mirror (its key and gen set by the caller). */
static int mirror_build(struct store_conn *sc, const char *table, const char *vcol, struct mirror **out,
			struct rerr *err)
{
	struct arena a;
	arena_init(&a);
	struct ast_name name = {1, {{table, 1}}};
	struct column_desc *cols = NULL;
	int ncols = catalog_columns(sc, &name, &a, &cols);
	struct mirror *m = calloc(1, sizeof(*m));
	struct mirror_build b = {0};
	struct store_stmt *st = NULL;
	struct buf q;
	buf_init(&q);
	int rc = -1, vidx = -1, nf = 0;
	if (!m)
		goto fail;
	for (int i = 0; i < ncols; i++)
		if (!strcasecmp(cols[i].name, vcol))
			vidx = i;
	if (vidx < 0 || cols[vidx].type != RT_VECTOR) {
		rerr_set(err, ERR_UNDEFINED_COLUMN, "no vector column \"%s\" in \"%s\"", vcol, table);
		goto fail;
	}
	m->cols = calloc((size_t)ncols, sizeof(*m->cols));
	struct accel_column *acols = calloc((size_t)ncols, sizeof(*acols));
	m->table.cols = acols;
	b.data = calloc((size_t)ncols, sizeof(void *));
	b.nulls = calloc((size_t)ncols, sizeof(uint64_t *));
	b.kinds = calloc((size_t)ncols, sizeof(int));
	int *src = calloc((size_t)ncols, sizeof(int));
	if (!m->cols || !acols || !b.data || !b.nulls || !b.kinds || !src) {
		free(src);
		goto oom;
	}
	char pk[256], pktype[64];
	if (mirror_query_text(sc, "SELECT name FROM pragma_table_info(?1) WHERE pk = 1"
			      " AND (SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0) = 1", table, pk,
			      sizeof(pk), err) == 1 && pk[0] &&
	    mirror_query_text(sc, "SELECT type FROM pragma_table_info(?1) WHERE pk = 1", table, pktype,
			      sizeof(pktype), err) == 1) {
		m->pk_name = strdup(pk);
		m->pk_is_rowid = !strcasecmp(pktype, "integer");
	}
	/* Text is filtered by byte equality: a column with another collation (COLLATE NOCASE
	 * for MySQL's _ci collations) is not filterable.  Conservatively: any such clause. */
	char ddl[8192];
	int text_ok = mirror_query_text(sc, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
					table, ddl, sizeof(ddl), err) == 1 && strlen(ddl) < sizeof(ddl) - 1;
	for (char *c = ddl; text_ok && *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	for (const char *c = text_ok ? strstr(ddl, "collate") : NULL; c; c = strstr(c + 7, "collate")) {
		const char *w = c + 7;
		while (*w == ' ' || *w == '\t' || *w == '\n' || *w == '"')
			w++;
		if (strncmp(w, "binary", 6) != 0)
			text_ok = 0;
	}
	buf_printf(&q, "SELECT rowid, ");
	mirror_put_ident(&q, cols[vidx].name);
	for (int i = 0; i < ncols; i++) {
		if (!strcasecmp(cols[i].name, "rowid"))
			m->has_rowid_col = 1;
		int kind = mirror_kind(cols[i].type);
		if (i == vidx || kind < 0)
			continue;
		m->cols[nf].name = strdup(cols[i].name);
		m->cols[nf].decl = cols[i].type;
		m->cols[nf].usable = kind != ACCEL_COL_DICT || text_ok;
		if (kind == ACCEL_COL_DICT && !(m->cols[nf].dict = calloc(1, sizeof(struct mirror_dict)))) {
			free(src);
			goto oom;
		}
		b.kinds[nf] = kind;
		acols[nf].type = (enum accel_coltype)kind;
		src[nf] = i;
		m->table.ncols = ++nf;
		buf_printf(&q, ", ");
		mirror_put_ident(&q, cols[i].name);
	}
	buf_printf(&q, " FROM ");
	mirror_put_ident(&q, table);
	free(src);

	size_t used;
	if (store_prepare(sc, (const char *)q.data, q.len, &st, &used, err) < 0 || !st)
		goto fail;
	m->vec_ok = 1;
	size_t n = 0;
	int step;
	while ((step = store_step(st, err)) == 1) {
		struct rvalue rid, vec;
		store_col_value(st, 0, &rid);
		store_col_value(st, 1, &vec);
		if (vec.kind != RV_BLOB || vec.n == 0 || vec.n % 4 || (m->dim && vec.n != (size_t)m->dim * 4) ||
		    vec.n / 4 > VECTOR_MAX_DIM) {
			m->vec_ok = 0; /* NULL, text or a vector of another dimension: the planner reads the store */
			break;
		}
		if (!m->dim)
			m->dim = (int)(vec.n / 4);
		if (mirror_build_grow(m, &b, n + 1) < 0)
			goto oom;
		float *x = b.x + n * (size_t)m->dim;
		vector_decode(vec.p, (size_t)m->dim, x);
		b.norms[n] = vector_norm(x, (size_t)m->dim);
		if (!isfinite(b.norms[n])) {
			m->vec_ok = 0;
			break;
		}
		if (b.norms[n] == 0)
			m->has_zero = 1;
		b.ids[n] = rid.i;
		for (int i = 0; i < nf; i++) {
			struct rvalue v;
			store_col_value(st, 2 + i, &v);
			if (mirror_put_value(m, &b, i, n, &v) < 0)
				goto oom;
		}
		n++;
	}
	if (step < 0)
		goto fail;
	store_finalize(st);
	st = NULL;

	m->vectors = (struct accel_vectors){n, m->dim, b.x, b.norms, b.ids};
	m->table.nrows = n;
	m->bytes = sizeof(*m) + b.cap * ((size_t)m->dim * 4 + 16);
	for (int i = 0; i < nf; i++) {
		acols[i].data = b.data[i];
		acols[i].nulls = b.nulls[i];
		m->bytes += b.cap * mirror_kind_size(b.kinds[i]) + ACCEL_BITMAP_WORDS(b.cap) * 8 +
			    (m->cols[i].dict ? m->cols[i].dict->bytes : 0);
	}
	b.x = NULL;
	b.norms = NULL;
	b.ids = NULL;
	for (int i = 0; i < nf; i++)
		b.data[i] = b.nulls[i] = NULL;
	*out = m;
	m = NULL;
	rc = 0;
	goto done;
oom:
	rerr_set(err, ERR_INTERNAL, "out of memory building the column mirror of \"%s\"", table);
fail:
	if (m && m->table.cols)
		for (int i = 0; i < m->table.ncols; i++) {
			((struct accel_column *)m->table.cols)[i].data = b.data[i];
			((struct accel_column *)m->table.cols)[i].nulls = b.nulls[i];
			b.data[i] = b.nulls[i] = NULL;
		}
	mirror_free(m);
done:
	if (st)
		store_finalize(st);
	free(b.x);
	free(b.norms);
	free(b.ids);
	free(b.data);
	free(b.nulls);
	free(b.kinds);
	buf_free(&q);
	arena_free(&a);
	return rc;
}

/* ---- acquire / release ------------------------------------------------- */

int mirror_acquire(struct store_conn *sc, const char *table, const char *vcol, struct mirror **out, struct rerr *err)
{
	pthread_once(&listener_once, mirror_listen);
	char file[1024];
	if (mirror_query_text(sc, "SELECT file FROM pragma_database_list WHERE name = 'main'", NULL, file, sizeof(file),
			      err) != 1 || !file[0])
		return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "the column mirror needs a database file");
	if (mirror_query_text(sc, "SELECT 1 FROM sqlite_temp_master WHERE name = ?1 COLLATE NOCASE", table, NULL, 0,
			      err) != 0)
		return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "temporary tables are not mirrored");
	struct buf key;
	buf_init(&key);
	buf_printf(&key, "%s\x1f%s\x1f%s", file, table, vcol);
	for (size_t i = strlen(file); i < key.len; i++) /* identifiers match case-insensitively */
		if (key.data[i] >= 'A' && key.data[i] <= 'Z')
			key.data[i] = (uint8_t)(key.data[i] - 'A' + 'a');
	buf_put_u8(&key, 0);
	const char *k = (const char *)key.data;

	pthread_mutex_lock(&registry_lock);
	struct mirror_gen *g = mirror_gen_find(file, 1);
	uint64_t gen = g ? g->gen : 0;
	for (struct mirror_entry *e = entries; e; e = e->next)
		if (!strcmp(e->m->key, k) && e->m->gen == gen && g) {
			e->m->refs++;
			*out = e->m;
			pthread_mutex_unlock(&registry_lock);
			buf_free(&key);
			return 0;
		}
	pthread_mutex_unlock(&registry_lock);

	struct mirror *m;
	if (mirror_build(sc, table, vcol, &m, err) < 0) {
		buf_free(&key);
		return -1;
	}
	m->key = strdup(k);
	m->gen = gen;
	m->refs = 2; /* the registry's and the caller's */
	buf_free(&key);
	log_info("accel_mirror", "table=%s column=%s rows=%zu dims=%d columns=%d bytes=%zu", table, vcol,
		 m->vectors.n, m->dim, m->table.ncols, m->bytes);

	pthread_mutex_lock(&registry_lock);
	struct mirror_entry *e = entries;
	while (e && m->key && strcmp(e->m->key, m->key))
		e = e->next;
	if (!e && (e = calloc(1, sizeof(*e)))) {
		e->next = entries;
		entries = e;
	}
	struct mirror *old = NULL;
	if (!e || !m->key) {
		m->refs = 1; /* not kept: out of memory for the registry */
	} else if (!e->m || e->m->gen <= m->gen) {
		old = e->m;
		e->m = m;
		total_bytes += m->bytes;
		if (old)
			total_bytes -= old->bytes;
	} else {
		m->refs = 1; /* someone built a newer one meanwhile */
	}
	if (old && --old->refs > 0)
		old = NULL;
	pthread_mutex_unlock(&registry_lock);
	mirror_free(old);
	*out = m;
	return 0;
}

void mirror_release(struct mirror *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&registry_lock);
	int last = --m->refs == 0;
	pthread_mutex_unlock(&registry_lock);
	if (last)
		mirror_free(m);
}
