/*
 * deparse_int.h — the deparser's state (internal to host/sql).
 */
#ifndef ROSETTA_SQL_DEPARSE_INT_H
#define ROSETTA_SQL_DEPARSE_INT_H

#include "core/buf.h"
#include "core/error.h"
#include "sql/ast.h"
#include "sql/dialect/rules.h"

struct deparser {
	struct buf *out;
	const struct sql_rules *r;
	const struct ast_stmt *s;
	struct rerr *err;
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
