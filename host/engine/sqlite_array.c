/*
 * sqlite_array.c — PostgreSQL's one-dimensional arrays as SQL functions on
 * the embedded store.
 *
 * An array is held as its PostgreSQL text form, '{a,b,"c d",NULL}', so a
 * value that reaches a client is already what PostgreSQL would send in text
 * format, and the catalogs (catalog_pg.c) can build arrays with string
 * concatenation.  Readers also accept the int2vector/oidvector form "1 2 3"
 * (pg_index.indkey).  Elements that read as integers or floats come back as
 * numbers, everything else as text; quoting follows PostgreSQL's array_out
 * (quotes around empty strings, NULL, and anything with  {},"\  or space).
 *
 * The deparser (sql/deparse*.c) maps the syntax onto these:
 *   ARRAY[a, b]              rosetta_array(a, b)
 *   ARRAY(subquery)          (SELECT rosetta_array_agg(...) FROM (subquery))
 *   x = ANY(arr)             rosetta_any_eq(x, arr)   (<> ALL is its NOT)
 *   arr[i]                   rosetta_array_get(arr, i)
 *   unnest(arr) in a target  json_each(rosetta_array_json(arr)) joined in
 *
 * INTERFACE ROUTINES
 *   sqlite_array_register   register every function below on a connection
 *
 *   rosetta_array(...)               the array of its arguments
 *   rosetta_array_agg(x [, key, desc])   aggregate; with a key, ordered by it
 *   array_agg(x)                     the same, PostgreSQL's name
 *   rosetta_any_eq(x, arr)           1 when x equals an element, NULL when
 *                                    none does but one is NULL, else 0
 *   rosetta_array_get(arr, i)        element i (1-based), NULL outside
 *   rosetta_array_json(arr)          a JSON array, for json_each
 *   array_to_string(arr, sep [, null])   elements joined; NULLs skipped
 *                                    unless a NULL text is given
 *   array_length(arr, dim), array_upper(arr, dim), cardinality(arr),
 *   array_lower(arr, dim)
 *   array_append(arr, x), array_prepend(x, arr), array_cat(a, b),
 *   array_remove(arr, x), array_position(arr, x)
 */
#include "engine/sqlite_funcs.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "engine/array_text.h"

/* ---- reading the text form (engine/array_text.c) ------------------------ */

/* Parse argv[k] as an array; 1 when it is NULL (the caller returns NULL), -1 after raising an error. */
static int arr_arg(sqlite3_context *ctx, sqlite3_value *v, struct array_text *a)
{
	if (sqlite3_value_type(v) == SQLITE_NULL)
		return 1;
	const char *s = (const char *)sqlite3_value_text(v);
	if (!s || array_text_parse(s, (size_t)sqlite3_value_bytes(v), a) < 0) {
		array_text_free(a);
		sqlite3_result_error(ctx, "[22P02] malformed array literal", -1);
		return -1;
	}
	return 0;
}

/* An unquoted element that is a number: 1 integer (*i), 2 float (*f), 0 not. */
static int arr_number(const struct array_elem *e, long long *i, double *f)
{
	if (e->null || e->quoted || !e->n)
		return 0;
	char *end;
	errno = 0;
	*i = strtoll(e->p, &end, 10);
	if (!*end && !errno)
		return 1;
	*f = strtod(e->p, &end);
	return !*end && isfinite(*f) ? 2 : 0;
}

static void arr_result_elem(sqlite3_context *ctx, const struct array_elem *e)
{
	long long i;
	double f;
	if (e->null) {
		sqlite3_result_null(ctx);
		return;
	}
	switch (arr_number(e, &i, &f)) {
	case 1: sqlite3_result_int64(ctx, i); break;
	case 2: sqlite3_result_double(ctx, f); break;
	default: sqlite3_result_text(ctx, e->p, (int)e->n, SQLITE_TRANSIENT);
	}
}

/* ---- writing the text form ----------------------------------------------- */

static void arr_put_value(struct buf *b, sqlite3_value *v)
{
	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		buf_append(b, "NULL", 4);
		break;
	case SQLITE_INTEGER:
	case SQLITE_FLOAT: {
		const char *s = (const char *)sqlite3_value_text(v);
		buf_append(b, s, strlen(s));
		break;
	}
	default: {
		const char *s = (const char *)sqlite3_value_text(v);
		array_text_put_elem(b, s ? s : "", s ? (size_t)sqlite3_value_bytes(v) : 0);
	}
	}
}

