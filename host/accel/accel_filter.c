/*
 * accel_filter.c — filter programs: building, checking, the serialized form,
 * and two evaluators (a row-at-a-time reference and the CPU's bitmap one).
 * The semantics are in accel.h.
 *
 * Invariants
 *   1. A checked program never under- or overflows its (T, F) stack and
 *      leaves exactly one entry, and has no NaN constant (accel_filter_check).
 *   2. For every row, T and F are never both set: a leaf sets T or F only
 *      where the operand is not NULL, and AND/OR/NOT keep the pair disjoint.
 *   3. Bits past nrows in the last bitmap word are zero in every result.
 *
 * The CPU evaluator works 64 rows at a time: a leaf computes one 64-bit word
 * of "predicate holds" from a branch-free inner loop the compiler turns into
 * SIMD compares, then masks it with the word of non-NULL rows.
 *
 * INTERFACE ROUTINES (accel.h)
 *   accel_filter_init, accel_filter_free, accel_filter_push_*, accel_filter_check,
 *   accel_filter_encode, accel_filter_decode, accel_filter_eval_ref,
 *   accel_filter_eval_cpu, accel_bitmap_count
 */
#include "accel/accel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void accel_filter_init(struct accel_filter *f)
{
	memset(f, 0, sizeof(*f));
}

void accel_filter_free(struct accel_filter *f)
{
	free(f->insns);
	free(f->vals);
	memset(f, 0, sizeof(*f));
}

static int accel_filter_grow(struct accel_filter *f, int ninsn, int nval)
{
	if (f->ninsns + ninsn > ACCEL_FILTER_MAX_INSNS || f->nvals + nval > ACCEL_FILTER_MAX_VALUES)
		return -1;
	if (f->ninsns + ninsn > f->cap_insns) {
		int cap = f->cap_insns ? f->cap_insns * 2 : 16;
		while (cap < f->ninsns + ninsn)
			cap *= 2;
		struct accel_insn *p = realloc(f->insns, (size_t)cap * sizeof(*p));
		if (!p)
			return -1;
		f->insns = p;
		f->cap_insns = cap;
	}
	if (f->nvals + nval > f->cap_vals) {
		int cap = f->cap_vals ? f->cap_vals * 2 : 16;
		while (cap < f->nvals + nval)
			cap *= 2;
		union accel_value *p = realloc(f->vals, (size_t)cap * sizeof(*p));
		if (!p)
			return -1;
		f->vals = p;
		f->cap_vals = cap;
	}
	return 0;
}

static int accel_filter_leaf(struct accel_filter *f, enum accel_op op, int col, const union accel_value *v, int n)
{
	if (n < 0 || n > 0xffff || col < 0 || col > 0xffff || accel_filter_grow(f, 1, n) < 0)
		return -1;
	f->insns[f->ninsns++] = (struct accel_insn){op, col, n, f->nvals};
	if (n)
		memcpy(f->vals + f->nvals, v, (size_t)n * sizeof(*v));
	f->nvals += n;
	return 0;
}

int accel_filter_push_cmp(struct accel_filter *f, enum accel_op op, int col, union accel_value v)
{
	if (op > ACCEL_OP_GE)
		return -1;
	return accel_filter_leaf(f, op, col, &v, 1);
}

int accel_filter_push_in(struct accel_filter *f, int not_in, int col, const union accel_value *v, int n)
{
	return accel_filter_leaf(f, not_in ? ACCEL_OP_NOT_IN : ACCEL_OP_IN, col, v, n);
}

int accel_filter_push_between(struct accel_filter *f, int not_between, int col, union accel_value lo,
			      union accel_value hi)
{
	union accel_value v[2] = {lo, hi};
	return accel_filter_leaf(f, not_between ? ACCEL_OP_NOT_BETWEEN : ACCEL_OP_BETWEEN, col, v, 2);
}

