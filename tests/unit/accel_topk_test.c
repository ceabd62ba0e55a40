/*
 * accel_topk_test.c — exact top-k of the accelerator's CPU backend against a
 * naive reference (every allowed row scored with engine/vector.c's kernel,
 * sorted by (score, id)): random data, every metric, one query (SIMD path)
 * and batches (sgemm path), one thread and several, with and without a
 * bitmap; k larger than the matches; many duplicate scores; NaN queries.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"

void suite_accel_topk(void);

static uint64_t rs = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}
static float rndf(void)
{
	return (float)((double)(rnd() >> 11) / 9007199254740992.0 * 2 - 1);
}

struct scored {
	double s;
	int64_t id;
};
static int scored_cmp(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* The naive answer for one query; returns the count (<= k). */
static int naive_topk(const struct accel_vectors *v, enum vector_metric m, const float *q, const uint64_t *bm, int k,
		      int64_t *ids, double *scores)
{
	struct scored *all = malloc(v->n * sizeof(*all));
	size_t n = 0;
	for (size_t r = 0; r < v->n; r++) {
		if (bm && !(bm[r / 64] >> (r % 64) & 1))
			continue;
		double s = vector_distance(m, v->x + r * (size_t)v->dim, q, (size_t)v->dim);
		if (isnan(s))
			continue;
		all[n++] = (struct scored){s, v->ids[r]};
	}
	qsort(all, n, sizeof(*all), scored_cmp);
	int c = n < (size_t)k ? (int)n : k;
	for (int i = 0; i < c; i++) {
		ids[i] = all[i].id;
		scores[i] = all[i].s;
	}
	free(all);
	return c;
}

struct dataset {
	struct accel_vectors v;
	float *x;
	double *norms;
	int64_t *ids;
};

/* n rows of dim; `levels` > 0 draws each element from that many integer levels (many exact ties). */
static void dataset_make(struct dataset *d, size_t n, int dim, int levels)
{
	d->x = malloc(n * (size_t)dim * sizeof(float));
	d->norms = malloc(n * sizeof(double));
	d->ids = malloc(n * sizeof(int64_t));
	for (size_t i = 0; i < n * (size_t)dim; i++)
		d->x[i] = levels ? (float)(int)(rnd() % (uint64_t)levels) : rndf();
	for (size_t r = 0; r < n; r++)
		d->ids[r] = (int64_t)((r * 7919) % n) + 1; /* a permutation: ties are broken by id, not row */
	accel_norms(d->x, n, dim, d->norms);
	d->v = (struct accel_vectors){n, dim, d->x, d->norms, d->ids};
}

static void dataset_free(struct dataset *d)
{
	free(d->x);
	free(d->norms);
	free(d->ids);
}

/* Run the backend and the naive reference on nq queries; every id and score must match. */
static void check_against_naive(struct accel_backend *b, const struct dataset *d, enum vector_metric m, int nq, int k,
				const uint64_t *bm, const float *queries)
{
	int64_t *ids = calloc((size_t)nq * (size_t)k, sizeof(int64_t));
	double *sc = calloc((size_t)nq * (size_t)k, sizeof(double));
	int *cnt = calloc((size_t)nq, sizeof(int));
	struct accel_topk_req req = {m, queries, nq, k, bm};
	struct accel_topk_result out = {ids, sc, cnt};
	struct rerr err;
	CU_ASSERT_EQUAL_FATAL(accel_topk(b, &d->v, &req, &out, &err), 0);
	int64_t rid[64];
	double rsc[64];
	for (int j = 0; j < nq; j++) {
		int c = naive_topk(&d->v, m, queries + (size_t)j * (size_t)d->v.dim, bm, k, rid, rsc);
		CU_ASSERT_EQUAL(cnt[j], c);
		for (int i = 0; i < c && i < cnt[j]; i++) {
			CU_ASSERT_EQUAL(ids[(size_t)j * (size_t)k + (size_t)i], rid[i]);
			CU_ASSERT(memcmp(&sc[(size_t)j * (size_t)k + (size_t)i], &rsc[i], sizeof(double)) == 0);
		}
	}
	free(ids);
	free(sc);
	free(cnt);
}

static const enum vector_metric metrics[] = {VECTOR_L2, VECTOR_L2_SQUARED, VECTOR_NEGATIVE_INNER_PRODUCT, VECTOR_COSINE};

