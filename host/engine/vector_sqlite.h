/*
 * vector_sqlite.h — the VECTOR(N) SQL functions in the SQLite store.
 *
 * Registers, on one SQLite connection, the functions through which every
 * dialect reaches vectors once its deparser has turned operators and vendor
 * spellings into calls.  All are deterministic and work on the stored form
 * of vector.h (a BLOB of little-endian float32); wherever a vector is
 * expected a TEXT argument is parsed as a vector literal too, so
 * `l2_distance(embedding, '[1,2,3]')` works, and a constant literal is parsed
 * once per statement (sqlite3_set_auxdata).  A NULL argument gives NULL.
 * Errors are raised with sqlite3_result_error() and a message
 * "[SQLSTATE] text" (see store.h), e.g. "[22000] different vector dimensions 3 and 2".
 *
 *   vector_in(v [, dims])            BLOB   text parsed / blob validated; dims checks VECTOR(dims)
 *   vec_fromtext(v), string_to_vector(v), to_vector(v)      same as vector_in(v)
 *   vector_out(v), vec_totext(v)     TEXT   pgvector's form: [1,2.5,-0.03]
 *   vector_to_string(v), from_vector(v)     TEXT  MySQL's form: [1.00000e+00,2.50000e+00]
 *   vector_dims(v), vector_dim(v)    INTEGER
 *   vector_norm(v)                   REAL   Euclidean norm
 *   l2_distance(a, b)                REAL   pgvector <->
 *   inner_product(a, b)              REAL
 *   negative_inner_product(a, b)     REAL   pgvector <#>
 *   cosine_distance(a, b)            REAL   pgvector <=>
 *   l1_distance(a, b)                REAL   pgvector <+>
 *   vec_distance_euclidean(a, b), vec_distance_cosine(a, b)   MariaDB
 *   vec_distance(a, b)               REAL   MariaDB picks the metric of the column's
 *                                           vector index; with no index here it is
 *                                           euclidean (the deparser may rewrite it to
 *                                           vec_distance_cosine when it knows better)
 *   distance(a, b, metric)           REAL   MySQL (HeatWave) DISTANCE: metric
 *                                           'EUCLIDEAN' | 'COSINE' | 'DOT' (negated
 *                                           inner product), see vector_metric_from_name
 *
 * A cosine distance with a zero vector is NaN in pgvector; SQLite turns a
 * NaN result into NULL, so the SQL result is NULL (and sorts first under
 * ORDER BY ... ASC unless the query says NULLS LAST).
 *
 * INTERFACE ROUTINES
 *   vector_sqlite_register   create the functions above on a connection
 */
#ifndef ROSETTA_ENGINE_VECTOR_SQLITE_H
#define ROSETTA_ENGINE_VECTOR_SQLITE_H

#include <sqlite3.h>

/* Returns SQLITE_OK, or the first sqlite3_create_function_v2() error. */
int vector_sqlite_register(sqlite3 *db);

#endif