int accel_filter_push_null(struct accel_filter *f, int not_null, int col)
{
	return accel_filter_leaf(f, not_null ? ACCEL_OP_IS_NOT_NULL : ACCEL_OP_IS_NULL, col, NULL, 0);
}

int accel_filter_push_logic(struct accel_filter *f, enum accel_op op)
{
	if (op != ACCEL_OP_AND && op != ACCEL_OP_OR && op != ACCEL_OP_NOT)
		return -1;
	if (accel_filter_grow(f, 1, 0) < 0)
		return -1;
	f->insns[f->ninsns++] = (struct accel_insn){op, 0, 0, 0};
	return 0;
}

static int accel_op_is_logic(enum accel_op op)
{
	return op == ACCEL_OP_AND || op == ACCEL_OP_OR || op == ACCEL_OP_NOT;
}

/* Constants each leaf takes: -1 for "one or more" (IN lists). */
static int accel_op_arity(enum accel_op op)
{
	switch (op) {
	case ACCEL_OP_IN: case ACCEL_OP_NOT_IN:
		return -1;
	case ACCEL_OP_BETWEEN: case ACCEL_OP_NOT_BETWEEN:
		return 2;
	case ACCEL_OP_IS_NULL: case ACCEL_OP_IS_NOT_NULL:
		return 0;
	default:
		return 1;
	}
}

int accel_filter_check(const struct accel_filter *f, const struct accel_table *t, struct rerr *err)
{
	int depth = 0;
	for (int i = 0; i < f->ninsns; i++) {
		const struct accel_insn *in = &f->insns[i];
		if ((unsigned)in->op >= ACCEL_OP__COUNT)
			return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "filter: bad opcode %d at %d", (int)in->op, i);
		if (accel_op_is_logic(in->op)) {
			int need = in->op == ACCEL_OP_NOT ? 1 : 2;
			if (depth < need)
				return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "filter: stack underflow at %d", i);
			depth -= need - 1;
			continue;
		}
		if (in->col < 0 || in->col >= t->ncols)
			return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "filter: no column %d", in->col);
		int arity = accel_op_arity(in->op);
		if ((arity >= 0 && in->nvals != arity) || (arity < 0 && in->nvals < 1) || in->first < 0 ||
		    in->nvals < 0 || in->first > f->nvals - in->nvals)
			return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "filter: bad constants at %d", i);
		if (t->cols[in->col].type == ACCEL_COL_DICT && in->op != ACCEL_OP_EQ && in->op != ACCEL_OP_NE &&
		    in->op != ACCEL_OP_IN && in->op != ACCEL_OP_NOT_IN && in->op != ACCEL_OP_IS_NULL &&
		    in->op != ACCEL_OP_IS_NOT_NULL)
			return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "filter: text column %d is not ordered", in->col);
		for (int k = 0; t->cols[in->col].type == ACCEL_COL_F64 && k < in->nvals; k++)
			if (isnan(f->vals[in->first + k].f))
				return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "filter: NaN constant at %d", i);
		if (++depth > ACCEL_FILTER_MAX_STACK)
			return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "filter: stack deeper than %d",
					ACCEL_FILTER_MAX_STACK);
	}
	if (depth != 1)
		return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "filter: program leaves %d results, not 1", depth);
	return 0;
}

/* ---- serialized form -------------------------------------------------- */

