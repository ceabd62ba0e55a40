/*
 * bench_vector.c — the accelerator's CPU backend on one data set, timed.
 * Driven by run.py (same directory), which makes the data, runs FAISS and
 * numpy on it, computes recall and writes docs/performance.md.
 *
 *   bench_vector calibrate THREADS
 *       prints {"bandwidth_gbs": .., "sgemm_gflops": ..}: a streaming read of
 *       1 GiB by THREADS threads (best of 5) and a 4096^3 cblas_sgemm on
 *       THREADS OpenBLAS threads (best of 3)
 *   bench_vector run DIR N DIM K THREADS SECONDS NQUERIES NSINGLE
 *       DIR/base.f32 (N x DIM float32), DIR/queries.f32 (NQUERIES x DIM),
 *       DIR/attr.i64 (N int64, uniform 0..99), loaded once.  For each filter
 *       PCT in 100 (none), 1, 10, 50 — `attr < PCT`, evaluated by
 *       accel_filter once per batch and counted in the time — and each batch
 *       size NQ in 1, 16, 128: queries go in batches of NQ through accel_topk
 *       (L2, k = K) in passes over the NQUERIES queries (the first NSINGLE
 *       when NQ is 1) until SECONDS have passed (at least one pass).  Prints
 *       one JSON line per (NQ, PCT) {"nq", "pct", "qps", "passes",
 *       "selected", "queries"}; writes the first pass's ids to
 *       DIR/ids_<NQ>_<PCT>.i64 (queries x K, -1 where fewer).
 */
#include <cblas.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel/accel.h"

static double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *bench_load(const char *dir, const char *name, size_t bytes)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	void *p = NULL;
	if (!f || posix_memalign(&p, 64, bytes) != 0 || fread(p, 1, bytes, f) != bytes) {
		fprintf(stderr, "bench_vector: cannot read %zu bytes of %s\n", bytes, path);
		exit(2);
	}
	fclose(f);
	return p;
}

/* ---- calibration ---- */

struct bench_stream {
	const float *p;
	size_t n;
	float sum;
};

typedef float bench_v8f __attribute__((vector_size(32)));

static void *bench_stream_run(void *arg)
{
	struct bench_stream *s = arg;
	bench_v8f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
	for (size_t i = 0; i + 32 <= s->n; i += 32) {
		bench_v8f x0, x1, x2, x3;
		memcpy(&x0, s->p + i, 32);
		memcpy(&x1, s->p + i + 8, 32);
		memcpy(&x2, s->p + i + 16, 32);
		memcpy(&x3, s->p + i + 24, 32);
		a0 += x0;
		a1 += x1;
		a2 += x2;
		a3 += x3;
	}
	bench_v8f a = a0 + a1 + a2 + a3;
	s->sum = a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7];
	return NULL;
}

static int bench_calibrate(int threads)
{
	size_t n = (size_t)1 << 28; /* 1 GiB of floats */
	float *p;
	if (posix_memalign((void **)&p, 64, n * sizeof(float)) != 0)
		return 2;
	for (size_t i = 0; i < n; i++)
		p[i] = (float)(i & 1023);
	double best = 1e30;
	float sink = 0;
	for (int rep = 0; rep < 5; rep++) {
		struct bench_stream s[64];
		pthread_t t[64];
		double t0 = bench_now();
		for (int i = 0; i < threads; i++) {
			s[i] = (struct bench_stream){p + n / (size_t)threads * (size_t)i, n / (size_t)threads, 0};
			pthread_create(&t[i], NULL, bench_stream_run, &s[i]);
		}
		for (int i = 0; i < threads; i++) {
			pthread_join(t[i], NULL);
			sink += s[i].sum;
		}
		double dt = bench_now() - t0;
		if (dt < best)
			best = dt;
	}
	free(p);
	int m = 4096;
	float *a = malloc((size_t)m * (size_t)m * 4), *b = malloc((size_t)m * (size_t)m * 4), *c = malloc((size_t)m * (size_t)m * 4);
	for (size_t i = 0; i < (size_t)m * (size_t)m; i++) {
		a[i] = (float)(i % 7) * 0.25f;
		b[i] = (float)(i % 5) * 0.5f;
	}
	openblas_set_num_threads(threads);
	double gbest = 1e30;
	for (int rep = 0; rep < 3; rep++) {
		double t0 = bench_now();
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, m, m, 1.0f, a, m, b, m, 0.0f, c, m);
		double dt = bench_now() - t0;
		if (dt < gbest)
			gbest = dt;
	}
	sink += c[12345];
	free(a);
	free(b);
	free(c);
	printf("{\"bandwidth_gbs\": %.3f, \"sgemm_gflops\": %.3f, \"sink\": %g}\n", (double)n * 4 / best / 1e9,
	       2.0 * m * (double)m * m / gbest / 1e9, (double)sink);
	return 0;
}

/* ---- a run ---- */

