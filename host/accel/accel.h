/*
 * accel.h — the accelerator API: filter scans and exact top-k similarity
 * over columnar data, behind a backend interface (CPU today; an FPGA backend
 * would be a second `struct accel_backend_ops` and no caller would change).
 *
 * Data.  A table is a set of typed column arrays of equal length (struct
 * accel_table): int64, float64, bool (one byte, 0/1) and dictionary-encoded
 * text (uint32 codes into a dictionary the caller keeps), each with an
 * optional NULL bitmap.  Vectors are one contiguous float32 array, n rows of
 * `dim` elements, row r at x[r * dim], with each row's Euclidean norm
 * (double, from vector_norm) and its id (the store's rowid).
 *
 * Filter programs.  A filter is a postfix program (struct accel_filter):
 * comparisons push a pair of row bitmaps, AND/OR/NOT combine them.  SQL's
 * three-valued logic is kept exactly: each stack entry is (T, F), the rows
 * where the predicate is true and where it is false; a row in neither is
 * UNKNOWN (a NULL operand).  NOT swaps T and F; AND is (T1&T2, F1|F2); OR
 * is (T1|T2, F1&F2).  The result is T — the rows a WHERE clause keeps.
 *   EQ NE LT LE GT GE   column op constant (text: EQ and NE only)
 *   IN NOT_IN           column against a list of constants (no NULL in it)
 *   BETWEEN NOT_BETWEEN column against [lo, hi] (SQL's, not symmetric)
 *   IS_NULL IS_NOT_NULL
 *   AND OR NOT
 * Constants are int64 for int64/bool/text columns (text: the dictionary
 * code; a code no row has simply matches nothing) and double for float64
 * columns.  A program has a serialized form (accel_filter_encode/decode) so
 * it can cross a PCIe queue to a device; the decoder checks every field and
 * is fuzzed (tests/fuzz/fuzz_accel_filter.c).
 *
 * Top-k.  A batch of nq query vectors against a vector set under a row
 * bitmap (NULL: every row) gives, per query, up to k (id, score) pairs
 * ordered by (score, id) ascending; fewer when fewer rows match.  Metrics
 * are those of engine/vector.h, all "smaller is nearer": VECTOR_L2,
 * VECTOR_L2_SQUARED, VECTOR_NEGATIVE_INNER_PRODUCT (pgvector's <#>) and
 * VECTOR_COSINE.  A query element that is NaN or infinite is refused
 * (22000 "NaN not allowed in query vector").
 *
 * Exactness.  The scores returned are bit-identical to the SQL functions
 * (l2_distance, negative_inner_product, cosine_distance: engine/vector.c's
 * double-accumulating kernels), and the chosen rows are exactly the first k
 * by (score, id) — what `ORDER BY distance, id LIMIT k` gives.  The fast
 * paths (OpenBLAS sgemm for batches, float32 SIMD for single queries)
 * accumulate in float32, so they only screen: for a float32 dot product of
 * length n, |fl(x.q) - x.q| <= gamma_n * sum|x_i q_i| <= gamma_n |x| |q|,
 * gamma_n = n u / (1 - n u), u = 2^-24, whatever the summation order (FMA
 * only lowers the error).  Each row's approximate score therefore comes
 * with an interval [lo, hi] that surely holds the reference score (widened
 * by a relative 1e-9 for the double arithmetic around it).  Per query, the
 * k-th smallest `hi` seen so far is a threshold tau; a row is a candidate
 * while its `lo` <= tau.  At the end the candidates are re-scored with the
 * reference kernel and ordered by (score, id).  Every row of the true top-k
 * has lo <= reference <= (k-th smallest reference) <= (k-th smallest hi),
 * so none is lost; the full n x nq score matrix is never held (blocks of
 * ACCEL_BLOCK_ROWS rows).
 *
 * Threads.  The CPU backend splits rows across the threads it was opened
 * with; each keeps its own thresholds and candidates, merged at the end.
 *
 * INTERFACE ROUTINES
 *   accel_filter_init / accel_filter_free       an empty program / release one
 *   accel_filter_push_cmp / _push_in / _push_between / _push_null / _push_logic
 *                                               append an instruction
 *   accel_filter_check      validate a program against a table's column types
 *   accel_filter_encode / accel_filter_decode   serialized form
 *   accel_filter_eval_ref   the plain reference evaluator (tests, fallbacks)
 *   accel_bitmap_count      rows set in a bitmap
 *   accel_norms             per-row norms for struct accel_vectors
 *   accel_cpu_open          the CPU backend (nthreads; 0 = the cores online)
 *   accel_default           the process-wide backend (created on first use)
 *   accel_filter / accel_topk / accel_close     calls through the ops table
 */
