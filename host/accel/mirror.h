/*
 * mirror.h — the column mirror: a table with a VECTOR column, held in the
 * accelerator's layout (accel.h) beside the store.
 *
 * A mirror is one table's vector column as a contiguous 64-byte-aligned
 * float32 array (with each row's norm and rowid) and its filterable columns
 * in columnar form: integers as int64, floats as double, booleans as bytes,
 * text dictionary-encoded.  It is built from the store on first use and is
 * immutable: readers hold a reference, and a newer one replaces it.
 *
 * Freshness.  The store calls mirror_note_commit() after every transaction
 * that wrote a database commits (store_set_commit_listener; also before the
 * commit, so a mirror built while a commit is in flight is never taken for
 * current).  Each database has a generation counter that this bumps; a
 * mirror remembers the generation it was built at and mirror_acquire()
 * rebuilds it when the database has moved on.  The granularity is the
 * database, not the table: any write anywhere rebuilds on next use.
 * A mirror shows committed data only: a session whose transaction holds
 * the store's write lock or a snapshot must read through the store
 * (engine/plan_vector.c makes that choice).
 *
 * Memory: each build logs event=accel_mirror with rows, dims and bytes, and
 * mirror_memory() gives the total held by every live mirror.
 *
 * INTERFACE ROUTINES
 *   mirror_acquire      the current mirror of (database, table, vector column), built if needed
 *   mirror_release      drop a reference
 *   mirror_column       a filterable column by name (NULL when not mirrored or not usable)
 *   mirror_dict_code    a text constant's dictionary code in a column
 *   mirror_note_commit  the store's commit listener
 *   mirror_memory       bytes held by all mirrors
 */
#ifndef ROSETTA_ACCEL_MIRROR_H
#define ROSETTA_ACCEL_MIRROR_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "accel/accel.h"
#include "engine/store.h"

struct mirror_dict;

struct mirror_col {
	char *name;
	enum rtype decl;         /* declared type */
	int usable;              /* every value fits the columnar type */
	int has_null;
	struct mirror_dict *dict; /* ACCEL_COL_DICT */
};

struct mirror {
	char *key;               /* "<database file>\x1f<table>\x1f<column>" */
	uint64_t gen;
	int refs;                /* under the registry lock */
	int dim;
	int vec_ok;              /* every row has a vector of `dim` dimensions */
	int has_zero;            /* some vector is all zeros (cosine distance undefined) */
	int has_rowid_col;       /* a column is literally named rowid */
	char *pk_name;           /* the one-column primary key, or NULL */
	int pk_is_rowid;         /* it is INTEGER PRIMARY KEY: SQLite's rowid itself */
	struct accel_vectors vectors;
	struct accel_table table; /* the filterable columns, index i is cols[i] */
	struct mirror_col *cols;
	size_t bytes;
};

/*
 * The current mirror of `table`.`vcol` for the database `sc` is connected
 * to, read through `sc` (which must not be inside a store transaction).
 * 0 + *out (a reference: mirror_release it), or -1 + err when the table
 * cannot be mirrored (no such table or column, a temporary table, ...).
 */
int mirror_acquire(struct store_conn *sc, const char *table, const char *vcol, struct mirror **out, struct rerr *err);
void mirror_release(struct mirror *m);

/* Index in m->table of the filterable column `name` (case-insensitive), or -1. */
int mirror_column(const struct mirror *m, const char *name);
/* Dictionary code of text (s, n) in column `col`; a code no row has when absent. */
int64_t mirror_dict_code(const struct mirror *m, int col, const char *s, size_t n);

void mirror_note_commit(const char *db_key);
size_t mirror_memory(void);

#endif
