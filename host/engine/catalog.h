/*
 * catalog.h — what the engine knows of a database's relations, for the binder.
 *
 * The store's own schema is the source of truth: a table's columns and
 * their declared types, written by the deparser as canonical type names
 * (int4, varchar(20), vector(128), ...), so a table created through one
 * dialect is described identically through every other.
 *
 * INTERFACE ROUTINES
 *   catalog_columns    the columns of a table or view, in order (binder callback)
 */
#ifndef ROSETTA_ENGINE_CATALOG_H
#define ROSETTA_ENGINE_CATALOG_H

#include "core/arena.h"
#include "engine/store.h"
#include "engine/types.h"
#include "sql/ast.h"

/* `ctx` is a struct store_conn *.  Returns the column count, or -1 when no such relation exists. */
int catalog_columns(void *ctx, const struct ast_name *name, struct arena *a, struct column_desc **cols);

#endif
