/*
 * vector.c — the VECTOR(N) type: parser, printer, stored-form checks and the
 * distance kernels.  The contracts are in vector.h; this file says how.
 *
 * Invariants
 *   1. vector_parse() and vector_check_blob() accept only 1..VECTOR_MAX_DIM
 *      finite elements; on failure vector_parse() leaves `out` as it found it.
 *   2. vector_format(VECTOR_TEXT_PG) output re-parses to the same bits
 *      (vector_format_float picks the shortest decimal that strtof() maps
 *      back to the same float; -0 prints as "-0").
 *   3. Every kernel sums in VECTOR_LANES double lanes, element i into lane
 *      i % VECTOR_LANES, folded by vector_fold(): the result is a function
 *      of the inputs alone.
 */
#include "engine/vector.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Keep a*b+c as two roundings on compilers that would fuse it (invariant 3);
 * GCC does not contract in ISO C mode. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/* ---- errors ----------------------------------------------------------- */

int vector_check_typmod(int32_t typmod, int dims, struct rerr *err)
{
	if (typmod != VECTOR_TYPMOD_ANY && typmod != dims)
		return rerr_set(err, ERR_DATA_EXCEPTION, "expected %d dimensions, not %d", (int)typmod, dims);
	return 0;
}

int vector_check_same_dims(int a, int b, struct rerr *err)
{
	if (a != b)
		return rerr_set(err, ERR_DATA_EXCEPTION, "different vector dimensions %d and %d", a, b);
	return 0;
}

static int vector_check_element(float v, struct rerr *err)
{
	if (isnan(v))
		return rerr_set(err, ERR_DATA_EXCEPTION, "NaN not allowed in vector");
	if (isinf(v))
		return rerr_set(err, ERR_DATA_EXCEPTION, "infinite value not allowed in vector");
	return 0;
}

/* ---- stored form ------------------------------------------------------ */

static uint32_t vector_load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void vector_store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void vector_decode(const uint8_t *p, size_t n, float *restrict out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n)
		memcpy(out, p, n * sizeof(float));
#else
	for (size_t i = 0; i < n; i++) {
		uint32_t bits = vector_load_le32(p + 4 * i);
		memcpy(&out[i], &bits, sizeof(bits));
	}
#endif
}

void vector_encode(const float *x, size_t n, struct buf *out)
{
	buf_reserve(out, n * 4);
	for (size_t i = 0; i < n; i++) {
		uint32_t bits;
		memcpy(&bits, &x[i], sizeof(bits));
		vector_store_le32(out->data + out->len + 4 * i, bits);
	}
	out->len += n * 4;
}

int vector_blob_dims(size_t n, struct rerr *err)
{
	if (n == 0)
		return rerr_set(err, ERR_DATA_EXCEPTION, "vector must have at least 1 dimension");
	if (n % 4 != 0)
		return rerr_set(err, ERR_DATA_EXCEPTION,
				"invalid binary vector: %zu bytes is not a whole number of float32 values", n);
	if (n / 4 > VECTOR_MAX_DIM)
		return rerr_set(err, ERR_PROGRAM_LIMIT_EXCEEDED, "vector cannot have more than %d dimensions",
				VECTOR_MAX_DIM);
	return (int)(n / 4);
}

int vector_check_blob(const uint8_t *p, size_t n, int32_t typmod, struct rerr *err)
{
	int dims = vector_blob_dims(n, err);
	if (dims < 0)
		return -1;
	if (vector_check_typmod(typmod, dims, err) < 0)
		return -1;
	for (int i = 0; i < dims; i++) {
		uint32_t bits = vector_load_le32(p + 4 * (size_t)i);
		float v;
		memcpy(&v, &bits, sizeof(v));
		if (vector_check_element(v, err) < 0)
			return -1;
	}
	return dims;
}

/* ---- text in ---------------------------------------------------------- */

/* PostgreSQL's scanner_isspace(): the blanks pgvector skips. */
static int vector_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int vector_syntax_error(const char *text, const char *detail, struct rerr *err)
{
	rerr_set(err, ERR_INVALID_TEXT_REPRESENTATION, "invalid input syntax for type vector: \"%s\"", text);
	if (detail)
		rerr_detail(err, "%s", detail);
	return -1;
}

