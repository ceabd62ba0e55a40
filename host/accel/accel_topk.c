/*
 * accel_topk.c — the CPU backend's exact top-k: float32 screening (OpenBLAS
 * sgemm for batches, a SIMD dot product for one or few queries), a fused
 * per-block threshold, and exact re-scoring with engine/vector.c's kernels.
 * Why the screening is safe is in accel.h ("Exactness").
 *
 *   rows --split by thread--> blocks of ACCEL_BLOCK_ROWS
 *        --bitmap--> allowed rows (gathered when the block has holes)
 *        --sgemm / SIMD dot--> approx dot of each (row, query), float32
 *        --bounds--> [lo, hi] per (row, query)
 *        --threshold--> candidates (lo <= k-th smallest hi so far)
 *   merge threads --> final tau --> re-score candidates exactly --> sort (score, id) --> k
 *
 * Invariants
 *   1. Each block's score matrix is at most ACCEL_BLOCK_ROWS x nq floats; the
 *      N x nq matrix never exists.
 *   2. A query's heap holds the smallest `hi` values seen by its thread, at
 *      most k; tau (its top) only decreases, so a candidate dropped when
 *      lo > tau can never come back into the top k.
 *   3. Every returned score is vector_distance(metric, row, query) exactly.
 *
 * Cost: O(N * nq * dim) flops for screening plus O(C * dim) for the C
 * surviving candidates (about k per query on ordinary data).
 *
 * INTERFACE ROUTINES (accel_int.h)
 *   accel_topk_cpu   the top-k of a batch of queries, nthreads threads
 */
#include "accel/accel_int.h"

#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ACCEL_GEMM_MIN_QUERIES 4   /* below this, the SIMD dot path per query */
#define ACCEL_ROWS_PER_THREAD 16384 /* fewer rows than this per thread: fewer threads */
#define ACCEL_REL_MARGIN 1e-9      /* widening for the double arithmetic around the float dot */

struct accel_cand {
	size_t row;
	double lo;
};

struct accel_qstate {
	double *heap; /* max-heap of `hi`, up to k entries */
	int nheap;
	struct accel_cand *cand;
	size_t ncand, cap;
};

struct accel_part {
	const struct accel_vectors *v;
	const struct accel_topk_req *req;
	const double *qnorm;
	double gamma;
	size_t r0, r1;
	struct accel_qstate *qs;
	float *gather;
	float *dots;
	size_t *rows;
	int failed;
};

/* ---- the float32 dot product (single-query path) ----------------------- */

typedef float accel_v8f __attribute__((vector_size(32)));

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define ACCEL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define ACCEL_CLONES
#endif

/* sum a_i b_i in float32, any order: error <= gamma_n sum |a_i b_i|. Unaligned inputs are fine. */
ACCEL_CLONES
static float accel_dot_f32(const float *a, const float *b, int n)
{
	accel_v8f s0 = {0}, s1 = {0};
	int i = 0;
	for (; i + 16 <= n; i += 16) {
		accel_v8f x0, x1, y0, y1;
		memcpy(&x0, a + i, sizeof(x0));
		memcpy(&x1, a + i + 8, sizeof(x1));
		memcpy(&y0, b + i, sizeof(y0));
		memcpy(&y1, b + i + 8, sizeof(y1));
		s0 += x0 * y0;
		s1 += x1 * y1;
	}
	for (; i + 8 <= n; i += 8) {
		accel_v8f x0, y0;
		memcpy(&x0, a + i, sizeof(x0));
		memcpy(&y0, b + i, sizeof(y0));
		s0 += x0 * y0;
	}
	s0 += s1;
	float r = 0;
	for (int l = 0; l < 8; l++)
		r += s0[l];
	for (; i < n; i++)
		r += a[i] * b[i];
	return r;
}

/* ---- bounds ------------------------------------------------------------ */

/*
 * [lo, hi] surely holding the reference score of a row with norm xn against
 * a query with norm qn, from the float32 dot `d`.  Returns 0 when the row
 * has no score (cosine with a zero vector: the reference gives NaN).
 */
