/*
 * test_vector.c — the VECTOR(N) type: text in and out (pgvector's forms and
 * errors), the stored form's checks, the distance kernels against a naive
 * reference and hand-computed values, and the SQL functions on an in-memory
 * SQLite database.
 */
#include <CUnit/CUnit.h>
#include <float.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "engine/vector.h"
#include "engine/vector_sqlite.h"

void suite_vector(void);

/* ---- helpers ------------------------------------------------------------ */

/* Parse `in` and print it back in pgvector's form into `out` (size n); returns dims or -1. */
static int roundtrip(const char *in, char *out, size_t n, struct rerr *err)
{
	struct buf b;
	buf_init(&b);
	int dims = vector_parse(in, VECTOR_TYPMOD_ANY, &b, err);
	out[0] = '\0';
	if (dims > 0) {
		float *x = malloc((size_t)dims * sizeof(float));
		vector_decode(b.data, (size_t)dims, x);
		struct buf t;
		buf_init(&t);
		vector_format(x, (size_t)dims, VECTOR_TEXT_PG, &t);
		snprintf(out, n, "%.*s", (int)t.len, (const char *)t.data);
		buf_free(&t);
		free(x);
	}
	buf_free(&b);
	return dims;
}

static void check_out(const char *in, const char *want)
{
	char out[512];
	struct rerr err;
	int dims = roundtrip(in, out, sizeof(out), &err);
	if (dims < 0)
		fprintf(stderr, "\nparse of %s failed: %s\n", in, err.message);
	else if (strcmp(out, want) != 0)
		fprintf(stderr, "\n%s printed %s, want %s\n", in, out, want);
	CU_ASSERT(dims > 0 && strcmp(out, want) == 0);
}

static void check_float(float f, const char *want)
{
	char s[VECTOR_FLOAT_TEXT_MAX];
	vector_format_float(f, s);
	if (strcmp(s, want) != 0)
		fprintf(stderr, "\n%.9g printed %s, want %s\n", (double)f, s, want);
	CU_ASSERT_STRING_EQUAL(s, want);
}

/* Parse must fail with `code` and exactly `msg`, leaving the buffer as it was. */
static void check_bad(const char *in, enum errcode code, const char *msg)
{
	struct buf b;
	buf_init(&b);
	buf_append(&b, "xy", 2);
	struct rerr err;
	rerr_clear(&err);
	int dims = vector_parse(in, VECTOR_TYPMOD_ANY, &b, &err);
	CU_ASSERT_EQUAL(dims, -1);
	CU_ASSERT_EQUAL(b.len, 2);
	if (err.code != code || strcmp(err.message, msg) != 0)
		fprintf(stderr, "\n%s: got %s \"%s\", want %s \"%s\"\n", in, errcode_sqlstate(err.code), err.message,
			errcode_sqlstate(code), msg);
	CU_ASSERT_EQUAL(err.code, code);
	CU_ASSERT_STRING_EQUAL(err.message, msg);
	buf_free(&b);
}

static void check_syntax(const char *in)
{
	char msg[256];
	snprintf(msg, sizeof(msg), "invalid input syntax for type vector: \"%s\"", in);
	check_bad(in, ERR_INVALID_TEXT_REPRESENTATION, msg);
}

/* xorshift64*: reproducible random numbers without libc's global state. */
static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/* Uniform in [-scale, scale). */
static float rng_float(float scale)
{
	double u = (double)(rng_next() >> 11) / 9007199254740992.0;
	return (float)((u * 2 - 1) * scale);
}

/* ---- text in and out ------------------------------------------------------ */

static void test_vector_text_roundtrip_examples(void)
{
	check_out("[1, 2,3]", "[1,2,3]");
	check_out("[1,2.5,-3e-2]", "[1,2.5,-0.03]");
	check_out(" \t\n[ 1 ,\r2.5\v,\f-3e-2 ] \n", "[1,2.5,-0.03]");
	check_out("[+1,.5,5.,0x1p3]", "[1,0.5,5,8]");
	check_out("[-0,0,0.0]", "[-0,0,0]");
	check_out("[1e-50]", "[0]"); /* underflows to zero as in pgvector (strtof, no error unless infinite) */
	check_out("[0.1,0.2,0.3]", "[0.1,0.2,0.3]");
}