int vector_parse(const char *text, int32_t typmod, struct buf *out, struct rerr *err)
{
	const char *pt = text;
	size_t start = out->len;
	int dims = 0;

	while (vector_isspace(*pt))
		pt++;
	if (*pt != '[')
		return vector_syntax_error(text, "Vector contents must start with \"[\".", err);
	pt++;
	while (vector_isspace(*pt))
		pt++;
	if (*pt == ']')
		return rerr_set(err, ERR_DATA_EXCEPTION, "vector must have at least 1 dimension");

	for (;;) {
		if (dims == VECTOR_MAX_DIM) {
			rerr_set(err, ERR_PROGRAM_LIMIT_EXCEEDED, "vector cannot have more than %d dimensions",
				 VECTOR_MAX_DIM);
			goto fail;
		}
		while (vector_isspace(*pt))
			pt++;
		/* strtof() would skip a NUL-free blank run and read on; stop here as float4in does. */
		if (*pt == '\0') {
			vector_syntax_error(text, NULL, err);
			goto fail;
		}
		char *end;
		errno = 0;
		float v = strtof(pt, &end);
		if (end == pt) {
			vector_syntax_error(text, NULL, err);
			goto fail;
		}
		if (errno == ERANGE && isinf(v)) {
			rerr_set(err, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "\"%.*s\" is out of range for type vector",
				 (int)(end - pt), pt);
			goto fail;
		}
		if (vector_check_element(v, err) < 0)
			goto fail;
		uint32_t bits;
		memcpy(&bits, &v, sizeof(bits));
		uint8_t le[4];
		vector_store_le32(le, bits);
		buf_append(out, le, sizeof(le));
		dims++;

		pt = end;
		while (vector_isspace(*pt))
			pt++;
		if (*pt == ',') {
			pt++;
		} else if (*pt == ']') {
			pt++;
			break;
		} else {
			vector_syntax_error(text, NULL, err);
			goto fail;
		}
	}

	while (vector_isspace(*pt))
		pt++;
	if (*pt != '\0') {
		vector_syntax_error(text, "Junk after closing right brace.", err);
		goto fail;
	}
	if (vector_check_typmod(typmod, dims, err) < 0)
		goto fail;
	return dims;

fail:
	out->len = start;
	return -1;
}

/* ---- text out --------------------------------------------------------- */

/* Does the decimal m * 10^e read back (strtof) as exactly `f`? */
static int vector_roundtrips(uint64_t m, int e, float f)
{
	char tmp[48];
	snprintf(tmp, sizeof(tmp), "%llue%d", (unsigned long long)m, e);
	float g = strtof(tmp, NULL);
	return memcmp(&g, &f, sizeof(f)) == 0;
}

/*
 * The p-significant-digit decimal m * 10^e nearest a positive finite f that
 * reads back as f, if any.  printf rounds to the nearest p-digit decimal; when
 * that one falls just outside f's rounding interval (which is lopsided at a
 * power of two), the neighbour on the other side of f may still be inside it,
 * so both neighbours are tried.  Returns 1 and sets *m, *e when found.
 */
static int vector_digits_at(float f, int p, uint64_t *m, int *e)
{
	char tmp[48];
	snprintf(tmp, sizeof(tmp), "%.*e", p - 1, (double)f);
	uint64_t mant = 0;
	const char *s = tmp;
	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			mant = mant * 10 + (uint64_t)(*s - '0');
	int exp10 = *s == 'e' ? atoi(s + 1) - (p - 1) : 0;

	if (vector_roundtrips(mant, exp10, f)) {
		*m = mant;
		*e = exp10;
		return 1;
	}
	if (vector_roundtrips(mant + 1, exp10, f)) {
		*m = mant + 1;
		*e = exp10;
		return 1;
	}
	if (mant > 1 && vector_roundtrips(mant - 1, exp10, f)) {
		*m = mant - 1;
		*e = exp10;
		return 1;
	}
	return 0;
}