static void accel_put_le(struct buf *out, uint64_t v, int bytes)
{
	uint8_t b[8];
	for (int i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	buf_append(out, b, (size_t)bytes);
}

static uint64_t accel_get_le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void accel_filter_encode(const struct accel_filter *f, struct buf *out)
{
	buf_append(out, "AF1", 3);
	for (int i = 0; i < f->ninsns; i++) {
		const struct accel_insn *in = &f->insns[i];
		buf_put_u8(out, (uint8_t)in->op);
		if (accel_op_is_logic(in->op))
			continue;
		accel_put_le(out, (uint64_t)in->col, 2);
		accel_put_le(out, (uint64_t)in->nvals, 2);
		for (int k = 0; k < in->nvals; k++)
			accel_put_le(out, (uint64_t)f->vals[in->first + k].i, 8);
	}
}

int accel_filter_decode(const uint8_t *p, size_t n, struct accel_filter *f, struct rerr *err)
{
	accel_filter_init(f);
	if (n < 3 || memcmp(p, "AF1", 3) != 0)
		return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "filter: not a serialized program");
	size_t i = 3;
	while (i < n) {
		uint8_t op = p[i++];
		if (op >= ACCEL_OP__COUNT)
			goto bad;
		if (accel_op_is_logic((enum accel_op)op)) {
			if (accel_filter_push_logic(f, (enum accel_op)op) < 0)
				goto bad;
			continue;
		}
		if (n - i < 4)
			goto bad;
		int col = (int)accel_get_le(p + i, 2);
		int nv = (int)accel_get_le(p + i + 2, 2);
		i += 4;
		if ((size_t)nv > (n - i) / 8 || accel_filter_grow(f, 1, nv) < 0)
			goto bad;
		f->insns[f->ninsns++] = (struct accel_insn){(enum accel_op)op, col, nv, f->nvals};
		for (int k = 0; k < nv; k++, i += 8)
			f->vals[f->nvals++].i = (int64_t)accel_get_le(p + i, 8);
	}
	return 0;
bad:
	accel_filter_free(f);
	return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "filter: malformed program at byte %zu", i);
}

/* ---- reference evaluation (row at a time) ------------------------------ */

static int accel_is_null(const struct accel_column *c, size_t r)
{
	return c->nulls && (c->nulls[r / 64] >> (r % 64) & 1);
}

/* -1, 0, 1: row r of c against constant v (the column's own kind). */
static int accel_cmp_ref(const struct accel_column *c, size_t r, union accel_value v)
{
	switch (c->type) {
	case ACCEL_COL_I64: {
		int64_t x = ((const int64_t *)c->data)[r];
		return x < v.i ? -1 : x > v.i;
	}
	case ACCEL_COL_F64: {
		double x = ((const double *)c->data)[r];
		return x < v.f ? -1 : x > v.f;
	}
	case ACCEL_COL_BOOL: {
		int64_t x = ((const uint8_t *)c->data)[r];
		return x < v.i ? -1 : x > v.i;
	}
	case ACCEL_COL_DICT: {
		int64_t x = ((const uint32_t *)c->data)[r];
		return x < v.i ? -1 : x > v.i;
	}
	}
	return 0;
}

/* 1 true, 0 false, -1 unknown */
static int accel_leaf_ref(const struct accel_filter *f, const struct accel_insn *in, const struct accel_table *t,
			  size_t r)
{
	const struct accel_column *c = &t->cols[in->col];
	const union accel_value *v = f->vals + in->first;
	int null = accel_is_null(c, r);
	if (in->op == ACCEL_OP_IS_NULL)
		return null;
	if (in->op == ACCEL_OP_IS_NOT_NULL)
		return !null;
	if (null)
		return -1;
	int k;
	switch (in->op) {
	case ACCEL_OP_EQ: return accel_cmp_ref(c, r, v[0]) == 0;
	case ACCEL_OP_NE: return accel_cmp_ref(c, r, v[0]) != 0;
	case ACCEL_OP_LT: return accel_cmp_ref(c, r, v[0]) < 0;
	case ACCEL_OP_LE: return accel_cmp_ref(c, r, v[0]) <= 0;
	case ACCEL_OP_GT: return accel_cmp_ref(c, r, v[0]) > 0;
	case ACCEL_OP_GE: return accel_cmp_ref(c, r, v[0]) >= 0;
	case ACCEL_OP_BETWEEN:
	case ACCEL_OP_NOT_BETWEEN:
		k = accel_cmp_ref(c, r, v[0]) >= 0 && accel_cmp_ref(c, r, v[1]) <= 0;
		return in->op == ACCEL_OP_BETWEEN ? k : !k;
	case ACCEL_OP_IN:
	case ACCEL_OP_NOT_IN:
		k = 0;
		for (int j = 0; j < in->nvals && !k; j++)
			k = accel_cmp_ref(c, r, v[j]) == 0;
		return in->op == ACCEL_OP_IN ? k : !k;
	default:
		return -1;
	}
}

