/*
 * vector.h — the VECTOR(N) type: its stored form, its text forms, and the
 * distances between two vectors.
 *
 * Stored form.  A vector of N dimensions is exactly N little-endian IEEE-754
 * float32 values, 4*N bytes, nothing else: no header, no dimension field
 * (N = byte length / 4).  It is what MariaDB's and MySQL's VECTOR columns
 * hold, and what every ecosystem without a vector type sees as
 * BYTEA/VARBINARY/BLOB/RAW.  1 <= N <= VECTOR_MAX_DIM (pgvector's limit) and
 * every element is finite: vector_parse() and vector_check_blob() are the
 * gates that establish this; the distance kernels trust it.
 *
 * Text form.  pgvector's: '[' elements separated by ',' ']', blanks allowed
 * around every token, each element what strtof() accepts (decimal, exponent,
 * and — as in pgvector — hexadecimal floats).  MariaDB's VEC_FromText JSON
 * array and MySQL's STRING_TO_VECTOR text are the same syntax, so there is
 * one parser.  Output is pgvector's: each element the shortest decimal that
 * reads back as the same float32, in PostgreSQL's float4 layout (fixed
 * notation for decimal exponents -4..5, else d.ddde+XX), separated by ','
 * with no blanks: '[1,2.5,-0.03]'.  MySQL's VECTOR_TO_STRING layout ("%.5e"
 * per element) is the one other style.
 *
 * Errors follow pgvector's codes and wording (checked against pgvector's
 * src/vector.c):
 *   malformed text           22P02 invalid input syntax for type vector: "<text>"
 *   element overflows float  22003 "<element>" is out of range for type vector
 *   NaN / infinite element   22000 NaN not allowed in vector / infinite value not allowed in vector
 *   no element, '[]'         22000 vector must have at least 1 dimension
 *   more than 16000          54000 vector cannot have more than 16000 dimensions
 *   declared VECTOR(n)       22000 expected 3 dimensions, not 2
 *   two operands differ      22000 different vector dimensions 3 and 2
 *
 * Distances.  Each kernel reads float32 and accumulates in double, in
 * VECTOR_LANES interleaved partial sums (element i goes to lane i % 8) that
 * are folded in one fixed order at the end.  The order is part of the
 * contract: a result depends only on the inputs, never on the compiler or
 * the machine's vector width, so the accelerator's CPU backend — which
 * reuses these kernels — gives bit-identical scores to the SQL functions.
 * The lanes are independent, so the compiler turns the inner loop into SIMD
 * without -ffast-math.  Definitions are pgvector's:
 *   l2                 sqrt(sum (a_i - b_i)^2)                    <->
 *   inner product      sum a_i b_i
 *   negative inner     -(sum a_i b_i)                              <#>
 *   cosine             1 - clamp(a.b / sqrt(|a|^2 |b|^2), -1, 1)  <=>
 *                      (NaN when either vector is zero, as in pgvector)
 *   l1                 sum |a_i - b_i|
 * pgvector accumulates in float32; the double sums here are closer to the
 * exact value, so a result can differ from pgvector's in its last bits.
 * Every kernel is O(n) and reads each element once.
 *
 * INTERFACE ROUTINES
 *   vector_parse             text -> stored form, appended to a caller's buf
 *   vector_check_blob        validate a stored form (length, dims, finite elements)
 *   vector_blob_dims         dimension count of a stored form (shape only)
 *   vector_check_typmod      a declared VECTOR(n) against an actual dimension
 *   vector_check_same_dims   two operands' dimensions
 *   vector_format            float array -> text, appended to a caller's buf
 *   vector_format_float      one float32 as pgvector prints it
 *   vector_decode            stored form -> caller's float array
 *   vector_encode            float array -> stored form, appended to a caller's buf
 *   vector_l2_distance / vector_l2_squared_distance / vector_inner_product /
 *   vector_negative_inner_product / vector_cosine_distance / vector_l1_distance
 *                            the kernels, over caller float arrays of equal length
 *   vector_norm              Euclidean norm
 *   vector_distance          one kernel chosen by enum vector_metric
 *   vector_metric_from_name  "euclidean", "cosine", "dot", ... -> metric
 */
#ifndef ROSETTA_ENGINE_VECTOR_H
#define ROSETTA_ENGINE_VECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