size_t vector_format_float(float f, char *dst)
{
	if (isnan(f))
		return (size_t)snprintf(dst, VECTOR_FLOAT_TEXT_MAX, "NaN");
	if (isinf(f))
		return (size_t)snprintf(dst, VECTOR_FLOAT_TEXT_MAX, "%s", f < 0 ? "-Infinity" : "Infinity");

	char *o = dst;
	if (signbit(f)) {
		*o++ = '-';
		f = -f;
	}
	if (f == 0) {
		*o++ = '0';
		*o = '\0';
		return (size_t)(o - dst);
	}

	/* Fewest significant digits that round-trip: 9 always do, and if p do so
	 * do p+1, so a binary search over 1..9 finds the least. */
	int lo = 1, hi = 9;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		uint64_t mm;
		int ee;
		if (vector_digits_at(f, mid, &mm, &ee))
			hi = mid;
		else
			lo = mid + 1;
	}
	uint64_t m = 0;
	int e = 0;
	vector_digits_at(f, lo, &m, &e);
	while (m % 10 == 0) {
		m /= 10;
		e++;
	}

	char digits[24];
	int olength = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)m);
	int x = e + olength - 1; /* decimal exponent of the leading digit */

	/* PostgreSQL's float4 layout: fixed point for -4 <= x < 6, else d.ddde+XX. */
	if (x >= -4 && x < 6) {
		if (e >= 0) {
			memcpy(o, digits, (size_t)olength);
			o += olength;
			for (int i = 0; i < e; i++)
				*o++ = '0';
		} else if (x >= 0) {
			memcpy(o, digits, (size_t)x + 1);
			o += x + 1;
			*o++ = '.';
			memcpy(o, digits + x + 1, (size_t)(olength - x - 1));
			o += olength - x - 1;
		} else {
			*o++ = '0';
			*o++ = '.';
			for (int i = 0; i < -x - 1; i++)
				*o++ = '0';
			memcpy(o, digits, (size_t)olength);
			o += olength;
		}
		*o = '\0';
		return (size_t)(o - dst);
	}
	*o++ = digits[0];
	if (olength > 1) {
		*o++ = '.';
		memcpy(o, digits + 1, (size_t)olength - 1);
		o += olength - 1;
	}
	o += snprintf(o, (size_t)(VECTOR_FLOAT_TEXT_MAX - (o - dst)), "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
	return (size_t)(o - dst);
}

void vector_format(const float *x, size_t n, enum vector_text_style style, struct buf *out)
{
	char tmp[VECTOR_FLOAT_TEXT_MAX + 8];
	buf_append(out, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_append(out, ",", 1);
		size_t len;
		if (style == VECTOR_TEXT_MYSQL)
			len = (size_t)snprintf(tmp, sizeof(tmp), "%.5e", (double)x[i]);
		else
			len = vector_format_float(x[i], tmp);
		buf_append(out, tmp, len);
	}
	buf_append(out, "]", 1);
}

/* ---- kernels ---------------------------------------------------------- */