void accel_filter_eval_ref(const struct accel_filter *f, const struct accel_table *t, uint64_t *bitmap)
{
	memset(bitmap, 0, ACCEL_BITMAP_WORDS(t->nrows) * sizeof(uint64_t));
	int stack[ACCEL_FILTER_MAX_STACK];
	for (size_t r = 0; r < t->nrows; r++) {
		int sp = 0;
		for (int i = 0; i < f->ninsns; i++) {
			const struct accel_insn *in = &f->insns[i];
			if (in->op == ACCEL_OP_NOT) {
				stack[sp - 1] = stack[sp - 1] < 0 ? -1 : !stack[sp - 1];
			} else if (in->op == ACCEL_OP_AND) {
				int b = stack[--sp], a = stack[sp - 1];
				stack[sp - 1] = (a == 0 || b == 0) ? 0 : (a < 0 || b < 0) ? -1 : 1;
			} else if (in->op == ACCEL_OP_OR) {
				int b = stack[--sp], a = stack[sp - 1];
				stack[sp - 1] = (a == 1 || b == 1) ? 1 : (a < 0 || b < 0) ? -1 : 0;
			} else {
				stack[sp++] = accel_leaf_ref(f, in, t, r);
			}
		}
		if (stack[0] == 1)
			bitmap[r / 64] |= (uint64_t)1 << (r % 64);
	}
}

/* ---- CPU evaluation (64 rows per word) --------------------------------- */

/*
 * One word of "x op c" for rows base..base+cnt.  The loops are written per
 * type and operator without branches so GCC and Clang vectorise them.
 */
#define ACCEL_CMP_WORD(T, X, C, OPEXPR)                                          \
	do {                                                                     \
		const T *xs = (const T *)(X) + base;                             \
		uint8_t bits[64];                                                \
		for (int j = 0; j < cnt; j++) {                                  \
			T x = xs[j];                                             \
			bits[j] = (uint8_t)(OPEXPR);                             \
		}                                                                \
		for (int j = 0; j < cnt; j++)                                    \
			w |= (uint64_t)bits[j] << j;                             \
		(void)(C);                                                       \
	} while (0)

static uint64_t accel_word_cmp_i64(const int64_t *xs0, size_t base, int cnt, enum accel_op op, int64_t c, int64_t c2)
{
	uint64_t w = 0;
	switch (op) {
	case ACCEL_OP_EQ: ACCEL_CMP_WORD(int64_t, xs0, c, x == c); break;
	case ACCEL_OP_NE: ACCEL_CMP_WORD(int64_t, xs0, c, x != c); break;
	case ACCEL_OP_LT: ACCEL_CMP_WORD(int64_t, xs0, c, x < c); break;
	case ACCEL_OP_LE: ACCEL_CMP_WORD(int64_t, xs0, c, x <= c); break;
	case ACCEL_OP_GT: ACCEL_CMP_WORD(int64_t, xs0, c, x > c); break;
	case ACCEL_OP_GE: ACCEL_CMP_WORD(int64_t, xs0, c, x >= c); break;
	case ACCEL_OP_BETWEEN: ACCEL_CMP_WORD(int64_t, xs0, c, (x >= c) & (x <= c2)); break;
	default: break;
	}
	return w;
}

