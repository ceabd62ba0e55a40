/*
 * rewrite.h — AST rewrites that need the catalog, applied after binding.
 *
 * INTERFACE ROUTINES
 *   sql_rewrite_writes   wrap every value written to a VECTOR(n) column in
 *                        vector_in(value, n), so text or binary input is
 *                        checked (dimension, finiteness) and stored in the
 *                        canonical form: n little-endian float32
 */
#ifndef ROSETTA_SQL_REWRITE_H
#define ROSETTA_SQL_REWRITE_H

#include "core/arena.h"
#include "core/error.h"
#include "sql/ast.h"
#include "sql/binder.h"

/* Rewrites `s` in place (INSERT, UPDATE, upserts); other statements are left alone. 0 always. */
int sql_rewrite_writes(struct arena *a, struct ast_stmt *s, const struct bind_catalog *cat);

#endif
