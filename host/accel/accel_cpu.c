/*
 * accel_cpu.c — the CPU backend of the accelerator API: its ops table, its
 * thread count, and the process-wide default backend.
 *
 * The work itself is in accel_filter.c (bitmap filter evaluation) and
 * accel_topk.c (sgemm / SIMD screening with exact re-scoring).  OpenBLAS is
 * told to run single-threaded: this backend runs its own threads, one sgemm
 * per thread per block, so the two thread pools never oversubscribe the
 * cores.  No FPGA exists on this machine; an FPGA backend would be another
 * `struct accel_backend_ops` handed out by accel_default().
 *
 * INTERFACE ROUTINES (accel.h)
 *   accel_cpu_open    a CPU backend with N threads per call
 *   accel_default     the engine's backend, created on first use
 *   accel_norms       per-row norms for struct accel_vectors
 */
#include "accel/accel_int.h"

#include <cblas.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct accel_cpu {
	struct accel_backend base;
	int nthreads;
};

static int accel_cpu_filter(struct accel_backend *b, const struct accel_filter *f, const struct accel_table *t,
			    uint64_t *bitmap, struct rerr *err)
{
	(void)b;
	return accel_filter_eval_cpu(f, t, bitmap, err);
}

static int accel_cpu_topk(struct accel_backend *b, const struct accel_vectors *v, const struct accel_topk_req *req,
			  struct accel_topk_result *out, struct rerr *err)
{
	return accel_topk_cpu(v, req, out, ((struct accel_cpu *)b)->nthreads, err);
}

static void accel_cpu_close(struct accel_backend *b)
{
	free(b);
}

static const struct accel_backend_ops accel_cpu_ops = {
	.name = "cpu",
	.filter = accel_cpu_filter,
	.topk = accel_cpu_topk,
	.close = accel_cpu_close,
};

static pthread_once_t accel_blas_once = PTHREAD_ONCE_INIT;

static void accel_blas_single_threaded(void)
{
	openblas_set_num_threads(1);
}

struct accel_backend *accel_cpu_open(int nthreads, struct rerr *err)
{
	pthread_once(&accel_blas_once, accel_blas_single_threaded);
	struct accel_cpu *c = calloc(1, sizeof(*c));
	if (!c) {
		rerr_set(err, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	if (nthreads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = n > 0 ? (int)n : 1;
	}
	c->base.ops = &accel_cpu_ops;
	c->nthreads = nthreads;
	return &c->base;
}

static pthread_once_t accel_default_once = PTHREAD_ONCE_INIT;
static struct accel_backend *accel_default_backend;

static void accel_default_init(void)
{
	struct rerr err;
	accel_default_backend = accel_cpu_open(0, &err);
}

struct accel_backend *accel_default(void)
{
	pthread_once(&accel_default_once, accel_default_init);
	return accel_default_backend;
}

void accel_norms(const float *x, size_t n, int dim, double *norms)
{
	for (size_t r = 0; r < n; r++)
		norms[r] = vector_norm(x + r * (size_t)dim, (size_t)dim);
}
