/*
 * fuzz_vector.c — libFuzzer harness for host/engine/vector.c.
 *
 * The input is used twice.
 *   As text: copied to a heap block of exactly size+1 bytes (NUL-terminated,
 *   so ASan sees any read past the end) and parsed.  Contract checks:
 *     - failure leaves the output buffer as it was and sets an error code;
 *     - success gives 1..VECTOR_MAX_DIM dims, 4*dims bytes, finite elements;
 *     - printing and re-parsing gives identical bytes, and printing again
 *       gives identical text (the pgvector text form is a fixed point);
 *     - the MySQL form re-parses to the same dimension count.
 *   As a stored blob (when its length is a whole number of floats): decoded
 *   and measured against itself by every kernel:
 *     - finite elements: l2 = l1 = 0, cosine in [0, 1e-9] or NaN exactly
 *       for the zero vector, inner product = norm^2 within rounding,
 *       negative inner product = -inner product;
 *     - vector_check_blob accepts it iff every element is finite, and then
 *       its text round-trips to the same bytes.
 * Seeds: tests/fuzz/corpus/fuzz_vector.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "engine/vector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static float *fuzz_vector_floats(const uint8_t *blob, size_t dims)
{
	float *x = malloc(dims ? dims * sizeof(float) : 1);
	if (!x)
		abort();
	vector_decode(blob, dims, x);
	return x;
}

/* Print x in pgvector's form, parse it back, and trap unless the bytes equal `blob`. */
static void fuzz_vector_text_roundtrip(const float *x, size_t dims, const uint8_t *blob)
{
	struct buf text, again;
	struct rerr err;
	buf_init(&text);
	buf_init(&again);
	vector_format(x, dims, VECTOR_TEXT_PG, &text);
	buf_append(&text, "", 1);
	if (vector_parse((const char *)text.data, (int32_t)dims, &again, &err) != (int)dims)
		__builtin_trap();
	if (again.len != 4 * dims || memcmp(again.data, blob, again.len) != 0)
		__builtin_trap();

	float *y = fuzz_vector_floats(again.data, dims);
	struct buf text2;
	buf_init(&text2);
	vector_format(y, dims, VECTOR_TEXT_PG, &text2);
	if (text2.len + 1 != text.len || memcmp(text2.data, text.data, text2.len) != 0)
		__builtin_trap();
	free(y);
	buf_free(&text2);
	buf_free(&text);
	buf_free(&again);
}

static void fuzz_vector_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	struct buf out;
	struct rerr err;
	buf_init(&out);
	buf_append(&out, "ab", 2);
	rerr_clear(&err);
	int dims = vector_parse(s, VECTOR_TYPMOD_ANY, &out, &err);
	if (dims < 0) {
		if (out.len != 2 || err.code == ERR_SUCCESSFUL_COMPLETION)
			__builtin_trap();
	} else {
		if (dims < 1 || dims > VECTOR_MAX_DIM || out.len != 2 + 4 * (size_t)dims)
			__builtin_trap();
		const uint8_t *blob = out.data + 2;
		if (vector_check_blob(blob, 4 * (size_t)dims, dims, &err) != dims)
			__builtin_trap();
		float *x = fuzz_vector_floats(blob, (size_t)dims);
		fuzz_vector_text_roundtrip(x, (size_t)dims, blob);

		struct buf my, back;
		buf_init(&my);
		buf_init(&back);
		vector_format(x, (size_t)dims, VECTOR_TEXT_MYSQL, &my);
		buf_append(&my, "", 1);
		if (vector_parse((const char *)my.data, dims, &back, &err) != dims)
			__builtin_trap();
		buf_free(&my);
		buf_free(&back);
		free(x);
	}
	buf_free(&out);
	free(s);
}

static void fuzz_vector_blob(const uint8_t *data, size_t size)
{
	struct rerr err;
	if (vector_blob_dims(size, &err) < 0)
		return;
	size_t n = size / 4;
	float *x = fuzz_vector_floats(data, n);
	int finite = 1, zero = 1;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			finite = 0;
		if (x[i] != 0)
			zero = 0;
	}
	int checked = vector_check_blob(data, size, VECTOR_TYPMOD_ANY, &err);
	if ((checked == (int)n) != finite)
		__builtin_trap();

	double d[6];
	for (int m = VECTOR_L2; m <= VECTOR_L1; m++)
		d[m] = vector_distance((enum vector_metric)m, x, x, n);
	double norm = vector_norm(x, n);
	if (finite) {
		if (d[VECTOR_L2] != 0 || d[VECTOR_L2_SQUARED] != 0 || d[VECTOR_L1] != 0)
			__builtin_trap();
		if (d[VECTOR_NEGATIVE_INNER_PRODUCT] != -d[VECTOR_INNER_PRODUCT])
			__builtin_trap();
		if (fabs(d[VECTOR_INNER_PRODUCT] - norm * norm) > 1e-12 * d[VECTOR_INNER_PRODUCT])
			__builtin_trap();
		if (zero ? !isnan(d[VECTOR_COSINE]) : !(d[VECTOR_COSINE] >= 0 && d[VECTOR_COSINE] <= 1e-9))
			__builtin_trap();
		fuzz_vector_text_roundtrip(x, n, data);
	}
	free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_vector_text(data, size);
	fuzz_vector_blob(data, size);
	return 0;
}