static uint64_t accel_word_cmp_f64(const double *xs0, size_t base, int cnt, enum accel_op op, double c, double c2)
{
	uint64_t w = 0;
	switch (op) {
	case ACCEL_OP_EQ: ACCEL_CMP_WORD(double, xs0, c, x == c); break;
	case ACCEL_OP_NE: ACCEL_CMP_WORD(double, xs0, c, x != c); break;
	case ACCEL_OP_LT: ACCEL_CMP_WORD(double, xs0, c, x < c); break;
	case ACCEL_OP_LE: ACCEL_CMP_WORD(double, xs0, c, x <= c); break;
	case ACCEL_OP_GT: ACCEL_CMP_WORD(double, xs0, c, x > c); break;
	case ACCEL_OP_GE: ACCEL_CMP_WORD(double, xs0, c, x >= c); break;
	case ACCEL_OP_BETWEEN: ACCEL_CMP_WORD(double, xs0, c, (x >= c) & (x <= c2)); break;
	default: break;
	}
	return w;
}

static uint64_t accel_word_cmp_u32(const uint32_t *xs0, size_t base, int cnt, enum accel_op op, int64_t c, int64_t c2)
{
	uint64_t w = 0;
	switch (op) {
	case ACCEL_OP_EQ: ACCEL_CMP_WORD(uint32_t, xs0, c, (int64_t)x == c); break;
	case ACCEL_OP_NE: ACCEL_CMP_WORD(uint32_t, xs0, c, (int64_t)x != c); break;
	case ACCEL_OP_LT: ACCEL_CMP_WORD(uint32_t, xs0, c, (int64_t)x < c); break;
	case ACCEL_OP_LE: ACCEL_CMP_WORD(uint32_t, xs0, c, (int64_t)x <= c); break;
	case ACCEL_OP_GT: ACCEL_CMP_WORD(uint32_t, xs0, c, (int64_t)x > c); break;
	case ACCEL_OP_GE: ACCEL_CMP_WORD(uint32_t, xs0, c, (int64_t)x >= c); break;
	case ACCEL_OP_BETWEEN: ACCEL_CMP_WORD(uint32_t, xs0, c, ((int64_t)x >= c) & ((int64_t)x <= c2)); break;
	default: break;
	}
	return w;
}

static uint64_t accel_word_cmp_u8(const uint8_t *xs0, size_t base, int cnt, enum accel_op op, int64_t c, int64_t c2)
{
	uint64_t w = 0;
	switch (op) {
	case ACCEL_OP_EQ: ACCEL_CMP_WORD(uint8_t, xs0, c, (int64_t)x == c); break;
	case ACCEL_OP_NE: ACCEL_CMP_WORD(uint8_t, xs0, c, (int64_t)x != c); break;
	case ACCEL_OP_LT: ACCEL_CMP_WORD(uint8_t, xs0, c, (int64_t)x < c); break;
	case ACCEL_OP_LE: ACCEL_CMP_WORD(uint8_t, xs0, c, (int64_t)x <= c); break;
	case ACCEL_OP_GT: ACCEL_CMP_WORD(uint8_t, xs0, c, (int64_t)x > c); break;
	case ACCEL_OP_GE: ACCEL_CMP_WORD(uint8_t, xs0, c, (int64_t)x >= c); break;
	case ACCEL_OP_BETWEEN: ACCEL_CMP_WORD(uint8_t, xs0, c, ((int64_t)x >= c) & ((int64_t)x <= c2)); break;
	default: break;
	}
	return w;
}

/* "holds" word for a comparison-like op (EQ..GE, BETWEEN) on one column. */
static uint64_t accel_word_cmp(const struct accel_column *c, size_t base, int cnt, enum accel_op op,
			       union accel_value v0, union accel_value v1)
{
	switch (c->type) {
	case ACCEL_COL_I64: return accel_word_cmp_i64(c->data, base, cnt, op, v0.i, v1.i);
	case ACCEL_COL_F64: return accel_word_cmp_f64(c->data, base, cnt, op, v0.f, v1.f);
	case ACCEL_COL_BOOL: return accel_word_cmp_u8(c->data, base, cnt, op, v0.i, v1.i);
	case ACCEL_COL_DICT: return accel_word_cmp_u32(c->data, base, cnt, op, v0.i, v1.i);
	}
	return 0;
}