/* One (batch size, filter) line: prints its JSON, writes DIR/ids_<nq>_<pct>.i64. */
static int bench_config(struct accel_backend *b, const char *dir, const struct accel_vectors *v,
			const struct accel_table *t, const float *queries, int k, double seconds, int nq, int pct,
			int nqueries)
{
	size_t n = v->n;
	int dim = v->dim;
	struct accel_filter f;
	accel_filter_init(&f);
	accel_filter_push_cmp(&f, ACCEL_OP_LT, 0, (union accel_value){.i = pct});
	struct rerr err;
	uint64_t *bitmap = pct < 100 ? malloc(ACCEL_BITMAP_WORDS(n) * 8) : NULL;
	int64_t *ids = malloc((size_t)nqueries * (size_t)k * 8), *first = malloc((size_t)nqueries * (size_t)k * 8);
	double *scores = malloc((size_t)nq * (size_t)k * 8);
	int *counts = malloc((size_t)nq * sizeof(int));
	size_t selected = n;
	int passes = 0, rc = 0;
	double t0 = bench_now(), dt = 0;
	do {
		for (int q0 = 0; q0 + nq <= nqueries; q0 += nq) {
			if (bitmap && accel_filter(b, &f, t, bitmap, &err) < 0)
				goto fail;
			struct accel_topk_req req = {VECTOR_L2, queries + (size_t)q0 * (size_t)dim, nq, k, bitmap};
			struct accel_topk_result out = {ids + (size_t)q0 * (size_t)k, scores, counts};
			if (accel_topk(b, v, &req, &out, &err) < 0)
				goto fail;
			for (int j = 0; j < nq; j++)
				for (int i = counts[j]; i < k; i++)
					ids[(size_t)(q0 + j) * (size_t)k + (size_t)i] = -1;
		}
		if (passes++ == 0)
			memcpy(first, ids, (size_t)nqueries * (size_t)k * 8);
		dt = bench_now() - t0;
	} while (dt < seconds);
	if (bitmap)
		selected = accel_bitmap_count(bitmap, n);
	int done = nqueries / nq * nq;
	char path[4096];
	snprintf(path, sizeof(path), "%s/ids_%d_%d.i64", dir, nq, pct);
	FILE *o = fopen(path, "wb");
	if (!o || fwrite(first, 8, (size_t)nqueries * (size_t)k, o) != (size_t)nqueries * (size_t)k) {
		fprintf(stderr, "bench_vector: cannot write %s\n", path);
		rc = 2;
	}
	if (o)
		fclose(o);
	printf("{\"nq\": %d, \"pct\": %d, \"qps\": %.3f, \"passes\": %d, \"selected\": %zu, \"queries\": %d}\n", nq, pct,
	       (double)done * passes / dt, passes, selected, done);
	fflush(stdout);
	goto done;
fail:
	fprintf(stderr, "bench_vector: %s\n", err.message);
	rc = 2;
done:
	accel_filter_free(&f);
	free(bitmap);
	free(ids);
	free(first);
	free(scores);
	free(counts);
	return rc;
}

static int bench_run(char **argv)
{
	const char *dir = argv[0];
	size_t n = strtoull(argv[1], NULL, 10);
	int dim = atoi(argv[2]), k = atoi(argv[3]), threads = atoi(argv[4]);
	double seconds = atof(argv[5]);
	int nqueries = atoi(argv[6]), nsingle = atoi(argv[7]);
	float *x = bench_load(dir, "base.f32", n * (size_t)dim * 4);
	float *queries = bench_load(dir, "queries.f32", (size_t)nqueries * (size_t)dim * 4);
	int64_t *attr = bench_load(dir, "attr.i64", n * 8);
	double *norms = malloc(n * sizeof(double));
	accel_norms(x, n, dim, norms);
	struct accel_vectors v = {n, dim, x, norms, NULL};
	struct accel_column col = {ACCEL_COL_I64, attr, NULL};
	struct accel_table t = {n, 1, &col};
	struct rerr err;
	struct accel_backend *b = accel_cpu_open(threads, &err);
	if (!b) {
		fprintf(stderr, "bench_vector: %s\n", err.message);
		return 2;
	}
	static const int pcts[] = {100, 1, 10, 50}, nqs[] = {1, 16, 128};
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
		for (size_t j = 0; j < sizeof(nqs) / sizeof(nqs[0]); j++)
			if (bench_config(b, dir, &v, &t, queries, k, seconds, nqs[j], pcts[i],
					 nqs[j] == 1 ? nsingle : nqueries) != 0)
				return 2;
	accel_close(b);
	free(x);
	free(queries);
	free(attr);
	free(norms);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "calibrate"))
		return bench_calibrate(atoi(argv[2]));
	if (argc == 10 && !strcmp(argv[1], "run"))
		return bench_run(argv + 2);
	fprintf(stderr, "usage: bench_vector calibrate THREADS | run DIR N DIM K THREADS SECONDS NQUERIES NSINGLE\n");
	return 2;
}
