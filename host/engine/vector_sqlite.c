/*
 * vector_sqlite.c — the VECTOR(N) SQL functions on a SQLite connection
 * (the list and its semantics are in vector_sqlite.h).
 *
 * Every function reads its vector arguments through vsql_arg(), which
 * yields an aligned float array whatever the argument was:
 *
 *   BLOB, 4-aligned (little-endian host)   the blob itself, no copy
 *   BLOB, unaligned                         a malloc'd copy, freed by vsql_release
 *   TEXT                                    parsed; cached as the argument's auxdata,
 *                                           so a constant literal is parsed once
 *   NULL                                    the function returns NULL
 *
 * Invariants
 *   1. Each successful vsql_arg() is paired with one vsql_release() after the
 *      result is computed, because SQLite may free auxdata inside
 *      sqlite3_set_auxdata() — so the hand-over comes last.
 *   2. A blob argument is checked for shape (length, dimension bounds) only;
 *      its elements were checked when vector_in() stored it.
 */
#include "engine/vector_sqlite.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "engine/vector.h"

/* A text argument parsed into stored form (buf data is malloc'd, so aligned for float). */
struct vsql_parsed {
	struct buf blob;
	int dims;
};

struct vsql_vec {
	const float *x;
	int dims;
	struct vsql_parsed *parsed; /* parsed now, to be handed to SQLite as auxdata */
	float *copy;		    /* copy of an unaligned blob */
};

static void vsql_error(sqlite3_context *ctx, const struct rerr *err)
{
	char msg[RERR_MESSAGE_MAX + 16];
	snprintf(msg, sizeof(msg), "[%s] %s", errcode_sqlstate(err->code), err->message);
	sqlite3_result_error(ctx, msg, -1);
}

static void vsql_parsed_free(void *p)
{
	struct vsql_parsed *v = p;
	buf_free(&v->blob);
	free(v);
}