/* PostgreSQL's float4 layout of shortest digits, values checked against psql's output. */
static void test_vector_float_text_matches_postgres(void)
{
	check_float(1.0f, "1");
	check_float(-2.5f, "-2.5");
	check_float(0.0001f, "0.0001");
	check_float(0.00001f, "1e-05");
	check_float(123456.0f, "123456");
	check_float(1234567.0f, "1.234567e+06");
	check_float(1e6f, "1e+06");
	check_float(16777216.0f, "1.6777216e+07");
	check_float(3.14159265f, "3.1415927");
	check_float(FLT_MAX, "3.4028235e+38");
	check_float(-FLT_MAX, "-3.4028235e+38");
	check_float(FLT_MIN, "1.1754944e-38");
	check_float(1e-45f, "1e-45"); /* the smallest subnormal */
	check_float(0.1f, "0.1");
	check_float(1.0f / 3.0f, "0.33333334");
	check_float(100.0f, "100");
	check_float(1e10f, "1e+10");
	check_float(-0.0f, "-0");
	check_float(0.0f, "0");
	check_float(NAN, "NaN");
	check_float(INFINITY, "Infinity");
	check_float(-INFINITY, "-Infinity");
	check_float(-0.000123456789f, "-0.00012345679");
	/* The three powers of two whose nearest 8-digit decimal falls outside
	 * their lopsided rounding interval while its neighbour is inside:
	 * Ryu (PostgreSQL's printer) gives these 8-digit forms. */
	check_float(ldexpf(1, -96), "1.2621775e-29");
	check_float(ldexpf(1, 87), "1.5474251e+26");
	check_float(ldexpf(1, 90), "1.2379401e+27");
}

/*
 * Every finite float32 printed reads back as the same bits, and no shorter
 * decimal (fewer significant digits, nearest rounding) reads back as it.
 */