static int accel_bounds(enum vector_metric m, double d, double xn, double qn, double gamma, double *lo, double *hi)
{
	double e = gamma * xn * qn + ACCEL_REL_MARGIN * xn * qn + 1e-300;
	switch (m) {
	case VECTOR_L2:
	case VECTOR_L2_SQUARED: {
		double s = xn * xn + qn * qn - 2 * d;
		double es = 2 * e + ACCEL_REL_MARGIN * (xn * xn + qn * qn);
		double l = s - es, h = s + es;
		if (m == VECTOR_L2_SQUARED) {
			*lo = l;
			*hi = h;
		} else {
			*lo = sqrt(l > 0 ? l : 0) * (1 - ACCEL_REL_MARGIN);
			*hi = sqrt(h > 0 ? h : 0) * (1 + ACCEL_REL_MARGIN) + 1e-300;
		}
		return 1;
	}
	case VECTOR_NEGATIVE_INNER_PRODUCT:
		*lo = -d - e;
		*hi = -d + e;
		return 1;
	case VECTOR_COSINE: {
		if (xn == 0 || qn == 0)
			return 0;
		double c = d / (xn * qn), ec = gamma + 2 * ACCEL_REL_MARGIN;
		double chi = c + ec, clo = c - ec;
		*lo = 1 - (chi > 1 ? 1 : chi);
		*hi = 1 - (clo < -1 ? -1 : clo);
		return 1;
	}
	default:
		return 0;
	}
}

/* ---- per-query threshold and candidates -------------------------------- */