/* Leaf word pair: *T rows where it is true, *F where false (both exclude NULL rows unless IS [NOT] NULL). */
static void accel_leaf_word(const struct accel_filter *f, const struct accel_insn *in, const struct accel_column *c,
			    size_t word, int cnt, uint64_t *T, uint64_t *F)
{
	uint64_t valid = cnt == 64 ? ~(uint64_t)0 : (((uint64_t)1 << cnt) - 1);
	uint64_t nulls = c->nulls ? c->nulls[word] & valid : 0;
	uint64_t notnull = valid & ~nulls;
	size_t base = word * 64;
	const union accel_value *v = f->vals + in->first;
	union accel_value none = {0};
	uint64_t holds = 0;
	switch (in->op) {
	case ACCEL_OP_IS_NULL:
		*T = nulls;
		*F = notnull;
		return;
	case ACCEL_OP_IS_NOT_NULL:
		*T = notnull;
		*F = nulls;
		return;
	case ACCEL_OP_IN:
	case ACCEL_OP_NOT_IN:
		for (int j = 0; j < in->nvals; j++)
			holds |= accel_word_cmp(c, base, cnt, ACCEL_OP_EQ, v[j], none);
		if (in->op == ACCEL_OP_NOT_IN)
			holds = ~holds;
		break;
	case ACCEL_OP_BETWEEN:
		holds = accel_word_cmp(c, base, cnt, ACCEL_OP_BETWEEN, v[0], v[1]);
		break;
	case ACCEL_OP_NOT_BETWEEN:
		holds = ~accel_word_cmp(c, base, cnt, ACCEL_OP_BETWEEN, v[0], v[1]);
		break;
	default:
		holds = accel_word_cmp(c, base, cnt, in->op, v[0], none);
		break;
	}
	*T = holds & notnull;
	*F = ~holds & notnull;
}

int accel_filter_eval_cpu(const struct accel_filter *f, const struct accel_table *t, uint64_t *bitmap,
			  struct rerr *err)
{
	if (accel_filter_check(f, t, err) < 0)
		return -1;
	size_t words = ACCEL_BITMAP_WORDS(t->nrows);
	uint64_t st[ACCEL_FILTER_MAX_STACK], sf[ACCEL_FILTER_MAX_STACK];
	for (size_t w = 0; w < words; w++) {
		int cnt = (w + 1) * 64 <= t->nrows ? 64 : (int)(t->nrows - w * 64);
		int sp = 0;
		for (int i = 0; i < f->ninsns; i++) {
			const struct accel_insn *in = &f->insns[i];
			if (in->op == ACCEL_OP_NOT) {
				uint64_t x = st[sp - 1];
				st[sp - 1] = sf[sp - 1];
				sf[sp - 1] = x;
			} else if (in->op == ACCEL_OP_AND) {
				sp--;
				st[sp - 1] &= st[sp];
				sf[sp - 1] |= sf[sp];
			} else if (in->op == ACCEL_OP_OR) {
				sp--;
				st[sp - 1] |= st[sp];
				sf[sp - 1] &= sf[sp];
			} else {
				accel_leaf_word(f, in, &t->cols[in->col], w, cnt, &st[sp], &sf[sp]);
				sp++;
			}
		}
		bitmap[w] = st[0];
	}
	return 0;
}

size_t accel_bitmap_count(const uint64_t *bitmap, size_t nrows)
{
	size_t n = 0, words = ACCEL_BITMAP_WORDS(nrows);
	for (size_t w = 0; w < words; w++) {
		uint64_t x = bitmap[w];
		if ((w + 1) * 64 > nrows)
			x &= nrows % 64 ? (((uint64_t)1 << (nrows % 64)) - 1) : ~(uint64_t)0;
		n += (size_t)__builtin_popcountll(x);
	}
	return n;
}