#ifndef ROSETTA_ACCEL_ACCEL_H
#define ROSETTA_ACCEL_ACCEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "engine/vector.h"

#define ACCEL_BLOCK_ROWS 1024  /* rows per sgemm block */
#define ACCEL_FILTER_MAX_STACK 64
#define ACCEL_FILTER_MAX_INSNS 4096
#define ACCEL_FILTER_MAX_VALUES 65536
#define ACCEL_MAX_K 16384

/* Words of a bitmap over n rows; bit r of word r/64 is row r. */
#define ACCEL_BITMAP_WORDS(n) (((n) + 63) / 64)

enum accel_coltype { ACCEL_COL_I64, ACCEL_COL_F64, ACCEL_COL_BOOL, ACCEL_COL_DICT };

struct accel_column {
	enum accel_coltype type;
	const void *data;       /* int64_t[], double[], uint8_t[] (0/1), uint32_t[] codes */
	const uint64_t *nulls;  /* bit set: the row is NULL; NULL pointer: no NULLs */
};

struct accel_table {
	size_t nrows;
	int ncols;
	const struct accel_column *cols;
};

enum accel_op {
	ACCEL_OP_EQ, ACCEL_OP_NE, ACCEL_OP_LT, ACCEL_OP_LE, ACCEL_OP_GT, ACCEL_OP_GE,
	ACCEL_OP_IN, ACCEL_OP_NOT_IN, ACCEL_OP_BETWEEN, ACCEL_OP_NOT_BETWEEN,
	ACCEL_OP_IS_NULL, ACCEL_OP_IS_NOT_NULL,
	ACCEL_OP_AND, ACCEL_OP_OR, ACCEL_OP_NOT,
	ACCEL_OP__COUNT
};

union accel_value {
	int64_t i;
	double f;
};

struct accel_insn {
	enum accel_op op;
	int col;        /* leaf instructions */
	int nvals;      /* constants: 1 for comparisons, 2 for BETWEEN, the list for IN */
	int first;      /* index of the first constant in accel_filter.vals */
};

struct accel_filter {
	int ninsns, cap_insns;
	struct accel_insn *insns;
	int nvals, cap_vals;
	union accel_value *vals;
};

struct accel_vectors {
	size_t n;
	int dim;
	const float *x;       /* n * dim, row r at x + r * dim */
	const double *norms;  /* |x_r|, vector_norm() of each row */
	const int64_t *ids;   /* the id that orders ties */
};

struct accel_topk_req {
	enum vector_metric metric; /* L2, L2_SQUARED, NEGATIVE_INNER_PRODUCT, COSINE */
	const float *queries;      /* nq * dim */
	int nq;
	int k;                     /* 1..ACCEL_MAX_K */
	const uint64_t *bitmap;    /* rows allowed; NULL: all */
};

/* Caller-allocated: ids and scores hold nq * k entries (query q at q * k), counts nq. */
struct accel_topk_result {
	int64_t *ids;
	double *scores;
	int *counts;
};

struct accel_backend;