/* Parse a TEXT value into a new vsql_parsed; NULL with err set on failure. */
static struct vsql_parsed *vsql_parse(sqlite3_value *val, int32_t typmod, struct rerr *err)
{
	const char *text = (const char *)sqlite3_value_text(val);
	if (!text) {
		rerr_set(err, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	/* A NUL inside the value would end the literal early: no PostgreSQL text holds one. */
	if (strlen(text) != (size_t)sqlite3_value_bytes(val)) {
		rerr_set(err, ERR_INVALID_TEXT_REPRESENTATION, "invalid input syntax for type vector: \"%s\"", text);
		return NULL;
	}
	struct vsql_parsed *p = calloc(1, sizeof(*p));
	if (!p) {
		rerr_set(err, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	buf_init(&p->blob);
	p->dims = vector_parse(text, typmod, &p->blob, err);
	if (p->dims < 0) {
		vsql_parsed_free(p);
		return NULL;
	}
	return p;
}

/*
 * Argument i as a vector.  Returns 1 with *v filled (release it with
 * vsql_release), 0 when the argument is NULL (the result is set to NULL), or
 * -1 when it is no vector (the error result is set).
 */
static int vsql_arg(sqlite3_context *ctx, sqlite3_value **argv, int i, struct vsql_vec *v)
{
	struct rerr err;
	memset(v, 0, sizeof(*v));
	switch (sqlite3_value_type(argv[i])) {
	case SQLITE_NULL:
		sqlite3_result_null(ctx);
		return 0;
	case SQLITE_BLOB: {
		const uint8_t *p = sqlite3_value_blob(argv[i]);
		int dims = vector_blob_dims((size_t)sqlite3_value_bytes(argv[i]), &err);
		if (dims < 0) {
			vsql_error(ctx, &err);
			return -1;
		}
		v->dims = dims;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		if ((uintptr_t)p % _Alignof(float) == 0) {
			v->x = (const float *)(const void *)p;
			return 1;
		}
#endif
		v->copy = malloc((size_t)dims * sizeof(float));
		if (!v->copy) {
			sqlite3_result_error_nomem(ctx);
			return -1;
		}
		vector_decode(p, (size_t)dims, v->copy);
		v->x = v->copy;
		return 1;
	}
	default: {
		struct vsql_parsed *cached = sqlite3_get_auxdata(ctx, i);
		if (cached) {
			v->x = (const float *)(const void *)cached->blob.data;
			v->dims = cached->dims;
			return 1;
		}
		struct vsql_parsed *p = vsql_parse(argv[i], VECTOR_TYPMOD_ANY, &err);
		if (!p) {
			vsql_error(ctx, &err);
			return -1;
		}
		v->parsed = p;
		v->x = (const float *)(const void *)p->blob.data;
		v->dims = p->dims;
		return 1;
	}
	}
}

/* Invariant 1: call once the result no longer needs v->x. */
static void vsql_release(sqlite3_context *ctx, int i, struct vsql_vec *v)
{
	free(v->copy);
	if (v->parsed)
		sqlite3_set_auxdata(ctx, i, v->parsed, vsql_parsed_free);
	memset(v, 0, sizeof(*v));
}

/* vector_in(v [, dims]) and its vendor spellings: the stored form, checked. */
static void vsql_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct rerr err;
	int32_t typmod = VECTOR_TYPMOD_ANY;
	if (argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
		sqlite3_int64 d = sqlite3_value_int64(argv[1]);
		if (d < 1 || d > VECTOR_MAX_DIM) {
			if (d < 1)
				rerr_set(&err, ERR_DATA_EXCEPTION, "dimensions for type vector must be at least 1");
			else
				rerr_set(&err, ERR_DATA_EXCEPTION, "dimensions for type vector cannot exceed %d",
					 VECTOR_MAX_DIM);
			vsql_error(ctx, &err);
			return;
		}
		typmod = (int32_t)d;
	}
	switch (sqlite3_value_type(argv[0])) {
	case SQLITE_NULL:
		sqlite3_result_null(ctx);
		return;
	case SQLITE_BLOB: {
		const uint8_t *p = sqlite3_value_blob(argv[0]);
		int n = sqlite3_value_bytes(argv[0]);
		if (vector_check_blob(p, (size_t)n, typmod, &err) < 0) {
			vsql_error(ctx, &err);
			return;
		}
		sqlite3_result_blob(ctx, p, n, SQLITE_TRANSIENT);
		return;
	}
	default: {
		struct vsql_parsed *p = vsql_parse(argv[0], typmod, &err);
		if (!p) {
			vsql_error(ctx, &err);
			return;
		}
		sqlite3_result_blob(ctx, p->blob.data, (int)p->blob.len, SQLITE_TRANSIENT);
		vsql_parsed_free(p);
		return;
	}
	}
}

/* vector_out and friends; the style is the function's user data. */
static void vsql_out(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	enum vector_text_style style = (enum vector_text_style)(intptr_t)sqlite3_user_data(ctx);
	struct vsql_vec v;
	if (vsql_arg(ctx, argv, 0, &v) <= 0)
		return;
	struct buf text;
	buf_init(&text);
	vector_format(v.x, (size_t)v.dims, style, &text);
	sqlite3_result_text(ctx, (const char *)text.data, (int)text.len, SQLITE_TRANSIENT);
	buf_free(&text);
	vsql_release(ctx, 0, &v);
}

static void vsql_dims(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct vsql_vec v;
	if (vsql_arg(ctx, argv, 0, &v) <= 0)
		return;
	sqlite3_result_int(ctx, v.dims);
	vsql_release(ctx, 0, &v);
}

static void vsql_norm(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct vsql_vec v;
	if (vsql_arg(ctx, argv, 0, &v) <= 0)
		return;
	sqlite3_result_double(ctx, vector_norm(v.x, (size_t)v.dims));
	vsql_release(ctx, 0, &v);
}

/* Distance of argv[0] and argv[1] under `m`, NULL in -> NULL out. */
static void vsql_distance_by(sqlite3_context *ctx, sqlite3_value **argv, enum vector_metric m)
{
	struct rerr err;
	struct vsql_vec a, b;
	if (vsql_arg(ctx, argv, 0, &a) <= 0)
		return;
	if (vsql_arg(ctx, argv, 1, &b) <= 0) {
		vsql_release(ctx, 0, &a);
		return;
	}
	if (vector_check_same_dims(a.dims, b.dims, &err) < 0)
		vsql_error(ctx, &err);
	else
		sqlite3_result_double(ctx, vector_distance(m, a.x, b.x, (size_t)a.dims));
	vsql_release(ctx, 0, &a);
	vsql_release(ctx, 1, &b);
}

/* l2_distance, cosine_distance, vec_distance_*, ...: the metric is the user data. */
static void vsql_distance(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	vsql_distance_by(ctx, argv, (enum vector_metric)(intptr_t)sqlite3_user_data(ctx));
}

/* MySQL's DISTANCE(a, b, 'metric'). */
static void vsql_distance_named(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct rerr err;
	enum vector_metric m;
	const char *name = (const char *)sqlite3_value_text(argv[2]);
	if (!name) {
		sqlite3_result_null(ctx);
		return;
	}
	if (vector_metric_from_name(name, &m, &err) < 0) {
		vsql_error(ctx, &err);
		return;
	}
	vsql_distance_by(ctx, argv, m);
}

#define VSQL_DATA(m) ((void *)(intptr_t)(m))

static const struct {
	const char *name;
	int nargs;
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
	void *data;
} vsql_functions[] = {
	{"vector_in", 1, vsql_in, NULL},
	{"vector_in", 2, vsql_in, NULL},
	{"vec_fromtext", 1, vsql_in, NULL},
	{"string_to_vector", 1, vsql_in, NULL},
	{"to_vector", 1, vsql_in, NULL},
	{"vector_out", 1, vsql_out, VSQL_DATA(VECTOR_TEXT_PG)},
	{"vec_totext", 1, vsql_out, VSQL_DATA(VECTOR_TEXT_PG)},
	{"vector_to_string", 1, vsql_out, VSQL_DATA(VECTOR_TEXT_MYSQL)},
	{"from_vector", 1, vsql_out, VSQL_DATA(VECTOR_TEXT_MYSQL)},
	{"vector_dims", 1, vsql_dims, NULL},
	{"vector_dim", 1, vsql_dims, NULL},
	{"vector_norm", 1, vsql_norm, NULL},
	{"l2_distance", 2, vsql_distance, VSQL_DATA(VECTOR_L2)},
	{"inner_product", 2, vsql_distance, VSQL_DATA(VECTOR_INNER_PRODUCT)},
	{"negative_inner_product", 2, vsql_distance, VSQL_DATA(VECTOR_NEGATIVE_INNER_PRODUCT)},
	{"cosine_distance", 2, vsql_distance, VSQL_DATA(VECTOR_COSINE)},
	{"l1_distance", 2, vsql_distance, VSQL_DATA(VECTOR_L1)},
	{"vec_distance_euclidean", 2, vsql_distance, VSQL_DATA(VECTOR_L2)},
	{"vec_distance_cosine", 2, vsql_distance, VSQL_DATA(VECTOR_COSINE)},
	{"vec_distance", 2, vsql_distance, VSQL_DATA(VECTOR_L2)},
	{"distance", 3, vsql_distance_named, NULL},
};

int vector_sqlite_register(sqlite3 *db)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	for (size_t i = 0; i < sizeof(vsql_functions) / sizeof(vsql_functions[0]); i++) {
		int rc = sqlite3_create_function_v2(db, vsql_functions[i].name, vsql_functions[i].nargs, flags,
						    vsql_functions[i].data, vsql_functions[i].fn, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}