/* The one fold order of the lanes (invariant 3): a balanced tree. */
static double vector_fold(const double acc[VECTOR_LANES])
{
	return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

/*
 * Each kernel has the same shape: a main loop over whole groups of
 * VECTOR_LANES elements whose inner loop updates the lanes independently
 * (GCC's and Clang's SLP/loop vectorisers make it SIMD without reassociating
 * anything), then the tail, still element i into lane i % VECTOR_LANES.
 */

double vector_l2_squared_distance(const float *restrict a, const float *restrict b, size_t n)
{
	double acc[VECTOR_LANES] = {0};
	size_t i = 0;
	for (; i + VECTOR_LANES <= n; i += VECTOR_LANES)
		for (size_t l = 0; l < VECTOR_LANES; l++) {
			double d = (double)a[i + l] - (double)b[i + l];
			acc[l] += d * d;
		}
	for (size_t l = 0; i + l < n; l++) {
		double d = (double)a[i + l] - (double)b[i + l];
		acc[l] += d * d;
	}
	return vector_fold(acc);
}

double vector_l2_distance(const float *restrict a, const float *restrict b, size_t n)
{
	return sqrt(vector_l2_squared_distance(a, b, n));
}

double vector_inner_product(const float *restrict a, const float *restrict b, size_t n)
{
	double acc[VECTOR_LANES] = {0};
	size_t i = 0;
	for (; i + VECTOR_LANES <= n; i += VECTOR_LANES)
		for (size_t l = 0; l < VECTOR_LANES; l++)
			acc[l] += (double)a[i + l] * (double)b[i + l];
	for (size_t l = 0; i + l < n; l++)
		acc[l] += (double)a[i + l] * (double)b[i + l];
	return vector_fold(acc);
}

double vector_negative_inner_product(const float *restrict a, const float *restrict b, size_t n)
{
	return -vector_inner_product(a, b, n);
}

double vector_cosine_distance(const float *restrict a, const float *restrict b, size_t n)
{
	double dot[VECTOR_LANES] = {0}, na[VECTOR_LANES] = {0}, nb[VECTOR_LANES] = {0};
	size_t i = 0;
	for (; i + VECTOR_LANES <= n; i += VECTOR_LANES)
		for (size_t l = 0; l < VECTOR_LANES; l++) {
			double x = a[i + l], y = b[i + l];
			dot[l] += x * y;
			na[l] += x * x;
			nb[l] += y * y;
		}
	for (size_t l = 0; i + l < n; l++) {
		double x = a[i + l], y = b[i + l];
		dot[l] += x * y;
		na[l] += x * x;
		nb[l] += y * y;
	}
	/* pgvector: sqrt(|a|^2 |b|^2) rather than |a| |b|; a zero vector gives
	 * 0/0 = NaN, which the clamp below lets through. */
	double sim = vector_fold(dot) / sqrt(vector_fold(na) * vector_fold(nb));
	if (sim > 1)
		sim = 1;
	else if (sim < -1)
		sim = -1;
	return 1.0 - sim;
}

double vector_l1_distance(const float *restrict a, const float *restrict b, size_t n)
{
	double acc[VECTOR_LANES] = {0};
	size_t i = 0;
	for (; i + VECTOR_LANES <= n; i += VECTOR_LANES)
		for (size_t l = 0; l < VECTOR_LANES; l++)
			acc[l] += fabs((double)a[i + l] - (double)b[i + l]);
	for (size_t l = 0; i + l < n; l++)
		acc[l] += fabs((double)a[i + l] - (double)b[i + l]);
	return vector_fold(acc);
}

double vector_norm(const float *restrict a, size_t n)
{
	double acc[VECTOR_LANES] = {0};
	size_t i = 0;
	for (; i + VECTOR_LANES <= n; i += VECTOR_LANES)
		for (size_t l = 0; l < VECTOR_LANES; l++)
			acc[l] += (double)a[i + l] * (double)a[i + l];
	for (size_t l = 0; i + l < n; l++)
		acc[l] += (double)a[i + l] * (double)a[i + l];
	return sqrt(vector_fold(acc));
}

/* restrict promises only that nothing written through one pointer is read
 * through another; the kernels write nothing, so a == b is well defined. */
double vector_distance(enum vector_metric m, const float *a, const float *b, size_t n)
{
	switch (m) {
	case VECTOR_L2:
		return vector_l2_distance(a, b, n);
	case VECTOR_L2_SQUARED:
		return vector_l2_squared_distance(a, b, n);
	case VECTOR_INNER_PRODUCT:
		return vector_inner_product(a, b, n);
	case VECTOR_NEGATIVE_INNER_PRODUCT:
		return vector_negative_inner_product(a, b, n);
	case VECTOR_COSINE:
		return vector_cosine_distance(a, b, n);
	case VECTOR_L1:
		return vector_l1_distance(a, b, n);
	}
	return NAN;
}

int vector_metric_from_name(const char *name, enum vector_metric *out, struct rerr *err)
{
	static const struct {
		const char *name;
		enum vector_metric metric;
	} names[] = {
		{"euclidean", VECTOR_L2},
		{"l2", VECTOR_L2},
		{"euclidean_squared", VECTOR_L2_SQUARED},
		{"l2_squared", VECTOR_L2_SQUARED},
		{"cosine", VECTOR_COSINE},
		{"dot", VECTOR_NEGATIVE_INNER_PRODUCT},
		{"manhattan", VECTOR_L1},
		{"l1", VECTOR_L1},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			*out = names[i].metric;
			return 0;
		}
	}
	return rerr_set(err, ERR_DATA_EXCEPTION, "unknown vector distance metric \"%s\"", name);
}
