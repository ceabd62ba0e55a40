/*
 * accel_filter_test.c — filter programs of the accelerator API: the CPU's
 * bitmap evaluation against the row-at-a-time reference on random tables
 * and random programs (NULLs, every operator, SQL's three-valued logic),
 * hand-checked cases, the serialized form, and the checker's refusals.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"

void suite_accel_filter(void);

#define T_ROWS (1000 + 37) /* not a multiple of 64: the last word is partial */

struct ftable {
	int64_t i[T_ROWS];
	double f[T_ROWS];
	uint8_t b[T_ROWS];
	uint32_t d[T_ROWS];
	uint64_t ni[ACCEL_BITMAP_WORDS(T_ROWS)], nf[ACCEL_BITMAP_WORDS(T_ROWS)], nd[ACCEL_BITMAP_WORDS(T_ROWS)];
	struct accel_column cols[4];
	struct accel_table t;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void ftable_fill(struct ftable *ft)
{
	memset(ft, 0, sizeof(*ft));
	size_t n = T_ROWS;
	for (size_t r = 0; r < n; r++) {
		ft->i[r] = (int64_t)(rng() % 21) - 10;
		ft->f[r] = (double)(int64_t)(rng() % 41 - 20) / 4.0;
		ft->b[r] = (uint8_t)(rng() & 1);
		ft->d[r] = (uint32_t)(rng() % 6);
		if (rng() % 7 == 0)
			ft->ni[r / 64] |= (uint64_t)1 << (r % 64);
		if (rng() % 9 == 0)
			ft->nf[r / 64] |= (uint64_t)1 << (r % 64);
		if (rng() % 11 == 0)
			ft->nd[r / 64] |= (uint64_t)1 << (r % 64);
	}
	ft->cols[0] = (struct accel_column){ACCEL_COL_I64, ft->i, ft->ni};
	ft->cols[1] = (struct accel_column){ACCEL_COL_F64, ft->f, ft->nf};
	ft->cols[2] = (struct accel_column){ACCEL_COL_BOOL, ft->b, NULL};
	ft->cols[3] = (struct accel_column){ACCEL_COL_DICT, ft->d, ft->nd};
	ft->t = (struct accel_table){n, 4, ft->cols};
}

static union accel_value rand_value(int col)
{
	union accel_value v;
	switch (col) {
	case 0: v.i = (int64_t)(rng() % 25) - 12; break;
	case 1: v.f = (double)(int64_t)(rng() % 45 - 22) / 4.0; break;
	case 2: v.i = (int64_t)(rng() % 2); break;
	default: v.i = (int64_t)(rng() % 8); break; /* 6, 7: codes no row has */
	}
	return v;
}

/* A random leaf on a random column. */
static void rand_leaf(struct accel_filter *f)
{
	int col = (int)(rng() % 4);
	int kind = (int)(rng() % 6);
	if (col == 3 && kind == 0 && rng() % 2)
		kind = 1;
	switch (kind) {
	case 0: {
		enum accel_op op = col == 3 ? (rng() % 2 ? ACCEL_OP_EQ : ACCEL_OP_NE) : (enum accel_op)(rng() % 6);
		CU_ASSERT_EQUAL(accel_filter_push_cmp(f, op, col, rand_value(col)), 0);
		break;
	}
	case 1: case 2: {
		union accel_value v[5];
		int n = 1 + (int)(rng() % 5);
		for (int k = 0; k < n; k++)
			v[k] = rand_value(col);
		CU_ASSERT_EQUAL(accel_filter_push_in(f, kind == 2, col, v, n), 0);
		break;
	}
	case 3:
		if (col != 3) {
			CU_ASSERT_EQUAL(accel_filter_push_between(f, (int)(rng() % 2), col, rand_value(col), rand_value(col)), 0);
			break;
		}
		/* fall through */
	default:
		CU_ASSERT_EQUAL(accel_filter_push_null(f, (int)(rng() % 2), col), 0);
		break;
	}
}

/* A random expression tree of the given depth, in postfix. */
static void rand_expr(struct accel_filter *f, int depth)
{
	if (depth == 0 || rng() % 3 == 0) {
		rand_leaf(f);
		return;
	}
	switch (rng() % 3) {
	case 0:
		rand_expr(f, depth - 1);
		accel_filter_push_logic(f, ACCEL_OP_NOT);
		break;
	case 1:
		rand_expr(f, depth - 1);
		rand_expr(f, depth - 1);
		accel_filter_push_logic(f, ACCEL_OP_AND);
		break;
	default:
		rand_expr(f, depth - 1);
		rand_expr(f, depth - 1);
		accel_filter_push_logic(f, ACCEL_OP_OR);
		break;
	}
}

static void cpu_filter_equals_reference_on_random_programs(void)
{
	static struct ftable ft;
	ftable_fill(&ft);
	uint64_t ref[ACCEL_BITMAP_WORDS(T_ROWS)], got[ACCEL_BITMAP_WORDS(T_ROWS)], dec[ACCEL_BITMAP_WORDS(T_ROWS)];
	struct accel_backend *b = accel_default();
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	int nonempty = 0, notall = 0;
	for (int trial = 0; trial < 600; trial++) {
		struct accel_filter f;
		accel_filter_init(&f);
		rand_expr(&f, 4);
		struct rerr err;
		CU_ASSERT_EQUAL_FATAL(accel_filter_check(&f, &ft.t, &err), 0);
		accel_filter_eval_ref(&f, &ft.t, ref);
		memset(got, 0xa5, sizeof(got));
		CU_ASSERT_EQUAL(accel_filter(b, &f, &ft.t, got, &err), 0);
		CU_ASSERT_EQUAL(memcmp(ref, got, sizeof(ref)), 0);

		struct buf wire;
		buf_init(&wire);
		accel_filter_encode(&f, &wire);
		struct accel_filter g;
		CU_ASSERT_EQUAL_FATAL(accel_filter_decode(wire.data, wire.len, &g, &err), 0);
		CU_ASSERT_EQUAL(accel_filter_eval_cpu(&g, &ft.t, dec, &err), 0);
		CU_ASSERT_EQUAL(memcmp(ref, dec, sizeof(ref)), 0);
		size_t cnt = accel_bitmap_count(ref, T_ROWS);
		nonempty += cnt > 0;
		notall += cnt < T_ROWS;
		accel_filter_free(&g);
		buf_free(&wire);
		accel_filter_free(&f);
	}
	CU_ASSERT(nonempty > 100); /* the random programs are not degenerate */
	CU_ASSERT(notall > 100);
}

static int bit(const uint64_t *bm, size_t r)
{
	return (int)(bm[r / 64] >> (r % 64) & 1);
}

static void three_valued_logic_keeps_null_rows_out(void)
{
	/* rows: a = 1, NULL, 2 */
	int64_t a[3] = {1, 0, 2};
	uint64_t an[1] = {2};
	struct accel_column c = {ACCEL_COL_I64, a, an};
	struct accel_table t = {3, 1, &c};
	uint64_t bm[1];
	struct rerr err;
	struct accel_filter f;

	/* NOT (a = 1): only row 2 (NULL stays unknown) */
	accel_filter_init(&f);
	accel_filter_push_cmp(&f, ACCEL_OP_EQ, 0, (union accel_value){.i = 1});
	accel_filter_push_logic(&f, ACCEL_OP_NOT);
	CU_ASSERT_EQUAL(accel_filter_eval_cpu(&f, &t, bm, &err), 0);
	CU_ASSERT_EQUAL(bm[0], 4);
	accel_filter_free(&f);

	/* a = 1 OR a IS NULL: rows 0, 1 */
	accel_filter_init(&f);
	accel_filter_push_cmp(&f, ACCEL_OP_EQ, 0, (union accel_value){.i = 1});
	accel_filter_push_null(&f, 0, 0);
	accel_filter_push_logic(&f, ACCEL_OP_OR);
	CU_ASSERT_EQUAL(accel_filter_eval_cpu(&f, &t, bm, &err), 0);
	CU_ASSERT_EQUAL(bm[0], 3);
	accel_filter_free(&f);

	/* NOT (a NOT IN (7)): rows where a is 7 — none; NULL never true */
	accel_filter_init(&f);
	union accel_value seven = {.i = 7};
	accel_filter_push_in(&f, 1, 0, &seven, 1);
	CU_ASSERT_EQUAL(accel_filter_eval_cpu(&f, &t, bm, &err), 0);
	CU_ASSERT_EQUAL(bm[0], 5);
	accel_filter_push_logic(&f, ACCEL_OP_NOT);
	CU_ASSERT_EQUAL(accel_filter_eval_cpu(&f, &t, bm, &err), 0);
	CU_ASSERT_EQUAL(bm[0], 0);
	CU_ASSERT_EQUAL(bit(bm, 1), 0);
	accel_filter_free(&f);
}

static void checker_refuses_malformed_programs(void)
{
	uint32_t d[2] = {0, 1};
	struct accel_column c = {ACCEL_COL_DICT, d, NULL};
	struct accel_table t = {2, 1, &c};
	struct rerr err;
	struct accel_filter f;

	accel_filter_init(&f); /* empty: no result */
	CU_ASSERT_EQUAL(accel_filter_check(&f, &t, &err), -1);
	accel_filter_push_logic(&f, ACCEL_OP_AND); /* underflow */
	CU_ASSERT_EQUAL(accel_filter_check(&f, &t, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "underflow"));
	accel_filter_free(&f);

	accel_filter_init(&f); /* text is not ordered */
	accel_filter_push_cmp(&f, ACCEL_OP_LT, 0, (union accel_value){.i = 1});
	CU_ASSERT_EQUAL(accel_filter_check(&f, &t, &err), -1);
	accel_filter_free(&f);

	accel_filter_init(&f); /* no such column */
	accel_filter_push_null(&f, 0, 3);
	CU_ASSERT_EQUAL(accel_filter_check(&f, &t, &err), -1);
	accel_filter_free(&f);

	accel_filter_init(&f); /* two results */
	accel_filter_push_null(&f, 0, 0);
	accel_filter_push_null(&f, 1, 0);
	CU_ASSERT_EQUAL(accel_filter_check(&f, &t, &err), -1);
	accel_filter_push_logic(&f, ACCEL_OP_OR);
	CU_ASSERT_EQUAL(accel_filter_check(&f, &t, &err), 0);
	accel_filter_free(&f);

	/* truncated serialized forms are refused, never read past */
	static const uint8_t wire[] = {'A', 'F', '1', ACCEL_OP_EQ, 0, 0, 1, 0, 1, 2, 3};
	for (size_t n = 0; n < sizeof(wire); n++) {
		CU_ASSERT_EQUAL(accel_filter_decode(wire, n, &f, &err), n == 3 ? 0 : -1);
		accel_filter_free(&f);
	}
}

void suite_accel_filter(void)
{
	CU_pSuite s = CU_add_suite("accel_filter", NULL, NULL);
	CU_add_test(s, "CPU filter equals the reference on random programs", cpu_filter_equals_reference_on_random_programs);
	CU_add_test(s, "three-valued logic keeps NULL rows out", three_valued_logic_keeps_null_rows_out);
	CU_add_test(s, "checker refuses malformed programs", checker_refuses_malformed_programs);
}