struct accel_backend_ops {
	const char *name;
	/* Rows where the program is true -> bitmap (ACCEL_BITMAP_WORDS(nrows) words, overwritten). */
	int (*filter)(struct accel_backend *b, const struct accel_filter *f, const struct accel_table *t,
		      uint64_t *bitmap, struct rerr *err);
	int (*topk)(struct accel_backend *b, const struct accel_vectors *v, const struct accel_topk_req *req,
		    struct accel_topk_result *out, struct rerr *err);
	void (*close)(struct accel_backend *b);
};

struct accel_backend {
	const struct accel_backend_ops *ops;
};

/* ---- filter programs (accel_filter.c) ---- */

void accel_filter_init(struct accel_filter *f);
void accel_filter_free(struct accel_filter *f);
/* Leaf instructions; each returns 0, or -1 when a limit is reached or memory runs out. */
int accel_filter_push_cmp(struct accel_filter *f, enum accel_op op, int col, union accel_value v);
int accel_filter_push_in(struct accel_filter *f, int not_in, int col, const union accel_value *v, int n);
int accel_filter_push_between(struct accel_filter *f, int not_between, int col, union accel_value lo,
			      union accel_value hi);
int accel_filter_push_null(struct accel_filter *f, int not_null, int col);
/* ACCEL_OP_AND, ACCEL_OP_OR or ACCEL_OP_NOT. */
int accel_filter_push_logic(struct accel_filter *f, enum accel_op op);
/*
 * A program is valid for `t` when every column exists, text columns see
 * only EQ/NE/IN/NOT_IN/IS [NOT] NULL, the stack never underflows and ends
 * with exactly one entry.  0 or -1 + err (ERR_INVALID_PARAMETER_VALUE).
 */
int accel_filter_check(const struct accel_filter *f, const struct accel_table *t, struct rerr *err);
/*
 * Serialized form, little-endian: "AF1" then per instruction op (u8), and for
 * leaves col (u16), nvals (u16) and nvals 8-byte constants (int64, or the
 * IEEE bits of a double).  Decoding checks lengths and counts only; call
 * accel_filter_check before evaluating.  decode: 0 or -1 + err, `f` fresh.
 */
void accel_filter_encode(const struct accel_filter *f, struct buf *out);
int accel_filter_decode(const uint8_t *p, size_t n, struct accel_filter *f, struct rerr *err);
/* Row-at-a-time evaluation of a checked program: the reference the CPU backend is tested against. */
void accel_filter_eval_ref(const struct accel_filter *f, const struct accel_table *t, uint64_t *bitmap);
/* The CPU's bitmap evaluation of a checked program (the backend's filter op). */
int accel_filter_eval_cpu(const struct accel_filter *f, const struct accel_table *t, uint64_t *bitmap,
			  struct rerr *err);

size_t accel_bitmap_count(const uint64_t *bitmap, size_t nrows);

/* ---- vectors ---- */

/* norms[r] = vector_norm(x + r * dim, dim) for every row. */
void accel_norms(const float *x, size_t n, int dim, double *norms);

/* ---- backends ---- */

/* The CPU backend with `nthreads` worker threads per call (0: the cores online). NULL + err on failure. */
struct accel_backend *accel_cpu_open(int nthreads, struct rerr *err);
/* The process-wide backend the engine uses (the CPU one; created once, never closed). */
struct accel_backend *accel_default(void);

static inline int accel_filter(struct accel_backend *b, const struct accel_filter *f, const struct accel_table *t,
			       uint64_t *bitmap, struct rerr *err)
{ return b->ops->filter(b, f, t, bitmap, err); }
static inline int accel_topk(struct accel_backend *b, const struct accel_vectors *v,
			     const struct accel_topk_req *req, struct accel_topk_result *out, struct rerr *err)
{ return b->ops->topk(b, v, req, out, err); }
static inline void accel_close(struct accel_backend *b) { b->ops->close(b); }

#endif