static void accel_heap_sift_down(double *h, int n)
{
	int i = 0;
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && h[l] > h[m])
			m = l;
		if (r < n && h[r] > h[m])
			m = r;
		if (m == i)
			return;
		double t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void accel_heap_push(double *h, int *n, double x)
{
	int i = (*n)++;
	h[i] = x;
	while (i > 0 && h[(i - 1) / 2] < h[i]) {
		double t = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

/* Keep (row, lo) if it may be in the top k; fold hi into the threshold. -1 on out of memory. */
static int accel_consider(struct accel_qstate *q, int k, size_t row, double lo, double hi)
{
	double tau = q->nheap < k ? INFINITY : q->heap[0];
	if (lo > tau)
		return 0;
	if (q->nheap < k) {
		accel_heap_push(q->heap, &q->nheap, hi);
	} else if (hi < tau) {
		q->heap[0] = hi;
		accel_heap_sift_down(q->heap, q->nheap);
	}
	if (q->ncand == q->cap) {
		if (q->nheap == k) { /* drop what the threshold has since excluded */
			size_t w = 0;
			for (size_t i = 0; i < q->ncand; i++)
				if (q->cand[i].lo <= q->heap[0])
					q->cand[w++] = q->cand[i];
			q->ncand = w;
		}
		if (q->ncand * 2 >= q->cap) {
			size_t cap = q->cap ? q->cap * 2 : 256;
			struct accel_cand *c = realloc(q->cand, cap * sizeof(*c));
			if (!c)
				return -1;
			q->cand = c;
			q->cap = cap;
		}
	}
	q->cand[q->ncand++] = (struct accel_cand){row, lo};
	return 0;
}

/* ---- one thread's share ------------------------------------------------ */

static void accel_part_block(struct accel_part *p, size_t b0, size_t b1)
{
	const struct accel_vectors *v = p->v;
	const struct accel_topk_req *req = p->req;
	int dim = v->dim, nq = req->nq, k = req->k;
	size_t m = 0;
	if (!req->bitmap) {
		for (size_t r = b0; r < b1; r++)
			p->rows[m++] = r;
	} else {
		for (size_t r = b0; r < b1;) {
			uint64_t w = req->bitmap[r / 64] >> (r % 64);
			if (!w) {
				r = (r / 64 + 1) * 64;
				continue;
			}
			r += (size_t)__builtin_ctzll(w);
			if (r >= b1)
				break;
			p->rows[m++] = r++;
		}
	}
	if (m == 0)
		return;

	if (nq >= ACCEL_GEMM_MIN_QUERIES) {
		const float *a = v->x + b0 * (size_t)dim;
		if (m != b1 - b0) {
			for (size_t i = 0; i < m; i++)
				memcpy(p->gather + i * (size_t)dim, v->x + p->rows[i] * (size_t)dim, (size_t)dim * sizeof(float));
			a = p->gather;
		}
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, nq, dim, 1.0f, a, dim, req->queries, dim,
			    0.0f, p->dots, nq);
	} else {
		for (size_t i = 0; i < m; i++)
			for (int j = 0; j < nq; j++)
				p->dots[i * (size_t)nq + (size_t)j] =
					accel_dot_f32(v->x + p->rows[i] * (size_t)dim, req->queries + (size_t)j * (size_t)dim, dim);
	}

	for (size_t i = 0; i < m; i++) {
		size_t r = p->rows[i];
		double xn = v->norms[r];
		for (int j = 0; j < nq; j++) {
			double lo, hi;
			if (!accel_bounds(req->metric, p->dots[i * (size_t)nq + (size_t)j], xn, p->qnorm[j], p->gamma, &lo, &hi))
				continue;
			if (accel_consider(&p->qs[j], k, r, lo, hi) < 0) {
				p->failed = 1;
				return;
			}
		}
	}
}

static void *accel_part_run(void *arg)
{
	struct accel_part *p = arg;
	for (size_t b0 = p->r0; b0 < p->r1 && !p->failed; b0 += ACCEL_BLOCK_ROWS) {
		size_t b1 = b0 + ACCEL_BLOCK_ROWS < p->r1 ? b0 + ACCEL_BLOCK_ROWS : p->r1;
		accel_part_block(p, b0, b1);
	}
	return NULL;
}

static void accel_part_free(struct accel_part *p, int nq)
{
	if (p->qs)
		for (int j = 0; j < nq; j++) {
			free(p->qs[j].heap);
			free(p->qs[j].cand);
		}
	free(p->qs);
	free(p->gather);
	free(p->dots);
	free(p->rows);
}

static int accel_part_init(struct accel_part *p, const struct accel_vectors *v, const struct accel_topk_req *req)
{
	p->qs = calloc((size_t)req->nq, sizeof(*p->qs));
	p->gather = malloc((size_t)ACCEL_BLOCK_ROWS * (size_t)v->dim * sizeof(float));
	p->dots = malloc((size_t)ACCEL_BLOCK_ROWS * (size_t)req->nq * sizeof(float));
	p->rows = malloc((size_t)ACCEL_BLOCK_ROWS * sizeof(size_t));
	if (!p->qs || !p->gather || !p->dots || !p->rows)
		return -1;
	for (int j = 0; j < req->nq; j++)
		if (!(p->qs[j].heap = malloc((size_t)req->k * sizeof(double))))
			return -1;
	return 0;
}

/* ---- merge and exact re-scoring ---------------------------------------- */

struct accel_scored {
	double s;
	int64_t id;
};

static int accel_scored_cmp(const void *a, const void *b)
{
	const struct accel_scored *x = a, *y = b;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static int accel_double_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int accel_merge_query(struct accel_part *parts, int nparts, const struct accel_vectors *v,
			     const struct accel_topk_req *req, int j, struct accel_topk_result *out)
{
	int k = req->k;
	size_t nh = 0, nc = 0;
	for (int t = 0; t < nparts; t++) {
		nh += (size_t)parts[t].qs[j].nheap;
		nc += parts[t].qs[j].ncand;
	}
	double tau = INFINITY;
	if (nh >= (size_t)k) {
		double *his = malloc(nh * sizeof(double));
		if (!his)
			return -1;
		size_t w = 0;
		for (int t = 0; t < nparts; t++)
			for (int i = 0; i < parts[t].qs[j].nheap; i++)
				his[w++] = parts[t].qs[j].heap[i];
		qsort(his, nh, sizeof(double), accel_double_cmp);
		tau = his[k - 1];
		free(his);
	}
	struct accel_scored *sc = malloc((nc ? nc : 1) * sizeof(*sc));
	if (!sc)
		return -1;
	size_t ns = 0;
	const float *q = req->queries + (size_t)j * (size_t)v->dim;
	for (int t = 0; t < nparts; t++) {
		const struct accel_qstate *qs = &parts[t].qs[j];
		for (size_t i = 0; i < qs->ncand; i++) {
			if (qs->cand[i].lo > tau)
				continue;
			size_t r = qs->cand[i].row;
			double s = vector_distance(req->metric, v->x + r * (size_t)v->dim, q, (size_t)v->dim);
			if (isnan(s))
				continue;
			sc[ns++] = (struct accel_scored){s, v->ids ? v->ids[r] : (int64_t)r};
		}
	}
	qsort(sc, ns, sizeof(*sc), accel_scored_cmp);
	int cnt = ns < (size_t)k ? (int)ns : k;
	for (int i = 0; i < cnt; i++) {
		out->ids[(size_t)j * (size_t)k + (size_t)i] = sc[i].id;
		out->scores[(size_t)j * (size_t)k + (size_t)i] = sc[i].s;
	}
	out->counts[j] = cnt;
	free(sc);
	return 0;
}

/* ---- entry ------------------------------------------------------------- */

static int accel_topk_check(const struct accel_vectors *v, const struct accel_topk_req *req, struct rerr *err)
{
	if (req->metric != VECTOR_L2 && req->metric != VECTOR_L2_SQUARED &&
	    req->metric != VECTOR_NEGATIVE_INNER_PRODUCT && req->metric != VECTOR_COSINE)
		return rerr_set(err, ERR_FEATURE_NOT_SUPPORTED, "top-k: metric %d is not supported", (int)req->metric);
	if (req->k < 1 || req->k > ACCEL_MAX_K)
		return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "top-k: k must be between 1 and %d, not %d",
				ACCEL_MAX_K, req->k);
	if (req->nq < 1 || v->dim < 1 || v->dim > VECTOR_MAX_DIM)
		return rerr_set(err, ERR_INVALID_PARAMETER_VALUE, "top-k: %d queries of %d dimensions", req->nq, v->dim);
	size_t nqe = (size_t)req->nq * (size_t)v->dim;
	for (size_t i = 0; i < nqe; i++)
		if (!isfinite(req->queries[i]))
			return rerr_set(err, ERR_DATA_EXCEPTION, "%s not allowed in query vector %zu",
					isnan(req->queries[i]) ? "NaN" : "infinite value", i / (size_t)v->dim);
	return 0;
}

int accel_topk_cpu(const struct accel_vectors *v, const struct accel_topk_req *req, struct accel_topk_result *out,
		   int nthreads, struct rerr *err)
{
	if (accel_topk_check(v, req, err) < 0)
		return -1;
	size_t blocks = (v->n + ACCEL_BLOCK_ROWS - 1) / ACCEL_BLOCK_ROWS;
	int nparts = nthreads < 1 ? 1 : nthreads;
	if ((size_t)nparts > v->n / ACCEL_ROWS_PER_THREAD)
		nparts = (int)(v->n / ACCEL_ROWS_PER_THREAD);
	if (nparts < 1)
		nparts = 1;

	double *qnorm = malloc((size_t)req->nq * sizeof(double));
	struct accel_part *parts = calloc((size_t)nparts, sizeof(*parts));
	int rc = -1;
	if (!qnorm || !parts)
		goto oom;
	for (int j = 0; j < req->nq; j++)
		qnorm[j] = vector_norm(req->queries + (size_t)j * (size_t)v->dim, (size_t)v->dim);
	double nu = (double)v->dim * ldexp(1.0, -24);
	double gamma = nu / (1 - nu);

	size_t per = (blocks + (size_t)nparts - 1) / (size_t)nparts;
	for (int t = 0; t < nparts; t++) {
		struct accel_part *p = &parts[t];
		p->v = v;
		p->req = req;
		p->qnorm = qnorm;
		p->gamma = gamma;
		p->r0 = (size_t)t * per * ACCEL_BLOCK_ROWS;
		p->r1 = (size_t)(t + 1) * per * ACCEL_BLOCK_ROWS;
		if (p->r0 > v->n)
			p->r0 = v->n;
		if (p->r1 > v->n)
			p->r1 = v->n;
		if (accel_part_init(p, v, req) < 0)
			goto oom;
	}

	pthread_t *tids = nparts > 1 ? calloc((size_t)nparts, sizeof(pthread_t)) : NULL;
	if (nparts > 1 && !tids)
		goto oom;
	int started = 0;
	for (int t = 1; tids && t < nparts; t++, started++)
		if (pthread_create(&tids[t], NULL, accel_part_run, &parts[t]) != 0) {
			parts[t].failed = 1;
			break;
		}
	accel_part_run(&parts[0]);
	for (int t = 1; t <= started; t++)
		pthread_join(tids[t], NULL);
	free(tids);
	for (int t = 0; t < nparts; t++)
		if (parts[t].failed)
			goto oom;
	for (int j = 0; j < req->nq; j++)
		if (accel_merge_query(parts, nparts, v, req, j, out) < 0)
			goto oom;
	rc = 0;
	goto done;
oom:
	rerr_set(err, ERR_INTERNAL, "top-k: out of memory");
done:
	for (int t = 0; parts && t < nparts; t++)
		accel_part_free(&parts[t], req->nq);
	free(parts);
	free(qnorm);
	return rc;
}