#define VECTOR_MAX_DIM 16000
#define VECTOR_TYPMOD_ANY (-1)	/* "VECTOR" without a declared dimension */
#define VECTOR_LANES 8		/* partial sums per kernel; see the header comment */
#define VECTOR_FLOAT_TEXT_MAX 24 /* > the longest output, "-0.000123456789" (15) + NUL */

enum vector_metric {
	VECTOR_L2,
	VECTOR_L2_SQUARED,
	VECTOR_INNER_PRODUCT,
	VECTOR_NEGATIVE_INNER_PRODUCT,
	VECTOR_COSINE,
	VECTOR_L1,
};

enum vector_text_style {
	VECTOR_TEXT_PG,	   /* pgvector, also MariaDB VEC_ToText: [1,2.5,-0.03] */
	VECTOR_TEXT_MYSQL, /* MySQL VECTOR_TO_STRING: [1.00000e+00,2.50000e+00] */
};

/*
 * Parse `text` (NUL-terminated; a literal in any of the accepted forms) and
 * append its stored form to `out`.  `typmod` is the declared dimension or
 * VECTOR_TYPMOD_ANY.  Returns the dimension count (1..VECTOR_MAX_DIM), or -1
 * with `err` set and `out` as it was.  Never reads past the NUL.  Numbers
 * are read with strtof(), so the C locale's '.' is the decimal point.
 */
int vector_parse(const char *text, int32_t typmod, struct buf *out, struct rerr *err);

/*
 * Validate `n` bytes as a stored vector: n a positive multiple of 4, at most
 * VECTOR_MAX_DIM dimensions, equal to `typmod` unless VECTOR_TYPMOD_ANY,
 * every element finite.  Returns the dimension count or -1 with `err` set.
 * `p` need not be aligned.  O(n).
 */
int vector_check_blob(const uint8_t *p, size_t n, int32_t typmod, struct rerr *err);

/* Dimension count of `n` stored bytes, checking the shape only (not the elements). -1 + err when n is no vector's length. */
int vector_blob_dims(size_t n, struct rerr *err);

/* 0 when `typmod` is VECTOR_TYPMOD_ANY or equals `dims`; else -1 + err ("expected 3 dimensions, not 2"). */
int vector_check_typmod(int32_t typmod, int dims, struct rerr *err);

/* 0 when a == b; else -1 + err ("different vector dimensions 3 and 2"). */
int vector_check_same_dims(int a, int b, struct rerr *err);

/* Append the text form of x[0..n) to `out` (no NUL).  Non-finite elements print as NaN/Infinity/-Infinity. */
void vector_format(const float *x, size_t n, enum vector_text_style style, struct buf *out);

/* Write `f` as pgvector prints it into dst (at least VECTOR_FLOAT_TEXT_MAX bytes), NUL-terminated; returns the length. */
size_t vector_format_float(float f, char *dst);

/* Stored form (any alignment) -> out[0..n).  The caller sizes `out`. */
void vector_decode(const uint8_t *p, size_t n, float *restrict out);

/* Append the stored form of x[0..n) to `out`. */
void vector_encode(const float *x, size_t n, struct buf *out);

/* The kernels.  a and b hold n >= 0 floats each and must not overlap. */
double vector_l2_squared_distance(const float *restrict a, const float *restrict b, size_t n);
double vector_l2_distance(const float *restrict a, const float *restrict b, size_t n);
double vector_inner_product(const float *restrict a, const float *restrict b, size_t n);
double vector_negative_inner_product(const float *restrict a, const float *restrict b, size_t n);
double vector_cosine_distance(const float *restrict a, const float *restrict b, size_t n);
double vector_l1_distance(const float *restrict a, const float *restrict b, size_t n);
double vector_norm(const float *restrict a, size_t n);

/* The kernel for `m`.  a == b is allowed here (a vector against itself). */
double vector_distance(enum vector_metric m, const float *a, const float *b, size_t n);

/*
 * Metric by its name in MySQL's DISTANCE() / Oracle's VECTOR_DISTANCE()
 * vocabulary, case-insensitive: EUCLIDEAN or L2 -> VECTOR_L2, EUCLIDEAN_SQUARED
 * or L2_SQUARED, COSINE, DOT (MySQL: the negated inner product, so that
 * smaller is nearer), MANHATTAN or L1.  Returns 0, or -1 + err
 * (ERR_DATA_EXCEPTION) for any other name.
 */
int vector_metric_from_name(const char *name, enum vector_metric *out, struct rerr *err);

#endif