static void arr_result_buf(sqlite3_context *ctx, struct buf *b)
{
	sqlite3_result_text(ctx, (const char *)b->data, (int)b->len, SQLITE_TRANSIENT);
	buf_free(b);
}

static void fn_array(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct buf b;
	buf_init(&b);
	buf_put_u8(&b, '{');
	for (int k = 0; k < argc; k++) {
		if (k)
			buf_put_u8(&b, ',');
		arr_put_value(&b, argv[k]);
	}
	buf_put_u8(&b, '}');
	arr_result_buf(ctx, &b);
}

/* ---- array_agg ------------------------------------------------------------ */

struct agg_item {
	sqlite3_value *v, *key;
	size_t seq;
};

struct agg_state {
	struct agg_item *items;
	size_t n, cap;
	int desc;
};

static void agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct agg_state *st = sqlite3_aggregate_context(ctx, sizeof(*st));
	if (!st)
		return;
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;
		struct agg_item *v = realloc(st->items, cap * sizeof(*v));
		if (!v) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		st->items = v;
		st->cap = cap;
	}
	struct agg_item *it = &st->items[st->n];
	it->v = sqlite3_value_dup(argv[0]);
	it->key = argc > 1 ? sqlite3_value_dup(argv[1]) : NULL;
	it->seq = st->n++;
	if (argc > 2)
		st->desc = sqlite3_value_int(argv[2]);
}

/* qsort has no context argument: the comparator reads the order here */
static _Thread_local int agg_desc_tl;

static int agg_cmp_keys(sqlite3_value *a, sqlite3_value *b)
{
	int ta = a ? sqlite3_value_type(a) : SQLITE_NULL, tb = b ? sqlite3_value_type(b) : SQLITE_NULL;
	if (ta == SQLITE_NULL || tb == SQLITE_NULL)
		return (ta == SQLITE_NULL) - (tb == SQLITE_NULL); /* NULLs last, as PostgreSQL sorts ascending */
	int na = ta == SQLITE_INTEGER || ta == SQLITE_FLOAT, nb = tb == SQLITE_INTEGER || tb == SQLITE_FLOAT;
	if (na && nb) {
		double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
		return x < y ? -1 : x > y;
	}
	if (na != nb)
		return na ? -1 : 1;
	return strcmp((const char *)sqlite3_value_text(a), (const char *)sqlite3_value_text(b));
}

static int agg_cmp(const void *x, const void *y)
{
	const struct agg_item *a = x, *b = y;
	int c = agg_cmp_keys(a->key, b->key);
	if (agg_desc_tl)
		c = -c;
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static void agg_final(sqlite3_context *ctx)
{
	struct agg_state *st = sqlite3_aggregate_context(ctx, 0);
	if (!st || !st->n) {
		sqlite3_result_null(ctx);
		return;
	}
	agg_desc_tl = st->desc;
	qsort(st->items, st->n, sizeof(*st->items), agg_cmp);
	struct buf b;
	buf_init(&b);
	buf_put_u8(&b, '{');
	for (size_t k = 0; k < st->n; k++) {
		if (k)
			buf_put_u8(&b, ',');
		arr_put_value(&b, st->items[k].v);
		sqlite3_value_free(st->items[k].v);
		sqlite3_value_free(st->items[k].key);
	}
	free(st->items);
	buf_put_u8(&b, '}');
	arr_result_buf(ctx, &b);
}

/* ---- element access ------------------------------------------------------- */

static int arr_elem_eq(sqlite3_value *x, const struct array_elem *e)
{
	long long i;
	double f;
	int t = sqlite3_value_type(x);
	if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) {
		int k = arr_number(e, &i, &f);
		if (k == 1)
			return t == SQLITE_INTEGER ? sqlite3_value_int64(x) == i : sqlite3_value_double(x) == (double)i;
		if (k == 2)
			return sqlite3_value_double(x) == f;
		return 0;
	}
	const char *s = (const char *)sqlite3_value_text(x);
	return s && (size_t)sqlite3_value_bytes(x) == e->n && !memcmp(s, e->p, e->n);
}