static void topk_equals_naive_on_random_data(void)
{
	struct dataset d;
	dataset_make(&d, 40000, 37, 0); /* odd dim: SIMD tails; > 2 x 16384 rows: two threads */
	struct rerr err;
	struct accel_backend *one = accel_cpu_open(1, &err), *two = accel_cpu_open(2, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(one);
	CU_ASSERT_PTR_NOT_NULL_FATAL(two);
	float q[8 * 37];
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		q[i] = rndf();
	uint64_t *bm = calloc(ACCEL_BITMAP_WORDS(d.v.n), sizeof(uint64_t));
	for (size_t r = 0; r < d.v.n; r++)
		if (rnd() % 10 == 0)
			bm[r / 64] |= (uint64_t)1 << (r % 64);
	for (size_t mi = 0; mi < sizeof(metrics) / sizeof(metrics[0]); mi++) {
		check_against_naive(one, &d, metrics[mi], 1, 10, NULL, q);
		check_against_naive(two, &d, metrics[mi], 1, 10, bm, q);
		check_against_naive(one, &d, metrics[mi], 8, 10, bm, q);
		check_against_naive(two, &d, metrics[mi], 8, 17, NULL, q);
	}
	free(bm);
	accel_close(one);
	accel_close(two);
	dataset_free(&d);
}

static void k_larger_than_matches_returns_the_matches(void)
{
	struct dataset d;
	dataset_make(&d, 3000, 16, 0);
	uint64_t *bm = calloc(ACCEL_BITMAP_WORDS(d.v.n), sizeof(uint64_t));
	size_t rows[] = {5, 64, 700, 2047, 2999};
	for (size_t i = 0; i < 5; i++)
		bm[rows[i] / 64] |= (uint64_t)1 << (rows[i] % 64);
	float q[4 * 16];
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		q[i] = rndf();
	struct accel_backend *b = accel_default();
	check_against_naive(b, &d, VECTOR_L2, 1, 10, bm, q);
	check_against_naive(b, &d, VECTOR_COSINE, 4, 50, bm, q);
	/* and the count says so */
	int64_t ids[10];
	double sc[10];
	int cnt;
	struct accel_topk_req req = {VECTOR_L2, q, 1, 10, bm};
	struct accel_topk_result out = {ids, sc, &cnt};
	struct rerr err;
	CU_ASSERT_EQUAL(accel_topk(b, &d.v, &req, &out, &err), 0);
	CU_ASSERT_EQUAL(cnt, 5);
	/* an empty bitmap: nothing */
	memset(bm, 0, ACCEL_BITMAP_WORDS(d.v.n) * sizeof(uint64_t));
	CU_ASSERT_EQUAL(accel_topk(b, &d.v, &req, &out, &err), 0);
	CU_ASSERT_EQUAL(cnt, 0);
	free(bm);
	dataset_free(&d);
}

static void duplicate_scores_are_ordered_by_id(void)
{
	struct dataset d;
	dataset_make(&d, 5000, 8, 2); /* elements 0/1: at most 256 distinct vectors, ties everywhere */
	float q[4 * 8];
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		q[i] = (float)(rnd() % 2);
	struct accel_backend *b = accel_default();
	for (size_t mi = 0; mi < sizeof(metrics) / sizeof(metrics[0]); mi++) {
		check_against_naive(b, &d, metrics[mi], 1, 40, NULL, q);
		check_against_naive(b, &d, metrics[mi], 4, 40, NULL, q);
	}
	/* the first 40 of a tie run come out in id order */
	int64_t ids[40];
	double sc[40];
	int cnt;
	struct accel_topk_req req = {VECTOR_L2, q, 1, 40, NULL};
	struct accel_topk_result out = {ids, sc, &cnt};
	struct rerr err;
	CU_ASSERT_EQUAL(accel_topk(b, &d.v, &req, &out, &err), 0);
	CU_ASSERT_EQUAL(cnt, 40);
	for (int i = 1; i < cnt; i++)
		CU_ASSERT(sc[i - 1] < sc[i] || (sc[i - 1] == sc[i] && ids[i - 1] < ids[i]));
	dataset_free(&d);
}

static void nan_in_a_query_is_refused(void)
{
	struct dataset d;
	dataset_make(&d, 100, 4, 0);
	float q[2 * 4] = {1, 2, 3, 4, 0, NAN, 0, 0};
	int64_t ids[6];
	double sc[6];
	int cnt[2];
	struct accel_topk_req req = {VECTOR_L2, q, 2, 3, NULL};
	struct accel_topk_result out = {ids, sc, cnt};
	struct rerr err;
	rerr_clear(&err);
	CU_ASSERT_EQUAL(accel_topk(accel_default(), &d.v, &req, &out, &err), -1);
	CU_ASSERT_EQUAL(err.code, ERR_DATA_EXCEPTION);
	CU_ASSERT_STRING_EQUAL(err.message, "NaN not allowed in query vector 1");
	q[5] = INFINITY;
	CU_ASSERT_EQUAL(accel_topk(accel_default(), &d.v, &req, &out, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "infinite"));
	req.k = 0;
	q[5] = 0;
	CU_ASSERT_EQUAL(accel_topk(accel_default(), &d.v, &req, &out, &err), -1);
	req.k = 3;
	req.metric = VECTOR_L1;
	CU_ASSERT_EQUAL(accel_topk(accel_default(), &d.v, &req, &out, &err), -1);
	CU_ASSERT_EQUAL(err.code, ERR_FEATURE_NOT_SUPPORTED);
	dataset_free(&d);
}

void suite_accel_topk(void)
{
	CU_pSuite s = CU_add_suite("accel_topk", NULL, NULL);
	CU_add_test(s, "top-k equals the naive reference on random data", topk_equals_naive_on_random_data);
	CU_add_test(s, "k larger than the matches returns the matches", k_larger_than_matches_returns_the_matches);
	CU_add_test(s, "duplicate scores are ordered by id", duplicate_scores_are_ordered_by_id);
	CU_add_test(s, "a NaN in a query is refused", nan_in_a_query_is_refused);
}
