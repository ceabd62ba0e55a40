/*
 * deparse_int.h — the deparser's state (internal to host/sql).
 */
#ifndef ROSETTA_SQL_DEPARSE_INT_H
#define ROSETTA_SQL_DEPARSE_INT_H

#include "core/buf.h"
#include "core/error.h"
#include "sql/ast.h"
#include "sql/dialect/rules.h"

/* A set-returning call in a SELECT list (unnest, generate_subscripts), joined in as json_each. */
#define DP_MAX_SRF 8
struct dp_srf {
	const struct ast_expr *e;
	int alias;      /* rosetta_srfN */
	int subscripts; /* generate_subscripts: the 1-based key rather than the value */
	char *arg;      /* the array argument as deparsed (malloc'd), to match the same call written again */
};

struct deparser {
	struct buf *out;
	const struct sql_rules *r;
	const struct ast_stmt *s;
	struct rerr *err;
	int nsrf;       /* the SELECT being written: its set-returning targets */
	struct dp_srf srf[DP_MAX_SRF];
	int srf_next;   /* aliases used so far in the statement */
};

int dp_unsupported(struct deparser *d, const char *what);
void dp_str(struct deparser *d, const char *s);
void dp_ident(struct deparser *d, const char *s);       /* quoted when it must be */
void dp_table(struct deparser *d, const struct ast_name *n);
int dp_expr(struct deparser *d, const struct ast_expr *e);
int dp_exprs(struct deparser *d, const struct ast_expr_list *l);
int dp_query(struct deparser *d, const struct ast_query *q);
int dp_targets(struct deparser *d, int n, const struct ast_target *t);
int dp_order(struct deparser *d, int n, const struct ast_order *o);
void dp_string_lit(struct deparser *d, const char *s, size_t n);

#endif