static void fn_any_eq(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct array_text a;
	if (arr_arg(ctx, argv[1], &a)) {
		if (!sqlite3_value_type(argv[1]) || sqlite3_value_type(argv[1]) == SQLITE_NULL)
			sqlite3_result_null(ctx);
		return;
	}
	if (!a.n) {
		sqlite3_result_int(ctx, 0);
		array_text_free(&a);
		return;
	}
	int nulls = sqlite3_value_type(argv[0]) == SQLITE_NULL, hit = 0;
	for (int k = 0; k < a.n && !hit && sqlite3_value_type(argv[0]) != SQLITE_NULL; k++) {
		if (a.v[k].null)
			nulls = 1; /* NULL unless a later element matches */
		else
			hit = arr_elem_eq(argv[0], &a.v[k]);
	}
	if (hit)
		sqlite3_result_int(ctx, 1);
	else if (nulls)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int(ctx, 0);
	array_text_free(&a);
}

static void fn_array_get(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct array_text a;
	if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arr_arg(ctx, argv[0], &a)) {
		if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
			sqlite3_result_null(ctx);
		return;
	}
	long long i = sqlite3_value_int64(argv[1]);
	if (i >= 1 && i <= a.n)
		arr_result_elem(ctx, &a.v[i - 1]);
	else
		sqlite3_result_null(ctx);
	array_text_free(&a);
}

static void fn_array_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct array_text a;
	if (arr_arg(ctx, argv[0], &a)) {
		if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
			sqlite3_result_text(ctx, "[]", 2, SQLITE_STATIC);
		return;
	}
	struct buf b;
	buf_init(&b);
	buf_put_u8(&b, '[');
	for (int k = 0; k < a.n; k++) {
		long long i;
		double f;
		if (k)
			buf_put_u8(&b, ',');
		if (a.v[k].null) {
			buf_append(&b, "null", 4);
		} else if (arr_number(&a.v[k], &i, &f)) {
			buf_append(&b, a.v[k].p, a.v[k].n);
		} else {
			buf_put_u8(&b, '"');
			for (size_t j = 0; j < a.v[k].n; j++) {
				unsigned char c = (unsigned char)a.v[k].p[j];
				if (c == '"' || c == '\\')
					buf_printf(&b, "\\%c", c);
				else if (c < 0x20)
					buf_printf(&b, "\\u%04x", c);
				else
					buf_put_u8(&b, c);
			}
			buf_put_u8(&b, '"');
		}
	}
	buf_put_u8(&b, ']');
	array_text_free(&a);
	arr_result_buf(ctx, &b);
}

static void fn_array_to_string(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct array_text a;
	if (sqlite3_value_type(argv[1]) == SQLITE_NULL || arr_arg(ctx, argv[0], &a)) {
		if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
			sqlite3_result_null(ctx);
		return;
	}
	const char *sep = (const char *)sqlite3_value_text(argv[1]);
	const char *nul = argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL ? (const char *)sqlite3_value_text(argv[2]) : NULL;
	struct buf b;
	buf_init(&b);
	int first = 1;
	for (int k = 0; k < a.n; k++) {
		if (a.v[k].null && !nul)
			continue;
		if (!first)
			buf_append(&b, sep, strlen(sep));
		first = 0;
		if (a.v[k].null)
			buf_append(&b, nul, strlen(nul));
		else
			buf_append(&b, a.v[k].p, a.v[k].n);
	}
	array_text_free(&a);
	arr_result_buf(ctx, &b);
}

/* Append a parsed element as it was read (its text re-quoted as needed). */
static void arr_put_elem(struct buf *b, const struct array_elem *e)
{
	if (e->null)
		buf_append(b, "NULL", 4);
	else
		array_text_put_elem(b, e->p, e->n);
}

/*
 * array_append(arr, x) (user data 0), array_prepend(x, arr) (1), array_cat(a, b) (2),
 * array_remove(arr, x) (3).  A NULL array counts as empty, as PostgreSQL's do.
 */
