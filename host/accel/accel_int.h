/*
 * accel_int.h — what the CPU backend's files share (not for callers: they use accel.h).
 */
#ifndef ROSETTA_ACCEL_ACCEL_INT_H
#define ROSETTA_ACCEL_ACCEL_INT_H

#include "accel/accel.h"

/* accel_topk.c: the CPU top-k with `nthreads` threads (>= 1). */
int accel_topk_cpu(const struct accel_vectors *v, const struct accel_topk_req *req, struct accel_topk_result *out,
		   int nthreads, struct rerr *err);

#endif