static void test_vector_float_text_roundtrips_random_bits(void)
{
	int bad = 0;
	for (int k = 0; k < 200000; k++) {
		uint32_t bits = (uint32_t)rng_next();
		if (k < 64)
			bits = (uint32_t)k; /* subnormals near zero */
		float f;
		memcpy(&f, &bits, sizeof(f));
		if (!isfinite(f))
			continue;
		char s[VECTOR_FLOAT_TEXT_MAX];
		size_t len = vector_format_float(f, s);
		float g = strtof(s, NULL);
		if (len != strlen(s) || memcmp(&f, &g, sizeof(f)) != 0)
			bad++;
		/* significant digits printed: no leading zeros, no trailing zeros */
		char sig[32];
		int digits = 0;
		for (const char *p = s; *p && *p != 'e'; p++)
			if (*p >= '0' && *p <= '9' && (digits > 0 || *p != '0'))
				sig[digits++] = *p;
		while (digits > 1 && sig[digits - 1] == '0')
			digits--;
		if (digits > 1 && f != 0) {
			char shorter[32];
			snprintf(shorter, sizeof(shorter), "%.*e", digits - 2, (double)f);
			float h = strtof(shorter, NULL);
			if (memcmp(&f, &h, sizeof(f)) == 0)
				bad++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_vector_text_roundtrip_random_vectors(void)
{
	for (int k = 0; k < 200; k++) {
		size_t n = 1 + rng_next() % 300;
		float *x = malloc(n * sizeof(float));
		for (size_t i = 0; i < n; i++) {
			uint32_t bits = (uint32_t)rng_next() & 0xbfffffffu; /* exponent < 128: finite */
			memcpy(&x[i], &bits, sizeof(bits));
		}
		struct buf text, blob;
		buf_init(&text);
		buf_init(&blob);
		vector_format(x, n, VECTOR_TEXT_PG, &text);
		buf_append(&text, "", 1);
		struct rerr err;
		int dims = vector_parse((const char *)text.data, (int32_t)n, &blob, &err);
		CU_ASSERT_EQUAL(dims, (int)n);
		struct buf want;
		buf_init(&want);
		vector_encode(x, n, &want);
		CU_ASSERT(dims > 0 && blob.len == want.len && memcmp(blob.data, want.data, want.len) == 0);
		buf_free(&want);
		buf_free(&text);
		buf_free(&blob);
		free(x);
	}
}

static void test_vector_text_mysql_style(void)
{
	float x[] = {1.05f, -17.8f, 32.0f};
	struct buf t;
	buf_init(&t);
	vector_format(x, 3, VECTOR_TEXT_MYSQL, &t);
	buf_append(&t, "", 1);
	CU_ASSERT_STRING_EQUAL((const char *)t.data, "[1.05000e+00,-1.78000e+01,3.20000e+01]");
	buf_free(&t);
}

static void test_vector_text_malformed(void)
{
	const char *bad[] = {
		"[", "[1", "[1,", "[1,]", "[,1]", "[1 2]", "[1,,2]", "[a]", "[1,a]", "[1;2]", "[1.2.3]",
		"[--1]", "[1e]", "[[1]]", "[1,[2]]", "[ 1 , ]", "[1,2", "[\"1\"]", "[1,2}", "[true]", "[1,2,3,",
		"[0x]", "[1 ,, 2]", "[ ,]", "[-]", "[+]", "[.]", "[e5]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_syntax(bad[i]);

	/* Not starting with '[' or junk after ']' carry pgvector's detail line. */
	const char *start[] = {"", " ", "1,2", "(1,2)", "{1,2}", "1", "x[1]", "]"};
	for (size_t i = 0; i < sizeof(start) / sizeof(start[0]); i++)
		check_syntax(start[i]);
	struct buf b;
	buf_init(&b);
	struct rerr err;
	CU_ASSERT_EQUAL(vector_parse("1,2", VECTOR_TYPMOD_ANY, &b, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.detail, "Vector contents must start with \"[\".");
	CU_ASSERT_EQUAL(vector_parse("[1]x", VECTOR_TYPMOD_ANY, &b, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.message, "invalid input syntax for type vector: \"[1]x\"");
	CU_ASSERT_STRING_EQUAL(err.detail, "Junk after closing right brace.");
	CU_ASSERT_EQUAL(vector_parse("[1] ]", VECTOR_TYPMOD_ANY, &b, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.detail, "Junk after closing right brace.");
	CU_ASSERT_EQUAL(b.len, 0);
	buf_free(&b);

	check_bad("[]", ERR_DATA_EXCEPTION, "vector must have at least 1 dimension");
	check_bad("[  ]", ERR_DATA_EXCEPTION, "vector must have at least 1 dimension");
	check_bad("[1e39]", ERR_NUMERIC_VALUE_OUT_OF_RANGE, "\"1e39\" is out of range for type vector");
	check_bad("[1, -4e38 ]", ERR_NUMERIC_VALUE_OUT_OF_RANGE, "\"-4e38\" is out of range for type vector");
}

static void test_vector_text_rejects_nan_and_infinity(void)
{
	check_bad("[nan]", ERR_DATA_EXCEPTION, "NaN not allowed in vector");
	check_bad("[1,NaN]", ERR_DATA_EXCEPTION, "NaN not allowed in vector");
	check_bad("[inf]", ERR_DATA_EXCEPTION, "infinite value not allowed in vector");
	check_bad("[1,-Infinity,2]", ERR_DATA_EXCEPTION, "infinite value not allowed in vector");
}

static void test_vector_text_dimension_limits(void)
{
	struct buf text, b;
	buf_init(&text);
	buf_init(&b);
	buf_append(&text, "[", 1);
	for (int i = 0; i < VECTOR_MAX_DIM; i++)
		buf_append(&text, i ? ",1" : "1", i ? 2 : 1);
	size_t before_close = text.len;
	buf_append(&text, "]", 2); /* with the NUL */
	struct rerr err;
	CU_ASSERT_EQUAL(vector_parse((const char *)text.data, VECTOR_TYPMOD_ANY, &b, &err), VECTOR_MAX_DIM);
	CU_ASSERT_EQUAL(b.len, 4u * VECTOR_MAX_DIM);

	text.len = before_close;
	buf_append(&text, ",1]", 4);
	buf_reset(&b);
	CU_ASSERT_EQUAL(vector_parse((const char *)text.data, VECTOR_TYPMOD_ANY, &b, &err), -1);
	CU_ASSERT_EQUAL(err.code, ERR_PROGRAM_LIMIT_EXCEEDED);
	CU_ASSERT_STRING_EQUAL(err.message, "vector cannot have more than 16000 dimensions");
	CU_ASSERT_EQUAL(b.len, 0);
	buf_free(&text);
	buf_free(&b);
}

static void test_vector_text_declared_dimension(void)
{
	struct buf b;
	buf_init(&b);
	struct rerr err;
	CU_ASSERT_EQUAL(vector_parse("[1,2,3]", 3, &b, &err), 3);
	buf_reset(&b);
	CU_ASSERT_EQUAL(vector_parse("[1,2]", 3, &b, &err), -1);
	CU_ASSERT_EQUAL(err.code, ERR_DATA_EXCEPTION);
	CU_ASSERT_STRING_EQUAL(err.message, "expected 3 dimensions, not 2");
	CU_ASSERT_EQUAL(b.len, 0);
	buf_free(&b);
}

/* ---- stored form ---------------------------------------------------------- */

static void test_vector_blob_checks(void)
{
	struct rerr err;
	uint8_t one_two[8] = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40}; /* [1,2] little-endian */
	CU_ASSERT_EQUAL(vector_check_blob(one_two, 8, VECTOR_TYPMOD_ANY, &err), 2);
	CU_ASSERT_EQUAL(vector_check_blob(one_two, 8, 2, &err), 2);
	CU_ASSERT_EQUAL(vector_check_blob(one_two, 8, 3, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.message, "expected 3 dimensions, not 2");
	CU_ASSERT_EQUAL(vector_check_blob(one_two, 0, VECTOR_TYPMOD_ANY, &err), -1);
	CU_ASSERT_EQUAL(err.code, ERR_DATA_EXCEPTION);
	CU_ASSERT_EQUAL(vector_check_blob(one_two, 5, VECTOR_TYPMOD_ANY, &err), -1);
	CU_ASSERT_EQUAL(err.code, ERR_DATA_EXCEPTION);
	CU_ASSERT_EQUAL(vector_blob_dims(4u * (VECTOR_MAX_DIM + 1), &err), -1);
	CU_ASSERT_EQUAL(err.code, ERR_PROGRAM_LIMIT_EXCEEDED);
	uint8_t nan[4] = {0x00, 0x00, 0xc0, 0x7f};
	CU_ASSERT_EQUAL(vector_check_blob(nan, 4, VECTOR_TYPMOD_ANY, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.message, "NaN not allowed in vector");
	uint8_t inf[4] = {0x00, 0x00, 0x80, 0xff};
	CU_ASSERT_EQUAL(vector_check_blob(inf, 4, VECTOR_TYPMOD_ANY, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.message, "infinite value not allowed in vector");

	/* decode from an odd address; encode is its inverse */
	uint8_t odd[9];
	memcpy(odd + 1, one_two, 8);
	float x[2];
	vector_decode(odd + 1, 2, x);
	CU_ASSERT(x[0] == 1.0f && x[1] == 2.0f);
	struct buf b;
	buf_init(&b);
	vector_encode(x, 2, &b);
	CU_ASSERT(b.len == 8 && memcmp(b.data, one_two, 8) == 0);
	buf_free(&b);
}

/* ---- distances ------------------------------------------------------------ */

static void test_vector_distance_known_values(void)
{
	float z[] = {0, 0}, p34[] = {3, 4};
	CU_ASSERT_DOUBLE_EQUAL(vector_l2_distance(z, p34, 2), 5.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(vector_l2_squared_distance(z, p34, 2), 25.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(vector_norm(p34, 2), 5.0, 0);
	float a[] = {1, 2, 3}, b[] = {4, 5, 6};
	CU_ASSERT_DOUBLE_EQUAL(vector_inner_product(a, b, 3), 32.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(vector_negative_inner_product(a, b, 3), -32.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(vector_l1_distance(a, b, 3), 9.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(vector_l2_distance(a, b, 3), sqrt(27.0), 0);
	/* cos(a,b) = 32 / sqrt(14 * 77) */
	CU_ASSERT_DOUBLE_EQUAL(vector_cosine_distance(a, b, 3), 1.0 - 32.0 / sqrt(14.0 * 77.0), 1e-15);
	float x[] = {1, 0}, y[] = {0, 1}, mx[] = {-1, 0}, x2[] = {2, 0};
	CU_ASSERT_DOUBLE_EQUAL(vector_cosine_distance(x, y, 2), 1.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(vector_cosine_distance(x, mx, 2), 2.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(vector_cosine_distance(x, x2, 2), 0.0, 0);
	/* pgvector: a zero vector has no direction, cosine distance is NaN */
	CU_ASSERT(isnan(vector_cosine_distance(z, x, 2)));
	CU_ASSERT(isnan(vector_cosine_distance(z, z, 2)));
	/* the lanes' tail: 9 and 17 elements of 1 */
	float ones[17], zeros[17] = {0};
	for (int i = 0; i < 17; i++)
		ones[i] = 1;
	CU_ASSERT_DOUBLE_EQUAL(vector_l1_distance(ones, zeros, 9), 9.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(vector_l2_squared_distance(ones, zeros, 17), 17.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(vector_inner_product(ones, ones, 17), 17.0, 0);
	/* the metric switch and names */
	CU_ASSERT_DOUBLE_EQUAL(vector_distance(VECTOR_L2, z, p34, 2), 5.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(vector_distance(VECTOR_NEGATIVE_INNER_PRODUCT, a, a, 3), -14.0, 0);
	enum vector_metric m;
	struct rerr err;
	CU_ASSERT(vector_metric_from_name("Euclidean", &m, &err) == 0 && m == VECTOR_L2);
	CU_ASSERT(vector_metric_from_name("COSINE", &m, &err) == 0 && m == VECTOR_COSINE);
	CU_ASSERT(vector_metric_from_name("dot", &m, &err) == 0 && m == VECTOR_NEGATIVE_INNER_PRODUCT);
	CU_ASSERT_EQUAL(vector_metric_from_name("hamming", &m, &err), -1);
	CU_ASSERT_EQUAL(vector_check_same_dims(3, 2, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.message, "different vector dimensions 3 and 2");
}

/*
 * Against a naive reference: one sequential double sum per definition.
 * Both sides add the same terms (a float times a float is exact in double;
 * a float minus a float is too, to within one rounding that both sides make
 * identically), only in a different order.  Recursive summation of n terms
 * errs by at most (n-1)·u·Σ|term| with u = 2^-53, so two orders differ by at
 * most 2·n·u·Σ|term|; the tolerance below is that bound with u = DBL_EPSILON
 * (= 2u, a factor 2 of slack).
 */
static void test_vector_distance_against_reference(void)
{
	const size_t sizes[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 128, 768, 1000, 1536, VECTOR_MAX_DIM};
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		for (int rep = 0; rep < 5; rep++) {
			float *a = malloc(n * sizeof(float)), *b = malloc(n * sizeof(float));
			float scale = rep == 4 ? 1e30f : 10.0f;
			for (size_t i = 0; i < n; i++) {
				a[i] = rng_float(scale);
				b[i] = rng_float(scale);
			}
			double dot = 0, adot = 0, na = 0, nb = 0, l2 = 0, l1 = 0;
			for (size_t i = 0; i < n; i++) {
				double x = a[i], y = b[i], d = x - y;
				dot += x * y;
				adot += fabs(x * y);
				na += x * x;
				nb += y * y;
				l2 += d * d;
				l1 += fabs(d);
			}
			double tol = 2.0 * (double)n * DBL_EPSILON;
			CU_ASSERT(fabs(vector_inner_product(a, b, n) - dot) <= tol * adot);
			CU_ASSERT(fabs(vector_negative_inner_product(a, b, n) + dot) <= tol * adot);
			CU_ASSERT(fabs(vector_l2_squared_distance(a, b, n) - l2) <= tol * l2);
			/* sqrt halves the relative error, and adds half an ulp */
			CU_ASSERT(fabs(vector_l2_distance(a, b, n) - sqrt(l2)) <= (tol + DBL_EPSILON) * sqrt(l2));
			CU_ASSERT(fabs(vector_l1_distance(a, b, n) - l1) <= tol * l1);
			CU_ASSERT(fabs(vector_norm(a, n) - sqrt(na)) <= (tol + DBL_EPSILON) * sqrt(na));
			/* cosine: similarity error is about |Δdot|/(|a||b|) plus the
			 * norms' relative errors; all below 4·tol·(adot/(|a||b|) + 1). */
			double sim = dot / sqrt(na * nb);
			sim = sim > 1 ? 1 : sim < -1 ? -1 : sim;
			double ctol = 4 * tol * (adot / sqrt(na * nb) + 1) + 4 * DBL_EPSILON;
			CU_ASSERT(fabs(vector_cosine_distance(a, b, n) - (1 - sim)) <= ctol);
			/* a vector against itself */
			CU_ASSERT_DOUBLE_EQUAL(vector_l2_distance(a, a, n), 0.0, 0);
			CU_ASSERT_DOUBLE_EQUAL(vector_l1_distance(a, a, n), 0.0, 0);
			CU_ASSERT(fabs(vector_cosine_distance(a, a, n)) <= ctol);
			free(a);
			free(b);
		}
	}
}

/* ---- the SQL functions ---------------------------------------------------- */

static sqlite3 *db;

static int sql_setup(void)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return -1;
	return vector_sqlite_register(db) == SQLITE_OK ? 0 : -1;
}

static int sql_teardown(void)
{
	return sqlite3_close(db) == SQLITE_OK ? 0 : -1;
}

/*
 * Run `sql` and put the first row's first column as text into out ("NULL"
 * for NULL), or the error message; returns 0 on a row, -1 on an error.
 */
static int sql_one(const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(out, n, "%s", sqlite3_errmsg(db));
		return -1;
	}
	int rc = sqlite3_step(st);
	int ret = 0;
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(out, n, "%s", t ? (const char *)t : "NULL");
	} else {
		snprintf(out, n, "%s", sqlite3_errmsg(db));
		ret = -1;
	}
	sqlite3_finalize(st);
	return ret;
}

static void check_sql(const char *sql, const char *want)
{
	char out[512];
	int rc = sql_one(sql, out, sizeof(out));
	if (rc != 0 || strcmp(out, want) != 0)
		fprintf(stderr, "\n%s -> %s (%s), want %s\n", sql, out, rc ? "error" : "row", want);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out, want);
}

static void check_sql_error(const char *sql, const char *want)
{
	char out[512];
	int rc = sql_one(sql, out, sizeof(out));
	if (rc != -1 || strcmp(out, want) != 0)
		fprintf(stderr, "\n%s -> %s (%s), want error %s\n", sql, out, rc ? "error" : "row", want);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_STRING_EQUAL(out, want);
}

static void test_vector_sql_in_out(void)
{
	check_sql("select vector_out(vector_in('[1, 2,3]'))", "[1,2,3]");
	check_sql("select typeof(vector_in('[1]'))", "blob");
	check_sql("select hex(vector_in('[1,2]'))", "0000803F00000040");
	check_sql("select vector_out(vector_in(' [ 1.5 , -0 ] ', 2))", "[1.5,-0]");
	check_sql("select vector_out('[1, 2.50]')", "[1,2.5]");
	check_sql("select vector_out(vector_in(x'0000803F00000040'))", "[1,2]");
	check_sql("select vector_dims('[1,2,3]')", "3");
	check_sql("select vector_dims(vector_in('[1,2,3]'))", "3");
	check_sql("select vector_norm('[3,4]')", "5.0");
	/* MariaDB */
	check_sql("select vec_totext(vec_fromtext('[1,2.5]'))", "[1,2.5]");
	check_sql("select vec_distance_euclidean(vec_fromtext('[0,0]'), vec_fromtext('[3,4]'))", "5.0");
	check_sql("select vec_distance_cosine('[1,0]', '[0,1]')", "1.0");
	check_sql("select vec_distance('[0,0]', '[3,4]')", "5.0");
	/* MySQL 9: the example of its manual, bytes and text */
	check_sql("select hex(string_to_vector('[1.05, -17.8, 32]'))", "6666863F66668EC100000042");
	check_sql("select vector_to_string(string_to_vector('[1.05, -17.8, 32]'))",
		  "[1.05000e+00,-1.78000e+01,3.20000e+01]");
	check_sql("select vector_dim(to_vector('[1,2]'))", "2");
	check_sql("select from_vector(x'0000803F')", "[1.00000e+00]");
	check_sql("select distance('[0,0]', '[3,4]', 'EUCLIDEAN')", "5.0");
	check_sql("select distance('[1,2,3]', '[4,5,6]', 'dot')", "-32.0");
	check_sql("select distance('[1,0]', '[-1,0]', 'Cosine')", "2.0");
}

static void test_vector_sql_distances(void)
{
	check_sql("select l2_distance('[0,0]','[3,4]')", "5.0");
	check_sql("select inner_product('[1,2,3]','[4,5,6]')", "32.0");
	check_sql("select negative_inner_product('[1,2,3]','[4,5,6]')", "-32.0");
	check_sql("select cosine_distance('[1,1]','[2,2]')", "0.0");
	check_sql("select l1_distance('[1,2]','[4,6]')", "7.0");
	check_sql("select l2_distance(vector_in('[0,0]'), '[3,4]')", "5.0");
	check_sql("select l2_distance(vector_in('[0,0]'), vector_in('[3,4]'))", "5.0");
	/* NaN (zero vector) becomes NULL in SQLite */
	check_sql("select cosine_distance('[0,0]','[1,1]') is null", "1");
}

static void test_vector_sql_errors_carry_sqlstate(void)
{
	check_sql_error("select vector_in('[1,a]')", "[22P02] invalid input syntax for type vector: \"[1,a]\"");
	check_sql_error("select vector_in('[nan]')", "[22000] NaN not allowed in vector");
	check_sql_error("select vector_in('[1,inf]')", "[22000] infinite value not allowed in vector");
	check_sql_error("select vector_in('[1,2]', 3)", "[22000] expected 3 dimensions, not 2");
	check_sql_error("select vector_in('[1,2]', 0)", "[22000] dimensions for type vector must be at least 1");
	check_sql_error("select vector_in('[]')", "[22000] vector must have at least 1 dimension");
	check_sql_error("select vector_in('[1e39]')", "[22003] \"1e39\" is out of range for type vector");
	check_sql_error("select l2_distance('[1,2,3]','[1,2]')", "[22000] different vector dimensions 3 and 2");
	check_sql_error("select cosine_distance(vector_in('[1,2]'), '[1,2,3]')",
			"[22000] different vector dimensions 2 and 3");
	check_sql_error("select vector_in(x'000080')",
			"[22000] invalid binary vector: 3 bytes is not a whole number of float32 values");
	check_sql_error("select vector_in(x'0000C07F')", "[22000] NaN not allowed in vector");
	check_sql_error("select vector_in(x'0000803F', 2)", "[22000] expected 2 dimensions, not 1");
	check_sql_error("select vector_out(x'')", "[22000] vector must have at least 1 dimension");
	check_sql_error("select vector_in(12)", "[22P02] invalid input syntax for type vector: \"12\"");
	check_sql_error("select distance('[1]', '[1]', 'hamming')", "[22000] unknown vector distance metric \"hamming\"");
	check_sql_error("select vector_in(cast(x'5b315d005b325d' as text))",
			"[22P02] invalid input syntax for type vector: \"[1]\"");
	check_sql_error("select vector_out(x'000080')",
			"[22000] invalid binary vector: 3 bytes is not a whole number of float32 values");
}

static void test_vector_sql_null_propagates(void)
{
	check_sql("select vector_in(NULL) is null", "1");
	check_sql("select vector_in(NULL, 3) is null", "1");
	check_sql("select vector_out(NULL) is null", "1");
	check_sql("select vector_dims(NULL) is null", "1");
	check_sql("select vector_norm(NULL) is null", "1");
	check_sql("select l2_distance(NULL, '[1]') is null", "1");
	check_sql("select l2_distance('[1]', NULL) is null", "1");
	check_sql("select inner_product(NULL, NULL) is null", "1");
	check_sql("select vec_totext(NULL) is null", "1");
	check_sql("select distance(NULL, '[1]', 'cosine') is null", "1");
	check_sql("select distance('[1]', '[1]', NULL) is null", "1");
	/* the dimension NULL means "not declared" */
	check_sql("select vector_out(vector_in('[1,2]', NULL))", "[1,2]");
}

/* Collect the ids of `sql` (one integer column) as "1,2,3". */
static void sql_ids(const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(out, n, "%s", sqlite3_errmsg(db));
		return;
	}
	size_t len = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && len + 16 < n)
		len += (size_t)snprintf(out + len, n - len, "%s%d", len ? "," : "", sqlite3_column_int(st, 0));
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		snprintf(out, n, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

static void test_vector_sql_table_ordered_by_distance(void)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db,
			      "create table items (id integer primary key, tag text, embedding blob);"
			      "insert into items values (1, 'a', vector_in('[1,1,1]', 3));"
			      "insert into items values (2, 'bb', vector_in('[2,2,2]', 3));"
			      "insert into items values (3, 'ccc', vector_in('[-1,0,0]', 3));"
			      "insert into items values (4, 'd', vector_in('[0,0,5]', 3));"
			      "insert into items values (5, 'eeeee', vector_in('[0.5,0.4,0.6]', 3));",
			      NULL, NULL, &msg);
	if (msg)
		fprintf(stderr, "\n%s\n", msg);
	sqlite3_free(msg);
	CU_ASSERT_EQUAL_FATAL(rc, SQLITE_OK);

	char ids[128];
	/* <-> to [1,1,1]: 1 (0), 5 (~0.79), 2 (1.73), 3 (2.45), 4 (4.24) */
	sql_ids("select id from items order by l2_distance(embedding, '[1,1,1]'), id", ids, sizeof(ids));
	CU_ASSERT_STRING_EQUAL(ids, "1,5,2,3,4");
	sql_ids("select id from items order by l2_distance(embedding, '[1,1,1]'), id limit 2", ids, sizeof(ids));
	CU_ASSERT_STRING_EQUAL(ids, "1,5");
	/* <#> to [0,0,1]: -z: 4 (-5), 2 (-2), 1 (-1), 5 (-0.6), 3 (0) */
	sql_ids("select id from items order by negative_inner_product(embedding, '[0,0,1]'), id", ids, sizeof(ids));
	CU_ASSERT_STRING_EQUAL(ids, "4,2,1,5,3");
	/* <=> to [1,1,1]: 1 and 2 (0, tie broken by id), 5, 4, 3 */
	sql_ids("select id from items order by cosine_distance(embedding, '[1,1,1]'), id", ids, sizeof(ids));
	CU_ASSERT_STRING_EQUAL(ids, "1,2,5,4,3");
	/* filtered, as the MariaDB surface would write it */
	sql_ids("select id from items where tag <> 'a' order by vec_distance_euclidean(embedding, "
		"vec_fromtext('[0,0,0]')), id limit 3",
		ids, sizeof(ids));
	CU_ASSERT_STRING_EQUAL(ids, "5,3,2");
	/* a stored vector of the wrong dimension never gets in */
	check_sql_error("insert into items values (6, 'f', vector_in('[1,2]', 3))",
			"[22000] expected 3 dimensions, not 2");
	check_sql("select vector_out(embedding) from items where id = 5", "[0.5,0.4,0.6]");
	check_sql("select count(*) from items where l2_distance(embedding, embedding) = 0", "5");
}

void suite_vector(void)
{
	CU_pSuite s = CU_add_suite("vector", NULL, NULL);
	CU_add_test(s, "text round trips: examples", test_vector_text_roundtrip_examples);
	CU_add_test(s, "floats print as PostgreSQL's float4", test_vector_float_text_matches_postgres);
	CU_add_test(s, "floats print shortest and round-trip", test_vector_float_text_roundtrips_random_bits);
	CU_add_test(s, "random vectors round-trip through text", test_vector_text_roundtrip_random_vectors);
	CU_add_test(s, "MySQL VECTOR_TO_STRING layout", test_vector_text_mysql_style);
	CU_add_test(s, "malformed text is 22P02 with pgvector's wording", test_vector_text_malformed);
	CU_add_test(s, "NaN and infinity are rejected", test_vector_text_rejects_nan_and_infinity);
	CU_add_test(s, "16000 dimensions at most", test_vector_text_dimension_limits);
	CU_add_test(s, "declared VECTOR(n) is enforced", test_vector_text_declared_dimension);
	CU_add_test(s, "stored form checks", test_vector_blob_checks);
	CU_add_test(s, "distances: hand-computed values", test_vector_distance_known_values);
	CU_add_test(s, "distances: naive double reference", test_vector_distance_against_reference);

	CU_pSuite q = CU_add_suite("vector_sql", sql_setup, sql_teardown);
	CU_add_test(q, "vector_in/out and vendor spellings", test_vector_sql_in_out);
	CU_add_test(q, "distance functions", test_vector_sql_distances);
	CU_add_test(q, "errors carry their SQLSTATE", test_vector_sql_errors_carry_sqlstate);
	CU_add_test(q, "NULL in, NULL out", test_vector_sql_null_propagates);
	CU_add_test(q, "a table ordered by distance", test_vector_sql_table_ordered_by_distance);
}