static void fn_array_edit(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int what = (int)(intptr_t)sqlite3_user_data(ctx);
	struct array_text a = {0}, b2 = {0};
	sqlite3_value *arr = argv[what == 1 ? 1 : 0], *x = argv[what == 1 ? 0 : 1];
	int rc = arr_arg(ctx, arr, &a);
	if (rc < 0)
		return;
	if (what == 2) {
		int rc2 = arr_arg(ctx, x, &b2);
		if (rc2 < 0) {
			array_text_free(&a);
			return;
		}
		if (rc && rc2) {
			sqlite3_result_null(ctx);
			return;
		}
	}
	struct buf b;
	buf_init(&b);
	buf_put_u8(&b, '{');
	int n = 0;
	if (what == 1) {
		arr_put_value(&b, x);
		n++;
	}
	for (int k = 0; k < a.n; k++) {
		if (what == 3 && !a.v[k].null == (sqlite3_value_type(x) != SQLITE_NULL) &&
		    (a.v[k].null || arr_elem_eq(x, &a.v[k])))
			continue;
		if (n++)
			buf_put_u8(&b, ',');
		arr_put_elem(&b, &a.v[k]);
	}
	for (int k = 0; k < b2.n; k++) {
		if (n++)
			buf_put_u8(&b, ',');
		arr_put_elem(&b, &b2.v[k]);
	}
	if (what == 0) {
		if (n++)
			buf_put_u8(&b, ',');
		arr_put_value(&b, x);
	}
	buf_put_u8(&b, '}');
	array_text_free(&a);
	array_text_free(&b2);
	arr_result_buf(ctx, &b);
}

/* array_position(arr, x): the 1-based index of the first element equal to x, or NULL. */
static void fn_array_position(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct array_text a;
	if (arr_arg(ctx, argv[0], &a)) {
		if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
			sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_null(ctx);
	for (int k = 0; k < a.n; k++)
		if (sqlite3_value_type(argv[1]) == SQLITE_NULL ? a.v[k].null : !a.v[k].null && arr_elem_eq(argv[1], &a.v[k])) {
			sqlite3_result_int(ctx, k + 1);
			break;
		}
	array_text_free(&a);
}

/* array_length / array_upper (user data 0), array_lower (1), cardinality (2). */
static void fn_array_len(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int what = (int)(intptr_t)sqlite3_user_data(ctx);
	struct array_text a;
	if (arr_arg(ctx, argv[0], &a)) {
		if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
			sqlite3_result_null(ctx);
		return;
	}
	if (what == 2)
		sqlite3_result_int(ctx, a.n);
	else if (!a.n || (argc > 1 && sqlite3_value_int(argv[1]) != 1))
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int(ctx, what == 1 ? 1 : a.n);
	array_text_free(&a);
}

int sqlite_array_register(sqlite3 *db)
{
	static const struct {
		const char *name;
		int nargs;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
		intptr_t user;
	} fns[] = {
		{"rosetta_array", -1, fn_array, 0},
		{"rosetta_any_eq", 2, fn_any_eq, 0},
		{"rosetta_array_get", 2, fn_array_get, 0},
		{"rosetta_array_json", 1, fn_array_json, 0},
		{"array_to_string", 2, fn_array_to_string, 0},
		{"array_to_string", 3, fn_array_to_string, 0},
		{"array_length", 2, fn_array_len, 0},
		{"array_upper", 2, fn_array_len, 0},
		{"array_lower", 2, fn_array_len, 1},
		{"cardinality", 1, fn_array_len, 2},
		{"array_append", 2, fn_array_edit, 0},
		{"array_prepend", 2, fn_array_edit, 1},
		{"array_cat", 2, fn_array_edit, 2},
		{"array_remove", 2, fn_array_edit, 3},
		{"array_position", 2, fn_array_position, 0},
	};
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		int rc = sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs, flags, (void *)fns[i].user, fns[i].fn,
						    NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	static const char *const aggs[] = {"rosetta_array_agg", "array_agg"};
	for (size_t i = 0; i < 2; i++)
		for (int nargs = 1; nargs <= 3; nargs += 2) {
			int rc = sqlite3_create_function_v2(db, aggs[i], nargs, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL, NULL,
							    agg_step, agg_final, NULL);
			if (rc != SQLITE_OK)
				return rc;
		}
	return SQLITE_OK;
}
