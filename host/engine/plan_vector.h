/*
 * plan_vector.h — the planner's hook for exact nearest-neighbour queries.
 *
 * The shape it takes over, in any dialect that parses into it:
 *
 *   SELECT <scalar targets> FROM t [WHERE <filter>] ORDER BY <distance>(col, <vector literal>) LIMIT k
 *
 * where <distance> is pgvector's <-> <#> <=> (or l2_distance,
 * negative_inner_product, cosine_distance) or MySQL/MariaDB's
 * VEC_DISTANCE_EUCLIDEAN / VEC_DISTANCE_COSINE / VEC_DISTANCE, possibly
 * named by a target alias or ordinal, and <filter> is AND/OR/NOT over
 * comparisons, IN, BETWEEN and IS [NOT] NULL of the table's integer,
 * float, boolean and text columns with constants.  The accelerator
 * (accel/accel.h) picks the k rowids over the table's column mirror
 * (accel/mirror.h), and the statement is rewritten to
 *
 *   ... WHERE (<filter>) AND rowid IN (<the k rowids>) ORDER BY <distance>, rowid LIMIT k
 *
 * (a second ORDER BY key is allowed when it is the table's one-column
 * integer primary key: ties are then broken by it, and the rewrite reads
 * `pk IN (...)`), so the store computes the targets of k rows only, with the same SQL
 * functions — the result is the brute-force result with ties broken by
 * rowid (accel.h says why the choice is exact).  Anything else, and any
 * statement run while the session holds the store's write lock or a
 * snapshot (it must see its own writes / its snapshot, which the mirror of
 * committed data does not show), is left to the store unchanged.
 *
 * INTERFACE ROUTINES
 *   plan_vector      rewrite a planned store statement through the accelerator, when it has the shape
 *   plan_vector_recognize   the shape test alone (no store, no accelerator): for the fuzzer
 */
#ifndef ROSETTA_ENGINE_PLAN_VECTOR_H
#define ROSETTA_ENGINE_PLAN_VECTOR_H

#include "core/error.h"
#include "engine/vector.h"
#include "sql/ast.h"

struct session;
struct session_plan;

/* 0 (p rewritten, or left as it was), or -1 + err when the accelerator failed on the query itself. */
int plan_vector(struct session *s, struct session_plan *p, struct rerr *err);

struct plan_vector_shape {
	const struct ast_query *q;
	const struct ast_select *sel;
	const struct ast_expr *dist;   /* the ORDER BY distance expression */
	const struct ast_expr *col;    /* its column operand */
	const char *qtext;             /* the query vector's text literal */
	enum vector_metric metric;     /* VECTOR_L2, VECTOR_NEGATIVE_INNER_PRODUCT or VECTOR_COSINE */
	int64_t k;
	const char *tiebreak;          /* ORDER BY distance, <this column>: must be the integer primary key */
};

/* 1 when `ast` has the shape (filled in *out), else 0.  Looks at the tree only. */
int plan_vector_recognize(const struct ast_stmt *ast, struct plan_vector_shape *out);

#endif
