/*
 * binder.h — types and names of a statement's parameters and result columns,
 * known before it runs.
 *
 * Drivers ask at prepare time (asyncpg's Describe, mysql-connector's
 * COM_STMT_PREPARE response, oracledb's describe): so the binder walks the
 * AST against the catalog and infers
 *   - every result column's name (as the dialect names an expression) and
 *     canonical type, and
 *   - every parameter's type from where it stands: compared with a column,
 *     assigned to one, inserted into one, cast, or used as LIMIT.
 * What it cannot infer it leaves RT_UNKNOWN; the session then falls back on
 * what the store reports.  The binder raises only what it is sure of:
 * an unknown table (42P01).  Everything else is left to execution, so a
 * construct the binder does not model never blocks a statement.
 *
 * The catalog is a callback, so this module knows nothing of the store.
 *
 * INTERFACE ROUTINES
 *   sql_bind     statement -> struct bind_result
 */
#ifndef ROSETTA_SQL_BINDER_H
#define ROSETTA_SQL_BINDER_H

#include "core/arena.h"
#include "core/error.h"
#include "engine/types.h"
#include "sql/ast.h"

struct bind_catalog {
	void *ctx;
	/*
	 * The columns of table or view `name` (schema-qualified or not), in
	 * order, allocated from `a`.  Returns the count, or -1 when there is no
	 * such relation.
	 */
	int (*columns)(void *ctx, const struct ast_name *name, struct arena *a, struct column_desc **cols);
};

struct bind_result {
	int nparams;              /* the highest parameter ordinal */
	enum rtype *param_types;  /* [ordinal - 1] */
	int ncols;                /* result columns (SELECT, or RETURNING); 0 when none */
	struct column_desc *cols; /* names and types; a type may be RT_UNKNOWN */
};

/* Returns 0, or -1 with `err` (ERR_UNDEFINED_TABLE with position). All memory from `a`. */
int sql_bind(struct arena *a, const struct ast_stmt *s, const struct bind_catalog *cat, struct bind_result *out,
	     struct rerr *err);

#endif
